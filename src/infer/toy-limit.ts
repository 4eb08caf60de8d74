// Toy-based CLs upper limits: toy CLs (observed and −2σ…+2σ expected) at every μ of a grid,
// then the crossing of each curve with α between grid points (pyhf's linear_grid_scan, spec
// pyhf.md §5.7, interpolates CLs linearly; by default ln CLs here: see gridCrossing). Definitions as src/infer/toys.ts (pyhf
// §5.6): s+b toys generated at the conditional fit to the data at μ, b toys at the fit at μ = 0.
//
// What is shared across μ:
// - The b toys are generated once (their generating parameters do not depend on μ): toy i is
//   drawn from Rng.forStream(seed, 2i + 1) as in toys.ts, fitted freely once, and only its
//   conditional fit is redone at each μ (warm-started from its free fit). The expected band at
//   every μ comes from these same b toys.
// - s+b toy i at every μ draws from the same stream Rng.forStream(seed, 2i) (common random
//   numbers: neighbouring μ's toys are correlated, so CLs(μ) is smooth and the interpolated
//   crossing less noisy); its free fit at μ starts from its free fit at the previous μ.
// - For q̃_μ / q_μ a toy with μ̂ > μ has q = 0 and needs no conditional fit (ProfileFits is lazy).
// With warmStart: false every point is exactly toyHypotest (toys.ts) with the same seed.
//
// Early stopping: toys are added in rounds of deterministic size (first, then doubling up to
// ntoys); after each round a μ stops when every curve k is resolved, |CLs_k − α| ≥ z·σ_k (σ_k
// the binomial MC error), or when it has ntoys. Rounds, tasks and stopping decisions depend on
// the toys' results only, and tasks are gathered by index, so the output is the same bytes for
// any executor and worker count. The worker side (tasks) is toy-limit-task.ts: a worker loads
// only what a toy needs.
import type { FitOptions } from "../likelihood/fit.ts";
import type { Likelihood } from "../likelihood/types.ts";
import { Rng } from "../math/rng.ts";
import { linspace } from "../math/stats.ts";
import type { TaskExecutor, TaskRecipe, TaskSession } from "./executor.ts";
import { ProfileFits, testStatistic } from "./test-statistics.ts";
import { runToyLimitTask, type ToyLimitTask } from "./toy-limit-task.ts";
import { EXPECTED_PERCENTILES, toyCls } from "./toys.ts";
import { interpolateCrossing, upperLimit } from "./upper-limit.ts";

export interface ToyLimitOptions {
  /** CLs level α (default 0.05). */
  level?: number;
  testStat?: "qtilde" | "q";
  /** μ grid (ascending). Default: `points` values from 0.5 × the smallest to 1.25 × the largest asymptotic limit. */
  scan?: number[];
  /** Points of the default grid (default 7: ln-CLs interpolation biased < 1.5% on a counting model). */
  points?: number;
  /** Most toys per μ and kind (default 10 000). */
  ntoys?: number;
  seed?: number;
  /** Toys in the first round (default min(ntoys, 500)); later rounds double the total. */
  firstRound?: number;
  /** A μ stops once every curve has |CLs − α| ≥ z·σ_MC (default 2; Infinity: always ntoys). */
  z?: number;
  /** Warm-started fits (default true); false: each point is exactly toyHypotest's. */
  warmStart?: boolean;
  /** "fit" (default): generate at the fits to the data; "init": at the inits with the POI set (pyhf). */
  toyPars?: "fit" | "init";
  fit?: FitOptions;
  /** Crossing of each curve with α between grid points: "log" (default; ln CLs linear in μ) or "linear" (pyhf). */
  interpolation?: "log" | "linear";
  /** Bootstrap replicas for the limits' MC errors (default 100; 0: delta method through the interpolation). */
  bootstrap?: number;
  /**
   * Toys per task (default 2; each task holds them at every running μ): the unit handed to the
   * executor, which chunks tasks itself (small tasks: the threads finish each round together).
   * Results do not depend on it.
   */
  batch?: number;
  /** Where tasks run (default: this thread); with a pool, `recipe` rebuilds the likelihood there. */
  executor?: TaskExecutor;
  recipe?: TaskRecipe;
  /** Called after each round with the toys per μ so far and the μ's still running. */
  onRound?: (info: { round: number; toys: number; active: number[] }) => void;
}

