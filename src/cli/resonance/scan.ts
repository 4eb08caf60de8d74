// `searchlight resonance scan --config C.yaml`: every dataset's mass scan, failures with their
// reasons, warnings (hyperparameters on a bound, GP absorbing a structure), the global
// significance (Šidák with N_eff from the resolution; with --toys, toy-based and Gross–Vitells),
// tables, summary and figures in the output folder.
import type { Command } from "commander";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { poolTaskExecutor } from "../../batch/pool.ts";
import { InputError } from "../../io/errors.ts";
import { claimOutputDir, packageVersion, RunRecord } from "../../io/output.ts";
import { isHpsPreset, loadResonanceConfig, type ResonanceConfig } from "../../resonance/config.ts";
import { hpsPresetScan } from "./hps-preset.ts";
import { runResonance, writeResonanceOutputs, type DatasetResult } from "../../resonance/run.ts";
import { fmtNum, printJson, table } from "../shared/format.ts";
import { int, withJson, withOutputDir, withOverwrite, withWorkers, workers } from "../shared/options.ts";

export interface ScanCli { config: string; outputDir?: string; workers?: string; toys?: string; toyProcedure?: string; json?: boolean; overwrite?: boolean; resume?: boolean; figures?: boolean; bands?: boolean }

export function register(parent: Command): void {
  for (const verb of ["scan", "bands"] as const) registerVerb(parent, verb);
}

function registerVerb(parent: Command, verb: "scan" | "bands"): void {
  const cmd = parent.command(verb).description(verb === "scan" ? "mass scan of every dataset of --config: results.csv, summary.json and figures per dataset" : "the scan with the asymptotic ±1σ/±2σ bands of the expected limit at every mass (columns A_up_exp_*, figure limits_band)")
    .requiredOption("--config <yaml>", "resonance configuration (datasets, signal, resolution, background, scan); a file in hps-gpr keys (or with preset: hps) runs the HPS analysis through `bump scan`")
    .option("--toys <n>", "background-only toys for the global significance (default: config global.toys)")
    .option("--toy-procedure <auto|full|fast>", "how each toy is rescanned (summary.json toys.calibration and calibration_note): auto (default) = parametric backgrounds refitted per toy by fast Newton fits, the same q0 as the full procedure (\"parametric-refit\"); a GP with its hyperparameters and trend degree frozen at the observed per-mass fits, latent background and signal refitted per toy (\"gp-frozen-hyperparameters\"), when the observed GP amplitude is at its floor at every mass, else the full rescan; full = the whole scan refitted per toy (\"full-rescan\", 20-100x slower); fast = the fast procedure even for a GP with an active amplitude (its toys' maximum Z can then be too low)", "auto")
    .option("--no-figures", "write the tables only");
  withJson(withOverwrite(withWorkers(withOutputDir(cmd, "output folder (default: config output_dir)")), false), "print the summary as JSON")
    .action((o: ScanCli) => scanCommand({ ...o, bands: verb === "bands" ? true : undefined }));
}

/** One summary line per dataset. */
export function summaryLines(cfg: ResonanceConfig, results: DatasetResult[]): string[] {
  const lines: string[] = [];
  for (const r of results) {
    const s = r.summary;
    let line = `${s.label}: ${s.masses} masses on ${s.bins} bins, ${s.failed} failed, ${s.with_warnings} with warnings; background ${s.background}`;
    if (Number.isFinite(s.max_local_Z)) line += `; largest local Z = ${fmtNum(s.max_local_Z)} at ${fmtNum(s.mass_at_max)} ${cfg.unit} (global: Šidák Z = ${fmtNum(s.Z_global_sidak)}, N_eff = ${fmtNum(s.n_eff)}`
      + (s.toys ? `; ${s.toys.n} toys (${s.toys.calibration}): Z = ${fmtNum(s.toys.Z_global_toys)}, Gross–Vitells Z = ${fmtNum(s.toys.Z_global_gv)}` : "") + ")";
    lines.push(line);
    // The headline's own caveats: a warned mass's Z is not to be read alone.
    if (s.warnings_at_max) lines.push(`  the largest local Z comes with warnings at that mass: ${s.warnings_at_max}`);
    for (const n of s.notes ?? []) lines.push(`  note: ${n}`);
  }
  return lines;
}

export async function scanCommand(o: ScanCli): Promise<void> {
  // The HPS preset (hps-gpr keys, or `preset: hps`): the bump pipeline, unchanged (hps-preset.ts).
  if (isHpsPreset(o.config)) return hpsPresetScan(o, o.bands ? "bands" : "scan");
  const cfg = loadResonanceConfig(o.config);
  const outDir = o.outputDir ? resolve(o.outputDir) : cfg.outputDir;
  claimOutputDir(outDir, { command: "resonance scan", overwrite: o.overwrite, strict: existsSync(join(outDir, "summary.json")), option: o.outputDir ? "--output-dir" : "output_dir" });
  const nw = workers(o.workers, cfg.workers ?? undefined);
  const toys = int("--toys", o.toys, 0) ?? cfg.global.toys;
  const toyProcedure = o.toyProcedure ?? "auto";
  if (toyProcedure !== "auto" && toyProcedure !== "full" && toyProcedure !== "fast") throw new InputError("", "--toy-procedure", `"${toyProcedure}" is not auto, full or fast`);
  let done = 0;
  const run = RunRecord.start(outDir, { command: "resonance scan", version: packageVersion(), seed: cfg.global.seed, progress: () => `${done} masses`, extra: { datasets: cfg.datasets.map((d) => d.name) } });
  const t0 = Date.now();
  const results = await run.around(async () => {
    const r = await runResonance(cfg, { executor: poolTaskExecutor(nw), toys, toyProcedure, bands: o.bands, onPoint: () => { done++; }, onNote: o.json ? undefined : (d, n) => process.stderr.write(`${d}: note: ${n}\n`) });
    await writeResonanceOutputs(cfg, r, { outputDir: outDir, figures: o.figures !== false });
    return r;
  }, (r) => ({ failed: r.reduce((a, x) => a + x.summary.failed, 0) }));
  if (o.json) return printJson({ experiment: cfg.experiment, unit: cfg.unit, datasets: results.map((r) => r.summary), output_dir: outDir, seconds: (Date.now() - t0) / 1000 });
  process.stdout.write(summaryLines(cfg, results).join("\n") + "\n");
  const warned = results.flatMap((r) => r.rows.filter((x) => x.warnings).map((x) => [r.name, fmtNum(x.mass), x.warnings]));
  if (warned.length) process.stdout.write(`warnings (${warned.length} masses; first 5):\n${table([["dataset", `mass [${cfg.unit}]`, "warning"], ...warned.slice(0, 5)])}\n`);
  const failed = results.flatMap((r) => r.rows.filter((x) => x.status === "failed").map((x) => [r.name, fmtNum(x.mass), x.error]));
  if (failed.length) process.stdout.write(`failed (${failed.length} masses; first 5):\n${table([["dataset", `mass [${cfg.unit}]`, "reason"], ...failed.slice(0, 5)])}\n`);
  process.stdout.write(`wrote ${outDir}/ (summary.json, <dataset>/results.csv${o.figures !== false ? ", figures" : ""}) in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
}
