// Signal shapes of a resonance search on any spectrum, as cumulative distributions in the
// observed mass x for a hypothesised mass m and resolution σ(m): Gaussian, the double-sided
// Crystal Ball (the LHC diphoton standard; Oreglia's tails on both sides), a Breit–Wigner
// convolved with the Gaussian resolution (Voigtian) and a user template histogram. Bin
// contents are CDF differences over the bin edges (exact for any bin width), never bin-centre
// densities; the search window is the central interval holding a given signal fraction.
import { normalCdf, normalIsf } from "../math/special.ts";
import { brent } from "../math/roots.ts";

/** σ(m): a polynomial Σ c_i m^i, or relative σ = r·m (optionally ⊕ a constant term in quadrature). */
export type Resolution = { kind: "polynomial"; coeffs: number[] } | { kind: "relative"; fraction: number; constant?: number };

export function resolutionFunction(r: Resolution): (m: number) => number {
  if (r.kind === "relative") {
    const f = r.fraction, c = r.constant ?? 0;
    return (m) => Math.hypot(f * m, c);
  }
  const c = r.coeffs;
  return (m) => {
    let s = 0;
    for (let i = c.length - 1; i >= 0; i--) s = s * m + c[i];
    return s;
  };
}

/** A signal template: a histogram in (x − m) at a reference mass, optionally scaled with σ(m)/σ(m_ref). */
export interface SignalTemplate {
  edges: ArrayLike<number>;
  counts: ArrayLike<number>;
  /** Scale the template's offsets by σ(m)/σ(m_ref) (true) or keep them fixed (false). */
  scaleWithResolution: boolean;
  referenceSigma: number;
}

export type SignalModel =
  | { kind: "gaussian" }
  /** Double-sided Crystal Ball: Gaussian core, power-law tails from −alphaLow·σ and +alphaHigh·σ with powers nLow, nHigh (> 1). */
  | { kind: "dscb"; alphaLow: number; nLow: number; alphaHigh: number; nHigh: number }
  /** Breit–Wigner of full width Γ = width + relativeWidth·m, convolved with the Gaussian resolution. */
  | { kind: "voigtian"; width: number; relativeWidth: number }
  | { kind: "template"; template: SignalTemplate };

/** CDF of the DSCB in t = (x − m)/σ (closed form: the tails integrate to power laws). */
export function dscbCdf(t: number, aL: number, nL: number, aH: number, nH: number): number {
  const sq = Math.sqrt(2 * Math.PI);
  // Tail integral from the edge to ±∞: (n/α)·e^{−α²/2}/(n − 1) (Oreglia; A(B + α)^{1−n}/(n − 1)).
  const tailL = ((nL / aL) * Math.exp(-0.5 * aL * aL)) / (nL - 1);
  const tailH = ((nH / aH) * Math.exp(-0.5 * aH * aH)) / (nH - 1);
  const core = sq * (normalCdf(aH) - normalCdf(-aL));
  const total = tailL + core + tailH;
  const tailIntegral = (u: number, a: number, n: number) => {
    // ∫_{−∞}^{−u} A (B − v)^{−n} dv for u ≥ a (by symmetry, the same form for the high tail)
    const A = Math.pow(n / a, n) * Math.exp(-0.5 * a * a), B = n / a - a;
    return (A * Math.pow(B + u, 1 - n)) / (n - 1);
  };
  if (t < -aL) return tailIntegral(-t, aL, nL) / total;
  if (t <= aH) return (tailL + sq * (normalCdf(t) - normalCdf(-aL))) / total;
  return 1 - tailIntegral(t, aH, nH) / total;
}

/** Gauss–Legendre nodes and weights on [−1, 1] (Newton on P_n; Numerical Recipes gauleg). */
export function gaussLegendre(n: number): { x: Float64Array; w: Float64Array } {
  const x = new Float64Array(n), w = new Float64Array(n);
  for (let i = 0; i < Math.ceil(n / 2); i++) {
    let z = Math.cos((Math.PI * (i + 0.75)) / (n + 0.5)), pp = 0;
    for (let it = 0; it < 100; it++) {
      let p1 = 1, p2 = 0;
      for (let j = 1; j <= n; j++) { const p3 = p2; p2 = p1; p1 = ((2 * j - 1) * z * p2 - (j - 1) * p3) / j; }
      pp = (n * (z * p1 - p2)) / (z * z - 1);
      const dz = p1 / pp;
      z -= dz;
      if (Math.abs(dz) < 1e-15) break;
    }
    x[i] = -z; x[n - 1 - i] = z;
    w[i] = w[n - 1 - i] = 2 / ((1 - z * z) * pp * pp);
  }
  return { x, w };
}

const GL = gaussLegendre(48);

/**
 * Voigtian CDF: F(x) = (1/π) ∫_{−π/2}^{π/2} Φ((x − m − (Γ/2) tan u)/σ) du (the Breit–Wigner
 * variable t = m + (Γ/2) tan u makes its density uniform in u), by 48-point Gauss–Legendre on
 * four pieces split where the integrand turns over: at u0 (argument 0) and u0 ± 6δ, with
 * δ = σ/((Γ/2) sec²u0) the width of the turn in u.
 */
