// The mass scan of one dataset (spec §8–§10): every grid mass is a unit of work on the worker
// pool; failed masses are rows with their error; the look-elsewhere correction (N_eff from
// the resolution spacing, Šidák) gives global p and Z. Rows come back in grid order whatever
// the number of workers.
import { resolve } from "node:path";
import { csvText } from "../io/csv.ts";
import { readHistogram } from "../io/histogram.ts";
import { effectiveTrials, sidakGlobalP, zFromP } from "../infer/look-elsewhere.ts";
import type { TruncMethod } from "../math/mvn.ts";
import { defaultLsPolicy, defaultModel, fradEffective, lsBoundsAt, sigmaFunction, type DatasetModel, type LsPolicy } from "./dataset.ts";
import { evaluateMassPointDetailed, massPointInputs, unphysical, type MassPointInputs, type MassPointOptions, type MassPointRow } from "./mass-point.ts";
import { HPS_DATASETS, massGrid, prepareSpectrum, type Spectrum } from "./spectrum.ts";

export interface ScanJob {
  dataset: string;
  /** ROOT file and histogram (defaults from HPS_DATASETS, relative to `sharedDir`). */
  file: string;
  hist: string;
  rebin: number;
  masses: number[];
  options: Omit<MassPointOptions, "fRad"> & { fRad?: number };
  /** Dataset model (σ, f_rad, ranges) from a config file; default: the production model of `dataset`. */
  model?: DatasetModel;
  /** GP length-scale bound policy (spec §4.3); default: the production policy of `dataset`. */
  ls?: LsPolicy;
  /** Expected-limit bands computed with the scan (config make_ul_bands, spec §11.1). */
  bands?: { nToys: number; seed: number; trainNSigma?: number; truncMethod?: TruncMethod };
}

export interface ScanRow extends MassPointRow {
  p0_global: number;
  Z_global: number;
  n_eff: number;
  global_method: string;
}

/** A job for one of the HPS datasets with hps_gpr's defaults. */
export function hpsScanJob(dataset: string, sharedDir: string, o: { massMin?: number; massMax?: number; step?: number; rebin?: number; restarts?: number; blindNSigma?: number } = {}): ScanJob {
  const d = HPS_DATASETS[dataset];
  if (!d) throw new Error(`unknown dataset "${dataset}" (known: ${Object.keys(HPS_DATASETS).join(", ")})`);
  const lo = Math.max(d.range[0], o.massMin ?? -Infinity), hi = Math.min(d.range[1], o.massMax ?? Infinity);
  return {
    dataset, file: resolve(sharedDir, d.file), hist: d.hist, rebin: o.rebin ?? d.rebin, masses: massGrid(lo, hi, o.step ?? 0.001),
    options: { blindNSigma: o.blindNSigma ?? 1.64, gp: { nRestarts: o.restarts ?? 0, seed: 0, lsUpperFactor: d.lsUpper } },
  };
}

/**
 * Warm starts along a scan (GpBackgroundOptions.restartMode "adaptive", n_restarts > 0): the
 * job's masses are cut into fixed blocks of WARM_SPAN consecutive masses (by index in
 * job.masses, whatever the workers or tasks); the first mass of a block (its anchor) is fitted
 * from the cold starts, every other mass of the block tries the anchor's optimum right after the
 * kernel's θ.
 * A mass's result so depends only on the job's mass list, never on which worker ran what, and
 * the GP hyperparameters change little over a block (2015: ln C and ln ℓ move by < 0.05 over
 * the whole 20–130 MeV range).
 */
export const WARM_SPAN = 10;

/** Block length of the warm-start scheme for a job: WARM_SPAN when it applies, else 1. */
export function warmSpan(job: ScanJob): number {
  const gp = job.options.gp ?? {};
  return (gp.restartMode ?? "adaptive") === "adaptive" && (gp.nRestarts ?? 12) > 0 && gp.optimize !== false ? WARM_SPAN : 1;
}

