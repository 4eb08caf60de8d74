// `searchlight bump slurm-combine OUT [--prefix combined] [--allow-partial]` (merge the task outputs
// of a slurm-gen job with full accounting → OUT/results_single.csv, as `bump scan` writes it,
// OUT/<prefix>_single.csv, bands if any) and `bump re-run OUT [-m MeV …] [--failed]
// [--submit | --print]` (re-run the tasks owning some masses, or every incomplete task).
import type { Command } from "commander";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { InputError } from "../../io/errors.ts";
import { describeReport } from "../../batch/merge.ts";
import { shellQuote } from "../../batch/slurm.ts";
import { BUMP_JOB_FILE, mergeBumpJob, mergedFiles, readBumpJob, runBumpTask, tasksForMasses, type BumpMerge } from "../../batch/bump-batch.ts";
import { linePlot } from "../../plot/charts.ts";
import { writeFigure } from "../../plot/render.ts";
import { fmtNum, printJson } from "../shared/format.ts";
import { num, repeatableList, withJson, withOutputDir, withWorkers, workers } from "../shared/options.ts";
import { SCRIPT } from "./slurm-files.ts";

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

const JOB_DIR = "the job folder (alternative to the argument)";

export function register(bump: Command): void {
  withJson(withOutputDir(bump.command("slurm-combine [dir]").description("merge the task outputs of a slurm-gen job with full accounting; exit 1 if masses are missing or failed (unless --allow-partial)"), JOB_DIR)
    .option("--prefix <p>", "prefix of the merged files (<prefix>_single.csv, <prefix>_ul_bands_<d>.csv)", "combined")
    .option("--allow-partial", "exit 0 even with missing or failed masses (still reported)")
    .option("--no-plots", "skip summary_plots/"), "print the report as JSON")
    .action(async (pos: string | undefined, o: { outputDir?: string; prefix: string; allowPartial?: boolean; plots: boolean; json?: boolean }) => {
      await combine(dirArg(pos, o.outputDir, "slurm-combine"), o);
    });

  withWorkers(withOutputDir(bump.command("re-run [dir]").description("re-run the tasks owning some masses (-m) or every task with failed/missing masses: here, or via sbatch (--submit / --print)"), JOB_DIR)
    .option("-m, --masses <MeV>", "mass in MeV whose task to re-run (repeatable, or comma-separated)", repeatableList)
    .option("--failed", "the tasks with failed, missing or inconsistent masses (default when no -m)")
    .option("--submit", "submit just those array indices with sbatch instead of running here")
    .option("--print", "print the sbatch command for just those array indices, run nothing"), "worker threads for a local re-run (default 1)")
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
      const nWorkers = workers(o.workers, 1);
      for (const t of tasks) {
        const m = await runBumpTask(dir, bj, t, nWorkers);
        process.stdout.write(`re-ran task ${t}: ${m.units.length} masses, ${m.units.filter((u) => u.status === "failed").length} failed\n`);
      }
      process.stdout.write(`re-ran tasks ${tasks.join(" ")}\n`);
      await combine(dir, o);
    });
}
