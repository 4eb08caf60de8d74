// Injection/extraction closure of the per-mass fit on a correlated 12-bin window (the
// covariance structure of spec §18.2 case C): conditional toys are generated from exactly the
// model the fit assumes, so pulls must be unit normal — a statistical test, not a tautology
// (it fails if σ_A, the profiling, or the toy generation is wrong).
import { test } from "node:test";
import assert from "node:assert/strict";
import { injectSignal, pointSeed, quantile, runConditionalToys, sigmaARef, summarise } from "../../src/bumphunt/injection.ts";
import { normalCdf } from "../../src/math/special.ts";
import { Rng } from "../../src/math/rng.ts";

function caseC() {
  const edges = Array.from({ length: 13 }, (_, i) => 0.045 + (i * 0.006) / 12);
  const x = edges.slice(0, 12).map((e, i) => 0.5 * (e + edges[i + 1]));
  const b = x.map((v) => 500 * Math.exp(-(v - 0.045) / 0.02));
  const C = new Float64Array(144);
  for (let i = 0; i < 12; i++) {
    for (let j = 0; j < 12; j++) {
      const S = 4e-3 * Math.exp(-((Math.log(x[i]) - Math.log(x[j])) ** 2) / (2 * 0.05 ** 2));
      C[i * 12 + j] = b[i] * b[j] * (Math.exp(S) - 1);
    }
  }
  const w = edges.slice(0, 12).map((e, i) => normalCdf((edges[i + 1] - 0.048) / 0.0015) - normalCdf((e - 0.048) / 0.0015));
  return { b, C, w };
}

test("injectSignal: Poisson mean A·w; multinomial conserves round(A) × Σw on average", () => {
  const rng = new Rng(5);
  const w = [0.1, 0.3, 0.2];
  let tp = 0, tm = 0;
  for (let t = 0; t < 4000; t++) {
    tp += injectSignal(w, 50, "poisson", rng).reduce((a, b) => a + b, 0);
    tm += injectSignal(w, 50, "multinomial", rng).reduce((a, b) => a + b, 0);
  }
  assert.ok(Math.abs(tp / 4000 - 30) < 0.5, `${tp / 4000}`);
  assert.ok(Math.abs(tm / 4000 - 30) < 0.5, `${tm / 4000}`);
});

test("closure: pulls at 0, 1, 3 σ_A,ref have mean 0 and width 1 within 3 MC standard errors, coverage 68%/95%", () => {
  const { b, C, w } = caseC();
  const sRef = sigmaARef(b, C, w);
  assert.ok(sRef > 0);
  const N = 400;
  for (const k of [0, 1, 3]) {
    const toys = runConditionalToys({ b, C, w, aInj: k * sRef, nToys: N, seed: pointSeed(314159, "test", 0.048, k * sRef) });
    const s = summarise(toys);
    assert.equal(s.n_failed, 0);
    const se = s.pull_std / Math.sqrt(N);
    assert.ok(Math.abs(s.pull_mean) < 3 * se + 0.02, `k=${k}: pull mean ${s.pull_mean} ± ${se}`);
    assert.ok(Math.abs(s.pull_std - 1) < 3 * s.pull_std_err + 0.02, `k=${k}: pull width ${s.pull_std} ± ${s.pull_std_err}`);
    const c1se = Math.sqrt(0.683 * 0.317 / N), c2se = Math.sqrt(0.954 * 0.046 / N);
    assert.ok(Math.abs(s.cov_1sigma - 0.683) < 3 * c1se, `k=${k}: cov1 ${s.cov_1sigma}`);
    assert.ok(Math.abs(s.cov_2sigma - 0.954) < 3 * c2se + 0.005, `k=${k}: cov2 ${s.cov_2sigma}`);
  }
});

test("toys are reproducible and independent of how they are split", () => {
  const { b, C, w } = caseC();
  const p = { b, C, w, aInj: 20, nToys: 6, seed: 42 };
  const all = runConditionalToys(p);
  const split = [...runConditionalToys(p, 0, 2), ...runConditionalToys(p, 2, 6)];
  assert.deepEqual(split, all);
});

test("quantile matches numpy's linear interpolation", () => {
  assert.equal(quantile([1, 2, 3, 4], 0.5), 2.5);
  assert.ok(Math.abs(quantile([0, 10], 0.16) - 1.6) < 1e-12);
});
