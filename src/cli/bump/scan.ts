// `searchlight bump scan`: the mass scan of one dataset (--dataset) or of every enabled dataset
// of --config, with their combination: results_single.csv, results_combined.csv, per-mass
// folders, summary plots.
import type { Command } from "commander";
import { Progress } from "../../batch/progress.ts";
import { poolTaskExecutor } from "../../batch/pool.ts";
import { checkpointExecutor } from "../../batch/checkpoint.ts";
import { runScanPlan } from "../../bumphunt/scan-plan.ts";
import type { CombinedRow } from "../../bumphunt/scan-plan.ts";
import type { ScanRow } from "../../bumphunt/scan.ts";
import { validatePlan } from "../../bumphunt/validation.ts";
import { fmtNum, printJson, table } from "../shared/format.ts";
import { withOutputDir, withOverwrite, withWorkers, workersGiven } from "../shared/options.ts";
import { claimOutputDir, packageVersion, RunRecord } from "../../io/output.ts";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { lsBoundWarning, massRangeOf, scanPlan, withBumpInput, withMassRange, type BumpCli } from "./common.ts";

export type ScanCli = BumpCli & { massMin?: string; massMax?: string; step?: string; outputDir?: string; perMassPlots?: boolean; workers?: string; overwrite?: boolean; resume?: boolean };

export function register(bump: Command): void {
  const cmd = withMassRange(withBumpInput(bump.command("scan").description("mass scan of one dataset (--dataset) or of every enabled dataset of --config, with their combination; results_single.csv, results_combined.csv, per-mass folders, summary plots")),
    { help: "grid step (default 0.001; config: mass_step_gev)" });
  withOverwrite(withWorkers(withOutputDir(cmd, "output folder (default out/bump; config: output_dir)"), "worker threads (default: all cores; config: scan_n_workers if scan_parallel, else 1)"))
    .option("--per-mass-plots", "write fit_full/blind_fit/s_over_b_ul figures into every per-mass folder mXXXMeV/<d>/")
    .action((o: ScanCli) => scanCommand(o));
}

/** The largest local significance of some rows, as one line's tail. */
function largestZ(rows: (ScanRow | CombinedRow)[]): string {
  const ok = rows.filter((r) => r.visibility === "observed");
  const best = ok.reduce<(typeof ok)[number] | undefined>((a, r) => (r.Z_analytic > (a?.Z_analytic ?? -1) ? r : a), undefined);
  return best ? `; largest local Z = ${fmtNum(best.Z_analytic)} at ${fmtNum(1000 * best.mass_GeV)} MeV (global Z = ${fmtNum(best.Z_global)}, N_eff = ${fmtNum(best.n_eff)})` : "";
}

/** `bump scan`: validate, scan with a progress bar, summarise (also run by `bump example`). */
export async function scanCommand(o: ScanCli): Promise<void> {
  const p = scanPlan(o, { ...massRangeOf(o), outputDir: o.outputDir, workers: workersGiven(o.workers), perMassPlots: o.perMassPlots });
  // run.json (io/output.ts): a folder holding an earlier scan is refused unless --overwrite, which
  // clears it (no stale mXXX folders beside a new table); an interrupted run says so.
  const claim = claimOutputDir(p.outputDir, { command: "bump scan", overwrite: o.overwrite, resume: o.resume, strict: existsSync(join(p.outputDir, "results_single.csv")), option: o.config && !o.outputDir ? "output_dir" : "--output-dir" });
  const total = p.jobs.reduce((a, j) => a + j.masses.length, 0);
  let done = 0;
  const run = RunRecord.start(p.outputDir, { command: "bump scan", version: packageVersion(), progress: () => `${done}/${total} masses`, extra: { masses: total, datasets: p.jobs.map((j) => j.dataset), ...(claim === "resumed" ? { resumed: true } : {}) } });
  // Every finished mass point is kept under .checkpoints/ until the run completes: --resume redoes only the rest.
  const executor = checkpointExecutor(poolTaskExecutor(p.workers), p.outputDir);
  const name = p.jobs.map((j) => j.dataset).join("+");
  const out = await run.around(async () => {
    await validatePlan(p, p.names, { failFast: p.failFast });
    const bar = new Progress(total, `scan ${name}`);
    const r = await runScanPlan(p, { executor, onProgress: () => { done++; bar.tick(); } });
    bar.finish();
    executor.clear();
    return r;
  }, (r) => ({ done: `${done}/${total} masses`, failed: [...r.single.values()].flat().filter((x) => x.visibility === "error").length }));
  const rows = [...out.single.values()].flat();
  const failed = rows.filter((r) => r.visibility === "error");
  const cfailed = out.combined.filter((r) => r.visibility === "error");
  if (o.json) return printJson({ rows, combined: out.combined, seconds: out.seconds, failed: failed.length, failed_combined: cfailed.length, output_dir: p.outputDir });
  const lines: string[] = [];
  for (const [d, rs] of out.single) lines.push(`${d}: ${rs.length} masses, ${rs.filter((r) => r.visibility === "error").length} failed${largestZ(rs)}`);
  // On stderr, so the stdout summary keeps its shape.
  for (const [d, rs] of out.single) process.stderr.write(lsBoundWarning(rs, d));
  if (out.combined.length) lines.push(`combined: ${out.combined.length} masses, ${cfailed.length} failed${largestZ(out.combined)}`);
  process.stdout.write(`${name}: ${total} mass points in ${out.seconds.toFixed(1)} s (${p.workers} worker${p.workers > 1 ? "s" : ""})\n${lines.join("\n")}\n`);
  const shown = [...failed.map((r) => [r.dataset, String(r.mass_GeV), r.error]), ...cfailed.map((r) => ["combined", String(r.mass_GeV), r.error])].slice(0, p.maxErrorsShown);
  if (shown.length) process.stdout.write(table([["dataset", "mass [GeV]", "error"], ...shown]) + "\n");
  process.stdout.write(`wrote ${p.outputDir}/ (results_single.csv${out.combined.length ? ", results_combined.csv, combined.csv" : ""}, validation_report.json${p.savePlots ? ", summary_plots/" : ""})\n`);
}
