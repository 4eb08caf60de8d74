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

// 2bin_2channel_coupledhistosys: the code0 likelihood of this workspace has two minima (pyhf's own
// default-code fit is marked suspect there). Our free fit stops at μ̂ = 0.613 with q = 0.586,
// while a (μ, α) grid finds a lower free minimum (2NLL 29.287 at μ = 0.50, α = 0.31), so neither
// our CLs (0.256) nor pyhf's/ROOT's (0.0797) can be trusted as a target yet: run as a todo,
// reported to the fit owners (#19), not skipped silently.
const KNOWN_LOCAL_MINIMUM = new Set(["pyhf-validation/2bin_2channel_coupledhistosys"]);

describe("code1/code0 workspaces vs pyhf and ROOT (root_validation_check)", needsShared(), () => {
  const cases = referenceCases().filter((c) => (c.root_validation_check as RootCheck | undefined)?.status === "ok");
  test("the reference holds the nine checks", () => assert.equal(cases.length, 9));
  for (const c of cases) {
    const r = c.root_validation_check as RootCheck;
    const todo = KNOWN_LOCAL_MINIMUM.has(c.name) ? { todo: "code0 likelihood with two minima: our fit stops in a local one (see the comment above)" } : {};
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
