// Asymptotic inference on every pyhf reference case (../shared/reference/pyhf_reference.json):
// CLs observed and expected at μ = 1, discovery p0 observed and expected, upper limits observed
// and expected (toms748 root or, where the reference used a grid scan, the same grid). Cases whose
// pyhf fit is marked `suspect` (pyhf missed the minimum) are not targets for CLs and limits: there
// we check we reach a lower minimum than pyhf did instead (test/histfactory/model.test.ts).
// Entries pyhf could not compute (status error/timeout/skipped) have no number to compare. Every
// non-target is listed as a skipped test with its reason (node:test prints them). The huge
// workspaces run hypotest and p0 only: pyhf recorded no limits for them (its budget).
//
// Tolerances (issue #23), all RELATIVE, no absolute floor — expected CLs go down to 7.5e-10 and p0
// to 1.1e-11, where an absolute 1e-3 would accept any number. Set from the worst agreement
// measured on this tree over all target cases, with a stated margin:
//   CLs (obs and the 5 expected)  worst 5.6e-4 (1bin_normsys, expected −2σ = 7.5e-10)  → 1e-3
//   p0  (obs and the 5 expected)  worst 6.8e-4 (sbottom RegionB)                       → 1e-3
//   upper limits (obs, 5 exp)     worst 5.1e-5 (1bin_shapesys_q0)                       → 2e-4
// The residual is fit convergence on both sides (SLSQP's 1e-6-ish stopping vs ours), not formula:
// the asymptotic formulas themselves are checked to 1e-12 in test/infer/asymptotic.test.ts.
const CLS_RTOL = 1e-3, P0_RTOL = 1e-3, LIMIT_RTOL = 2e-4;

// Limits that fail the tolerance for a known reason outside this test: run as todo (printed, not
// counted), never loosened. (RegionB's +2σ expected limit was one until #19: the Asimov fit at
// μ ≈ 468 stopped in another basin, 0.0145 above the minimum; the model's trust region
// (HistFactoryModel.fitMaxStep) keeps it in the right one — test/histfactory/gammas-hessian.)
const LIMIT_TODO: Record<string, string> = {};
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { needsShared } from "../shared.ts";
import { referenceCases, caseModel, type RefCase } from "../histfactory/reference-cases.ts";
import type { HistFactoryModel } from "../../src/histfactory/model.ts";
import { hypotest } from "../../src/infer/hypotest.ts";
import { significance } from "../../src/infer/significance.ts";
import { upperLimit } from "../../src/infer/upper-limit.ts";

type Rec = Record<string, unknown> & { status?: string };
const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

/** Why a reference entry is not a target, or null when it is. */
function skipReason(c: RefCase, e: Rec | undefined, usesFreeFit = true): string | null {
  if (!e) return "no pyhf entry";
  if (e.status !== "ok") return `pyhf: ${String(e.status).split("\n")[0].slice(0, 90)}`;
  if (usesFreeFit && c.fit_quality?.suspect) return "fit_quality.suspect: pyhf's SLSQP missed the minimum (we find a lower one, test/histfactory)";
  return null;
}

describe("asymptotic CLs, p0 and upper limits vs pyhf", needsShared(), () => {
  for (const c of referenceCases()) {
    if (c.poi === null || c.poi === undefined) continue; // POI-less workspace: nothing to test
    const h = c.hypotest_qtilde_mu1 as Rec | undefined;
    const d = c.discovery_q0 as Rec | undefined;
    const u = c.upper_limit as Rec | undefined;
    describe(c.name, () => {
      let model: HistFactoryModel | undefined;
      const m = () => (model ??= caseModel(c));
      const hs = skipReason(c, h);
      test(`CLs at μ = 1, observed and expected set, within ${CLS_RTOL} relative`, hs ? { skip: hs } : {}, () => {
        const r = hypotest(m(), 1);
        assert.ok(rel(r.cls_obs, h!.CLs_obs as number) <= CLS_RTOL, `obs ${r.cls_obs} vs ${h!.CLs_obs}`);
        (h!.CLs_exp as number[]).forEach((v, i) => assert.ok(rel(r.cls_exp[i], v) <= CLS_RTOL, `exp[${i}] ${r.cls_exp[i]} vs ${v}`));
      });
      const ds = skipReason(c, d);
      test(`discovery p0, observed and expected, within ${P0_RTOL} relative`, ds ? { skip: ds } : {}, () => {
        const s = significance(m());
        const close = (a: number, b: number) => rel(a, b) <= P0_RTOL;
        assert.ok(close(s.p0_obs, d!.p0_obs as number), `p0 ${s.p0_obs} vs ${d!.p0_obs}`);
        (d!.p0_exp as number[]).forEach((v, i) => assert.ok(close(s.p0_exp_band[i], v), `p0_exp[${i}] ${s.p0_exp_band[i]} vs ${v}`));
      });
      const us = skipReason(c, u);
      const ut = LIMIT_TODO[c.name];
      test(`upper limit, observed and expected, within ${LIMIT_RTOL} relative`, us ? { skip: us } : ut ? { todo: ut } : {}, () => {
        const r = upperLimit(m(), Array.isArray(u!.scan) ? { scan: u!.scan as number[] } : {});
        const close = (a: number, b: number) => rel(a, b) <= LIMIT_RTOL;
        assert.ok(close(r.obs, u!.obs as number), `obs ${r.obs} vs ${u!.obs}`);
        (u!.exp as number[]).forEach((v, i) => assert.ok(close(r.exp[i], v), `exp[${i}] ${r.exp[i]} vs ${v}`));
      });
    });
  }
});

// pyhf's upper_limit fails when a limit lies above the POI's upper bound (spec §6): it doubles
// the bracket, then initialises a fit outside the bound. We extend the bound instead.
describe("upper limits above the POI bound, where pyhf raised ValueError", needsShared(), () => {
  for (const name of ["atlas-susy-2018-14/Comb_bkgonly+synthetic", "atlas-susy-2018-31-sbottom/RegionB/sbottom_1400_550_60"]) {
    const c = referenceCases().find((x) => x.name === name);
    test(`${name}: finite limits, bound extended and reported, CLs = 0.05 at each limit`, c ? {} : { skip: "case not in the reference file" }, () => {
      const m = caseModel(c!);
      const r = upperLimit(m);
      assert.ok(r.above_poi_bound && !r.capped && r.poi_upper_bound_used > r.poi_upper_bound, "r.above_poi_bound && !r.capped && r.poi_upper_bound_used > r.poi_upper_bound");
      assert.ok([r.obs, ...r.exp].every((x) => Number.isFinite(x) && x <= r.poi_upper_bound_used), "[r.obs, ...r.exp].every((x) => Number.isFinite(x) && x <= r.poi_upper_bound_used)");
      assert.ok(Math.abs(r.scan.find((p) => p.mu === r.obs)!.cls_obs - 0.05) < 1e-5, "Math.abs(r.scan.find((p) => p.mu === r.obs)!.cls_obs - 0.05) < 1e-5");
      r.exp.forEach((x, i) => assert.ok(Math.abs(r.scan.find((p) => p.mu === x)!.cls_exp[i] - 0.05) < 1e-5, "Math.abs(r.scan.find((p) => p.mu === x)!.cls_exp[i] - 0.05) < 1e-5"));
    });
  }
});
