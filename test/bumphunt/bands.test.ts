// Expected upper-limit bands from background-only conditional toys (spec §11.1): the toy
// median agrees with the Asimov expected limit within MC error; toys are reproducible.
import { test } from "node:test";
import assert from "node:assert/strict";
import { FastWindowLimit, expectedBands, limitForCounts } from "../../src/bumphunt/bands.ts";
import { nonNegativeMvn, samplingFactor } from "../../src/math/mvn.ts";
import { Rng } from "../../src/math/rng.ts";
import { WindowLikelihood } from "../../src/bumphunt/window-likelihood.ts";
import { WindowFits, windowLimit } from "../../src/bumphunt/limits.ts";
import { caseC } from "./case-c.ts";

test("Brent limit per toy equals the §7.8 bisection limit (1e-5)", () => {
  const { n, b, C, w } = caseC();
  const lik = new WindowLikelihood({ n, b, C, w });
  const asimov = new WindowFits(lik, lik.dataWithCounts(lik.b));
  const brent = limitForCounts(lik, asimov, n, 0.05, b.reduce((a, v) => a + v, 0));
  assert.ok(Math.abs(brent / windowLimit(lik).aUp - 1) < 1e-5);
});

test("Newton fast path equals the general L-BFGS limit per toy (1e-6) on three windows, incl. Â < 0 and tiny counts", () => {
  for (const [scale, sLog] of [[5000, 4e-4], [400, 2e-3], [3, 1e-2]]) {
    const { b, C, w } = caseC(scale, sLog);
    const lik = new WindowLikelihood({ n: b, b, C, w });
    const asimov = new WindowFits(lik, lik.dataWithCounts(lik.b));
    const fast = new FastWindowLimit(lik);
    const F = samplingFactor(C, b.length);
    const sumB = b.reduce((a, v) => a + v, 0);
    let negative = 0;
    for (let t = 0; t < 25; t++) {
      const rng = Rng.forStream(99, t);
      const lam = nonNegativeMvn(b, F, 1, rng);
      const n = Array.from(lam, (l) => rng.poisson(l));
      const ref = limitForCounts(lik, asimov, n, 0.05, sumB);
      const got = fast.limit(n);
      if (new WindowFits(lik, lik.dataWithCounts(n)).free.pars[0] < 0) negative++;
      assert.ok(Math.abs(got / ref - 1) < 1e-6, `scale ${scale} toy ${t}: ${got} vs ${ref}`);
    }
    assert.ok(negative > 0, "some toys exercise the Â < 0 (boundary) branch");
  }
});

test("band median of 400 background-only toys agrees with the Asimov expected limit within 3 MC errors", () => {
  const { b, C, w } = caseC(400, 2e-3);
  const asimovLimit = windowLimit(new WindowLikelihood({ n: b, b, C, w })).aUp;
  const r = expectedBands({ b, C, w, nToys: 400, seed: 12345 });
  assert.equal(r.n_failed, 0);
  // MC error of a median: 1.2533 σ/√N, with σ ≈ (hi1 − lo1)/2 of the toy distribution.
  const sigma = (r.A.hi1 - r.A.lo1) / 2;
  const se = (1.2533 * sigma) / Math.sqrt(400);
  assert.ok(Math.abs(r.A.med - asimovLimit) < 3 * se, `median ${r.A.med} vs Asimov ${asimovLimit} (± ${se})`);
  assert.ok(r.A.lo2 < r.A.lo1 && r.A.lo1 < r.A.med && r.A.med < r.A.hi1 && r.A.hi1 < r.A.hi2);
});

test("bands are reproducible and independent of how the toys are split", () => {
  const { b, C, w } = caseC(400, 2e-3);
  const all = expectedBands({ b, C, w, nToys: 20, seed: 7 }).toyLimits;
  const split = [...expectedBands({ b, C, w, nToys: 20, seed: 7 }, 0, 9).toyLimits, ...expectedBands({ b, C, w, nToys: 20, seed: 7 }, 9, 20).toyLimits];
  assert.deepEqual(split, all);
});
