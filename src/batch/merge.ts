// Merging task outputs with full accounting: every expected unit is done, failed (with its
// error) or missing (with the task to re-run). Nothing is dropped silently.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { csvLine, parseCsv } from "../io/csv.ts";
import { readManifest } from "./manifest.ts";
import { ownerTask, taskDirName } from "./split.ts";

export interface MergeReport {
  expected: number;
  done: number;
  failed: { unit: string; task: number; error: string }[];
  missing: { unit: string; task: number }[];
  /** Tasks whose output is absent, incomplete or has failed units: what `re-run` would redo. */
  tasksToRerun: number[];
  /** Tasks whose manifest disagrees with the job (other config digest or task count). */
  inconsistent: { task: number; reason: string }[];
}

export interface MergeOptions {
  /** Unit ids in job order (index = unit number). */
  units: string[];
  nTasks: number;
  /** If given, manifests with another digest are reported as inconsistent. */
  configDigest?: string;
}

/** Account for every unit of a job from the task folders under `outDir`. */
export function accountTasks(outDir: string, o: MergeOptions): MergeReport {
  const status = new Map<string, { status: string; error?: string; task: number }>();
  const inconsistent: { task: number; reason: string }[] = [];
  for (let t = 0; t < o.nTasks; t++) {
    const m = readManifest(join(outDir, taskDirName(t)));
    if (!m) continue;
    if (m.n_tasks !== o.nTasks) { inconsistent.push({ task: t, reason: `manifest says ${m.n_tasks} tasks, job has ${o.nTasks}` }); continue; }
    if (o.configDigest && m.config_digest !== o.configDigest) { inconsistent.push({ task: t, reason: "configuration digest differs from the job's" }); continue; }
    for (const u of m.units) if (!status.has(u.id) || status.get(u.id)!.status !== "done") status.set(u.id, { status: u.status, error: u.error, task: t });
  }
  const report: MergeReport = { expected: o.units.length, done: 0, failed: [], missing: [], tasksToRerun: [], inconsistent };
  const rerun = new Set<number>(inconsistent.map((x) => x.task));
  o.units.forEach((id, i) => {
    const owner = ownerTask(o.units.length, o.nTasks, i);
    const s = status.get(id);
    if (!s) { report.missing.push({ unit: id, task: owner }); rerun.add(owner); }
    else if (s.status === "done") report.done++;
    else { report.failed.push({ unit: id, task: owner, error: s.error ?? "unknown error" }); rerun.add(owner); }
  });
  report.tasksToRerun = [...rerun].sort((a, b) => a - b);
  return report;
}

/** One-paragraph human summary of a merge report. */
export function describeReport(r: MergeReport): string {
  const lines = [`units expected ${r.expected}, done ${r.done}, failed ${r.failed.length}, missing ${r.missing.length}`];
  for (const f of r.failed.slice(0, 20)) lines.push(`  failed  ${f.unit} (task ${f.task}): ${f.error}`);
  for (const m of r.missing.slice(0, 20)) lines.push(`  missing ${m.unit} (task ${m.task})`);
  if (r.failed.length + r.missing.length > 40) lines.push("  …");
  for (const x of r.inconsistent) lines.push(`  inconsistent task ${x.task}: ${x.reason}`);
  if (r.tasksToRerun.length) lines.push(`tasks to re-run: ${r.tasksToRerun.join(" ")}`);
  return lines.join("\n");
}

/**
 * Concatenate a CSV file of the same name from every task folder (header once, the first
 * task's column order), dropping repeated rows by key columns; the first occurrence wins (tasks
 * in order). Read and re-written with io/csv.ts, so quoted cells (commas, newlines) survive.
 */
export function mergeCsv(outDir: string, nTasks: number, fileName: string, keyColumns: string[]): { header: string; rows: string[] } {
  let columns: string[] | null = null;
  const rows: string[] = [];
  const seen = new Set<string>();
  const line = (cells: unknown[]) => csvLine(cells).slice(0, -1);
  for (let t = 0; t < nTasks; t++) {
    const p = join(outDir, taskDirName(t), fileName);
    if (!existsSync(p)) continue;
    const text = readFileSync(p, "utf8");
    if (text.trim() === "") continue;
    const table = parseCsv(text, p);
    columns ??= table.columns;
    for (const r of table.rows) {
      const key = keyColumns.map((k) => r[k] ?? "").join("\u0000");
      if (keyColumns.length && seen.has(key)) continue;
      seen.add(key);
      rows.push(line(columns.map((c) => r[c])));
    }
  }
  return { header: columns ? line(columns) : "", rows };
}

/** Task folders present under outDir (task_NNNN), for inferring n_tasks as hps_gpr does. */
export function taskFolders(outDir: string): number[] {
  if (!existsSync(outDir)) return [];
  return readdirSync(outDir).map((n) => /^task_(\d{4,})$/.exec(n)).filter((m): m is RegExpExecArray => m !== null).map((m) => Number(m[1])).sort((a, b) => a - b);
}
