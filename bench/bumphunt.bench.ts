// Per-mass statistics of the bump hunt (no GP): profile fit, asymptotic upper limit, and
// conditional injection toys, on the 12-bin correlated window of hps_gpr spec §18.2 case C,
// beside hps_gpr's measured figures (spec §20: 1–16 ms per profile fit, 0.6–0.8 s per UL).
import { WindowLikelihood } from "../src/bumphunt/window-likelihood.ts";
import { windowFits, windowLimit } from "../src/bumphunt/limits.ts";
import { runConditionalToys } from "../src/bumphunt/injection.ts";
import { caseC } from "../test/bumphunt/case-c.ts";
import { timeIt, type BenchSection, type BenchRow } from "./types.ts";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { runPool } from "../src/batch/pool.ts";
import { hpsScanJob } from "../src/bumphunt/scan.ts";

export async function run(): Promise<BenchSection> {
  const c = caseC();
  const fitTime = await timeIt(() => windowFits(new WindowLikelihood(c)).free, 20);
  const ulTime = await timeIt(() => windowLimit(new WindowLikelihood(c)), 5);
  const nToys = 1000;
  const toyTime = await timeIt(() => runConditionalToys({ b: c.b, C: c.C, w: c.w, aInj: 1000, nToys, seed: 1 }), 3);
  const rows: BenchRow[] = [];
  // The full 2015 scan on the real spectrum: 111 masses, 20–130 MeV, blind 1.64σ, rebin 10.
  const shared = fileURLToPath(new URL("../../shared/", import.meta.url));
  if (existsSync(shared + "hps")) {
    const job = hpsScanJob("2015", shared);
    for (const workers of [1, 2]) {
      const t0 = performance.now();
      await runPool({ module: new URL("../src/bumphunt/scan.ts", import.meta.url).href, factory: "scanRunner", args: job }, job.masses.map((_, i) => i), workers);
      rows.push({ case: "HPS 2015 real spectrum", what: `full scan, ${job.masses.length} masses (GP fit + UL + p0 each), ${workers} worker${workers > 1 ? "s" : ""}`, ours: (performance.now() - t0) / 1000, peer: null, note: "hps_gpr: one SLURM job per mass (spec §20); goal < 60 s on 2 cores" });
    }
  }
  return {
    title: "Bump hunt per-mass statistics, 12-bin window (`npm run bench -- bumphunt`)",
    peerName: "hps_gpr (numpy/scipy L-BFGS-B), figures measured on a 2-core machine (spec §20)",
    rows: [
      { case: "§18.2 case C", what: "unconstrained profile fit", ours: fitTime, peer: 0.016, note: "peer: 1–16 ms for B = 10–52" },
      { case: "§18.2 case C", what: "asymptotic 95% CLs upper limit", ours: ulTime, peer: 0.7, note: "peer: 0.6–0.8 s" },
      { case: "§18.2 case C", what: `${nToys} conditional injection toys (sample + fit + σ_A)`, ours: toyTime, peer: null, note: `${(nToys / toyTime).toFixed(0)} toys/s on one core` },
      ...rows,
    ],
  };
}