export interface ToyLimitPoint {
  mu: number;
  cls_obs: number;
  clsb_obs: number;
  clb_obs: number;
  cls_exp: number[];
  /** Binomial MC errors (delta method) of CLs_obs and of each expected CLs. */
  cls_obs_mc_error: number;
  cls_exp_mc_error: number[];
  test_statistic: number;
  /** Toys run at this μ (per kind) and those whose fits failed (both kinds). */
  ntoys: number;
  failed_toys: number;
}

export interface ToyLimitResult {
  obs: number;
  /** Expected limits at −2σ … +2σ (ascending, pyhf order). */
  exp: number[];
  /**
   * MC errors of the limits: bootstrap standard deviations (bootstrapLimitErrors), or with
   * bootstrap: 0 the bracketing points' CLs errors through the interpolation, added linearly.
   */
  obs_mc_error: number;
  exp_mc_error: number[];
  /** False for a curve that does not cross α inside the grid (its limit is then NaN). */
  bracketed: boolean[];
  level: number;
  /** Toys per kind summed over the μ points (the b toys and their free fits are shared), and failed toys. */
  toys_run: number;
  failed_toys: number;
  rounds: number;
  poi_upper_bound: number;
  poi_upper_bound_used: number;
  scan: ToyLimitPoint[];
}

/** Approximate MC error of a CLs = CL_s+b / CL_b from N_sb and N_b toys (tail fractions floored at 1/N). */
function clsError(cls: number, clsb: number, clb: number, nSb: number, nB: number): number {
  if (!(nSb > 0 && nB > 0) || !Number.isFinite(cls)) return NaN;
  const psb = Math.max(clsb, 1 / nSb), pb = Math.max(clb, 1 / nB);
  return Math.max(cls, psb / pb) * Math.sqrt((1 - psb) / (psb * nSb) + (1 - pb) / (pb * nB));
}

/** CLs, expected CLs and their MC errors at one μ from its toys. */
function point(mu: number, qObs: number, qSb: number[], qB: number[]): ToyLimitPoint {
  const r = toyCls(mu, qObs, qSb, qB);
  const nSb = r.ntoys - r.failed_sb, nB = r.ntoys - r.failed_b;
  // Expected CLs at the p-th percentile of CLs over b toys sits where CL_b ≈ p/100 (CLs falls
  // as q grows): CL_s+b ≈ CLs·p/100; the same delta-method error as the observed one.
  const expErr = r.cls_exp.map((c, k) => clsError(c, (c * EXPECTED_PERCENTILES[k]) / 100, EXPECTED_PERCENTILES[k] / 100, nSb, nB));
  return {
    mu, cls_obs: r.cls_obs, clsb_obs: r.clsb_obs, clb_obs: r.clb_obs, cls_exp: r.cls_exp,
    cls_obs_mc_error: clsError(r.cls_obs, r.clsb_obs, r.clb_obs, nSb, nB), cls_exp_mc_error: expErr,
    test_statistic: qObs, ntoys: r.ntoys, failed_toys: r.failed_sb + r.failed_b,
  };
}

/**
 * The crossing of curve values `c` (MC errors `s`) with α on `mu`, and its MC error by the delta
 * method through the interpolation; NaN when no segment brackets α. The segment is pyhf's (np.interp
 * on the reversed arrays: the first from the top with CLs ≥ α at its lower end). "linear"
 * interpolates CLs (pyhf linear_grid_scan); "log" interpolates ln CLs, exact for CLs falling
 * exponentially in μ — on a 9-point grid spanning the band of a counting model the linear
 * crossing of the asymptotic curves is biased up to +8% (−2σ), the log one by < 1%.
 */
