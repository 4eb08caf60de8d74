// `searchlight bump slurm-gen|run-task|slurm-combine|re-run` and the study generators
// (`slurm-gen-inject|-toy-scan|-gp-toy-scan|-extract-display`), hps_gpr §14:
//   bump slurm-gen --dataset 2015 -n 8 --output-dir OUT [--partition … --time … --memory …]
//       → OUT/bump_job.json, OUT/submit.slurm (sbatch array, task k runs `bump run-task`),
//         OUT/submit_all.sh (submit all, or only some task ids)
//   bump run-task --task-dir OUT --task-id $SLURM_ARRAY_TASK_ID   → OUT/task_NNNN/ (atomic)
//   bump slurm-combine OUT [--prefix combined] [--allow-partial]
//       → OUT/results_single.csv (= `bump scan`'s), OUT/<prefix>_single.csv, bands if any
//   bump re-run OUT [-m MeV …] [--failed] [--submit | --print]
import type { Command } from "commander";
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { InputError } from "../io/errors.ts";
import { intOr as int } from "./options.ts";
import { Progress } from "../batch/progress.ts";
import { describeReport } from "../batch/merge.ts";
import { sbatchArrayScript, shellQuote, submitScript } from "../batch/slurm.ts";
import { taskSlice } from "../batch/split.ts";
import {
  BUMP_JOB_FILE, bumpJobDigest, defineBumpJob, defineCombinedBumpJob, mergeBumpJob, mergedFiles, readBumpJob, runBumpTask, tasksForMasses, writeBumpJob, type BumpMerge,
} from "../batch/bump-batch.ts";
import { HPS_DATASETS } from "../bumphunt/spectrum.ts";
import { linePlot } from "../plot/charts.ts";
import { writeFigure } from "../plot/render.ts";
import { fmtNum, printJson } from "./format.ts";
import { common, job, num, scanPlan, type BumpCli } from "./bump.ts";

const BIN = fileURLToPath(new URL("../../bin/searchlight.mjs", import.meta.url));
export const SCRIPT = "submit.slurm";
export const SUBMIT = "submit_all.sh";


interface SlurmCli {
  partition?: string; account?: string; qos?: string; time: string; memory: string; cpusPerTask: string; jobName: string;
  maxConcurrent?: string; extra?: string[]; script: string;
}

/** hps_gpr's SLURM options (slurm-gen and the study generators). */
function slurmOptions(cmd: Command, jobName: string, script: string): Command {
  return cmd
    .option("--partition <p>", "SLURM partition (default: the cluster's default partition)")
    .option("--account <a>", "SLURM account")
    .option("--qos <q>", "SLURM QOS")
    .option("--time <t>", "wall time per array task", "4:00:00")
    .option("--memory <m>", "memory per array task", "4G")
    .option("--cpus-per-task <n>", "CPUs per array task (= worker threads of the task)", "1")
    .option("--job-name <name>", "SLURM job name", jobName)
    .option("--max-concurrent <n>", "at most this many array tasks at once (--array=0-N%max)")
    .option("--extra <line>", "extra #SBATCH line, e.g. \"--constraint=roma\" (repeatable)", (v: string, acc: string[] = []) => [...acc, v])
    .option("--script <name>", "name of the sbatch script inside the output folder", script);
}

function slurmScriptOptions(o: SlurmCli, nTasks: number, command: string, logDir: string) {
  return {
    jobName: o.jobName, nTasks, command, logDir, partition: o.partition, account: o.account, qos: o.qos, time: o.time, mem: o.memory,
    cpus: int("--cpus-per-task", o.cpusPerTask, 1, 1), maxConcurrent: o.maxConcurrent ? int("--max-concurrent", o.maxConcurrent, 1, 1) : undefined,
    extra: o.extra, workdir: process.cwd(),
  };
}

function writeScripts(out: string, o: SlurmCli, script: string, submitName: string): void {
  writeFileSync(join(out, o.script), script);
  writeFileSync(join(out, submitName), submitScript(o.script, "logs"));
  chmodSync(join(out, submitName), 0o755);
}

