// The per-mass profiled likelihood of the HPS GP bump hunt (hps_gpr statistics.py; spec
// ../shared/specs/hps_gpr.md §7.1–7.3) as a Likelihood, so src/infer does its statistics.
//
//   n_i ~ Poisson(λ_i),  λ = b + L θ + A w,  θ ~ N(0, I_B),  L Lᵀ = C
//
// b and C are the GP background mean and covariance in count space over the B blind-window
// bins, w the signal template (fraction of the signal in each bin), A the signal yield (POI,
// negative values allowed). Parameters: [A, θ_1 … θ_B]; data: [n_1 … n_B, aux θ⁰_1 … θ⁰_B]
// with aux = 0 for the observed data. As hps_gpr, λ is floored at ε = max(1e-12,
// 1e-9·max(1, median b)) and a soft wall 1e6·Σ(ε − λ)² keeps fits away from λ < ε; below ε the
// Poisson term continues linearly, so value and gradient agree (hps_gpr's gradient assumes so).
// Unlike hps_gpr, the lnΓ(n+1) constants and the Gaussian normalisation are kept, so nll is a
// true −ln L; every difference of nll values (q0, q̃, CLs) is unchanged.
import { choleskyInPlace, choleskySolve, symmetricEigen } from "../math/linalg.ts";
import { lgamma, LN_SQRT_2PI } from "../math/special.ts";
import type { Rng } from "../math/rng.ts";
import { median } from "../math/stats.ts";
import type { Likelihood, ParameterSpec } from "../likelihood/types.ts";

export interface WindowInputs {
  /** Observed counts in the window bins (clipped at 0). */
  n: ArrayLike<number>;
  /** Background mean in count space (clipped at 1e-12). */
  b: ArrayLike<number>;
  /** Background covariance in count space, B×B row-major. */
  C: ArrayLike<number>;
  /** Signal template over the window bins. */
  w: ArrayLike<number>;
}

const SOFT_WALL = 1e6;

/**
 * A square root L with L Lᵀ ≈ C (spec §7.2, `_chol_with_jitter`): Cholesky of C + jI with
 * j = 1e-10·scale growing ×10 up to 8 tries, then a symmetric eigen square root, then the
 * square root of the clipped diagonal. Returns [L (row-major), method].
 */
export function sqrtFactor(C: ArrayLike<number>, B: number): [Float64Array, "cholesky" | "eigen" | "diagonal"] {
  const sym = new Float64Array(B * B);
  let scale = 1;
  for (let i = 0; i < B; i++) {
    for (let j = 0; j < B; j++) sym[i * B + j] = 0.5 * (C[i * B + j] + C[j * B + i]);
    scale = Math.max(scale, Math.abs(sym[i * B + i]));
  }
  let jitter = 1e-10 * scale;
  const L = new Float64Array(B * B);
  for (let t = 0; t < 8; t++, jitter *= 10) {
    L.set(sym);
    for (let i = 0; i < B; i++) L[i * B + i] += jitter;
    if (choleskyInPlace(L, B)) return [L, "cholesky"];
  }
  const work = Float64Array.from(sym);
  const ev = new Float64Array(B);
  const V = new Float64Array(B * B);
  symmetricEigen(work, B, ev, V);
  if (ev.every((x) => Number.isFinite(x))) {
    const floor = Math.max(1e-12 * scale, 1e-10 * scale);
    L.fill(0);
    for (let k = 0; k < B; k++) {
      const s = Math.sqrt(Math.max(ev[k], floor));
      for (let i = 0; i < B; i++) {
        const vik = V[i * B + k] * s;
        for (let j = 0; j < B; j++) L[i * B + j] += vik * V[j * B + k];
      }
    }
    return [L, "eigen"];
  }
  L.fill(0);
  for (let i = 0; i < B; i++) L[i * B + i] = Math.sqrt(Math.max(sym[i * B + i], 0));
  return [L, "diagonal"];
}

