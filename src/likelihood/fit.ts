// Maximum-likelihood fits of any Likelihood: free fits, fits with some parameters fixed
// (e.g. the POI at a tested value), and the Hessian covariance at the minimum.
import { minimize, type MinimizeOptions, type MinimizeResult, type ObjectiveWithGradient } from "../optimize/minimize.ts";
import { minimizeNewton, type HessianFunction } from "../optimize/newton.ts";
import { hessianFromGradient, covarianceFromHessian } from "../optimize/hessian.ts";
import type { ClosedFormProfile, Likelihood } from "./types.ts";

export interface FitOptions {
  /** Starting values (default: each parameter's init). */
  init?: ArrayLike<number>;
  /** Extra parameters to hold fixed, as [index, value] pairs (value overrides init). */
  fix?: ReadonlyArray<readonly [number, number]>;
  /** Override bounds of some parameters, as [index, lower, upper]. */
  bounds?: ReadonlyArray<readonly [number, number, number]>;
  /** Diagonal curvature seed for the optimiser (see MinimizeOptions.curvature). */
  curvature?: ArrayLike<number>;
  maxIter?: number;
  /**
   * Let the likelihood profile what it can in closed form (Likelihood.closedFormProfile, e.g.
   * HistFactory's per-bin γ's; default true). Same minimum; false = every free parameter goes
   * to the optimiser.
   */
  analytic?: boolean;
  /**
   * Take damped Newton steps with the likelihood's Hessian approximation (Likelihood.hessian or
   * the closed-form profile's, when it has one), falling back to quasi-Newton when they stall.
   * Default false: on the HistFactory models measured (bench/infer.bench.ts) the Gauss–Newton
   * Hessian plus its secant correction took as many iterations as quasi-Newton, each dearer.
   */
  newton?: boolean;
  /** Trust region of the quasi-Newton steps in pre-fit widths (default: the likelihood's fitMaxStep, else none). */
  maxStep?: number;
}

export interface FitResult {
  /** Best-fit values of all parameters (fixed ones at their fixed value). */
  pars: Float64Array;
  /** −ln L at the best fit. */
  nll: number;
  /** −2 ln L at the best fit (pyhf's twice_nll). */
  twiceNll: number;
  converged: boolean;
  iterations: number;
  evaluations: number;
  message: string;
  /** Which parameters were held fixed in this fit. */
  fixed: Uint8Array;
}

/** Distance from a kink at which the mirrored start is placed when a fit ends on the kink itself. */
const KINK_OFFSET = 0.1;

/**
 * Minimise −ln L(pars | data) within the parameters' bounds. When the likelihood has kinks
 * (Likelihood.kinks), the fit is repeated from its end point with every free kinked parameter
 * mirrored through its kink (at least KINK_OFFSET away), and the lower minimum is kept: with
 * piecewise-linear interpolation (code0) a fit started on the kink goes to the side its first
 * gradient points to, which need not hold the lower minimum (pyhf-validation
 * 2bin_2channel_coupledhistosys: 2NLL 30.285 at α = −0.19 from α = 0, 29.287 at α = +0.31).
 */
export function fit(lik: Likelihood, data: Float64Array, opts: FitOptions = {}): FitResult {
  const r = fitFromStart(lik, data, opts);
  const kinks = lik.kinks;
  if (!kinks || kinks.length === 0 || !Number.isFinite(r.twiceNll)) return r;
  const x1 = Float64Array.from(r.pars);
  let mirrored = false;
  for (const { index: j, at } of kinks) {
    if (r.fixed[j]) continue;
    const d = r.pars[j] - at;
    x1[j] = at - (d >= 0 ? 1 : -1) * Math.max(Math.abs(d), KINK_OFFSET);
    mirrored = true;
  }
  if (!mirrored) return r;
  const r1 = fitFromStart(lik, data, { ...opts, init: x1 });
  const cost = { iterations: r.iterations + r1.iterations, evaluations: r.evaluations + r1.evaluations };
  return r1.twiceNll < r.twiceNll ? { ...r1, ...cost } : { ...r, ...cost };
}

