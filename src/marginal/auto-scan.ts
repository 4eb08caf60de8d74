// Limit scans whose signal grid comes from the inputs alone (no stored scan is read):
// - the grid starts at 0 and stops where a Gaussian approximation of the marginal likelihood
//   reaches the lowest requested level, with a margin (initialStop);
// - when the scanned ℓ(s) = ln Z(s) − ln Z(0) has not fallen below the lowest level at the end
//   of the grid, the grid is extended with points at the same spacing until it has (so every
//   last crossing, i.e. every upper limit, is bracketed), up to `maxNum` points; levels whose
//   last crossing may still lie beyond are reported in `beyond_grid`;
// - on an automatic grid, the last crossing of every negative level (the upper limits) is then
//   solved for by Brent's method inside its grid segment, on ℓ(s) itself (one certified integral
//   per evaluation), instead of interpolated linearly: a coarse grid then gives the limits of a
//   fine one (the stored 201-point scans agree to ~1e-5), at a third of the integrals.
// One result shape (`VariantResult`) for every prior, data variant and command (`marginal
// limits`, `marginal run`); spec §3.4 for the scans themselves.
import { brent } from "../math/roots.ts";
import { crossingsByLevel } from "./crossings.ts";
import { countLikelihood, poissonLogRatio } from "./likelihood-interval.ts";
import { Model } from "./model.ts";
import { expectedData, expectedDataDelta, type ExpectedData } from "./expected-data.ts";
import { DATA_VARIANTS, type DataVariant } from "./fit-files.ts";
import { DEFAULT_NUM, DEFAULT_RTOL, scanDelta, scanPrior, upperLimit, type LevelCurve, type SignalGrid } from "./limit-scan.ts";
import { AddPrior, type Prior } from "./prior-mass.ts";

/** Background b̂ ± σ_b used to place the grid (any prior: from the normal fit). */
export interface BackgroundScale {
  mean: number;
  sd: number;
}

export interface ScanOptions {
  levels: readonly number[];
  rtol?: number;
  /** A fixed grid (no extension); otherwise chosen from the inputs. */
  grid?: SignalGrid;
  /** Points of the automatic grid before any extension (default 201, as the stored scans). */
  num?: number;
  /** Most points an extended grid may reach (default 10·num + 1). */
  maxNum?: number;
  /** Solve for the last crossings of negative levels on an automatic grid (default true). */
  refine?: boolean;
}

/** Points of an automatic grid before extension (the limits are refined, so a coarse grid does). */
export const AUTO_NUM = 51;

export interface VariantResult {
  ndata: number;
  /** ln Z(0) (midpoint of the bounds), or ln L̃(b̂) for delta. */
  log_z0: number;
  /** Last crossings of λ = −2 and −3 (null: not scanned, or not reached on the grid). */
  limit_2: number | null;
  limit_3: number | null;
  crossings: { level: number; points: number[]; flat: [number, number][] }[];
  grid: SignalGrid;
  /** The automatic grid was extended beyond its first stop. */
  extended: boolean;
  /** Levels whose last crossing may lie beyond the grid (ℓ at the last point is still above them). */
  beyond_grid: number[];
  /** The last crossings of the negative levels were solved for on ℓ(s) (not interpolated). */
  refined: boolean;
  signals: number[];
  log_ratio: number[];
  integral_zero?: [number, number];
}

/** x > 0 rounded up to two significant digits (37.2 → 38, 0.431 → 0.44). */
export function roundUp2(x: number): number {
  if (!(x > 0) || !Number.isFinite(x)) return 1;
  const p = 10 ** (Math.floor(Math.log10(x)) - 1);
  return Math.ceil(x / p - 1e-9) * p;
}

/**
 * First stop of the grid for data n, background b̂ ± σ_b and lowest level λ < 0. With
 * n ~ N(b̂ + s, V), V = max(n, b̂, 1) + σ_b², ℓ(s) ≈ −[(b̂ + s − n)² − (b̂ − n)²]/(2V), so
 * ℓ = λ at s = n − b̂ + √((b̂ − n)² + 2V|λ|); for n = 0, ℓ(s) = −s exactly (Z(s) = e^{−s} Z(0)),
 * so s ≥ |λ|. 10% margin, rounded up to two significant digits.
 */
export function initialStop(bg: BackgroundScale, n: number, lowest: number): number {
  const lam = Math.max(1, Math.abs(Math.min(lowest, -1)));
  const V = Math.max(n, bg.mean, 1) + bg.sd * bg.sd;
  const s = n - bg.mean + Math.sqrt((bg.mean - n) ** 2 + 2 * V * lam);
  return +roundUp2(1.1 * Math.max(s, lam)).toPrecision(2);
}

/** A scanned curve: signals, ℓ and (for priors) the integral bounds. */
interface Curve {
  signals: number[];
  logRatios: number[];
  logZ0: number;
  integralZero?: [number, number];
}

function scanCurve(scanOn: (g: SignalGrid) => Curve, first: SignalGrid, target: number, fixed: boolean, maxNum: number): { curve: Curve; extended: boolean } {
  const curve = scanOn(first);
  if (fixed) return { curve, extended: false };
  const h = (first.stop - first.start) / (first.num - 1);
  const chunk = Math.max(10, Math.ceil((first.num - 1) / 4));
  let extended = false;
  while (curve.logRatios[curve.logRatios.length - 1] >= target && curve.signals.length < maxNum) {
    const last = curve.signals[curve.signals.length - 1];
    const k = Math.min(chunk, maxNum - curve.signals.length);
    const more = scanOn({ start: last + h, stop: last + k * h, num: k });
    curve.signals.push(...more.signals);
    curve.logRatios.push(...more.logRatios);
    extended = true;
  }
  return { curve, extended };
}