/** A dataset's spectrum, prepared once per worker, and its per-mass evaluation. */
export interface PreparedDataset {
  job: ScanJob;
  model: DatasetModel;
  sigma: (m: number) => number;
  spectrum: Spectrum;
  /** Options of the mass-point evaluation at m (f_eff(m), length-scale bounds at m). */
  optionsAt(m: number, trainNSigma?: number): MassPointOptions;
  /** One mass, cold (no warm start): for spectra other than the scan's (toys). */
  evaluate(m: number): { row: MassPointRow; inputs?: MassPointInputs };
  /** The scan's evaluation of job.masses[index], with its block's warm start (see WARM_SPAN). */
  evaluateAt(index: number): { row: MassPointRow; inputs?: MassPointInputs };
  /** The scan's GP inputs at job.masses[index] (bands), with the same warm start. */
  inputsAt(index: number, trainNSigma?: number): MassPointInputs;
}

export async function prepareDataset(job: ScanJob): Promise<PreparedDataset> {
  const model = job.model ?? defaultModel(job.dataset);
  const ls = job.ls ?? defaultLsPolicy(job.dataset);
  const sigma = sigmaFunction(model);
  const h = await readHistogram(job.file, job.hist);
  const spectrum = prepareSpectrum(h.edges, h.counts, { rebin: job.rebin, low: model.dataRange?.[0], high: model.dataRange?.[1] });
  const optionsAt = (m: number, trainNSigma?: number): MassPointOptions => ({
    ...job.options,
    ...(trainNSigma !== undefined ? { trainNSigma } : {}),
    fRad: job.options.fRad ?? fradEffective(model, m),
    gp: { ...(job.options.gp ?? {}), lsExplicit: lsBoundsAt(model, ls, m) },
  });
  // Anchor optima by anchor index (null: the anchor's fit failed → cold starts in its block).
  const span = warmSpan(job);
  const anchors = new Map<number, Float64Array | null>();
  const anchorTheta = (a: number): Float64Array | null => {
    if (!anchors.has(a)) {
      let t: Float64Array | null = null;
      try { t = massPointInputs(spectrum, job.masses[a], sigma(job.masses[a]), optionsAt(job.masses[a])).gp.theta; } catch { t = null; }
      anchors.set(a, t);
    }
    return anchors.get(a)!;
  };
  const scanOptions = (index: number, trainNSigma?: number): MassPointOptions => {
    const o = optionsAt(job.masses[index], trainNSigma);
    const a = index - (index % span);
    return a === index ? o : { ...o, gp: { ...o.gp, warmStart: anchorTheta(a) } };
  };
  return {
    job, model, sigma, spectrum, optionsAt,
    evaluate: (m) => evaluateMassPointDetailed(job.dataset, spectrum, m, sigma(m), optionsAt(m)),
    evaluateAt(index) {
      const m = job.masses[index];
      const r = evaluateMassPointDetailed(job.dataset, spectrum, m, sigma(m), scanOptions(index));
      if (span > 1 && index % span === 0) anchors.set(index, r.inputs?.gp.theta ?? null);
      return r;
    },
    inputsAt: (index, trainNSigma) => massPointInputs(spectrum, job.masses[index], sigma(job.masses[index]), scanOptions(index, trainNSigma)),
  };
}

/** Worker factory: read and prepare the spectrum once, then evaluate masses by index. */
export async function scanRunner(job: ScanJob): Promise<{ run(index: number): MassPointRow }> {
  const p = await prepareDataset(job);
  return { run: (index: number) => p.evaluateAt(index).row };
}

/**
 * Add the look-elsewhere columns (Šidák with N_eff from the σ spacing, W = blind width).
 * `sigmaAt` defaults to the production σ(m) of `dataset`.
 */
