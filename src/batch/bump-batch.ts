// The HPS bump-hunt scan as a batch job (hps_gpr §14): the units are the grid masses of one
// dataset, split into contiguous tasks; each task evaluates its slice (and, optionally, the
// expected-limit bands there) and writes OUT/task_NNNN/ atomically with a manifest. The merge
// accounts for every mass, de-duplicates, recomputes the look-elsewhere columns over the merged
// grid and writes the same files a single-process `bump scan` / `bump bands` would.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { csvText } from "../io/csv.ts";
import { InputError } from "../io/errors.ts";
import { bandsCsv, toCsv, withGlobal, type BandRow, type ScanJob, type ScanRow } from "../bumphunt/scan.ts";
import { COMBINED_COLUMNS, combineMass, combineTasks, combinedLookElsewhere, type CombinedRow, type PlanResult, type PlanTask } from "../bumphunt/scan-plan.ts";
import type { DatasetWindow } from "../bumphunt/combine.ts";
import type { MassPointRow } from "../bumphunt/mass-point.ts";
import { defaultModel, sigmaFunction } from "../bumphunt/dataset.ts";
import { configDigest, readManifest, writeTaskOutput, type TaskManifest, type UnitRecord } from "./manifest.ts";
import { accountTasks, type MergeReport } from "./merge.ts";
import { ownerTask, taskDirName, taskSlice } from "./split.ts";
import { runPool } from "./pool.ts";

export const BUMP_JOB_FILE = "bump_job.json";
/** Per-task files: hps_gpr's results_single.csv (global columns left empty: they need the full
 *  grid) and the same rows losslessly as JSON, which is what the merge reads. */
export const TASK_CSV = "results_single.csv";
export const TASK_ROWS = "rows.json";
export const TASK_BANDS = "bands.json";
/** Combined jobs: each unit's window for the combination (null where the mass point failed). */
export const TASK_WINDOWS = "windows.json";

export interface BumpBatchJob {
  kind: "bump-scan";
  version: string;
  nTasks: number;
  /** The dataset's scan job (with `combined`: the first dataset's). */
  scan: ScanJob;
  /** Unit ids in grid order (index = index into scan.masses, or into combined.refs). */
  units: string[];
  /** Expected-limit bands per mass too (as `bump bands`), or null. */
  bands: { nToys: number; seed: number } | null;
  /**
   * Several datasets and their combination (a multi-dataset config): the units are (dataset,
   * mass) pairs ordered by mass, so a task holds every dataset of its masses; tasks also keep
   * each mass's window (n, b, C, K·w) and the merge combines them (spec §8).
   */
  combined?: { scans: ScanJob[]; grid: number[]; refs: [number, number][]; alpha: number; blindNSigma: number };
}

/** Unit id of a grid mass, e.g. "2015:m=20MeV". */
export function unitId(dataset: string, massGeV: number): string {
  return `${dataset}:m=${Number((massGeV * 1000).toFixed(6))}MeV`;
}

export function defineBumpJob(scan: ScanJob, nTasks: number, o: { bands?: { nToys: number; seed: number } | null; version?: string } = {}): BumpBatchJob {
  if (!(Number.isInteger(nTasks) && nTasks >= 1)) throw new InputError("", "--n-tasks", `"${nTasks}" is not a positive integer`);
  if (nTasks > scan.masses.length) throw new InputError("", "--n-tasks", `${nTasks} tasks for ${scan.masses.length} masses: use at most ${scan.masses.length} (one mass per task)`);
  return { kind: "bump-scan", version: o.version ?? "0.1.0", nTasks, scan, units: scan.masses.map((m) => unitId(scan.dataset, m)), bands: o.bands ?? null };
}

