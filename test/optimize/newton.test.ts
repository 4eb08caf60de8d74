// Damped (Levenberg–Marquardt) projected Newton with a supplied Hessian (src/optimize/newton.ts):
// exact Hessians, bounds, an objective that is +∞ on part of the box (as infer's rate guard makes
// it), an indefinite Hessian away from the minimum, and an approximate Hessian corrected by the
// structured secant update. Convergence is checked by the projected gradient, not by f.
import { test } from "node:test";
import assert from "node:assert/strict";
import { minimizeNewton, type HessianFunction } from "../../src/optimize/newton.ts";
import { minimize } from "../../src/optimize/minimize.ts";

/** f = ½ (x − c)ᵀ A (x − c) with a fixed SPD A. */
function quadratic(A: number[][], c: number[]) {
  const n = c.length;
  const fg = (x: Float64Array, g: Float64Array): number => {
    let f = 0;
    for (let i = 0; i < n; i++) {
      let v = 0;
      for (let j = 0; j < n; j++) v += A[i][j] * (x[j] - c[j]);
      g[i] = v;
      f += 0.5 * (x[i] - c[i]) * v;
    }
    return f;
  };
  const hess: HessianFunction = (_x, idx, out) => {
    for (let a = 0; a < idx.length; a++) for (let b = 0; b < idx.length; b++) out[a * idx.length + b] = A[idx[a]][idx[b]];
  };
  return { fg, hess };
}

test("SPD quadratic, unbounded: one Newton step to the minimum (1e-12)", () => {
  const A = [[4, 1, 0], [1, 3, 0.5], [0, 0.5, 2]];
  const { fg, hess } = quadratic(A, [1, -2, 0.5]);
  const r = minimizeNewton(fg, hess, [10, 10, 10]);
  assert.ok(r.converged, r.message);
  assert.ok(r.iterations <= 2, `iterations ${r.iterations}`);
  [1, -2, 0.5].forEach((v, i) => assert.ok(Math.abs(r.x[i] - v) < 1e-12, `x[${i}] = ${r.x[i]}`));
});

test("bounds: the KKT point of a bounded quadratic (active lower bound, fixed variable)", () => {
  const A = [[2, 0.5, 0], [0.5, 1, 0], [0, 0, 1]];
  const { fg, hess } = quadratic(A, [-1, 2, 3]);
  const r = minimizeNewton(fg, hess, [1, 1, 7], { lower: [0, -5, -5], upper: [5, 5, 5], fixed: [0, 0, 1] });
  assert.ok(r.converged, r.message);
  // x0 = 0 on its bound; then min over x1 of ½·1·(x1−2)² + 0.5·(0+1)(x1−2) → x1 = 2 − 0.5 = 1.5
  assert.equal(r.x[0], 0, "x0 on its lower bound");
  assert.ok(Math.abs(r.x[1] - 1.5) < 1e-10, `x1 = ${r.x[1]}`);
  assert.equal(r.x[2], 7, "the fixed variable stays at its start");
  assert.ok(r.grad[0] > 0, "the gradient pushes x0 outwards at its bound");
});

test("Rosenbrock with its exact (indefinite away from the valley) Hessian: converges to (1, 1) by the gradient norm", () => {
  const fg = (x: Float64Array, g: Float64Array): number => {
    const [a, b] = x;
    g[0] = -2 * (1 - a) - 400 * a * (b - a * a);
    g[1] = 200 * (b - a * a);
    return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
  };
  const hess: HessianFunction = (x, idx, out) => {
    const H = [[2 - 400 * (x[1] - x[0] * x[0]) + 800 * x[0] * x[0], -400 * x[0]], [-400 * x[0], 200]];
    for (let a = 0; a < idx.length; a++) for (let b = 0; b < idx.length; b++) out[a * idx.length + b] = H[idx[a]][idx[b]];
  };
  const r = minimizeNewton(fg, hess, [-1.2, 1], { secant: false });
  assert.ok(r.converged, r.message);
  assert.ok(Math.abs(r.x[0] - 1) < 1e-7 && Math.abs(r.x[1] - 1) < 1e-7, `x = ${r.x[0]}, ${r.x[1]}`);
  assert.ok(Math.max(Math.abs(r.grad[0]), Math.abs(r.grad[1])) <= 1e-7, "gradient below gtol");
});

test("an objective that is +∞ on part of the box (rate-guard style): rejected steps shrink, the minimum is found", () => {
  // f(x) = x − 0.1 ln x on x > 0 (minimum at 0.1), +∞ for x ≤ 0; the supplied Hessian is 10×
  // too small at the start, so the first steps overshoot into the infinite region.
  const fg = (x: Float64Array, g: Float64Array): number => {
    if (!(x[0] > 0)) { g[0] = 0; return Infinity; }
    g[0] = 1 - 0.1 / x[0];
    return x[0] - 0.1 * Math.log(x[0]);
  };
  const hess: HessianFunction = (x, _idx, out) => { out[0] = 0.01 / (x[0] * x[0]); };
  const r = minimizeNewton(fg, hess, [5]);
  assert.ok(r.converged, r.message);
  assert.ok(Math.abs(r.x[0] - 0.1) < 1e-8, `x = ${r.x[0]}`);
  assert.ok(Number.isFinite(r.fun));
});

test("an approximate Hessian (a curvature term missing): the secant correction still reaches gtol, faster than without it", () => {
  // f = Σ_i [½ a_i (x_i − 1)² + ½ e x_i² + b (x_i − 1)⁴ + c x_i x_{i+1}]; the "model" Hessian
  // drops the e and quartic terms (it under-estimates the curvature everywhere, by e at the minimum).
  const n = 6, a = [1, 2, 3, 1.5, 2.5, 1], b = 0.7, c = 0.2, e = 1.5;
  const fg = (x: Float64Array, g: Float64Array): number => {
    let f = 0;
    g.fill(0);
    for (let i = 0; i < n; i++) {
      const d = x[i] - 1;
      f += 0.5 * a[i] * d * d + 0.5 * e * x[i] * x[i] + b * d ** 4;
      g[i] += a[i] * d + e * x[i] + 4 * b * d ** 3;
      if (i + 1 < n) { f += c * x[i] * x[i + 1]; g[i] += c * x[i + 1]; g[i + 1] += c * x[i]; }
    }
    return f;
  };
  const hess: HessianFunction = (_x, idx, out) => {
    const m = idx.length;
    out.fill(0, 0, m * m);
    for (let p = 0; p < m; p++) {
      out[p * m + p] = a[idx[p]];
      for (let q = 0; q < m; q++) if (Math.abs(idx[p] - idx[q]) === 1) out[p * m + q] = c;
    }
  };
  const x0 = [3, -2, 4, 0, 2.5, -1];
  const r = minimizeNewton(fg, hess, x0);
  const plain = minimizeNewton(fg, hess, x0, { secant: false });
  const ref = minimize(fg, x0, { gtol: 1e-10 });
  assert.ok(r.converged, r.message);
  assert.ok(Math.max(...Array.from(r.grad, Math.abs)) <= 1e-7, "gradient below gtol");
  for (let i = 0; i < n; i++) assert.ok(Math.abs(r.x[i] - ref.x[i]) < 1e-6, `x[${i}] ${r.x[i]} vs quasi-Newton ${ref.x[i]}`);
  assert.ok(r.iterations < plain.iterations, `secant ${r.iterations} iterations, model Hessian alone ${plain.iterations}`);
});
