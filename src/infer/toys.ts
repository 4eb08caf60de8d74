// Toy-based (pseudo-experiment) calculator with pyhf's definitions (spec pyhf.md §5.6):
// s+b toys from the conditional fit at μ to the data, b toys from the fit at μ = 0 (nuisance
// parameters profiled on the data, the LHC recipe; `toyPars: "init"` generates at the
// parameters' initial values with the POI set, as pyhf's ToyCalculator source does); each
// toy's data are drawn by the model (main Poisson, auxiliary data from the constraints) and
// its test statistic recomputed with fresh fits; p-values are tail fractions P(q ≥ q_obs);
// the expected CLs are percentiles of the CLs obtained by taking each b toy as the
// observation. Toy i of a run seeded S draws from Rng.forStream(S, 2i) (s+b) and
// Rng.forStream(S, 2i + 1) (b), and results are gathered by toy index: they do not depend on
// how the toys are split into batches or across workers. Execution is pluggable (a
// `ToyExecutor`): in this thread by default, on a worker pool with src/batch/toys.ts.
import type { FitOptions } from "../likelihood/fit.ts";
import type { Likelihood } from "../likelihood/types.ts";
import { Rng } from "../math/rng.ts";
import { percentile } from "../math/stats.ts";
import { ProfileFits, testStatistic, type TestStatistic } from "./test-statistics.ts";
import { guardNegativeRates } from "./rate-guard.ts";
import type { TailProbabilities } from "./asymptotic.ts";

/** Percentiles of the b-only distribution at −2σ … +2σ, as pyhf (numpy linear percentile). */
export const EXPECTED_PERCENTILES = [2.27501319, 15.86552539, 50, 84.13447461, 97.72498681];

/** One unit of work: toys [start, end) of one kind, all from the same generating parameters. */
export interface ToyBatch {
  /** Generating parameters. */
  pars: number[];
  mu: number;
  testStat: TestStatistic;
  seed: number;
  /** Stream parity: 0 for s+b toys, 1 for b toys. */
  parity: 0 | 1;
  start: number;
  end: number;
  fit?: FitOptions;
}

/** Runs toy batches (in order of the returned array) and calls `onDone(i)` after batch i. */
export type ToyExecutor = (batches: ToyBatch[], onDone?: (index: number) => void) => Promise<number[][]>;

/**
 * Test statistics of toys [start, end) of one kind; NaN for a toy whose fits throw. Toy fits
 * see negative expected rates as −ln L = +∞ (rate-guard.ts): fluctuated data can pull nuisance
 * parameters to where an extrapolated rate crosses zero and −ln L is unbounded below.
 */
export function runToyBatch(model: Likelihood, b: ToyBatch): number[] {
  const lik = guardNegativeRates(model);
  const pars = Float64Array.from(b.pars);
  const out: number[] = [];
  const data = new Float64Array(lik.nMain + lik.nAux);
  for (let i = b.start; i < b.end; i++) {
    const rng = Rng.forStream(b.seed, 2 * i + b.parity);
    lik.sample(pars, rng, data);
    const f = new ProfileFits(lik, Float64Array.from(data), b.fit ?? {});
    let q: number;
    try {
      q = testStatistic(b.testStat, f, b.mu);
    } catch {
      q = NaN;
    }
    out.push(q);
  }
  return out;
}

/** The executor that runs every batch in this thread. */
export function inThreadExecutor(lik: Likelihood): ToyExecutor {
  return async (batches, onDone) => batches.map((b, i) => {
    const r = runToyBatch(lik, b);
    onDone?.(i);
    return r;
  });
}

/**
 * Fraction of finite values ≥ x: k/N (pyhf), or with `plusOne` (1 + k)/(N + 1), which counts
 * the observation among the toys and is never 0 (hps_gpr).
 */
export function tailFraction(samples: ArrayLike<number>, x: number, plusOne = false): number {
  let k = 0, n = 0;
  for (let i = 0; i < samples.length; i++) {
    const s = samples[i];
    if (!Number.isFinite(s)) continue;
    n++;
    if (s >= x) k++;
  }
  if (plusOne) return (1 + k) / (n + 1);
  return n ? k / n : NaN;
}

export interface ToyTailOptions {
  /** (1 + k)/(N + 1) tail fractions (hps_gpr) instead of k/N. */
  plusOne?: boolean;
  /** Lower bound on CL_b (hps_gpr: 1e-12). */
  clbFloor?: number;
}

/** CL_s+b and CL_b as tail fractions of the s+b and b toy statistics at q_obs; CLs = CL_s+b / CL_b (1 when CL_b = 0). */
export function toyTails(qObs: number, qSb: ArrayLike<number>, qB: ArrayLike<number>, o: ToyTailOptions = {}): TailProbabilities {
  const clsb = tailFraction(qSb, qObs, o.plusOne);
  const clb = Math.max(tailFraction(qB, qObs, o.plusOne), o.clbFloor ?? 0);
  return { clsb, clb, cls: clb > 0 ? clsb / clb : 1 };
}

export interface ToyResult {
  mu: number;
  cls_obs: number;
  clsb_obs: number;
  clb_obs: number;
  /** Expected CLs at −2σ … +2σ (ascending), percentiles over the b toys. */
  cls_exp: number[];
  test_statistic: number;
  ntoys: number;
  /** Toys whose fits failed (non-finite statistic), per kind. */
  failed_sb: number;
  failed_b: number;
  /** Binomial Monte-Carlo standard error of CLs_obs (delta method). */
  cls_obs_mc_error: number;
  /** The test statistic of every toy, by toy index. */
  q_sb: number[];
  q_b: number[];
}