export function gridCrossing(mu: number[], c: number[], s: number[], level: number, mode: "log" | "linear" = "log"): { x: number; err: number; bracketed: boolean } {
  for (let i = mu.length - 1; i > 0; i--) {
    const lo = c[i - 1], hi = c[i];
    if (hi > level) break;
    if (!(level <= lo) || lo === hi) continue;
    const d = mu[i] - mu[i - 1];
    // x = μ_{i−1} + t·Δ with t = (f(α) − f(c_{i−1}))/(f(c_i) − f(c_{i−1})), f = identity or ln:
    // ∂x/∂f_{i−1} = −Δ(1 − t)/(f_i − f_{i−1}), ∂x/∂f_i = −Δt/(f_i − f_{i−1}); σ_f = σ_c (linear) or σ_c/c (log).
    // Neighbouring points share the b toys and the s+b streams, so their errors are positively
    // correlated: the two terms are added linearly (the ρ = 1 bound; in quadrature the spread of
    // the limits over 16 seeds was 1.3–1.7× the estimate, counting model, 1000 toys).
    if (mode === "log" && hi > 0) {
      const u0 = Math.log(lo), u1 = Math.log(hi), t = (Math.log(level) - u0) / (u1 - u0);
      return { x: mu[i - 1] + t * d, err: (d / Math.abs(u1 - u0)) * (((1 - t) * s[i - 1]) / lo + (t * s[i]) / hi), bracketed: true };
    }
    // linear (also for a log segment ending at CLs = 0)
    const t = (level - lo) / (hi - lo);
    return { x: mode === "linear" ? interpolateCrossing(mu, c, level) : mu[i - 1] + t * d, err: (d / Math.abs(hi - lo)) * ((1 - t) * s[i - 1] + t * s[i]), bracketed: true };
  }
  return { x: NaN, err: NaN, bracketed: false };
}

/** Fraction of the sorted finite values ≥ x. */
function tailSorted(sorted: Float64Array, x: number): number {
  let lo = 0, hi = sorted.length;
  while (lo < hi) {
    const m = (lo + hi) >> 1;
    if (sorted[m] < x) lo = m + 1;
    else hi = m;
  }
  return sorted.length ? (sorted.length - lo) / sorted.length : NaN;
}

/**
 * MC errors of the six limits by bootstrap: toy indices resampled with replacement — the same
 * uniforms at every μ point, so the correlation between points (shared b toys, common s+b
 * streams) is kept — CLs recomputed at every point and the crossings redone; the standard
 * deviation over the replicas of the finite limits. The expected CLs of a replica is taken at
 * the b toys' q percentile (CLs falls with q), CL_s+b/CL_b there. Seeded: stream 2³² − 1 of the seed.
 */
export function bootstrapLimitErrors(
  pts: { mu: number; qObs: number; qSb: number[]; qB: number[] }[], level: number, mode: "log" | "linear", seed: number, replicas = 100,
): number[] {
  const sorted = [...pts].sort((x, y) => x.mu - y.mu);
  const nMax = Math.max(...sorted.map((q) => Math.max(q.qSb.length, q.qB.length)));
  const rng = Rng.forStream(seed, 0xffffffff);
  const u = new Float64Array(2 * nMax);
  const lims: number[][] = [[], [], [], [], [], []];
  const mus = sorted.map((q) => q.mu);
  const zeros = mus.map(() => 0);
  const draw = (q: number[], off: number): Float64Array => {
    const out: number[] = [];
    for (let j = 0; j < q.length; j++) {
      const v = q[Math.floor(u[off + j] * q.length)];
      if (Number.isFinite(v)) out.push(v);
    }
    return Float64Array.from(out).sort();
  };
  for (let r = 0; r < replicas; r++) {
    for (let j = 0; j < u.length; j++) u[j] = rng.uniform();
    const curves = sorted.map((q) => {
      const sb = draw(q.qSb, 0), b = draw(q.qB, nMax);
      const cls = (x: number) => {
        const pb = tailSorted(b, x);
        return pb > 0 ? tailSorted(sb, x) / pb : 1;
      };
      // the p-th percentile of CLs over b toys ↔ the (100 − p)-th percentile of their q
      const qAt = (pc: number) => b[Math.min(b.length - 1, Math.max(0, Math.round(((100 - pc) / 100) * (b.length - 1))))];
      return [cls(q.qObs), ...EXPECTED_PERCENTILES.map((pc) => cls(qAt(pc)))];
    });
    for (let k = 0; k < 6; k++) {
      const x = gridCrossing(mus, curves.map((c) => c[k]), zeros, level, mode).x;
      if (Number.isFinite(x)) lims[k].push(x);
    }
  }
  return lims.map((v) => {
    if (v.length < 2) return NaN;
    const m = v.reduce((a, x) => a + x, 0) / v.length;
    return Math.sqrt(v.reduce((a, x) => a + (x - m) ** 2, 0) / (v.length - 1));
  });
}

