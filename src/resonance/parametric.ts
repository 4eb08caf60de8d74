// Parametric background families of LHC resonance searches, and the binned likelihood of a
// background family plus a signal of yield A (the POI):
//
//   n_i ~ Poisson(B_i(θ) + A s_i),   B_i = ∫_bin f(x; θ) dx  (4-point Gauss–Legendre per bin)
//
// Families (x = m/√s for the dijet function, t = the mass mapped onto [−1, 1] otherwise):
//   dijet        f = p0 (1 − x)^p1 x^(p2 + p3 ln x + p4 ln²x)   (3–5 parameters; CDF/ATLAS/CMS dijet)
//   exponential  f = exp(Σ_k θ_k t^k)                           (1 + order parameters)
//   powerlaw     f = exp(θ0 + θ1 ln m + θ2 ln²m …)              (1 + order parameters)
//   bernstein    f = Σ_k c_k b_{k,n}(t'), c_k ≥ 0, t' ∈ [0, 1]    (order + 1 parameters)
// The first three are linear in θ after a logarithm, so their basis columns are standardised
// over the bins (a reparametrisation of the same family) to keep the fit well conditioned.
import { lgamma } from "../math/special.ts";
import type { Rng } from "../math/rng.ts";
import type { Likelihood, ParameterSpec } from "../likelihood/types.ts";
import { gaussLegendre } from "./signal.ts";
import type { Spectrum } from "./spectrum.ts";

export type FamilyName = "dijet" | "exponential" | "powerlaw" | "bernstein";
export const FAMILIES: readonly FamilyName[] = ["dijet", "exponential", "powerlaw", "bernstein"];

export interface FamilySpec {
  family: FamilyName;
  /** Number of parameters (dijet: 3–5; others: ≥ 1). */
  npar: number;
  /** √s in the run's unit (dijet only). */
  sqrtS?: number;
}

/** Order range [min, max] of parameters each family is tried at when the order is chosen automatically. */
export const ORDER_RANGE: Record<FamilyName, [number, number]> = { dijet: [3, 5], exponential: [2, 5], powerlaw: [2, 4], bernstein: [2, 7] };

const Q = gaussLegendre(4);

/** The compiled shape of one family on one binning: quadrature nodes, their weights, basis values. */
export interface CompiledFamily {
  spec: FamilySpec;
  linear: boolean;
  nBins: number;
  npar: number;
  /** Per node: its bin, quadrature weight (× half-width) and the npar basis values (row-major). */
  nodeBin: Int32Array;
  nodeWeight: Float64Array;
  basis: Float64Array;
  names: string[];
}

function bernsteinBasis(t: number, n: number, out: Float64Array, off: number): void {
  // b_{k,n}(t) = C(n,k) t^k (1 − t)^(n−k)
  for (let k = 0; k <= n; k++) {
    let c = 1;
    for (let j = 0; j < k; j++) c = (c * (n - j)) / (j + 1);
    out[off + k] = c * Math.pow(t, k) * Math.pow(1 - t, n - k);
  }
}

export function compileFamily(sp: Spectrum, spec: FamilySpec): CompiledFamily {
  const nb = sp.counts.length, P = spec.npar, nq = Q.x.length;
  if (spec.family === "dijet" && (P < 3 || P > 5)) throw new Error(`the dijet function has 3–5 parameters, not ${P}`);
  if (P < 1) throw new Error(`a ${spec.family} background needs at least one parameter`);
  const lo = sp.edges[0], hi = sp.edges[nb];
  const nodeBin = new Int32Array(nb * nq), nodeWeight = new Float64Array(nb * nq), basis = new Float64Array(nb * nq * P);
  const linear = spec.family === "bernstein";
  for (let i = 0; i < nb; i++) {
    const c = sp.centres[i], h = 0.5 * sp.widths[i];
    for (let q = 0; q < nq; q++) {
      const k = i * nq + q, x = c + h * Q.x[q];
      nodeBin[k] = i;
      nodeWeight[k] = h * Q.w[q];
      const off = k * P;
      if (spec.family === "dijet") {
        const sqrtS = spec.sqrtS ?? NaN;
        const u = x / sqrtS;
        if (!(u > 0 && u < 1)) throw new Error(`the dijet function needs 0 < m/√s < 1: m = ${x}, √s = ${sqrtS}`);
        const L = Math.log(u);
        const cols = [1, Math.log1p(-u), L, L * L, L * L * L];
        for (let p = 0; p < P; p++) basis[off + p] = cols[p];
      } else if (spec.family === "exponential") {
        const t = (2 * (x - lo)) / (hi - lo) - 1;
        for (let p = 0; p < P; p++) basis[off + p] = Math.pow(t, p);
      } else if (spec.family === "powerlaw") {
        const L = Math.log(x / Math.sqrt(lo * hi));
        for (let p = 0; p < P; p++) basis[off + p] = Math.pow(L, p);
      } else {
        bernsteinBasis((x - lo) / (hi - lo), P - 1, basis, off);
      }
    }
  }
  if (!linear) {
    // Standardise the non-constant columns (weighted by bin width) — same family, better conditioning.
    const N = nb * nq;
    for (let p = 0; p < P; p++) {
      if (spec.family !== "bernstein" && p === 0) continue;
      let s = 0, s2 = 0, W = 0;
      for (let k = 0; k < N; k++) { const v = basis[k * P + p], w = nodeWeight[k]; s += w * v; s2 += w * v * v; W += w; }
      const m = s / W, sd = Math.sqrt(Math.max(s2 / W - m * m, 0)) || 1;
      for (let k = 0; k < N; k++) basis[k * P + p] = (basis[k * P + p] - m) / sd;
    }
  }
  return { spec, linear, nBins: nb, npar: P, nodeBin, nodeWeight, basis, names: Array.from({ length: P }, (_, p) => `${spec.family}[${p}]`) };
}

