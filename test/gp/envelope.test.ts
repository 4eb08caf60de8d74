// The envelope (variable-band) LML against the dense one, its gradient against central
// differences, and the hybrid evaluator choice.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { EnvelopeMarginalLikelihood, envelopeApplicable } from "../../src/gp/envelope.ts";
import { ExactMarginalLikelihood, SearchMarginalLikelihood } from "../../src/gp/hybrid.ts";
import { MarginalLikelihood } from "../../src/gp/lml.ts";
import { ConstantKernel, Matern, RBF, RationalQuadratic } from "../../src/gp/kernels.ts";
import { Rng } from "../../src/math/rng.ts";
import { needsShared } from "../shared.ts";
import { caseAlpha, caseKernel, gpReference, relErr } from "./reference.ts";

/** LML ≤ tolL relative and every gradient component ≤ tolG·max(1,|∂|) from the dense evaluation. */
function agree(a: { evaluate(t: ArrayLike<number>, g: Float64Array | null): number }, dense: MarginalLikelihood, theta: number[], tolL: number, tolG: number): void {
  const ga = new Float64Array(theta.length), gd = new Float64Array(theta.length);
  const la = a.evaluate(theta, ga), ld = dense.evaluate(theta, gd);
  if (ld === -Infinity) return assert.equal(la, -Infinity);
  assert.ok(relErr(la, ld) <= tolL, `LML ${la} vs dense ${ld} at θ = ${theta}`);
  for (let q = 0; q < theta.length; q++) assert.ok(Math.abs(ga[q] - gd[q]) <= tolG * Math.max(1, Math.abs(gd[q])), `∂LML/∂θ_${q}: ${ga[q]} vs dense ${gd[q]} at θ = ${theta}`);
}

describe("envelope LML equals the dense LML (HPS reference spectra)", needsShared(), () => {
  for (const c of gpReference().cases.filter((c) => c.kind === "hps" && c.n_train < 1000)) {
    test(`${c.id} (n = ${c.n_train}): theta0, optimum and the length-scale bounds, LML ≤ 1e-9 rel, gradient ≤ 1e-6`, () => {
      const k = caseKernel(c);
      const env = new EnvelopeMarginalLikelihood(k, c.X_train, c.y_train, { alpha: caseAlpha(c) });
      const dense = new MarginalLikelihood(k, c.X_train, c.y_train, { alpha: caseAlpha(c) });
      const b = k.boundsLog;
      // near the optimum K is ill-conditioned (c ≈ 25, alpha ≈ 2e-6): both forms carry ~1e-10 rounding
      for (const th of [c.lml_theta0.theta, c.opt_n10!.theta, [2, b[1][0]], [2, b[1][1]], [-18, b[1][0]]]) agree(env, dense, th, 1e-9, 1e-6);
      // short length scales leave most of the triangle out
      env.plan([2, b[1][0]]);
      assert.ok(env.plan([2, b[1][0]]).fill < 0.3, `fill ${env.plan([2, b[1][0]]).fill}`);
    });
  }
  test("hps2021_m100 (n = 1590) at the shortest length scale: LML ≤ 1e-10 rel, 10% of the triangle", () => {
    const c = gpReference().cases.find((c) => c.id === "hps2021_m100")!;
    const k = caseKernel(c);
    const env = new EnvelopeMarginalLikelihood(k, c.X_train, c.y_train, { alpha: caseAlpha(c) });
    const dense = new MarginalLikelihood(k, c.X_train, c.y_train, { alpha: caseAlpha(c) });
    const th = [c.lml_theta0.theta[0], k.boundsLog[1][0]];
    agree(env, dense, th, 1e-10, 1e-8);
    assert.ok(env.lastEntries < 0.1 * (1590 * 1591) / 2);
  });
});

describe("envelope LML on synthetic data", () => {
  const rng = new Rng(21);
  const n = 120;
  // unsorted inputs with a gap (like a blinded window) and heteroscedastic noise
  const X = Array.from({ length: n }, () => { const u = rng.uniform() * 10; return u > 4 && u < 5 ? u + 1 : u; });
  const y = X.map((x) => Math.sin(x) + 0.1 * rng.normal());
  const alpha = X.map(() => 0.01 + 0.02 * rng.uniform());
  const kernels = [
    new ConstantKernel(2, [1e-3, 1e3]).times(new RBF(0.7, [1e-2, 1e2])),
    new RBF(0.3, [1e-2, 1e2]).times(new ConstantKernel(0.5, [1e-3, 1e3])),
    new ConstantKernel(1, [1e-3, 1e3]).times(new Matern(0.5, [1e-2, 1e2], 1.5)),
    new ConstantKernel(1, [1e-3, 1e3]).times(new Matern(0.2, [1e-2, 1e2], 0.5)),
    new ConstantKernel(1, [1e-3, 1e3]).times(new RationalQuadratic(0.5, 2, [1e-2, 1e2], [1e-2, 1e2])),
  ];
  for (const k of kernels) {
    test(`${k}: equals the dense LML and gradient; gradient matches central differences`, () => {
      const env = new EnvelopeMarginalLikelihood(k, X, y, { alpha });
      const dense = new MarginalLikelihood(k, X, y, { alpha });
      agree(env, dense, Array.from(k.theta), 1e-11, 1e-8);
      const theta = Array.from(k.theta, (t) => t + 0.3);
      agree(env, dense, theta, 1e-11, 1e-8);
      const g = new Float64Array(theta.length);
      env.evaluate(theta, g);
      for (let q = 0; q < theta.length; q++) {
        const h = 1e-5, tp = theta.slice(), tm = theta.slice();
        tp[q] += h;
        tm[q] -= h;
        const fd = (env.evaluate(tp, null) - env.evaluate(tm, null)) / (2 * h);
        assert.ok(Math.abs(g[q] - fd) <= 1e-6 * Math.max(1, Math.abs(fd)), `∂LML/∂θ_${q}: ${g[q]} vs central difference ${fd}`);
      }
    });
  }
  test("a matrix that is not positive definite gives −∞ and a zero gradient", () => {
    const k = new ConstantKernel(1, [1e-3, 1e30]).times(new RBF(100, [1e-2, 1e3]));
    const env = new EnvelopeMarginalLikelihood(k, X, y, { alpha: 1e-12 });
    const g = new Float64Array(2).fill(7);
    assert.equal(env.evaluate([Math.log(1e25), Math.log(100)], g), -Infinity);
    assert.deepEqual(Array.from(g), [0, 0]);
  });
  test("applies only to Constant × stationary kernels on 1-D inputs", () => {
    assert.equal(envelopeApplicable(kernels[0], X), true);
    assert.equal(envelopeApplicable(new RBF(1), X), false);
    assert.equal(envelopeApplicable(kernels[0], X.map((x) => [x, 2 * x])), false);
  });
  test("exact and search evaluators agree with the dense LML where they are exact", () => {
    const k = kernels[0];
    const dense = new MarginalLikelihood(k, X, y, { alpha });
    agree(new ExactMarginalLikelihood(k, X, y, { alpha }), dense, [0.2, -1], 1e-11, 1e-8);
    const search = new SearchMarginalLikelihood(k, X, y, { alpha });
    agree(search, dense, [0.2, Math.log(0.05)], 1e-11, 1e-8); // short ℓ: high rank, exact envelope
    assert.equal(search.counts.surrogate, 0);
    agree(search, dense, [0.2, Math.log(20)], 1e-8, 1e-5); // long ℓ: low rank, surrogate
    assert.equal(search.counts.surrogate, 1);
  });
});
