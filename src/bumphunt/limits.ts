// hps_gpr's per-mass statistics on a WindowLikelihood (spec §7.5–7.8): discovery q0/p0/Z with
// the bounded fit, the q̃_A statistic with its three branches, asymptotic CLs with the
// background-only Asimov data n = b, and the bisection upper limit on the yield A.
// Fits that do not depend on the tested amplitude (free, bounded, A = 0 profiles; the Asimov
// free fit) are computed once per window and cached.
import { fit, type FitResult } from "../likelihood/fit.ts";
import { normalCdf, normalSf } from "../math/special.ts";
import type { WindowLikelihood } from "./window-likelihood.ts";

const TOL = 1e-10;

/** Cached fits of one dataset (observed or Asimov) on one window. */
export class WindowFits {
  private free_?: FitResult;
  private null_?: FitResult;
  private readonly fixed = new Map<number, FitResult>();

  constructor(readonly lik: WindowLikelihood, readonly data: Float64Array) {}

  private init(): Float64Array {
    const x = Float64Array.from(this.lik.parameters, (p) => p.init);
    x[0] = this.lik.startAmplitude(this.data.subarray(0, this.lik.nMain));
    return x;
  }

  /** Unconstrained fit (A may be negative). */
  get free(): FitResult {
    return (this.free_ ??= fit(this.lik, this.data, { init: this.init() }));
  }

  /** Fit with A ≥ 0 (the discovery alternative). */
  get bounded(): FitResult {
    const f = this.free;
    return f.pars[0] >= 0 ? f : this.fixedAt(0);
  }

  /** Profile of θ at fixed A (start θ = 0 as hps_gpr; the free fit's θ is a better start, same minimum). */
  fixedAt(A: number): FitResult {
    let r = this.fixed.get(A);
    if (!r) {
      const init = Float64Array.from(this.free.pars);
      init[0] = A;
      r = fit(this.lik, this.data, { init, fix: [[0, A]] });
      this.fixed.set(A, r);
    }
    return r;
  }

  get nullFit(): FitResult {
    return (this.null_ ??= this.fixedAt(0));
  }
}

export interface Discovery {
  q0: number;
  p0: number;
  Z: number;
}

/** §7.5: q0 = max(0, 2(nll(A=0) − nll_bounded)); Z = √q0; p0 = 1 − Φ(Z). */
export function discovery(f: WindowFits): Discovery {
  const q0 = Math.max(0, 2 * (f.nullFit.nll - f.bounded.nll));
  const Z = Math.sqrt(q0);
  return { q0, p0: normalSf(Z), Z };
}

export type QBranch = "muhat_gt_test" | "interior" | "boundary";

/** §7.6: q̃_A with the unconstrained Â: 0 if Â > A; vs the free fit if 0 ≤ Â ≤ A; vs A = 0 if Â < 0. */
export function qTilde(f: WindowFits, A: number): { q: number; branch: QBranch } {
  const aHat = f.free.pars[0];
  if (aHat > A + TOL) return { q: 0, branch: "muhat_gt_test" };
  const nllA = f.fixedAt(A).nll;
  if (aHat >= -TOL) return { q: Math.max(0, 2 * (nllA - f.free.nll)), branch: "interior" };
  return { q: Math.max(0, 2 * (nllA - f.nullFit.nll)), branch: "boundary" };
}

export interface ClsResult {
  cls: number;
  clsb: number;
  clb: number;
  qObs: number;
  qA: number;
}

/**
 * §7.7 asymptotic CLs at A with the background-only Asimov data n = b:
 * CL_sb = 1 − Φ(√q_obs), CL_b = max(Φ(√q_A − √q_obs), 1e-12), CLs = CL_sb / CL_b; A ≤ 0 → 1.
 */
export function clsAsymptotic(obs: WindowFits, asimov: WindowFits, A: number): ClsResult {
  if (!(A > 0)) return { cls: 1, clsb: 1, clb: 1, qObs: 0, qA: 0 };
  const qObs = qTilde(obs, A).q;
  const qA = qTilde(asimov, A).q;
  const clsb = normalSf(Math.sqrt(qObs));
  const clb = Math.max(normalCdf(Math.sqrt(qA) - Math.sqrt(qObs)), 1e-12);
  return { cls: clsb / clb, clsb, clb, qObs, qA };
}

export interface LimitOptions {
  /** CLs level α (0.05 for 95% CL). */
  alpha?: number;
  maxIter?: number;
  /** Stop when |CLs − α| < tolCls. */
  tolCls?: number;
  /** Optional starting upper bracket. */
  aHi0?: number;
  /** Stop when the bracket is relatively narrower than this (default 1e-6). */
  relWidth?: number;
  /** Maximum number of bracket doublings (default 40) and cap on the bracket (default 1e7). */
  maxDoublings?: number;
  hiCap?: number;
}

export interface LimitResult {
  aUp: number;
  converged: boolean;
  evaluations: number;
}

/**
 * §7.8 bisection for CLs(A) = α: A_lo = 0, A_hi = max(1, 3√max(Σb, 1)) doubled while
 * CLs(A_hi) > α (A_hi < 1e7, ≤ 40 doublings); bisect until |CLs − α| < tol or the bracket is
 * relatively narrower than 1e-6; the result is the bracket's midpoint.
 */
export function upperLimit(cls: (A: number) => number, sumB: number, o: LimitOptions = {}): LimitResult {
  const alpha = o.alpha ?? 0.05;
  const maxIter = o.maxIter ?? 40;
  const tol = o.tolCls ?? 1e-6;
  let lo = 0;
  let hi = o.aHi0 ?? Math.max(1, 3 * Math.sqrt(Math.max(sumB, 1)));
  let evaluations = 0;
  const f = (A: number) => { evaluations++; return cls(A); };
  let doublings = 0;
  const hiCap = o.hiCap ?? 1e7, maxDoublings = o.maxDoublings ?? 40, relWidth = o.relWidth ?? 1e-6;
  while (f(hi) > alpha && hi < hiCap && doublings < maxDoublings) { hi *= 2; doublings++; }
  let converged = false;
  for (let it = 0; it < maxIter; it++) {
    const mid = 0.5 * (lo + hi);
    const c = f(mid);
    if (Math.abs(c - alpha) < tol) { lo = hi = mid; converged = true; break; }
    if (c > alpha) lo = mid; else hi = mid;
    if (Math.abs(hi - lo) <= Math.max(1e-12, relWidth * Math.max(Math.abs(hi), Math.abs(lo)))) { converged = true; break; }
  }
  return { aUp: 0.5 * (lo + hi), converged, evaluations };
}

/** Observed and Asimov fit caches for a window, and the asymptotic UL on A. */
export function windowLimit(lik: WindowLikelihood, o: LimitOptions = {}): LimitResult & { obs: WindowFits; asimov: WindowFits } {
  const obs = new WindowFits(lik, lik.observed);
  const asimov = new WindowFits(lik, lik.dataWithCounts(lik.b));
  let sumB = 0;
  for (const v of lik.b) sumB += v;
  const r = upperLimit((A) => clsAsymptotic(obs, asimov, A).cls, sumB, o);
  return { ...r, obs, asimov };
}
