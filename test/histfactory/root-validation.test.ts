// pyhf's validation against ROOT (root_validation_check in ../shared/reference/pyhf_reference.json):
// nine pyhf-validation workspaces compiled with normsys code1 and histosys code0 (the codes of
// the HistFactory XML they came from), CLs observed and expected at μ = 1 with the q statistic
// (q0 and the discovery p-values for the *_q0 case), compared with pyhf's and with ROOT's numbers.
// This exercises the code0/code1 branches end to end against two independent implementations.
//
// Tolerances, from the agreement measured on this tree (issue #23): worst relative difference
// 1.2e-4 from pyhf (2bin_2channel_couplednorm, expected −2σ) and 3.3e-4 from ROOT (1bin_shapesys_q0,
// where pyhf itself is 2.6e-4 from ROOT); set to 3e-4 (pyhf) and 5e-4 (ROOT), relative, no
// absolute floor (expected CLs go down to 7.5e-10).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { needsShared } from "../shared.ts";
import { caseModel, caseSpec, referenceCases, type RefCase } from "./reference-cases.ts";
import { compileModel } from "../../src/histfactory/model.ts";
import { hypotest } from "../../src/infer/hypotest.ts";
import { significance } from "../../src/infer/significance.ts";
import { fit } from "../../src/likelihood/fit.ts";

interface RootCheck {
  status: string; mu: number; test_stat: "q" | "q0";
  modifier_settings: { normsys: { interpcode: string }; histosys: { interpcode: string } };
  obs: number; exp: number[]; root_expected: { obs: number; exp: number[] };
}

const PYHF_TOL = 3e-4, ROOT_TOL = 5e-4;
const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

/** Observed and expected (−2σ … +2σ) CLs, or p0 for the q0 check, with the check's codes. */
function ours(c: RefCase, r: RootCheck): { obs: number; exp: number[] } {
  const m = compileModel(caseSpec(c), { measurement: c.measurement, modifierSettings: r.modifier_settings });
  if (r.test_stat === "q0") {
    const s = significance(m);
    return { obs: s.p0_obs, exp: s.p0_exp_band };
  }
  const h = hypotest(m, r.mu, { testStat: r.test_stat });
  return { obs: h.cls_obs, exp: h.cls_exp };
}

// 2bin_2channel_coupledhistosys: the code0 likelihood of this workspace has two minima on either
// side of the kink at α = 0 (pyhf's own default-code fit is marked suspect there). A fit started
// at α = 0 goes where its first gradient points: to α = −0.19, μ̂ = 0.613 (2NLL 30.285), while a
// (μ, α) grid finds the lower free minimum (2NLL 29.287 at μ = 0.50, α = 0.31). Our fits now try
// the mirrored side of every kinked parameter (likelihood/fit.ts) and reach the grid's minimum in
// every fit of the hypotest; pyhf and ROOT agree with each other (CLs 0.0797, expected median
// 0.0033) and with neither of the minima we find (ours: 0.138 and 0.052), so this case is checked
// against the grid below, not against them.
const KNOWN_LOCAL_MINIMUM = new Set(["pyhf-validation/2bin_2channel_coupledhistosys"]);

