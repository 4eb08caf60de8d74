// A generic counting experiment as a Likelihood: n_i ~ Poisson(μ·s_i + γ_g(i)·b_i) in each bin,
// with background scale factors γ constrained by auxiliary measurements — Gaussian
// (a ~ N(γ, σ), a_obs = 1, σ = δb/b: pyhf's staterror/normsys-like term) or Poisson
// (a ~ Pois(γτ), a_obs = τ = (b/δb)²: pyhf's shapesys term). One γ shared by all bins (a
// scalar relative uncertainty) or one per bin (an array). Constants are kept exactly as pyhf
// keeps them (continuous lgamma, full Gaussian normalisation), gradients are analytic, and
// hot paths allocate nothing. The toy model for unit tests, closure studies and examples.
import type { Rng } from "../math/rng.ts";
import { lgamma, LN_SQRT_2PI } from "../math/special.ts";
import type { Likelihood, ParameterSpec } from "./types.ts";

export interface CountingSpec {
  /** Expected signal per bin at μ = 1. */
  signal: ArrayLike<number>;
  /** Expected background per bin at γ = 1 (> 0). */
  background: ArrayLike<number>;
  /**
   * Relative background uncertainty δb/b: a number for one γ shared by every bin (fully
   * correlated), an array for one γ per bin (uncorrelated). 0 or omitted: no nuisance parameter.
   */
  relativeUncertainty?: number | ArrayLike<number>;
  /** Auxiliary constraint of γ (default "poisson"). */
  constraint?: "gaussian" | "poisson";
  /** Observed counts per bin (default: the background, i.e. a background-only Asimov set). */
  observed?: ArrayLike<number>;
  /** Bounds of μ (default [0, 10]) and its initial value (default 1). */
  muBounds?: [number, number];
  muInit?: number;
  /** Names of μ and γ (default "mu", "gamma"; per-bin γ are "gamma[i]"). */
  poiName?: string;
  gammaName?: string;
}

export class CountingLikelihood implements Likelihood {
  readonly parameters: ParameterSpec[];
  readonly poi = 0;
  readonly nMain: number;
  readonly nAux: number;
  readonly observed: Float64Array;
  readonly constraint: "gaussian" | "poisson";
  private readonly s: Float64Array;
  private readonly b: Float64Array;
  /** γ index (into parameters, 1-based) per bin, or 0 for none. */
  private readonly g: Int32Array;
  /** Per γ: Gaussian σ or Poisson τ. */
  private readonly width: Float64Array;
  private readonly nu: Float64Array;

  constructor(readonly spec: CountingSpec) {
    const n = spec.background.length;
    if (n === 0 || spec.signal.length !== n) throw new Error("counting model: signal and background need the same, non-zero number of bins");
    this.nMain = n;
    this.s = Float64Array.from(spec.signal);
    this.b = Float64Array.from(spec.background);
    for (let i = 0; i < n; i++) {
      if (!(this.b[i] > 0) || !(this.s[i] >= 0)) throw new Error(`counting model: bin ${i} needs b > 0 and s ≥ 0`);
    }
    this.constraint = spec.constraint ?? "poisson";
    const ru = spec.relativeUncertainty ?? 0;
    const rel = typeof ru === "number" ? (ru > 0 ? [ru] : []) : Array.from(ru);
    if (typeof ru !== "number" && rel.length !== n) throw new Error("counting model: one relative uncertainty per bin, or a single number");
    if (rel.some((r) => !(r > 0))) throw new Error("counting model: relative uncertainties must be > 0");
    this.nAux = rel.length;
    this.g = Int32Array.from({ length: n }, (_, i) => (rel.length === 0 ? 0 : rel.length === 1 ? 1 : i + 1));
    // Gaussian: σ = δb/b; Poisson: τ = (b/δb)² = 1/rel².
    this.width = Float64Array.from(rel, (r) => (this.constraint === "gaussian" ? r : 1 / (r * r)));
    const [lo, hi] = spec.muBounds ?? [0, 10];
    const gname = spec.gammaName ?? "gamma";
    this.parameters = [
      { name: spec.poiName ?? "mu", init: spec.muInit ?? 1, lower: lo, upper: hi, fixed: false, constrained: false, prefitSigma: NaN },
      ...rel.map((r, k) => ({
        name: rel.length === 1 && typeof ru === "number" ? gname : `${gname}[${k}]`,
        init: 1, lower: 1e-10, upper: 10, fixed: false, constrained: true, prefitSigma: r,
      })),
    ];
    this.observed = new Float64Array(n + this.nAux);
    const obs = spec.observed ?? spec.background;
    if (obs.length !== n) throw new Error("counting model: one observed count per bin");
    for (let i = 0; i < n; i++) this.observed[i] = obs[i];
    for (let k = 0; k < this.nAux; k++) this.observed[n + k] = this.constraint === "gaussian" ? 1 : this.width[k];
    this.nu = new Float64Array(n);
  }

