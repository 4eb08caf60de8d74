// Expected upper-limit bands of the bump hunt (hps_gpr bands.py; spec §11.1, mode A
// "conditional GP"): background-only pseudo-experiments λ_t ~ MVN⁺(b, C), n_t ~ Poisson(λ_t),
// each limited with the nominal (b, C, w); quantiles of the toy limits give the band, and the
// observed limit's position in that distribution gives p_strong/p_weak/p_two.
// The Asimov fits (n = b) and the square root of C are shared by all toys; the limit of each
// toy is found by Brent's method on CLs(A) − α (same root as hps_gpr's bisection, fewer CLs
// evaluations). Toy t draws from Rng.forStream(seed, t).
import { nonNegativeMvn, samplingFactor, type TruncMethod } from "../math/mvn.ts";
import { brent } from "../math/roots.ts";
import { Rng } from "../math/rng.ts";
import { pTwoSided } from "../infer/look-elsewhere.ts";
import { WindowFits, clsAsymptotic } from "./limits.ts";
import { quantile } from "./injection.ts";
import { WindowLikelihood } from "./window-likelihood.ts";

export const BAND_QUANTILES = [0.025, 0.16, 0.5, 0.84, 0.975];

export interface BandOptions {
  b: ArrayLike<number>;
  C: ArrayLike<number>;
  w: ArrayLike<number>;
  nToys: number;
  seed: number;
  alpha?: number;
  truncMethod?: TruncMethod;
  /** Observed limit, for p_strong / p_weak / p_two. */
  observed?: number;
  /** Yield per unit ε² (K) to express the band in ε² too. */
  aPerEps2?: number;
}

export interface BandResult {
  /** Toy limits on A in toy order (NaN for a failed toy). */
  toyLimits: number[];
  n_failed: number;
  /** Quantiles 2.5/16/50/84/97.5% and mean of the finite toy limits, on A and ε². */
  A: { lo2: number; lo1: number; med: number; hi1: number; hi2: number; mean: number };
  eps2: { lo2: number; lo1: number; med: number; hi1: number; hi2: number; mean: number } | null;
  p_strong: number;
  p_weak: number;
  p_two: number;
}

/** The CLs upper limit on A for counts n with shared nominal model and Asimov fits. */
export function limitForCounts(lik: WindowLikelihood, asimov: WindowFits, n: ArrayLike<number>, alpha: number, sumB: number): number {
  const obs = new WindowFits(lik, lik.dataWithCounts(n));
  const f = (A: number) => clsAsymptotic(obs, asimov, A).cls - alpha;
  let hi = Math.max(1, 3 * Math.sqrt(Math.max(sumB, 1)));
  let fhi = f(hi);
  for (let k = 0; fhi > 0 && hi < 1e7 && k < 40; k++) { hi *= 2; fhi = f(hi); }
  const lo = 0, flo = 1 - alpha; // CLs(0) = 1 by definition (§7.7)
  if (fhi > 0) return NaN;
  return brent(f, lo, hi, { xtol: 1e-12, rtol: 1e-8 }, flo, fhi).x;
}

export function expectedBands(o: BandOptions, toyStart = 0, toyEnd = o.nToys): BandResult {
  const alpha = o.alpha ?? 0.05;
  const B = o.b.length;
  const lik = new WindowLikelihood({ n: o.b, b: o.b, C: o.C, w: o.w });
  const asimov = new WindowFits(lik, lik.dataWithCounts(lik.b));
  let sumB = 0;
  for (let i = 0; i < B; i++) sumB += lik.b[i];
  const F = samplingFactor(o.C, B);
  const toyLimits: number[] = [];
  for (let t = toyStart; t < toyEnd; t++) {
    const rng = Rng.forStream(o.seed, t);
    const lam = nonNegativeMvn(o.b, F, 1, rng, o.truncMethod ?? "reject_then_clip");
    const n = Array.from(lam, (l) => rng.poisson(l));
    let ul: number;
    try {
      ul = limitForCounts(lik, asimov, n, alpha, sumB);
    } catch {
      ul = NaN;
    }
    toyLimits.push(ul);
  }
  return summariseBands(toyLimits, o.observed, o.aPerEps2);
}

export function summariseBands(toyLimits: number[], observed?: number, aPerEps2?: number): BandResult {
  const ok = toyLimits.filter(Number.isFinite);
  const q = (v: number[]) => {
    const [lo2, lo1, med, hi1, hi2] = BAND_QUANTILES.map((p) => quantile(v, p));
    return { lo2, lo1, med, hi1, hi2, mean: v.reduce((a, x) => a + x, 0) / v.length };
  };
  let pStrong = NaN, pWeak = NaN;
  if (observed !== undefined && ok.length) {
    pStrong = ok.filter((x) => x <= observed).length / ok.length;
    pWeak = ok.filter((x) => x >= observed).length / ok.length;
  }
  return {
    toyLimits, n_failed: toyLimits.length - ok.length, A: q(ok),
    eps2: aPerEps2 && aPerEps2 > 0 ? q(ok.map((x) => x / aPerEps2)) : null,
    p_strong: pStrong, p_weak: pWeak, p_two: Number.isFinite(pStrong) ? pTwoSided(pStrong, pWeak) : NaN,
  };
}
