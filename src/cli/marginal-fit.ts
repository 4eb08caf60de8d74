// `searchlight marginal region|prior` (to be written).
import type { Command } from "commander";

export function registerFit(_marginal: Command): void {}