export function withGlobal(rows: MassPointRow[], dataset: string, blindNSigma: number, sigmaAt?: (m: number) => number): ScanRow[] {
  const sig = sigmaAt ?? HPS_DATASETS[dataset].sigma;
  const nEff = effectiveTrials(rows.map((r) => r.mass_GeV), sig, blindNSigma);
  return rows.map((r) => {
    // A failed point gets no global significance, and an underflowing p (Z = ∞) is no result (issue #22).
    const pg = Number.isFinite(r.p0_analytic) && !unphysical(r) ? sidakGlobalP(r.p0_analytic, nEff) : NaN;
    const zg = Number.isFinite(pg) ? zFromP(pg, true) : NaN;
    return { ...r, p0_global: pg, Z_global: Number.isFinite(zg) ? zg : NaN, n_eff: nEff, global_method: "sidak_approx" };
  });
}

/** results_single.csv columns: hps_gpr's (spec §10) in its order, then Searchlight's extras. */
export const SCAN_COLUMNS = [
  "dataset", "mass_GeV", "sigma_val", "blind_lo", "blind_hi", "A_up", "eps2_up", "p0_analytic", "Z_analytic", "A_hat", "sigma_A", "extract_success",
  "cls_statistic", "cls_calibration", "global_method", "visibility", "kernel_str", "ls_lo", "ls_hi", "ls_init", "ls_opt", "sigma_x", "const_opt", "lml", "n_train",
  "ls_lo_over_sigma_x", "ls_hi_over_sigma_x", "ls_opt_over_sigma_x", "ls_lo_over_sigma", "ls_hi_over_sigma", "ls_opt_over_sigma",
  "p0_global", "Z_global", "n_eff", "integral_density", "A_per_eps2", "f_blind", "n_blind_bins", "obs_window_counts", "bkg_window_mean", "gp_starts", "gp_starts_agree", "gp_starts_disagree", "error",
] as const;

/** One results_single.csv record of a row. */
export function csvRecord(r: ScanRow): Record<(typeof SCAN_COLUMNS)[number], unknown> {
  const s = r.sigma_mass_res_GeV, sx = r.sigma_x;
  return {
    dataset: r.dataset, mass_GeV: r.mass_GeV, sigma_val: s, blind_lo: r.blind_lo, blind_hi: r.blind_hi, A_up: r.A_up, eps2_up: r.eps2_up,
    p0_analytic: r.p0_analytic, Z_analytic: r.Z_analytic, A_hat: r.A_hat, sigma_A: r.sigma_A, extract_success: r.extract_success ? "True" : "False",
    cls_statistic: r.cls_statistic, cls_calibration: r.cls_calibration, global_method: r.global_method, visibility: r.visibility, kernel_str: r.gp_kernel,
    ls_lo: r.gp_ls_lo, ls_hi: r.gp_ls_hi, ls_init: r.gp_ls_init, ls_opt: r.gp_length_scale, sigma_x: sx, const_opt: r.gp_constant, lml: r.gp_lml, n_train: r.n_train_bins,
    ls_lo_over_sigma_x: r.gp_ls_lo / sx, ls_hi_over_sigma_x: r.gp_ls_hi / sx, ls_opt_over_sigma_x: r.gp_length_scale / sx,
    ls_lo_over_sigma: r.gp_ls_lo / s, ls_hi_over_sigma: r.gp_ls_hi / s, ls_opt_over_sigma: r.gp_length_scale / s,
    p0_global: r.p0_global, Z_global: r.Z_global, n_eff: r.n_eff, integral_density: r.integral_density, A_per_eps2: r.A_per_eps2, f_blind: r.f_blind,
    n_blind_bins: r.n_blind_bins, obs_window_counts: r.obs_window_counts, bkg_window_mean: r.bkg_window_mean,
    gp_starts: r.gp_starts, gp_starts_agree: r.gp_starts_agree, gp_starts_disagree: r.gp_starts_disagree, error: r.error,
  };
}

export function toCsv(rows: ScanRow[]): string {
  return csvText(SCAN_COLUMNS, rows.map(csvRecord));
}