  private rates(pars: Float64Array): Float64Array {
    const mu = pars[0];
    for (let i = 0; i < this.nMain; i++) this.nu[i] = mu * this.s[i] + (this.g[i] ? pars[this.g[i]] : 1) * this.b[i];
    return this.nu;
  }

  nll(pars: Float64Array, data: Float64Array): number {
    const nu = this.rates(pars);
    let f = 0;
    for (let i = 0; i < this.nMain; i++) {
      const n = data[i];
      if (!(nu[i] > 0)) {
        if (n > 0 || nu[i] !== 0) return Infinity;
        continue; // ν = n = 0: the term is 0
      }
      f += nu[i] - (n > 0 ? n * Math.log(nu[i]) : 0) + lgamma(n + 1);
    }
    return f + this.constraintNll(pars, data, null);
  }

  nllGrad(pars: Float64Array, data: Float64Array, grad: Float64Array): number {
    grad.fill(0);
    const nu = this.rates(pars);
    let f = 0;
    for (let i = 0; i < this.nMain; i++) {
      const n = data[i];
      if (!(nu[i] > 0)) {
        if (n > 0 || nu[i] !== 0) return Infinity;
        grad[0] += this.s[i];
        if (this.g[i]) grad[this.g[i]] += this.b[i];
        continue;
      }
      f += nu[i] - (n > 0 ? n * Math.log(nu[i]) : 0) + lgamma(n + 1);
      const d = 1 - n / nu[i]; // ∂/∂ν of the Poisson term
      grad[0] += d * this.s[i];
      if (this.g[i]) grad[this.g[i]] += d * this.b[i];
    }
    return f + this.constraintNll(pars, data, grad);
  }

  /** Σ of the auxiliary terms; adds their gradient into `grad` when given. */
  private constraintNll(pars: Float64Array, data: Float64Array, grad: Float64Array | null): number {
    let f = 0;
    for (let k = 0; k < this.nAux; k++) {
      const gam = pars[k + 1], a = data[this.nMain + k], w = this.width[k];
      if (this.constraint === "gaussian") {
        const z = (a - gam) / w;
        f += 0.5 * z * z + Math.log(w) + LN_SQRT_2PI;
        if (grad) grad[k + 1] += (gam - a) / (w * w);
      } else {
        const lam = gam * w;
        f += lam - (a > 0 ? a * Math.log(lam) : 0) + lgamma(a + 1);
        if (grad) grad[k + 1] += w - a / gam;
      }
    }
    return f;
  }

  expected(pars: Float64Array, out: Float64Array = new Float64Array(this.nMain + this.nAux)): Float64Array {
    out.set(this.rates(pars));
    for (let k = 0; k < this.nAux; k++) out[this.nMain + k] = this.constraint === "gaussian" ? pars[k + 1] : pars[k + 1] * this.width[k];
    return out;
  }

  sample(pars: Float64Array, rng: Rng, out: Float64Array = new Float64Array(this.nMain + this.nAux)): Float64Array {
    const nu = this.rates(pars);
    for (let i = 0; i < this.nMain; i++) out[i] = rng.poisson(nu[i]);
    for (let k = 0; k < this.nAux; k++) {
      const gam = pars[k + 1];
      out[this.nMain + k] = this.constraint === "gaussian" ? gam + this.width[k] * rng.normal() : rng.poisson(gam * this.width[k]);
    }
    return out;
  }

  /** Diagonal Fisher information at `pars` (seeds the optimiser). */
  curvature(pars: Float64Array, _data: Float64Array, out: Float64Array): void {
    out.fill(0);
    const nu = this.rates(pars);
    for (let i = 0; i < this.nMain; i++) {
      const v = Math.max(nu[i], 1e-12);
      out[0] += (this.s[i] * this.s[i]) / v;
      if (this.g[i]) out[this.g[i]] += (this.b[i] * this.b[i]) / v;
    }
    for (let k = 0; k < this.nAux; k++) {
      out[k + 1] += this.constraint === "gaussian" ? 1 / (this.width[k] * this.width[k]) : this.width[k] / Math.max(pars[k + 1], 1e-12);
    }
    if (!(out[0] > 0)) out[0] = 1;
  }
}

/** Build a counting likelihood (also the worker-recipe factory: `{ factory: "countingModel", args: spec }`). */
export function countingModel(spec: CountingSpec): CountingLikelihood {
  return new CountingLikelihood(spec);
}
