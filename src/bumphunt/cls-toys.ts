// Toy-calibrated CLs of one window (hps_gpr cls_mode: toys; spec §7.7): at a tested yield A,
// each toy draws a background mean λ ~ MVN⁺(b, C) (§11.3) and two pseudo-data sets,
// n_b ~ Poisson(λ) and n_sb ~ Poisson(λ + A·w); q̃_A is evaluated on each with the nominal
// (b, C, w). CL_x = (1 + #{q_toy ≥ q_obs}) / (N_finite + 1), CL_b floored at 1e-12,
// CLs = CL_sb / CL_b. Every CLs(A) evaluation reuses the same toy random streams (common random
// numbers), so CLs is a smooth-ish function of A and the §7.8 bisection is stable; the seed of
// a mass is md5("CLS:<d>:<m0 %.6f>") (first 8 hex digits) + cls_seed_base, mod 2³¹ − 1, as hps_gpr.
import { createHash } from "node:crypto";
import { nonNegativeMvn, samplingFactor, type TruncMethod } from "../math/mvn.ts";
import { Rng } from "../math/rng.ts";
import type { TailProbabilities } from "../infer/asymptotic.ts";
import { qtildeUnbounded, type ProfileFits } from "../infer/test-statistics.ts";
import { toyTails } from "../infer/toys.ts";
import { limitFromCls, type ClsLimitOptions } from "../infer/upper-limit.ts";
import { FastWindowLimit } from "./bands.ts";
import { hpsLimitOptions, windowFits, type WindowLimit } from "./limits.ts";
import type { WindowLikelihood } from "./window-likelihood.ts";

export interface ToyClsOptions {
  nToys: number;
  seed: number;
  truncMethod?: TruncMethod;
}

/** hps_gpr's seed of the toy CLs at one mass. */
export function toyClsSeed(dataset: string, m0: number, seedBase: number): number {
  const h = createHash("md5").update(`CLS:${dataset}:${m0.toFixed(6)}`).digest("hex");
  return (parseInt(h.slice(0, 8), 16) + seedBase) % 2147483647;
}

export interface ToyClsResult extends TailProbabilities {
  qObs: number;
}

export class ToyCls {
  private readonly fast: FastWindowLimit;
  private readonly F: Float64Array;
  private readonly nb: Float64Array;
  private readonly nsb: Float64Array;
  private readonly qB: Float64Array;
  private readonly qSb: Float64Array;
  /** Toys whose q̃ could not be computed (excluded from N_finite), over all evaluations. */
  failedToys = 0;

  /** C: the window's GP covariance (the likelihood keeps only its square root). */
  constructor(readonly lik: WindowLikelihood, C: ArrayLike<number>, readonly obs: ProfileFits, readonly o: ToyClsOptions) {
    this.fast = new FastWindowLimit(lik);
    this.F = samplingFactor(C, lik.b.length);
    const B = lik.b.length;
    this.nb = new Float64Array(B);
    this.nsb = new Float64Array(B);
    this.qB = new Float64Array(o.nToys);
    this.qSb = new Float64Array(o.nToys);
  }

  /** q̃_A of counts n: Newton fast path, general fits as the fallback. */
  private q(n: Float64Array, A: number): number {
    const q = this.fast.qTilde(n, A);
    if (Number.isFinite(q)) return q;
    try {
      return qtildeUnbounded(windowFits(this.lik, this.lik.dataWithCounts(n)), A).q;
    } catch {
      return NaN;
    }
  }

  /** CL_x = (1 + #{q_toy ≥ q_obs}) / (N_finite + 1), CL_b ≥ 1e-12 (§7.7); A ≤ 0 → 1. */
  cls(A: number): ToyClsResult {
    if (!(A > 0)) return { cls: 1, clsb: 1, clb: 1, qObs: 0 };
    const qObs = qtildeUnbounded(this.obs, A).q;
    const b = this.lik.b, w = this.lik.w, B = b.length;
    for (let t = 0; t < this.o.nToys; t++) {
      const rng = Rng.forStream(this.o.seed, t);
      const lam = nonNegativeMvn(b, this.F, 1, rng, this.o.truncMethod ?? "reject_then_clip");
      for (let i = 0; i < B; i++) {
        this.nb[i] = rng.poisson(lam[i]);
        this.nsb[i] = rng.poisson(lam[i] + A * w[i]);
      }
      this.qB[t] = this.q(this.nb, A);
      this.qSb[t] = this.q(this.nsb, A);
      if (!Number.isFinite(this.qB[t])) this.failedToys++;
      if (!Number.isFinite(this.qSb[t])) this.failedToys++;
    }
    return { ...toyTails(qObs, this.qSb, this.qB, { plusOne: true, clbFloor: 1e-12 }), qObs };
  }
}

/** §7.8 upper limit with toy-calibrated CLs; also returns the observed fits. */
export function windowLimitToys(lik: WindowLikelihood, C: ArrayLike<number>, t: ToyClsOptions, o: Partial<ClsLimitOptions> = {}): Omit<WindowLimit, "calc"> & { failedToys: number } {
  const obs = windowFits(lik);
  const toy = new ToyCls(lik, C, obs, t);
  const r = limitFromCls((A) => toy.cls(A).cls, hpsLimitOptions(lik, o));
  return { ...r, obs, failedToys: toy.failedToys };
}
