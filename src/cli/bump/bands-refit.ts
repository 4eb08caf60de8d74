// `searchlight bump bands-refit`: expected upper-limit bands with the GP refitted on every
// full-range toy (spec §11.1 mode B) → ul_bands_<d>_refit_<mode>.csv; with -d combined and a
// config, the combination's ε² bands in the refit mode of §11.2.
import type { Command } from "commander";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../../io/errors.ts";
import { csvText } from "../../io/csv.ts";
import { Progress } from "../../batch/progress.ts";
import { runPool } from "../../batch/pool.ts";
import type { RefitBandJob, RefitChunk } from "../../bumphunt/full-toys.ts";
import { refitBandRows } from "../../bumphunt/refit-band-rows.ts";
import { COMBINED_BAND_COLUMNS, combinedRefitRows, type CombinedRefitChunk, type CombinedRefitJob } from "../../bumphunt/combined-bands.ts";
import { printJson, table } from "../shared/format.ts";
import { int, num, seedOf, withOutputDir, withSeed, withWorkers, workers } from "../shared/options.ts";
import { fullToyModeOf, job, massRangeOf, scanPlan, withBumpInput, withMassRange, type BumpCli } from "./common.ts";

type RefitCli = BumpCli & { massMin?: string; massMax?: string; step: string; toys: string; seed: string; fullToyBkgMode: string; refitRestarts: string; refitOptimize: boolean; trainNsigma?: string; chunk: string; outputDir: string; workers?: string };

export function register(bump: Command): void {
  const cmd = withMassRange(withBumpInput(bump.command("bands-refit").description("expected upper-limit bands with the GP refitted on every full-range toy (spec §11.1 mode B); ul_bands_<d>_refit_<mode>.csv; -d combined with --config: the combination's ε² bands (§11.2 refit mode)")))
    .option("--toys <n>", "pseudo-experiments per mass", "100");
  withWorkers(withOutputDir(withSeed(cmd, "random seed", "12345")
    .option("--full-toy-bkg-mode <mode>", "poisson or fixed_total_multinomial", "poisson")
    .option("--refit-restarts <n>", "extra GP starts per refit", "0")
    .option("--no-refit-optimize", "keep the kernel at its initial values in the refits")
    .option("--train-nsigma <k>", "GP training exclusion half-width (default: the blind width)")
    .option("--chunk <n>", "toys per unit of work", "10"), "output folder", "out/bump", false))
    .action((o: RefitCli) => (o.dataset === "combined" ? combinedRefitBands(o) : refitBands(o)));
}

/** The refit settings common to one dataset and the combination. */
function refitSettings(o: RefitCli) {
  return {
    nToys: int("--toys", o.toys, 1)!, seed: seedOf(o.seed), restarts: int("--refit-restarts", o.refitRestarts)!, optimize: o.refitOptimize,
    trainNSigma: num("--train-nsigma", o.trainNsigma), chunk: int("--chunk", o.chunk, 1)!,
  };
}

/** Run the (mass, chunk) tasks of `recipe` with a progress bar; the chunks per mass and the results. */
async function runChunks<R>(o: RefitCli, what: string, nMasses: number, s: { nToys: number; chunk: number }, module: string, factory: string, args: unknown): Promise<{ nChunks: number; parts: R[]; t0: number }> {
  const nChunks = Math.ceil(s.nToys / s.chunk);
  const tasks = Array.from({ length: nMasses * nChunks }, (_, t) => ({ i: Math.floor(t / nChunks), k: t % nChunks }));
  const bar = new Progress(tasks.length, `bands-refit ${what}`);
  const t0 = performance.now();
  const parts = await runPool<{ i: number; k: number }, R>({ module, factory, args }, tasks, workers(o.workers), () => bar.tick());
  bar.finish();
  return { nChunks, parts, t0 };
}

