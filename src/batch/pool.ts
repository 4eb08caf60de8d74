// A pool of worker threads for independent units of work (toys, mass points, patches).
// Each worker builds its runner once from a serialisable recipe (module URL, factory export,
// arguments) and keeps it for every task it is given, across runs; tasks go to whichever
// worker is free and results come back by task index, so the output is the same whatever the
// number of workers. Workers ≤ 1 runs everything in this thread (no worker start-up cost).
import { Worker } from "node:worker_threads";
import { availableParallelism } from "node:os";
import { buildFromRecipe, runInThread, type TaskExecutor, type TaskRecipe, type TaskSession } from "../infer/executor.ts";

/** A serialisable runner recipe (module URL, factory export, arguments): see src/infer/executor.ts. */
export type Recipe = TaskRecipe;
// the recipe's module URL as the runtime loads it (x.ts → x.js in the compiled package)
export { runtimeModule } from "../infer/executor.ts";

interface Runner {
  run(task: unknown): unknown | Promise<unknown>;
}

// From the sources (.ts under tsx) a worker starts with worker.mjs, which registers tsx; from
// the compiled package (dist/*.js) it starts the compiled loop directly, with no tsx.
const FROM_SOURCE = import.meta.url.endsWith(".ts");
const WORKER_URL = new URL(FROM_SOURCE ? "./worker.mjs" : "./worker-loop.js", import.meta.url);

/** Default worker count: every core. */
export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

interface Slot {
  worker: Worker;
  ready: boolean;
  busy: boolean;
}

/** Persistent workers for many runs of the same recipe; `close()` when done. */
export class WorkerPool<T, R> implements TaskSession<T, R> {
  private local?: Promise<Runner>;
  private readonly slots: Slot[] = [];
  private current?: {
    tasks: T[];
    results: R[];
    next: number;
    done: number;
    onDone?: (index: number) => void;
    resolve: (r: R[]) => void;
    reject: (e: Error) => void;
  };
  private failure?: Error;

  /**
   * `alwaysThreads`: use a worker thread even for one worker (benchmarks compare 1 and 2
   * threads on equal terms); by default one worker means this thread.
   */
  constructor(readonly recipe: Recipe, readonly workers = defaultWorkers(), private readonly alwaysThreads = false) {}

  /** Run `tasks` (one run at a time); `onDone(i)` after each task, in completion order. */
  async run(tasks: T[], onDone?: (index: number) => void): Promise<R[]> {
    if (this.current) throw new Error("WorkerPool.run: a run is already in progress");
    if (this.failure) throw this.failure;
    if (this.workers <= 1 && !this.alwaysThreads) {
      return runInThread<T, R>(await (this.local ??= buildFromRecipe<Runner>(this.recipe)), tasks, onDone);
    }
    if (tasks.length === 0) return [];
    this.start(Math.max(1, Math.min(this.workers, tasks.length)));
    return new Promise<R[]>((resolve, reject) => {
      this.current = { tasks, results: new Array(tasks.length), next: 0, done: 0, onDone, resolve, reject };
      for (const s of this.slots) this.feed(s);
    });
  }

  /** Terminate the workers. */
  async close(): Promise<void> {
    const ws = this.slots.splice(0).map((s) => s.worker);
    await Promise.all(ws.map((w) => w.terminate()));
  }

  private start(n: number): void {
    while (this.slots.length < n) {
      const slot: Slot = { worker: new Worker(WORKER_URL, { workerData: this.recipe }), ready: false, busy: false };
      this.slots.push(slot);
      slot.worker.on("message", (msg: { ready?: boolean; id?: number; ok?: boolean; result?: R; error?: string }) => {
        if (msg.ready) {
          slot.ready = true;
          return this.feed(slot);
        }
        slot.busy = false;
        const run = this.current;
        if (!run) return;
        if (!msg.ok) return this.fail(new Error(`task ${msg.id}: ${msg.error}`));
        run.results[msg.id!] = msg.result as R;
        run.done++;
        run.onDone?.(msg.id!);
        if (run.done === run.tasks.length) {
          this.current = undefined;
          run.resolve(run.results);
        } else this.feed(slot);
      });
      slot.worker.on("error", (e) => this.fail(e instanceof Error ? e : new Error(String(e))));
      slot.worker.on("exit", (code) => {
        if (code !== 0 && this.slots.includes(slot)) this.fail(new Error(`worker exited with code ${code}`));
      });
    }
  }

  private feed(slot: Slot): void {
    const run = this.current;
    if (!run || !slot.ready || slot.busy || run.next >= run.tasks.length) return;
    const id = run.next++;
    slot.busy = true;
    slot.worker.postMessage({ id, task: run.tasks[id] });
  }

  private fail(e: Error): void {
    this.failure ??= e;
    const run = this.current;
    this.current = undefined;
    run?.reject(e);
    void this.close();
  }
}

/**
 * Run `tasks` with the recipe's runner on `workers` threads (workers ≤ 1: in this thread),
 * then stop the workers. `onDone` is called after each task (for progress bars).
 */
export async function runPool<T, R>(recipe: Recipe, tasks: T[], workers = defaultWorkers(), onDone?: (index: number) => void): Promise<R[]> {
  const pool = new WorkerPool<T, R>(recipe, tasks.length <= 1 ? 1 : workers);
  try {
    return await pool.run(tasks, onDone);
  } finally {
    await pool.close();
  }
}

/**
 * The TaskExecutor on worker threads that a workflow receives from its caller (src/cli,
 * src/batch): each `run` is a `runPool`, each `open` a persistent WorkerPool. `workers` ≤ 1 runs
 * in this thread; results are the same for any `workers`.
 */
export function poolTaskExecutor(workers = defaultWorkers()): TaskExecutor {
  return {
    run: <T, R>(recipe: Recipe, tasks: T[], onDone?: (index: number) => void) => runPool<T, R>(recipe, tasks, workers, onDone),
    open: <T, R>(recipe: Recipe) => new WorkerPool<T, R>(recipe, workers),
  };
}
