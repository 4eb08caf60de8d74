// Spectrum preparation and per-mass geometry of the HPS bump hunt (hps_gpr; spec
// ../shared/specs/hps_gpr.md §2–§6): range restriction and rebinning, resolution σ(m) and
// radiative fraction, mass grid, blind and training windows, the full-range Gaussian signal
// template, the local density ρ and the A ↔ ε² conversion.
import { normalCdf } from "../math/special.ts";

export interface Spectrum {
  edges: Float64Array;
  counts: Float64Array;
  centres: Float64Array;
}

/**
 * §2.1: keep bins [index(lower), index(upper)) (all bins when upper is the last edge), then
 * merge R adjacent bins, dropping leftover bins at the upper end (boost-histogram slicing).
 */
export function prepareSpectrum(edges: ArrayLike<number>, counts: ArrayLike<number>, o: { rebin?: number; low?: number; high?: number } = {}): Spectrum {
  const nb = counts.length;
  const index = (v: number) => {
    if (v >= edges[nb]) return nb;
    let i = 0;
    while (i < nb && edges[i + 1] <= v) i++;
    return i;
  };
  const i0 = o.low !== undefined ? index(Math.max(edges[0], o.low)) : 0;
  const i1 = o.high !== undefined ? index(Math.min(edges[nb], o.high)) : nb;
  const R = Math.max(1, Math.floor(o.rebin ?? 5));
  const nOut = Math.floor((i1 - i0) / R);
  const e = new Float64Array(nOut + 1), c = new Float64Array(nOut), x = new Float64Array(nOut);
  for (let k = 0; k < nOut; k++) {
    e[k] = edges[i0 + k * R];
    let s = 0;
    for (let j = 0; j < R; j++) s += counts[i0 + k * R + j];
    c[k] = s;
  }
  e[nOut] = edges[i0 + nOut * R];
  for (let k = 0; k < nOut; k++) x[k] = 0.5 * (e[k] + e[k + 1]);
  return { edges: e, counts: c, centres: x };
}

/** A polynomial Σ c_i m^i, optionally continued linearly above m0 (2016's resolution tail). */
export function polynomial(coeffs: number[], tail?: { m0: number; slope?: number | null; slopeFloor?: number }): (m: number) => number {
  const P = (m: number) => coeffs.reduce((acc, c, i) => acc + c * m ** i, 0);
  const dP = (m: number) => coeffs.reduce((acc, c, i) => acc + (i > 0 ? i * c * m ** (i - 1) : 0), 0);
  if (!tail) return P;
  const slope = Math.max(tail.slope ?? dP(tail.m0), tail.slopeFloor ?? 0);
  const p0 = P(tail.m0);
  return (m: number) => (m > tail.m0 ? p0 + slope * (m - tail.m0) : P(m));
}

/** The three HPS datasets' defaults (spec §2.2–2.4; ../shared/hps/SOURCE.md). */
export const HPS_DATASETS: Record<string, { sigma: (m: number) => number; frad: number; range: [number, number]; file: string; hist: string; rebin: number; lsUpper: number }> = {
  "2015": { sigma: polynomial([-9.22283032152e-5, 0.0532190838657]), frad: 0.085, range: [0.02, 0.13], file: "hps/funcform_2015_toys.root", hist: "input_hist", rebin: 10, lsUpper: 8 },
  "2016": { sigma: polynomial([0.00038, 0.041, -0.27, 3.49, -11.11], { m0: 0.18, slope: 0.0239, slopeFloor: 0 }), frad: 0.05, range: [0.035, 0.21], file: "hps/funcform_2016_toys.root", hist: "input_hist", rebin: 10, lsUpper: 8 },
  "2021": { sigma: polynomial([0.0014786, -0.0011, 0.0687]), frad: 0.05, range: [0.03, 0.25], file: "hps/funcform_2021_toys.root", hist: "input_hist", rebin: 5, lsUpper: 9 },
};

/** §3: masses = arange(lo, hi + step/2, step) rounded to 3 decimals. */
export function massGrid(lo: number, hi: number, step = 0.001): number[] {
  const out: number[] = [];
  for (let k = 0; lo + k * step <= hi + step / 2; k++) out.push(Math.round((lo + k * step) * 1000) / 1000);
  return out;
}

/** §3: blind window bins (centre in [m0 − kσ, m0 + kσ]) and training bins (centre outside ±k_train σ). */
export function windows(centres: ArrayLike<number>, m0: number, sigma: number, kBlind: number, kTrain = kBlind): { blind: number[]; train: number[] } {
  const blind: number[] = [], train: number[] = [];
  for (let i = 0; i < centres.length; i++) {
    const x = centres[i];
    if (x >= m0 - kBlind * sigma && x <= m0 + kBlind * sigma) blind.push(i);
    if (x < m0 - kTrain * sigma || x > m0 + kTrain * sigma) train.push(i);
  }
  return { blind, train };
}

/** §5: Gaussian bin integrals over all bins, clipped ≥ 0, normalised to 1 over the full range. */
export function fullTemplate(edges: ArrayLike<number>, m0: number, sigma: number): Float64Array {
  const n = edges.length - 1;
  const w = new Float64Array(n);
  let s = 0;
  for (let i = 0; i < n; i++) {
    w[i] = Math.max(0, normalCdf((edges[i + 1] - m0) / sigma) - normalCdf((edges[i] - m0) / sigma));
    s += w[i];
  }
  if (s > 0) for (let i = 0; i < n; i++) w[i] /= s;
  else w.fill(1 / n);
  return w;
}

/** §6: observed counts per GeV over the bins from the one containing m0 − kσ to the one containing m0 + kσ. */
export function localDensity(edges: ArrayLike<number>, counts: ArrayLike<number>, m0: number, sigma: number, k: number): number {
  const n = counts.length;
  const binOf = (v: number) => {
    let i = 0;
    while (i < n && edges[i + 1] <= v) i++;
    return Math.min(Math.max(i, 0), n - 1);
  };
  const a = binOf(m0 - k * sigma), b = binOf(m0 + k * sigma);
  let c = 0, wsum = 0;
  for (let i = a; i <= b; i++) { c += counts[i]; wsum += edges[i + 1] - edges[i]; }
  return wsum > 0 ? c / wsum : NaN;
}

export const ALPHA_EM = 1 / 137;

/** §6: K = 3π m f_eff ρ / (2α): signal yield per unit ε². NaN if f_eff ≤ 0 or ρ ≤ 0. */
export function yieldPerEps2(m: number, fEff: number, rho: number): number {
  if (!(fEff > 0) || !(rho > 0) || !Number.isFinite(rho)) return NaN;
  return (3 * Math.PI * m * fEff * rho) / (2 * ALPHA_EM);
}