/** Bin yields B(θ) into `out`, and, with `jac`, ∂B_i/∂θ_p (nb × P, row-major). */
export function familyYields(f: CompiledFamily, theta: ArrayLike<number>, thetaOffset: number, out: Float64Array, jac: Float64Array | null): void {
  const P = f.npar, N = f.nodeBin.length;
  out.fill(0);
  if (jac) jac.fill(0);
  for (let k = 0; k < N; k++) {
    const i = f.nodeBin[k], off = k * P;
    if (f.linear) {
      let v = 0;
      for (let p = 0; p < P; p++) v += theta[thetaOffset + p] * f.basis[off + p];
      out[i] += f.nodeWeight[k] * v;
      if (jac) for (let p = 0; p < P; p++) jac[i * P + p] += f.nodeWeight[k] * f.basis[off + p];
    } else {
      let s = 0;
      for (let p = 0; p < P; p++) s += theta[thetaOffset + p] * f.basis[off + p];
      const v = f.nodeWeight[k] * Math.exp(Math.min(s, 700));
      out[i] += v;
      if (jac) for (let p = 0; p < P; p++) jac[i * P + p] += v * f.basis[off + p];
    }
  }
}

/**
 * Starting parameters: weighted least squares of ln((n + ½)/width) on the basis at the bin
 * centres (log-linear families), or of the density on the basis (Bernstein, clipped ≥ 0).
 */
export function startingTheta(f: CompiledFamily, sp: Spectrum): Float64Array {
  const P = f.npar, nb = f.nBins, nq = Q.x.length;
  const A = new Float64Array(P * P), r = new Float64Array(P);
  for (let i = 0; i < nb; i++) {
    // basis at the bin's middle nodes (average of its nodes)
    const g = new Float64Array(P);
    for (let q = 0; q < nq; q++) for (let p = 0; p < P; p++) g[p] += f.basis[(i * nq + q) * P + p] / nq;
    const dens = (sp.counts[i] + 0.5) / sp.widths[i];
    const y = f.linear ? dens : Math.log(dens);
    const w = f.linear ? 1 / (sp.counts[i] + 0.5) * sp.widths[i] * sp.widths[i] : sp.counts[i] + 0.5;
    for (let p = 0; p < P; p++) {
      r[p] += w * g[p] * y;
      for (let s = 0; s < P; s++) A[p * P + s] += w * g[p] * g[s];
    }
  }
  for (let p = 0; p < P; p++) A[p * P + p] *= 1 + 1e-10;
  const th = solveDense(A, r, P);
  if (f.linear) for (let p = 0; p < P; p++) th[p] = Math.max(th[p], 1e-3 * Math.abs(th.reduce((a, v) => Math.max(a, Math.abs(v)), 0)) + 1e-12);
  return th;
}

/** Gaussian elimination with partial pivoting (P ≤ 8). */
function solveDense(A: Float64Array, b: Float64Array, n: number): Float64Array {
  const M = Float64Array.from(A), x = Float64Array.from(b);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r * n + c]) > Math.abs(M[piv * n + c])) piv = r;
    if (piv !== c) {
      for (let k = 0; k < n; k++) [M[c * n + k], M[piv * n + k]] = [M[piv * n + k], M[c * n + k]];
      [x[c], x[piv]] = [x[piv], x[c]];
    }
    const d = M[c * n + c] || 1e-300;
    for (let r = c + 1; r < n; r++) {
      const f = M[r * n + c] / d;
      if (f === 0) continue;
      for (let k = c; k < n; k++) M[r * n + k] -= f * M[c * n + k];
      x[r] -= f * x[c];
    }
  }
  for (let r = n - 1; r >= 0; r--) {
    let s = x[r];
    for (let k = r + 1; k < n; k++) s -= M[r * n + k] * x[k];
    x[r] = s / (M[r * n + r] || 1e-300);
  }
  return x;
}

const SOFT_WALL = 1e6;

/**
 * Background family + signal template as a Likelihood. Parameters [A, θ_0 … θ_{P−1}] (A
 * unbounded, Bernstein coefficients ≥ 0); data: the counts of every bin (no auxiliary data).
 * As the GP window likelihood, λ is floored at ε with a linear continuation and a soft wall,
 * so negative A stays well defined.
 */
