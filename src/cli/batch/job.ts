// The patchset job of `searchlight batch` as the command line defines it, and its merge.
import type { Command } from "commander";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { accountTasks, mergeCsv } from "../../batch/merge.ts";
import { defineJob, jobDigest, readJob, RESULTS_FILE, type PatchsetJob } from "../../batch/patchset-batch.ts";
import { intOr, level, numOr } from "../shared/options.ts";

export interface JobCli { patchset: string; output: string; poi: string; upperLimit?: boolean; cl: string; nTasks?: string }

export function jobFromCli(ws: string, o: JobCli): PatchsetJob {
  return defineJob(ws, o.patchset, { poi: numOr("--poi", o.poi, 1), upperLimit: o.upperLimit, cl: level("--cl", o.cl, 0.95), nTasks: intOr("--n-tasks", o.nTasks, 1, 1) });
}

export function withJobOptions(cmd: Command): Command {
  return cmd
    .requiredOption("--patchset <file>", "patchset whose patches are the units of work")
    .requiredOption("--output <dir>", "output folder (task_NNNN/ subfolders, job.json, merged.csv)")
    .option("--poi <value>", "tested POI value for CLs", "1")
    .option("--upper-limit", "also compute the upper limit per patch")
    .option("--cl <level>", "confidence level of the upper limit", "0.95")
    .option("--n-tasks <n>", "number of tasks the job is split into", "1");
}

/** Merge all task outputs of a job folder; returns the report (and writes merged.csv). */
export function mergeJob(dir: string): { report: ReturnType<typeof accountTasks>; rows: number } {
  const job = readJob(dir);
  const report = accountTasks(dir, { units: job.units, nTasks: job.nTasks, configDigest: jobDigest(job) });
  const merged = mergeCsv(dir, job.nTasks, RESULTS_FILE, ["patch"]);
  writeFileSync(join(dir, "merged.csv"), [merged.header, ...merged.rows].join("\n") + "\n");
  return { report, rows: merged.rows.length };
}

export const mergedTable = (dir: string) => `merged table: ${join(dir, "merged.csv")}`;
