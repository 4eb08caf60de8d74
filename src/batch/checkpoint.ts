// Resumable runs: a TaskExecutor wrapper that keeps each finished task's result in a checkpoint
// folder, so an interrupted run (Ctrl-C, SIGTERM, a killed SLURM job) resumed with --resume does
// only the tasks that had not finished. Results are stored with v8.serialize (the structured
// clone the worker pool already uses: NaN, ±∞ and typed arrays survive exactly), one file per
// task, each written atomically (io/output.ts). The folder's name hashes the recipe (module,
// factory, args), so a resume with other settings (another mass range, other toys) starts afresh
// instead of mixing results. Every task draws from its own seeded stream, so a resumed run's
// outputs are byte-identical to an uninterrupted one.
import { createHash } from "node:crypto";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { deserialize, serialize } from "node:v8";
import { buildFromRecipe, type TaskExecutor, type TaskRecipe } from "../infer/executor.ts";
import { writeFileAtomic } from "../io/output.ts";

/** The checkpoint folder inside an output folder. */
export const CHECKPOINT_DIR = ".checkpoints";

const hash = (x: unknown) => createHash("sha256").update(serialize(x)).digest("hex").slice(0, 24);

/** Where the results of `recipe`'s tasks are kept under `root`. */
export function checkpointFolder(root: string, recipe: TaskRecipe): string {
  return join(root, CHECKPOINT_DIR, `${recipe.factory}-${hash([recipe.module.replace(/\.(ts|js)$/, ""), recipe.factory, recipe.args])}`);
}

/** Worker factory: the inner recipe's runner, answering from the checkpoint when it can. */
export async function checkpointRunner(args: { recipe: TaskRecipe; dir: string }): Promise<{ run(task: unknown): Promise<unknown> }> {
  const inner = await buildFromRecipe<{ run(task: unknown): unknown | Promise<unknown> }>(args.recipe);
  return {
    async run(task: unknown): Promise<unknown> {
      const file = join(args.dir, `${hash(task)}.v8`);
      if (existsSync(file)) return deserialize(readFileSync(file));
      const r = await inner.run(task);
      writeFileAtomic(file, serialize(r));
      // Let the event loop turn between tasks: when the runner works in this thread, a SIGINT or
      // SIGTERM handler (run.json "interrupted") gets its turn instead of waiting for the last task.
      await new Promise((ok) => setImmediate(ok));
      return r;
    },
  };
}

/**
 * `inner` with every task's result checkpointed under `root`/.checkpoints (see the header).
 * `clear()` removes the checkpoints once the run is complete.
 */
export function checkpointExecutor(inner: TaskExecutor, root: string): TaskExecutor & { clear(): void } {
  const wrap = (recipe: TaskRecipe): TaskRecipe => ({
    module: new URL("./checkpoint.ts", import.meta.url).href, factory: "checkpointRunner", args: { recipe, dir: checkpointFolder(root, recipe) },
  });
  return {
    run: <T, R>(recipe: TaskRecipe, tasks: T[], onDone?: (index: number) => void) => inner.run<T, R>(wrap(recipe), tasks, onDone),
    open: <T, R>(recipe: TaskRecipe) => inner.open<T, R>(wrap(recipe)),
    clear: () => rmSync(join(root, CHECKPOINT_DIR), { recursive: true, force: true }),
  };
}
