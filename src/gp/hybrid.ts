// Choice of LML evaluator for a Constant × stationary kernel on 1-D inputs (the HPS case),
// where the cheapest exact or near-exact form depends on the length scale:
//   short ℓ: K is an envelope matrix with narrow rows → envelope.ts, exact, O(n·w²);
//   long ℓ:  the unit Gram matrix has low numerical rank r → lowrank.ts, surrogate, O(n·r²);
//   neither: dense (lml.ts), exact, O(n³) — the blocked dense code is faster per entry than the
//            envelope code once the envelope holds more than about half the triangle.
// `SearchMarginalLikelihood` takes the low-rank surrogate while its rank stays below the
// envelope's RMS row width (equal work), else the exact envelope or dense evaluation, with
// hysteresis: the surrogate differs from the exact LML by ~1e-9 relative, and a quasi-Newton
// search that flips between them near its optimum sees a noisy objective and stalls. So the
// current mode is kept until the other is clearly cheaper (rank above 2× or below ½× the width).
// `ExactMarginalLikelihood` never uses the surrogate.

import type { Kernel } from "./kernels.ts";
import { EnvelopeMarginalLikelihood, envelopeApplicable } from "./envelope.ts";
import { MarginalLikelihood, type LmlOptions } from "./lml.ts";
import { LowRankMarginalLikelihood } from "./lowrank.ts";
import { toPoints, type PointsLike } from "./points.ts";

/**
 * Above this share of the lower triangle the dense (blocked, cache-friendly) evaluation is the
 * cheaper exact one — measured at n = 1590; below ~400 points the envelope always wins.
 */
const DENSE_FILL = 0.45;
const ALWAYS_ENVELOPE_N = 400;

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
  private readonly dense: MarginalLikelihood;

  constructor(kernel: Kernel, X: PointsLike, y: ArrayLike<number>, opts: LmlOptions = {}) {
    const pts = toPoints(X);
    this.envelope = new EnvelopeMarginalLikelihood(kernel, pts, y, opts);
    this.lowRank = new LowRankMarginalLikelihood(kernel, pts, y, opts);
    this.dense = new MarginalLikelihood(kernel, pts, y, opts);
    this.nTheta = this.dense.nTheta;
  }

  private surrogateMode = true;

  evaluate(theta: ArrayLike<number>, grad: Float64Array | null = null): number {
    this.evaluations++;
    const plan = this.envelope.plan(theta);
    const v = this.lowRank.evaluateWithin(theta, grad, plan.rmsWidth * (this.surrogateMode ? 2 : 0.5));
    this.surrogateMode = v !== null;
    if (v !== null) {
      this.counts.surrogate++;
      return v;
    }
    if (plan.fill <= DENSE_FILL) {
      this.counts.envelope++;
      return this.envelope.evaluate(theta, grad);
    }
    this.counts.dense++;
    return this.dense.evaluate(theta, grad);
  }
}
