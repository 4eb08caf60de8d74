// `searchlight batch slurm-gen WS --patchset PS --output DIR --n-tasks N [SLURM flags]`: an sbatch
// array script (one array task per job task, each running `batch run --task`) and a submit helper.
import type { Command } from "commander";
import { join, resolve } from "node:path";
import { writeJob } from "../../batch/patchset-batch.ts";
import { slurmCpus, withSlurm, type SlurmCli } from "../shared/options.ts";
import { selfCommand, writeArrayJob } from "../shared/slurm.ts";
import { jobFromCli, withJobOptions, type JobCli } from "./job.ts";

export function register(batch: Command): void {
  withSlurm(withJobOptions(batch.command("slurm-gen <workspace>").description("write a SLURM array script (one array task per job task) and a submit helper")),
    { jobName: "searchlight-batch", script: "batch.sbatch" })
    .action((ws: string, o: JobCli & SlurmCli) => {
      const job = jobFromCli(ws, o);
      const out = resolve(o.output);
      writeJob(out, job);
      const command = selfCommand(["batch", "run", job.workspace, "--patchset", job.patchset, "--output", out, "--poi", String(job.poi),
        "--cl", String(job.cl), "--n-tasks", "{n_tasks}", "--task", "{task}", "--workers", String(slurmCpus(o)), ...(job.upperLimit ? ["--upper-limit"] : [])]);
      const script = writeArrayJob(out, o, job.nTasks, command, "submit.sh");
      process.stdout.write(`wrote ${script} (${job.nTasks} array tasks, ${job.units.length} patches) and ${join(out, "submit.sh")}\n`);
    });
}
