// Throughput of the batch machinery (`searchlight batch run`): asymptotic hypotests over the
// signal patches of a real ATLAS patchset (3L eRJR), one task, on 1 and on 2 worker threads.
// Goal: ≥ 1.8× with 2 workers on 2 cores (the units are independent; only start-up and the
// merge are serial). The load average at the time of the run is recorded in the note, since
// other work on the machine caps the attainable speed-up.
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { defineJob, runTask } from "../src/batch/patchset-batch.ts";
import type { BenchRow, BenchSection } from "./types.ts";

export async function run(): Promise<BenchSection> {
  const shared = fileURLToPath(new URL("../../shared/", import.meta.url));
  const base = join(shared, "workspaces/atlas-susy-2018-06-3l-erjr");
  const rows: BenchRow[] = [];
  if (existsSync(join(base, "patchset.json"))) {
    const dir = mkdtempSync(join(tmpdir(), "sl-bench-batch-"));
    try {
      const N = 64; // the whole patchset
      const full = JSON.parse(readFileSync(join(base, "patchset.json"), "utf8"));
      full.patches = full.patches.slice(0, N);
      const ps = join(dir, "patchset.json");
      writeFileSync(ps, JSON.stringify(full));
      // Hypotest + 95% CL upper limit per patch: the exclusion-contour workload.
      const job = defineJob(join(base, "BkgOnly.json"), ps, { nTasks: 1, upperLimit: true });
      await runTask(join(dir, "warm"), { ...job, units: job.units.slice(0, 2), nTasks: 1 }, 0, 1).catch(() => undefined);
      const times: number[] = [];
      for (const workers of [1, 2]) {
        const load = loadavg()[0];
        const t0 = performance.now();
        const m = await runTask(join(dir, `w${workers}`), job, 0, workers);
        const s = (performance.now() - t0) / 1000;
        times.push(s);
        const failed = m.units.filter((u) => u.status !== "done").length;
        rows.push({
          case: "atlas-susy-2018-06-3l-erjr patchset", what: `batch run, ${job.units.length} patches (asymptotic hypotest + upper limit each), ${workers} worker${workers > 1 ? "s" : ""}`, ours: s, peer: null,
          note: `${(job.units.length / s).toFixed(2)} patches/s${failed ? `, ${failed} failed` : ""}; load average ${load.toFixed(1)} at start` +
            (workers === 2 ? `; speed-up ${(times[0] / s).toFixed(2)}× vs 1 worker (goal ≥ 1.8× on 2 idle cores)` : ""),
        });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return {
    title: "Batch throughput: patchset hypotests on worker threads (`npm run bench -- batch`)",
    peerName: "none (scaling of our own pool: 1 vs 2 workers)",
    rows,
  };
}
