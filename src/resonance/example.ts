// Synthetic spectra for examples, tests and calibration studies (seeded; not real data): a
// smoothly falling background (the dijet function or an exponential) on variable-width bins
// (widths growing with mass, as a resolution-matched binning), optionally with a signal of
// any shape, Poisson-fluctuated with Rng(seed).
import { Rng } from "../math/rng.ts";
import { binFractions, type SignalModel } from "./signal.ts";
import { spectrumOf, type Spectrum } from "./spectrum.ts";

export interface SyntheticOptions {
  /** Mass range and number of bins (widths ∝ m^widthPower: 0 = uniform, 1 = constant relative width). */
  lo: number;
  hi: number;
  nBins: number;
  widthPower?: number;
  /** Expected background events in the range. */
  events: number;
  shape: "dijet" | "exponential";
  /** dijet: f ∝ (1 − x)^p1 x^−p2, x = m/√s; exponential: f ∝ e^{−m/slope}. */
  sqrtS?: number;
  p1?: number;
  p2?: number;
  slope?: number;
  signal?: { model: SignalModel; mass: number; sigma: number; yield: number };
  seed: number;
  /** false: the expectation itself (Asimov), not a Poisson draw. */
  fluctuate?: boolean;
}

/** Bin edges between lo and hi with widths ∝ m^power (power 1: equal steps in ln m). */
export function variableEdges(lo: number, hi: number, n: number, power = 1): Float64Array {
  const e = new Float64Array(n + 1);
  if (power === 1) for (let k = 0; k <= n; k++) e[k] = lo * Math.pow(hi / lo, k / n);
  else if (power === 0) for (let k = 0; k <= n; k++) e[k] = lo + ((hi - lo) * k) / n;
  else {
    // u = m^(1−p) is uniform
    const a = Math.pow(lo, 1 - power), b = Math.pow(hi, 1 - power);
    for (let k = 0; k <= n; k++) e[k] = Math.pow(a + ((b - a) * k) / n, 1 / (1 - power));
  }
  e[0] = lo; e[n] = hi;
  return e;
}

/** Expected background counts per bin (Simpson's rule with 8 panels per bin), normalised to `events`. */
export function backgroundExpectation(edges: ArrayLike<number>, o: SyntheticOptions): Float64Array {
  const f = o.shape === "dijet"
    ? (m: number) => { const x = m / (o.sqrtS ?? 13000); return Math.pow(1 - x, o.p1 ?? 10) * Math.pow(x, -(o.p2 ?? 5)); }
    : (m: number) => Math.exp(-m / (o.slope ?? (o.hi - o.lo) / 3));
  const n = edges.length - 1, out = new Float64Array(n);
  let tot = 0;
  for (let i = 0; i < n; i++) {
    const a = edges[i], b = edges[i + 1], h = (b - a) / 8;
    let s = f(a) + f(b);
    for (let k = 1; k < 8; k++) s += (k % 2 ? 4 : 2) * f(a + k * h);
    out[i] = (s * h) / 3;
    tot += out[i];
  }
  for (let i = 0; i < n; i++) out[i] *= o.events / tot;
  return out;
}

export interface SyntheticSpectrum {
  spectrum: Spectrum;
  expectedBackground: Float64Array;
  expectedSignal: Float64Array;
}

export function syntheticSpectrum(o: SyntheticOptions): SyntheticSpectrum {
  const edges = variableEdges(o.lo, o.hi, o.nBins, o.widthPower ?? 1);
  const bkg = backgroundExpectation(edges, o);
  const sig = o.signal ? binFractions(edges, o.signal.model, o.signal.mass, o.signal.sigma).map((w) => w * o.signal!.yield) : new Float64Array(o.nBins);
  const rng = new Rng(o.seed);
  const counts = Float64Array.from(bkg, (b, i) => (o.fluctuate === false ? b + sig[i] : rng.poisson(b + sig[i])));
  return { spectrum: spectrumOf(edges, counts), expectedBackground: bkg, expectedSignal: sig };
}
