// The shapes the scan's stages share: the plan (built by config.ts, run by scan-plan.ts, drawn
// by scan-plots.ts) and the rows of results_combined.csv. Kept apart from scan-plan.ts so that
// the figures (scan-plots.ts, loaded only when figures are asked for) need not import the runner.
import type { TruncMethod } from "../math/mvn.ts";
import type { ScanJob } from "./scan.ts";

export interface ScanPlan {
  /** One job per enabled dataset, each with the grid masses where it is active. */
  jobs: ScanJob[];
  /** The union grid (spec §3). */
  grid: number[];
  /** Combine datasets with a shared ε² where ≥ 2 are active (config do_combined). */
  doCombined: boolean;
  alpha: number;
  blindNSigma: number;
  outputDir: string;
  /** Per-mass folders mXXXMeV/<d>/ with numbers.json and, if `plots`, the fit figures. */
  perMass: { folders: boolean; json: boolean; plots: boolean };
  /** Summary figures in summary_plots/ (config save_plots). */
  savePlots: boolean;
  /** ε² band figure with the bands (config make_eps2_bands). */
  makeEps2Bands: boolean;
  /** Print up to this many failed rows at the end (config debug_print / debug_max_errors). */
  maxErrorsShown: number;
  /** Expected ε² bands of the combination (config do_combined_bands, spec §11.2). */
  combinedBands?: { nToys: number; seed: number; truncMethod?: TruncMethod };
}

export interface CombinedRow {
  mass_GeV: number;
  datasets: string;
  n_datasets: number;
  eps2_up: number;
  p0_analytic: number;
  Z_analytic: number;
  cls_statistic: string;
  cls_calibration: string;
  global_method: string;
  p0_global: number;
  Z_global: number;
  n_eff: number;
  /** Display-level inverse-variance estimate (spec §8), not a likelihood fit. */
  eps2_hat: number;
  sigma_eps2: number;
  visibility: string;
  error: string;
}

export const COMBINED_COLUMNS = [
  "mass_GeV", "datasets", "n_datasets", "eps2_up", "p0_analytic", "Z_analytic", "cls_statistic", "cls_calibration", "global_method",
  "p0_global", "Z_global", "n_eff", "eps2_hat", "sigma_eps2", "visibility", "error",
] as const;
