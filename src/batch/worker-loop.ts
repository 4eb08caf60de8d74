// The worker side of the thread pool: build the job's object once from its recipe, then answer
// task messages with its `run` method's results.
import { parentPort, workerData } from "node:worker_threads";
import { buildFromRecipe, type TaskRecipe } from "../infer/executor.ts";

interface Runner {
  run(task: unknown): unknown | Promise<unknown>;
}

const runner = await buildFromRecipe<Runner>(workerData as TaskRecipe);
// A message is a chunk of consecutive tasks (pool.ts sizes it); the answer carries their
// results in order and the time they took (the pool sizes later chunks from it).
parentPort!.on("message", async (msg: { start: number; tasks: unknown[] }) => {
  const t0 = performance.now();
  const results: unknown[] = [];
  try {
    for (const task of msg.tasks) results.push(await runner.run(task));
    parentPort!.postMessage({ start: msg.start, ok: true, results, ms: performance.now() - t0 });
  } catch (e) {
    parentPort!.postMessage({ start: msg.start + results.length, ok: false, error: (e as Error).message });
  }
});
parentPort!.postMessage({ ready: true });
