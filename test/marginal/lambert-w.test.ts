// gamma1 interval and the Lambert W roots behind it (spec §2.2, §2.6 "gamma1 interval").
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { g, invgHi, invgLo, lambertW0Negative, lambertWm1 } from "../../src/marginal/lambert-w.ts";
import { Gamma1Likelihood, NormalLikelihood, poissonLikelihood } from "../../src/marginal/likelihood-interval.ts";
import { Rng } from "../../src/math/rng.ts";

/** Distance to the next double above |x|. */
function ulp(x: number): number {
  const b = new Float64Array([Math.abs(x)]);
  const u = new BigInt64Array(b.buffer);
  u[0] += 1n;
  return b[0] - Math.abs(x);
}

/** Round-trip distance of §2.2: accurate if t reproduces y or y reproduces t (in ulp). */
function roundTripUlp(t: number, inverse: (y: number) => number): number {
  const y = g(t);
  const t2 = inverse(y);
  return Math.min(Math.abs(t2 - t) / ulp(t), Math.abs(g(t2) - y) / ulp(y));
}

/** ln L̃ of gamma1(k) at x: k − x + k ln(x/k). */
const logRatio = (k: number, x: number) => (k === 0 ? -x : k - x + k * Math.log(x / k));

describe("g inverses", () => {
  const rng = new Rng(7);
  test("low branch round trips within 3 ulp on t ∈ [1e-3, 1]", () => {
    let worst = 0;
    for (let i = 0; i < 100000; i++) worst = Math.max(worst, roundTripUlp(Math.exp(Math.log(1e-3) * rng.uniform()), invgLo));
    assert.ok(worst <= 3, `worst ${worst} ulp`);
  });
  test("high branch round trips within 2 ulp on t ∈ [1, 1000]", () => {
    let worst = 0;
    for (let i = 0; i < 100000; i++) worst = Math.max(worst, roundTripUlp(Math.exp(Math.log(1000) * rng.uniform()), invgHi));
    assert.ok(worst <= 2, `worst ${worst} ulp`);
  });
  test("edge values and the Lambert W identities", () => {
    assert.equal(invgLo(0), 1);
    assert.equal(invgHi(0), 1);
    assert.ok(Number.isNaN(invgLo(-1)) && Number.isNaN(invgHi(Number.NaN)));
    assert.equal(invgLo(1e4), 0); // e^{−1−y} underflows
    assert.ok(Math.abs(g(invgHi(1e4)) / 1e4 - 1) < 1e-15);
    for (const z of [-1 / Math.E, -0.3, -0.1, -1e-5, -1e-200]) {
      for (const w of [lambertW0Negative(z), ...(z < 0 ? [lambertWm1(z)] : [])]) {
        // The wrappers pass through y = −1 − ln(−z), which costs ~|ln(−z)| ulp of relative accuracy.
        const tol = 8e-16 * (2 + Math.abs(Math.log(-z))) * Math.abs(z);
        assert.ok(Math.abs(w * Math.exp(w) - z) <= tol, `W(${z}) = ${w}`);
      }
    }
    assert.ok(lambertWm1(-1e-5) < -1 && lambertW0Negative(-1e-5) > -1);
  });
});

describe("gamma1 / poisson interval", () => {
  const out = new Float64Array(2);
  test("L̃(lo) = L̃(hi) = r for shapes 0.5, 1.6, 100.7 and Poisson n up to 1e6", () => {
    const shapes = [0.5, 1.6, 100.7, 0, 1, 3, 10, 100, 1e4, 1e6];
    for (const k of shapes) {
      const lik = Number.isInteger(k) ? poissonLikelihood(k) : new Gamma1Likelihood(k);
      for (const r of [1, 0.999, 0.9, 0.5, 0.1, 1e-3, 1e-10, 1e-100, 1e-300]) {
        lik.interval(r, out);
        assert.ok(out[0] <= out[1] && out[0] >= 0, `k=${k} r=${r}: [${out[0]}, ${out[1]}]`);
        for (const x of out) {
          if (x === 0) continue; // lo underflowed (or k = 0)
          const lr = logRatio(k, x);
          // Compare ln L̃ with ln r: relative 1e-7 in r means 1e-7 absolute in ln r; use a
          // scale-aware bound for the large-k cases where ln L̃ is a difference of large terms.
          const tol = 1e-7 + 4e-16 * (k + x + Math.abs(k * Math.log(x / Math.max(k, 1e-300))));
          assert.ok(Math.abs(lr - Math.log(r)) <= tol, `k=${k} r=${r} x=${x}: ln L̃ ${lr} vs ln r ${Math.log(r)}`);
        }
      }
    }
  });
  test("special cases", () => {
    new Gamma1Likelihood(0).interval(0, out);
    assert.deepEqual([...out], [0, Infinity]);
    new Gamma1Likelihood(0).interval(0.4, out);
    assert.deepEqual([...out], [0, -Math.log(0.4)]);
    poissonLikelihood(5).interval(0, out);
    assert.deepEqual([...out], [0, Infinity]);
    poissonLikelihood(5).interval(1, out);
    assert.deepEqual([...out], [5, 5]);
    poissonLikelihood(5).interval(1.5, out);
    assert.ok(Number.isNaN(out[0]) && Number.isNaN(out[1]));
    assert.throws(() => poissonLikelihood(2.5), /non-negative integer/);
    assert.throws(() => new Gamma1Likelihood(-1), /≥ 0/);
  });
  test("normal interval", () => {
    new NormalLikelihood(1, 2).interval(Math.exp(-0.5), out);
    assert.ok(Math.abs(out[0] + 1) < 1e-15 && Math.abs(out[1] - 3) < 1e-15);
  });
});