/** Toy-based CLs upper limits (observed and expected band) on a μ grid, toys shared across μ. */
export async function toyUpperLimit(lik: Likelihood, o: ToyLimitOptions = {}): Promise<ToyLimitResult> {
  if (lik.poi === null) throw new Error("upper limits need a model with a parameter of interest");
  let session: TaskSession<ToyLimitTask, number[][]>;
  if (o.executor) {
    if (!o.recipe) throw new Error("toyUpperLimit: an executor needs the likelihood's recipe");
    session = o.executor.open({ module: new URL("./toy-limit-task.ts", import.meta.url).href, factory: "toyLimitRunner", args: { likelihood: o.recipe } });
    session.prestart?.(); // worker threads boot while this thread fits the data
  } else {
    session = { run: async (tasks) => tasks.map((t) => runToyLimitTask(lik, t)), close: async () => {} };
  }
  try {
    return await scanWith(lik, lik.poi, o, session);
  } finally {
    await session.close();
  }
}

async function scanWith(lik: Likelihood, poi: number, o: ToyLimitOptions, session: TaskSession<ToyLimitTask, number[][]>): Promise<ToyLimitResult> {
  const level = o.level ?? 0.05;
  const testStat = o.testStat ?? "qtilde";
  const ntoys = o.ntoys ?? 10000;
  const z = o.z ?? 2;
  const warmStart = o.warmStart ?? true;
  const size = o.batch ?? 2;
  const seed = o.seed ?? 0;
  const grid = o.scan ? [...o.scan] : defaultGrid(lik, level, testStat, o.fit, o.points ?? 7);
  if (grid.length < 2 || grid.some((x, i) => !Number.isFinite(x) || (i > 0 && x <= grid[i - 1]))) throw new Error(`toyUpperLimit: the μ grid must be ≥ 2 increasing finite values, got ${grid}`);
  // The POI bound is widened to the top of the grid (as upperLimit does past the bound).
  const p = lik.parameters[poi];
  const upper = Math.max(p.upper, grid[grid.length - 1]);
  const fit: FitOptions = upper === p.upper ? (o.fit ?? {}) : { ...o.fit, bounds: [...(o.fit?.bounds ?? []).filter(([i]) => i !== poi), [poi, p.lower, upper]] };

  const obs = new ProfileFits(lik, lik.observed, fit);
  const init = lik.parameters.map((q) => q.init);
  const bPars = o.toyPars === "init" ? init.map((v, i) => (i === poi ? 0 : v)) : Array.from(obs.fixedAt(0).pars);
  /** Everything known at one μ point (points are kept in the order they were added). */
  interface Pt { mu: number; qObs: number; sbPars: number[]; qSb: number[]; qB: number[]; result?: ToyLimitPoint }
  const pts: Pt[] = [];
  const add = (mu: number): Pt => {
    const pt = {
      mu, qObs: testStatistic(testStat, obs, mu), qSb: [], qB: [],
      sbPars: o.toyPars === "init" ? init.map((v, i) => (i === poi ? mu : v)) : Array.from(obs.fixedAt(mu).pars),
    };
    pts.push(pt);
    return pt;
  };

  let rounds = 0;
  /** Rounds of toys on `set` (ascending μ) until each point is resolved or has ntoys. */
  const runPoints = async (set: Pt[]): Promise<void> => {
    let active = set, done = 0, first = true;
    while (active.length > 0) {
      const target = Math.min(ntoys, first ? (o.firstRound ?? 500) : 2 * done);
      first = false;
      const mus = active.map((q) => q.mu);
      const tasks: ToyLimitTask[] = [];
      for (const parity of [0, 1] as const) {
        for (let s = done; s < target; s += size) {
          tasks.push({ parity, start: s, end: Math.min(target, s + size), mus, pars: parity === 0 ? active.map((q) => q.sbPars) : [bPars], seed, testStat, fit, warmStart });
        }
      }
      const out = await session.run(tasks);
      tasks.forEach((t, j) => active.forEach((q, a) => (t.parity === 0 ? q.qSb : q.qB).push(...out[j][a])));
      done = target;
      rounds++;
      active = active.filter((q) => {
        const r = (q.result = point(q.mu, q.qObs, q.qSb, q.qB));
        if (done >= ntoys) return false;
        const curves = [r.cls_obs, ...r.cls_exp], errs = [r.cls_obs_mc_error, ...r.cls_exp_mc_error];
        return !curves.every((c, k) => Number.isFinite(errs[k]) && Math.abs(c - level) >= z * errs[k]);
      });
      o.onRound?.({ round: rounds, toys: done, active: active.map((q) => q.mu) });
    }
  };
  const curve = (r: ToyLimitPoint, k: number) => (k === 0 ? r.cls_obs : r.cls_exp[k - 1]);
  const limits = () => {
    const sorted = [...pts].sort((x, y) => x.mu - y.mu).map((q) => q.result!);
    return [0, 1, 2, 3, 4, 5].map((k) => gridCrossing(
      sorted.map((r) => r.mu), sorted.map((r) => curve(r, k)), sorted.map((r) => (k === 0 ? r.cls_obs_mc_error : r.cls_exp_mc_error[k - 1])), level, o.interpolation ?? "log",
    ));
  };
  await runPoints(grid.map(add));
  let cross = limits();
  // The default grid is extended (at most 4 times) where a curve does not cross α inside it:
  // down by halving the lowest μ, up by ×1.5 while inside the POI bound in force.
  for (let ext = 0; ext < 4 && cross.some((c) => !c.bracketed); ext++) {
    if (o.scan) break;
    const sorted = [...pts].sort((x, y) => x.mu - y.mu);
    const lo = sorted[0], hi = sorted[sorted.length - 1];
    const unbr = cross.map((c, k) => (c.bracketed ? -1 : k)).filter((k) => k >= 0);
    const down = unbr.some((k) => curve(lo.result!, k) < level) && lo.mu / 2 > Math.max(p.lower, 0);
    const up = unbr.some((k) => curve(hi.result!, k) > level) && 1.5 * hi.mu <= upper;
    if (!down && !up) break;
    await runPoints([...(down ? [add(lo.mu / 2)] : []), ...(up ? [add(1.5 * hi.mu)] : [])]);
    cross = limits();
  }
  const scan = [...pts].sort((x, y) => x.mu - y.mu).map((q) => q.result!);
  const boot = (o.bootstrap ?? 100) > 0 ? bootstrapLimitErrors(pts, level, o.interpolation ?? "log", seed, o.bootstrap ?? 100) : undefined;
  const err = (k: number) => (cross[k].bracketed ? (boot ? boot[k] : cross[k].err) : NaN);
  return {
    obs: cross[0].x, exp: cross.slice(1).map((c) => c.x), obs_mc_error: err(0), exp_mc_error: [1, 2, 3, 4, 5].map(err),
    bracketed: cross.map((c) => c.bracketed), level, toys_run: scan.reduce((a, r) => a + r.ntoys, 0), failed_toys: scan.reduce((a, r) => a + r.failed_toys, 0), rounds,
    poi_upper_bound: p.upper, poi_upper_bound_used: upper, scan,
  };
}

/** `points` μ values from 0.5 × the smallest to 1.25 × the largest asymptotic limit (observed and band). */
export function defaultGrid(lik: Likelihood, level: number, testStat: "qtilde" | "q", fit: FitOptions | undefined, points: number): number[] {
  const a = upperLimit(lik, { level, testStat, fit });
  const lims = [a.obs, ...a.exp].filter((x) => Number.isFinite(x) && x > 0);
  if (lims.length === 0) throw new Error("toyUpperLimit: no finite asymptotic limit to place the μ grid: give the grid (scan)");
  return Array.from(linspace(0.5 * Math.min(...lims), 1.25 * Math.max(...lims), points));
}

export { runToyLimitTask, toyLimitRunner, type ToyLimitTask } from "./toy-limit-task.ts";