const cmdLine = (args: string[]) => args.map((a) => (/^\{\w+\}$/.test(a) ? a : shellQuote(a))).join(" ");

/** Write the merged files (and summary plots); returns the names written. */
async function writeMerged(dir: string, m: BumpMerge, prefix: string, plots: boolean): Promise<string[]> {
  const files = mergedFiles(m, prefix);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const names = Object.keys(files);
  for (const d of plots ? [...new Set(m.rows.map((r) => r.dataset))] : []) {
    const ok = m.rows.filter((r) => r.ok && r.dataset === d);
    const mev = (r: { mass_GeV: number }) => 1000 * r.mass_GeV;
    const sp = join(dir, "summary_plots");
    await writeFigure(linePlot({ series: [{ name: `HPS ${d} observed 95% CL`, x: ok.map(mev), y: ok.map((r) => r.eps2_up) }], x: { title: "m(A') [MeV]" }, y: { title: "ε² upper limit (95% CL)", log: true } }), join(sp, `eps2_ul_${d}`));
    await writeFigure(linePlot({ series: [{ name: "A_up (95% CL)", x: ok.map(mev), y: ok.map((r) => r.A_up) }, { name: "Â", x: ok.map(mev), y: ok.map((r) => r.A_hat), dashed: true }], x: { title: "m(A') [MeV]" }, y: { title: "signal yield A [events]" } }), join(sp, `A_${d}`));
    await writeFigure(linePlot({ series: [{ name: "local", x: ok.map(mev), y: ok.map((r) => r.p0_analytic) }, { name: `global (Šidák, N_eff = ${ok[0]?.n_eff.toFixed(1)})`, x: ok.map(mev), y: ok.map((r) => r.p0_global), dashed: true }], x: { title: "m(A') [MeV]" }, y: { title: "p0", log: true } }), join(sp, `p0_${d}`));
    if (!names.includes("summary_plots/")) names.push("summary_plots/");
  }
  return names;
}

/** Merge, write, report; sets exit status 1 when anything is failed/missing (unless allowPartial). */
async function combine(dir: string, o: { prefix: string; allowPartial?: boolean; plots: boolean; json?: boolean }): Promise<BumpMerge> {
  const m = mergeBumpJob(dir);
  const names = await writeMerged(dir, m, o.prefix, o.plots);
  const r = m.report;
  const incomplete = r.failed.length + r.missing.length + r.inconsistent.length > 0;
  if (o.json) printJson({ ...r, duplicates: m.duplicates, rows: m.rows.length, files: names });
  else {
    const best = m.rows.filter((x) => x.ok).reduce<(typeof m.rows)[number] | undefined>((a, x) => (x.Z_analytic > (a?.Z_analytic ?? -Infinity) ? x : a), undefined);
    process.stdout.write(`${describeReport(r)}\n` + (m.duplicates ? `dropped ${m.duplicates} duplicate rows\n` : "") +
      (best ? `largest local significance: Z = ${fmtNum(best.Z_analytic)} at ${fmtNum(best.mass_GeV * 1000)} MeV (global Z = ${fmtNum(best.Z_global)}, N_eff = ${fmtNum(best.n_eff)})\n` : "") +
      `wrote ${names.map((n) => join(dir, n)).join(", ")}\n`);
  }
  if (incomplete) {
    const what = `${r.missing.length} missing, ${r.failed.length} failed` + (r.inconsistent.length ? `, ${r.inconsistent.length} inconsistent tasks` : "");
    if (o.allowPartial) process.stderr.write(`searchlight: ${dir}: PARTIAL MERGE (--allow-partial): ${what} of ${r.expected} masses; the merged tables lack them. Re-run tasks ${r.tasksToRerun.join(" ")}\n`);
    else {
      process.stderr.write(`searchlight: ${dir}: INCOMPLETE MERGE: ${what} of ${r.expected} masses; re-run tasks ${r.tasksToRerun.join(" ")} (searchlight bump re-run ${dir} [--submit]) or pass --allow-partial\n`);
      process.exitCode = 1;
    }
  }
  return m;
}

