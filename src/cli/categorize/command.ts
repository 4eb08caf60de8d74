// `searchlight categorize train|evaluate|export|example`: differentiable GATO categorisation
// (../shared/specs/gato_sage.md Part A), one file per verb.
import type { Command } from "commander";
import { register as train } from "./train.ts";
import { register as evaluate } from "./evaluate.ts";
import { register as exportWs } from "./export.ts";
import { register as example } from "./example.ts";

export function register(cat: Command): void {
  train(cat);
  evaluate(cat);
  exportWs(cat);
  example(cat);
}
