// Template-fit coverage study (issue #16 bench): 1000 pseudo-experiments of the synthetic
// HiggsML-like model with 4 regions × 30 bins and 6 nuisances (tes, jes, soft_met on the
// 17 × 17 × 41 grid; bkg, ttbar, diboson norms), μ ~ U(0.1, 3) in 10 sets, profile-likelihood
// interval per PE, on 2 worker threads. Goal < 60 s; the spec (../shared/specs/gato_sage.md §C2)
// estimates 0.1–0.3 s per experiment for a straightforward fit. No peer timing is recorded.
import { loadavg } from "node:os";
import { poolTaskExecutor } from "../src/batch/pool.ts";
import { runCoverage } from "../src/templates/coverage.ts";
import { syntheticModelSpec } from "../src/templates/synthetic.ts";
import type { BenchRow, BenchSection } from "./types.ts";

export async function run(): Promise<BenchSection> {
  const rows: BenchRow[] = [];
  const synthetic = { bins: [30, 30, 30, 30] as [number, number, number, number] };
  for (const method of ["profile", "hesse"] as const) {
    const load = loadavg()[0];
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const r = await runCoverage({ source: { kind: "synthetic", synthetic, spec: syntheticModelSpec() }, seed: 1, sets: 10, perSet: 100, method }, poolTaskExecutor(2));
    const wall = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(c0);
    rows.push({
      case: `1000 PEs, 4 regions × 30 bins, 6 nuisances, ${method} interval`,
      what: "coverage study on 2 worker threads (incl. each worker's 17×17×41 grid build)",
      ours: wall,
      peer: null,
      note: `goal < 60 s: ${wall < 60 ? "met" : "missed"}; ${wall.toFixed(1)} ms/PE wall; pooled coverage ${r.pooled.coverage.toFixed(3)} ± ${r.pooled.coverage_error.toFixed(3)}, score ${r.score.overall.quantiles_score.toFixed(3)}, ${r.pooled.failed} failed; process CPU (all threads) ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s; load ${load.toFixed(1)} at start`,
    });
  }
  return {
    title: "Template-fit coverage studies (`npm run bench -- templates`)",
    peerName: "none recorded (§C2 estimates 0.1–0.3 s per pseudo-experiment, i.e. 100–300 s per 1000 on one core)",
    rows,
  };
}
