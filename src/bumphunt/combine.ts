// Combination of datasets at one mass with a shared ε² (spec §8): per-dataset windows are
// concatenated, nuisances stay independent (block-diagonal covariance, so block-diagonal
// square root), and the signal in dataset d is ε²·K_d·w_d. The combined model is therefore a
// WindowLikelihood on the concatenated vectors with the amplitude measured in units of a
// reference ε² (so the fitted amplitude is O(signal counts) and well scaled for the optimiser).
import { WindowLikelihood } from "./window-likelihood.ts";
import { limitFromCls } from "../infer/upper-limit.ts";
import { discovery, hpsLimitOptions, windowCalculator, type Discovery } from "./limits.ts";

export interface DatasetWindow {
  name: string;
  n: ArrayLike<number>;
  b: ArrayLike<number>;
  C: ArrayLike<number>;
  /** Signal per unit ε² in each window bin: K_d · w_d. */
  sUnit: ArrayLike<number>;
  /** Window bin centres in GeV (figures only). */
  x?: ArrayLike<number>;
}

export interface CombinedResult {
  datasets: string;
  nDatasets: number;
  eps2Up: number;
  discovery: Discovery;
  converged: boolean;
}

/** Concatenate datasets into one window likelihood with amplitude a = ε²/eps2Ref. */
export function combinedLikelihood(ds: DatasetWindow[]): { lik: WindowLikelihood; eps2Ref: number } {
  const B = ds.reduce((a, d) => a + d.n.length, 0);
  const n: number[] = [], b: number[] = [], s: number[] = [];
  const C = new Float64Array(B * B);
  let off = 0;
  for (const d of ds) {
    const m = d.n.length;
    for (let i = 0; i < m; i++) {
      n.push(d.n[i]); b.push(d.b[i]); s.push(d.sUnit[i]);
      for (let j = 0; j < m; j++) C[(off + i) * B + off + j] = d.C[i * m + j];
    }
    off += m;
  }
  // ε²_ref: the ε² giving one signal event in total, so a counts signal events.
  const total = s.reduce((a, v) => a + Math.max(v, 0), 0);
  const eps2Ref = total > 0 ? 1 / total : 1;
  return { lik: new WindowLikelihood({ n, b, C, w: s.map((v) => v * eps2Ref) }), eps2Ref };
}

/**
 * Combined asymptotic CLs upper limit on ε² and discovery test (spec §7.8 combined variant:
 * ε_hi = max(1e-10, 3√max(Σb, 1)/max(Σs⁺, 1e-12)), doubled while CLs > α (< 1e12, ≤ 80 times),
 * bisection ≤ 80 iterations with |CLs − α| < 1e-2 or relative width 1e-3).
 */
export function combinedLimit(ds: DatasetWindow[], alpha = 0.05): CombinedResult {
  const { lik, eps2Ref } = combinedLikelihood(ds);
  const calc = windowCalculator(lik);
  let sumB = 0, sumS = 0;
  for (const d of ds) for (let i = 0; i < d.b.length; i++) { sumB += d.b[i]; sumS += Math.max(d.sUnit[i], 0); }
  const epsHi = Math.max(1e-10, (3 * Math.sqrt(Math.max(sumB, 1))) / Math.max(sumS, 1e-12));
  const lim = limitFromCls((a) => calc.test(a).observed.cls, hpsLimitOptions(lik, {
    level: alpha, start: epsHi / eps2Ref, maxIter: 80, clsTol: 1e-2, rtol: 1e-3, maxSteps: 80, cap: 1e12 / eps2Ref,
  }));
  return { datasets: ds.map((d) => d.name).join("+"), nDatasets: ds.length, eps2Up: lim.limit * eps2Ref, discovery: discovery(calc.obs), converged: lim.converged };
}

/**
 * Display-level combined estimate (spec §8, extract/observed displays; not a likelihood fit):
 * ε̂² = Σ(K_d/σ_d²)Â_d / Σ(K_d²/σ_d²), σ = (Σ K_d²/σ_d²)^(−1/2).
 */
export function inverseVarianceEps2(parts: { aHat: number; sigmaA: number; K: number }[]): { eps2Hat: number; sigma: number } {
  let num = 0, den = 0;
  for (const p of parts) {
    num += (p.K / (p.sigmaA * p.sigmaA)) * p.aHat;
    den += (p.K * p.K) / (p.sigmaA * p.sigmaA);
  }
  return { eps2Hat: num / den, sigma: 1 / Math.sqrt(den) };
}
