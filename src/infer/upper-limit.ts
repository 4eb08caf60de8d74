// Upper limits on the POI from CLs (pyhf infer/intervals/upper_limits.py; spec pyhf.md §5.7):
// the root of CLs(μ) = α for the observed curve and each of the five expected curves, as
// pyhf's toms748_scan does it — expand the bracket [lo, hi] from the POI bounds (halve lo,
// double hi), then solve each curve in turn, re-bracketed from the cached hypothesis tests
// (largest μ with CLs ≥ α, smallest with CLs < α). Brent's method replaces TOMS 748 (same
// roots to the tolerance). Or, in scan mode, linear interpolation on a grid (pyhf
// linear_grid_scan). When a limit lies above the POI's upper bound the bound is doubled (up
// to a cap) and the free fits redone with the wider bound, instead of failing as pyhf does.
// For one monotone CLs(μ) curve (e.g. hps_gpr's observed limit, spec hps_gpr.md §7.8),
// limitFromCls brackets the root by doubling steps and solves it by Brent or by bisection;
// a LimitSolver gives limits of many data sets of one model (toys), by the general path
// (asymptoticLimitSolver) or by a specialised solver that plugs in (bumphunt/bands.ts).
import type { FitOptions } from "../likelihood/fit.ts";
import type { Likelihood } from "../likelihood/types.ts";
import { bisect, brent, expandBracket } from "../math/roots.ts";
import { AsymptoticCalculator } from "./asymptotic.ts";

export interface UpperLimitOptions {
  /** CLs level α = 1 − CL: 0.05 for 95% CL. */
  level?: number;
  testStat?: "qtilde" | "q";
  data?: Float64Array;
  fit?: FitOptions;
  /** Relative tolerance of the root (default 1e-6; pyhf uses toms748 with rtol 1e-4). */
  rtol?: number;
  /** Scan mode: POI values for a grid scan with linear interpolation instead of root finding. */
  scan?: number[];
  /** Largest POI upper bound the search may extend to (default: 1024 × the model's bound). */
  maxUpper?: number;
}

export interface UpperLimitResult {
  obs: number;
  /** Expected limits at −2σ … +2σ (pyhf order: ascending). */
  exp: number[];
  /** Hypothesis tests run with the final bounds (each is two conditional fits once the calculator is built). */
  n_hypotests: number;
  /** The model's POI upper bound, and the one used in the end (larger when it had to be extended). */
  poi_upper_bound: number;
  poi_upper_bound_used: number;
  /** True when a limit lies above the model's POI upper bound. */
  above_poi_bound: boolean;
  /** True when a CLs curve stays above α up to `maxUpper` (its limit is reported as +∞). */
  capped: boolean;
  /** (μ, CLs_obs, CLs_exp[5]) of every hypothesis test, sorted by μ (for plots). */
  scan: { mu: number; cls_obs: number; cls_exp: number[] }[];
}

const CURVES = [0, 1, 2, 3, 4, 5];

