// Toy-based hypothesis tests on all cores: the generating fits run in this thread, the toy
// batches on the worker pool (each worker rebuilds the likelihood once from its recipe), with
// a progress bar on stderr. Output is identical for a given seed whatever the worker count.
import type { Likelihood } from "../likelihood/types.ts";
import { toyHypotest, type ToyExecutor, type ToyOptions, type ToyResult } from "../infer/toys.ts";
import { defaultWorkers, runPool, type Recipe } from "./pool.ts";
import { Progress } from "./progress.ts";

export interface PoolToyOptions extends Omit<ToyOptions, "executor"> {
  /** Worker threads (default: every core; ≤ 1 runs in this thread). */
  workers?: number;
  /** Progress bar on stderr (default: when stderr is a terminal). */
  progress?: boolean;
  label?: string;
}

/** An executor running toy batches on `workers` threads, each building `recipe`'s likelihood once. */
export function poolExecutor(recipe: Recipe, o: { workers?: number; progress?: boolean; label?: string } = {}): ToyExecutor {
  const runner = { module: new URL("./toy-worker.ts", import.meta.url).href, factory: "toyRunner", args: { likelihood: recipe } };
  return async (batches, onDone) => {
    const bar = new Progress(batches.length, o.label ?? "toys", o.progress ?? Boolean(process.stderr.isTTY));
    try {
      return await runPool<unknown, number[]>(runner, batches, o.workers ?? defaultWorkers(), (i) => { bar.tick(); onDone?.(i); });
    } finally {
      bar.finish();
    }
  };
}

/**
 * Toy-based CLs at μ on a worker pool. `recipe` rebuilds the same likelihood in a worker, e.g.
 * { module: URL of src/histfactory/model.ts, factory: "modelFromRecipe", args: { spec, options } }.
 */
export function toyHypotestOnPool(lik: Likelihood, recipe: Recipe, mu: number, o: PoolToyOptions = {}): Promise<ToyResult> {
  const executor = poolExecutor(recipe, { workers: o.workers, progress: o.progress, label: o.label ?? `toys μ=${mu}` });
  return toyHypotest(lik, mu, { ...o, executor });
}
