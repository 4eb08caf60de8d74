// Upper limits on the POI from CLs (pyhf infer/intervals/upper_limits.py; spec pyhf.md §5.7):
// the root of CLs(μ) = α for the observed curve and each of the five expected curves, by
// bracket expansion and bracketed root finding with every hypothesis test cached by μ, or by
// interpolation on a scan grid.
import type { FitOptions } from "../likelihood/fit.ts";
import type { Likelihood } from "../likelihood/types.ts";
import { brent } from "../math/roots.ts";
import { AsymptoticCalculator } from "./asymptotics.ts";

export interface UpperLimitOptions {
  /** CLs level α: 0.05 for 95% CL. */
  level?: number;
  testStat?: "qtilde" | "q";
  data?: Float64Array;
  fit?: FitOptions;
  /** Relative tolerance of the root (default 1e-6; pyhf uses toms748 with rtol 1e-4). */
  rtol?: number;
  /** Scan mode: POI values for a grid scan with linear interpolation instead of root finding. */
  scan?: number[];
}

export interface UpperLimitResult {
  obs: number;
  /** Expected limits at −2σ … +2σ (pyhf order: ascending). */
  exp: number[];
  /** Hypothesis tests run (each is two conditional fits once the calculator is built). */
  n_hypotests: number;
  /** The POI's upper bound, and whether a limit lies above it (the bracket was extended). */
  poi_upper_bound: number;
  above_poi_bound: boolean;
  /** (μ, CLs_obs, CLs_exp[5]) of every hypothesis test, sorted by μ (for plots). */
  scan: { mu: number; cls_obs: number; cls_exp: number[] }[];
}

export function upperLimit(lik: Likelihood, o: UpperLimitOptions = {}): UpperLimitResult {
  if (lik.poi === null) throw new Error("upper limits need a model with a parameter of interest");
  const level = o.level ?? 0.05;
  const calc = new AsymptoticCalculator(lik, o.data ?? lik.observed, o.testStat ?? "qtilde", o.fit);
  const cache = new Map<number, number[]>();
  /** [CLs_obs, CLs_exp(−2σ) … CLs_exp(+2σ)] at μ. */
  const curves = (mu: number): number[] => {
    let v = cache.get(mu);
    if (!v) {
      const r = calc.test(mu);
      v = [r.observed.cls, ...r.expected.map((e) => e.cls)];
      cache.set(mu, v);
    }
    return v;
  };
  const p = lik.parameters[lik.poi];
  let limits: number[];
  if (o.scan) {
    limits = [0, 1, 2, 3, 4, 5].map((k) => interpolateCrossing(o.scan!, o.scan!.map((mu) => curves(mu)[k]), level));
  } else {
    let lo = Math.max(p.lower, 0);
    let hi = p.upper;
    for (let i = 0; i < 60 && curves(lo).some((v) => v < level) && lo > 1e-12; i++) lo /= 2;
    for (let i = 0; i < 60 && curves(hi).some((v) => v > level); i++) hi *= 2;
    const rtol = o.rtol ?? 1e-6;
    limits = [0, 1, 2, 3, 4, 5].map((k) => {
      // Re-bracket from the cache: the largest μ still above α, the smallest below it.
      let a = lo, b = hi;
      for (const [mu, v] of cache) {
        if (v[k] >= level && mu > a && mu < b) a = mu;
        if (v[k] < level && mu < b && mu > a) b = mu;
      }
      const fa = curves(a)[k] - level, fb = curves(b)[k] - level;
      if (fa === 0) return a;
      if (fb === 0 || fa * fb > 0) return fa * fb > 0 ? NaN : b;
      return brent((mu) => curves(mu)[k] - level, a, b, { xtol: 2e-12, rtol }, fa, fb).x;
    });
  }
  const scan = [...cache.entries()].sort((x, y) => x[0] - y[0]).map(([mu, v]) => ({ mu, cls_obs: v[0], cls_exp: v.slice(1) }));
  return {
    obs: limits[0], exp: limits.slice(1), n_hypotests: cache.size,
    poi_upper_bound: p.upper, above_poi_bound: limits.some((x) => x > p.upper), scan,
  };
}

/** Linear interpolation of the μ where a (decreasing) CLs curve crosses α (np.interp on the reversed arrays). */
export function interpolateCrossing(mu: number[], cls: number[], level: number): number {
  const xs = [...cls].reverse(), ys = [...mu].reverse(); // CLs increasing
  if (level <= xs[0]) return ys[0];
  if (level >= xs[xs.length - 1]) return ys[ys.length - 1];
  for (let i = 1; i < xs.length; i++) {
    if (level <= xs[i]) {
      const t = (level - xs[i - 1]) / (xs[i] - xs[i - 1]);
      return ys[i - 1] + t * (ys[i] - ys[i - 1]);
    }
  }
  return NaN;
}