const dirArg = (pos: string | undefined, opt: string | undefined, verb: string): string => {
  const d = pos ?? opt;
  if (!d) throw new InputError("", "<dir>", `give the job folder: searchlight bump ${verb} DIR (the --output-dir of slurm-gen)`);
  return resolve(d);
};

export function registerSlurm(bump: Command): void {
  slurmOptions(common(bump.command("slurm-gen").description("split the mass scan into SLURM array tasks: writes bump_job.json, an sbatch array script and submit_all.sh")), "searchlight-bump", SCRIPT)
    .option("--mass-min <GeV>", "lowest mass")
    .option("--mass-max <GeV>", "highest mass")
    .option("--step <GeV>", "grid step", "0.001")
    .option("-n, --n-tasks <n>", "number of array tasks (contiguous mass slices; hps_gpr --n-jobs)")
    .option("--n-jobs <n>", "alias of --n-tasks")
    .option("--output-dir <dir>", "job folder: task_NNNN/ outputs, logs/, scripts", "out/bump-slurm")
    .option("--bands-toys <n>", "also compute expected-limit bands with this many toys per mass (as `bump bands`)")
    .option("--seed <s>", "bands random seed", "12345")
    .option("--force", "replace a different job already defined in --output-dir")
    .action((o: BumpCli & SlurmCli & { massMin?: string; massMax?: string; step: string; nTasks?: string; nJobs?: string; outputDir: string; bandsToys?: string; seed: string; force?: boolean }) => {
      const nRaw = o.nTasks ?? o.nJobs;
      if (nRaw === undefined) throw new InputError("", "--n-tasks", "required: the number of SLURM array tasks (e.g. -n 8; one mass per task: the number of grid masses)");
      const range = { massMin: num("--mass-min", o.massMin), massMax: num("--mass-max", o.massMax), step: num("--step", o.step) };
      // A config with several enabled datasets (and no --dataset): all of them and, with
      // do_combined, their combination in one job, as `hps-gpr scan --config` per array task.
      const plan = o.config && o.datasetFromDefault !== false ? scanPlan(o, range) : null;
      const multi = plan && plan.jobs.length >= 2 ? plan : null;
      if (plan && !multi && o.datasetFromDefault !== false) o.datasetFromDefault = false;
      if (multi && !multi.doCombined) throw new InputError(o.config!, "do_combined", "several datasets are enabled but do_combined is false: name one with --dataset, or set do_combined: true to batch them with their combination");
      if (multi && o.bandsToys !== undefined) throw new InputError("", "--bands-toys", "bands are batched per dataset: run slurm-gen with --dataset for them");
      const scan = multi ? multi.jobs[0] : job(o, range);
      const bands = o.bandsToys !== undefined ? { nToys: int("--bands-toys", o.bandsToys, 0, 1), seed: num("--seed", o.seed)! } : null;
      const bj = multi
        ? defineCombinedBumpJob(multi.jobs, multi.grid, int("--n-tasks", nRaw, 1, 1), { alpha: multi.alpha, blindNSigma: multi.blindNSigma })
        : defineBumpJob(scan, int("--n-tasks", nRaw, 1, 1), { bands });
      const out = resolve(o.outputDir);
      if (existsSync(join(out, BUMP_JOB_FILE)) && !o.force) {
        const old = readBumpJob(out);
        if (bumpJobDigest(old) !== bumpJobDigest(bj) || old.nTasks !== bj.nTasks)
          throw new InputError(join(out, BUMP_JOB_FILE), "--output-dir", "already holds a different job (other options or task count); use another --output-dir or --force (old task folders are then reported as inconsistent)");
      }
      writeBumpJob(out, bj);
      const cpus = int("--cpus-per-task", o.cpusPerTask, 1, 1);
      const command = cmdLine([process.execPath, BIN, "bump", "run-task", "--task-dir", out, "--task-id", "{task}", "--workers", String(cpus)]);
      mkdirSync(join(out, "logs"), { recursive: true });
      writeScripts(out, o, sbatchArrayScript(slurmScriptOptions(o, bj.nTasks, command, join(out, "logs"))), SUBMIT);
      const sizes = Array.from({ length: bj.nTasks }, (_, t) => { const [a, b] = taskSlice(bj.units.length, bj.nTasks, t); return b - a; });
      const what = multi ? `${multi.jobs.map((j) => j.dataset).join("+")} (and their combination)` : scan.dataset;
      const grid = multi ? multi.grid : scan.masses;
      process.stdout.write(`${what}: ${bj.units.length} ${multi ? "(dataset, mass) points" : "masses"} (${fmtNum(grid[0] * 1000)}–${fmtNum(grid[grid.length - 1] * 1000)} MeV) in ${bj.nTasks} array tasks of ${Math.min(...sizes)}–${Math.max(...sizes)}${bands ? ` (+ bands, ${bands.nToys} toys)` : ""}\n` +
        `wrote ${join(out, o.script)}, ${join(out, SUBMIT)} and ${join(out, BUMP_JOB_FILE)}\n` +
        `submit: bash ${join(out, SUBMIT)}   then: searchlight bump slurm-combine ${out}\n`);
    });

  bump.command("run-task").description("evaluate one task (mass slice) of a slurm-gen job; writes DIR/task_NNNN/ atomically")
    .requiredOption("--task-dir <dir>", "the job folder (slurm-gen --output-dir)")
    .option("--task-id <i>", "task index (default: $SLURM_ARRAY_TASK_ID, else $TASK_ID)")
    .option("--workers <n>", "worker threads (default: $SLURM_CPUS_PER_TASK, else 1)")
    .option("--quiet", "no progress bar")
    .action(async (o: { taskDir: string; taskId?: string; workers?: string; quiet?: boolean }) => {
      const dir = resolve(o.taskDir);
      const bj = readBumpJob(dir);
      const idRaw = o.taskId ?? process.env.SLURM_ARRAY_TASK_ID ?? process.env.TASK_ID;
      if (idRaw === undefined) throw new InputError("", "--task-id", "required outside a SLURM array task (no $SLURM_ARRAY_TASK_ID)");
      const task = int("--task-id", idRaw, 0);
      const workers = int("--workers", o.workers ?? process.env.SLURM_CPUS_PER_TASK, 1, 1);
      const [a, b] = taskSlice(bj.units.length, bj.nTasks, Math.min(task, bj.nTasks - 1));
      const bar = o.quiet ? null : new Progress(b - a, `task ${task}`);
      const t0 = performance.now();
      const m = await runBumpTask(dir, bj, task, workers, () => bar?.tick());
      bar?.finish();
      const failed = m.units.filter((u) => u.status === "failed");
      process.stdout.write(`task ${task}/${bj.nTasks}: ${m.units.length} masses (${bj.units[a]} … ${bj.units[b - 1]}) in ${((performance.now() - t0) / 1000).toFixed(1)} s, ${failed.length} failed\n`);
      for (const f of failed) process.stdout.write(`  failed ${f.id}: ${f.error}\n`);
    });

  bump.command("slurm-combine [dir]").description("merge the task outputs of a slurm-gen job with full accounting; exit 1 if masses are missing or failed (unless --allow-partial)")
    .option("-o, --output-dir <dir>", "the job folder (alternative to the argument)")
    .option("--prefix <p>", "prefix of the merged files (<prefix>_single.csv, <prefix>_ul_bands_<d>.csv)", "combined")
    .option("--allow-partial", "exit 0 even with missing or failed masses (still reported)")
    .option("--no-plots", "skip summary_plots/")
    .option("--json", "print the report as JSON")
    .action(async (pos: string | undefined, o: { outputDir?: string; prefix: string; allowPartial?: boolean; plots: boolean; json?: boolean }) => {
      await combine(dirArg(pos, o.outputDir, "slurm-combine"), o);
    });

  bump.command("re-run [dir]").description("re-run the tasks owning some masses (-m) or every task with failed/missing masses: here, or via sbatch (--submit / --print)")
    .option("-o, --output-dir <dir>", "the job folder (alternative to the argument)")
    .option("-m, --masses <MeV>", "mass in MeV whose task to re-run (repeatable, or comma-separated)", (v: string, acc: string[] = []) => [...acc, ...v.split(",")])
    .option("--failed", "the tasks with failed, missing or inconsistent masses (default when no -m)")
    .option("--submit", "submit just those array indices with sbatch instead of running here")
    .option("--print", "print the sbatch command for just those array indices, run nothing")
    .option("--workers <n>", "worker threads for a local re-run (default 1)")
    .option("--prefix <p>", "prefix of the merged files", "combined")
    .option("--allow-partial", "exit 0 even if the merge after the re-run is still incomplete")
    .option("--no-plots", "skip summary_plots/ in the merge after the re-run")
    .action(async (pos: string | undefined, o: { outputDir?: string; masses?: string[]; failed?: boolean; submit?: boolean; print?: boolean; workers?: string; prefix: string; allowPartial?: boolean; plots: boolean }) => {
      const dir = dirArg(pos, o.outputDir, "re-run");
      const bj = readBumpJob(dir);
      const ids = new Set<number>();
      if (o.masses?.length) for (const t of tasksForMasses(bj, o.masses.map((s) => num("--masses", s.trim())!), join(dir, BUMP_JOB_FILE))) ids.add(t);
      if (o.failed || !o.masses?.length) for (const t of mergeBumpJob(dir).report.tasksToRerun) ids.add(t);
      const tasks = [...ids].sort((a, b) => a - b);
      if (tasks.length === 0) {
        process.stdout.write("nothing to re-run: every mass is done (name masses with -m to redo them anyway)\n");
        return;
      }
      const script = join(dir, SCRIPT);
      if (o.print || o.submit) {
        if (!existsSync(script)) throw new InputError(script, "--submit/--print", "no sbatch script in the job folder; regenerate it with `searchlight bump slurm-gen`");
        mkdirSync(join(dir, "logs"), { recursive: true });
        const args = ["--parsable", `--array=${tasks.join(",")}`, script];
        if (o.print) { process.stdout.write(`sbatch ${args.map(shellQuote).join(" ")}\n`); return; }
        const r = spawnSync("sbatch", args, { encoding: "utf8", cwd: dir });
        if (r.error || r.status !== 0) throw new InputError(script, "sbatch", `submission failed: ${(r.error?.message ?? (r.stderr || r.stdout)).trim().split("\n")[0]}`);
        process.stdout.write(`submitted tasks ${tasks.join(" ")} as job ${r.stdout.trim()}; when it is done: searchlight bump slurm-combine ${dir}\n`);
        return;
      }
      const workers = int("--workers", o.workers, 1, 1);
      for (const t of tasks) {
        const m = await runBumpTask(dir, bj, t, workers);
        process.stdout.write(`re-ran task ${t}: ${m.units.length} masses, ${m.units.filter((u) => u.status === "failed").length} failed\n`);
      }
      process.stdout.write(`re-ran tasks ${tasks.join(" ")}\n`);
      await combine(dir, o);
    });

  registerStudyGenerators(bump);
}