export class WindowLikelihood implements Likelihood {
  readonly parameters: ParameterSpec[];
  readonly poi = 0;
  readonly nMain: number;
  readonly nAux: number;
  readonly observed: Float64Array;
  readonly b: Float64Array;
  readonly w: Float64Array;
  /** Square root of C (row-major B×B) and how it was obtained. */
  readonly L: Float64Array;
  readonly sqrtMethod: string;
  /** λ floor ε of spec §7.1. */
  readonly eps: number;
  private readonly lam: Float64Array;
  private readonly r: Float64Array;

  constructor(inp: WindowInputs) {
    const B = inp.n.length;
    this.nMain = B;
    this.nAux = B;
    this.b = Float64Array.from(inp.b, (x) => Math.max(x, 1e-12));
    this.w = Float64Array.from(inp.w);
    const [L, method] = sqrtFactor(inp.C, B);
    this.L = L;
    this.sqrtMethod = method;
    this.eps = Math.max(1e-12, 1e-9 * Math.max(1, median(this.b)));
    this.observed = new Float64Array(2 * B);
    for (let i = 0; i < B; i++) this.observed[i] = Math.max(0, inp.n[i]);
    this.lam = new Float64Array(B);
    this.r = new Float64Array(B);
    const A0 = glsStart(this.observed.subarray(0, B), this.b, inp.C, this.w, this.eps);
    this.parameters = [
      { name: "A", init: A0, lower: -Infinity, upper: Infinity, fixed: false, constrained: false, prefitSigma: NaN },
      ...Array.from({ length: B }, (_, i) => ({
        name: `theta[${i}]`, init: 0, lower: -Infinity, upper: Infinity, fixed: false, constrained: true, prefitSigma: 1,
      })),
    ];
  }

  /** λ = b + Lθ + A w into this.lam. */
  private rates(pars: Float64Array): void {
    const B = this.nMain, L = this.L, lam = this.lam, A = pars[0];
    for (let i = 0; i < B; i++) {
      let s = this.b[i] + A * this.w[i];
      const ri = i * B;
      for (let j = 0; j < B; j++) s += L[ri + j] * pars[1 + j];
      lam[i] = s;
    }
  }

  nll(pars: Float64Array, data: Float64Array): number {
    return this.evaluate(pars, data, null);
  }

  nllGrad(pars: Float64Array, data: Float64Array, grad: Float64Array): number {
    return this.evaluate(pars, data, grad);
  }

  private evaluate(pars: Float64Array, data: Float64Array, grad: Float64Array | null): number {
    this.rates(pars);
    const B = this.nMain, eps = this.eps, lam = this.lam, r = this.r;
    let f = B * LN_SQRT_2PI;
    for (let i = 0; i < B; i++) {
      const n = data[i];
      const l = lam[i];
      const le = l > eps ? l : eps;
      f += le - (n === 0 ? 0 : n * Math.log(le)) + lgamma(n + 1);
      // r_i = ∂nll/∂λ_i: 1 − n/λ_eff, plus the soft wall's slope below ε
      r[i] = 1 - n / le;
      if (l < eps) {
        // Below the floor: continue the Poisson term linearly (value and slope match at ε,
        // which is the slope hps_gpr's gradient uses there), then add the soft wall.
        f += r[i] * (l - eps) + SOFT_WALL * (eps - l) * (eps - l);
        r[i] -= 2 * SOFT_WALL * (eps - l);
      }
      const d = pars[1 + i] - data[B + i];
      f += 0.5 * d * d;
    }
    if (grad) {
      let gA = 0;
      for (let i = 0; i < B; i++) gA += r[i] * this.w[i];
      grad[0] = gA;
      const L = this.L;
      for (let j = 0; j < B; j++) {
        let s = pars[1 + j] - data[B + j];
        for (let i = 0; i < B; i++) s += L[i * B + j] * r[i];
        grad[1 + j] = s;
      }
    }
    return f;
  }

