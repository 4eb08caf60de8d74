// A pool of worker threads for independent units of work (toys, mass points, patches).
// Each worker builds its runner once from a serialisable recipe (module URL, factory export,
// arguments); tasks go to whichever worker is free and results come back by task index, so
// the output is the same whatever the number of workers.
import { Worker } from "node:worker_threads";
import { availableParallelism } from "node:os";

export interface Recipe {
  /** file:// URL of the module exporting the factory. */
  module: string;
  /** Name of the export: (args) => { run(task) } (may be async). */
  factory: string;
  /** Structured-clonable arguments for the factory. */
  args: unknown;
}

/** Default worker count: every core. */
export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

/**
 * Run `tasks` with the recipe's runner on `workers` threads (workers ≤ 1: in this thread).
 * `onDone` is called after each task (for progress bars).
 */
export async function runPool<T, R>(recipe: Recipe, tasks: T[], workers = defaultWorkers(), onDone?: (index: number) => void): Promise<R[]> {
  const results: R[] = new Array(tasks.length);
  if (workers <= 1 || tasks.length <= 1) {
    const mod = await import(recipe.module);
    const runner = await mod[recipe.factory](recipe.args);
    for (let i = 0; i < tasks.length; i++) {
      results[i] = (await runner.run(tasks[i])) as R;
      onDone?.(i);
    }
    return results;
  }
  const n = Math.min(workers, tasks.length);
  let next = 0;
  const pool: Worker[] = [];
  try {
    await Promise.all(Array.from({ length: n }, () => new Promise<void>((resolve, reject) => {
      const w = new Worker(new URL("./worker.mjs", import.meta.url), { workerData: recipe });
      pool.push(w);
      const feed = () => {
        if (next >= tasks.length) { resolve(); return; }
        const id = next++;
        w.postMessage({ id, task: tasks[id] });
      };
      w.on("message", (msg: { ready?: boolean; id?: number; ok?: boolean; result?: R; error?: string }) => {
        if (msg.ready) return feed();
        if (!msg.ok) return reject(new Error(`task ${msg.id}: ${msg.error}`));
        results[msg.id!] = msg.result as R;
        onDone?.(msg.id!);
        feed();
      });
      w.on("error", reject);
      w.on("exit", (code) => { if (code !== 0) reject(new Error(`worker exited with code ${code}`)); });
    })));
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return results;
}