/** One fit from the given (or the parameters') starting point. */
function fitFromStart(lik: Likelihood, data: Float64Array, opts: FitOptions): FitResult {
  const n = lik.parameters.length;
  const x0 = new Float64Array(n);
  const lower = new Float64Array(n);
  const upper = new Float64Array(n);
  const fixed = new Uint8Array(n);
  lik.parameters.forEach((p, i) => {
    x0[i] = opts.init ? opts.init[i] : p.init;
    lower[i] = p.lower;
    upper[i] = p.upper;
    fixed[i] = p.fixed ? 1 : 0;
    if (p.fixed) x0[i] = p.init;
  });
  for (const [i, lo, hi] of opts.bounds ?? []) { lower[i] = lo; upper[i] = hi; }
  for (const [i, v] of opts.fix ?? []) { fixed[i] = 1; x0[i] = v; }
  const profile = opts.analytic !== false && lik.closedFormProfile ? lik.closedFormProfile(data, fixed, lower, upper) : null;
  if (profile) return profiledFit(lik, data, profile, x0, lower, upper, fixed, opts);
  const fg = (x: Float64Array, g: Float64Array) => lik.nllGrad(x, data, g);
  if (opts.newton === true && lik.hessian) {
    const hess: HessianFunction = (x, idx, out) => lik.hessian!(x, data, idx, out);
    const r = newtonThenQuasiNewton(fg, hess, x0, { lower, upper, fixed, maxIter: opts.maxIter }, (x) => {
      if (!lik.curvature) return undefined;
      const c = new Float64Array(n);
      lik.curvature(x, data, c);
      return c;
    });
    return { pars: r.x, nll: r.fun, twiceNll: 2 * r.fun, converged: r.converged, iterations: r.iterations, evaluations: r.evaluations, message: r.message, fixed };
  }
  let curvature = opts.curvature;
  if (!curvature && lik.curvature) {
    const c = new Float64Array(n);
    lik.curvature(x0, data, c);
    curvature = c;
  }
  let r: MinimizeResult = minimize(fg, x0, { lower, upper, fixed, curvature, maxIter: opts.maxIter, maxStep: opts.maxStep ?? lik.fitMaxStep });
  if (!r.converged && Number.isFinite(r.fun)) {
    // One restart from where it stopped, with a freshly measured curvature: clears a
    // quasi-Newton matrix spoiled by a long excursion (e.g. from a poor starting point).
    let c2: Float64Array | undefined;
    if (lik.curvature) { c2 = new Float64Array(n); lik.curvature(r.x, data, c2); }
    const r2 = minimize(fg, r.x, { lower, upper, fixed, curvature: c2, maxIter: opts.maxIter, maxStep: opts.maxStep ?? lik.fitMaxStep });
    if (r2.fun <= r.fun) r = { ...r2, iterations: r.iterations + r2.iterations, evaluations: r.evaluations + r2.evaluations };
  }
  return {
    pars: r.x,
    nll: r.fun,
    twiceNll: 2 * r.fun,
    converged: r.converged,
    iterations: r.iterations,
    evaluations: r.evaluations,
    message: r.message,
    fixed,
  };
}

/**
 * The fit with some parameters profiled in closed form: the optimiser moves only the others
 * (free and not masked), on the profiled −ln L, whose gradient the profile gives by the
 * envelope theorem. The returned parameters carry the profiled values at the optimum.
 */
