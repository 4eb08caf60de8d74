// The patchset job of `searchlight batch` as the command line defines it, and its merge.
import type { Command } from "commander";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { csvLine } from "../../io/csv.ts";
import { writeFileAtomic } from "../../io/output.ts";
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
    .requiredOption("-o, --output <dir>", "output folder (task_NNNN/ subfolders, job.json, merged.csv)")
    .option("--poi <value>", "tested POI value for CLs", "1")
    .option("--upper-limit", "also compute the upper limit per patch")
    .option("--cl <level>", "confidence level of the upper limit", "0.95")
    .option("--n-tasks <n>", "number of tasks the job is split into", "1");
}

/**
 * Merge all task outputs of a job folder; returns the report. A complete merge writes merged.csv
 * (atomically) and removes an older merged.partial.csv; an incomplete one never replaces a
 * merged.csv: it writes merged.partial.csv, with a "missing" row (and its task) for every unit
 * without a result.
 */
export function mergeJob(dir: string): { report: ReturnType<typeof accountTasks>; rows: number; file: string } {
  const job = readJob(dir);
  const report = accountTasks(dir, { units: job.units, nTasks: job.nTasks, configDigest: jobDigest(job) });
  const merged = mergeCsv(dir, job.nTasks, RESULTS_FILE, ["patch"]);
  const complete = report.failed.length + report.missing.length + report.inconsistent.length === 0;
  if (complete) {
    writeFileAtomic(join(dir, "merged.csv"), [merged.header, ...merged.rows].join("\n") + "\n");
    rmSync(join(dir, "merged.partial.csv"), { force: true });
    return { report, rows: merged.rows.length, file: join(dir, "merged.csv") };
  }
  const cols = merged.header ? merged.header.split(",") : ["patch", "status", "error"];
  const missing = report.missing.map((m) => csvLine(cols.map((c) => (c === "patch" ? m.unit : c === "status" ? "missing" : c === "error" ? `no result: re-run task ${m.task}` : ""))).slice(0, -1));
  writeFileAtomic(join(dir, "merged.partial.csv"), [cols.join(","), ...merged.rows, ...missing].join("\n") + "\n");
  return { report, rows: merged.rows.length, file: join(dir, "merged.partial.csv") };
}

export const mergedTable = (dir: string, file = join(dir, "merged.csv")) => `merged table: ${file}`;
