// One mass hypothesis of one dataset, end to end (spec §1): windows, GP background on the
// sidebands, count-space (b, C), window template, local density, the profiled likelihood and
// its statistics (Â, σ_A, q0/p0/Z, asymptotic CLs upper limit on A and on ε²). A failure is a
// row with the error, never an exception out of a scan.
import { predictBackground, sigmaX, type GpBackgroundOptions } from "./gp-background.ts";
import { discovery, windowLimit } from "./limits.ts";
import { toyClsSeed, windowLimitToys } from "./cls-toys.ts";
import type { TruncMethod } from "../math/mvn.ts";
import type { StartAgreement } from "../gp/index.ts";
import { fullTemplate, localDensity, windows, yieldPerEps2, type Spectrum } from "./spectrum.ts";
import { WindowLikelihood } from "./window-likelihood.ts";

export interface MassPointOptions {
  /** Blind (extraction) window half-width in σ (hps_gpr 1.64). */
  blindNSigma?: number;
  /** GP training exclusion half-width in σ (default: the blind width). */
  trainNSigma?: number;
  /** ρ window half-width in σ (default: the blind width). */
  densityNSigma?: number;
  /** CLs level α (0.05 → 95% CL). */
  alpha?: number;
  /** Effective radiative fraction f_rad (after any penalty). */
  fRad: number;
  gp?: GpBackgroundOptions;
  /** σ_x statistic over the dataset's scan range for the "dataset_stat" l_hi floor, if used. */
  lsStat?: number;
  /** "expected_only" blanks every observed quantity (spec §3 data_visibility); the GP still runs. */
  visibility?: "observed" | "expected_only";
  /** Toy-calibrated CLs (config cls_mode: toys, §7.7) instead of the asymptotic formula. */
  clsToys?: { nToys: number; seedBase: number; truncMethod?: TruncMethod };
}

export interface MassPointRow {
  dataset: string;
  mass_GeV: number;
  sigma_mass_res_GeV: number;
  n_blind_bins: number;
  n_train_bins: number;
  obs_window_counts: number;
  bkg_window_mean: number;
  A_hat: number;
  sigma_A: number;
  A_up: number;
  eps2_up: number;
  p0_analytic: number;
  Z_analytic: number;
  integral_density: number;
  A_per_eps2: number;
  f_blind: number;
  gp_kernel: string;
  gp_constant: number;
  gp_length_scale: number;
  gp_lml: number;
  gp_ls_lo: number;
  gp_ls_hi: number;
  /**
   * How the GP fit's starts ended (gp/fit.ts StartAgreement): starts run, starts that reached the
   * winning optimum, and starts that ended at a finite LML elsewhere (another local optimum).
   * gp_starts_disagree > 0 or gp_starts_agree < 2 with gp_starts > 1 flags a fit to look at.
   */
  gp_starts: number;
  gp_starts_agree: number;
  gp_starts_disagree: number;
  cls_statistic: string;
  cls_calibration: string;
  /** hps_gpr diagnostics (spec §10): blind window, σ_x, l_init, fit success, visibility. */
  blind_lo: number;
  blind_hi: number;
  gp_ls_init: number;
  sigma_x: number;
  extract_success: boolean;
  visibility: string;
  ok: boolean;
  error: string;
}

export interface MassPointInputs {
  blind: number[];
  train: number[];
  /** GP prediction at the window (count space). */
  b: Float64Array;
  C: Float64Array;
  /** Window template (not renormalised), observed window counts, ρ and K = A per unit ε². */
  w: number[];
  n: number[];
  rho: number;
  aPerEps2: number;
  gp: { kernel: string; constant: number; lengthScale: number; lml: number; lsBounds: [number, number, number]; theta: Float64Array; starts: StartAgreement | null };
  /** Full-range template and count-space GP mean (for figures and toys; the mean is computed on first access). */
  wFull: Float64Array;
  readonly muFull: Float64Array;
}

