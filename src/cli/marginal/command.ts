// `searchlight marginal region|prior|limits`: marginal likelihoods for single-bin ATLAS discovery
// regions (../shared/specs/interval_evidence.md): region extraction, background-prior fits,
// certified limit scans, one file each.
import type { Command } from "commander";
import { register as region } from "./region.ts";
import { register as prior } from "./prior.ts";
import { register as limits } from "./limits.ts";

export function register(marginal: Command): void {
  region(marginal);
  prior(marginal);
  limits(marginal);
}