/** Write the CSV; print the summary line or the JSON. Returns the file written. */
function report(o: RefitCli, name: string, columns: string[], rows: { n_failed: number; n_refit_failed: number }[], t0: number, line: (seconds: number, failed: number, refitFailed: number) => string): string {
  mkdirSync(o.outputDir, { recursive: true });
  const file = join(o.outputDir, name);
  writeFileSync(file, csvText(columns, rows as unknown as Record<string, unknown>[]));
  const seconds = (performance.now() - t0) / 1000;
  const failed = rows.reduce((a, x) => a + x.n_failed, 0), refitFailed = rows.reduce((a, x) => a + x.n_refit_failed, 0);
  if (o.json) printJson({ rows, seconds, failed_toys: failed, refit_failed_toys: refitFailed, file });
  else process.stdout.write(line(seconds, failed, refitFailed));
  return file;
}

/** `bands-refit -d <dataset>`: A and ε² bands with the GP refitted per full-range toy (spec §11.1 mode B). */
async function refitBands(o: RefitCli): Promise<void> {
  const j = job(o, massRangeOf(o));
  const mode = fullToyModeOf(o.fullToyBkgMode);
  const r: RefitBandJob = { job: j, mode, alpha: j.options.alpha ?? 0.05, ...refitSettings(o) };
  const { nChunks, parts, t0 } = await runChunks<RefitChunk>(o, j.dataset, j.masses.length, r, new URL("../../bumphunt/full-toys.ts", import.meta.url).href, "refitBandsRunner", r);
  const rows = refitBandRows(r, parts, nChunks);
  const file = report(o, `ul_bands_${j.dataset}_refit_${mode}.csv`, Object.keys(rows[0]), rows, t0,
    (seconds, failed, refitFailed) => `${j.dataset}: refit bands at ${rows.length} masses × ${r.nToys} toys (${mode}) in ${seconds.toFixed(1)} s; ${failed} toys failed, ${refitFailed} refits failed (nominal background used)\n` +
      table([["mass [GeV]", "A_obs", "A −2σ", "A −1σ", "A med", "A +1σ", "A +2σ", "failed"], ...rows.map((x) => [String(x.mass_GeV), x.A_obs, x.A_lo2, x.A_lo1, x.A_med, x.A_hi1, x.A_hi2, x.n_failed])]) + "\n");
  if (!o.json) process.stdout.write(`wrote ${file}\n`);
}

/** `bands-refit -d combined`: ε² bands of the combination with per-dataset Poisson toys and GP refits (spec §11.2). */
async function combinedRefitBands(o: RefitCli): Promise<void> {
  if (!o.config) throw new InputError("", "--dataset", "combined needs --config (the enabled datasets are combined)");
  if (o.fullToyBkgMode !== "poisson") throw new InputError("", "--full-toy-bkg-mode", "the combined refit bands use Poisson toys per dataset (hps_gpr §11.2); drop the option");
  const plan = scanPlan({ ...o, datasetFromDefault: true }, massRangeOf(o));
  const r: CombinedRefitJob = { jobs: plan.jobs, grid: plan.grid, alpha: plan.alpha, ...refitSettings(o) };
  const { parts, t0 } = await runChunks<CombinedRefitChunk>(o, "combined", r.grid.length, r, new URL("../../bumphunt/combined-bands.ts", import.meta.url).href, "combinedRefitBandsRunner", r);
  const rows = combinedRefitRows(r, parts);
  const columns = [...COMBINED_BAND_COLUMNS.filter((c) => !c.startsWith("ul_") && !c.startsWith("toy_") && c !== "error"), "n_refit_failed", "error"];
  const file = report(o, "ul_bands_combined_all_refit_poisson.csv", columns, rows, t0,
    (seconds, failed, refitFailed) => `combined: refit bands at ${rows.length} masses × ${r.nToys} toys in ${seconds.toFixed(1)} s; ${failed} toys failed, ${refitFailed} refits failed (nominal background used)\n` +
      table([["mass [GeV]", "datasets", "ε² obs", "−2σ", "−1σ", "median", "+1σ", "+2σ", "failed"], ...rows.map((x) => [String(x.mass_GeV), x.dataset_set, x.eps2_obs, x.eps2_lo2, x.eps2_lo1, x.eps2_med, x.eps2_hi1, x.eps2_hi2, x.n_failed])]) + "\n");
  if (!o.json) process.stdout.write(`wrote ${file}\n`);
}
