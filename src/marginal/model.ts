// A model = likelihood (r ↦ [lo, hi]) × prior (mass between): Z = ∫ L̃ dπ = ∫₀¹ M(r) dr with
// M(r) = π({L̃ > r}) (spec §2.1), bounded by quadBound (§2.4).
import type { IntervalLikelihood } from "./likelihood-interval.ts";
import type { Prior } from "./prior-mass.ts";
import { MIN_RTOL, quadBound, type QuadBoundStats } from "./quad-bound.ts";

export class Model {
  /** Scratch for the likelihood interval: M(r) allocates nothing. */
  private readonly interval = new Float64Array(2);
  /** M as a bound closure, built once. */
  readonly massFunction: (r: number) => number;

  constructor(readonly likelihood: IntervalLikelihood, readonly prior: Prior) {
    const out = this.interval;
    this.massFunction = (r: number) => {
      likelihood.interval(r, out);
      return prior.between(out[0], out[1]);
    };
  }

  /** M(r) = prior mass where L̃ > r, for r ∈ [0, 1]. */
  mass(r: number): number {
    if (!(r >= 0 && r <= 1)) throw new RangeError(`mass: ratio must be in [0, 1], got ${r}`);
    return this.massFunction(r);
  }

  /** Certified [lower, upper] bounds on Z = ∫ L̃ dπ with upper − lower ≲ rtol·lower. */
  integrate(rtol = 1e-2, stats?: QuadBoundStats): [number, number] {
    if (!(rtol >= MIN_RTOL)) throw new RangeError(`integrate: rtol must be ≥ ${MIN_RTOL}, got ${rtol}`);
    return quadBound(this.massFunction, rtol, stats);
  }
}
