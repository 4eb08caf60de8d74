// Hessian uncertainties against the profile likelihood: pyhf's reference records no
// uncertainties (its SLSQP fit gives none), so the POI's Hessian σ is checked against an
// independent route instead: the profiled 2NLL at μ̂ ± σ. For a near-parabolic profile the
// mean of the two rises is (σ_H/σ_profile)² ≈ 1; the mean cancels the cubic asymmetry.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { needsShared } from "../shared.ts";
import { referenceCases, caseModel } from "../histfactory/reference-cases.ts";
import { fit, uncertainties } from "../../src/likelihood/fit.ts";

describe("Hessian POI uncertainty vs profile likelihood", needsShared(), () => {
  let checked = 0;
  for (const c of referenceCases()) {
    if (c.fit_quality?.suspect || (c.size_class !== "small" && c.size_class !== "medium")) continue;
    const m = caseModel(c);
    if (m.poi === null) continue;
    const poi = m.poi;
    const r = fit(m, m.observed);
    const u = uncertainties(m, m.observed, r);
    const mu = r.pars[poi], s = u.errors[poi];
    const p = m.parameters[poi];
    if (!(mu - s > p.lower && mu + s < p.upper)) continue; // POI at a bound: one-sided, not comparable
    checked++;
    test(`${c.name}: mean Δ2NLL at μ̂ ± σ_Hessian is 1 within 4% (σ within 2%)`, () => {
      const rise = [-1, 1].map((sg) => fit(m, m.observed, { fix: [[poi, mu + sg * s]], init: r.pars }).twiceNll - r.twiceNll);
      const mean = 0.5 * (rise[0] + rise[1]);
      assert.ok(Math.abs(mean - 1) < 0.04, `rises ${rise.map((x) => x.toFixed(4))}, mean ${mean.toFixed(4)}`);
    });
  }
  test("at least five interior-POI cases were checked", () => assert.ok(checked >= 5, `only ${checked}`));
});
