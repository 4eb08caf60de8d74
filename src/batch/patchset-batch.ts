// Batch hypothesis tests over the signal patches of a patchset (exclusion contours): one unit
// per patch, split into tasks, run on the worker pool locally or as SLURM array tasks, merged
// with full accounting. Each unit applies its patch to the background-only workspace, builds
// the model and runs an asymptotic hypotest (and optionally an upper limit).
import { existsSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { readPatchSet, readWorkspace, checkWorkspace } from "../histfactory/load.ts";
import { compileModel } from "../histfactory/model.ts";
import { hypotest } from "../infer/hypotest.ts";
import { upperLimit } from "../infer/upper-limit.ts";
import { csvRows } from "../io/csv.ts";
import { InputError } from "../io/errors.ts";
import { configDigest, writeTaskOutput, type TaskManifest, type UnitRecord } from "./manifest.ts";
import { taskSlice } from "./split.ts";
import { runPool } from "./pool.ts";

export const JOB_FILE = "job.json";
export const RESULTS_FILE = "results.csv";

export interface PatchsetJob {
  workspace: string;
  patchset: string;
  /** Tested POI value for CLs. */
  poi: number;
  /** Also compute the 95% CL (or `cl`) upper limit per patch. */
  upperLimit: boolean;
  cl: number;
  nTasks: number;
  /** Patch names in patchset order: the units. */
  units: string[];
  version: string;
}

export const COLUMNS = ["patch", "values", "cls_obs", "cls_exp_m2", "cls_exp_m1", "cls_exp_med", "cls_exp_p1", "cls_exp_p2", "mu_hat", "ul_obs", "ul_exp_m2", "ul_exp_m1", "ul_exp_med", "ul_exp_p1", "ul_exp_p2", "status", "error"];

/** Define a job (absolute paths, units from the patchset) and its configuration digest. */
export function defineJob(workspace: string, patchset: string, o: { poi?: number; upperLimit?: boolean; cl?: number; nTasks?: number; version?: string }): PatchsetJob {
  const ps = readPatchSet(patchset);
  return {
    workspace: resolve(workspace), patchset: resolve(patchset), poi: o.poi ?? 1, upperLimit: o.upperLimit ?? false, cl: o.cl ?? 0.95,
    nTasks: o.nTasks ?? 1, units: ps.patches.map((p) => p.name), version: o.version ?? "0.1.0",
  };
}

export function jobDigest(job: PatchsetJob): string {
  const { nTasks: _n, ...rest } = job;
  return configDigest(rest);
}

export function writeJob(dir: string, job: PatchsetJob): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, JOB_FILE), JSON.stringify(job, null, 2) + "\n");
}

export function readJob(dir: string): PatchsetJob {
  const p = join(dir, JOB_FILE);
  if (!existsSync(p)) throw new InputError(dir, JOB_FILE, "no job definition here: run `searchlight batch run` or `batch slurm-gen` with --output first");
  return JSON.parse(readFileSync(p, "utf8")) as PatchsetJob;
}

export interface UnitResult {
  row: (string | number)[];
  record: UnitRecord;
}

/** Worker factory: read the workspace and patchset once, then evaluate patches by index. */
export function patchRunner(job: PatchsetJob): { run(index: number): UnitResult } {
  const ws = readWorkspace(job.workspace, { checks: false });
  const ps = readPatchSet(job.patchset);
  ps.verify(ws, job.workspace);
  return {
    run(index: number): UnitResult {
      const patch = ps.patches[index];
      const name = patch?.name ?? job.units[index];
      const values = patch ? JSON.stringify(patch.values) : "";
      try {
        const spec = patch.apply(ws, job.patchset);
        checkWorkspace(spec, `${job.workspace} (patched by ${name})`);
        const model = compileModel(spec, { file: job.workspace });
        const h = hypotest(model, job.poi);
        const ul = job.upperLimit ? upperLimit(model, { level: 1 - job.cl }) : null;
        const row = [name, values, h.cls_obs, ...h.cls_exp, h.mu_hat, ...(ul ? [ul.obs, ...ul.exp] : ["", "", "", "", "", ""]), "ok", ""];
        return { row, record: { id: name, status: "done" } };
      } catch (e) {
        const msg = (e as Error).message.replace(/[\r\n,]+/g, " ");
        return { row: [name, values, "", "", "", "", "", "", "", "", "", "", "", "", "", "failed", msg], record: { id: name, status: "failed", error: msg } };
      }
    },
  };
}

/** Run one task of the job (all units when nTasks = 1) on `workers` threads; write its folder. */
export async function runTask(outDir: string, job: PatchsetJob, task: number, workers: number, onDone?: () => void): Promise<TaskManifest> {
  if (process.env.SEARCHLIGHT_FAIL_TASKS?.split(",").includes(String(task))) {
    // Failure injection for the batch tests: the task dies before writing anything.
    throw new Error(`task ${task} failed on purpose (SEARCHLIGHT_FAIL_TASKS)`);
  }
  const [a, b] = taskSlice(job.units.length, job.nTasks, task);
  const started = new Date().toISOString();
  const indices = Array.from({ length: b - a }, (_, k) => a + k);
  const results = await runPool<number, UnitResult>(
    { module: new URL("./patchset-batch.ts", import.meta.url).href, factory: "patchRunner", args: job },
    indices, workers, onDone,
  );
  const manifest: TaskManifest = {
    task, n_tasks: job.nTasks, units: results.map((r) => r.record), seed: null, version: job.version,
    config_digest: jobDigest(job), started, finished: new Date().toISOString(),
  };
  const csv = csvRows(COLUMNS, results.map((r) => r.row));
  writeTaskOutput(outDir, manifest, { [RESULTS_FILE]: csv });
  return manifest;
}
