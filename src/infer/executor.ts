// Where independent units of work run, as a parameter of the code that creates them.
//
// A workflow (src/bumphunt, …) describes its work as a serialisable recipe — the URL of one of
// its own modules, the name of a factory exported there, and the factory's arguments — plus a
// list of tasks; the factory builds a runner `{ run(task) }` once, and each task's result comes
// back by task index. A `TaskExecutor` decides where the runners live: `inThread` (below) runs
// them in this thread, src/batch/pool.ts's `poolExecutor(workers)` on worker threads (each
// thread rebuilds the runner from the recipe). A workflow never imports src/batch: the CLI and
// src/batch pass the pool executor in (ARCHITECTURE.md, "Executors").
//
// Because results are gathered by task index and every task draws its random numbers from its
// own seeded stream, a run gives the same bytes whichever executor runs it and on how many
// threads. (`ToyExecutor` in toys.ts is the same idea specialised to toy batches of one
// Likelihood.)

/** A runner built in whatever thread runs the tasks: `import(module)[factory](args)`. */
export interface TaskRecipe {
  /** file:// URL of the module exporting the factory (`new URL("./x.ts", import.meta.url).href`). */
  module: string;
  /** Name of the export: (args) => { run(task) } (either may be async). */
  factory: string;
  /** Structured-clonable arguments for the factory. */
  args: unknown;
}

/** Several runs of one recipe on the same runners (threads); `close()` releases them. */
export interface TaskSession<T, R> {
  /** Run `tasks` (one run at a time); results by task index; `onDone(i)` after task i, in completion order. */
  run(tasks: T[], onDone?: (index: number) => void): Promise<R[]>;
  close(): Promise<void>;
  /** Optional: start the runners now, before the first run (worker threads boot meanwhile). */
  prestart?(): void;
}

export interface TaskExecutor {
  /** One run: runners are built, used for `tasks` and released. */
  run<T, R>(recipe: TaskRecipe, tasks: T[], onDone?: (index: number) => void): Promise<R[]>;
  /** A session keeping its runners across runs (close it when done). */
  open<T, R>(recipe: TaskRecipe): TaskSession<T, R>;
}

interface Runner {
  run(task: unknown): unknown | Promise<unknown>;
}

// From the sources (.ts under tsx) recipes name .ts modules; in the compiled package
// (dist/*.js) the same `new URL("./x.ts", import.meta.url)` must load x.js.
const FROM_SOURCE = import.meta.url.endsWith(".ts");

/** The module to import for a recipe's URL: x.ts → x.js when running from the compiled package. */
export function runtimeModule(url: string): string {
  return !FROM_SOURCE && url.endsWith(".ts") ? url.slice(0, -3) + ".js" : url;
}

/** Import the recipe's module and call its factory: the runner (or, for a likelihood recipe, the Likelihood). */
export async function buildFromRecipe<X = Runner>(recipe: TaskRecipe): Promise<X> {
  const mod = await import(runtimeModule(recipe.module));
  const factory = mod[recipe.factory];
  if (typeof factory !== "function") throw new Error(`${recipe.module} has no export "${recipe.factory}"`);
  return (await factory(recipe.args)) as X;
}

/** Run every task on one runner in this thread, in order. */
export async function runInThread<T, R>(runner: Runner, tasks: T[], onDone?: (index: number) => void): Promise<R[]> {
  const results: R[] = new Array(tasks.length);
  for (let i = 0; i < tasks.length; i++) {
    results[i] = (await runner.run(tasks[i])) as R;
    onDone?.(i);
  }
  return results;
}

/** The executor that runs everything in this thread (the library's default). */
export const inThread: TaskExecutor = {
  async run<T, R>(recipe: TaskRecipe, tasks: T[], onDone?: (index: number) => void): Promise<R[]> {
    return runInThread<T, R>(await buildFromRecipe(recipe), tasks, onDone);
  },
  open<T, R>(recipe: TaskRecipe): TaskSession<T, R> {
    let runner: Promise<Runner> | undefined;
    return {
      async run(tasks, onDone) {
        return runInThread<T, R>(await (runner ??= buildFromRecipe(recipe)), tasks, onDone);
      },
      async close() {},
    };
  },
};
