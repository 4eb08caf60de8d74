// `searchlight bump inject|inject-plot|toy-scan|gp-toy-scan|toy-scan-merge|toy-scan-plot|…` (to be written).
import type { Command } from "commander";

export function registerStudies(_bump: Command): void {}
