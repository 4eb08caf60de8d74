// Fits of the blinded region model that make background priors (specs/interval_evidence.md §3.3):
// - `normal`: blinded MLE x̂, C = inverse Hessian, g = ∇b(x̂): b̂, σ_b = √(gᵀCg), σ_log = σ_b/b̂;
// - `linspace`: profile of the blinded objective along b(x) = y on a grid of y (levels = minima);
// - `signal`: profile of the blinded objective − ln Pois(n | max(b,0) + s) on a grid of s.
// Optimiser failures are recorded with the results, never dropped (§9 "RegionFit").
import { fit } from "../likelihood/fit.ts";
import { minimize } from "../optimize/minimize.ts";
import { covarianceFromHessian, hessianFromGradient } from "../optimize/hessian.ts";
import { linspace } from "../math/stats.ts";
import type { BlindedRegion } from "./blind.ts";

export interface FitFailure {
  /** What was being fitted (e.g. "normal", "linspace y=3.1"). */
  where: string;
  message: string;
}

export interface BlindFit {
  x: Float64Array;
  nll: number;
  converged: boolean;
  message: string;
  /** Covariance over all parameters (n×n, zero rows for fixed ones). */
  covariance: Float64Array;
  /** b̂ and g = ∇b(x̂). */
  yield: number;
  grad: Float64Array;
  failures: FitFailure[];
}

/** `normal.json` (§4). */
export interface NormalJson {
  yield_linear: number;
  error_linear: number;
  error_log: number;
}

/** Blinded maximum-likelihood fit with its Hessian covariance and the SR-yield gradient. */
export function fitBlinded(br: BlindedRegion): BlindFit {
  const failures: FitFailure[] = [];
  let r = fit(br.model, br.data);
  // A second start from the first result (fresh curvature) guards against early stops.
  const r2 = fit(br.model, br.data, { init: r.pars });
  if (r2.nll < r.nll) r = r2;
  if (!r.converged) failures.push({ where: "normal", message: r.message });
  const n = br.nPars;
  const fg = (x: Float64Array, g: Float64Array) => br.nllGrad(x, g);
  const H = hessianFromGradient(fg, r.pars, br.lower, br.upper);
  const cov = covarianceFromHessian(H, n, Array.from(br.fixed, (f) => !f));
  if (cov.flatDirections > 0) failures.push({ where: "normal", message: `Hessian has ${cov.flatDirections} flat direction(s): pseudo-inverse used` });
  const grad = new Float64Array(n);
  const b = br.srYieldGrad(r.pars, grad);
  return { x: r.pars, nll: r.nll, converged: r.converged, message: r.message, covariance: cov.matrix, yield: b, grad, failures };
}

/** b̂, σ_b = √(gᵀCg) and σ_log = σ_b / b̂ (§3.3 `normal`). */
export function normalFromFit(f: BlindFit): NormalJson {
  const n = f.grad.length;
  let v = 0;
  for (let i = 0; i < n; i++) {
    let row = 0;
    for (let j = 0; j < n; j++) row += f.covariance[i * n + j] * f.grad[j];
    v += f.grad[i] * row;
  }
  const err = Math.sqrt(Math.max(v, 0));
  return { yield_linear: f.yield, error_linear: err, error_log: err / f.yield };
}

export interface ProfileResult {
  /** Grid values (y for linspace, s for signal). */
  grid: number[];
  /** Minimised objective at each grid value (absolute −logpdf incl. constants). */
  levels: number[];
  /** Largest |b(x) − y| left at a grid point (linspace only). */
  maxViolation: number;
  failures: FitFailure[];
  /** Optimiser work: minimisations and their quasi-Newton iterations. */
  stats: { outer: number; inner: number };
}

export interface ProfileOptions {
  /** Grid size (default 201 = the stored files' nbins + 1). */
  num?: number;
  /** Compute every stride-th grid point only (others NaN); for quick checks. */
  stride?: number;
}

interface Warm {
  x: Float64Array;
  lam: number;
}

