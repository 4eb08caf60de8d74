// Priors as mass-between functions (spec §2.3): between(lo, hi) = π([lo, hi]) for lo ≤ hi.
// Composable: log(·), add(shift, ·), trunc(a, b, ·), mixture. No allocation per call.
import { erfc } from "../math/special.ts";
import { InputError } from "../io/errors.ts";

export interface Prior {
  /** Prior mass between lo and hi (lo ≤ hi); 0 for an empty interval. */
  between(lo: number, hi: number): number;
}

const SQRT1_2 = Math.SQRT1_2;

/** Standard normal mass between a and b (a ≤ b), keeping relative precision in both tails.
 *  Φ is split as big + small (spec §2.3, §9): for z > 0 big = 1, small = −½erfc(z/√2); otherwise
 *  big = ½erfc(−z/√2), small = 0. The difference is (big_b − big_a) + (small_b − small_a), so two
 *  upper-tail values difference as erfc values, not as 1 − tiny. */
export function standardNormalMass(a: number, b: number): number {
  let bigA: number, smallA: number, bigB: number, smallB: number;
  if (a > 0) { bigA = 1; smallA = -0.5 * erfc(a * SQRT1_2); } else { bigA = 0.5 * erfc(-a * SQRT1_2); smallA = 0; }
  if (b > 0) { bigB = 1; smallB = -0.5 * erfc(b * SQRT1_2); } else { bigB = 0.5 * erfc(-b * SQRT1_2); smallB = 0; }
  return bigB - bigA + (smallB - smallA);
}

function checkFinite(what: string, field: string, x: number): void {
  if (!Number.isFinite(x)) throw new InputError("", field, `${what}: ${field} must be finite, got ${x}`);
}

/** Normal prior N(μ, σ). */
export class NormalPrior implements Prior {
  private readonly tau: number;
  constructor(readonly mu: number, readonly sigma: number) {
    checkFinite("normal prior", "mu", mu);
    if (!(sigma > 0) || !Number.isFinite(sigma)) throw new InputError("", "sigma", `normal prior: sigma must be finite and > 0, got ${sigma}`);
    this.tau = 1 / sigma;
  }
  between(lo: number, hi: number): number {
    return standardNormalMass((lo - this.mu) * this.tau, (hi - this.mu) * this.tau);
  }
}

/** Prior of x whose logarithm has prior `inner`: mass of inner between ln lo and ln hi, ln(x ≤ 0) := −∞. */
export class LogPrior implements Prior {
  constructor(readonly inner: Prior) {}
  between(lo: number, hi: number): number {
    return this.inner.between(lo > 0 ? Math.log(lo) : -Infinity, hi > 0 ? Math.log(hi) : -Infinity);
  }
}

/** Log-normal prior: ln x ~ N(μ, σ) (μ, σ are the mean and sd of ln x). */
export function logNormalPrior(mu: number, sigma: number): Prior {
  return new LogPrior(new NormalPrior(mu, sigma));
}

/** Prior of shift + y with y ~ inner: this is how the signal s enters (μ = s + b). */
export class AddPrior implements Prior {
  constructor(readonly shift: number, readonly inner: Prior) {
    checkFinite("add prior", "shift", shift);
  }
  between(lo: number, hi: number): number {
    return this.inner.between(lo - this.shift, hi - this.shift);
  }
}

/** inner restricted to [a, b] and renormalised; 0 when [lo, hi] ∩ [a, b] is empty or a point. */
export class TruncPrior implements Prior {
  private readonly norm: number;
  constructor(readonly a: number, readonly b: number, readonly inner: Prior) {
    if (!(b > a)) throw new InputError("", "trunc", `truncated prior: need a < b, got [${a}, ${b}]`);
    this.norm = inner.between(a, b);
    if (!(this.norm > 0)) throw new InputError("", "trunc", `truncated prior: the inner prior has no mass in [${a}, ${b}]`);
  }
  between(lo: number, hi: number): number {
    const l = lo > this.a ? lo : this.a;
    const h = hi < this.b ? hi : this.b;
    if (!(l < h)) return 0;
    return this.inner.between(l, h) / this.norm;
  }
}

/** The pipeline's normal prior: N(μ, σ) truncated to [0, ∞) (spec §3.3). */
export function truncNormalPrior(mu: number, sigma: number): Prior {
  return new TruncPrior(0, Infinity, new NormalPrior(mu, sigma));
}

/** Mixture Σ w_i π_i with w_i = rate_i / Σ rate (spec §2.3). */
export class MixturePrior implements Prior {
  private readonly components: Prior[];
  private readonly weights: Float64Array;
  constructor(parts: { prior: Prior; rate: number }[]) {
    if (parts.length < 2) throw new InputError("", "mixture", `mixture prior: need at least 2 components, got ${parts.length}`);
    let total = 0;
    for (const p of parts) {
      if (!(p.rate >= 0) || !Number.isFinite(p.rate)) throw new InputError("", "rate", `mixture prior: rates must be finite and ≥ 0, got ${p.rate}`);
      total += p.rate;
    }
    if (!(total > 0)) throw new InputError("", "rate", "mixture prior: the rates sum to 0");
    this.components = parts.map((p) => p.prior);
    this.weights = Float64Array.from(parts, (p) => p.rate / total);
  }
  between(lo: number, hi: number): number {
    let m = 0;
    for (let i = 0; i < this.components.length; i++) m += this.weights[i] * this.components[i].between(lo, hi);
    return m;
  }
}
