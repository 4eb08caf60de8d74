// `marginal run` across regions on an executor (ARCHITECTURE.md, "Executors"): each task is one
// region; its runner fits and scans it (pipeline.ts) and writes the region's folder
//   <dir>/region.json.gz, <dir>/fit/normal.json (+ linspace.json, mcmc_mix.json), <dir>/limits.json
// each file atomically (io/output.ts), so an interrupted run leaves complete
// regions behind for --resume. limits.json carries the digest of the task's inputs; a region
// whose limits.json has the same digest is complete. A region that throws is returned as failed
// with its reason (and leaves no limits.json).
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { inThread, type TaskExecutor } from "../infer/executor.ts";
import { writeFileAtomic, writeJsonAtomic } from "../io/output.ts";
import { runRegion, type RegionRun, type RunOptions } from "./pipeline.ts";
import type { Region } from "./region.ts";

export interface RegionTask {
  key: string;
  region: Region;
  /** The region's output folder. */
  dir: string;
  /** Digest of region and options (see taskDigest). */
  digest: string;
}

export type RegionOutcome =
  | { key: string; status: "complete"; run: RegionRun }
  | { key: string; status: "failed"; reason: string };

/** limits.json: the run's result for one region plus its inputs' digest. */
export interface LimitsFile extends RegionRun {
  inputs_digest: string;
  options: RunOptions;
}

/** sha256 of the region and the options: equal digests mean the stored result is reusable. */
export function taskDigest(region: Region, o: RunOptions): string {
  return createHash("sha256").update(JSON.stringify({ region, o })).digest("hex");
}

/** The region file as upstream stores it (gzip JSON). */
export function writeRegionFile(dir: string, region: Region): void {
  writeFileAtomic(join(dir, "region.json.gz"), gzipSync(JSON.stringify(region)));
}

/** The complete stored result of a task, if its digest matches (for --resume). */
export function completedResult(task: Pick<RegionTask, "dir" | "digest">): LimitsFile | null {
  const file = join(task.dir, "limits.json");
  if (!existsSync(file)) return null;
  try {
    const o = JSON.parse(readFileSync(file, "utf8")) as LimitsFile;
    return o.inputs_digest === task.digest ? o : null;
  } catch {
    return null;
  }
}

/** Runner factory for the executor: fit, scan and write one region per task. */
export function regionRunner(o: RunOptions): { run(task: RegionTask): RegionOutcome } {
  return {
    run(task) {
      try {
        const { run, fits } = runRegion(task.key, task.region, o);
        writeRegionFile(task.dir, task.region);
        for (const [name, content] of Object.entries(fits)) if (content) writeJsonAtomic(join(task.dir, "fit", `${name}.json`), content);
        const file: LimitsFile = { ...run, inputs_digest: task.digest, options: o };
        writeJsonAtomic(join(task.dir, "limits.json"), file);
        return { key: task.key, status: "complete", run };
      } catch (e) {
        return { key: task.key, status: "failed", reason: e instanceof Error ? e.message : String(e) };
      }
    },
  };
}

/** Run the regions on `executor` (default in this thread); outcomes by task index. */
export function runRegions(tasks: RegionTask[], o: RunOptions, executor: TaskExecutor = inThread, onDone?: (i: number) => void): Promise<RegionOutcome[]> {
  return executor.run<RegionTask, RegionOutcome>({ module: new URL("./run-task.ts", import.meta.url).href, factory: "regionRunner", args: o }, tasks, onDone);
}