/**
 * `linspace` (§3.3): for each y on the grid, min_x nll_blind(x) subject to b(x) = y, by an
 * augmented Lagrangian (multiplier and penalty updates around bounded BFGS), warm-started
 * from the neighbouring grid point, walking outwards from the grid point nearest b̂.
 */
export function profileYield(br: BlindedRegion, best: BlindFit, start: number, stop: number, opts: ProfileOptions = {}): ProfileResult {
  const num = opts.num ?? 201, stride = opts.stride ?? 1;
  const stats = { outer: 0, inner: 0 };
  const grid = Array.from(linspace(start, stop, num));
  const levels = new Array<number>(num).fill(NaN);
  const failures: FitFailure[] = [];
  const n = br.nPars;
  const sigma = Math.max(normalFromFit(best).error_linear, 1e-3 * Math.max(1, Math.abs(best.yield)));
  const gb = new Float64Array(n);
  const curv = new Float64Array(n);
  let maxViolation = 0;
  // Warm starts carry the solution and the multiplier of the neighbouring grid point.
  // The profile can have several local minima (§3.3 upstream takes the best of several inits):
  // each grid point is solved from the neighbour's solution (linearly extrapolated when two
  // neighbours are known), from the blinded best fit and from the pyhf init; the lowest wins.
  const solve = (i: number, prev: Warm, prev2: Warm | null): Warm => {
    const lam0 = prev2 ? 2 * prev.lam - prev2.lam : prev.lam;
    const xw = Float64Array.from(prev.x);
    if (prev2) for (let k = 0; k < n; k++) xw[k] = Math.min(br.upper[k], Math.max(br.lower[k], 2 * prev.x[k] - prev2.x[k]));
    let bestRun: (Warm & { level: number; msg: string; c: number }) | null = null;
    for (const [x0, l0] of [[xw, lam0], [best.x, lam0], [br.init, lam0]] as const) {
      const run = solveFrom(grid[i], x0, l0);
      if (bestRun === null || run.level < bestRun.level) bestRun = run;
    }
    const { x, lam, level, msg, c } = bestRun!;
    const y = grid[i];
    maxViolation = Math.max(maxViolation, Math.abs(c));
    if (msg) failures.push({ where: `linspace y=${y}`, message: msg });
    if (Math.abs(c) > 1e-6 * Math.max(1, Math.abs(y))) failures.push({ where: `linspace y=${y}`, message: `constraint b(x) = y not met: |b − y| = ${Math.abs(c).toExponential(2)}` });
    levels[i] = level;
    return { x, lam };
  };
  const solveFrom = (y: number, xStart: Float64Array, lamStart: number) => {
    let lam = lamStart; // multiplier of (b − y)
    let rho = 100 / (sigma * sigma);
    let x: Float64Array = Float64Array.from(xStart);
    let cPrev = Infinity;
    let c = NaN;
    let prevLevel = NaN;
    let msg = "";
    for (let outer = 0; outer < 30; outer++) {
      const fg = (p: Float64Array, g: Float64Array): number => {
        const f = br.nllGrad(p, g);
        const b = br.srYieldGrad(p, gb);
        const d = b - y;
        const w = rho * d - lam;
        for (let k = 0; k < n; k++) g[k] += w * gb[k];
        return f - lam * d + 0.5 * rho * d * d;
      };
      br.model.curvature(x, br.data, curv);
      br.srYieldGrad(x, gb);
      for (let k = 0; k < n; k++) curv[k] += rho * gb[k] * gb[k];
      const r = minimize(fg, x, { lower: br.lower, upper: br.upper, fixed: br.fixed, curvature: curv, maxIter: 5000 });
      x = r.x;
      stats.inner += r.iterations;
      stats.outer++;
      msg = r.converged ? "" : r.message;
      c = br.srYield(x) - y;
      // Done when the constraint is met, its first-order effect on the level |λ·c| is negligible,
      // and a fresh restart (new quasi-Newton matrix) no longer lowers the objective.
      const level = br.nll(x);
      const settled = Math.abs(level - prevLevel) <= 1e-8 * Math.max(1, Math.abs(level));
      prevLevel = level;
      if (Math.abs(c) <= 1e-7 * Math.max(1, Math.abs(y)) && Math.abs(lam * c) <= 1e-7) {
        if (settled) break;
        continue; // restart the inner minimisation with the same λ, ρ
      }
      lam -= rho * c;
      if (Math.abs(c) > 0.25 * Math.abs(cPrev)) rho *= 10;
      cPrev = c;
    }
    // A run that misses the constraint cannot win on its level.
    const ok = Math.abs(c) <= 1e-6 * Math.max(1, Math.abs(y));
    return { x, lam, level: ok ? br.nll(x) : Infinity, msg, c };
  };
  walkOutwards(grid, best.yield, { x: best.x, lam: 0 }, solve, stride);
  return { grid, levels, maxViolation, failures, stats };
}

