// `searchlight marginal limits` (to be written).
import type { Command } from "commander";

export function registerLimits(_marginal: Command): void {}
