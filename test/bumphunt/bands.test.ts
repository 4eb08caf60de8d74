// Expected upper-limit bands from background-only conditional toys (spec §11.1): the toy
// median agrees with the Asimov expected limit within MC error; toys are reproducible.
import { test } from "node:test";
import assert from "node:assert/strict";
import { FastWindowLimit, expectedBands, generalWindowSolver } from "../../src/bumphunt/bands.ts";
import { nonNegativeMvn, samplingFactor } from "../../src/math/mvn.ts";
import { Rng } from "../../src/math/rng.ts";
import { WindowLikelihood } from "../../src/bumphunt/window-likelihood.ts";
import { windowFits, windowLimit } from "../../src/bumphunt/limits.ts";
import { massPointInputs } from "../../src/bumphunt/mass-point.ts";
import { hpsScanJob, prepareDataset } from "../../src/bumphunt/scan.ts";
import { caseC } from "./case-c.ts";
import { needsShared, SHARED } from "../shared.ts";

test("Brent limit per toy equals the §7.8 bisection limit (1e-5)", () => {
  const { n, b, C, w } = caseC();
  const lik = new WindowLikelihood({ n, b, C, w });
  const brent = generalWindowSolver(lik).limit(lik.observed);
  assert.ok(Math.abs(brent / windowLimit(lik).limit - 1) < 1e-5);
});

test("Newton fast path equals the general L-BFGS limit per toy (1e-6) on three windows, incl. Â < 0 and tiny counts", () => {
  for (const [scale, sLog] of [[5000, 4e-4], [400, 2e-3], [3, 1e-2]]) {
    const { b, C, w } = caseC(scale, sLog);
    const lik = new WindowLikelihood({ n: b, b, C, w });
    const general = generalWindowSolver(lik);
    const fast = new FastWindowLimit(lik);
    const F = samplingFactor(C, b.length);
    let negative = 0;
    for (let t = 0; t < 25; t++) {
      const rng = Rng.forStream(99, t);
      const lam = nonNegativeMvn(b, F, 1, rng);
      const n = Array.from(lam, (l) => rng.poisson(l));
      const ref = general.limit(lik.dataWithCounts(n));
      const got = fast.limit(n);
      if (windowFits(lik, lik.dataWithCounts(n)).muHat < 0) negative++;
      assert.ok(Math.abs(got / ref - 1) < 1e-6, `scale ${scale} toy ${t}: ${got} vs ${ref}`);
    }
    assert.ok(negative > 0, "some toys exercise the Â < 0 (boundary) branch");
  }
});

// Both paths solve CLs = α by Brent to 1e-8 relative; on these 20 windows they agree to 7e-9.
test("real data: the Newton solver equals src/infer's general path (1e-7) for the observed window and 4 toys at 4 masses of 2015/2016", needsShared(), async () => {
  let negative = 0, n = 0;
  for (const [dataset, masses] of [["2015", [0.03, 0.06, 0.1]], ["2016", [0.12]]] as const) {
    const p = await prepareDataset(hpsScanJob(dataset, SHARED, { massMin: masses[0], massMax: masses[masses.length - 1] }));
    for (const m of masses) {
      const x = massPointInputs(p.spectrum, m, p.sigma(m), p.optionsAt(m));
      const lik = new WindowLikelihood({ n: x.n, b: x.b, C: x.C, w: x.w });
      const general = generalWindowSolver(lik), fast = new FastWindowLimit(lik);
      const F = samplingFactor(x.C, x.b.length);
      const datasets = [lik.observed];
      for (let t = 0; t < 4; t++) {
        const rng = Rng.forStream(2024, t);
        const lam = nonNegativeMvn(x.b, F, 1, rng);
        datasets.push(lik.dataWithCounts(Array.from(lam, (l) => rng.poisson(l))));
      }
      for (const data of datasets) {
        const ref = general.limit(data), got = fast.limit(data);
        assert.ok(Number.isFinite(ref) && ref > 0, `${dataset} m = ${m}: general limit ${ref}`);
        assert.ok(Math.abs(got / ref - 1) < 1e-7, `${dataset} m = ${m}: Newton ${got} vs general ${ref}`);
        if (windowFits(lik, data).muHat < 0) negative++;
        n++;
      }
    }
  }
  assert.equal(n, 20);
  assert.ok(negative > 0 && negative < n, `both q̃ branches (Â < 0 in ${negative} of ${n})`);
});

test("band median of 400 background-only toys agrees with the Asimov expected limit within 3 MC errors", () => {
  const { b, C, w } = caseC(400, 2e-3);
  const asimovLimit = windowLimit(new WindowLikelihood({ n: b, b, C, w })).limit;
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
