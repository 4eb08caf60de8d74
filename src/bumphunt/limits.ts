// hps_gpr's per-mass statistics on a WindowLikelihood (spec §7.5–7.8), computed by src/infer
// with hps_gpr's conventions: fits start A at the GLS estimate (§7.3) and the conditional fits
// from the free fit; discovery q0/p0/Z (§7.5); Cowan's q̃_A with the amplitude unbounded
// (§7.6, three branches); asymptotic CLs with the background-only Asimov data n = b, the q_μ
// formula for every q̃ and CL_b ≥ 1e-12 (§7.7); the §7.8 bisection for the upper limit on A.
// The fit calls (init, fixed parameters) and the bisection's arithmetic are those of the
// former bump-hunt-only code, so scan results are bit-identical to it.
import { AsymptoticCalculator, type AsymptoticConvention } from "../infer/asymptotic.ts";
import { localSignificance, type LocalSignificance } from "../infer/significance.ts";
import { ProfileFits, type ProfileFitsOptions } from "../infer/test-statistics.ts";
import { limitFromCls, type ClsLimitOptions, type ClsLimitResult } from "../infer/upper-limit.ts";
import type { WindowLikelihood } from "./window-likelihood.ts";

/** The test statistic of hps_gpr's limits (§7.6). */
export const HPS_STATISTIC = "qtilde_unbounded" as const;

/** §7.7: CL_s+b = 1 − Φ(√q_obs), CL_b = max(Φ(√q_A − √q_obs), 1e-12). */
export const HPS_ASYMPTOTIC: AsymptoticConvention = { formula: "simple", clbFloor: 1e-12 };

/** hps_gpr's fit conventions: the free fit starts at the GLS amplitude, conditional fits from the free fit. */
export function hpsFits(lik: WindowLikelihood): ProfileFitsOptions {
  return { warmStart: true, start: (data) => lik.startingPoint(data) };
}

/** The cached fits of `data` (default: the observed counts) on a window. */
export function windowFits(lik: WindowLikelihood, data: Float64Array = lik.observed): ProfileFits {
  return new ProfileFits(lik, data, {}, hpsFits(lik));
}

/** The asymptotic calculator of a window (§7.7): q̃ with unbounded A, Asimov data n = b, hps_gpr's CLs formula. */
export function windowCalculator(lik: WindowLikelihood): AsymptoticCalculator {
  return new AsymptoticCalculator(lik, lik.observed, HPS_STATISTIC, {}, 0, { ...HPS_ASYMPTOTIC, asimovData: lik.dataWithCounts(lik.b), fits: hpsFits(lik) });
}

export type Discovery = LocalSignificance;

/** §7.5: q0 = max(0, 2(nll(A = 0) − nll(A ≥ 0 fit))); Z = √q0; p0 = 1 − Φ(Z). */
export const discovery = localSignificance;

/** Σb of a window: hps_gpr's bracket start A_hi = max(1, 3√max(Σb, 1)) (§7.8). */
export function windowBracketStart(lik: WindowLikelihood): number {
  let sumB = 0;
  for (const v of lik.b) sumB += v;
  return Math.max(1, 3 * Math.sqrt(Math.max(sumB, 1)));
}

/**
 * §7.8 options for a window's limit: A_lo = 0, A_hi from windowBracketStart doubled while
 * CLs(A_hi) > α (A_hi < 1e7, ≤ 40 doublings), bisection on [0, A_hi] until |CLs − α| < 1e-6
 * or the bracket is relatively narrower than 1e-6 (≤ 40 iterations); result = midpoint.
 * `o` overrides (bands/displays: maxIter 60, clsTol 1e-8; the combination: its own).
 */
export function hpsLimitOptions(lik: WindowLikelihood, o: Partial<ClsLimitOptions> = {}): ClsLimitOptions {
  return {
    level: 0.05, start: windowBracketStart(lik), maxSteps: 40, cap: 1e7, keepLower: true,
    method: "bisection", solveUnbracketed: true, clsTol: 1e-6, rtol: 1e-6, xtol: 1e-12, maxIter: 40, ...o,
  };
}

export interface WindowLimit extends ClsLimitResult {
  /** The observed fits (Â, σ_A, q0) and the calculator holding them with the Asimov fits. */
  obs: ProfileFits;
  calc: AsymptoticCalculator;
}

/** The asymptotic CLs upper limit on A of a window (§7.7–7.8). */
export function windowLimit(lik: WindowLikelihood, o: Partial<ClsLimitOptions> = {}): WindowLimit {
  const calc = windowCalculator(lik);
  return { ...limitFromCls((A) => calc.test(A).observed.cls, hpsLimitOptions(lik, o)), obs: calc.obs, calc };
}
