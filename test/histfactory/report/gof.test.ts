// Saturated-model goodness of fit (src/histfactory/report/gof.ts): the statistic equals
// 2(NLL_fit − NLL_sat) computed from the model's own −ln L, cabinetry's number from pyhf's best
// fit (pyhf_reference twice_nll), cabinetry's degrees of freedom, and on toys from the best fit of
// small real workspaces its distribution is χ²(dof) (KS test, fixed seeds).
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { needsShared } from "../../shared.ts";
import { referenceCases, caseModel, caseSpec } from "../reference-cases.ts";
import {
  goodnessOfFit, gofToyRunner, gofToyTasks, gofToyRecipe, saturatedStatistic, unblindedBins, degreesOfFreedom, toyGoodnessOfFit,
} from "../../../src/histfactory/report/gof.ts";
import { compileModel } from "../../../src/histfactory/model.ts";
import { fit } from "../../../src/likelihood/fit.ts";
import { inThread } from "../../../src/infer/executor.ts";
import { chi2Cdf, chi2Sf } from "../../../src/math/incgamma.ts";
import { lgamma, LN_SQRT_2PI } from "../../../src/math/special.ts";

const byName = (n: string) => referenceCases().find((c) => c.name === n)!;

/** One-sample Kolmogorov–Smirnov test: statistic D and its asymptotic p-value (Stephens' correction). */
function ks(values: number[], cdf: (x: number) => number): { D: number; p: number } {
  const s = values.filter(Number.isFinite).sort((a, b) => a - b), n = s.length;
  let D = 0;
  s.forEach((v, i) => { const F = cdf(v); D = Math.max(D, (i + 1) / n - F, F - i / n); });
  const lam = (Math.sqrt(n) + 0.12 + 0.11 / Math.sqrt(n)) * D;
  let p = 0;
  for (let k = 1; k < 100; k++) p += 2 * (k % 2 ? 1 : -1) * Math.exp(-2 * k * k * lam * lam);
  return { D, p: Math.min(1, Math.max(0, p)) };
}

