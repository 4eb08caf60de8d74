import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { GaussianProcess, countSpaceMoments } from "../../src/gp/predict.ts";
import { ConstantKernel, RBF } from "../../src/gp/kernels.ts";
import { needsShared } from "../shared.ts";
import { caseAlpha, caseKernel, gpReference, maxRelErr, relErr, type RefPredict } from "./reference.ts";

const flat = (m: number[][]): number[] => m.flat();

describe("posterior replayed at sklearn's stored theta: mean, cov, std, b, C within 1e-6 relative", needsShared(), () => {
  for (const c of gpReference().cases) {
    const sets: [string, RefPredict, { b: number[]; C: number[][] } | undefined][] = [["opt_n0", c.predict_opt_n0, c.counts_opt_n0]];
    if (c.predict_opt_n10) sets.push(["opt_n10", c.predict_opt_n10, c.counts_opt_n10]);
    for (const [name, ref, counts] of sets) {
      test(`${c.id} ${name}`, () => {
        const gp = new GaussianProcess(caseKernel(c).withTheta(ref.theta), c.X_train, c.y_train, { alpha: caseAlpha(c), normalizeY: c.normalize_y });
        const p = gp.predict(c.X_test, { returnCov: true, returnStd: true });
        // mean: elementwise relative; cov: relative to its largest entry (off-diagonal entries reach 1e-16)
        for (let i = 0; i < ref.mu.length; i++) assert.ok(relErr(p.mean[i], ref.mu[i]) <= 1e-6, `mu[${i}] ${p.mean[i]} vs ${ref.mu[i]}`);
        const ec = maxRelErr(p.cov!, flat(ref.cov));
        assert.ok(ec <= 1e-6, `cov max rel error ${ec}`);
        const m = ref.mu.length;
        for (let i = 0; i < m; i++) assert.ok(relErr(p.cov![i * m + i], ref.cov[i][i]) <= 1e-6, `var[${i}]`);
        const std = ref.std_return_std ?? ref.std!;
        for (let i = 0; i < m; i++) assert.ok(relErr(p.std![i], std[i]) <= 1e-6, `std[${i}] ${p.std![i]} vs ${std[i]}`);
        if (counts) {
          const { b, C } = countSpaceMoments(p.mean, p.cov!);
          for (let i = 0; i < m; i++) assert.ok(relErr(b[i], counts.b[i]) <= 1e-6, `b[${i}]`);
          const eC = maxRelErr(C, flat(counts.C));
          assert.ok(eC <= 1e-6, `C max rel error ${eC}`);
          for (let i = 0; i < m; i++) assert.ok(relErr(C[i * m + i], counts.C[i][i]) <= 1e-6, `C[${i},${i}]`);
        }
      });
    }
  }
});

test("prediction at a training point of a nearly noiseless GP interpolates; std ≥ 0; normalize_y rescales", () => {
  const X = [0, 0.5, 1, 1.5, 2];
  const y = [1, 3, 2, 5, 4];
  const k = new ConstantKernel(4).times(new RBF(0.7));
  const gp = new GaussianProcess(k, X, y, { alpha: 1e-10 });
  const p = gp.predict([0.5, 3], { returnStd: true, returnCov: true });
  assert.ok(Math.abs(p.mean[0] - 3) <= 1e-6);
  assert.ok(p.std![0] >= 0 && p.std![0] <= 1e-4);
  assert.ok(Math.abs(p.std![1] ** 2 - p.cov![3]) <= 1e-12);
  const gpn = new GaussianProcess(k, X, y, { alpha: 1e-10, normalizeY: true });
  assert.ok(Math.abs(gpn.predict([0.5]).mean[0] - 3) <= 1e-6);
  // far from the data the normalised GP reverts to the mean of y
  assert.ok(Math.abs(gpn.predict([50]).mean[0] - 3) <= 1e-9);
});

test("count-space moments: b = exp(μ + S_ii/2), C = b bᵀ ∘ (exp(S) − 1)", () => {
  const { b, C } = countSpaceMoments([1, 2], [0.04, 0.01, 0.01, 0.09]);
  assert.ok(Math.abs(b[0] - Math.exp(1.02)) <= 1e-14 * b[0]);
  assert.ok(Math.abs(b[1] - Math.exp(2.045)) <= 1e-14 * b[1]);
  assert.ok(Math.abs(C[1] - b[0] * b[1] * (Math.exp(0.01) - 1)) <= 1e-12 * C[1]);
  assert.equal(C[1], C[2]);
});

test("non-positive-definite K: clear error without jitter, jitter 'auto' repairs and reports it", () => {
  const X = [0, 0, 1]; // duplicate point, no noise → singular
  const k = new RBF(1);
  assert.throws(() => new GaussianProcess(k, X, [1, 1, 2], { alpha: 0 }), /not positive definite/);
  const gp = new GaussianProcess(k, X, [1, 1, 2], { alpha: 0, jitter: "auto" });
  assert.ok(gp.jitter > 0 && gp.jitter <= 1e-6);
});
