import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { ConstantKernel, Matern, RationalQuadratic, RBF, WhiteKernel, type Kernel } from "../../src/gp/kernels.ts";
import { MarginalLikelihood, logMarginalLikelihood } from "../../src/gp/lml.ts";
import { LowRankMarginalLikelihood } from "../../src/gp/lowrank.ts";
import { Rng } from "../../src/math/rng.ts";
import { needsShared } from "../shared.ts";
import { caseAlpha, caseKernel, gpReference, relErr, type RefCase } from "./reference.ts";

function evaluator(c: RefCase): MarginalLikelihood {
  return new MarginalLikelihood(caseKernel(c), c.X_train, c.y_train, { alpha: caseAlpha(c), normalizeY: c.normalize_y });
}

describe("LML and gradient against scikit-learn 1.2.1 at fixed theta", needsShared(), () => {
  for (const c of gpReference().cases) {
    test(`${c.id} (n = ${c.n_train}): LML ≤ 1e-8 rel, gradient ≤ 1e-6 rel at theta0; LML ≤ 1e-8 rel at the optimum`, () => {
      const ev = evaluator(c);
      const g = new Float64Array(ev.nTheta);
      const lml = ev.evaluate(c.lml_theta0.theta, g);
      assert.ok(relErr(lml, c.lml_theta0.lml) <= 1e-8, `LML ${lml} vs ${c.lml_theta0.lml}`);
      for (let i = 0; i < g.length; i++) {
        assert.ok(relErr(g[i], c.lml_theta0.grad[i]) <= 1e-6, `grad[${i}] ${g[i]} vs ${c.lml_theta0.grad[i]}`);
      }
      // At sklearn's optimum: LML to 1e-8 relative, gradient (≈ 0 there) to 1e-5 absolute (README).
      // The n = 1590 case checks the LML only, to keep the suite short (one dense solve).
      const opt = c.opt_n10 ?? c.opt_n0;
      const go = c.n_train > 1000 ? null : new Float64Array(ev.nTheta);
      const lo = ev.evaluate(opt.theta, go);
      assert.ok(relErr(lo, opt.lml) <= 1e-8, `LML at optimum ${lo} vs ${opt.lml}`);
      if (go) for (let i = 0; i < go.length; i++) assert.ok(Math.abs(go[i] - opt.grad_at_opt[i]) <= 1e-5, `grad at optimum [${i}] ${go[i]} vs ${opt.grad_at_opt[i]}`);
    });
  }
  test("a failed Cholesky is −∞ with a zero gradient, not an exception (sklearn's bound corner c = 1e18)", () => {
    const c = gpReference().cases[0];
    const ev = evaluator(c);
    const g = new Float64Array(2).fill(7);
    const b = c.kernel.bounds_log;
    assert.equal(ev.evaluate([b[0][1], b[1][1]], g), -Infinity);
    assert.deepEqual(Array.from(g), [0, 0]);
    // the evaluator is still usable afterwards
    assert.ok(relErr(ev.evaluate(c.lml_theta0.theta), c.lml_theta0.lml) <= 1e-8, "relErr(ev.evaluate(c.lml_theta0.theta), c.lml_theta0.lml) <= 1e-8");
  });
});

/** Central differences of the LML; asserts |analytic − FD| ≤ tol·max(1, |FD|) per component. */
function checkLmlGradient(ev: { evaluate(t: ArrayLike<number>, g: Float64Array | null): number }, theta: number[], tol: number, h = 1e-5): void {
  const g = new Float64Array(theta.length);
  ev.evaluate(theta, g);
  for (let q = 0; q < theta.length; q++) {
    const tp = theta.slice(), tm = theta.slice();
    tp[q] += h;
    tm[q] -= h;
    const fd = (ev.evaluate(tp, null) - ev.evaluate(tm, null)) / (2 * h);
    assert.ok(Math.abs(g[q] - fd) <= tol * Math.max(1, Math.abs(fd)), `∂LML/∂θ_${q}: analytic ${g[q]} vs central difference ${fd}`);
  }
}

