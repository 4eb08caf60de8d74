// `searchlight marginal …`: marginal likelihoods for single-bin ATLAS discovery regions
// (../shared/specs/interval_evidence.md). Region extraction and priors live in
// marginal-fit.ts, certified limit scans in marginal-limits.ts.
import type { Command } from "commander";
import { registerFit } from "./marginal-fit.ts";
import { registerLimits } from "./marginal-limits.ts";

export function register(program: Command): void {
  const marginal = program.command("marginal").description("marginal likelihoods of single-bin discovery regions: region extraction, background priors, certified limits");
  registerFit(marginal);
  registerLimits(marginal);
}