function profiledFit(
  lik: Likelihood, data: Float64Array, profile: ClosedFormProfile,
  x0: Float64Array, lower: Float64Array, upper: Float64Array, fixed: Uint8Array, opts: FitOptions,
): FitResult {
  const n = x0.length;
  const idx: number[] = [];
  for (let i = 0; i < n; i++) if (!fixed[i] && !profile.mask[i]) idx.push(i);
  const m = idx.length;
  const full = Float64Array.from(x0);
  const gFull = new Float64Array(n);
  const fg = (x: Float64Array, g: Float64Array): number => {
    for (let a = 0; a < m; a++) full[idx[a]] = x[a];
    const v = profile.nllGrad(full, gFull);
    for (let a = 0; a < m; a++) g[a] = gFull[idx[a]];
    return v;
  };
  const pick = (v: ArrayLike<number>) => Float64Array.from(idx, (i) => v[i]);
  const lo = pick(lower), hi = pick(upper);
  const curvatureAt = (x: Float64Array): Float64Array | undefined => {
    if (!lik.curvature) return undefined;
    fg(x, new Float64Array(m)); // puts the profiled values into `full`
    const c = new Float64Array(n);
    lik.curvature(full, data, c);
    return pick(c);
  };
  const start = pick(x0);
  let r: MinimizeResult;
  if (opts.newton === true && profile.hessian) {
    // Newton steps on the profiled problem: the profile's Hessian for the listed (reduced)
    // variables, at the point of the last fg call (whose `full` carries the profiled values).
    const sub = new Int32Array(m);
    const hess: HessianFunction = (_x, ids, out) => {
      for (let a = 0; a < ids.length; a++) sub[a] = idx[ids[a]];
      profile.hessian!(full, sub.subarray(0, ids.length), out);
    };
    r = newtonThenQuasiNewton(fg, hess, start, { lower: lo, upper: hi, maxIter: opts.maxIter }, (x) => curvatureAt(x));
  } else {
    const curvature = opts.curvature ? pick(opts.curvature) : curvatureAt(start);
    r = minimize(fg, start, { lower: lo, upper: hi, curvature, maxIter: opts.maxIter, maxStep: opts.maxStep ?? lik.fitMaxStep });
  }
  if (!r.converged && Number.isFinite(r.fun)) {
    let curvature: Float64Array | undefined;
    curvature = curvatureAt(r.x);
    const r2 = minimize(fg, r.x, { lower: lo, upper: hi, curvature, maxIter: opts.maxIter, maxStep: opts.maxStep ?? lik.fitMaxStep });
    if (r2.fun <= r.fun) r = { ...r2, iterations: r.iterations + r2.iterations, evaluations: r.evaluations + r2.evaluations };
  }
  const f = fg(r.x, new Float64Array(m));
  const pars = Float64Array.from(full);
  const nll = Number.isFinite(f) ? f : r.fun;
  return {
    pars, nll, twiceNll: 2 * nll, converged: r.converged, iterations: r.iterations, evaluations: r.evaluations + 1,
    message: r.message, fixed,
  };
}

export interface Uncertainties {
  /** √diag of the covariance; 0 for fixed parameters. */
  errors: Float64Array;
  /** Full covariance (n×n, row-major). */
  covariance: Float64Array;
  /** Correlation matrix (n×n, row-major; 0 rows for fixed parameters). */
  correlation: Float64Array;
  flatDirections: number;
}

/**
 * Damped Newton (optimize/newton.ts); if it stops short of convergence, quasi-Newton from where
 * it stopped (seeded with `curvature()`), and the better of the two.
 */
function newtonThenQuasiNewton(
  fg: ObjectiveWithGradient, hess: HessianFunction, x0: Float64Array, o: MinimizeOptions, curvature: (x: Float64Array) => ArrayLike<number> | undefined,
): MinimizeResult {
  const r = minimizeNewton(fg, hess, x0, o);
  if (r.converged || !Number.isFinite(r.fun)) return r;
  const r2 = minimize(fg, r.x, { ...o, curvature: curvature(r.x) });
  const add = { iterations: r.iterations + r2.iterations, evaluations: r.evaluations + r2.evaluations };
  return r2.fun <= r.fun ? { ...r2, ...add } : { ...r, ...add };
}

/** Covariance from the Hessian of −ln L at a fit result (Minuit HESSE convention). */
export function uncertainties(lik: Likelihood, data: Float64Array, result: FitResult): Uncertainties {
  const n = lik.parameters.length;
  const fg = (x: Float64Array, g: Float64Array) => lik.nllGrad(x, data, g);
  const lower = lik.parameters.map((p) => p.lower);
  const upper = lik.parameters.map((p) => p.upper);
  const H = hessianFromGradient(fg, result.pars, lower, upper);
  const free = Array.from(result.fixed, (f) => !f);
  const cov = covarianceFromHessian(H, n, free);
  const correlation = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const d = cov.errors[i] * cov.errors[j];
      correlation[i * n + j] = d > 0 ? cov.matrix[i * n + j] / d : 0;
    }
  }
  return { errors: cov.errors, covariance: cov.matrix, correlation, flatDirections: cov.flatDirections };
}