/** A job over several datasets with their combination: units (dataset, mass) in mass order. */
export function defineCombinedBumpJob(scans: ScanJob[], grid: number[], nTasks: number, o: { alpha: number; blindNSigma: number; version?: string }): BumpBatchJob {
  const refs: [number, number][] = [];
  for (const m of grid) scans.forEach((j, d) => { const i = j.masses.indexOf(m); if (i >= 0) refs.push([d, i]); });
  if (!(Number.isInteger(nTasks) && nTasks >= 1)) throw new InputError("", "--n-tasks", `"${nTasks}" is not a positive integer`);
  if (nTasks > refs.length) throw new InputError("", "--n-tasks", `${nTasks} tasks for ${refs.length} (dataset, mass) points: use at most ${refs.length}`);
  return {
    kind: "bump-scan", version: o.version ?? "0.1.0", nTasks, scan: scans[0], bands: null,
    units: refs.map(([d, i]) => unitId(scans[d].dataset, scans[d].masses[i])),
    combined: { scans, grid, refs, alpha: o.alpha, blindNSigma: o.blindNSigma },
  };
}

/** Digest of everything that determines the results (not the task count). */
export function bumpJobDigest(job: BumpBatchJob): string {
  const { nTasks: _n, ...rest } = job;
  return configDigest(rest);
}

export function writeBumpJob(dir: string, job: BumpBatchJob): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, BUMP_JOB_FILE), JSON.stringify(job, null, 2) + "\n");
}

export function readBumpJob(dir: string): BumpBatchJob {
  const p = join(dir, BUMP_JOB_FILE);
  if (!existsSync(p)) throw new InputError(p, BUMP_JOB_FILE, "no bump batch job here: run `searchlight bump slurm-gen --output-dir DIR …` first");
  let job: BumpBatchJob;
  try {
    job = JSON.parse(readFileSync(p, "utf8")) as BumpBatchJob;
  } catch (e) {
    throw new InputError(p, "(json)", `unreadable job file (${(e as Error).message}); regenerate it with \`searchlight bump slurm-gen\``);
  }
  if (job?.kind !== "bump-scan" || !Array.isArray(job.units) || !job.scan || !Array.isArray(job.scan.masses) || !(job.nTasks >= 1) || job.units.length !== (job.combined ? job.combined.refs.length : job.scan.masses.length))
    throw new InputError(p, "kind/units/nTasks", "not a bump-scan job file; regenerate it with `searchlight bump slurm-gen`");
  return job;
}

// JSON with non-finite numbers kept (NaN/±Infinity as {"$num": "..."}), so merged rows are
// bit-identical to the ones the task computed.
export function encodeRows(rows: unknown[]): string {
  return JSON.stringify(rows, (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? { $num: String(v) } : v)) + "\n";
}
export function decodeRows<T>(text: string): T[] {
  return JSON.parse(text, (_k, v) => (v && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length === 1 && typeof v.$num === "string" ? Number(v.$num) : v)) as T[];
}

const SCAN_MODULE = new URL("../bumphunt/scan.ts", import.meta.url).href;
const PLAN_MODULE = new URL("../bumphunt/scan-plan.ts", import.meta.url).href;

/**
 * Run task `task` of the job on `workers` threads and write OUT/task_NNNN atomically.
 * SEARCHLIGHT_FAIL_TASKS=3,5 makes those tasks die before writing (failure injection for tests).
 */
