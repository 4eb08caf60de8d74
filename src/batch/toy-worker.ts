// Worker-side factory of the toy calculator: rebuild the likelihood from its recipe once,
// then run batches of toys (src/infer/toys.ts) for as long as the worker lives.
import { buildFromRecipe } from "../infer/executor.ts";
import type { Recipe } from "./pool.ts";
import type { Likelihood } from "../likelihood/types.ts";
import { runToyBatch, type ToyBatch } from "../infer/toys.ts";

/** Build a Likelihood from a recipe: import `module`, call its `factory` export with `args`. */
export function likelihoodFromRecipe(recipe: Recipe): Promise<Likelihood> {
  return buildFromRecipe<Likelihood>(recipe);
}

export async function toyRunner(args: { likelihood: Recipe }): Promise<{ run(b: ToyBatch): number[] }> {
  const lik = await likelihoodFromRecipe(args.likelihood);
  return { run: (b: ToyBatch) => runToyBatch(lik, b) };
}