describe("saturated-model goodness of fit", needsShared(), () => {
  test("t = 2(NLL(θ̂) − NLL_sat) with NLL_sat from lnΓ (cases without large auxiliary counts), and = cabinetry's t from pyhf's fit (1e-5)", () => {
    let checked = 0;
    for (const c of referenceCases()) {
      if (c.size_class === "huge" || c.size_class === "large" || c.fit_quality?.suspect) continue;
      const m = caseModel(c);
      const r = fit(m, m.observed);
      const g = goodnessOfFit(m, r.pars, r.fixed, m.observed);
      const d = m.observed;
      let sat = 0, large = false;
      for (let b = 0; b < m.nMain; b++) sat += d[b] - (d[b] > 0 ? d[b] * Math.log(d[b]) : 0) + lgamma(d[b] + 1);
      for (const ps of m.structure.paramsets) for (let i = 0; i < ps.n; i++) {
        if (ps.constraint === "gaussian") sat += Math.log(ps.sigmas[i]) + LN_SQRT_2PI;
        else if (ps.constraint === "poisson") { const a = d[m.nMain + ps.auxOffset + i]; large ||= a > 1e6; sat += a - a * Math.log(a) + lgamma(a + 1); }
      }
      if (large) continue; // lnΓ(a+1) − a ln a cancels catastrophically there; t itself is summed as a deviance
      // (Fixed constrained parameters sit at their auxiliary nominal here: their terms are 0 either way.)
      assert.ok(Math.abs(g.statistic - (r.twiceNll - 2 * sat)) < 1e-8 * Math.max(1, g.statistic), `${c.name}: ${g.statistic} vs ${r.twiceNll - 2 * sat}`);
      // cabinetry: best_twice_nll/2 − saturated NLL, with pyhf's own best fit
      assert.ok(Math.abs(g.statistic - (c.mle_obs.twice_nll - 2 * sat)) < 1e-5, `${c.name}: ${g.statistic} vs pyhf ${c.mle_obs.twice_nll - 2 * sat}`);
      if (g.dof > 0) assert.equal(g.p_value, chi2Sf(g.statistic, g.dof)); else assert.ok(Number.isNaN(g.p_value));
      checked++;
    }
    assert.ok(checked >= 20, `only ${checked} cases checked`);
  });

  test("degrees of freedom as cabinetry counts them: bins − free unconstrained parameters", () => {
    const c = byName("atlas-susy-2018-31-sbottom/RegionA/sbottom_1300_205_60");
    const m = caseModel(c);
    const r = fit(m, m.observed);
    const g = goodnessOfFit(m, r.pars, r.fixed, m.observed);
    assert.deepEqual([g.bins, g.unconstrained, g.dof], [6, 2, 4]); // mu_SIG and mu_ttbar
    // Holding a normfactor fixed gives one more degree of freedom.
    const fixed = Uint8Array.from(r.fixed); fixed[m.parNames.indexOf("mu_SIG")] = 1;
    assert.equal(degreesOfFreedom(m, r.pars, fixed, unblindedBins(m)).dof, 5);
  });

  test("blinding: the blinded channel's bins leave t and the count; a normfactor acting only there is not counted", () => {
    const c = byName("atlas-susy-2018-31-sbottom/RegionA/sbottom_1300_205_60");
    const spec = caseSpec(c);
    const m = compileModel(spec, { measurement: c.measurement, blindChannels: ["SR_meff"] });
    const r = fit(m, m.observed);
    const g = goodnessOfFit(m, r.pars, r.fixed, m.observed, ["SR_meff"]);
    // mu_SIG moves the CR too here (signal contamination), so both normfactors count: 3 − 2.
    const sigInCr = spec.channels.find((ch) => ch.name === "CRtt_meff")!.samples.some((s) => s.name.startsWith("sbottom") && s.data.some((v) => v > 0));
    assert.deepEqual([g.bins, g.unconstrained], [3, sigInCr ? 2 : 1]);
    const bins = unblindedBins(m, ["SR_meff"]);
    const t = saturatedStatistic(m, r.pars, m.observed, r.fixed, bins);
    const changed = Float64Array.from(m.observed);
    const sr = m.structure.channels.find((ch) => ch.name === "SR_meff")!;
    changed[sr.offset] += 1000;
    assert.equal(saturatedStatistic(m, r.pars, changed, r.fixed, bins), t, "blinded data must not enter t");
  });

  for (const [name, dof] of [["pyhf-validation/2bin_2channel_couplednorm", 3], ["pyhf-tests-patchset/example_bkgonly", 1]] as const) {
    test(`${name}: t on 1000 toys from the best fit is χ²(${dof}) (KS p > 0.01, seed 1)`, async () => {
      const c = byName(name);
      const m = caseModel(c);
      const r = fit(m, m.observed);
      const g = goodnessOfFit(m, r.pars, r.fixed, m.observed);
      assert.equal(g.dof, dof);
      const args = { spec: caseSpec(c), options: { measurement: c.measurement }, pars: Array.from(r.pars), seed: 1 };
      const stats = (await inThread.run<{ start: number; end: number }, number[]>(gofToyRecipe(args), gofToyTasks(1000, 100))).flat();
      const k = ks(stats, (x) => chi2Cdf(x, dof));
      assert.ok(k.p > 0.01, `KS D = ${k.D}, p = ${k.p}`);
      // The same toys in other batches give the same numbers (toy i uses stream i).
      const again = gofToyRunner(args).run({ start: 37, end: 40 });
      assert.deepEqual(again, stats.slice(37, 40));
      const toy = toyGoodnessOfFit(g.statistic, stats, 1);
      assert.equal(toy.failed, 0);
      assert.ok(Math.abs(toy.p_value - g.p_value) < 0.06, `toy p ${toy.p_value} vs asymptotic ${g.p_value}`);
    });
  }

  test("the KS check can fail: the same toys against χ²(dof + 1) are rejected", () => {
    const c = byName("pyhf-validation/2bin_2channel_couplednorm");
    const m = caseModel(c);
    const r = fit(m, m.observed);
    const stats = gofToyRunner({ spec: caseSpec(c), options: { measurement: c.measurement }, pars: Array.from(r.pars), seed: 1 }).run({ start: 0, end: 1000 });
    assert.ok(ks(stats, (x) => chi2Cdf(x, 4)).p < 1e-3);
  });
});
