// `searchlight batch merge DIR [--allow-partial]` and `batch re-run DIR [--slurm]`: account for
// every patch of a job; re-run only the tasks with failed or missing patches.
import type { Command } from "commander";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { InputError } from "../../io/errors.ts";
import { describeReport } from "../../batch/merge.ts";
import { readJob, runTask } from "../../batch/patchset-batch.ts";
import { printJson } from "../shared/format.ts";
import { withJson, withWorkers, workers } from "../shared/options.ts";
import { mergedTable, mergeJob } from "./job.ts";

export function register(batch: Command): void {
  withJson(batch.command("merge <dir>").description("merge task outputs; exit 1 if any patch failed or is missing (unless --allow-partial)")
    .option("--allow-partial", "exit 0 even with failed or missing patches"), "print the report as JSON")
    .action((dir: string, o: { allowPartial?: boolean; json?: boolean }) => {
      const { report, file } = mergeJob(dir);
      if (o.json) printJson(report);
      else process.stdout.write(`${describeReport(report)}\n${mergedTable(dir, file)}\n`);
      const incomplete = report.failed.length + report.missing.length + report.inconsistent.length > 0;
      if (incomplete && !o.allowPartial) {
        process.stderr.write(`searchlight: ${dir}: INCOMPLETE MERGE: ${report.missing.length} missing, ${report.failed.length} failed; re-run tasks ${report.tasksToRerun.join(" ")} (searchlight batch re-run ${dir})\n`);
        process.exitCode = 1;
      }
    });

  withWorkers(batch.command("re-run <dir>").description("re-run only the tasks with failed or missing patches (locally, or via sbatch with --slurm)")
    .option("--slurm", "submit the tasks as a SLURM array instead of running them here"), "worker threads (local; default: all cores)")
    .action(async (dir: string, o: { slurm?: boolean; workers?: string }) => {
      const job = readJob(dir);
      const { report } = mergeJob(dir);
      const ids = report.tasksToRerun;
      if (ids.length === 0) { process.stdout.write("nothing to re-run: every patch is done\n"); return; }
      if (o.slurm) {
        const r = spawnSync("bash", [join(dir, "submit.sh"), ...ids.map(String)], { encoding: "utf8" });
        if (r.status !== 0) throw new InputError(dir, "submit.sh", `sbatch failed: ${(r.stderr || r.stdout).trim().split("\n")[0]}`);
        process.stdout.write(`submitted tasks ${ids.join(" ")} as job ${r.stdout.trim()}\n`);
        return;
      }
      const nWorkers = workers(o.workers);
      for (const t of ids) await runTask(dir, job, t, nWorkers);
      const after = mergeJob(dir).report;
      process.stdout.write(`re-ran tasks ${ids.join(" ")}\n${describeReport(after)}\n`);
    });
}
