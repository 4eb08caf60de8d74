// `searchlight bump scan|test`: the HPS GP bump hunt on the real spectra of ../shared/hps
// (or any TH1 given with --file/--hist): per-mass GP background, profiled likelihood,
// asymptotic CLs limits on A and ε², local and global significance; CSV and figures.
import type { Command } from "commander";
import { mkdirSync, writeFileSync, existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { InputError } from "../io/errors.ts";
import { num } from "./options.ts";
import { Progress } from "../batch/progress.ts";
import { defaultWorkers, runPool } from "../batch/pool.ts";
import { bandsCsv, hpsScanJob, type BandRow, type ScanJob } from "../bumphunt/scan.ts";
import type { MassPointRow } from "../bumphunt/mass-point.ts";
import { loadConfig, planFromConfig, type HpsConfig } from "../bumphunt/config.ts";
import { runScanPlan, type ScanPlan } from "../bumphunt/scan-plan.ts";
import { CLI_FIELDS, CONFIG_FIELDS, validatePlan, type FieldNames } from "../bumphunt/validation.ts";
import { HPS_DATASETS } from "../bumphunt/spectrum.ts";
import { bandPlot } from "../plot/charts.ts";
import { writeFigure } from "../plot/render.ts";
import { fmtNum, printJson, table } from "./format.ts";
import { registerSlurm } from "./bump-slurm.ts";
import { int, registerStudies } from "./bump-studies.ts";
import { exampleSpectrum } from "../bumphunt/example-spectrum.ts";

const SHARED = fileURLToPath(new URL("../../../shared/", import.meta.url));

/**
 * Options shared by the bump verbs. With --config, the YAML file gives every setting and the
 * options given on the command line override it (so `restarts`/`blindNsigma` are undefined
 * unless given; without a config they default to 0 and 1.64).
 */
export interface BumpCli {
  dataset: string; config?: string; shared?: string; file?: string; hist?: string; rebin?: string; restarts?: string; blindNsigma?: string;
  workers?: string; json?: boolean;
  /** Set by common(): --dataset was not given (its value is the default "2015"). */
  datasetFromDefault?: boolean;
}

export { num };

const configCache = new Map<string, HpsConfig>();
function configOf(path: string): HpsConfig {
  let c = configCache.get(path);
  if (!c) configCache.set(path, (c = loadConfig(path)));
  return c;
}

/** The scan plan of the options: from --config (all enabled datasets), else the one --dataset job. */
export function scanPlan(o: BumpCli, extra: { massMin?: number; massMax?: number; step?: number; outputDir?: string; workers?: number; perMassPlots?: boolean }): ScanPlan & { workers: number; failFast: boolean; names: FieldNames } {
  if (o.config) {
    const cfg = configOf(o.config);
    const p = planFromConfig(cfg, {
      massMin: extra.massMin, massMax: extra.massMax, step: extra.step, outputDir: extra.outputDir, workers: extra.workers, perMassPlots: extra.perMassPlots,
      rebin: num("--rebin", o.rebin), restarts: num("--restarts", o.restarts), blindNSigma: num("--blind-nsigma", o.blindNsigma),
      datasets: o.datasetFromDefault === false && o.dataset ? [o.dataset] : undefined,
    });
    if (o.file || o.hist) {
      if (p.jobs.length !== 1) throw new InputError(cfg.file, "--file/--hist", `${p.jobs.length} datasets are enabled: choose one with --dataset`);
      if (o.file) p.jobs[0].file = resolve(o.file);
      if (o.hist) p.jobs[0].hist = o.hist;
    }
    if (p.jobs.every((j) => j.masses.length === 0)) throw new InputError(cfg.file, "--mass-min/--mass-max", `no grid mass of the enabled datasets (${p.jobs.map((j) => `${j.dataset}: ${j.model!.range.join("–")} GeV`).join(", ")}) in the requested range`);
    return { ...p, names: CONFIG_FIELDS(cfg.file) };
  }
  const j = job(o, extra);
  return {
    jobs: [j], grid: j.masses, doCombined: false, alpha: j.options.alpha ?? 0.05, blindNSigma: j.options.blindNSigma ?? 1.64, outputDir: resolve(extra.outputDir ?? "out/bump"),
    perMass: { folders: extra.perMassPlots === true, json: extra.perMassPlots === true, plots: extra.perMassPlots === true }, savePlots: true, makeEps2Bands: true, maxErrorsShown: 20,
    workers: extra.workers ?? defaultWorkers(), failFast: false, names: CLI_FIELDS,
  };
}

/**
 * The scan job of one dataset. With --config: the job of --dataset (which must be enabled) or,
 * without --dataset, of the first enabled dataset, with every config setting applied.
 */
export function job(o: BumpCli, extra: { massMin?: number; massMax?: number; step?: number }): ScanJob {
  if (o.config) {
    const p = scanPlan(o, extra);
    const j = p.jobs[0];
    if (!j.file) throw new InputError(p.names.file, p.names.path(j.dataset), `no ROOT file given for dataset ${j.dataset}`);
    if (!existsSync(j.file)) throw new InputError(p.names.file, p.names.path(j.dataset), `ROOT file not found: ${j.file}`);
    if (j.masses.length === 0) throw new InputError(p.names.file, "--mass-min/--mass-max", `no grid mass inside the ${j.dataset} scan range ${j.model!.range.join("–")} GeV`);
    return j;
  }
  if (!HPS_DATASETS[o.dataset]) throw new InputError("", "--dataset", `"${o.dataset}": expected one of ${Object.keys(HPS_DATASETS).join(", ")}`);
  const sharedDir = resolve(o.shared ?? SHARED);
  const j = hpsScanJob(o.dataset, sharedDir, { ...extra, rebin: num("--rebin", o.rebin), restarts: num("--restarts", o.restarts ?? "0"), blindNSigma: num("--blind-nsigma", o.blindNsigma ?? "1.64") });
  if (o.file) j.file = resolve(o.file);
  if (o.hist) j.hist = o.hist;
  if (!existsSync(j.file)) throw new InputError(j.file, "--file", "ROOT file not found (give --shared DIR or --file)");
  if (j.masses.length === 0) throw new InputError("", "--mass-min/--mass-max", `no grid mass inside the ${o.dataset} scan range ${HPS_DATASETS[o.dataset].range.join("–")} GeV`);
  return j;
}

export function common(cmd: Command): Command {
  return cmd
    .option("--config <yaml>", "hps-gpr YAML configuration (all enabled datasets; options given here override it)")
    .option("-d, --dataset <d>", "2015, 2016 or 2021 (with --config: one of the enabled datasets; inject also takes combined)", "2015")
    .option("--shared <dir>", "folder holding hps/funcform_<d>_toys.root (default ../shared)")
    .option("--file <root>", "ROOT file with the spectrum (overrides the dataset default)")
    .option("--hist <name>", "histogram name, directories allowed (default input_hist)")
    .option("--rebin <n>", "rebin factor (default: 10 for 2015/2016, 5 for 2021; config: neighborhood_rebin)")
    .option("--restarts <n>", "extra GP hyperparameter starts per mass (default 0; config: n_restarts)")
    .option("--blind-nsigma <k>", "blind window half-width in units of σ(m) (default 1.64; config: blind_nsigma)")
    .option("--json", "print the rows as JSON")
    .hook("preAction", (_c, action) => {
      action.setOptionValue("datasetFromDefault", action.getOptionValueSource("dataset") === "default");
    });
}

const workersOf = (o: { workers?: string }) => (o.workers ? Math.max(1, Math.floor(num("--workers", o.workers)!)) : undefined);

export function register(program: Command): void {
  const bump = program.command("bump").description("GP bump hunt (HPS): mass scan, limits on A and ε², local and global significance");
  registerSlurm(bump);
  registerStudies(bump);

  common(bump.command("test").description("smoke test at one mass (with --config: every enabled dataset active there, and the combination)"))
    .option("--mass <GeV>", "mass hypothesis in GeV, e.g. 0.05 (required without --config; with it, default: the middle of the common scan range)")
    .action(async (o: BumpCli & { mass?: string }) => {
      if (o.config) return smokeTest(o);
      if (o.mass === undefined) throw new InputError("", "--mass", "required (or give --config)");
      const m = num("--mass", o.mass)!;
      const j = job(o, { massMin: m, massMax: m });
      j.masses = [m];
      const rows = await runPool<number, MassPointRow>({ module: new URL("../bumphunt/scan.ts", import.meta.url).href, factory: "scanRunner", args: j }, [0], 1);
      const r = rows[0];
      if (o.json) return printJson(r);
      process.stdout.write(`${o.dataset} m = ${m} GeV (σ = ${fmtNum(r.sigma_mass_res_GeV)} GeV): ${r.ok ? "ok" : `FAILED: ${r.error}`}\n` +
        `  Â = ${fmtNum(r.A_hat)} ± ${fmtNum(r.sigma_A)}, A_up(95%) = ${fmtNum(r.A_up)}, ε²_up = ${fmtNum(r.eps2_up)}, p0 = ${fmtNum(r.p0_analytic)} (Z = ${fmtNum(r.Z_analytic)})\n` +
        `  GP: ${r.gp_kernel}, LML ${fmtNum(r.gp_lml)}, ${r.n_train_bins} training bins, ${r.n_blind_bins} window bins\n`);
    });

  common(bump.command("scan").description("mass scan of one dataset (--dataset) or of every enabled dataset of --config, with their combination; results_single.csv, results_combined.csv, per-mass folders, summary plots"))
    .option("--mass-min <GeV>", "lowest mass")
    .option("--mass-max <GeV>", "highest mass")
    .option("--step <GeV>", "grid step (default 0.001; config: mass_step_gev)")
    .option("--output-dir <dir>", "output folder (default out/bump; config: output_dir)")
    .option("--workers <n>", "worker threads (default: all cores; config: scan_n_workers if scan_parallel, else 1)")
    .option("--per-mass-plots", "write fit_full/blind_fit/s_over_b_ul figures into every per-mass folder mXXXMeV/<d>/")
    .action((o: ScanCli) => scanCommand(o));

  bump.command("example").description("self-contained example: generate an HPS-2015-like spectrum with a signal at 60 MeV (seeded), write its configuration, and scan it (30–110 MeV)")
    .option("--output-dir <dir>", "output folder (spectrum.json, example.yaml, the scan outputs)", "out/example")
    .option("--seed <s>", "random seed of the generated spectrum", "2015")
    .option("--workers <n>", "worker threads (default: all cores)")
    .option("--json", "print the rows as JSON")
    .action(async (o: { outputDir: string; seed: string; workers?: string; json?: boolean }) => {
      const dir = resolve(o.outputDir);
      mkdirSync(dir, { recursive: true });
      const sp = exampleSpectrum(int("--seed", o.seed)!);
      writeFileSync(join(dir, "spectrum.json"), JSON.stringify({ histograms: { input_hist: { edges: sp.edges, counts: sp.counts } }, truth: sp.truth }) + "\n");
      const yamlText = [
        "# Generated by `searchlight bump example`: an HPS-2015-like spectrum (spectrum.json) with a",
        `# Gaussian signal of ${sp.truth.signal_yield} events at ${1000 * sp.truth.signal_mass_GeV} MeV (seed ${sp.truth.seed}). Re-run the scan with`,
        `#   searchlight bump scan --config ${join(o.outputDir, "example.yaml")}`,
        "enable_2015: true", "enable_2016: false", "enable_2021: false",
        "path_2015: spectrum.json", "hist_2015: input_hist", "range_2015: [0.030, 0.110]",
        "neighborhood_rebin: 10", "blind_nsigma: 1.64", "mass_step_gev: 0.002", "n_restarts: 0", "make_ul_bands: false",
        "save_per_mass_folders: true", "save_plots: true", "scan_parallel: true", "scan_n_workers: 2", "output_dir: scan", "",
      ].join("\n");
      const cfg = join(dir, "example.yaml");
      writeFileSync(cfg, yamlText);
      if (!o.json) process.stdout.write(`generated ${join(dir, "spectrum.json")} (signal: ${sp.truth.signal_yield} events at ${1000 * sp.truth.signal_mass_GeV} MeV) and ${cfg}\n`);
      await scanCommand({ config: cfg, dataset: "2015", datasetFromDefault: true, workers: o.workers, json: o.json });
    });

  common(bump.command("bands").description("expected upper-limit bands from background-only conditional-GP toys; ul_bands_<d>.csv and Brazil plots"))
    .option("--mass-min <GeV>", "lowest mass")
    .option("--mass-max <GeV>", "highest mass")
    .option("--step <GeV>", "grid step (default 0.001; config: mass_step_gev)")
    .option("--toys <n>", "pseudo-experiments per mass (default 1000; config: ul_bands_toys)")
    .option("--seed <s>", "random seed (default 12345; config: ul_bands_seed)")
    .option("--output-dir <dir>", "output folder (default out/bump; config: output_dir)")
    .option("--workers <n>", "worker threads (default: all cores)")
    .action(async (o: BumpCli & { massMin?: string; massMax?: string; step?: string; toys?: string; seed?: string; outputDir?: string }) => {
      const j = job(o, { massMin: num("--mass-min", o.massMin), massMax: num("--mass-max", o.massMax), step: num("--step", o.step) });
      const cv = o.config ? configOf(o.config) : undefined;
      o.dataset = j.dataset;
      o.outputDir ??= cv ? resolve(cv.dir, cv.values.output_dir as string) : "out/bump";
      o.toys ??= String(cv ? cv.values.ul_bands_toys : 1000);
      o.seed ??= String(cv ? cv.values.ul_bands_seed : 12345);
      const nToys = Math.max(1, Math.floor(num("--toys", o.toys)!));
      const workers = o.workers ? Math.max(1, Math.floor(num("--workers", o.workers)!)) : defaultWorkers();
      const bar = new Progress(j.masses.length, `bands ${o.dataset}`);
      const t0 = performance.now();
      const outDir = o.outputDir;
      const rows = await runPool<number, BandRow>({ module: new URL("../bumphunt/scan.ts", import.meta.url).href, factory: "bandsRunner", args: { job: j, nToys, seed: num("--seed", o.seed)! } },
        j.masses.map((_, i) => i), workers, () => bar.tick());
      bar.finish();
      mkdirSync(outDir, { recursive: true });
      writeFileSync(join(outDir, `ul_bands_${o.dataset}.csv`), bandsCsv(rows));
      const ok = rows.filter((r) => !r.error);
      const mev = (r: BandRow) => 1000 * r.mass_GeV;
      for (const [key, title, log] of [["A", "signal yield upper limit A (95% CL) [events]", true], ["eps2", "ε² upper limit (95% CL)", true]] as const) {
        const g = (k: string) => ok.map((r) => (r as unknown as Record<string, number>)[`${key}_${k}`]);
        await writeFigure(bandPlot({ x: ok.map(mev), median: g("med"), minus1: g("lo1"), plus1: g("hi1"), minus2: g("lo2"), plus2: g("hi2"), observed: g("obs"), xAxis: { title: "m(A') [MeV]" }, yAxis: { title, log } }), join(outDir, "summary_plots", `ul_bands_${key}_${o.dataset}`));
      }
      const failedToys = rows.reduce((a, r) => a + r.n_failed, 0);
      if (o.json) return printJson({ rows, seconds: (performance.now() - t0) / 1000, failed_masses: rows.length - ok.length, failed_toys: failedToys });
      process.stdout.write(`${o.dataset}: bands at ${rows.length} masses × ${nToys} toys in ${((performance.now() - t0) / 1000).toFixed(1)} s; ${rows.length - ok.length} masses failed, ${failedToys} toys failed\nwrote ${join(outDir, `ul_bands_${o.dataset}.csv`)}\n`);
    });
}

type ScanCli = BumpCli & { massMin?: string; massMax?: string; step?: string; outputDir?: string; perMassPlots?: boolean; workers?: string };

/** `bump scan`: validate, scan with a progress bar, summarise (also run by `bump example`). */
async function scanCommand(o: ScanCli): Promise<void> {
      const p = scanPlan(o, { massMin: num("--mass-min", o.massMin), massMax: num("--mass-max", o.massMax), step: num("--step", o.step), outputDir: o.outputDir, workers: workersOf(o), perMassPlots: o.perMassPlots });
      await validatePlan(p, p.names, { failFast: p.failFast });
      const total = p.jobs.reduce((a, j) => a + j.masses.length, 0);
      const name = p.jobs.map((j) => j.dataset).join("+");
      const bar = new Progress(total, `scan ${name}`);
      const out = await runScanPlan(p, { workers: p.workers, onProgress: () => bar.tick() });
      bar.finish();
      const rows = [...out.single.values()].flat();
      const failed = rows.filter((r) => r.visibility === "error");
      const cfailed = out.combined.filter((r) => r.visibility === "error");
      if (o.json) return printJson({ rows, combined: out.combined, seconds: out.seconds, failed: failed.length, failed_combined: cfailed.length, output_dir: p.outputDir });
      const lines: string[] = [];
      for (const [d, rs] of out.single) {
        const ok = rs.filter((r) => r.visibility === "observed");
        const best = ok.reduce<(typeof ok)[number] | undefined>((a, r) => (r.Z_analytic > (a?.Z_analytic ?? -1) ? r : a), undefined);
        lines.push(`${d}: ${rs.length} masses, ${rs.filter((r) => r.visibility === "error").length} failed` +
          (best ? `; largest local Z = ${fmtNum(best.Z_analytic)} at ${fmtNum(1000 * best.mass_GeV)} MeV (global Z = ${fmtNum(best.Z_global)}, N_eff = ${fmtNum(best.n_eff)})` : ""));
      }
      if (out.combined.length) {
        const ok = out.combined.filter((r) => r.visibility === "observed");
        const best = ok.reduce<(typeof ok)[number] | undefined>((a, r) => (r.Z_analytic > (a?.Z_analytic ?? -1) ? r : a), undefined);
        lines.push(`combined: ${out.combined.length} masses, ${cfailed.length} failed` + (best ? `; largest local Z = ${fmtNum(best.Z_analytic)} at ${fmtNum(1000 * best.mass_GeV)} MeV (global Z = ${fmtNum(best.Z_global)}, N_eff = ${fmtNum(best.n_eff)})` : ""));
      }
      process.stdout.write(`${name}: ${total} mass points in ${out.seconds.toFixed(1)} s (${p.workers} worker${p.workers > 1 ? "s" : ""})\n${lines.join("\n")}\n`);
      const shown = [...failed.map((r) => [r.dataset, String(r.mass_GeV), r.error]), ...cfailed.map((r) => ["combined", String(r.mass_GeV), r.error])].slice(0, p.maxErrorsShown);
      if (shown.length) process.stdout.write(table([["dataset", "mass [GeV]", "error"], ...shown]) + "\n");
      process.stdout.write(`wrote ${p.outputDir}/ (results_single.csv${out.combined.length ? ", results_combined.csv, combined.csv" : ""}, validation_report.json${p.savePlots ? ", summary_plots/" : ""})\n`);
}

/** `bump test --config`: every enabled dataset active at the mass, and their combination. */
async function smokeTest(o: BumpCli & { mass?: string }): Promise<void> {
  const cfg = configOf(o.config!);
  let m = num("--mass", o.mass);
  if (m === undefined) {
    const p0 = planFromConfig(cfg, {});
    const lo = Math.max(...p0.jobs.map((j) => j.model!.range[0])), hi = Math.min(...p0.jobs.map((j) => j.model!.range[1]));
    const [a, b] = lo <= hi ? [lo, hi] : p0.jobs[0].model!.range;
    m = Math.round(((a + b) / 2) * 1000) / 1000;
  }
  const p = scanPlan(o, { massMin: m - 1, massMax: m + 1, workers: 1 });
  p.grid = [m];
  for (const j of p.jobs) j.masses = m >= j.model!.range[0] - 1e-9 && m <= j.model!.range[1] + 1e-9 ? [m] : [];
  p.jobs = p.jobs.filter((j) => j.masses.length);
  if (!p.jobs.length) throw new InputError(cfg.file, "--mass", `${m} GeV is outside the scan range of every enabled dataset`);
  await validatePlan(p, p.names, { write: false });
  const out = await runScanPlan(p, { workers: Math.min(p.jobs.length, o.workers ? workersOf(o)! : defaultWorkers()), write: false });
  const rows = [...out.single.values()].flat();
  if (o.json) return printJson({ mass_GeV: m, rows, combined: out.combined });
  for (const r of rows) {
    process.stdout.write(`${r.dataset} m = ${m} GeV (σ = ${fmtNum(r.sigma_mass_res_GeV)} GeV): ${r.visibility === "error" ? `FAILED: ${r.error}` : r.visibility}\n` +
      `  Â = ${fmtNum(r.A_hat)} ± ${fmtNum(r.sigma_A)}, A_up = ${fmtNum(r.A_up)}, ε²_up = ${fmtNum(r.eps2_up)}, p0 = ${fmtNum(r.p0_analytic)} (Z = ${fmtNum(r.Z_analytic)})\n` +
      `  GP: ${r.gp_kernel}, LML ${fmtNum(r.gp_lml)}, ℓ ∈ [${fmtNum(r.gp_ls_lo)}, ${fmtNum(r.gp_ls_hi)}], ${r.n_train_bins} training bins, ${r.n_blind_bins} window bins\n`);
  }
  for (const c of out.combined) {
    process.stdout.write(`combined ${c.datasets}: ${c.visibility === "error" ? `FAILED: ${c.error}` : `ε²_up = ${fmtNum(c.eps2_up)}, p0 = ${fmtNum(c.p0_analytic)} (Z = ${fmtNum(c.Z_analytic)})`}\n`);
  }
}
