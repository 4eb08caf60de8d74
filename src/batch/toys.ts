// Toy-based hypothesis tests and limits on all cores: the generating fits run in this thread,
// the toy batches on a worker pool (each worker rebuilds the likelihood once from its recipe
// and keeps it for every μ), with a progress bar on stderr. Output is identical for a given
// seed whatever the worker count.
import type { Likelihood } from "../likelihood/types.ts";
import { toyHypotest, type ToyBatch, type ToyExecutor, type ToyOptions, type ToyResult } from "../infer/toys.ts";
import { interpolateCrossing } from "../infer/upper-limit.ts";
import { defaultWorkers, WorkerPool, type Recipe } from "./pool.ts";
import { Progress } from "./progress.ts";

export interface PoolToyOptions extends Omit<ToyOptions, "executor"> {
  /** Worker threads (default: every core; ≤ 1 runs in this thread). */
  workers?: number;
  /** Progress bar on stderr (default: when stderr is a terminal). */
  progress?: boolean;
  label?: string;
}

/** A persistent pool of toy workers for `recipe`'s likelihood (close it when done). */
export function toyPool(recipe: Recipe, workers = defaultWorkers()): WorkerPool<ToyBatch, number[]> {
  return new WorkerPool<ToyBatch, number[]>({ module: new URL("./toy-worker.ts", import.meta.url).href, factory: "toyRunner", args: { likelihood: recipe } }, workers);
}

/** An executor running toy batches on a pool, with a progress bar. */
export function poolExecutor(pool: WorkerPool<ToyBatch, number[]>, o: { progress?: boolean; label?: string } = {}): ToyExecutor {
  return async (batches, onDone) => {
    const bar = new Progress(batches.length, o.label ?? "toys", o.progress ?? Boolean(process.stderr.isTTY));
    try {
      return await pool.run(batches, (i) => { bar.tick(); onDone?.(i); });
    } finally {
      bar.finish();
    }
  };
}

/**
 * Toy-based CLs at μ on a worker pool. `recipe` rebuilds the same likelihood in a worker, e.g.
 * { module: URL of src/histfactory/model.ts, factory: "modelFromRecipe", args: { spec, options } }.
 */
export async function toyHypotestOnPool(lik: Likelihood, recipe: Recipe, mu: number, o: PoolToyOptions = {}): Promise<ToyResult> {
  const pool = toyPool(recipe, o.workers);
  try {
    return await toyHypotest(lik, mu, { ...o, executor: poolExecutor(pool, { progress: o.progress, label: o.label ?? `toys μ=${mu}` }) });
  } finally {
    await pool.close();
  }
}

export interface ToyScanResult {
  /** Observed and expected (−2σ … +2σ) limits, interpolated on the grid (pyhf linear_grid_scan). */
  obs: number;
  exp: number[];
  level: number;
  scan: { mu: number; cls_obs: number; cls_exp: number[]; cls_obs_mc_error: number; failed_toys: number }[];
}

/**
 * Toy-based upper limits: toy CLs (observed and expected) at every μ of `grid` with one pool of
 * workers, then the crossing of each curve with α by linear interpolation. Every μ uses the
 * same seed (common random numbers: smoother curves).
 */
export async function toyUpperLimitScan(lik: Likelihood, recipe: Recipe, grid: number[], o: PoolToyOptions & { level?: number } = {}): Promise<ToyScanResult> {
  const level = o.level ?? 0.05;
  const pool = toyPool(recipe, o.workers);
  const scan: ToyScanResult["scan"] = [];
  try {
    for (const mu of grid) {
      const r = await toyHypotest(lik, mu, { ...o, executor: poolExecutor(pool, { progress: o.progress, label: `toys μ=${mu}` }) });
      scan.push({ mu, cls_obs: r.cls_obs, cls_exp: r.cls_exp, cls_obs_mc_error: r.cls_obs_mc_error, failed_toys: r.failed_sb + r.failed_b });
    }
  } finally {
    await pool.close();
  }
  const curve = (k: number) => scan.map((p) => (k === 0 ? p.cls_obs : p.cls_exp[k - 1]));
  return { obs: interpolateCrossing(grid, curve(0), level), exp: [1, 2, 3, 4, 5].map((k) => interpolateCrossing(grid, curve(k), level)), level, scan };
}