export class ParametricLikelihood implements Likelihood {
  readonly parameters: ParameterSpec[];
  readonly poi = 0;
  readonly nMain: number;
  readonly nAux = 0;
  readonly observed: Float64Array;
  readonly s: Float64Array;
  private readonly B: Float64Array;
  private readonly J: Float64Array;
  private readonly r: Float64Array;
  private readonly lgam: Float64Array;
  /** λ floor ε (as the GP window likelihood). */
  readonly eps: number;
  private lgamFor: Float64Array | null = null;

  constructor(readonly family: CompiledFamily, counts: ArrayLike<number>, signal: ArrayLike<number>, theta0: ArrayLike<number>) {
    const nb = family.nBins;
    this.nMain = nb;
    this.observed = Float64Array.from(counts);
    this.s = Float64Array.from(signal);
    this.B = new Float64Array(nb);
    this.J = new Float64Array(nb * family.npar);
    this.r = new Float64Array(nb);
    this.lgam = new Float64Array(nb);
    let tot = 0;
    for (const v of this.observed) tot += v;
    this.eps = Math.max(1e-12, 1e-9 * Math.max(1, tot / nb));
    this.parameters = [
      { name: "A", init: 0, lower: -Infinity, upper: Infinity, fixed: false, constrained: false, prefitSigma: NaN },
      ...family.names.map((name, p) => ({ name, init: theta0[p], lower: family.linear ? 0 : -Infinity, upper: Infinity, fixed: false, constrained: false, prefitSigma: NaN })),
    ];
  }

  private lgammas(data: Float64Array): Float64Array {
    if (this.lgamFor !== data) {
      for (let i = 0; i < this.nMain; i++) this.lgam[i] = lgamma(data[i] + 1);
      this.lgamFor = data;
    }
    return this.lgam;
  }

  nll(pars: Float64Array, data: Float64Array): number {
    return this.evaluate(pars, data, null);
  }

  nllGrad(pars: Float64Array, data: Float64Array, grad: Float64Array): number {
    return this.evaluate(pars, data, grad);
  }

  private evaluate(pars: Float64Array, data: Float64Array, grad: Float64Array | null): number {
    const nb = this.nMain, P = this.family.npar, B = this.B, r = this.r, eps = this.eps, A = pars[0];
    familyYields(this.family, pars, 1, B, grad ? this.J : null);
    const lg = this.lgammas(data);
    let f = 0;
    for (let i = 0; i < nb; i++) {
      const n = data[i], l = B[i] + A * this.s[i];
      const le = l > eps ? l : eps;
      f += le - (n === 0 ? 0 : n * Math.log(le)) + lg[i];
      r[i] = 1 - n / le;
      if (l < eps) {
        f += r[i] * (l - eps) + SOFT_WALL * (eps - l) * (eps - l);
        r[i] -= 2 * SOFT_WALL * (eps - l);
      }
    }
    if (grad) {
      let gA = 0;
      for (let i = 0; i < nb; i++) gA += r[i] * this.s[i];
      grad[0] = gA;
      for (let p = 0; p < P; p++) {
        let g = 0;
        for (let i = 0; i < nb; i++) g += r[i] * this.J[i * P + p];
        grad[1 + p] = g;
      }
    }
    return f;
  }

  /** Fisher-information diagonal at pars. */
  curvature(pars: Float64Array, _data: Float64Array, out: Float64Array): void {
    const nb = this.nMain, P = this.family.npar;
    familyYields(this.family, pars, 1, this.B, this.J);
    out.fill(0);
    for (let i = 0; i < nb; i++) {
      const l = Math.max(this.B[i] + pars[0] * this.s[i], this.eps);
      out[0] += (this.s[i] * this.s[i]) / l;
      for (let p = 0; p < P; p++) out[1 + p] += (this.J[i * P + p] * this.J[i * P + p]) / l;
    }
    for (let k = 0; k <= P; k++) out[k] = Math.max(out[k], 1e-12);
  }

  expected(pars: Float64Array, out: Float64Array = new Float64Array(this.nMain)): Float64Array {
    familyYields(this.family, pars, 1, this.B, null);
    for (let i = 0; i < this.nMain; i++) out[i] = Math.max(this.B[i] + pars[0] * this.s[i], this.eps);
    return out;
  }

  /** Background-only bin yields at the parameter vector pars = [A, θ…] (A ignored). */
  background(pars: ArrayLike<number>, out: Float64Array = new Float64Array(this.nMain)): Float64Array {
    familyYields(this.family, pars, 1, out, null);
    return out;
  }

  sample(pars: Float64Array, rng: Rng, out: Float64Array = new Float64Array(this.nMain)): Float64Array {
    this.expected(pars, out);
    for (let i = 0; i < this.nMain; i++) out[i] = rng.poisson(out[i]);
    return out;
  }

  /** The same family and signal on other counts (toys), sharing the compiled basis. */
  withCounts(counts: ArrayLike<number>, theta0: ArrayLike<number> = this.parameters.slice(1).map((p) => p.init)): ParametricLikelihood {
    return new ParametricLikelihood(this.family, counts, this.s, theta0);
  }
}