export function upperLimit(lik: Likelihood, o: UpperLimitOptions = {}): UpperLimitResult {
  if (lik.poi === null) throw new Error("upper limits need a model with a parameter of interest");
  const poi = lik.poi;
  const level = o.level ?? 0.05;
  const p = lik.parameters[poi];
  const cap = o.maxUpper ?? (Number.isFinite(p.upper) ? 1024 * Math.max(p.upper, 1) : 1e6);
  const data = o.data ?? lik.observed;
  const cache = new Map<number, number[]>();
  let bound = p.upper;
  let calc!: AsymptoticCalculator;
  const setBound = (upper: number) => {
    bound = upper;
    const fitOpts: FitOptions = upper === p.upper ? (o.fit ?? {})
      : { ...o.fit, bounds: [...(o.fit?.bounds ?? []).filter(([i]) => i !== poi), [poi, p.lower, upper]] };
    calc = new AsymptoticCalculator(lik, data, o.testStat ?? "qtilde", fitOpts);
    cache.clear();
  };
  setBound(p.upper);
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
  let limits: number[];
  let capped = false;
  if (o.scan) {
    const top = Math.max(...o.scan);
    if (top > bound) setBound(Math.min(cap, top));
    limits = CURVES.map((k) => interpolateCrossing(o.scan!, o.scan!.map((mu) => curves(mu)[k]), level));
  } else {
    let lo = Math.max(p.lower, 0);
    let hi = p.upper;
    for (let i = 0; i < 60 && curves(lo).some((v) => v < level) && lo > 1e-12; i++) lo /= 2;
    // Double hi while a curve is still above α there; past the POI bound, widen the bound
    // too (the free fits must be able to reach μ̂ there) and check again.
    for (;;) {
      while (hi < cap && curves(hi).some((v) => v > level)) hi = Math.min(cap, 2 * hi);
      if (hi <= bound) break;
      setBound(hi);
    }
    capped = curves(hi).some((v) => v > level);
    const rtol = o.rtol ?? 1e-6;
    limits = CURVES.map((k) => {
      if (curves(hi)[k] > level) return Infinity;
      // Re-bracket from the cache: the largest μ still above α, the smallest below it.
      let a = lo, b = hi;
      for (const [mu, v] of cache) {
        if (v[k] >= level && mu > a && mu < b) a = mu;
        if (v[k] < level && mu < b && mu > a) b = mu;
      }
      const fa = curves(a)[k] - level, fb = curves(b)[k] - level;
      if (fa === 0) return a;
      if (fb === 0) return b;
      if (fa * fb > 0) return NaN;
      return brent((mu) => curves(mu)[k] - level, a, b, { xtol: 2e-12, rtol }, fa, fb).x;
    });
  }
  const scan = [...cache.entries()].sort((x, y) => x[0] - y[0]).map(([mu, v]) => ({ mu, cls_obs: v[0], cls_exp: v.slice(1) }));
  return {
    obs: limits[0], exp: limits.slice(1), n_hypotests: cache.size,
    poi_upper_bound: p.upper, poi_upper_bound_used: bound, above_poi_bound: limits.some((x) => x > p.upper), capped, scan,
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

export interface ClsLimitOptions {
  /** CLs level α (default 0.05). */
  level?: number;
  /** Lowest POI value (default 0) and CLs there (default 1: nothing excluded); never evaluated. */
  lower?: number;
  clsAtLower?: number;
  /** First trial value of the bracket search, and its first step (default start − lower: doubling). */
  start: number;
  step?: number;
  /** At most maxSteps expansions (default 40), none upward from μ ≥ cap (default ∞). */
  maxSteps?: number;
  cap?: number;
  /** Solve on [lower, hi] instead of the last bracket found (hps_gpr §7.8 keeps A_lo = 0). */
  keepLower?: boolean;
  /**
   * "brent" (default; tolerances xtol 1e-12, rtol 1e-8) or "bisection" (hps_gpr: stops when
   * |CLs − α| < clsTol (1e-6) or the bracket is narrower than max(xtol, rtol·|μ|) (1e-12, 1e-6),
   * at most maxIter (40) halvings; the result is the bracket's midpoint).
   */
  method?: "brent" | "bisection";
  rtol?: number;
  xtol?: number;
  clsTol?: number;
  maxIter?: number;
  /**
   * With bisection only: solve even when CLs is still above α at the end of the expansion (the
   * result then approaches that end, as hps_gpr), instead of returning NaN.
   */
  solveUnbracketed?: boolean;
}

export interface ClsLimitResult {
  limit: number;
  converged: boolean;
  /** False when no μ with CLs ≤ α was found (limit NaN, or the top of the search with solveUnbracketed). */
  bracketed: boolean;
  /** CLs evaluations (the lower end is never evaluated). */
  evaluations: number;
}

/** The μ where a decreasing CLs(μ) crosses α: bracket expansion, then Brent or bisection (math/roots.ts). */
export function limitFromCls(cls: (mu: number) => number, o: ClsLimitOptions): ClsLimitResult {
  const level = o.level ?? 0.05, lower = o.lower ?? 0;
  let evaluations = 0;
  const f = (mu: number) => {
    evaluations++;
    return cls(mu) - level;
  };
  const fLower = (o.clsAtLower ?? 1) - level;
  const br = expandBracket(f, o.start, o.step ?? o.start - lower, { lower, fLower, maxSteps: o.maxSteps, cap: o.cap });
  const bisection = o.method === "bisection";
  if (!br.bracketed && !(bisection && o.solveUnbracketed)) return { limit: NaN, converged: false, bracketed: false, evaluations };
  const [a, fa] = o.keepLower ? [lower, fLower] : [br.lo, br.flo];
  const r = bisection
    ? bisect(f, a, br.hi, { ftol: o.clsTol ?? 1e-6, rtol: o.rtol ?? 1e-6, xtol: o.xtol ?? 1e-12, maxIter: o.maxIter ?? 40 }, fa)
    : brent(f, a, br.hi, { xtol: o.xtol ?? 1e-12, rtol: o.rtol ?? 1e-8, maxIter: o.maxIter }, fa, br.fhi);
  return { limit: r.x, converged: r.converged, bracketed: br.bracketed, evaluations };
}

/**
 * Upper limits for many data sets of one model (toys, observed data). Specialised solvers
 * (e.g. the bump hunt's Newton fits) implement it beside the general asymptoticLimitSolver.
 */
export interface LimitSolver {
  /** The limit for `data` (the model's layout: main then auxiliary), NaN when none is found. */
  limit(data: Float64Array): number;
}

/** The general path: the calculator's asymptotic CLs (Asimov fits shared) on each data set, root by limitFromCls. */
export function asymptoticLimitSolver(calc: AsymptoticCalculator, o: ClsLimitOptions): LimitSolver {
  return {
    limit(data) {
      const c = calc.withObserved(data);
      return limitFromCls((mu) => c.test(mu).observed.cls, o).limit;
    },
  };
}

/** The first finite limit of the solvers, in order (a solver that throws counts as NaN). */
export function firstFiniteLimit(...solvers: LimitSolver[]): LimitSolver {
  return {
    limit(data) {
      for (const s of solvers) {
        try {
          const x = s.limit(data);
          if (Number.isFinite(x)) return x;
        } catch {
          // next solver
        }
      }
      return NaN;
    },
  };
}