describe("hand-written LML gradients against central differences (|Δ| ≤ 1e-6·max(1,|∂|))", () => {
  const rng = new Rng(9);
  const n = 60;
  const X = Array.from({ length: n }, () => [4 * rng.uniform(), 2 * rng.uniform()]);
  const y = X.map(([a, b]) => Math.sin(2 * a) * Math.cos(b) + 0.1 * rng.normal());
  const alpha = X.map(() => 0.01 * (1 + rng.uniform()));
  const kernels: [Kernel, number[]][] = [
    [new ConstantKernel(1, [1e-3, 1e3]).times(new RBF(0.7, [1e-2, 1e2])), [0.3, -0.5]],
    [new ConstantKernel(1, [1e-3, 1e3]).times(new Matern(0.7, [1e-2, 1e2], 0.5)), [0.2, 0.1]],
    [new ConstantKernel(1, [1e-3, 1e3]).times(new Matern(0.7, [1e-2, 1e2], 2.5)).plus(new WhiteKernel(0.1, [1e-5, 1])), [0.2, -0.4, -3]],
  ];
  // ≥ 4 hyperparameters take contractGradient's general loop (≤ 3 have an unrolled one): every
  // composition of the kernel algebra with 4, 5 and 6 free hyperparameters (issue #23).
  kernels.push(
    [new ConstantKernel(1, [1e-3, 1e3]).times(new RationalQuadratic(0.7, 1.5, [1e-2, 1e2], [1e-2, 1e2])).plus(new WhiteKernel(0.1, [1e-5, 1])), [0.2, 0.3, -0.4, -3]],
    [new ConstantKernel(1, [1e-3, 1e3]).times(new RBF(0.7, [1e-2, 1e2])).plus(new ConstantKernel(0.5, [1e-3, 1e3]).times(new Matern(1.3, [1e-2, 1e2], 1.5))), [0.1, -0.5, -0.6, 0.4]],
    [new ConstantKernel(1, [1e-3, 1e3]).times(new RBF(0.9, [1e-2, 1e2])).times(new RationalQuadratic(1.2, 0.8, [1e-2, 1e2], [1e-2, 1e2])), [0.3, -0.2, -0.1, 0.25]],
    [new ConstantKernel(1, [1e-3, 1e3]).times(new RBF(0.7, [1e-2, 1e2])).plus(new ConstantKernel(0.3, [1e-3, 1e3]).times(new RationalQuadratic(1.1, 2, [1e-2, 1e2], [1e-2, 1e2]))), [0.2, -0.4, -1.1, 0.5, 0.1]],
    [new ConstantKernel(1, [1e-3, 1e3]).times(new RationalQuadratic(0.8, 1, [1e-2, 1e2], [1e-2, 1e2])).plus(new ConstantKernel(0.2, [1e-3, 1e3]).times(new Matern(0.6, [1e-2, 1e2], 2.5))).plus(new WhiteKernel(0.05, [1e-5, 1])), [0.1, 0.2, -0.3, -1.5, -0.4, -2.5]],
  );
  for (const [k, theta] of kernels) {
    test(`${k}: heteroscedastic alpha`, () => checkLmlGradient(new MarginalLikelihood(k, X, y, { alpha }), theta, 1e-6));
    test(`${k}: normalize_y`, () => checkLmlGradient(new MarginalLikelihood(k, X, y, { alpha: 1e-3, normalizeY: true }), theta, 1e-6));
  }
  // HPS matrices have cond(K) up to 1e9: float64 LML noise (~1e-10 rel) limits central differences,
  // so a wider step and a 2e-5 relative tolerance there.
  test("reference cases at theta0 and at a point in between (h = 1e-4, |Δ| ≤ 2e-5·max(1,|∂|))", needsShared(), () => {
    for (const c of gpReference().cases) {
      if (c.n_train > 1000) continue;
      const opt = c.opt_n10 ?? c.opt_n0;
      checkLmlGradient(evaluator(c), c.lml_theta0.theta, 2e-5, 1e-4);
      checkLmlGradient(evaluator(c), c.lml_theta0.theta.map((t, i) => 0.5 * (t + opt.theta[i])), 2e-5, 1e-4);
    }
  });
});

test("normalize_y: LML equals the plain LML of the standardised targets (population std)", () => {
  const X = [0.1, 0.5, 0.9, 1.3, 2.2, 3.0];
  const y = [3, 5, 4, 8, 9, 7];
  const mean = y.reduce((a, b) => a + b) / y.length;
  const std = Math.sqrt(y.reduce((a, b) => a + (b - mean) ** 2, 0) / y.length);
  const k = new ConstantKernel(1.5).times(new RBF(0.8));
  const a = logMarginalLikelihood(k, X, y, { alpha: 0.01, normalizeY: true, gradient: true });
  const b = logMarginalLikelihood(k, X, y.map((v) => (v - mean) / std), { alpha: 0.01, gradient: true });
  assert.ok(Math.abs(a.lml - b.lml) <= 1e-12 * Math.abs(b.lml), "Math.abs(a.lml - b.lml) <= 1e-12 * Math.abs(b.lml)");
  for (let i = 0; i < 2; i++) assert.ok(Math.abs(a.grad![i] - b.grad![i]) <= 1e-12 * Math.abs(b.grad![i]), "Math.abs(a.grad![i] - b.grad![i]) <= 1e-12 * Math.abs(b.grad![i])");
  // constant targets: std 0 → 1 (sklearn _handle_zeros_in_scale), LML of zeros
  const z = logMarginalLikelihood(k, X, [2, 2, 2, 2, 2, 2], { alpha: 0.01, normalizeY: true });
  const z0 = logMarginalLikelihood(k, X, [0, 0, 0, 0, 0, 0], { alpha: 0.01 });
  assert.ok(Math.abs(z.lml - z0.lml) <= 1e-12 * Math.abs(z0.lml), "Math.abs(z.lml - z0.lml) <= 1e-12 * Math.abs(z0.lml)");
});