export interface BandRow {
  dataset: string;
  mass_GeV: number;
  sigma_mass_res_GeV: number;
  cls_alpha: number;
  A_obs: number;
  eps2_obs: number;
  A_lo2: number; A_lo1: number; A_med: number; A_hi1: number; A_hi2: number; A_mean: number;
  eps2_lo2: number; eps2_lo1: number; eps2_med: number; eps2_hi1: number; eps2_hi2: number; eps2_mean: number;
  p_strong: number; p_weak: number; p_two: number;
  n_toys: number;
  n_failed: number;
  error: string;
}

/** The expected-band row of one mass from its inputs (spec §11.1, conditional-GP toys). */
export async function bandRow(dataset: string, index: number, m: number, sigma: number, alpha: number, nToys: number, seed: number, x: MassPointInputs | (() => MassPointInputs), truncMethod?: TruncMethod): Promise<BandRow> {
  const { expectedBands } = await import("./bands.ts");
  const { WindowLikelihood } = await import("./window-likelihood.ts");
  const { windowLimit } = await import("./limits.ts");
  const row: BandRow = {
    dataset, mass_GeV: m, sigma_mass_res_GeV: sigma, cls_alpha: alpha, A_obs: NaN, eps2_obs: NaN,
    A_lo2: NaN, A_lo1: NaN, A_med: NaN, A_hi1: NaN, A_hi2: NaN, A_mean: NaN, eps2_lo2: NaN, eps2_lo1: NaN, eps2_med: NaN, eps2_hi1: NaN, eps2_hi2: NaN, eps2_mean: NaN,
    p_strong: NaN, p_weak: NaN, p_two: NaN, n_toys: nToys, n_failed: 0, error: "",
  };
  try {
    const inp = typeof x === "function" ? x() : x;
    row.A_obs = windowLimit(new WindowLikelihood({ n: inp.n, b: inp.b, C: inp.C, w: inp.w }), { level: alpha }).limit;
    row.eps2_obs = row.A_obs / inp.aPerEps2;
    // Seed per mass from the run seed and the mass index: the same whatever the split.
    const r = expectedBands({ b: inp.b, C: inp.C, w: inp.w, nToys, seed: (seed * 1000003 + index) >>> 0, alpha, observed: row.A_obs, aPerEps2: inp.aPerEps2, truncMethod });
    Object.assign(row, { A_lo2: r.A.lo2, A_lo1: r.A.lo1, A_med: r.A.med, A_hi1: r.A.hi1, A_hi2: r.A.hi2, A_mean: r.A.mean, p_strong: r.p_strong, p_weak: r.p_weak, p_two: r.p_two, n_failed: r.n_failed });
    if (r.eps2) Object.assign(row, { eps2_lo2: r.eps2.lo2, eps2_lo1: r.eps2.lo1, eps2_med: r.eps2.med, eps2_hi1: r.eps2.hi1, eps2_hi2: r.eps2.hi2, eps2_mean: r.eps2.mean });
  } catch (e) {
    row.error = (e as Error).message.replace(/[\r\n,]+/g, " ");
  }
  return row;
}

/** Worker factory for expected bands (spec §11.1): per mass, the GP inputs once, then the toys. */
export async function bandsRunner(args: { job: ScanJob; nToys: number; seed: number }): Promise<{ run(index: number): Promise<BandRow> }> {
  const job = args.job;
  const p = await prepareDataset(job);
  return {
    run(index: number): Promise<BandRow> {
      const m = job.masses[index];
      const sigma = p.sigma(m);
      return bandRow(job.dataset, index, m, sigma, job.options.alpha ?? 0.05, args.nToys, args.seed, () => p.inputsAt(index), job.bands?.truncMethod);
    },
  };
}

export function bandsCsv(rows: BandRow[]): string {
  return csvText(Object.keys(rows[0] ?? { dataset: "" }), rows);
}
