// `searchlight marginal region|prior|limits|run`: marginal likelihoods for single-bin ATLAS discovery
// regions (../shared/specs/interval_evidence.md): region extraction, background-prior fits,
// certified limit scans, and the whole pipeline from a workspace and a region recipe; one file each.
import type { Command } from "commander";
import { register as region } from "./region.ts";
import { register as prior } from "./prior.ts";
import { register as limits } from "./limits.ts";
import { register as run } from "./run.ts";

export function register(marginal: Command): void {
  region(marginal);
  prior(marginal);
  limits(marginal);
  run(marginal);
}
