// The mass scan of one dataset (spec §8–§10): every grid mass is a unit of work on the worker
// pool; failed masses are rows with their error; the look-elsewhere correction (N_eff from
// the resolution spacing, Šidák) gives global p and Z. Rows come back in grid order whatever
// the number of workers.
import { resolve } from "node:path";
import { readTH1 } from "../io/root-hist.ts";
import { effectiveTrials, sidakGlobalP, zFromP } from "../infer/look-elsewhere.ts";
import { sigmaX } from "./gp-background.ts";
import { evaluateMassPoint, type MassPointOptions, type MassPointRow } from "./mass-point.ts";
import { HPS_DATASETS, massGrid, prepareSpectrum, type Spectrum } from "./spectrum.ts";

export interface ScanJob {
  dataset: string;
  /** ROOT file and histogram (defaults from HPS_DATASETS, relative to `sharedDir`). */
  file: string;
  hist: string;
  rebin: number;
  masses: number[];
  options: Omit<MassPointOptions, "fRad"> & { fRad?: number };
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

/** Worker factory: read and prepare the spectrum once, then evaluate masses by index. */
export async function scanRunner(job: ScanJob): Promise<{ run(index: number): MassPointRow }> {
  const d = HPS_DATASETS[job.dataset];
  const h = await readTH1(job.file, job.hist);
  const sp: Spectrum = prepareSpectrum(h.edges, h.counts, { rebin: job.rebin });
  // dataset_stat floor of the length-scale bound: median σ_x over the scan range (spec §4.3).
  const pts = Array.from({ length: 300 }, (_, k) => d.range[0] + ((d.range[1] - d.range[0]) * k) / 299).map((m) => sigmaX(m, d.sigma(m))).sort((a, b) => a - b);
  const lsStat = 0.5 * (pts[149] + pts[150]);
  return {
    run(index: number): MassPointRow {
      const m = job.masses[index];
      return evaluateMassPoint(job.dataset, sp, m, d.sigma(m), { ...job.options, fRad: job.options.fRad ?? d.frad, lsStat });
    },
  };
}

/** Add the look-elsewhere columns (Šidák with N_eff from the σ spacing, W = blind width). */
export function withGlobal(rows: MassPointRow[], dataset: string, blindNSigma: number): ScanRow[] {
  const d = HPS_DATASETS[dataset];
  const nEff = effectiveTrials(rows.map((r) => r.mass_GeV), d.sigma, blindNSigma);
  return rows.map((r) => {
    const pg = Number.isFinite(r.p0_analytic) ? sidakGlobalP(r.p0_analytic, nEff) : NaN;
    return { ...r, p0_global: pg, Z_global: Number.isFinite(pg) ? zFromP(pg, true) : NaN, n_eff: nEff, global_method: "sidak_approx" };
  });
}

export const SCAN_COLUMNS: (keyof ScanRow)[] = [
  "dataset", "mass_GeV", "sigma_mass_res_GeV", "A_up", "eps2_up", "A_hat", "sigma_A", "p0_analytic", "Z_analytic", "p0_global", "Z_global", "n_eff",
  "integral_density", "A_per_eps2", "f_blind", "n_blind_bins", "n_train_bins", "obs_window_counts", "bkg_window_mean",
  "gp_kernel", "gp_constant", "gp_length_scale", "gp_lml", "gp_ls_lo", "gp_ls_hi", "cls_statistic", "cls_calibration", "global_method", "ok", "error",
];

export function toCsv(rows: ScanRow[]): string {
  const cell = (v: unknown) => {
    const s = typeof v === "number" ? (Number.isFinite(v) ? String(v) : "nan") : String(v ?? "");
    return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
  };
  return [SCAN_COLUMNS.join(","), ...rows.map((r) => SCAN_COLUMNS.map((c) => cell(r[c])).join(","))].join("\n") + "\n";
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

/** Worker factory for expected bands (spec §11.1): per mass, the GP inputs once, then the toys. */
export async function bandsRunner(args: { job: ScanJob; nToys: number; seed: number }): Promise<{ run(index: number): BandRow }> {
  const { expectedBands } = await import("./bands.ts");
  const { massPointInputs } = await import("./mass-point.ts");
  const { WindowLikelihood } = await import("./window-likelihood.ts");
  const { windowLimit } = await import("./limits.ts");
  const job = args.job;
  const d = HPS_DATASETS[job.dataset];
  const h = await readTH1(job.file, job.hist);
  const sp = prepareSpectrum(h.edges, h.counts, { rebin: job.rebin });
  return {
    run(index: number): BandRow {
      const m = job.masses[index];
      const sigma = d.sigma(m);
      const row: BandRow = {
        dataset: job.dataset, mass_GeV: m, sigma_mass_res_GeV: sigma, cls_alpha: job.options.alpha ?? 0.05, A_obs: NaN, eps2_obs: NaN,
        A_lo2: NaN, A_lo1: NaN, A_med: NaN, A_hi1: NaN, A_hi2: NaN, A_mean: NaN, eps2_lo2: NaN, eps2_lo1: NaN, eps2_med: NaN, eps2_hi1: NaN, eps2_hi2: NaN, eps2_mean: NaN,
        p_strong: NaN, p_weak: NaN, p_two: NaN, n_toys: args.nToys, n_failed: 0, error: "",
      };
      try {
        const x = massPointInputs(sp, m, sigma, { ...job.options, fRad: job.options.fRad ?? d.frad });
        row.A_obs = windowLimit(new WindowLikelihood({ n: x.n, b: x.b, C: x.C, w: x.w }), { alpha: row.cls_alpha }).aUp;
        row.eps2_obs = row.A_obs / x.aPerEps2;
        // Seed per mass from the run seed and the mass index: the same whatever the split.
        const r = expectedBands({ b: x.b, C: x.C, w: x.w, nToys: args.nToys, seed: (args.seed * 1000003 + index) >>> 0, alpha: row.cls_alpha, observed: row.A_obs, aPerEps2: x.aPerEps2 });
        Object.assign(row, { A_lo2: r.A.lo2, A_lo1: r.A.lo1, A_med: r.A.med, A_hi1: r.A.hi1, A_hi2: r.A.hi2, A_mean: r.A.mean, p_strong: r.p_strong, p_weak: r.p_weak, p_two: r.p_two, n_failed: r.n_failed });
        if (r.eps2) Object.assign(row, { eps2_lo2: r.eps2.lo2, eps2_lo1: r.eps2.lo1, eps2_med: r.eps2.med, eps2_hi1: r.eps2.hi1, eps2_hi2: r.eps2.hi2, eps2_mean: r.eps2.mean });
      } catch (e) {
        row.error = (e as Error).message.replace(/[\r\n,]+/g, " ");
      }
      return row;
    },
  };
}

export function bandsCsv(rows: BandRow[]): string {
  const cols = Object.keys(rows[0] ?? { dataset: "" }) as (keyof BandRow)[];
  const cell = (v: unknown) => (typeof v === "number" ? (Number.isFinite(v) ? String(v) : "nan") : String(v ?? ""));
  return [cols.join(","), ...rows.map((r) => cols.map((c) => cell(r[c])).join(","))].join("\n") + "\n";
}
