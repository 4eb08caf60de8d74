// Choice of LML evaluator for a Constant × stationary kernel on 1-D inputs (the HPS case),
// where the cheapest exact or near-exact form depends on the length scale:
//   short ℓ: K is an envelope matrix with narrow rows → envelope.ts, exact, O(n·w²);
//   long ℓ:  the unit Gram matrix has low numerical rank r → lowrank.ts, surrogate, O(n·r²);
//   neither: dense (lml.ts), exact, O(n³) — the blocked dense code is faster per entry than the
//            envelope code once the envelope holds more than about half the triangle.
// `SearchMarginalLikelihood` takes the low-rank surrogate while its rank stays below about the
// envelope's RMS row width (measured at n = 1590: equal cost at r ≈ 0.8·w_rms), else the exact
// envelope or dense evaluation, with hysteresis (the limit is 1.2·w_rms while the surrogate is in
// use, 0.6·w_rms otherwise) so that a quasi-Newton search near its optimum does not flip between
// two slightly different objectives. The surrogate is also refused where its truncation bound
// is large (large c, see MAX_SURROGATE_ERROR): the exact envelope takes over there, and its
// Cholesky fails (−∞, as sklearn's) where K is not numerically positive definite.
// `ExactMarginalLikelihood` never uses the surrogate.

import type { Kernel } from "./kernels.ts";
import { EnvelopeMarginalLikelihood, envelopeApplicable } from "./envelope.ts";
import { MarginalLikelihood, type LmlOptions } from "./lml.ts";
import { LowRankMarginalLikelihood } from "./lowrank.ts";
import { toPoints, type Points, type PointsLike } from "./points.ts";

/**
 * Above this share of the lower triangle the dense (blocked, cache-friendly) evaluation is the
 * cheaper exact one — measured at n = 1590; below ~400 points the envelope always wins.
 */
const DENSE_FILL = 0.45;
const ALWAYS_ENVELOPE_N = 400;
/**
 * The surrogate stands in for the exact LML only where its first-order truncation bound
 * (lowrank.ts) is at most this. The bound is pessimistic and grows like c: on the HPS spectra
 * it reaches 1e4 near log c ≈ 22 at the longest ℓ, where the surrogate still agrees with the
 * dense LML within ~1 and the dense and envelope evaluations (both exact in exact arithmetic)
 * already differ by ~5 in float64; past log c ≈ 25 their Cholesky fails. Beyond the bound the
 * exact envelope is used, so such starts end at −∞ as in sklearn instead of on a finite but
 * meaningless surrogate value.
 */
const MAX_SURROGATE_ERROR = 1e4;
/** Rank limits of the surrogate relative to the envelope's RMS row width (see above). */
const RANK_LIMIT_IN_USE = 1.2;
const RANK_LIMIT_NOT_IN_USE = 0.6;

export class ExactMarginalLikelihood {
  readonly nTheta: number;
  evaluations = 0;
  /** Evaluations done by each method. */
  readonly counts = { envelope: 0, dense: 0 };
  private readonly dense: MarginalLikelihood;
  private readonly envelope: EnvelopeMarginalLikelihood | null;

  constructor(kernel: Kernel, X: PointsLike, y: ArrayLike<number>, opts: LmlOptions = {}) {
    const pts = toPoints(X);
    this.dense = new MarginalLikelihood(kernel, pts, y, opts);
    this.envelope = envelopeApplicable(kernel, pts) ? new EnvelopeMarginalLikelihood(kernel, pts, y, opts) : null;
    this.nTheta = this.dense.nTheta;
  }

  evaluate(theta: ArrayLike<number>, grad: Float64Array | null = null): number {
    this.evaluations++;
    if (this.envelope && (this.envelope.n <= ALWAYS_ENVELOPE_N || this.envelope.plan(theta).fill <= DENSE_FILL)) {
      this.counts.envelope++;
      return this.envelope.evaluate(theta, grad);
    }
    this.counts.dense++;
    return this.dense.evaluate(theta, grad);
  }
}

export class SearchMarginalLikelihood {
  readonly nTheta: number;
  evaluations = 0;
  readonly counts = { surrogate: 0, envelope: 0, dense: 0 };
  private readonly lowRank: LowRankMarginalLikelihood;
  private readonly envelope: EnvelopeMarginalLikelihood;
  /** Dense evaluator, built on first need (its n×n workspaces are rarely used by a search). */
  private dense: MarginalLikelihood | null = null;
  private readonly denseArgs: { kernel: Kernel; pts: Points; y: ArrayLike<number>; opts: LmlOptions };

  constructor(kernel: Kernel, X: PointsLike, y: ArrayLike<number>, opts: LmlOptions = {}) {
    const pts = toPoints(X);
    this.envelope = new EnvelopeMarginalLikelihood(kernel, pts, y, opts);
    this.lowRank = new LowRankMarginalLikelihood(kernel, pts, y, opts);
    this.denseArgs = { kernel, pts, y, opts };
    this.nTheta = this.lowRank.nTheta;
  }

  private surrogateMode = true;

  evaluate(theta: ArrayLike<number>, grad: Float64Array | null = null): number {
    this.evaluations++;
    const plan = this.envelope.plan(theta);
    const v = this.lowRank.evaluateWithin(theta, grad, plan.rmsWidth * (this.surrogateMode ? RANK_LIMIT_IN_USE : RANK_LIMIT_NOT_IN_USE));
    this.surrogateMode = v !== null;
    if (v !== null && this.lowRank.lastTruncationBound <= MAX_SURROGATE_ERROR) {
      this.counts.surrogate++;
      return v;
    }
    // Uncertified surrogate (large c) → the envelope, whatever its fill: where K is not
    // numerically positive definite its Cholesky fails within the first rows it builds.
    if (v !== null || plan.fill <= DENSE_FILL) {
      this.counts.envelope++;
      return this.envelope.evaluate(theta, grad);
    }
    this.counts.dense++;
    const { kernel, pts, y, opts } = this.denseArgs;
    this.dense ??= new MarginalLikelihood(kernel, pts, y, opts);
    return this.dense.evaluate(theta, grad);
  }
}