// ---- study generators (§14): one array task per unit of a study verb --------------------

interface StudyGen {
  name: string;
  /** `bump` sub-command the jobs run, and the options it must accept for the scripts to work. */
  verb: string;
  needs: string[];
  jobName: string;
  script: string;
  submit: string;
  describe: string;
  options(cmd: Command): Command;
  /** Per array task: a label (output sub-folder) and the verb's arguments. */
  units(o: Record<string, unknown>, out: string): { label: string; args: string[] }[];
}

const list = (flag: string, v: unknown): number[] =>
  String(v ?? "").split(",").map((s) => s.trim()).filter(Boolean).map((s) => num(flag, s.replace(/^s/, ""))!);
const repeatable = (v: string, acc: string[] = []) => [...acc, ...v.split(",")];
/** hps_gpr's mass/strength tag: "%.6f" without trailing zeros, '.'→'p', '-'→'m'. */
export const tag = (x: number) => x.toFixed(6).replace(/0+$/, "").replace(/\.$/, "").replace(".", "p").replace("-", "m");

function datasetsIn(o: Record<string, unknown>, allowCombined: boolean): string[] {
  const ds = String(o.datasets ?? o.dataset ?? "2015").split(",").map((s) => s.trim()).filter(Boolean);
  for (const d of ds) if (!HPS_DATASETS[d] && !(allowCombined && d === "combined")) throw new InputError("", "--datasets", `"${d}": expected ${Object.keys(HPS_DATASETS).join(", ")}${allowCombined ? " or combined" : ""}`);
  return ds;
}
function rangeOf(d: string, all: string[]): [number, number] {
  if (d !== "combined") return HPS_DATASETS[d].range;
  const rs = all.filter((x) => x !== "combined").map((x) => HPS_DATASETS[x].range);
  const src = rs.length ? rs : Object.values(HPS_DATASETS).map((x) => x.range);
  return [Math.max(...src.map((r) => r[0])), Math.min(...src.map((r) => r[1]))];
}
function toyIndices(o: Record<string, unknown>): number[] {
  const given = (o.toyIndex as string[] | undefined)?.map((s) => int("--toy-index", s.trim(), 0));
  if (given?.length) return given;
  const n = int("--n-toys", o.nToys as string | undefined, 0, 1);
  if (!n) throw new InputError("", "--toy-index/--n-toys", "give the toy indices (--toy-index 0,1,2) or their number (--n-toys N)");
  return Array.from({ length: n }, (_, i) => i);
}