export function voigtCdf(x: number, m: number, sigma: number, gamma: number): number {
  if (!(gamma > 0)) return normalCdf((x - m) / sigma);
  const h = gamma / 2, H = Math.PI / 2;
  const u0 = Math.atan((x - m) / h);
  const c0 = Math.cos(u0);
  const d = Math.min(6 * (sigma * c0 * c0) / h, H);
  const cuts = [-H, Math.max(-H, u0 - d), u0, Math.min(H, u0 + d), H];
  let s = 0;
  for (let p = 0; p + 1 < cuts.length; p++) {
    const a = cuts[p], b = cuts[p + 1];
    if (!(b > a)) continue;
    const c = 0.5 * (a + b), r = 0.5 * (b - a);
    for (let k = 0; k < GL.x.length; k++) {
      const u = c + r * GL.x[k];
      s += r * GL.w[k] * normalCdf((x - m - h * Math.tan(u)) / sigma);
    }
  }
  return s / Math.PI;
}

/** CDF of a template histogram at offset d (linear within bins). */
function templateCdf(t: SignalTemplate, d: number): number {
  const e = t.edges, c = t.counts, n = c.length;
  let tot = 0;
  for (let i = 0; i < n; i++) tot += Math.max(0, c[i]);
  if (!(tot > 0)) return NaN;
  if (d <= e[0]) return 0;
  if (d >= e[n]) return 1;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const v = Math.max(0, c[i]);
    if (d >= e[i + 1]) { s += v; continue; }
    s += (v * (d - e[i])) / (e[i + 1] - e[i]);
    break;
  }
  return s / tot;
}

/** The cumulative distribution x ↦ P(X ≤ x) of the signal at mass m with resolution σ. */
export function signalCdf(model: SignalModel, m: number, sigma: number): (x: number) => number {
  switch (model.kind) {
    case "gaussian":
      return (x) => normalCdf((x - m) / sigma);
    case "dscb": {
      const { alphaLow, nLow, alphaHigh, nHigh } = model;
      return (x) => dscbCdf((x - m) / sigma, alphaLow, nLow, alphaHigh, nHigh);
    }
    case "voigtian": {
      const g = model.width + model.relativeWidth * m;
      return (x) => voigtCdf(x, m, sigma, g);
    }
    case "template": {
      const t = model.template;
      const k = t.scaleWithResolution ? sigma / t.referenceSigma : 1;
      return (x) => templateCdf(t, (x - m) / k);
    }
  }
}

/** Quantile of a CDF by Brent's method on [m − 1e3σ, m + 1e3σ] (widened for heavy tails). */
export function signalQuantile(cdf: (x: number) => number, p: number, m: number, sigma: number): number {
  let a = m - sigma, b = m + sigma;
  for (let k = 0; k < 60 && cdf(a) > p; k++) a = m - (m - a) * 2;
  for (let k = 0; k < 60 && cdf(b) < p; k++) b = m + (b - m) * 2;
  return brent((x) => cdf(x) - p, a, b, { xtol: 1e-12 * Math.max(1, Math.abs(m)), rtol: 1e-12 }).x;
}

/** Central interval holding the fraction `containment` of the signal: [Q((1 − f)/2), Q((1 + f)/2)]. */
export function containmentInterval(model: SignalModel, m: number, sigma: number, containment: number): [number, number] {
  if (model.kind === "gaussian") {
    // closed form (also what the generic path converges to)
    const z = normalIsf((1 - containment) / 2);
    return [m - z * sigma, m + z * sigma];
  }
  const cdf = signalCdf(model, m, sigma);
  return [signalQuantile(cdf, (1 - containment) / 2, m, sigma), signalQuantile(cdf, (1 + containment) / 2, m, sigma)];
}

/**
 * Fraction of the signal in every bin: CDF(e_{i+1}) − CDF(e_i), clipped ≥ 0, normalised over
 * the histogram's range (the yield A is the signal in the fitted range, as hps_gpr's template).
 */
export function binFractions(edges: ArrayLike<number>, model: SignalModel, m: number, sigma: number): Float64Array {
  const n = edges.length - 1;
  const cdf = signalCdf(model, m, sigma);
  const F = Float64Array.from({ length: n + 1 }, (_, i) => cdf(edges[i]));
  const w = new Float64Array(n);
  let s = 0;
  for (let i = 0; i < n; i++) { w[i] = Math.max(0, F[i + 1] - F[i]); s += w[i]; }
  if (s > 0) for (let i = 0; i < n; i++) w[i] /= s;
  return w;
}

/** Indices of the bins that overlap [lo, hi] (a window narrower than a bin keeps the bin it falls in). */
export function overlappingBins(edges: ArrayLike<number>, lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let i = 0; i + 1 < edges.length; i++) if (edges[i + 1] > lo && edges[i] < hi) out.push(i);
  return out;
}
