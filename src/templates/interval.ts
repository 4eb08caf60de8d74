// One template fit: μ̂, the 68.27% interval [p16, p84] on μ, the nuisance MLEs and a
// convergence flag (../shared/specs/gato_sage.md §B4), by one of three methods:
//   "profile" q(μ) = 1 by bracketing + Brent on warm-started profiles (infer/profile-interval.ts)
//   "scan"    a 21-point profiled scan with linearly interpolated crossings (HEPHY, §B3)
//   "hesse"   μ̂ ± σ_Hesse (the official baseline, §B2)
// Post-hoc calibration is explicit and off by default (§B3's lesson): `inflate` multiplies both
// half-widths about μ̂ (HEPHY used 1.045) and `clip` = [a, b] moves p16 below a to a and p84
// above b to b (HEPHY clipped to the known truth range [0.1, 3]). A fit that throws or returns
// non-finite numbers is a record with status "failed" and its reason, never dropped.
import { fit } from "../likelihood/fit.ts";
import type { Likelihood } from "../likelihood/types.ts";
import { profileInterval, scanInterval, hesseSigma, type ProfileIntervalResult } from "../infer/profile-interval.ts";

export type IntervalMethod = "profile" | "scan" | "hesse";
export const INTERVAL_METHODS: readonly IntervalMethod[] = ["profile", "scan", "hesse"];

export interface IntervalOptions {
  method?: IntervalMethod;
  /** Half-width inflation factor about μ̂ (default 1: none). */
  inflate?: number;
  /** Clip the ends to a known μ range [a, b] (default: none). */
  clip?: [number, number] | null;
  /** Absolute tolerance on the profile interval's ends (default 1e-5). */
  xtol?: number;
  /** Stop the profile root search at |√q − 1| ≤ ftol (default 1e-4; 0 = Brent to xtol). */
  ftol?: number;
  /** Starting values for the global fit (e.g. the nominal parameters). */
  init?: ArrayLike<number>;
}

export interface TemplateFit {
  status: "ok" | "failed";
  /** Why the fit failed or did not converge ("" otherwise). */
  reason: string;
  converged: boolean;
  mu_hat: number;
  p16: number;
  p84: number;
  /** (p84 − p16)/2, after calibration. */
  half_width: number;
  sigma_hesse: number;
  lower_at_bound: boolean;
  upper_at_bound: boolean;
  /** −2 ln L at the global fit. */
  twice_nll: number;
  /** Number of profiled fits. */
  fits: number;
  /** MLE of every parameter (the POI included), by name. */
  bestfit: Record<string, number>;
}

/** Fit μ and its 68.27% interval on `data` (main + aux). Never throws for numerical failures. */
export function fitInterval(lik: Likelihood, data: Float64Array, o: IntervalOptions = {}): TemplateFit {
  const poi = lik.poi ?? 0;
  const method = o.method ?? "profile";
  try {
    const best = fit(lik, data, o.init ? { init: o.init } : {});
    if (!Number.isFinite(best.twiceNll)) throw new Error(`the global fit ended at a non-finite NLL (${best.message})`);
    let r: ProfileIntervalResult;
    // Ends to |√q − 1| ≤ 1e-4 (~1e-4·σ in μ) or 1e-5 in μ: far below any width of interest, and
    // half the profiled fits of a full-precision root.
    if (method === "profile") r = profileInterval(lik, poi, { data, best, xtol: o.xtol ?? 1e-5, ftol: o.ftol ?? 1e-4 });
    else if (method === "scan") r = scanInterval(lik, poi, { data, best });
    else {
      const s = hesseSigma(lik, data, best, poi);
      const p = lik.parameters[poi];
      const ok = Number.isFinite(s) && s > 0;
      r = {
        best, estimate: best.pars[poi], lower: Math.max(p.lower, best.pars[poi] - s), upper: Math.min(p.upper, best.pars[poi] + s),
        lower_at_bound: best.pars[poi] - s <= p.lower, upper_at_bound: best.pars[poi] + s >= p.upper, sigma_hesse: s,
        converged: best.converged && ok, fits: 0, message: !ok ? "singular Hessian" : best.converged ? "" : `global fit: ${best.message}`,
      };
    }
    let p16 = r.lower, p84 = r.upper;
    const muHat = r.best.pars[poi];
    if (!Number.isFinite(p16) || !Number.isFinite(p84) || !Number.isFinite(muHat)) throw new Error(`no finite interval (${r.message || "crossing not found"})`);
    const k = o.inflate ?? 1;
    if (k !== 1) { p16 = muHat - k * (muHat - p16); p84 = muHat + k * (p84 - muHat); }
    if (o.clip) { p16 = Math.max(p16, o.clip[0]); p84 = Math.min(p84, o.clip[1]); }
    const bestfit: Record<string, number> = {};
    lik.parameters.forEach((p, i) => { bestfit[p.name] = r.best.pars[i]; });
    return {
      status: "ok", reason: r.message, converged: r.converged, mu_hat: muHat, p16, p84, half_width: (p84 - p16) / 2,
      sigma_hesse: r.sigma_hesse, lower_at_bound: r.lower_at_bound, upper_at_bound: r.upper_at_bound,
      twice_nll: r.best.twiceNll, fits: r.fits, bestfit,
    };
  } catch (e) {
    const bestfit: Record<string, number> = {};
    for (const p of lik.parameters) bestfit[p.name] = NaN;
    return {
      status: "failed", reason: (e as Error).message, converged: false, mu_hat: NaN, p16: NaN, p84: NaN, half_width: NaN,
      sigma_hesse: NaN, lower_at_bound: false, upper_at_bound: false, twice_nll: NaN, fits: 0, bestfit,
    };
  }
}
