// Worker-side factory of the toy calculator: rebuild the likelihood from its recipe once,
// then run batches of toys (src/infer/toys.ts) for as long as the worker lives.
import { runtimeModule, type Recipe } from "./pool.ts";
import type { Likelihood } from "../likelihood/types.ts";
import { runToyBatch, type ToyBatch } from "../infer/toys.ts";

/** Build a Likelihood from a recipe: import `module`, call its `factory` export with `args`. */
export async function likelihoodFromRecipe(recipe: Recipe): Promise<Likelihood> {
  const mod = await import(runtimeModule(recipe.module));
  const factory = mod[recipe.factory];
  if (typeof factory !== "function") throw new Error(`${recipe.module} has no export "${recipe.factory}"`);
  return await factory(recipe.args);
}

export async function toyRunner(args: { likelihood: Recipe }): Promise<{ run(b: ToyBatch): number[] }> {
  const lik = await likelihoodFromRecipe(args.likelihood);
  return { run: (b: ToyBatch) => runToyBatch(lik, b) };
}