export async function runBumpTask(dir: string, job: BumpBatchJob, task: number, workers: number, onDone?: () => void): Promise<TaskManifest> {
  if (!(Number.isInteger(task) && task >= 0 && task < job.nTasks)) throw new InputError(join(dir, BUMP_JOB_FILE), "--task-id", `${task} is not a task of this job (0…${job.nTasks - 1})`);
  if (process.env.SEARCHLIGHT_FAIL_TASKS?.split(",").includes(String(task))) throw new Error(`task ${task} failed on purpose (SEARCHLIGHT_FAIL_TASKS)`);
  const started = new Date().toISOString();
  const [a, b] = taskSlice(job.units.length, job.nTasks, task);
  const indices = Array.from({ length: b - a }, (_, k) => a + k);
  if (job.combined) return runCombinedTask(dir, job, task, indices, workers, started, onDone);
  const rows = await runPool<number, MassPointRow>({ module: SCAN_MODULE, factory: "scanRunner", args: job.scan }, indices, workers, onDone);
  const bands = job.bands
    ? await runPool<number, BandRow>({ module: SCAN_MODULE, factory: "bandsRunner", args: { job: job.scan, nToys: job.bands.nToys, seed: job.bands.seed } }, indices, workers)
    : null;
  const units: UnitRecord[] = indices.map((i, k) => {
    const r = rows[k];
    const err = [r.ok ? "" : r.error || "mass point failed", bands?.[k].error ? `bands: ${bands[k].error}` : ""].filter(Boolean).join("; ");
    return err ? { id: job.units[i], status: "failed", error: err } : { id: job.units[i], status: "done" };
  });
  const manifest: TaskManifest = {
    task, n_tasks: job.nTasks, units, seed: job.bands?.seed ?? null, version: job.version,
    config_digest: bumpJobDigest(job), started, finished: new Date().toISOString(),
  };
  const local: ScanRow[] = rows.map((r) => ({ ...r, p0_global: NaN, Z_global: NaN, n_eff: NaN, global_method: "" }));
  const files: Record<string, string> = { [TASK_CSV]: toCsv(local), [TASK_ROWS]: encodeRows(rows) };
  if (bands) {
    files[`ul_bands_${job.scan.dataset}.csv`] = bandsCsv(bands);
    files[TASK_BANDS] = encodeRows(bands);
  }
  writeTaskOutput(dir, manifest, files);
  return manifest;
}

/** A task of a combined job: (dataset, mass) units on the plan runner, rows and windows kept. */
async function runCombinedTask(dir: string, job: BumpBatchJob, task: number, indices: number[], workers: number, started: string, onDone?: () => void): Promise<TaskManifest> {
  const c = job.combined!;
  const results = await runPool<PlanTask, PlanResult>(
    { module: PLAN_MODULE, factory: "planRunner", args: { jobs: c.scans, combine: true } },
    indices.map((u) => ({ d: c.refs[u][0], i: c.refs[u][1] })), workers, onDone);
  const rows = results.map((r) => r.row);
  const units: UnitRecord[] = indices.map((u, k) => (rows[k].ok ? { id: job.units[u], status: "done" } : { id: job.units[u], status: "failed", error: rows[k].error || "mass point failed" }));
  const manifest: TaskManifest = { task, n_tasks: job.nTasks, units, seed: null, version: job.version, config_digest: bumpJobDigest(job), started, finished: new Date().toISOString() };
  const local: ScanRow[] = rows.map((r) => ({ ...r, p0_global: NaN, Z_global: NaN, n_eff: NaN, global_method: "" }));
  // Plain arrays (typed arrays do not survive JSON); the doubles round-trip exactly.
  const windows = results.map((r) => (r.window ? { name: r.window.name, n: Array.from(r.window.n), b: Array.from(r.window.b), C: Array.from(r.window.C), sUnit: Array.from(r.window.sUnit), ...(r.window.x ? { x: Array.from(r.window.x) } : {}) } : null));
  writeTaskOutput(dir, manifest, { [TASK_CSV]: toCsv(local), [TASK_ROWS]: encodeRows(rows), [TASK_WINDOWS]: encodeRows(windows) });
  return manifest;
}

export interface BumpMerge {
  job: BumpBatchJob;
  report: MergeReport;
  /** Merged rows in grid order with the look-elsewhere columns over the job's full grid. */
  rows: ScanRow[];
  bands: BandRow[] | null;
  /** Combined jobs: the combination rows (with their look-elsewhere columns). */
  combined: CombinedRow[];
  /** Rows seen more than once (re-runs, overlapping folders) and dropped. */
  duplicates: number;
  /** Task folders whose manifest is there but whose rows file is unreadable. */
  unreadable: { task: number; reason: string }[];
}

