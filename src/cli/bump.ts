// `searchlight bump scan|test`: the HPS GP bump hunt on the real spectra of ../shared/hps
// (or any TH1 given with --file/--hist): per-mass GP background, profiled likelihood,
// asymptotic CLs limits on A and ε², local and global significance; CSV and figures.
import type { Command } from "commander";
import { mkdirSync, writeFileSync, existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { InputError } from "../io/errors.ts";
import { Progress } from "../batch/progress.ts";
import { defaultWorkers, runPool } from "../batch/pool.ts";
import { bandsCsv, hpsScanJob, toCsv, withGlobal, type BandRow, type ScanJob } from "../bumphunt/scan.ts";
import type { MassPointRow } from "../bumphunt/mass-point.ts";
import { HPS_DATASETS } from "../bumphunt/spectrum.ts";
import { bandPlot, linePlot } from "../plot/charts.ts";
import { writeFigure } from "../plot/render.ts";
import { fmtNum, printJson, table } from "./format.ts";
import { registerSlurm } from "./bump-slurm.ts";
import { registerStudies } from "./bump-studies.ts";

const SHARED = fileURLToPath(new URL("../../../shared/", import.meta.url));

export interface BumpCli {
  dataset: string; shared?: string; file?: string; hist?: string; rebin?: string; restarts: string; blindNsigma: string;
  workers?: string; json?: boolean;
}

export const num = (flag: string, v: string | undefined): number | undefined => {
  if (v === undefined) return undefined;
  const x = Number(v);
  if (!Number.isFinite(x)) throw new InputError("", flag, `"${v}" is not a number`);
  return x;
};

export function job(o: BumpCli, extra: { massMin?: number; massMax?: number; step?: number }): ScanJob {
  if (!HPS_DATASETS[o.dataset]) throw new InputError("", "--dataset", `"${o.dataset}": expected one of ${Object.keys(HPS_DATASETS).join(", ")}`);
  const sharedDir = resolve(o.shared ?? SHARED);
  const j = hpsScanJob(o.dataset, sharedDir, { ...extra, rebin: num("--rebin", o.rebin), restarts: num("--restarts", o.restarts), blindNSigma: num("--blind-nsigma", o.blindNsigma) });
  if (o.file) j.file = resolve(o.file);
  if (o.hist) j.hist = o.hist;
  if (!existsSync(j.file)) throw new InputError(j.file, "--file", "ROOT file not found (give --shared DIR or --file)");
  if (j.masses.length === 0) throw new InputError("", "--mass-min/--mass-max", `no grid mass inside the ${o.dataset} scan range ${HPS_DATASETS[o.dataset].range.join("–")} GeV`);
  return j;
}

export function common(cmd: Command): Command {
  return cmd
    .option("--dataset <d>", "2015, 2016 or 2021", "2015")
    .option("--shared <dir>", "folder holding hps/funcform_<d>_toys.root (default ../shared)")
    .option("--file <root>", "ROOT file with the spectrum (overrides the dataset default)")
    .option("--hist <name>", "histogram name, directories allowed (default input_hist)")
    .option("--rebin <n>", "rebin factor (default: 10 for 2015/2016, 5 for 2021)")
    .option("--restarts <n>", "extra GP hyperparameter starts per mass", "0")
    .option("--blind-nsigma <k>", "blind window half-width in units of σ(m)", "1.64")
    .option("--json", "print the rows as JSON");
}

export function register(program: Command): void {
  const bump = program.command("bump").description("GP bump hunt (HPS): mass scan, limits on A and ε², local and global significance");
  registerSlurm(bump);
  registerStudies(bump);

  common(bump.command("test").description("smoke test at one mass"))
    .requiredOption("--mass <GeV>", "mass hypothesis in GeV, e.g. 0.05")
    .action(async (o: BumpCli & { mass: string }) => {
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

  common(bump.command("scan").description("scan the dataset's mass range; writes results_single.csv and summary plots"))
    .option("--mass-min <GeV>", "lowest mass")
    .option("--mass-max <GeV>", "highest mass")
    .option("--step <GeV>", "grid step", "0.001")
    .option("--output-dir <dir>", "output folder", "out/bump")
    .option("--workers <n>", "worker threads (default: all cores)")
    .action(async (o: BumpCli & { massMin?: string; massMax?: string; step: string; outputDir: string }) => {
      const j = job(o, { massMin: num("--mass-min", o.massMin), massMax: num("--mass-max", o.massMax), step: num("--step", o.step) });
      const workers = o.workers ? Math.max(1, Math.floor(num("--workers", o.workers)!)) : defaultWorkers();
      const bar = new Progress(j.masses.length, `scan ${o.dataset}`);
      const t0 = performance.now();
      const raw = await runPool<number, MassPointRow>({ module: new URL("../bumphunt/scan.ts", import.meta.url).href, factory: "scanRunner", args: j },
        j.masses.map((_, i) => i), workers, () => bar.tick());
      bar.finish();
      const rows = withGlobal(raw, o.dataset, j.options.blindNSigma ?? 1.64);
      const seconds = (performance.now() - t0) / 1000;
      mkdirSync(o.outputDir, { recursive: true });
      writeFileSync(join(o.outputDir, "results_single.csv"), toCsv(rows));
      const ok = rows.filter((r) => r.ok);
      const mev = (r: { mass_GeV: number }) => 1000 * r.mass_GeV;
      const plots = join(o.outputDir, "summary_plots");
      await writeFigure(linePlot({ series: [{ name: `HPS ${o.dataset} observed 95% CL`, x: ok.map(mev), y: ok.map((r) => r.eps2_up) }], x: { title: "m(A') [MeV]" }, y: { title: "ε² upper limit (95% CL)", log: true } }), join(plots, `eps2_ul_${o.dataset}`));
      await writeFigure(linePlot({ series: [{ name: "A_up (95% CL)", x: ok.map(mev), y: ok.map((r) => r.A_up) }, { name: "Â", x: ok.map(mev), y: ok.map((r) => r.A_hat), dashed: true }], x: { title: "m(A') [MeV]" }, y: { title: "signal yield A [events]" } }), join(plots, `A_${o.dataset}`));
      await writeFigure(linePlot({ series: [{ name: "local", x: ok.map(mev), y: ok.map((r) => r.p0_analytic) }, { name: `global (Šidák, N_eff = ${rows[0]?.n_eff.toFixed(1)})`, x: ok.map(mev), y: ok.map((r) => r.p0_global), dashed: true }], x: { title: "m(A') [MeV]" }, y: { title: "p0", log: true } }), join(plots, `p0_${o.dataset}`));
      const failed = rows.filter((r) => !r.ok);
      if (o.json) return printJson({ rows, seconds, failed: failed.length });
      const best = ok.reduce((a, r) => (r.Z_analytic > (a?.Z_analytic ?? -1) ? r : a), ok[0]);
      process.stdout.write(`${o.dataset}: ${rows.length} masses in ${seconds.toFixed(1)} s (${workers} workers), ${failed.length} failed\n`);
      if (best) process.stdout.write(`largest local significance: Z = ${fmtNum(best.Z_analytic)} at ${fmtNum(mev(best))} MeV (global Z = ${fmtNum(best.Z_global)}, N_eff = ${fmtNum(best.n_eff)})\n`);
      if (failed.length) process.stdout.write(table([["mass [GeV]", "error"], ...failed.map((r) => [String(r.mass_GeV), r.error])]) + "\n");
      process.stdout.write(`wrote ${join(o.outputDir, "results_single.csv")} and ${plots}/\n`);
    });

  common(bump.command("bands").description("expected upper-limit bands from background-only conditional-GP toys; ul_bands_<d>.csv and Brazil plots"))
    .option("--mass-min <GeV>", "lowest mass")
    .option("--mass-max <GeV>", "highest mass")
    .option("--step <GeV>", "grid step", "0.001")
    .option("--toys <n>", "pseudo-experiments per mass", "1000")
    .option("--seed <s>", "random seed", "12345")
    .option("--output-dir <dir>", "output folder", "out/bump")
    .option("--workers <n>", "worker threads (default: all cores)")
    .action(async (o: BumpCli & { massMin?: string; massMax?: string; step: string; toys: string; seed: string; outputDir: string }) => {
      const j = job(o, { massMin: num("--mass-min", o.massMin), massMax: num("--mass-max", o.massMax), step: num("--step", o.step) });
      const nToys = Math.max(1, Math.floor(num("--toys", o.toys)!));
      const workers = o.workers ? Math.max(1, Math.floor(num("--workers", o.workers)!)) : defaultWorkers();
      const bar = new Progress(j.masses.length, `bands ${o.dataset}`);
      const t0 = performance.now();
      const rows = await runPool<number, BandRow>({ module: new URL("../bumphunt/scan.ts", import.meta.url).href, factory: "bandsRunner", args: { job: j, nToys, seed: num("--seed", o.seed)! } },
        j.masses.map((_, i) => i), workers, () => bar.tick());
      bar.finish();
      mkdirSync(o.outputDir, { recursive: true });
      writeFileSync(join(o.outputDir, `ul_bands_${o.dataset}.csv`), bandsCsv(rows));
      const ok = rows.filter((r) => !r.error);
      const mev = (r: BandRow) => 1000 * r.mass_GeV;
      for (const [key, title, log] of [["A", "signal yield upper limit A (95% CL)", false], ["eps2", "ε² upper limit (95% CL)", true]] as const) {
        const g = (k: string) => ok.map((r) => (r as unknown as Record<string, number>)[`${key}_${k}`]);
        await writeFigure(bandPlot({ x: ok.map(mev), median: g("med"), minus1: g("lo1"), plus1: g("hi1"), minus2: g("lo2"), plus2: g("hi2"), observed: g("obs"), xAxis: { title: "m(A') [MeV]" }, yAxis: { title, log } }), join(o.outputDir, "summary_plots", `ul_bands_${key}_${o.dataset}`));
      }
      const failedToys = rows.reduce((a, r) => a + r.n_failed, 0);
      if (o.json) return printJson({ rows, seconds: (performance.now() - t0) / 1000, failed_masses: rows.length - ok.length, failed_toys: failedToys });
      process.stdout.write(`${o.dataset}: bands at ${rows.length} masses × ${nToys} toys in ${((performance.now() - t0) / 1000).toFixed(1)} s; ${rows.length - ok.length} masses failed, ${failedToys} toys failed\nwrote ${join(o.outputDir, `ul_bands_${o.dataset}.csv`)}\n`);
    });
}
