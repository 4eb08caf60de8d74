// Worker-side entry of the toy calculator: rebuild the likelihood from its recipe once, then
// run batches of toys (see toy-calculator.ts).
import type { Recipe } from "../batch/thread-pool.ts";
import type { Likelihood } from "../likelihood/types.ts";
import { runToyBatch, type ToyBatch } from "./toy-calculator.ts";

export async function toyRunner(args: { likelihood: Recipe }): Promise<{ run(b: ToyBatch): number[] }> {
  const mod = await import(args.likelihood.module);
  const lik: Likelihood = await mod[args.likelihood.factory](args.likelihood.args);
  return { run: (b: ToyBatch) => runToyBatch(lik, b) };
}
