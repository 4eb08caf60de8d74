// Limit scans (spec §3.4): ℓ(s) = ln Z(s) − ln Z(0) on a signal grid and its level crossings.
// - prior scans: Z(s) = ∫ L̃_n(s + b) dπ(b) bounded by the quadrature at rtol; ℓ uses the midpoints
//   of the bounds (§9); Z(0) is done at rtol/10 and serves as row 0 when the grid starts at 0;
// - delta: background fixed at b̂, ℓ(s) in closed form;
// - profile-likelihood comparison: ℓ(s) = levels[0] − levels(s) from `signal.json`.
import { linspace } from "../math/stats.ts";
import { crossingsByLevel, type Crossings } from "./crossings.ts";
import { countLikelihood, poissonLogRatio } from "./likelihood-interval.ts";
import { Model } from "./model.ts";
import { AddPrior, type Prior } from "./prior-mass.ts";

/** Levels λ of the stored scans: ±0.5, ±2, ±4.5 are "1, 2, 3σ" (λ = sign(k)·k²/2), plus 0 and ±3. */
export const DEFAULT_LEVELS: readonly number[] = [4.5, 3.0, 2.0, 0.5, 0.0, -0.5, -2.0, -3.0, -4.5];
export const DEFAULT_RTOL = 1e-3;
/** Grid points of the stored scans (nbins 200). */
export const DEFAULT_NUM = 201;

export interface SignalGrid {
  start: number;
  stop: number;
  num: number;
}

export interface LevelCurve {
  /** Signal grid s_j. */
  signals: Float64Array;
  /** ℓ(s_j). */
  logRatios: Float64Array;
  levels: number[];
  /** Crossings of each level (same order as levels). */
  crossings: Crossings[];
}

export interface PriorScan extends LevelCurve {
  ndata: number;
  rtol: number;
  /** Bounds on Z(0) at rtol/10. */
  integralZero: [number, number];
  /** Bounds on Z(s_j) (row 0 = integralZero when start = 0). */
  integrals: [number, number][];
}

export interface DeltaScan extends LevelCurve {
  ndata: number;
  /** ln L̃(b̂): the delta prior's "log Z(0)". */
  logLikelihoodZero: number;
}

function checkGrid(grid: SignalGrid): void {
  if (!(Number.isFinite(grid.start) && Number.isFinite(grid.stop) && grid.stop > grid.start && grid.start >= 0)) {
    throw new RangeError(`signal grid: need finite 0 ≤ start < stop, got [${grid.start}, ${grid.stop}]`);
  }
  if (!(Number.isInteger(grid.num) && grid.num >= 2)) throw new RangeError(`signal grid: need ≥ 2 points, got ${grid.num}`);
}

const mean = (pair: [number, number]) => 0.5 * (pair[0] + pair[1]);

/** Scan ℓ(s) for background prior π and data n (Poisson if integral, gamma1 otherwise). */
export function scanPrior(prior: Prior, ndata: number, grid: SignalGrid, levels: readonly number[] = DEFAULT_LEVELS, rtol = DEFAULT_RTOL): PriorScan {
  checkGrid(grid);
  const likelihood = countLikelihood(ndata);
  const signals = linspace(grid.start, grid.stop, grid.num);
  const integralZero = new Model(likelihood, new AddPrior(0, prior)).integrate(rtol / 10);
  const integrals: [number, number][] = [];
  for (const s of signals) {
    integrals.push(s === 0 ? integralZero : new Model(likelihood, new AddPrior(s, prior)).integrate(rtol));
  }
  const logZero = Math.log(mean(integralZero));
  const logRatios = Float64Array.from(integrals, (z) => Math.log(mean(z)) - logZero);
  return { ndata, rtol, signals, logRatios, levels: [...levels], crossings: crossingsByLevel(signals, logRatios, levels), integralZero, integrals };
}

/** The delta (no-uncertainty) prior: ℓ(s) = ln L̃(b̂ + s) − ln L̃(b̂), continuous Poisson ratio. */
export function scanDelta(yieldHat: number, ndata: number, grid: SignalGrid, levels: readonly number[] = DEFAULT_LEVELS): DeltaScan {
  checkGrid(grid);
  const signals = linspace(grid.start, grid.stop, grid.num);
  const zero = poissonLogRatio(ndata, yieldHat);
  const logRatios = Float64Array.from(signals, (s) => poissonLogRatio(ndata, yieldHat + s) - zero);
  return { ndata, signals, logRatios, levels: [...levels], crossings: crossingsByLevel(signals, logRatios, levels), logLikelihoodZero: zero };
}

/** Profile-likelihood comparison from `signal.json`: ℓ(s_j) = levels[0] − levels[j] on
 *  linspace(start, stop, len(levels)). */
export function scanFitSignal(fit: { start: number; stop: number; levels: ArrayLike<number> }, levels: readonly number[] = DEFAULT_LEVELS): LevelCurve {
  if (fit.start !== 0) throw new RangeError(`signal fit: the scan must start at 0, got ${fit.start}`);
  const signals = linspace(fit.start, fit.stop, fit.levels.length);
  const logRatios = Float64Array.from(fit.levels, (v) => fit.levels[0] - v);
  return { signals, logRatios, levels: [...levels], crossings: crossingsByLevel(signals, logRatios, levels) };
}

/** The upper limit at a level λ < 0: the last crossing, or null if not reached in the scan range. */
export function upperLimit(curve: LevelCurve, level: number): number | null {
  const j = curve.levels.indexOf(level);
  if (j < 0) throw new RangeError(`level ${level} was not scanned (levels: ${curve.levels.join(", ")})`);
  const pts = curve.crossings[j].points;
  return pts.length ? pts[pts.length - 1] : null;
}
