// Hypothesis tests (observed + expected set), upper limits and toys, beside pyhf's recorded
// wall times (numpy backend, SLSQP; ../shared/reference/pyhf_reference.json).
import { referenceCases, caseSpec } from "../test/histfactory/reference-cases.ts";
import { compileModel } from "../src/histfactory/model.ts";
import { hypotest } from "../src/infer/hypotest.ts";
import { upperLimit } from "../src/infer/upper-limit.ts";
import { toyHypotestOnPool } from "../src/batch/toys.ts";
import { timeIt, type BenchRow, type BenchSection } from "./types.ts";

const PICK = [
  "pyhf-tests-patchset/patch_channel1_signal_syst1",
  "atlas-susy-2018-31-sbottom/RegionC/sbottom_1600_850_60",
  "atlas-susy-2018-04-stau/Region-combined/DS_120_1",
  "atlas-susy-2019-08-1lbb/C1N2_Wh_hbb_700_400",
  "atlas-susy-2018-16/Sleptons_bkgonly+synthetic",
  "atlas-susy-2019-09/bkg_offshell+synthetic",
];

export async function run(): Promise<BenchSection> {
  const rows: BenchRow[] = [];
  for (const c of referenceCases().filter((x) => PICK.includes(x.name))) {
    const spec = caseSpec(c);
    const options = { measurement: c.measurement, modifierSettings: c.modifier_settings };
    const m = compileModel(spec, options);
    const big = c.size_class === "huge" || c.size_class === "large";
    const t = await timeIt(() => hypotest(m, 1), big ? 2 : 5);
    const peerH = c.timings_s.hypotest_qtilde_mu1 ?? null;
    const hStatus = (c.hypotest_qtilde_mu1 as { status?: string } | undefined)?.status;
    rows.push({ case: c.name, what: "hypotest q̃ at μ = 1 (obs + expected set)", ours: t, peer: hStatus === "ok" ? peerH : null, note: hStatus === "timeout" ? "pyhf: timed out (> 300 s)" : `${m.parameters.length} parameters` });
    if (big && c.size_class === "huge") continue; // upper limits there take minutes here (pyhf: not run)
    const ul = await timeIt(() => upperLimit(m), 1);
    const u = c.upper_limit as { status?: string; method?: string } | undefined;
    const peerU = u?.status === "ok" && !String(u.method).includes("grid") ? c.timings_s.upper_limit ?? null : null;
    rows.push({ case: c.name, what: "upper limit (obs + 5 expected, root finding)", ours: ul, peer: peerU, note: u?.status === "ok" ? "" : `pyhf: ${u?.status ?? "not run"}` });
  }
  // Toys on the largest workspace: pseudo-experiments per second (each toy = 2 fits).
  const largest = referenceCases().find((x) => x.name === "atlas-susy-2019-09/bkg_offshell+synthetic");
  if (largest) {
    const spec = caseSpec(largest);
    const options = { measurement: largest.measurement, modifierSettings: largest.modifier_settings };
    const m = compileModel(spec, options);
    const recipe = { module: new URL("../src/histfactory/model.ts", import.meta.url).href, factory: "modelFromRecipe", args: { spec, options } };
    const ntoys = 100;
    for (const workers of [1, 2]) {
      const t0 = performance.now();
      await toyHypotestOnPool(m, recipe, 1, { ntoys, seed: 1, workers, progress: false });
      const s = (performance.now() - t0) / 1000;
      rows.push({ case: largest.name, what: `${2 * ntoys} toys (s+b and b), ${workers} worker${workers > 1 ? "s" : ""}`, ours: s, peer: null, note: `${((2 * ntoys) / s).toFixed(1)} toys/s; pyhf: its hypotest alone timed out at 300 s` });
    }
  }
  return { title: "Inference: hypotests, upper limits, toys (`npm run bench -- inference`)", peerName: "pyhf 0.7.7.dev398, numpy backend, SLSQP (wall times from the reference file)", rows };
}
