// `searchlight batch`: hypothesis tests over every patch of a patchset, locally on all cores or
// as a SLURM job array; merges account for every patch.
//   batch run WS --patchset PS --output DIR [--task i --n-tasks N] [--workers N] [--upper-limit]
//   batch slurm-gen WS --patchset PS --output DIR --n-tasks N [--partition … --time … --memory …]
//   batch merge DIR [--allow-partial]
//   batch re-run DIR [--slurm]
import type { Command } from "commander";
import { register as run } from "./run.ts";
import { register as slurmGen } from "./slurm-gen.ts";
import { register as merge } from "./merge.ts";

export function register(batch: Command): void {
  run(batch);
  slurmGen(batch);
  merge(batch);
}