/** Collect every task's rows with full accounting (does not write anything). */
export function mergeBumpJob(dir: string): BumpMerge {
  const job = readBumpJob(dir);
  const digest = bumpJobDigest(job);
  const report = accountTasks(dir, { units: job.units, nTasks: job.nTasks, configDigest: digest });
  const bad = new Set(report.inconsistent.map((x) => x.task));
  const index = new Map(job.units.map((u, i) => [u, i]));
  const byUnit = new Map<number, MassPointRow>();
  const bandByUnit = new Map<number, BandRow>();
  const windowByUnit = new Map<number, DatasetWindow | null>();
  const unreadable: { task: number; reason: string }[] = [];
  let duplicates = 0;
  for (let t = 0; t < job.nTasks; t++) {
    const tdir = join(dir, taskDirName(t));
    if (bad.has(t) || !readManifest(tdir)) continue;
    let rows: MassPointRow[], bands: BandRow[] | null = null, windows: (DatasetWindow | null)[] | null = null;
    try {
      rows = decodeRows<MassPointRow>(readFileSync(join(tdir, TASK_ROWS), "utf8"));
      if (job.bands) bands = decodeRows<BandRow>(readFileSync(join(tdir, TASK_BANDS), "utf8"));
      if (job.combined) windows = decodeRows<DatasetWindow | null>(readFileSync(join(tdir, TASK_WINDOWS), "utf8"));
    } catch (e) {
      unreadable.push({ task: t, reason: (e as Error).message.split("\n")[0] });
      continue;
    }
    const take = <R extends { dataset: string; mass_GeV: number }>(list: R[], into: Map<number, R>, better: (a: R, b: R) => boolean) => {
      for (const r of list) {
        const i = index.get(unitId(r.dataset, r.mass_GeV));
        if (i === undefined) continue;
        const prev = into.get(i);
        if (prev) { duplicates++; if (!better(r, prev)) continue; }
        into.set(i, r);
      }
    };
    take(rows, byUnit, (r, prev) => r.ok && !prev.ok);
    if (windows) rows.forEach((r, k) => {
      const i = index.get(unitId(r.dataset, r.mass_GeV));
      if (i !== undefined && byUnit.get(i) === r) windowByUnit.set(i, windows![k]);
    });
    if (bands) take(bands, bandByUnit, (r, prev) => !r.error && !!prev.error);
  }
  // A manifest without its rows means the unit is not really there: count it as missing.
  if (unreadable.length) {
    const gone = new Set(unreadable.map((u) => u.task));
    const rerun = new Set(report.tasksToRerun);
    job.units.forEach((id, i) => {
      const owner = ownerTask(job.units.length, job.nTasks, i);
      if (!gone.has(owner)) return;
      if (report.failed.some((f) => f.unit === id)) report.failed = report.failed.filter((f) => f.unit !== id);
      else report.done--;
      report.missing.push({ unit: id, task: owner });
      rerun.add(owner);
    });
    report.tasksToRerun = [...rerun].sort((a, b) => a - b);
    for (const u of unreadable) report.inconsistent.push({ task: u.task, reason: `manifest present but ${TASK_ROWS}/${TASK_BANDS} unreadable: ${u.reason}` });
  }
  const bands = job.bands ? [...bandByUnit.keys()].sort((a, b) => a - b).map((i) => bandByUnit.get(i)!) : null;
  if (job.combined) return mergeCombined(job, report, byUnit, windowByUnit, duplicates, unreadable);
  const present = [...byUnit.keys()].sort((a, b) => a - b);
  // Look-elsewhere over the job's whole grid (also for a partial merge): placeholders for the
  // missing masses enter N_eff only.
  const full: MassPointRow[] = job.scan.masses.map((m, i) => byUnit.get(i) ?? ({ dataset: job.scan.dataset, mass_GeV: m, p0_analytic: NaN } as MassPointRow));
  const sigma = sigmaFunction(job.scan.model ?? defaultModel(job.scan.dataset));
  const withG = withGlobal(full, job.scan.dataset, job.scan.options.blindNSigma ?? 1.64, sigma);
  const rows = present.map((i) => withG[i]);
  return { job, report, rows, bands, combined: [], duplicates, unreadable };
}

/**
 * Merge of a combined job: per dataset, the look-elsewhere columns over that dataset's whole
 * grid (as `bump scan`); then the combination at every mass with ≥ 2 active datasets from the
 * stored windows, and its own look-elsewhere columns. A missing (dataset, mass) makes the
 * combined row at that mass an error row naming it.
 */