describe("low-rank surrogate against the dense LML", needsShared(), () => {
  // The surrogate's gradient is exact for fixed pivots; pivots change with θ, so it is compared
  // with the dense analytic gradient (itself checked against central differences above).
  test("HPS 2015 m = 50 MeV: LML ≤ 1e-9 rel, gradient ≤ 1e-4·max(1,|∂|) from the dense one", () => {
    const c = gpReference().cases.find((x) => x.id === "hps2015_m050")!;
    const ev = evaluator(c);
    const lr = new LowRankMarginalLikelihood(caseKernel(c), c.X_train, c.y_train, { alpha: caseAlpha(c) });
    const opt = c.opt_n10!.theta;
    for (const theta of [opt, [opt[0] + 1, opt[1] - 0.2], [opt[0] - 2, opt[1]]]) {
      const gd = new Float64Array(2), gl = new Float64Array(2);
      const d = ev.evaluate(theta, gd), l = lr.evaluate(theta, gl);
      assert.ok(lr.lastRank > 0 && lr.lastRank < c.n_train / 4, `rank ${lr.lastRank}`);
      assert.ok(relErr(l, d) <= 1e-9, `surrogate ${l} vs dense ${d} at ${theta}`);
      for (let i = 0; i < 2; i++) assert.ok(Math.abs(gl[i] - gd[i]) <= 1e-4 * Math.max(1, Math.abs(gd[i])), `grad ${gl[i]} vs ${gd[i]}`);
    }
  });
  test("the truncation bound covers the distance to the dense LML and grows with c", () => {
    const c = gpReference().cases.find((x) => x.id === "hps2015_m050")!;
    const ev = evaluator(c);
    const lr = new LowRankMarginalLikelihood(caseKernel(c), c.X_train, c.y_train, { alpha: caseAlpha(c) });
    const opt = c.opt_n10!.theta;
    let previous = 0;
    for (const dc of [-2, 0, 4, 8, 12, 16]) {
      const theta = [opt[0] + dc, opt[1]];
      const d = ev.evaluate(theta), l = lr.evaluate(theta);
      const bound = lr.lastTruncationBound;
      assert.ok(Number.isFinite(d) && Math.abs(l - d) <= bound, `log c ${theta[0]}: |${l} − ${d}| > bound ${bound}`);
      assert.ok(bound > previous, `bound ${bound} does not grow with c`);
      previous = bound;
    }
    assert.ok(previous > 1, "at log c ≈ 19 the bound no longer certifies the surrogate");
  });
  test("cached factors: revisiting a length scale reuses its factor and gives the same bits", () => {
    const c = gpReference().cases.find((x) => x.id === "hps2015_m050")!;
    const kw = { alpha: caseAlpha(c) };
    const lr = new LowRankMarginalLikelihood(caseKernel(c), c.X_train, c.y_train, kw);
    const opt = c.opt_n10!.theta;
    const path = [opt, [opt[0] + 1, opt[1]], [opt[0], opt[1] - 0.3], [opt[0] - 1, opt[1] - 0.6], [opt[0] + 0.5, opt[1]]];
    const g = new Float64Array(2);
    const values = path.map((t) => [lr.evaluate(t, g), ...g]);
    assert.equal(lr.cacheHits, 2); // steps 2 and 5 keep the length scale of step 1
    path.forEach((t, k) => {
      const fresh = new LowRankMarginalLikelihood(caseKernel(c), c.X_train, c.y_train, kw);
      assert.deepEqual([fresh.evaluate(t, g), ...g], values[k], `step ${k}`);
    });
  });
  test("falls back to the dense LML when the rank would exceed maxRank", () => {
    const c = gpReference().cases.find((x) => x.id === "hps2015_m030")!;
    const lr = new LowRankMarginalLikelihood(caseKernel(c), c.X_train, c.y_train, { alpha: caseAlpha(c), maxRank: 10 });
    const v = lr.evaluate(c.lml_theta0.theta);
    assert.equal(lr.lastRank, -1);
    assert.ok(relErr(v, c.lml_theta0.lml) <= 1e-8, "relErr(v, c.lml_theta0.lml) <= 1e-8");
  });
});
