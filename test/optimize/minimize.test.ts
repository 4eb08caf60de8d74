import { test } from "node:test";
import assert from "node:assert/strict";
import { minimize } from "../../src/optimize/minimize.ts";
import { hessianFromGradient, covarianceFromHessian } from "../../src/optimize/hessian.ts";

// Rosenbrock: minimum at (1, 1), f = 0.
const rosen = (x: Float64Array, g: Float64Array): number => {
  const a = 1 - x[0], b = x[1] - x[0] * x[0];
  g[0] = -2 * a - 400 * x[0] * b;
  g[1] = 200 * b;
  return a * a + 100 * b * b;
};

test("minimize(rosenbrock) reaches (1, 1) from (−1.2, 1)", () => {
  const r = minimize(rosen, [-1.2, 1]);
  assert.ok(r.converged, r.message);
  assert.ok(Math.abs(r.x[0] - 1) < 1e-6 && Math.abs(r.x[1] - 1) < 1e-6, `x = ${r.x}`);
  assert.ok(r.fun < 1e-12);
});

test("minimize respects bounds: minimum on the boundary x0 ≤ 0.5", () => {
  const r = minimize(rosen, [0, 0], { upper: [0.5, Infinity] });
  assert.ok(r.converged, r.message);
  assert.equal(r.x[0], 0.5);
  // with x0 = 0.5 fixed by the bound, the best x1 is 0.25
  assert.ok(Math.abs(r.x[1] - 0.25) < 1e-6, `x1 = ${r.x[1]}`);
});

test("minimize holds fixed parameters at their start value", () => {
  const r = minimize(rosen, [2, 0], { fixed: [true, false] });
  assert.equal(r.x[0], 2);
  assert.ok(Math.abs(r.x[1] - 4) < 1e-6);
});

test("minimize handles curvatures 1e10 apart (stiff quadratic) ", () => {
  const c = [1e10, 1, 1e-2];
  const fg = (x: Float64Array, g: Float64Array) => {
    let f = 0;
    for (let i = 0; i < 3; i++) { f += 0.5 * c[i] * (x[i] - 1) ** 2; g[i] = c[i] * (x[i] - 1); }
    return f + 0.05 * (x[1] - 1) * (x[2] - 1);
  };
  const r = minimize((x, g) => { const f = fg(x, g); g[1] += 0.05 * (x[2] - 1); g[2] += 0.05 * (x[1] - 1); return f; }, [0.999, 5, -3]);
  assert.ok(r.converged, r.message);
  for (let i = 0; i < 3; i++) assert.ok(Math.abs(r.x[i] - 1) < 1e-5, `x${i} = ${r.x[i]}`);
});

test("minimize reports failure when the objective is not finite at the start", () => {
  const r = minimize(() => NaN, [0]);
  assert.equal(r.converged, false);
});

test("covarianceFromHessian inverts a correlated Gaussian exactly", () => {
  // f = ½ xᵀ A x with A = [[2, 1], [1, 2]] → cov = A⁻¹ = [[2/3, −1/3], [−1/3, 2/3]]
  const fg = (x: Float64Array, g: Float64Array) => {
    g[0] = 2 * x[0] + x[1];
    g[1] = x[0] + 2 * x[1];
    return 0.5 * (x[0] * g[0] + x[1] * g[1]);
  };
  const H = hessianFromGradient(fg, [0.3, -0.2]);
  const cov = covarianceFromHessian(H, 2, [true, true]);
  assert.ok(Math.abs(cov.matrix[0] - 2 / 3) < 1e-8);
  assert.ok(Math.abs(cov.matrix[1] + 1 / 3) < 1e-8);
  assert.ok(Math.abs(cov.errors[1] - Math.sqrt(2 / 3)) < 1e-8);
  assert.equal(cov.flatDirections, 0);
});

test("minimize copes with an exactly flat direction (the flat parameter stays put)", () => {
  const fg = (x: Float64Array, g: Float64Array) => { g[0] = 2 * (x[0] - 3); g[1] = 0; return (x[0] - 3) ** 2; };
  const r = minimize(fg, [0, 0.7]);
  assert.ok(r.converged, r.message);
  assert.ok(Math.abs(r.x[0] - 3) < 1e-7);
  assert.equal(r.x[1], 0.7);
});

test("minimize recovers from a far, badly scaled start (Rosenbrock from (−30, 400))", () => {
  const r = minimize(rosen, [-30, 400]);
  assert.ok(r.converged, r.message);
  assert.ok(Math.abs(r.x[0] - 1) < 1e-5 && Math.abs(r.x[1] - 1) < 1e-5, `x = ${r.x}`);
});

test("minimize backs off from regions where the objective is not finite", () => {
  // −ln of a Poisson-like term: undefined for x ≤ 0; the minimum is at x = 2.
  const fg = (x: Float64Array, g: Float64Array) => {
    g[0] = 1 - 2 / x[0];
    return x[0] - 2 * Math.log(x[0]);
  };
  const r = minimize(fg, [40]);
  assert.ok(r.converged, r.message);
  assert.ok(Math.abs(r.x[0] - 2) < 1e-6, `x = ${r.x[0]}`);
});

test("minimize starts from the nearest point inside the box when x0 is outside", () => {
  const fg = (x: Float64Array, g: Float64Array) => { g[0] = 2 * (x[0] - 1); return (x[0] - 1) ** 2; };
  const r = minimize(fg, [50], { lower: [-2], upper: [5] });
  assert.ok(r.converged);
  assert.ok(Math.abs(r.x[0] - 1) < 1e-8);
});

test("maxStep: no trial point moves a variable by more than maxStep seed widths (1/√curvature) per iteration", () => {
  // f = Σ c_i (x_i − 10)²/2 from 0 with curvature seed c: the uncapped first step jumps to 10.
  const c = [4, 0.25, 1];
  const seen: number[][] = [];
  const fg = (x: Float64Array, g: Float64Array): number => {
    seen.push(Array.from(x));
    let f = 0;
    for (let i = 0; i < 3; i++) { g[i] = c[i] * (x[i] - 10); f += 0.5 * c[i] * (x[i] - 10) ** 2; }
    return f;
  };
  const r = minimize(fg, [0, 0, 0], { curvature: c, maxStep: 2 });
  assert.ok(r.converged, r.message);
  for (let i = 0; i < 3; i++) assert.ok(Math.abs(r.x[i] - 10) < 1e-6, `x[${i}] = ${r.x[i]}`);
  for (let k = 1; k < seen.length; k++) {
    for (let i = 0; i < 3; i++) {
      const moved = Math.abs(seen[k][i] - seen[k - 1][i]) * Math.sqrt(c[i]);
      assert.ok(moved <= 2 + 1e-9, `evaluation ${k}: x[${i}] moved ${moved} widths`);
    }
  }
  const free = minimize(fg, [0, 0, 0], { curvature: c });
  assert.ok(free.iterations < r.iterations, `uncapped ${free.iterations} iterations, capped ${r.iterations}`);
});
