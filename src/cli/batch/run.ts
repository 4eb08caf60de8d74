// `searchlight batch run WS --patchset PS --output DIR [--task i --n-tasks N] [--workers N]
// [--upper-limit]`: the job (or one task of it) on local worker threads.
import type { Command } from "commander";
import { InputError } from "../../io/errors.ts";
import { Progress } from "../../batch/progress.ts";
import { describeReport } from "../../batch/merge.ts";
import { runTask, writeJob } from "../../batch/patchset-batch.ts";
import { taskSlice } from "../../batch/split.ts";
import { printJson } from "../shared/format.ts";
import { int, withJson, withWorkers, workers } from "../shared/options.ts";
import { jobFromCli, mergedTable, mergeJob, withJobOptions, type JobCli } from "./job.ts";

export function register(batch: Command): void {
  withJson(withWorkers(withJobOptions(batch.command("run <workspace>").description("run the job (or one task of it) locally on worker threads"))
    .option("--task <i>", "run only this task (0-based), e.g. $SLURM_ARRAY_TASK_ID")), "print the merge report as JSON")
    .action(async (ws: string, o: JobCli & { task?: string; workers?: string; json?: boolean }) => {
      const job = jobFromCli(ws, o);
      writeJob(o.output, job);
      const nWorkers = workers(o.workers);
      const tasks = o.task !== undefined ? [int("--task", o.task)!] : Array.from({ length: job.nTasks }, (_, t) => t);
      for (const t of tasks) if (t >= job.nTasks) throw new InputError("", "--task", `${t} is not below --n-tasks ${job.nTasks}`);
      const total = tasks.reduce((s, t) => { const [a, b] = taskSlice(job.units.length, job.nTasks, t); return s + b - a; }, 0);
      const bar = new Progress(total, "patches");
      for (const t of tasks) await runTask(o.output, job, t, nWorkers, () => bar.tick());
      bar.finish();
      if (o.task === undefined) {
        const { report, file } = mergeJob(o.output);
        if (o.json) printJson(report);
        else process.stdout.write(`${describeReport(report)}\n${mergedTable(o.output, file)}\n`);
      }
    });
}
