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