describe("code1/code0 workspaces vs pyhf and ROOT (root_validation_check)", needsShared(), () => {
  const cases = referenceCases().filter((c) => (c.root_validation_check as RootCheck | undefined)?.status === "ok");
  test("the reference holds the nine checks", () => assert.equal(cases.length, 9));
  for (const c of cases) {
    const r = c.root_validation_check as RootCheck;
    const todo = KNOWN_LOCAL_MINIMUM.has(c.name) ? { skip: "pyhf and ROOT stop in local minima of this code0 likelihood: checked against a (μ, α) grid instead (next test)" } : {};
    test(`${c.name} (${r.test_stat}, ${r.modifier_settings.normsys.interpcode}/${r.modifier_settings.histosys.interpcode}): observed and expected within ${PYHF_TOL} of pyhf, ${ROOT_TOL} of ROOT`, todo, () => {
      const o = ours(c, r);
      assert.ok(rel(o.obs, r.obs) <= PYHF_TOL, `obs ${o.obs} vs pyhf ${r.obs}`);
      assert.ok(rel(o.obs, r.root_expected.obs) <= ROOT_TOL, `obs ${o.obs} vs ROOT ${r.root_expected.obs}`);
      o.exp.forEach((v, i) => {
        assert.ok(rel(v, r.exp[i]) <= PYHF_TOL, `exp[${i}] ${v} vs pyhf ${r.exp[i]}`);
        assert.ok(rel(v, r.root_expected.exp[i]) <= ROOT_TOL, `exp[${i}] ${v} vs ROOT ${r.root_expected.exp[i]}`);
      });
    });
  }
  test("2bin_2channel_coupledhistosys (code0): every fit of the hypotest at μ = 1 reaches the lowest 2NLL of a (μ, α) grid, where pyhf and ROOT stop in local minima", () => {
    const c = cases.find((x) => KNOWN_LOCAL_MINIMUM.has(x.name))!;
    const r = c.root_validation_check as RootCheck;
    const m = compileModel(caseSpec(c), { measurement: c.measurement, modifierSettings: r.modifier_settings });
    assert.deepEqual(m.parNames, ["coupled_histosys", "mu"], "two parameters: the grid covers the whole space");
    assert.deepEqual(m.kinks.map((k) => k.index), [0], "the code0 histosys parameter is kinked");
    const x = new Float64Array(2);
    // Grid over α ∈ [−3, 3] (step 0.005) and μ ∈ [0, 3] (step 0.01) or fixed: its minimum lies within ~5e-4 of the true one.
    const gridMin = (data: Float64Array, mu: number | null) => {
      let best = Infinity;
      for (let iu = 0; iu <= (mu === null ? 300 : 0); iu++) {
        x[1] = mu ?? iu * 0.01;
        for (let ia = 0; ia <= 1200; ia++) {
          x[0] = -3 + ia * 0.005;
          const v = 2 * m.nll(x, data); // NaN where a yield turns negative (far on the linear extrapolation)
          if (v < best) best = v;
        }
      }
      return best;
    };
    const free = fit(m, m.observed), cond1 = fit(m, m.observed, { fix: [[1, 1]] }), cond0 = fit(m, m.observed, { fix: [[1, 0]] });
    const asimov = m.expected(cond0.pars); // the background-only Asimov data of the CLs expected band
    const freeA = fit(m, asimov), cond1A = fit(m, asimov, { fix: [[1, 1]] });
    for (const [what, f, g] of [["free", free, gridMin(m.observed, null)], ["μ = 1", cond1, gridMin(m.observed, 1)], ["μ = 0", cond0, gridMin(m.observed, 0)], ["Asimov free", freeA, gridMin(asimov, null)], ["Asimov μ = 1", cond1A, gridMin(asimov, 1)]] as const)
      assert.ok(f.twiceNll <= g + 1e-9 && f.twiceNll > g - 1e-3, `${what} fit: 2NLL ${f.twiceNll} vs grid ${g}`);
    assert.ok(Math.abs(free.twiceNll - 29.2874) < 1e-3 && free.pars[0] > 0, `the free minimum on the positive side of the kink: α ${free.pars[0]}, 2NLL ${free.twiceNll}`);
    const h = hypotest(m, 1, { testStat: "q" });
    assert.ok(Math.abs(h.test_statistic - (cond1.twiceNll - free.twiceNll)) < 1e-9 && Math.abs(h.q_asimov - (cond1A.twiceNll - freeA.twiceNll)) < 1e-9, `hypotest uses these minima: q ${h.test_statistic}, q_A ${h.q_asimov}`);
    assert.ok(h.cls_obs > 1.5 * r.obs, `CLs ${h.cls_obs} against pyhf's ${r.obs} from its local minima`);
  });

  // The check discriminates: where the workspace has a normsys or histosys, pyhf's default codes
  // (code4/code4p) move CLs by far more than the tolerance (measured 2.5e-3 to 8e-3), so a code0/
  // code1 branch evaluated as code4/code4p would fail above.
  test("with the default codes instead, the CLs of the normsys/histosys workspaces leave the tolerance", () => {
    for (const name of ["pyhf-validation/1bin_normsys", "pyhf-validation/2bin_histosys", "pyhf-validation/2bin_2channel_couplednorm"]) {
      const c = cases.find((x) => x.name === name)!;
      const r = c.root_validation_check as RootCheck;
      const d = hypotest(caseModel(c), r.mu, { testStat: "q" });
      assert.ok(rel(d.cls_obs, r.obs) > 5 * PYHF_TOL, `${name}: default codes give ${d.cls_obs}, code1/code0 ${r.obs}`);
    }
  });
});
