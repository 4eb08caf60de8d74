// `searchlight templates build|fit|coverage|score|example`: systematics-aware template fits
// (../shared/specs/gato_sage.md Part B): grids of templates over nuisance values, the μ interval,
// coverage studies with the HiggsML Uncertainty Challenge score; one file per verb.
import type { Command } from "commander";
import { register as build } from "./build.ts";
import { register as fit } from "./fit.ts";
import { register as coverage } from "./coverage.ts";
import { register as score } from "./score.ts";
import { register as example } from "./example.ts";

export function register(templates: Command): void {
  build(templates);
  fit(templates);
  coverage(templates);
  score(templates);
  example(templates);
}
