// `searchlight bump slurm-gen…|slurm-combine|re-run` (to be written).
import type { Command } from "commander";

export function registerSlurm(_bump: Command): void {}