/** Everything the statistics of one mass need (spec §1): windows, GP (b, C), template, ρ, K. */
export function massPointInputs(sp: Spectrum, m0: number, sigma: number, o: MassPointOptions): MassPointInputs {
  const kB = o.blindNSigma ?? 1.64;
  if (!(sigma > 0)) throw new Error(`σ(${m0}) = ${sigma} is not positive`);
  const { blind, train } = windows(sp.centres, m0, sigma, kB, o.trainNSigma ?? kB);
  if (blind.length === 0) throw new Error("the blind window contains no bins");
  const gpOpts: GpBackgroundOptions = { ...(o.gp ?? {}), lsHiFloor: o.lsStat ? { stat: o.lsStat, factor: 0.8 } : o.gp?.lsHiFloor };
  const pred = predictBackground(sp.centres, sp.counts, train, blind, sigmaX(m0, sigma), gpOpts);
  const wFull = fullTemplate(sp.edges, m0, sigma);
  const rho = localDensity(sp.edges, sp.counts, m0, sigma, o.densityNSigma ?? kB);
  return {
    blind, train, b: pred.b, C: pred.C, w: blind.map((i) => wFull[i]), n: blind.map((i) => Math.round(sp.counts[i])),
    rho, aPerEps2: yieldPerEps2(m0, o.fRad, rho),
    gp: { kernel: pred.kernel, constant: pred.constant, lengthScale: pred.lengthScale, lml: pred.lml, lsBounds: pred.lsBounds, theta: pred.theta, starts: pred.starts },
    wFull,
    get muFull(): Float64Array {
      return pred.muFull;
    },
  };
}

/** Why a computed row cannot stand as a result ("" when it can). */
/** "lower"/"upper" when the fitted GP length scale sits at a bound (within 0.1% in ln ℓ), else null. */
export function lsAtBound(r: Pick<MassPointRow, "gp_length_scale" | "gp_ls_lo" | "gp_ls_hi">): "lower" | "upper" | null {
  const near = (a: number, b: number) => Number.isFinite(a) && Number.isFinite(b) && Math.abs(Math.log(a / b)) < 1e-3;
  return near(r.gp_length_scale, r.gp_ls_hi) ? "upper" : near(r.gp_length_scale, r.gp_ls_lo) ? "lower" : null;
}

export function unphysical(r: Pick<MassPointRow, "sigma_A" | "Z_analytic" | "A_up" | "obs_window_counts" | "bkg_window_mean">): string {
  const why: string[] = [];
  if (!(r.sigma_A > 0) || !Number.isFinite(r.sigma_A)) why.push(`σ_A = ${r.sigma_A}: the window likelihood does not constrain A`);
  if (!Number.isFinite(r.Z_analytic)) why.push(`Z = ${r.Z_analytic} is not finite`);
  if (!Number.isFinite(r.A_up)) why.push(`the upper limit on A is ${r.A_up}`);
  if (r.obs_window_counts > 0 && (100 * r.bkg_window_mean < r.obs_window_counts || r.bkg_window_mean > 100 * Math.max(r.obs_window_counts, 1)))
    why.push(`GP background ${r.bkg_window_mean.toPrecision(3)} against ${r.obs_window_counts} observed in the window`);
  return why.join("; ");
}

export function evaluateMassPoint(dataset: string, sp: Spectrum, m0: number, sigma: number, o: MassPointOptions): MassPointRow {
  return evaluateMassPointDetailed(dataset, sp, m0, sigma, o).row;
}

