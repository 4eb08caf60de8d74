// Expected ε² upper-limit bands of the combination (hps_gpr expected_ul_bands_for_combination;
// spec §11.2, conditional-GP mode): at each mass, every toy draws each active dataset's window
// independently, λ_d ~ MVN⁺(b_d, C_d) (§11.3) and n_d ~ Poisson(λ_d), concatenates the counts,
// and limits ε² with the nominal concatenated (b, C, K·w) model of the combination (§8). With
// one active dataset this is that dataset's ε² band. Toy t at grid mass i draws from
// Rng.forStream(seed·1000003 + i, t), so rows do not depend on how the masses are split.
// Every limit here (toys and eps2_obs) is the precise root of CLs = α (Brent), so p_strong
// compares like with like; results_combined.csv keeps hps_gpr's §7.8 stopping rule
// (|CLs − α| < 1e-2), so its eps2_up can differ from eps2_obs here by a few per cent.
import { nonNegativeMvn, samplingFactor, type TruncMethod } from "../math/mvn.ts";
import { Rng } from "../math/rng.ts";
import { FastWindowLimit, limitForCounts, summariseBands } from "./bands.ts";
import { combinedLikelihood, type DatasetWindow } from "./combine.ts";
import { WindowFits, discovery } from "./limits.ts";

export interface CombinedBandTask {
  mass: number;
  /** Index of the mass on the scan grid (seeds the toys). */
  index: number;
  windows: DatasetWindow[];
  /** σ(m) of each window's dataset, GeV. */
  sigmas: number[];
  /** Observed ε² limit and p0 only when every active dataset is visible (spec §11.2). */
  observedVisible: boolean;
}

export interface CombinedBandRow {
  dataset_set: string;
  mass_GeV: number;
  sigma_mass_res_GeV: number;
  sigma_mass_res_min_GeV: number;
  cls_alpha: number;
  eps2_obs: number;
  p0_analytic: number;
  Z_analytic: number;
  eps2_lo2: number; eps2_lo1: number; eps2_med: number; eps2_hi1: number; eps2_hi2: number; eps2_mean: number;
  p_strong: number; p_weak: number; p_two: number;
  n_toys: number;
  n_failed: number;
  cls_statistic: string;
  cls_calibration: string;
  global_method: string;
  bands_refit_gp_on_toy: string;
  error: string;
}

export interface CombinedBandOptions {
  nToys: number;
  seed: number;
  alpha: number;
  truncMethod?: TruncMethod;
}

/** One row of ul_bands_combined_all.csv. */
export function combinedBandRow(t: CombinedBandTask, o: CombinedBandOptions): CombinedBandRow {
  const row: CombinedBandRow = {
    dataset_set: t.windows.map((w) => w.name).join("+"), mass_GeV: t.mass,
    sigma_mass_res_GeV: t.sigmas.reduce((a, s) => a + s, 0) / t.sigmas.length, sigma_mass_res_min_GeV: Math.min(...t.sigmas), cls_alpha: o.alpha,
    eps2_obs: NaN, p0_analytic: NaN, Z_analytic: NaN, eps2_lo2: NaN, eps2_lo1: NaN, eps2_med: NaN, eps2_hi1: NaN, eps2_hi2: NaN, eps2_mean: NaN,
    p_strong: NaN, p_weak: NaN, p_two: NaN, n_toys: o.nToys, n_failed: 0,
    cls_statistic: "tilde_q_mu", cls_calibration: "asymptotic", global_method: "sidak_approx", bands_refit_gp_on_toy: "False", error: "",
  };
  try {
    const { lik, eps2Ref } = combinedLikelihood(t.windows);
    const B = lik.b.length;
    let sumB = 0;
    for (let i = 0; i < B; i++) sumB += lik.b[i];
    const fast = new FastWindowLimit(lik, o.alpha);
    let asimov: WindowFits | undefined;
    // Limit on the amplitude a = ε²/ε²_ref (fast Newton path, L-BFGS fallback), in ε².
    const limit = (n: ArrayLike<number>) => {
      let a = fast.limit(n);
      if (!Number.isFinite(a)) {
        try {
          a = limitForCounts(lik, (asimov ??= new WindowFits(lik, lik.dataWithCounts(lik.b))), n, o.alpha, sumB);
        } catch {
          a = NaN;
        }
      }
      return a * eps2Ref;
    };
    if (t.observedVisible) {
      row.eps2_obs = limit(lik.observed);
      const d = discovery(new WindowFits(lik, lik.observed));
      row.p0_analytic = d.p0;
      row.Z_analytic = d.Z;
    }
    const factors = t.windows.map((w) => samplingFactor(w.C, w.b.length));
    const n = new Float64Array(B);
    const toyLimits: number[] = [];
    const seed = (o.seed * 1000003 + t.index) >>> 0;
    for (let k = 0; k < o.nToys; k++) {
      const rng = Rng.forStream(seed, k);
      let off = 0;
      t.windows.forEach((w, d) => {
        const lam = nonNegativeMvn(w.b, factors[d], 1, rng, o.truncMethod ?? "reject_then_clip");
        for (let i = 0; i < lam.length; i++) n[off + i] = rng.poisson(lam[i]);
        off += lam.length;
      });
      toyLimits.push(limit(n));
    }
    const r = summariseBands(toyLimits, t.observedVisible ? row.eps2_obs : undefined);
    Object.assign(row, {
      eps2_lo2: r.A.lo2, eps2_lo1: r.A.lo1, eps2_med: r.A.med, eps2_hi1: r.A.hi1, eps2_hi2: r.A.hi2, eps2_mean: r.A.mean,
      p_strong: r.p_strong, p_weak: r.p_weak, p_two: r.p_two, n_failed: r.n_failed,
    });
  } catch (e) {
    row.error = (e as Error).message.replace(/[\r\n,]+/g, " ");
  }
  return row;
}

/** Worker factory: one mass per task. */
export function combinedBandsRunner(o: CombinedBandOptions): { run(t: CombinedBandTask): CombinedBandRow } {
  return { run: (t) => combinedBandRow(t, o) };
}

/** ul_bands_combined_all.csv columns, hps_gpr's names first, then the aliases it writes. */
export const COMBINED_BAND_COLUMNS = [
  "dataset_set", "mass_GeV", "sigma_mass_res_GeV", "sigma_mass_res_min_GeV", "cls_alpha", "eps2_obs", "p0_analytic", "Z_analytic",
  "eps2_lo2", "eps2_lo1", "eps2_med", "eps2_hi1", "eps2_hi2", "eps2_mean",
  "ul_eps2_obs", "toy_eps2_uls_q02", "toy_eps2_uls_q16", "toy_eps2_uls_q50", "toy_eps2_uls_q84", "toy_eps2_uls_q97", "toy_eps2_uls_mean",
  "p_strong", "p_weak", "p_two", "n_toys", "n_failed", "cls_statistic", "cls_calibration", "global_method", "bands_refit_gp_on_toy", "error",
] as const;

/** A CSV record with hps_gpr's alias columns filled. */
export function combinedBandRecord(r: CombinedBandRow): Record<string, unknown> {
  return {
    ...r, ul_eps2_obs: r.eps2_obs, toy_eps2_uls_q02: r.eps2_lo2, toy_eps2_uls_q16: r.eps2_lo1, toy_eps2_uls_q50: r.eps2_med,
    toy_eps2_uls_q84: r.eps2_hi1, toy_eps2_uls_q97: r.eps2_hi2, toy_eps2_uls_mean: r.eps2_mean,
  };
}
