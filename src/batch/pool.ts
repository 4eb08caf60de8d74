// A pool of worker threads for independent units of work (toys, mass points, patches).
// Each worker builds its runner once from a serialisable recipe (module URL, factory export,
// arguments) and keeps it for every task it is given, across runs; tasks go in chunks to
// whichever worker is free and results come back by task index, so the output is the same
// whatever the number of workers. Workers ≤ 1 runs everything in this thread (no worker
// start-up cost); n ≥ 2 workers are this thread plus n − 1 worker threads.
import { Worker } from "node:worker_threads";
import { availableParallelism } from "node:os";
import type { EventLoopUtilization } from "node:perf_hooks";
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
  /** Chunks sent and not yet answered (at most PREFETCH). */
  inflight: number;
}

/**
 * Chunking: a message carries consecutive tasks worth about CHUNK_MS of work (measured as the
 * run goes: the first chunks hold one task), so the per-message cost (structured clone, event
 * loop hop) stays small beside the work for any task size; near the end chunks shrink so the
 * threads finish together. Each worker keeps PREFETCH chunks queued, so it never waits for the
 * main thread's event loop, which is busy running chunks of its own.
 */
const CHUNK_MS = 50;
const PREFETCH = 2;

interface Run<T, R> {
  tasks: T[];
  results: R[];
  next: number;
  done: number;
  /** Task time measured so far (ms over tasks), for the chunk size. */
  ms: number;
  timed: number;
  threads: number;
  onDone?: (index: number) => void;
  resolve: (r: R[]) => void;
  reject: (e: Error) => void;
}

/**
 * Persistent workers for many runs of the same recipe; `close()` when done. With n ≥ 2 workers
 * the calling thread is one of them (it would otherwise wait idle) and n − 1 worker threads are
 * started: the calling thread starts on the tasks at once, while the threads boot, so n workers
 * are never slower than one. Results are gathered by task index: the same for any n.
 */
export class WorkerPool<T, R> implements TaskSession<T, R> {
  private local?: Promise<Runner>;
  private readonly slots: Slot[] = [];
  private current?: Run<T, R>;
  private failure?: Error;

  /**
   * `alwaysThreads`: only worker threads run tasks, even for one worker (benchmarks compare 1
   * and 2 threads on equal terms); by default one worker means this thread, and n ≥ 2 means
   * this thread and n − 1 worker threads.
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
    const here = !this.alwaysThreads;
    const nThreads = Math.max(1, Math.min(this.workers - (here ? 1 : 0), tasks.length - (here ? 1 : 0)));
    this.start(nThreads);
    const runner = here ? await (this.local ??= buildFromRecipe<Runner>(this.recipe)) : undefined;
    return new Promise<R[]>((resolve, reject) => {
      const run: Run<T, R> = { tasks, results: new Array(tasks.length), next: 0, done: 0, ms: 0, timed: 0, threads: nThreads + (here ? 1 : 0), onDone, resolve, reject };
      this.current = run;
      for (const s of this.slots) this.feed(s);
      if (runner) void this.runHere(run, runner);
    });
  }

  /**
   * Start the worker threads now (workers − 1 of them, or `workers` with alwaysThreads) and build
   * this thread's runner, so they boot while the caller does other work (e.g. the fits to the
   * data before toys); `run` then finds them ready or booting.
   */
  prestart(): void {
    if (this.failure || (this.workers <= 1 && !this.alwaysThreads)) return;
    this.start(Math.max(1, this.workers - (this.alwaysThreads ? 0 : 1)));
  }

  /**
   * Event-loop utilisation of each worker thread (node's ELU, cumulative: pass an earlier reading
   * to get the share since then) — how busy the pool keeps its threads, whatever the machine load.
   */
  eventLoopUtilization(since?: EventLoopUtilization[]): EventLoopUtilization[] {
    return this.slots.map((s, i) => s.worker.performance.eventLoopUtilization(since?.[i]));
  }

  /** Terminate the workers. */
  async close(): Promise<void> {
    const ws = this.slots.splice(0).map((s) => s.worker);
    await Promise.all(ws.map((w) => w.terminate()));
  }

  /** Tasks for the next chunk: ≈ CHUNK_MS of work, at most a fair share of what is left. */
  private chunkSize(run: Run<T, R>): number {
    const left = run.tasks.length - run.next;
    if (run.timed === 0) return Math.min(1, left);
    const perTask = run.ms / run.timed;
    const want = perTask > 0 ? Math.ceil(CHUNK_MS / perTask) : left;
    const fair = Math.ceil(left / (2 * run.threads));
    return Math.max(1, Math.min(want, fair, left));
  }

  /** The calling thread's share: chunks run here, yielding to the event loop between them. */
  private async runHere(run: Run<T, R>, runner: Runner): Promise<void> {
    while (this.current === run && run.next < run.tasks.length) {
      const k = this.chunkSize(run);
      const start = run.next;
      run.next += k;
      const t0 = performance.now();
      for (let i = start; i < start + k; i++) {
        try {
          run.results[i] = (await runner.run(run.tasks[i])) as R;
        } catch (e) {
          return this.fail(new Error(`task ${i}: ${e instanceof Error ? e.message : String(e)}`));
        }
      }
      run.ms += performance.now() - t0;
      run.timed += k;
      this.completed(run, start, k);
      // let the workers' messages in (results, requests for more work)
      await new Promise<void>((r) => setImmediate(r));
    }
  }

  private completed(run: Run<T, R>, start: number, k: number): void {
    run.done += k;
    if (run.onDone) for (let i = start; i < start + k; i++) run.onDone(i);
    if (run.done === run.tasks.length && this.current === run) {
      this.current = undefined;
      run.resolve(run.results);
    }
  }

  private start(n: number): void {
    while (this.slots.length < n) {
      const slot: Slot = { worker: new Worker(WORKER_URL, { workerData: this.recipe }), ready: false, inflight: 0 };
      this.slots.push(slot);
      slot.worker.on("message", (msg: { ready?: boolean; start?: number; ok?: boolean; results?: R[]; ms?: number; error?: string }) => {
        if (msg.ready) {
          slot.ready = true;
          return this.feed(slot);
        }
        slot.inflight--;
        const run = this.current;
        if (!run) return;
        if (!msg.ok) return this.fail(new Error(`task ${msg.start}: ${msg.error}`));
        const res = msg.results!;
        for (let i = 0; i < res.length; i++) run.results[msg.start! + i] = res[i];
        run.ms += msg.ms!;
        run.timed += res.length;
        this.completed(run, msg.start!, res.length);
        this.feed(slot);
      });
      slot.worker.on("error", (e) => this.fail(e instanceof Error ? e : new Error(String(e))));
      slot.worker.on("exit", (code) => {
        if (code !== 0 && this.slots.includes(slot)) this.fail(new Error(`worker exited with code ${code}`));
      });
    }
  }

  private feed(slot: Slot): void {
    const run = this.current;
    while (run && slot.ready && slot.inflight < PREFETCH && run.next < run.tasks.length) {
      const k = this.chunkSize(run);
      const start = run.next;
      run.next += k;
      slot.inflight++;
      slot.worker.postMessage({ start, tasks: run.tasks.slice(start, start + k) });
    }
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
