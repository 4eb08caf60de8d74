// `marginal run` (issue #21) on the 22 regions of ../shared/discovery, from the published
// workspaces with the shipped recipes (examples/marginal/*.yaml), normal prior fitted here:
// - per region, in-process: observed-only normal-prior limits (the scan; goal < 1 s) and the fit;
// - the whole shared set end to end (extraction, fits, observed + expected scans, files) on 2
//   worker threads, with every T2/T3 checked against interval-evidence's stored scans (the
//   acceptance: 1e-3 relative); the worst difference goes in the note.
// No peer timing is recorded for interval-evidence (spec §0).
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { sharedPath } from "../test/shared.ts";
import { poolTaskExecutor } from "../src/batch/pool.ts";
import { readWorkspace } from "../src/histfactory/index.ts";
import { median } from "../src/math/stats.ts";
import { blindRegion } from "../src/marginal/blind.ts";
import { compareWithStored } from "../src/marginal/compare.ts";
import { fitPriors, regionLimits, RUN_DEFAULTS, type RunOptions } from "../src/marginal/pipeline.ts";
import { readRecipe, recipeRegions } from "../src/marginal/recipe.ts";
import { runRegions, taskDigest, type RegionTask } from "../src/marginal/run-task.ts";
import type { BenchRow, BenchSection } from "./types.ts";

const EX = new URL("../examples/marginal/", import.meta.url).pathname;
const JOBS: [string, string][] = [
  ["atlas_susy_hb_2019/a_bkg.json.gz", "hb_2019_a"], ["atlas_susy_hb_2019/b_bkg.json.gz", "hb_2019_b"], ["atlas_susy_hb_2019/c_bkg.json.gz", "hb_2019_c"],
  ["atlas_susy_DVmuon_2020/srmet_bkg.json.gz", "dvmuon_2020_srmet"], ["atlas_susy_DVmuon_2020/srmu_bkg.json.gz", "dvmuon_2020_srmu"],
  ["atlas_susy_compressed_2020/ewkinos_bkg.json.gz", "compressed_2020_ewkinos"], ["atlas_susy_compressed_2020/sleptons_bkg.json.gz", "compressed_2020_sleptons"],
];

const cpuSeconds = (c: NodeJS.CpuUsage) => (c.user + c.system) / 1e6;
const load = () => loadavg()[0].toFixed(1);

export async function run(): Promise<BenchSection> {
  const all = JOBS.flatMap(([ws, recipe]) => recipeRegions(readWorkspace(sharedPath(`discovery/searches/${ws}`)), readRecipe(`${EX}${recipe}.yaml`))
    .map((r) => ({ ...r, search: ws.split("/")[0] })));
  const rows: BenchRow[] = [];

  // In-process, one region at a time: the blinded fit, then the observed-only normal-prior scan.
  const obsOnly: RunOptions = { ...RUN_DEFAULTS, priors: ["normal"], observedOnly: true };
  const fitT: number[] = [], scanT: number[] = [], scanCpu: number[] = [];
  const load0 = load();
  for (const { key, region } of all) {
    const br = blindRegion(region, key);
    let t0 = performance.now();
    const { fits } = fitPriors(br, ["normal"], obsOnly);
    fitT.push((performance.now() - t0) / 1000);
    const c0 = process.cpuUsage();
    t0 = performance.now();
    regionLimits(br.n, fits, obsOnly);
    scanT.push((performance.now() - t0) / 1000);
    scanCpu.push(cpuSeconds(process.cpuUsage(c0)));
  }
  const under1 = scanCpu.filter((t) => t < 1).length;
  // CPU time is the figure: on this shared 2-core machine the wall time grows with the load.
  rows.push({
    case: "22 regions of ../shared/discovery", what: "observed-only normal-prior limits of one region, in-process: CPU of the scan (median over regions)", ours: median(scanCpu), peer: null,
    note: `max ${Math.max(...scanCpu).toFixed(2)} s CPU; ${under1}/22 regions under 1 s (goal < 1 s); wall median ${median(scanT).toFixed(2)} s at load average ${load0} → ${load()}`,
  });
  rows.push({ case: "22 regions of ../shared/discovery", what: "blinded fit + normal prior (b̂, σ_b) of one region (median over regions)", ours: median(fitT), peer: null, note: `max ${Math.max(...fitT).toFixed(2)} s` });

  // End to end on 2 workers: normal prior, observed + expected, files written.
  const out = mkdtempSync(join(tmpdir(), "sl-bench-mrun-"));
  try {
    const o: RunOptions = { ...RUN_DEFAULTS, priors: ["normal"] };
    const load1 = load();
    const t0 = performance.now();
    const regions = JOBS.flatMap(([ws, recipe]) => recipeRegions(readWorkspace(sharedPath(`discovery/searches/${ws}`)), readRecipe(`${EX}${recipe}.yaml`)));
    const tasks: RegionTask[] = regions.map(({ key, region }) => ({ key, region, dir: join(out, key), digest: taskDigest(region, o) }));
    const outcomes = await runRegions(tasks, o, poolTaskExecutor(2));
    const wall = (performance.now() - t0) / 1000;
    let worst = 0, compared = 0, failed = 0;
    outcomes.forEach((r, i) => {
      if (r.status !== "complete") { failed++; return; }
      for (const c of compareWithStored(r.run.priors, sharedPath(`discovery/searches/${all[i].search}/${r.key}/fit`))) {
        if ((c.level === -2 || c.level === -3) && c.rel !== null) { worst = Math.max(worst, c.rel); compared++; }
      }
    });
    rows.push({
      case: "22 regions of ../shared/discovery", what: "marginal run end to end: extraction, normal fit, observed + 3 expected scans, files; 2 workers", ours: wall, peer: null,
      note: `${failed} failed; ${compared} T2/T3 values vs the stored scans: worst relative difference ${worst.toExponential(2)} (acceptance 1e-3); load average ${load1} → ${load()}`,
    });
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
  return {
    title: "Marginal run from the published workspaces (`npm run bench -- marginal-run`)",
    peerName: "none recorded (interval-evidence gives no timings)",
    rows,
  };
}