/** Combine the toy distributions and the observed statistic into CLs values. */
export function toyCls(mu: number, qObs: number, qSb: number[], qB: number[]): ToyResult {
  const { clsb, clb, cls } = toyTails(qObs, qSb, qB);
  // Expected: each b toy as the observation.
  const sortedSb = qSb.filter(Number.isFinite).sort((a, b) => a - b);
  const sortedB = qB.filter(Number.isFinite).sort((a, b) => a - b);
  const tail = (sorted: number[], x: number) => {
    let lo = 0, hi = sorted.length;
    while (lo < hi) { const m = (lo + hi) >> 1; if (sorted[m] < x) lo = m + 1; else hi = m; }
    return (sorted.length - lo) / sorted.length;
  };
  const clsOfB = sortedB.map((q) => { const b = tail(sortedB, q); return b > 0 ? tail(sortedSb, q) / b : 1; });
  const cls_exp = EXPECTED_PERCENTILES.map((p) => percentile(clsOfB, p, { finiteOnly: true }));
  const nSb = sortedSb.length, nB = sortedB.length;
  const err = cls * Math.sqrt((clsb > 0 ? (1 - clsb) / (clsb * nSb) : 0) + (clb > 0 ? (1 - clb) / (clb * nB) : 0));
  return {
    mu, cls_obs: cls, clsb_obs: clsb, clb_obs: clb, cls_exp, test_statistic: qObs, ntoys: Math.max(qSb.length, qB.length),
    failed_sb: qSb.length - nSb, failed_b: qB.length - nB, cls_obs_mc_error: err, q_sb: qSb, q_b: qB,
  };
}

export interface ToyOptions {
  ntoys?: number;
  seed?: number;
  testStat?: "qtilde" | "q";
  fit?: FitOptions;
  /** Toys per batch (default: autoBatch of the fits to the data, 1 … 10): the unit of work handed to an executor. */
  batch?: number;
  /**
   * Generating parameters: "fit" (default) — the conditional fits to the observed data at μ
   * (s+b) and at 0 (b); "init" — every parameter at its init, the POI at μ or 0 (pyhf).
   */
  toyPars?: "fit" | "init";
  /** Where the batches run (default: this thread). */
  executor?: ToyExecutor;
  onDone?: (index: number) => void;
}

/**
 * Toys per batch from the time of one fit (ms): ≈ 1 ms of work per batch, 1 … 10 toys (a toy is
 * two fits). Small batches let the threads finish together on big models; on small ones 10 toys
 * keep the per-batch cost (arrays, messages) small. Results do not depend on the batch size.
 */
export function autoBatch(fitMs: number): number {
  return Number.isFinite(fitMs) && fitMs > 0 ? Math.max(1, Math.min(10, Math.round(0.5 / fitMs))) : 10;
}

/** The batches of a toy run at μ: s+b toys from `sbPars`, b toys from `bPars`. */
export function toyBatches(mu: number, sbPars: ArrayLike<number>, bPars: ArrayLike<number>, o: ToyOptions = {}): ToyBatch[] {
  const ntoys = o.ntoys ?? 2000;
  const size = o.batch ?? 10;
  const tasks: ToyBatch[] = [];
  for (const [parity, pars] of [[0, Array.from(sbPars)], [1, Array.from(bPars)]] as const) {
    for (let s = 0; s < ntoys; s += size) {
      tasks.push({ pars, mu, testStat: o.testStat ?? "qtilde", seed: o.seed ?? 0, parity, start: s, end: Math.min(ntoys, s + size), fit: o.fit });
    }
  }
  return tasks;
}

/** Toy-based CLs at μ: observed and expected, with the toy distributions. */
export async function toyHypotest(lik: Likelihood, mu: number, o: ToyOptions = {}): Promise<ToyResult> {
  const testStat = o.testStat ?? "qtilde";
  const obs = new ProfileFits(lik, lik.observed, o.fit ?? {});
  // The fits to the data, timed: the quickest sizes the batches when none is given.
  let fitMs = Infinity;
  const timed = <X>(f: () => X): X => {
    const t0 = performance.now();
    const x = f();
    fitMs = Math.min(fitMs, performance.now() - t0);
    return x;
  };
  timed(() => obs.free);
  const qObs = testStatistic(testStat, obs, mu);
  let sbPars: Float64Array, bPars: Float64Array;
  if (o.toyPars === "init") {
    sbPars = Float64Array.from(lik.parameters, (p) => p.init);
    bPars = Float64Array.from(sbPars);
    sbPars[obs.poi] = mu;
    bPars[obs.poi] = 0;
  } else {
    sbPars = timed(() => obs.fixedAt(mu)).pars;
    bPars = timed(() => obs.fixedAt(0)).pars;
  }
  const tasks = toyBatches(mu, sbPars, bPars, { ...o, batch: o.batch ?? autoBatch(fitMs) });
  const out = await (o.executor ?? inThreadExecutor(lik))(tasks, o.onDone);
  const qSb: number[] = [], qB: number[] = [];
  tasks.forEach((t, i) => (t.parity === 0 ? qSb : qB).push(...out[i]));
  return toyCls(mu, qObs, qSb, qB);
}
