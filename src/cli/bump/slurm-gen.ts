// `searchlight bump slurm-gen`: the mass scan split into SLURM array tasks (hps_gpr §14):
//   bump slurm-gen --dataset 2015 -n 8 --output-dir OUT [--partition … --time … --memory …]
//       → OUT/bump_job.json, OUT/submit.slurm (sbatch array, task k runs `bump run-task`),
//         OUT/submit_all.sh (submit all, or only some task ids)
// With a config enabling several datasets and do_combined, they are batched with their combination.
import type { Command } from "commander";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { InputError } from "../../io/errors.ts";
import { taskSlice } from "../../batch/split.ts";
import { BUMP_JOB_FILE, bumpJobDigest, defineBumpJob, defineCombinedBumpJob, readBumpJob, writeBumpJob } from "../../batch/bump-batch.ts";
import { fmtNum } from "../shared/format.ts";
import { intOr, seedOf, slurmCpus, withOutputDir, withSeed, withSlurm, type SlurmCli } from "../shared/options.ts";
import { selfCommand, writeArrayJob } from "../shared/slurm.ts";
import { job, massRangeOf, scanPlan, withBumpInput, withMassRange, type BumpCli } from "./common.ts";
import { SCRIPT, SUBMIT } from "./slurm-files.ts";

export function register(bump: Command): void {
  const cmd = withMassRange(withSlurm(withBumpInput(bump.command("slurm-gen").description("split the mass scan into SLURM array tasks: writes bump_job.json, an sbatch array script and submit_all.sh")), { jobName: "searchlight-bump", script: SCRIPT }))
    .option("-n, --n-tasks <n>", "number of array tasks (contiguous mass slices; hps_gpr --n-jobs)")
    .option("--n-jobs <n>", "alias of --n-tasks");
  withSeed(withOutputDir(cmd, "job folder: task_NNNN/ outputs, logs/, scripts", "out/bump-slurm")
    .option("--bands-toys <n>", "also compute expected-limit bands with this many toys per mass (as `bump bands`)"), "bands random seed", "12345")
    .option("--force", "replace a different job already defined in --output-dir")
    .action((o: BumpCli & SlurmCli & { massMin?: string; massMax?: string; step: string; nTasks?: string; nJobs?: string; outputDir: string; bandsToys?: string; seed: string; force?: boolean }) => {
      const nRaw = o.nTasks ?? o.nJobs;
      if (nRaw === undefined) throw new InputError("", "--n-tasks", "required: the number of SLURM array tasks (e.g. -n 8; one mass per task: the number of grid masses)");
      const range = massRangeOf(o);
      // A config with several enabled datasets (and no --dataset): all of them and, with
      // do_combined, their combination in one job, as `hps-gpr scan --config` per array task.
      const plan = o.config && o.datasetFromDefault !== false ? scanPlan(o, range) : null;
      const multi = plan && plan.jobs.length >= 2 ? plan : null;
      if (plan && !multi && o.datasetFromDefault !== false) o.datasetFromDefault = false;
      if (multi && !multi.doCombined) throw new InputError(o.config!, "do_combined", "several datasets are enabled but do_combined is false: name one with --dataset, or set do_combined: true to batch them with their combination");
      if (multi && o.bandsToys !== undefined) throw new InputError("", "--bands-toys", "bands are batched per dataset: run slurm-gen with --dataset for them");
      const scan = multi ? multi.jobs[0] : job(o, range);
      const bands = o.bandsToys !== undefined ? { nToys: intOr("--bands-toys", o.bandsToys, 0, 1), seed: seedOf(o.seed) } : null;
      const bj = multi
        ? defineCombinedBumpJob(multi.jobs, multi.grid, intOr("--n-tasks", nRaw, 1, 1), { alpha: multi.alpha, blindNSigma: multi.blindNSigma })
        : defineBumpJob(scan, intOr("--n-tasks", nRaw, 1, 1), { bands });
      const out = resolve(o.outputDir);
      if (existsSync(join(out, BUMP_JOB_FILE)) && !o.force) {
        const old = readBumpJob(out);
        if (bumpJobDigest(old) !== bumpJobDigest(bj) || old.nTasks !== bj.nTasks)
          throw new InputError(join(out, BUMP_JOB_FILE), "--output-dir", "already holds a different job (other options or task count); use another --output-dir or --force (old task folders are then reported as inconsistent)");
      }
      writeBumpJob(out, bj);
      const command = selfCommand(["bump", "run-task", "--task-dir", out, "--task-id", "{task}", "--workers", String(slurmCpus(o))]);
      writeArrayJob(out, o, bj.nTasks, command, SUBMIT);
      const sizes = Array.from({ length: bj.nTasks }, (_, t) => { const [a, b] = taskSlice(bj.units.length, bj.nTasks, t); return b - a; });
      const what = multi ? `${multi.jobs.map((j) => j.dataset).join("+")} (and their combination)` : scan.dataset;
      const grid = multi ? multi.grid : scan.masses;
      process.stdout.write(`${what}: ${bj.units.length} ${multi ? "(dataset, mass) points" : "masses"} (${fmtNum(grid[0] * 1000)}–${fmtNum(grid[grid.length - 1] * 1000)} MeV) in ${bj.nTasks} array tasks of ${Math.min(...sizes)}–${Math.max(...sizes)}${bands ? ` (+ bands, ${bands.nToys} toys)` : ""}\n` +
        `wrote ${join(out, o.script)}, ${join(out, SUBMIT)} and ${join(out, BUMP_JOB_FILE)}\n` +
        `submit: bash ${join(out, SUBMIT)}   then: searchlight bump slurm-combine ${out}\n`);
    });
}