/**
 * `signal` (§3.3): for each s on the grid, min_x nll_blind(x) − ln Pois(n | max(b(x), 0) + s).
 * Started from the unblinded best fit at s = 0 and warm-started along the grid.
 */
export function profileSignal(br: BlindedRegion, best: BlindFit, start: number, stop: number, opts: ProfileOptions = {}): ProfileResult {
  const num = opts.num ?? 201, stride = opts.stride ?? 1;
  const stats = { outer: 0, inner: 0 };
  const grid = Array.from(linspace(start, stop, num));
  const levels = new Array<number>(num).fill(NaN);
  const failures: FitFailure[] = [];
  const work = new Float64Array(br.nPars);
  const curv = new Float64Array(br.nPars);
  let x = best.x;
  for (let i = 0; i < num; i += stride) {
    const s = grid[i];
    const fg = (p: Float64Array, g: Float64Array) => br.signalNllGrad(p, s, g, work);
    // Curvature seed: the blinded model's Fisher diagonal plus the SR Poisson term's n/μ²·(∂b)².
    br.model.curvature(x, br.data, curv);
    const mu = Math.max(br.srYieldGrad(x, work), 0) + s;
    if (mu > 0) for (let k = 0; k < curv.length; k++) curv[k] += (Math.max(br.n, 1) / (mu * mu)) * work[k] * work[k];
    let r = minimize(fg, x, { lower: br.lower, upper: br.upper, fixed: br.fixed, curvature: curv, maxIter: 5000 });
    if (!r.converged) {
      const r2 = minimize(fg, r.x, { lower: br.lower, upper: br.upper, fixed: br.fixed, maxIter: 5000 });
      if (r2.fun <= r.fun) r = r2;
    }
    // Second start from the blinded best fit, plain quasi-Newton: in the far tail (signal well
    // above the data) the warm-started walk can stop on a shallow plateau, 1e-3 above the
    // minimum (SR_E_mll_60 at s ≥ 187.5); the lower of the two is kept, and walked on.
    const rb = minimize(fg, best.x, { lower: br.lower, upper: br.upper, fixed: br.fixed, maxIter: 5000 });
    stats.inner += rb.iterations;
    if (rb.converged && rb.fun < r.fun) r = rb;
    stats.outer++;
    stats.inner += r.iterations;
    if (!r.converged) failures.push({ where: `signal s=${s}`, message: r.message });
    levels[i] = r.fun;
    x = r.x;
  }
  return { grid, levels, maxViolation: 0, failures, stats };
}

/**
 * Visit grid indices (every stride-th) from the one nearest `centre` outwards. Each solve gets
 * its neighbour's solution and, once available, the one before (for linear extrapolation).
 */
function walkOutwards<W>(grid: number[], centre: number, w0: W, solve: (i: number, w: W, w2: W | null) => W, stride: number): void {
  let i0 = 0;
  for (let i = 0; i < grid.length; i += stride) if (Math.abs(grid[i] - centre) < Math.abs(grid[i0] - centre)) i0 = i;
  const wc = solve(i0, w0, null);
  for (const dir of [stride, -stride]) {
    let w = wc;
    let w2: W | null = null;
    for (let i = i0 + dir; i >= 0 && i < grid.length; i += dir) {
      const next = solve(i, w, w2);
      w2 = w;
      w = next;
    }
  }
}