const STUDY_GENS: StudyGen[] = [
  {
    name: "slurm-gen-inject", verb: "inject", needs: ["--dataset", "--masses", "--strengths", "--n-toys", "--output-dir"],
    jobName: "searchlight-inj", script: "submit_injection.slurm", submit: "submit_injection_all.sh",
    describe: "injection/extraction closure: one array task per (dataset|combined, mass, strength)",
    options: (c) => c.option("--datasets <list>", "datasets (comma-separated; \"combined\" allowed)", "2015")
      .requiredOption("--masses <GeV,…>", "masses in GeV").requiredOption("--strengths <list>", "strengths (as `bump inject --strengths`)")
      .option("--n-toys <n>", "toys per job", "10000"),
    units(o, out) {
      const ds = datasetsIn(o, true), ms = list("--masses", o.masses), ss = String(o.strengths).split(",").map((s) => s.trim()).filter(Boolean);
      const u: { label: string; args: string[] }[] = [];
      for (const d of ds) {
        const [lo, hi] = rangeOf(d, ds);
        for (const m of ms) if (m >= lo - 1e-12 && m <= hi + 1e-12) for (const s of ss) {
          const label = `injection_jobs/${d}/m_${tag(m)}/s_${s}`;
          u.push({ label, args: ["--dataset", d, "--masses", String(m), "--strengths", s, "--n-toys", String(o.nToys), "--output-dir", join(out, label)] });
        }
      }
      return u;
    },
  },
  {
    name: "slurm-gen-toy-scan", verb: "toy-scan", needs: ["--dataset", "--toy-root", "--toy-index", "--output-dir"],
    jobName: "searchlight-toys", script: "submit_toy_scan.slurm", submit: "submit_toy_scan_all.sh",
    describe: "functional-form toy scans: one array task per toy",
    options: (c) => c.option("--dataset <d>", "dataset", "2015").requiredOption("--toy-root <file>", "ROOT file with the toy histograms")
      .option("--toy-index <i>", "toy index (repeatable or comma-separated)", repeatable).option("--n-toys <n>", "toys 0…n-1 (if no --toy-index)"),
    units: (o, out) => toyIndices(o).map((i) => ({ label: `toy_${String(i).padStart(4, "0")}`, args: ["--dataset", String(o.dataset), "--toy-root", resolve(String(o.toyRoot)), "--toy-index", String(i), "--output-dir", out] })),
  },
  {
    name: "slurm-gen-gp-toy-scan", verb: "gp-toy-scan", needs: ["--dataset", "--toy-index", "--seed", "--output-dir"],
    jobName: "searchlight-gp-toys", script: "submit_gp_toy_scan.slurm", submit: "submit_gp_toy_scan_all.sh",
    describe: "GP-propagated toy scans: one array task per toy index",
    options: (c) => c.option("--dataset <d>", "dataset", "2015").option("--n-toys <n>", "toys 0…n-1 (if no --toy-index)", "1000")
      .option("--toy-index <i>", "toy index (repeatable or comma-separated)", repeatable).option("--seed <s>", "base seed", "12345"),
    units: (o, out) => toyIndices(o).map((i) => ({ label: `toy_${String(i).padStart(4, "0")}`, args: ["--dataset", String(o.dataset), "--toy-index", String(i), "--seed", String(o.seed), "--output-dir", out] })),
  },
  {
    name: "slurm-gen-extract-display", verb: "extract-display", needs: ["--dataset", "--masses", "--strengths", "--output-dir"],
    jobName: "searchlight-exdisp", script: "submit_extract_display.slurm", submit: "submit_extract_display_all.sh",
    describe: "extraction displays: one array task per (target, mass, strength)",
    options: (c) => c.option("--dataset <d>", "target: a dataset or \"combined\"", "2015").option("--datasets <list>", "datasets of the combined target")
      .requiredOption("--masses <GeV,…>", "masses in GeV").requiredOption("--strengths <list>", "injected strengths in σ_A units"),
    units(o, out) {
      const d = String(o.dataset);
      if (!HPS_DATASETS[d] && d !== "combined") throw new InputError("", "--dataset", `"${d}": expected ${Object.keys(HPS_DATASETS).join(", ")} or combined`);
      const [lo, hi] = rangeOf(d, o.datasets ? datasetsIn(o, false) : []);
      const u: { label: string; args: string[] }[] = [];
      for (const m of list("--masses", o.masses)) if (m >= lo - 1e-12 && m <= hi + 1e-12) for (const s of String(o.strengths).split(",").map((x) => x.trim()).filter(Boolean))
        u.push({ label: `extraction_display/${d}/m_${tag(m)}/s_${s}`, args: ["--dataset", d, ...(o.datasets ? ["--datasets", String(o.datasets)] : []), "--masses", String(m), "--strengths", s, "--output-dir", join(out, "extraction_display")] });
      return u;
    },
  },
];

