// Profile-likelihood scans and intervals for any parameter: Δ(2NLL)(x) with every other free
// parameter refitted, and the x where it crosses 1 (68.3% CL) and 3.84 (95% CL), found by
// root finding on the profile itself rather than read off a grid.
import { fit, type FitOptions, type FitResult } from "../likelihood/fit.ts";
import type { Likelihood } from "../likelihood/types.ts";
import { brent } from "../math/roots.ts";

export interface ScanPoint {
  value: number;
  delta_twice_nll: number;
  converged: boolean;
}

export interface Interval {
  cl: number;
  level: number;
  lower: number;
  upper: number;
  /** True when the crossing is beyond the parameter's bound (the interval is cut there). */
  lower_at_bound: boolean;
  upper_at_bound: boolean;
}

export interface ProfileResult {
  parameter: string;
  best_fit: number;
  twice_nll_min: number;
  points: ScanPoint[];
  intervals: Interval[];
}

/** Δ(2NLL) thresholds for 68.3% and 95% two-sided intervals of one parameter (χ²₁ quantiles). */
export const LEVELS: { cl: number; level: number }[] = [{ cl: 0.6827, level: 1 }, { cl: 0.95, level: 3.841458820694124 }];

/** Profile of parameter `index`: scan points and interval edges. */
export function profileScan(lik: Likelihood, index: number, o: { data?: Float64Array; points?: number[]; npoints?: number; fit?: FitOptions } = {}): ProfileResult {
  const data = o.data ?? lik.observed;
  const best = fit(lik, data, o.fit ?? {});
  const p = lik.parameters[index];
  const xHat = best.pars[index];
  const cache = new Map<number, FitResult>();
  const prof = (x: number): number => {
    let r = cache.get(x);
    if (!r) {
      const init = Float64Array.from(best.pars);
      init[index] = x;
      r = fit(lik, data, { ...(o.fit ?? {}), init, fix: [...(o.fit?.fix ?? []), [index, x]] });
      cache.set(x, r);
    }
    return r.twiceNll - best.twiceNll;
  };
  // Interval edges: step out from the minimum until the profile passes the level, then Brent.
  const step0 = Math.max(1e-3, 0.1 * Math.max(Math.abs(xHat), 1));
  const edge = (dir: 1 | -1, level: number): [number, boolean] => {
    const bound = dir > 0 ? p.upper : p.lower;
    let a = xHat, step = step0;
    for (let i = 0; i < 60; i++) {
      let b = a + dir * step;
      if (dir > 0 ? b >= bound : b <= bound) b = bound;
      const v = prof(b);
      if (v >= level) return [brent((x) => prof(x) - level, a, b, { xtol: 1e-9, rtol: 1e-8 }, prof(a) - level, v - level).x, false];
      if (b === bound) return [bound, true];
      a = b;
      step *= 1.6;
    }
    return [dir > 0 ? Infinity : -Infinity, true];
  };
  const intervals: Interval[] = LEVELS.map(({ cl, level }) => {
    const [lower, la] = xHat <= p.lower ? [p.lower, true] : edge(-1, level);
    const [upper, ua] = xHat >= p.upper ? [p.upper, true] : edge(1, level);
    return { cl, level, lower, upper, lower_at_bound: la as boolean, upper_at_bound: ua as boolean };
  });
  let grid = o.points;
  if (!grid) {
    const i95 = intervals[1];
    const lo = Number.isFinite(i95.lower) ? i95.lower : p.lower, hi = Number.isFinite(i95.upper) ? i95.upper : p.upper;
    const span = hi - lo || 1;
    const a = Math.max(p.lower, lo - 0.2 * span), b = Math.min(p.upper, hi + 0.2 * span);
    const n = o.npoints ?? 21;
    grid = Array.from({ length: n }, (_, k) => a + ((b - a) * k) / (n - 1));
  }
  const points = grid.map((x) => ({ value: x, delta_twice_nll: prof(x), converged: cache.get(x)!.converged }));
  return { parameter: p.name, best_fit: xHat, twice_nll_min: best.twiceNll, points, intervals };
}