  /** Fisher-information diagonal (seeds the optimiser): A: Σ w²/λ; θ_j: Σ_i L_ij²/λ_i + 1. */
  curvature(pars: Float64Array, _data: Float64Array, out: Float64Array): void {
    this.rates(pars);
    const B = this.nMain, L = this.L;
    let cA = 0;
    for (let i = 0; i < B; i++) cA += (this.w[i] * this.w[i]) / Math.max(this.lam[i], this.eps);
    out[0] = cA;
    for (let j = 0; j < B; j++) {
      let c = 1;
      for (let i = 0; i < B; i++) c += (L[i * B + j] * L[i * B + j]) / Math.max(this.lam[i], this.eps);
      out[1 + j] = c;
    }
  }

  expected(pars: Float64Array, out: Float64Array = new Float64Array(2 * this.nMain)): Float64Array {
    this.rates(pars);
    const B = this.nMain;
    for (let i = 0; i < B; i++) {
      out[i] = Math.max(this.lam[i], this.eps);
      out[B + i] = pars[1 + i];
    }
    return out;
  }

  sample(pars: Float64Array, rng: Rng, out: Float64Array = new Float64Array(2 * this.nMain)): Float64Array {
    this.rates(pars);
    const B = this.nMain;
    for (let i = 0; i < B; i++) out[i] = rng.poisson(Math.max(this.lam[i], this.eps));
    for (let i = 0; i < B; i++) out[B + i] = pars[1 + i] + rng.normal();
    return out;
  }

  /** The GLS starting amplitude (spec §7.3) for other counts, e.g. a toy's. */
  startAmplitude(n: ArrayLike<number>): number {
    const B = this.nMain;
    const C = new Float64Array(B * B);
    // L Lᵀ reproduces the (jittered) covariance the likelihood uses.
    for (let i = 0; i < B; i++) {
      for (let j = 0; j <= i; j++) {
        let s = 0;
        for (let k = 0; k < B; k++) s += this.L[i * B + k] * this.L[j * B + k];
        C[i * B + j] = s;
        C[j * B + i] = s;
      }
    }
    return glsStart(Float64Array.from(n, (v) => Math.max(0, v)), this.b, C, this.w, this.eps);
  }

  /** hps_gpr's starting point of the fits to `data` (main, aux): A at the GLS estimate (§7.3) of its counts, θ at init (0). */
  startingPoint(data: Float64Array): Float64Array {
    const x = Float64Array.from(this.parameters, (p) => p.init);
    x[0] = this.startAmplitude(data.subarray(0, this.nMain));
    return x;
  }

  /** Data with the main counts replaced and aux = 0: for Asimov (n = b) and toys. */
  dataWithCounts(n: ArrayLike<number>): Float64Array {
    const d = new Float64Array(2 * this.nMain);
    for (let i = 0; i < this.nMain; i++) d[i] = Math.max(0, n[i]);
    return d;
  }
}

/**
 * Starting amplitude from one generalised-least-squares step (spec §7.3):
 * V = C + diag(max(b, 1)) + 100ε I, A0 = wᵀV⁻¹(n − b) / wᵀV⁻¹w; fallback Σ(n − b).
 */
function glsStart(n: Float64Array, b: Float64Array, C: ArrayLike<number>, w: Float64Array, eps: number): number {
  const B = n.length;
  const V = new Float64Array(B * B);
  for (let i = 0; i < B; i++) {
    for (let j = 0; j < B; j++) V[i * B + j] = 0.5 * (C[i * B + j] + C[j * B + i]);
    V[i * B + i] += Math.max(b[i], 1) + 100 * eps;
  }
  let fallback = 0;
  for (let i = 0; i < B; i++) fallback += n[i] - b[i];
  if (!choleskyInPlace(V, B)) return fallback;
  const y = Float64Array.from(n, (x, i) => x - b[i]);
  const z = Float64Array.from(w);
  choleskySolve(V, B, y);
  choleskySolve(V, B, z);
  let num = 0, den = 0;
  for (let i = 0; i < B; i++) { num += w[i] * y[i]; den += w[i] * z[i]; }
  const A0 = num / den;
  return Number.isFinite(A0) ? A0 : fallback;
}