/** The row and, when the GP stage succeeded, the per-mass inputs (for the combination and figures). */
export function evaluateMassPointDetailed(dataset: string, sp: Spectrum, m0: number, sigma: number, o: MassPointOptions): { row: MassPointRow; inputs?: MassPointInputs } {
  const kB = o.blindNSigma ?? 1.64;
  let inputs: MassPointInputs | undefined;
  const row: MassPointRow = {
    dataset, mass_GeV: m0, sigma_mass_res_GeV: sigma, n_blind_bins: 0, n_train_bins: 0, obs_window_counts: NaN, bkg_window_mean: NaN,
    A_hat: NaN, sigma_A: NaN, A_up: NaN, eps2_up: NaN, p0_analytic: NaN, Z_analytic: NaN, integral_density: NaN, A_per_eps2: NaN, f_blind: NaN,
    gp_kernel: "", gp_constant: NaN, gp_length_scale: NaN, gp_lml: NaN, gp_ls_lo: NaN, gp_ls_hi: NaN, gp_starts: NaN, gp_starts_agree: NaN, gp_starts_disagree: NaN,
    cls_statistic: "tilde_q_mu", cls_calibration: "asymptotic",
    blind_lo: m0 - kB * sigma, blind_hi: m0 + kB * sigma, gp_ls_init: NaN, sigma_x: sigmaX(m0, sigma), extract_success: false, visibility: "error",
    ok: false, error: "",
  };
  try {
    const x = massPointInputs(sp, m0, sigma, o);
    inputs = x;
    row.gp_ls_init = x.gp.lsBounds[2];
    row.n_blind_bins = x.blind.length;
    row.n_train_bins = x.train.length;
    Object.assign(row, { gp_kernel: x.gp.kernel, gp_constant: x.gp.constant, gp_length_scale: x.gp.lengthScale, gp_lml: x.gp.lml, gp_ls_lo: x.gp.lsBounds[0], gp_ls_hi: x.gp.lsBounds[1] });
    const st = x.gp.starts;
    if (st) Object.assign(row, { gp_starts: st.run, gp_starts_agree: st.agree, gp_starts_disagree: st.disagree });
    row.f_blind = x.w.reduce((a, v) => a + v, 0);
    row.obs_window_counts = x.n.reduce((a, v) => a + v, 0);
    row.bkg_window_mean = x.b.reduce((a, v) => a + v, 0);
    row.integral_density = x.rho;
    row.A_per_eps2 = x.aPerEps2;
    if ((o.visibility ?? "observed") === "expected_only") {
      // Blinded dataset: no observed statistic is computed (the GP prediction above still runs).
      row.obs_window_counts = NaN;
      row.visibility = "expected_only";
      row.ok = true;
      return { row, inputs };
    }
    const lik = new WindowLikelihood({ n: x.n, b: x.b, C: x.C, w: x.w });
    const level = o.alpha ?? 0.05;
    const lim = o.clsToys
      ? windowLimitToys(lik, x.C, { nToys: o.clsToys.nToys, seed: toyClsSeed(dataset, m0, o.clsToys.seedBase), truncMethod: o.clsToys.truncMethod }, { level })
      : windowLimit(lik, { level });
    if (o.clsToys) row.cls_calibration = "toys";
    const obs = lim.obs;
    const free = obs.free;
    row.A_hat = obs.muHat;
    row.sigma_A = obs.poiError();
    row.A_up = lim.limit;
    const d = discovery(obs);
    row.p0_analytic = d.p0;
    row.Z_analytic = d.Z;
    row.eps2_up = row.A_up / row.A_per_eps2;
    row.extract_success = free.converged;
    row.ok = lim.converged && free.converged;
    row.visibility = "observed";
    if (!row.ok) {
      row.error = "fit or limit did not converge";
      row.visibility = "error";
    }
    // An unphysical background or broken statistics is a failed point with its reason, never a
    // number (issue #22): σ_A ≤ 0, a non-finite Z or limit, or a window background off from
    // the observed counts by more than a factor 100.
    const reasons = unphysical(row);
    if (reasons) {
      row.ok = false;
      row.visibility = "error";
      row.error = row.error ? `${row.error}; ${reasons}` : reasons;
    }
  } catch (e) {
    row.error = (e as Error).message.replace(/[\r\n,]+/g, " ");
    row.visibility = "error";
  }
  return { row, inputs };
}
