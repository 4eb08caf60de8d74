// Likelihoods as interval functions (spec §2.2): for a ratio r ∈ [0, 1] to the maximum, write the
// super-level set {x : L̃(x) > r} = [lo, hi] into out[0], out[1]. The quadrature calls these
// hundreds of thousands of times per scan, so they write into a caller's buffer instead of
// returning arrays.
import { InputError } from "../io/errors.ts";
import { invgHi, invgLo } from "./lambert-w.ts";

export interface IntervalLikelihood {
  /** Write [lo, hi] of {x : L̃(x) > r} into out[0], out[1]; r outside [0, 1] gives NaN. */
  interval(r: number, out: Float64Array): void;
}

/** Normal likelihood L̃ = exp(−(x−μ)²/2σ²): interval μ ± σ√(−2 ln r). */
export class NormalLikelihood implements IntervalLikelihood {
  constructor(readonly mu: number, readonly sigma: number) {
    if (!(sigma > 0) || !Number.isFinite(sigma)) throw new InputError("", "sigma", `normal likelihood: sigma must be finite and > 0, got ${sigma}`);
    if (!Number.isFinite(mu)) throw new InputError("", "mu", `normal likelihood: mu must be finite, got ${mu}`);
  }
  interval(r: number, out: Float64Array): void {
    if (!(r >= 0 && r <= 1)) { out[0] = NaN; out[1] = NaN; return; }
    const half = this.sigma * Math.sqrt(-2 * Math.log(r));
    out[0] = this.mu - half;
    out[1] = this.mu + half;
  }
}

/** gamma1(k): L̃(x) = e^{k−x}(x/k)^k on x ≥ 0, the Poisson ratio for real k ≥ 0 (spec §2.2).
 *  For k > 0 the interval is k·[t_lo, t_hi] with g(t) = −ln(r)/k; for k = 0 it is [0, −ln r]. */
export class Gamma1Likelihood implements IntervalLikelihood {
  constructor(readonly shape: number) {
    if (!(shape >= 0) || !Number.isFinite(shape)) throw new InputError("", "shape", `gamma1 likelihood: shape k must be finite and ≥ 0, got ${shape}`);
  }
  interval(r: number, out: Float64Array): void {
    if (!(r >= 0 && r <= 1)) { out[0] = NaN; out[1] = NaN; return; }
    if (r === 0) { out[0] = 0; out[1] = Infinity; return; }
    const k = this.shape;
    if (k === 0) { out[0] = 0; out[1] = -Math.log(r); return; }
    const y = -Math.log(r) / k;
    out[0] = k * invgLo(y);
    out[1] = k * invgHi(y);
  }
}

/** Poisson likelihood for an observed count n: gamma1(n) with n a non-negative integer. */
export function poissonLikelihood(n: number): Gamma1Likelihood {
  if (!Number.isInteger(n) || n < 0) throw new InputError("", "n", `poisson likelihood: n must be a non-negative integer, got ${n}`);
  return new Gamma1Likelihood(n);
}

/** The likelihood of §3.4 for a data value: Poisson when integral, gamma1 (expected data) otherwise. */
export function countLikelihood(n: number): Gamma1Likelihood {
  return Number.isInteger(n) ? poissonLikelihood(n) : new Gamma1Likelihood(n);
}

/** ln L̃ for the continuous Poisson ratio: n − μ + n ln(μ/n), with 0·ln 0 = 0 (spec §3.4, delta). */
export function poissonLogRatio(n: number, mu: number): number {
  return n === 0 ? -mu : n - mu + n * Math.log(mu / n);
}