/** ℓ(s) of a prior scan or the delta prior on a grid (k = 1 point: just s = start). */
function curveOf(prior: Prior | { delta: number }, ndata: number, levels: readonly number[], rtol: number) {
  return (g: SignalGrid): Curve => {
    // scanPrior/scanDelta need ≥ 2 points: a one-point extension scans [s, s + 1] and keeps s.
    const grid = g.num >= 2 ? g : { start: g.start, stop: g.start + 1, num: 2 };
    const keep = g.num >= 2 ? Infinity : 1;
    if ("delta" in prior) {
      const s = scanDelta(prior.delta, ndata, grid, levels);
      return { signals: Array.from(s.signals).slice(0, keep), logRatios: Array.from(s.logRatios).slice(0, keep), logZ0: s.logLikelihoodZero };
    }
    const s = scanPrior(prior, ndata, grid, levels, rtol);
    return {
      signals: Array.from(s.signals).slice(0, keep), logRatios: Array.from(s.logRatios).slice(0, keep),
      logZ0: Math.log(0.5 * (s.integralZero[0] + s.integralZero[1])), integralZero: s.integralZero,
    };
  };
}

/** ℓ(s) = ln Z(s) − ln Z(0) at one signal value (Z(s) at rtol, midpoint of its bounds; delta in closed form). */
function logRatioAt(prior: Prior | { delta: number }, ndata: number, rtol: number, logZ0: number): (s: number) => number {
  if ("delta" in prior) return (s) => poissonLogRatio(ndata, prior.delta + s) - logZ0;
  const likelihood = countLikelihood(ndata);
  return (s) => {
    const z = new Model(likelihood, new AddPrior(s, prior)).integrate(rtol);
    return Math.log(0.5 * (z[0] + z[1])) - logZ0;
  };
}

/**
 * The last crossing of `level` solved inside the last grid segment that holds it (Brent, to
 * 1e-6 of the segment's end): the grid values bracket it, `ell` evaluates ℓ in between.
 */
function lastCrossing(x: number[], y: number[], level: number, ell: (s: number) => number): number {
  for (let j = x.length - 2; j >= 0; j--) {
    const fa = y[j] - level, fb = y[j + 1] - level;
    if (!(Math.min(fa, fb) <= 0 && 0 <= Math.max(fa, fb))) continue;
    if (fa === 0 || fb === 0 || fa === fb) return fa === 0 && fb !== 0 ? x[j] : x[j + 1];
    return brent((s) => ell(s) - level, x[j], x[j + 1], { xtol: 1e-6 * Math.max(1, x[j + 1]), maxIter: 60 }, fa, fb).x;
  }
  return NaN;
}

/** Scan one data value (observed or expected) for a prior (or the delta prior at b̂). */
export function scanVariant(prior: Prior | { delta: number }, ndata: number, bg: BackgroundScale, o: ScanOptions): VariantResult {
  const levels = [...o.levels];
  const target = Math.min(...levels);
  const num = o.num ?? (o.grid ? DEFAULT_NUM : AUTO_NUM);
  const first = o.grid ?? { start: 0, stop: initialStop(bg, ndata, target), num };
  const rtol = o.rtol ?? DEFAULT_RTOL;
  const { curve, extended } = scanCurve(curveOf(prior, ndata, levels, rtol), first, target, o.grid !== undefined, o.maxNum ?? 10 * num + 1);
  const cr = crossingsByLevel(curve.signals, curve.logRatios, levels);
  const refined = o.grid === undefined && o.refine !== false;
  if (refined) {
    const ell = logRatioAt(prior, ndata, rtol, curve.logZ0);
    levels.forEach((level, k) => {
      if (level < 0 && cr[k].points.length) cr[k].points[cr[k].points.length - 1] = lastCrossing(curve.signals, curve.logRatios, level, ell);
    });
  }
  const lc: LevelCurve = { signals: Float64Array.from(curve.signals), logRatios: Float64Array.from(curve.logRatios), levels, crossings: cr };
  const end = curve.logRatios[curve.logRatios.length - 1];
  const has = (l: number) => levels.includes(l);
  return {
    ndata,
    log_z0: curve.logZ0,
    limit_2: has(-2) ? upperLimit(lc, -2) : null,
    limit_3: has(-3) ? upperLimit(lc, -3) : null,
    crossings: levels.map((level, k) => ({ level, points: cr[k].points, flat: cr[k].flat })),
    grid: { start: first.start, stop: curve.signals[curve.signals.length - 1], num: curve.signals.length },
    extended,
    beyond_grid: levels.filter((l) => end >= l),
    refined,
    signals: curve.signals,
    log_ratio: curve.logRatios,
    ...(curve.integralZero ? { integral_zero: curve.integralZero } : {}),
  };
}

export type VariantResults = Partial<Record<DataVariant, VariantResult>>;

/**
 * Observed data n and (unless observedOnly) the expected-data trio of §3.4 (prior-predictive
 * mean ± √(var + mean); for delta b̂ ± √b̂), each scanned on its own automatic grid.
 */
export function scanVariants(prior: Prior | { delta: number }, n: number, bg: BackgroundScale, o: ScanOptions & { observedOnly?: boolean }): VariantResults {
  const out: VariantResults = { observed: scanVariant(prior, n, bg, o) };
  if (o.observedOnly) return out;
  const trio: ExpectedData = "delta" in prior ? expectedDataDelta(prior.delta) : expectedData(prior);
  for (const v of DATA_VARIANTS) if (v !== "observed") out[v] = scanVariant(prior, trio[v], bg, o);
  return out;
}

/** The grid a variant was scanned on, as start:stop:num text. */
export const gridText = (g: SignalGrid): string => `${g.start}:${+g.stop.toPrecision(12)}:${g.num}`;