function mergeCombined(job: BumpBatchJob, report: MergeReport, byUnit: Map<number, MassPointRow>, windowByUnit: Map<number, DatasetWindow | null>, duplicates: number, unreadable: { task: number; reason: string }[]): BumpMerge {
  const c = job.combined!;
  const unitOf = new Map(c.refs.map(([d, i], u) => [`${d}|${i}`, u]));
  const rows: ScanRow[] = [];
  c.scans.forEach((j, d) => {
    const full = j.masses.map((m, i) => byUnit.get(unitOf.get(`${d}|${i}`)!) ?? ({ dataset: j.dataset, mass_GeV: m, p0_analytic: NaN } as MassPointRow));
    const withG = withGlobal(full, j.dataset, c.blindNSigma, sigmaFunction(j.model ?? defaultModel(j.dataset)));
    j.masses.forEach((_, i) => { if (byUnit.has(unitOf.get(`${d}|${i}`)!)) rows.push(withG[i]); });
  });
  const lookup = (dataset: string, m: number) => {
    const d = c.scans.findIndex((j) => j.dataset === dataset);
    const i = c.scans[d].masses.indexOf(m);
    const u = unitOf.get(`${d}|${i}`);
    const row = u === undefined ? undefined : byUnit.get(u);
    return row ? { row, window: windowByUnit.get(u!) ?? null } : undefined;
  };
  const combined = combineTasks(c.scans, c.grid, lookup).map((t) => combineMass(t, c.alpha));
  combinedLookElsewhere(c.scans, combined, c.blindNSigma);
  return { job, report, rows, bands: null, combined, duplicates, unreadable };
}

/** Files written by a merge, relative to the job folder. */
export function mergedFiles(m: BumpMerge, prefix: string): Record<string, string> {
  const csv = toCsv(m.rows);
  const out: Record<string, string> = { "results_single.csv": csv, [`${prefix}_single.csv`]: csv };
  if (m.job.combined) {
    // hps_gpr's combination tables (results_combined.csv and its alias combined.csv).
    const text = csvText(COMBINED_COLUMNS, m.combined as unknown as Record<string, unknown>[]);
    out["results_combined.csv"] = text;
    out["combined.csv"] = text;
  }
  if (m.bands) {
    const b = bandsCsv(m.bands);
    out[`ul_bands_${m.job.scan.dataset}.csv`] = b;
    out[`${prefix}_ul_bands_${m.job.scan.dataset}.csv`] = b;
  }
  return out;
}

/** Tasks owning the given masses (MeV), or an InputError naming the unknown mass. */
export function tasksForMasses(job: BumpBatchJob, massesMeV: number[], file: string): number[] {
  const tasks = new Set<number>();
  if (job.combined) {
    const c = job.combined;
    for (const mev of massesMeV) {
      const us = c.refs.flatMap(([d, i], u) => (Math.abs(c.scans[d].masses[i] * 1000 - mev) < 1e-6 ? [u] : []));
      if (us.length === 0) throw new InputError(file, "--masses", `${mev} MeV is not a grid mass of this job (${Number((c.grid[0] * 1000).toFixed(6))}–${Number((c.grid[c.grid.length - 1] * 1000).toFixed(6))} MeV); give masses in MeV, e.g. -m 35`);
      for (const u of us) tasks.add(ownerTask(job.units.length, job.nTasks, u));
    }
    return [...tasks].sort((a, b) => a - b);
  }
  for (const mev of massesMeV) {
    const i = job.scan.masses.findIndex((m) => Math.abs(m * 1000 - mev) < 1e-6);
    if (i < 0) {
      const lo = job.scan.masses[0] * 1000, hi = job.scan.masses[job.scan.masses.length - 1] * 1000;
      throw new InputError(file, "--masses", `${mev} MeV is not a grid mass of this job (${Number(lo.toFixed(6))}–${Number(hi.toFixed(6))} MeV); give masses in MeV, e.g. -m 35`);
    }
    tasks.add(ownerTask(job.units.length, job.nTasks, i));
  }
  return [...tasks].sort((a, b) => a - b);
}
