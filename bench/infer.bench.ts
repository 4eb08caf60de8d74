// Inference: hypotest (observed + expected set), upper limit, discovery p0 and toys per second,
// beside pyhf's recorded wall times (numpy backend, SLSQP; ../shared/reference/pyhf_reference.json).
// The largest shared workspace (atlas-susy-2019-09 off-shell, 328 parameters) is the headline:
// pyhf's hypotest timed out there after 300 s.
import { referenceCases, referenceFile, caseSpec } from "../test/histfactory/reference-cases.ts";
import { compileModel } from "../src/histfactory/model.ts";
import { hypotest } from "../src/infer/hypotest.ts";
import { significance } from "../src/infer/significance.ts";
import { upperLimit } from "../src/infer/upper-limit.ts";
import { toyHypotestOnPool } from "../src/batch/toys.ts";
import type { BenchRow, BenchSection } from "./types.ts";

/**
 * Median wall time (s) of fn after warming the JIT: warm-up calls for up to `budget` seconds
 * (at least one), then up to `maxRepeats` timed calls within another `budget` (at least 2).
 * Small models need many warm-up calls before their sub-millisecond timings settle.
 */
async function timeWarm(fn: () => unknown, budget = 0.5, maxRepeats = 50): Promise<number> {
  let t0 = performance.now();
  do await fn(); while ((performance.now() - t0) / 1000 < budget);
  const ts: number[] = [];
  t0 = performance.now();
  while (ts.length < 2 || (ts.length < maxRepeats && (performance.now() - t0) / 1000 < budget)) {
    const t = performance.now();
    await fn();
    ts.push((performance.now() - t) / 1000);
  }
  ts.sort((a, b) => a - b);
  return ts[Math.floor(ts.length / 2)];
}

const LARGEST = "atlas-susy-2019-09/bkg_offshell+synthetic";
const PICK = [
  "simplemodels/uncorrelated_background_1bin",
  "pyhf-tests-patchset/patch_channel1_signal_syst1",
  "atlas-susy-2018-05/simplified+synthetic",
  "atlas-susy-2018-31-sbottom/RegionC/sbottom_1600_850_60",
  "atlas-susy-2018-04-stau/Region-combined/DS_120_1",
  "atlas-susy-2019-08-1lbb/C1N2_Wh_hbb_700_400",
  "atlas-susy-2019-09/bkg_onshell+synthetic",
  "atlas-susy-2018-16/Sleptons_bkgonly+synthetic",
  LARGEST,
];

const status = (x: unknown) => (x as { status?: string } | undefined)?.status;

export async function run(): Promise<BenchSection> {
  const rows: BenchRow[] = [];
  const ref = referenceFile() as unknown as { pyhf_version: string; backend: string; optimizer: string };
  const cases = referenceCases().filter((x) => PICK.includes(x.name));
  for (const c of cases) {
    const spec = caseSpec(c);
    const options = { measurement: c.measurement, modifierSettings: c.modifier_settings };
    const m = compileModel(spec, options);
    const big = c.size_class === "huge" || c.size_class === "large";
    const hs = status(c.hypotest_qtilde_mu1);
    const t = await timeWarm(() => hypotest(m, 1));
    rows.push({
      case: c.name, what: "hypotest q̃ at μ = 1 (obs + expected set)", ours: t, peer: hs === "ok" ? c.timings_s.hypotest_qtilde_mu1 ?? null : null,
      note: `${m.parameters.length} parameters` + (hs === "timeout" ? `; pyhf timed out at ${c.timings_s.hypotest_qtilde_mu1?.toFixed(0)} s (≥ ${((c.timings_s.hypotest_qtilde_mu1 ?? 300) / t).toFixed(0)}× here)` : ""),
    });
    if (status(c.discovery_q0) === "ok") {
      rows.push({ case: c.name, what: "discovery p0 (q0, obs + expected)", ours: await timeWarm(() => significance(m)), peer: c.timings_s.hypotest_q0 ?? null });
    }
    if (c.size_class !== "huge") {
      const u = c.upper_limit as { status?: string; method?: string } | undefined;
      const grid = String(u?.method ?? "").includes("grid");
      const ul = await timeWarm(() => upperLimit(m), big ? 0.1 : 0.5);
      rows.push({
        case: c.name, what: "upper limit (obs + 5 expected, root finding)", ours: ul, peer: u?.status === "ok" && !grid ? c.timings_s.upper_limit ?? null : null,
        note: u?.status === "ok" ? (grid ? `pyhf: grid scan ${c.timings_s.upper_limit?.toFixed(0)} s` : "") : `pyhf: ${String(u?.status ?? "not run").split(":")[0]}`,
      });
    }
  }
  // Toys: pseudo-experiments per second (each toy = a free and a conditional fit).
  const toyRuns: [string, number][] = [["simplemodels/uncorrelated_background_1bin", 2000], [LARGEST, 60]];
  for (const [name, ntoys] of toyRuns) {
    const c = referenceCases().find((x) => x.name === name);
    if (!c) continue;
    const spec = caseSpec(c);
    const options = { measurement: c.measurement, modifierSettings: c.modifier_settings };
    const m = compileModel(spec, options);
    const recipe = { module: new URL("../src/histfactory/model.ts", import.meta.url).href, factory: "modelFromRecipe", args: { spec, options } };
    const peerToys = status(c.hypotest_toys_qtilde_mu1) === "ok" ? c.timings_s.hypotest_toys ?? null : null;
    for (const workers of [1, 2]) {
      const t0 = performance.now();
      await toyHypotestOnPool(m, recipe, 1, { ntoys, seed: 1, workers, progress: false });
      const s = (performance.now() - t0) / 1000;
      rows.push({
        case: c.name, what: `toy hypotest, ${ntoys} s+b + ${ntoys} b toys, ${workers} worker${workers > 1 ? "s" : ""}`, ours: s,
        peer: peerToys !== null ? (peerToys * ntoys) / 2000 : null,
        note: `${((2 * ntoys) / s).toFixed(1)} toys/s` + (peerToys !== null ? `; pyhf ${(4000 / peerToys).toFixed(1)} toys/s (2000 + 2000 in ${peerToys.toFixed(0)} s, scaled)` : "; pyhf: no toy timing (its asymptotic hypotest alone timed out)"),
      });
    }
  }
  return {
    title: "Inference: hypotests, p0, upper limits, toys (`npm run bench -- infer.bench`)",
    peerName: `pyhf ${ref.pyhf_version}, ${ref.backend} backend, ${ref.optimizer} (wall times from the reference file)`,
    rows,
  };
}
