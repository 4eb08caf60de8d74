// Toy-based hypothesis tests on all cores (toy-based limits: src/infer/toy-limit.ts on a
// poolTaskExecutor): the generating fits run in this thread,
// the toy batches on a worker pool (each worker rebuilds the likelihood once from its recipe
// and keeps it for every μ), with a progress bar on stderr. Output is identical for a given
// seed whatever the worker count.
import type { Likelihood } from "../likelihood/types.ts";
import { toyHypotest, type ToyBatch, type ToyExecutor, type ToyOptions, type ToyResult } from "../infer/toys.ts";
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
  pool.prestart(); // the threads boot while this thread fits the data
  try {
    return await toyHypotest(lik, mu, { ...o, executor: poolExecutor(pool, { progress: o.progress, label: o.label ?? `toys μ=${mu}` }) });
  } finally {
    await pool.close();
  }
}