/** Whether `bump <verb>` exists with the options the generated jobs would pass; else the reason. */
export function workflowMissing(bump: Command, verb: string, needs: string[]): string | null {
  const c = bump.commands.find((x) => x.name() === verb);
  if (!c) return `workflow "${verb}" is not implemented yet (there is no \`searchlight bump ${verb}\`)`;
  const have = new Set(c.options.map((x) => x.long));
  const lack = needs.filter((n) => !have.has(n));
  return lack.length ? `workflow "${verb}" is not implemented yet (\`searchlight bump ${verb}\` lacks ${lack.join(", ")})` : null;
}

function registerStudyGenerators(bump: Command): void {
  for (const g of STUDY_GENS) {
    const cmd = slurmOptions(g.options(bump.command(g.name).description(`SLURM array for ${g.describe} (runs \`bump ${g.verb}\`)`)), g.jobName, g.script)
      .option("--output-dir <dir>", "output folder (job outputs, logs/, scripts)", "out/bump-slurm")
      .option("--shared <dir>", "passed on to the jobs")
      .option("--config <yaml>", "hps-gpr YAML configuration, passed on to the jobs");
    cmd.action((o: SlurmCli & Record<string, unknown>) => {
      // Checked when run, not at registration: the study verbs register after this file.
      const missing = workflowMissing(bump, g.verb, g.needs);
      if (missing) {
        process.stderr.write(`searchlight: bump ${g.name}: ${missing}; no scripts written\n`);
        process.exitCode = 1;
        return;
      }
      const verb = bump.commands.find((x) => x.name() === g.verb)!;
      const has = (flag: string) => verb.options.some((x) => x.long === flag);
      // "combined" targets only if the verb says it takes them.
      const dsOpt = verb.options.find((x) => x.long === "--dataset");
      const wants = String(o.datasets ?? o.dataset ?? "").split(",").map((x) => x.trim());
      if (wants.includes("combined") && !/combined/.test(dsOpt?.description ?? "")) {
        process.stderr.write(`searchlight: bump ${g.name}: workflow "${g.verb}" for the combined target is not implemented yet (\`bump ${g.verb} --dataset\` does not take "combined"); no scripts written\n`);
        process.exitCode = 1;
        return;
      }
      if (o.config && !has("--config")) throw new InputError(String(o.config), "--config", `\`bump ${g.verb}\` does not take --config`);
      const out = resolve(String(o.outputDir));
      const units = g.units(o, out);
      if (units.length === 0) throw new InputError("", "--masses/--toy-index", "no job to write: every requested point is outside the dataset range");
      // Every option the jobs would pass must exist on the verb, or the scripts would fail.
      const lack = [...new Set(units.flatMap((u) => u.args.filter((x) => x.startsWith("--"))))].filter((f) => !has(f));
      if (lack.length) {
        process.stderr.write(`searchlight: bump ${g.name}: workflow "${g.verb}" with these options is not implemented yet (\`bump ${g.verb}\` lacks ${lack.join(", ")}); no scripts written\n`);
        process.exitCode = 1;
        return;
      }
      mkdirSync(join(out, "logs"), { recursive: true });
      const shared = [
        ...(o.shared ? ["--shared", resolve(String(o.shared))] : []),
        ...(o.config ? ["--config", resolve(String(o.config))] : []),
        ...(has("--workers") ? ["--workers", String(int("--cpus-per-task", o.cpusPerTask, 1, 1))] : []),
      ];
      const lines = units.map((u) => `  ${shellQuote(cmdLine([...u.args, ...shared]))}`);
      const command = [
        `UNITS=(\n${lines.join("\n")}\n)`,
        `eval "set -- \${UNITS[$TASK_ID]}"`,
        `${cmdLine([process.execPath, BIN, "bump", g.verb])} "$@"`,
        ...(g.verb === "inject" ? [
          // hps_gpr's flat copy: injection_flat/<base>__jobds_<d>__m_<tag>__s_<tag>.csv
          `LABELS=(\n${units.map((u) => `  ${shellQuote(u.label)}`).join("\n")}\n)`,
          `IFS=/ read -r _ D M S <<< "\${LABELS[$TASK_ID]}"`,
          `mkdir -p ${shellQuote(join(out, "injection_flat"))}`,
          `shopt -s nullglob globstar`,
          `for f in ${shellQuote(out)}/"\${LABELS[$TASK_ID]}"/**/inj_extract_*.csv; do b=$(basename "$f" .csv); cp "$f" ${shellQuote(join(out, "injection_flat"))}/"\${b}__jobds_\${D}__\${M}__\${S}.csv"; done`,
        ] : []),
      ].join("\n");
      writeScripts(out, o, sbatchArrayScript(slurmScriptOptions(o, units.length, command, join(out, "logs"))), g.submit);
      process.stdout.write(`${units.length} array tasks (${g.describe.split(": ")[1]}); wrote ${join(out, o.script)} and ${join(out, g.submit)}\n`);
    });
  }
}
