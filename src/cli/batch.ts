// `searchlight batch`: hypothesis tests over every patch of a patchset, locally on all cores or
// as a SLURM job array; merges account for every patch.
//   batch run WS --patchset PS --output DIR [--task i --n-tasks N] [--workers N] [--upper-limit]
//   batch slurm-gen WS --patchset PS --output DIR --n-tasks N [--partition … --time … --mem …]
//   batch merge DIR [--allow-partial]
//   batch re-run DIR [--slurm]
import type { Command } from "commander";
import { spawnSync } from "node:child_process";
import { writeFileSync, chmodSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { InputError } from "../io/errors.ts";
import { intOr as int } from "./options.ts";
import { Progress } from "../batch/progress.ts";
import { accountTasks, describeReport, mergeCsv } from "../batch/merge.ts";
import { defineJob, jobDigest, readJob, runTask, writeJob, RESULTS_FILE, type PatchsetJob } from "../batch/patchset-batch.ts";
import { sbatchArrayScript, shellQuote, submitScript } from "../batch/slurm.ts";
import { taskSlice } from "../batch/split.ts";
import { defaultWorkers } from "../batch/pool.ts";
import { printJson } from "./format.ts";

const BIN = fileURLToPath(new URL("../../bin/searchlight.mjs", import.meta.url));


interface JobCli { patchset: string; output: string; poi: string; upperLimit?: boolean; cl: string; nTasks?: string }

function jobFromCli(ws: string, o: JobCli): PatchsetJob {
  const poi = Number(o.poi), cl = Number(o.cl);
  if (!Number.isFinite(poi)) throw new InputError("", "--poi", `"${o.poi}" is not a number`);
  if (!(cl > 0 && cl < 1)) throw new InputError("", "--cl", `"${o.cl}" is not in (0, 1)`);
  return defineJob(ws, o.patchset, { poi, upperLimit: o.upperLimit, cl, nTasks: int("--n-tasks", o.nTasks, 1, 1) });
}

function jobOptions(cmd: Command): Command {
  return cmd
    .requiredOption("--patchset <file>", "patchset whose patches are the units of work")
    .requiredOption("--output <dir>", "output folder (task_NNNN/ subfolders, job.json, merged.csv)")
    .option("--poi <value>", "tested POI value for CLs", "1")
    .option("--upper-limit", "also compute the upper limit per patch")
    .option("--cl <level>", "confidence level of the upper limit", "0.95")
    .option("--n-tasks <n>", "number of tasks the job is split into", "1");
}

/** Merge all task outputs of a job folder; returns the report (and writes merged.csv). */
export function mergeJob(dir: string): { report: ReturnType<typeof accountTasks>; rows: number } {
  const job = readJob(dir);
  const report = accountTasks(dir, { units: job.units, nTasks: job.nTasks, configDigest: jobDigest(job) });
  const merged = mergeCsv(dir, job.nTasks, RESULTS_FILE, ["patch"]);
  writeFileSync(join(dir, "merged.csv"), [merged.header, ...merged.rows].join("\n") + "\n");
  return { report, rows: merged.rows.length };
}

export function register(program: Command): void {
  const batch = program.command("batch").description("hypotests over every patch of a patchset: local pool or SLURM array, with accounted merges");

  jobOptions(batch.command("run <workspace>").description("run the job (or one task of it) locally on worker threads"))
    .option("--task <i>", "run only this task (0-based), e.g. $SLURM_ARRAY_TASK_ID")
    .option("--workers <n>", "worker threads (default: all cores)")
    .option("--json", "print the merge report as JSON")
    .action(async (ws: string, o: JobCli & { task?: string; workers?: string; json?: boolean }) => {
      const job = jobFromCli(ws, o);
      writeJob(o.output, job);
      const workers = int("--workers", o.workers, defaultWorkers(), 1);
      const tasks = o.task !== undefined ? [int("--task", o.task, 0)] : Array.from({ length: job.nTasks }, (_, t) => t);
      for (const t of tasks) if (t >= job.nTasks) throw new InputError("", "--task", `${t} is not below --n-tasks ${job.nTasks}`);
      const total = tasks.reduce((s, t) => { const [a, b] = taskSlice(job.units.length, job.nTasks, t); return s + b - a; }, 0);
      const bar = new Progress(total, "patches");
      for (const t of tasks) await runTask(o.output, job, t, workers, () => bar.tick());
      bar.finish();
      if (o.task === undefined) {
        const { report } = mergeJob(o.output);
        if (o.json) printJson(report);
        else process.stdout.write(`${describeReport(report)}\nmerged table: ${join(o.output, "merged.csv")}\n`);
      }
    });

  jobOptions(batch.command("slurm-gen <workspace>").description("write a SLURM array script (one array task per job task) and a submit helper"))
    .option("--partition <p>", "SLURM partition")
    .option("--account <a>", "SLURM account")
    .option("--qos <q>", "SLURM QOS")
    .option("--time <t>", "wall time per task", "04:00:00")
    .option("--mem <m>", "memory per task", "4G")
    .option("--cpus <n>", "CPUs per task (worker threads)", "1")
    .option("--job-name <name>", "job name", "searchlight-batch")
    .option("--max-concurrent <n>", "at most this many array tasks at once")
    .action((ws: string, o: JobCli & { partition?: string; account?: string; qos?: string; time: string; mem: string; cpus: string; jobName: string; maxConcurrent?: string }) => {
      const job = jobFromCli(ws, o);
      const out = resolve(o.output);
      writeJob(out, job);
      const cpus = int("--cpus", o.cpus, 1, 1);
      const command = [process.execPath, BIN, "batch", "run", job.workspace, "--patchset", job.patchset, "--output", out, "--poi", String(job.poi),
        "--cl", String(job.cl), "--n-tasks", "{n_tasks}", "--task", "{task}", "--workers", String(cpus), ...(job.upperLimit ? ["--upper-limit"] : [])]
        .map((a) => (a === "{task}" || a === "{n_tasks}" ? a : shellQuote(a))).join(" ");
      const logDir = join(out, "logs");
      mkdirSync(logDir, { recursive: true });
      const script = sbatchArrayScript({ jobName: o.jobName, nTasks: job.nTasks, command, logDir, partition: o.partition, account: o.account, qos: o.qos, time: o.time, mem: o.mem, cpus, maxConcurrent: o.maxConcurrent ? int("--max-concurrent", o.maxConcurrent, 1, 1) : undefined, workdir: process.cwd() });
      writeFileSync(join(out, "batch.sbatch"), script);
      writeFileSync(join(out, "submit.sh"), submitScript("batch.sbatch", "logs"));
      chmodSync(join(out, "submit.sh"), 0o755);
      process.stdout.write(`wrote ${join(out, "batch.sbatch")} (${job.nTasks} array tasks, ${job.units.length} patches) and ${join(out, "submit.sh")}\n`);
    });

  batch.command("merge <dir>").description("merge task outputs; exit 1 if any patch failed or is missing (unless --allow-partial)")
    .option("--allow-partial", "exit 0 even with failed or missing patches")
    .option("--json", "print the report as JSON")
    .action((dir: string, o: { allowPartial?: boolean; json?: boolean }) => {
      const { report } = mergeJob(dir);
      if (o.json) printJson(report);
      else process.stdout.write(`${describeReport(report)}\nmerged table: ${join(dir, "merged.csv")}\n`);
      const incomplete = report.failed.length + report.missing.length + report.inconsistent.length > 0;
      if (incomplete && !o.allowPartial) {
        process.stderr.write(`searchlight: ${dir}: INCOMPLETE MERGE: ${report.missing.length} missing, ${report.failed.length} failed; re-run tasks ${report.tasksToRerun.join(" ")} (searchlight batch re-run ${dir})\n`);
        process.exitCode = 1;
      }
    });

  batch.command("re-run <dir>").description("re-run only the tasks with failed or missing patches (locally, or via sbatch with --slurm)")
    .option("--slurm", "submit the tasks as a SLURM array instead of running them here")
    .option("--workers <n>", "worker threads (local)")
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
      const workers = int("--workers", o.workers, defaultWorkers(), 1);
      for (const t of ids) await runTask(dir, job, t, workers);
      const after = mergeJob(dir).report;
      process.stdout.write(`re-ran tasks ${ids.join(" ")}\n${describeReport(after)}\n`);
    });
}
