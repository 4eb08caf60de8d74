// The worker side of the thread pool: build the job's object once from its recipe, then answer
// task messages with its `run` method's results.
import { parentPort, workerData } from "node:worker_threads";
import { buildFromRecipe, type TaskRecipe } from "../infer/executor.ts";

interface Runner {
  run(task: unknown): unknown | Promise<unknown>;
}

const runner = await buildFromRecipe<Runner>(workerData as TaskRecipe);
parentPort!.on("message", async (msg: { id: number; task: unknown }) => {
  try {
    parentPort!.postMessage({ id: msg.id, ok: true, result: await runner.run(msg.task) });
  } catch (e) {
    parentPort!.postMessage({ id: msg.id, ok: false, error: (e as Error).message });
  }
});
parentPort!.postMessage({ ready: true });
