// `searchlight bump <verb>`: the HPS GP bump hunt, with hps-gpr's verbs, one file per verb (or per
// small group of verbs that share their code):
//   scan, test, example, bands                       the mass scan and its expected-limit bands
//   bands-refit, inject, inject-plot                 studies with refitted GPs, injection closure
//   toy-scan, gp-toy-scan, toy-scan-merge, -plot     whole scans of toys
//   observed-display, extract-display, project-eps2-reach
//   slurm-gen, run-task, slurm-combine, re-run       the scan as a SLURM array
//   slurm-gen-inject|-toy-scan|-gp-toy-scan|-extract-display   SLURM arrays of the studies
import type { Command } from "commander";
import { register as slurmGen } from "./slurm-gen.ts";
import { register as runTask } from "./run-task.ts";
import { register as slurmMerge } from "./slurm-merge.ts";
import { register as studyGenerators } from "./study-generators.ts";
import { register as displays } from "./displays.ts";
import { register as reach } from "./project-eps2-reach.ts";
import { register as bandsRefit } from "./bands-refit.ts";
import { register as inject } from "./inject.ts";
import { register as injectPlot } from "./inject-plot.ts";
import { register as toyScan } from "./toy-scan.ts";
import { register as toyScanResults } from "./toy-scan-results.ts";
import { register as test } from "./test.ts";
import { register as scan } from "./scan.ts";
import { register as example } from "./example.ts";
import { register as bands } from "./bands.ts";

export function register(bump: Command): void {
  for (const r of [slurmGen, runTask, slurmMerge, studyGenerators, displays, reach, bandsRefit, inject, injectPlot, toyScan, toyScanResults, test, scan, example, bands]) r(bump);
}
