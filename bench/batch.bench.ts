// Throughput of the batch machinery on the exclusion-contour workload: asymptotic hypotest +
// 95% CL upper limit for every signal patch of a real ATLAS patchset (3L eRJR, 64 patches).
//
// Two measurements, both on 1 and on 2 workers:
//  - steady-state throughput: a persistent WorkerPool (worker threads in both cases, so the
//    1-worker figure carries the same thread overhead) is warmed by one full pass, then timed
//    on the next pass. This is the scaling of the pool itself; goal ≥ 1.8× on 2 cores.
//  - end to end: `searchlight batch run --workers N` in a fresh process, cold, including Node
//    and tsx start-up, the workers' start-up (each reads the workspace and patchset) and the
//    merge: the serial part a user pays once per job.
// The load average at the start of each run is recorded, since other work caps the speed-up.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { defineJob, type UnitResult } from "../src/batch/patchset-batch.ts";
import { WorkerPool } from "../src/batch/pool.ts";
import type { BenchRow, BenchSection } from "./types.ts";

const CASE = "atlas-susy-2018-06-3l-erjr patchset";

export async function run(): Promise<BenchSection> {
  const shared = fileURLToPath(new URL("../../shared/", import.meta.url));
  const base = join(shared, "workspaces/atlas-susy-2018-06-3l-erjr");
  const rows: BenchRow[] = [];
  if (existsSync(join(base, "patchset.json"))) {
    const dir = mkdtempSync(join(tmpdir(), "sl-bench-batch-"));
    try {
      const full = JSON.parse(readFileSync(join(base, "patchset.json"), "utf8"));
      const ps = join(dir, "patchset.json");
      writeFileSync(ps, JSON.stringify(full));
      const job = defineJob(join(base, "BkgOnly.json"), ps, { nTasks: 1, upperLimit: true });
      const n = job.units.length;
      const indices = Array.from({ length: n }, (_, k) => k);
      const recipe = { module: new URL("../src/batch/patchset-batch.ts", import.meta.url).href, factory: "patchRunner", args: job };

      const steady: number[] = [];
      for (const workers of [1, 2]) {
        const pool = new WorkerPool<number, UnitResult>(recipe, workers, true);
        try {
          await pool.run(indices); // warm-up pass: worker start-up, JIT
          const load = loadavg()[0];
          const t0 = performance.now();
          const res = await pool.run(indices);
          const s = (performance.now() - t0) / 1000;
          steady.push(s);
          const failed = res.filter((r) => r.record.status !== "done").length;
          rows.push({
            case: CASE, what: `steady-state pass over ${n} patches (hypotest + upper limit each) on a warm pool, ${workers} worker thread${workers > 1 ? "s" : ""}`, ours: s, peer: null,
            note: `${(n / s).toFixed(2)} patches/s${failed ? `, ${failed} failed` : ""}; load average ${load.toFixed(1)} at start` +
              (workers === 2 ? `; **speed-up ${(steady[0] / s).toFixed(2)}×** vs 1 worker (goal ≥ 1.8× on 2 cores)` : ""),
          });
        } finally {
          await pool.close();
        }
      }

      const cold: number[] = [];
      const cli = fileURLToPath(new URL("../bin/searchlight.mjs", import.meta.url));
      for (const workers of [1, 2]) {
        const out = join(dir, `cli${workers}`);
        const load = loadavg()[0];
        const t0 = performance.now();
        execFileSync(process.execPath, [cli, "batch", "run", join(base, "BkgOnly.json"), "--patchset", ps, "--upper-limit", "--output", out, "--workers", String(workers)], { stdio: "ignore" });
        const s = (performance.now() - t0) / 1000;
        cold.push(s);
        rows.push({
          case: CASE, what: `\`searchlight batch run --upper-limit --workers ${workers}\`, ${n} patches, cold process end to end`, ours: s, peer: null,
          note: `load average ${load.toFixed(1)} at start` + (workers === 2 ? `; speed-up ${(cold[0] / s).toFixed(2)}× (includes ≈ 0.7 s CLI start-up and per-worker start-up, serial)` : ""),
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
