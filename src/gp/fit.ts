// Hyperparameter fit: maximise the log marginal likelihood over θ = log hyperparameters within
// the kernel's bounds, with the project's bounded quasi-Newton `minimize` on −LML and its
// analytic gradient. As sklearn's GaussianProcessRegressor: first from the kernel's own θ, then
// `nRestarts` starts drawn log-uniformly inside the bounds (one RNG stream, drawn in order:
// start k, dimension j), best LML wins (first on ties); a start whose Cholesky fails is −∞.
// Optionally (a scan's production restarts, #19): a `warmStart` runs right after the kernel's θ,
// and the starts stop once `stopWhenAgree` of them, from distinct initial points, ended at the
// winner's optimum (LML within agreeLml, every log-hyperparameter within agreeTheta); `agreement`
// records how the starts ended either way. On the HPS spectra all finite starts but the odd
// stall at large C end at one optimum whose LML ties to ~1e-6, so two agreeing starts cost ~2/11
// of the full set. With `tieLml` the winner is the earliest start within tieLml of the best LML,
// not the strict maximum: on those ridges the starts tie to ~1e-6 in LML but differ by ~4e-4 in
// ln C, so the strict maximum is decided by float64 noise and by the restart seed. The earliest
// tied start is the kernel's own θ, run to convergence as with no restarts, so restarts change
// the result only where they find a better optimum (by more than tieLml), and not with the seed.
//
// For a Constant × stationary kernel the search can run on cheaper evaluators (hybrid.ts): the
// low-rank surrogate (lowrank.ts) at long length scales, the exact envelope form (envelope.ts)
// at short ones on 1-D inputs; the winner is then re-evaluated — and polished if asked — with an
// exact evaluator (envelope or dense, whichever is cheaper there); see `method`.
// `searchHyperparameters` stops before that exact evaluation, for callers that factorise K at
// the optimum anyway (fitGaussianProcess).
//
// The quasi-Newton matrix starts as the identity, as in L-BFGS-B (sklearn's optimiser), not from
// finite-difference curvatures: those would cost one more evaluation per hyperparameter and
// start, each at a new length scale. At n = 1590 (HPS 2021) the 10-restart fit takes ~1.4 s
// warm, ~1.7 s (1.7–2.1 s) in a fresh process (BENCHMARKS.md; scikit-learn 42 s).

import { Rng } from "../math/rng.ts";
import { minimize } from "../optimize/minimize.ts";
import type { Kernel } from "./kernels.ts";
import { envelopeApplicable } from "./envelope.ts";
import { ExactMarginalLikelihood, SearchMarginalLikelihood } from "./hybrid.ts";
import type { LmlOptions } from "./lml.ts";
import { LowRankMarginalLikelihood, lowRankApplicable } from "./lowrank.ts";
import { toPoints, type Points, type PointsLike } from "./points.ts";

export interface FitOptions extends LmlOptions {
  /** Extra starts drawn log-uniformly inside the bounds (sklearn n_restarts_optimizer). Default 0. */
  nRestarts?: number;
  /** Seed of the restart draws (`new Rng(seed)`). Default 0. */
  seed?: number;
  /** Projected-gradient tolerance on −LML (default 1e-4: the float64 gradient noise at HPS optima is ~1e-4). */
  gtol?: number;
  /** Relative-decrease tolerance over 3 iterations (default 1e-10). */
  ftol?: number;
  /** Iterations per start (default 500). */
  maxIter?: number;
  /**
   * "dense": every evaluation is exact dense (O(n³)). "lowrank": search on the low-rank
   * surrogate (dense where its rank would be too high). "hybrid": per evaluation the cheapest of
   * low-rank surrogate (where its truncation bound is small), exact envelope and exact dense
   * (hybrid.ts). After "lowrank" or "hybrid" the winner is re-evaluated exactly (and polished if
   * asked). "auto" (default): "hybrid" for a Constant × stationary kernel on 1-D inputs with
   * n ≥ 150, else "dense".
   */
  method?: "auto" | "dense" | "lowrank" | "hybrid";
  /** After a low-rank search, polish the winner with exact dense steps (default false: one exact evaluation). */
  polish?: boolean;
  /** Also evaluate the exact gradient at the optimum (FitResult.grad). Default false. */
  finalGradient?: boolean;
  /**
   * A start tried right after the kernel's θ and before the random ones (e.g. the optimum of a
   * neighbouring mass of a scan), clipped into the bounds; skipped when it equals the kernel's θ.
   * Default none.
   */
  warmStart?: ArrayLike<number> | null;
  /**
   * Stop the starts once this many distinct starts (different initial θ) ended at the best
   * optimum found so far (see `agreeLml`, `agreeTheta`). 0 or undefined: run every start
   * (sklearn's and hps_gpr's semantics).
   */
  stopWhenAgree?: number;
  /** Two starts ended at the same optimum when their LML differ by at most this (default 1e-3)… */
  agreeLml?: number;
  /** …and every log-hyperparameter by at most this (default 1e-2, i.e. 1% in the hyperparameter). */
  agreeTheta?: number;
  /**
   * Starts whose LML is within this of the best one tie, and the earliest of them wins (see the
   * module comment). 0 or undefined: the strict maximum wins, first on exact ties (sklearn).
   */
  tieLml?: number;
}

/** How the starts of a fit ended, relative to the winner (FitResult.agreement). */
export interface StartAgreement {
  /** Starts run (the warm start included; fewer than offered when stopped early). */
  run: number;
  /** Starts that ended at the winner's optimum (within agreeLml / agreeTheta), the winner included. */
  agree: number;
  /** Starts that ended at a finite LML elsewhere: another local optimum, or not converged. */
  disagree: number;
  /** Starts whose LML was −∞ (Cholesky failed) or NaN. */
  failed: number;
  /** The starts stopped before all offered ones ran (stopWhenAgree reached). */
  stoppedEarly: boolean;
}

export interface StartLog {
  thetaInit: Float64Array;
  theta: Float64Array;
  /** LML at the end of this start (of the surrogate when the low-rank search was used). */
  lml: number;
  iterations: number;
  evaluations: number;
  converged: boolean;
  message: string;
}

export interface FitResult {
  /** Copy of the kernel with the fitted hyperparameters. */
  kernel: Kernel;
  theta: Float64Array;
  /** Exact LML at theta. */
  lml: number;
  /**
   * Exact ∂LML/∂θ at theta when `finalGradient` was asked for, else null (at n ≈ 1600 the exact
   * gradient triples the cost of the final evaluation: it needs all of K⁻¹).
   */
  grad: Float64Array | null;
  starts: StartLog[];
  bestStart: number;
  /** Per free hyperparameter: "lower"/"upper" when θ is within 1e-5 of that bound (log space). */
  atBound: ("lower" | "upper" | null)[];
  method: "dense" | "lowrank" | "hybrid" | "none";
  /** Evaluations by the exact evaluator (dense or envelope: the final one, a polish, or a "dense" search). */
  exactEvaluations: number;
  /** Evaluations of a "lowrank" or "hybrid" search, by the method that served them. */
  searchEvaluations: { surrogate: number; envelope: number; dense: number };
  /** How the starts ended relative to the winner. */
  agreement: StartAgreement;
}

type Evaluator = { evaluate(theta: ArrayLike<number>, grad: Float64Array | null): number; evaluations: number };

const unitCurvature = (p: number): Float64Array => new Float64Array(p).fill(1);

/** Thrown out of the objective to end a start that stalls at its optimum (see runStart). */
class Stalled {
  constructor(readonly x: Float64Array, readonly lml: number) {}
}

/**
 * Stall stop of the adaptive mode: at an HPS optimum the float64 noise of ∂LML/∂ln ℓ (~2e-4,
 * from the search evaluator's switching between surrogate and exact forms) exceeds gtol, so
 * the quasi-Newton line search keeps probing the same point until its f-tolerance ends it: a
 * start that sits at its optimum after ~8 evaluations runs ~30. A start ends once STALL_EVALS
 * finite evaluations in a row bring no LML gain above STALL_REL·max(1, |LML|), at its best point.
 */
const STALL_EVALS = 6;
const STALL_REL = 1e-9;

/** One quasi-Newton run from x0; `stall`: end it by the stall stop above (adaptive starts). */
function runStart(ev: Evaluator, x0: ArrayLike<number>, lower: Float64Array, upper: Float64Array, opts: FitOptions, stall = false): StartLog {
  const p = lower.length;
  const before = ev.evaluations;
  let bestLml = -Infinity, bestX: Float64Array | null = null, flat = 0;
  let res: { x: Float64Array; fun: number; iterations: number; converged: boolean; message: string };
  try {
    res = minimize(
      (x, g) => {
        const v = ev.evaluate(x, g);
        for (let i = 0; i < p; i++) g[i] = -g[i];
        if (stall && Number.isFinite(v)) {
          if (v > bestLml + STALL_REL * Math.max(1, Math.abs(v))) flat = 0;
          else if (bestX) flat++;
          if (v > bestLml) {
            bestLml = v;
            bestX = Float64Array.from(x);
          }
          if (flat >= STALL_EVALS) throw new Stalled(bestX!, bestLml);
        }
        return -v;
      },
      x0,
      // Identity seed of the quasi-Newton matrix, as L-BFGS-B (sklearn's optimiser) starts: the
      // default finite-difference curvature would cost one more evaluation per hyperparameter
      // and start, each at a new length scale (a new factorisation).
      { lower, upper, gtol: opts.gtol ?? 1e-4, ftol: opts.ftol ?? 1e-10, maxIter: opts.maxIter ?? 500, curvature: unitCurvature(p) },
    );
  } catch (e) {
    if (!(e instanceof Stalled)) throw e;
    // iterations: unknown (minimize was left mid-line-search).
    res = { x: e.x, fun: -e.lml, iterations: NaN, converged: true, message: `no LML gain above ${STALL_REL} relative in ${STALL_EVALS} evaluations (float64 noise at the optimum)` };
  }
  return {
    thetaInit: Float64Array.from(x0),
    theta: Float64Array.from(res.x),
    lml: -res.fun,
    iterations: res.iterations,
    evaluations: ev.evaluations - before,
    converged: res.converged,
    message: res.message,
  };
}

function searchCounts(search: Evaluator, exact: Evaluator): FitResult["searchEvaluations"] {
  if (search === exact) return { surrogate: 0, envelope: 0, dense: 0 };
  if (search instanceof SearchMarginalLikelihood) return { ...search.counts };
  return { surrogate: search.evaluations, envelope: 0, dense: 0 }; // "lowrank" (its dense fallbacks included)
}

/** Starting points: the kernel's θ, then nRestarts log-uniform draws inside the bounds. */
export function startingPoints(kernel: Kernel, nRestarts: number, seed: number): Float64Array[] {
  const theta0 = kernel.theta;
  const b = kernel.boundsLog;
  const out = [theta0];
  if (nRestarts > 0) {
    const rng = new Rng(seed);
    for (let k = 0; k < nRestarts; k++) {
      const t = new Float64Array(theta0.length);
      for (let j = 0; j < t.length; j++) t[j] = b[j][0] + (b[j][1] - b[j][0]) * rng.uniform();
      out.push(t);
    }
  }
  return out;
}

const AGREE_LML = 1e-3;
const AGREE_THETA = 1e-2;

/** Whether start b ended at start a's optimum (LML and every log-hyperparameter within tolerance). */
function sameOptimum(a: StartLog, b: StartLog, opts: FitOptions): boolean {
  if (!(Number.isFinite(a.lml) && Number.isFinite(b.lml)) || Math.abs(a.lml - b.lml) > (opts.agreeLml ?? AGREE_LML)) return false;
  const tol = opts.agreeTheta ?? AGREE_THETA;
  for (let j = 0; j < a.theta.length; j++) if (!(Math.abs(a.theta[j] - b.theta[j]) <= tol)) return false;
  return true;
}

const sameStart = (a: ArrayLike<number>, b: ArrayLike<number>): boolean => {
  for (let j = 0; j < a.length; j++) if (a[j] !== b[j]) return false;
  return true;
};

/** Agreement of the logged starts with the winner `best`. */
function agreementOf(logs: StartLog[], best: number, stoppedEarly: boolean, opts: FitOptions): StartAgreement {
  let agree = 0, disagree = 0, failed = 0;
  for (const l of logs) {
    if (!Number.isFinite(l.lml)) failed++;
    else if (best >= 0 && sameOptimum(logs[best], l, opts)) agree++;
    else disagree++;
  }
  return { run: logs.length, agree, disagree, failed, stoppedEarly };
}

/**
 * The starts in the order they run: the kernel's θ, the warm start (clipped into the bounds,
 * dropped when equal to the kernel's θ), then the random draws of startingPoints(), which do
 * not depend on the warm start.
 */
function orderedStarts(kernel: Kernel, lower: Float64Array, upper: Float64Array, opts: FitOptions): Float64Array[] {
  const starts = startingPoints(kernel, opts.nRestarts ?? 0, opts.seed ?? 0);
  const w = opts.warmStart;
  if (!w || w.length !== lower.length || !Array.from(w).every(Number.isFinite)) return starts;
  const x = Float64Array.from(w, (v, j) => Math.min(upper[j], Math.max(lower[j], v)));
  return sameStart(x, starts[0]) ? starts : [starts[0], x, ...starts.slice(1)];
}

/** The winner: the strict maximum (first on exact ties), or with tieLml the earliest start within tieLml of it. */
function winnerOf(logs: StartLog[], tieLml: number): number {
  let best = -1;
  // NaN (a failed start) counts as −∞: a finite start after it still wins.
  for (let k = 0; k < logs.length; k++) if (best < 0 || logs[k].lml > logs[best].lml || (Number.isNaN(logs[best].lml) && !Number.isNaN(logs[k].lml))) best = k;
  if (!(tieLml > 0) || best < 0 || !Number.isFinite(logs[best].lml)) return best;
  for (let k = 0; k < best; k++) if (logs[k].lml >= logs[best].lml - tieLml) return k;
  return best;
}

/** The search over the starts (without the exact evaluation at the winner). */
function runSearch(kernel: Kernel, pts: Points, y: ArrayLike<number>, opts: FitOptions, exact: ExactMarginalLikelihood) {
  const bounds = kernel.boundsLog;
  const lower = Float64Array.from(bounds, (b) => b[0]);
  const upper = Float64Array.from(bounds, (b) => b[1]);
  const starts = orderedStarts(kernel, lower, upper, opts);
  const method = opts.method ?? "auto";
  if (method === "lowrank" && !lowRankApplicable(kernel)) throw new Error(`low-rank fit needs a Constant × stationary kernel, got ${kernel.toString()}`);
  if (method === "hybrid" && !envelopeApplicable(kernel, pts)) throw new Error(`hybrid fit needs a Constant × stationary kernel on 1-D inputs, got ${kernel.toString()}`);
  const chosen = method === "auto" ? (pts.n >= 150 && envelopeApplicable(kernel, pts) ? "hybrid" : "dense") : method;
  const search: Evaluator =
    chosen === "lowrank" ? new LowRankMarginalLikelihood(kernel, pts, y, opts)
    : chosen === "hybrid" ? new SearchMarginalLikelihood(kernel, pts, y, opts)
    : exact;
  const logs: StartLog[] = [];
  let best = -1;
  const need = opts.stopWhenAgree ?? 0;
  let stoppedEarly = false;
  for (let k = 0; k < starts.length; k++) {
    // The kernel's θ always runs to convergence, so that it ends where a fit without restarts ends.
    logs.push(runStart(search, starts[k], lower, upper, opts, need > 0 && k > 0));
    best = winnerOf(logs, opts.tieLml ?? 0);
    // Early stop: `need` starts from distinct initial points ended at the current best optimum.
    if (need > 0 && k < starts.length - 1) {
      const inits: Float64Array[] = [];
      for (const l of logs) if (sameOptimum(logs[best], l, opts) && !inits.some((x) => sameStart(x, l.thetaInit))) inits.push(l.thetaInit);
      if (inits.length >= need) {
        stoppedEarly = true;
        break;
      }
    }
  }
  return { lower, upper, logs, best, chosen, search, agreement: agreementOf(logs, best, stoppedEarly, opts) };
}

function atBounds(theta: Float64Array, lower: Float64Array, upper: Float64Array): FitResult["atBound"] {
  return Array.from(theta, (t, j) => (t - lower[j] <= 1e-5 ? "lower" : upper[j] - t <= 1e-5 ? "upper" : null));
}

/** Maximise the LML over the kernel's free log-hyperparameters (see module comment). */
export function fitHyperparameters(kernel: Kernel, X: PointsLike, y: ArrayLike<number>, opts: FitOptions = {}): FitResult {
  const pts = toPoints(X);
  const exact = new ExactMarginalLikelihood(kernel, pts, y, opts);
  const p = exact.nTheta;
  const grad = new Float64Array(p);
  if (p === 0) {
    const lml = exact.evaluate([], grad);
    return {
      kernel: kernel.clone(), theta: new Float64Array(0), lml, grad, starts: [], bestStart: -1, atBound: [], method: "none", exactEvaluations: 1, searchEvaluations: { surrogate: 0, envelope: 0, dense: 0 },
      agreement: { run: 0, agree: 0, disagree: 0, failed: 0, stoppedEarly: false },
    };
  }
  const { lower, upper, logs, best, chosen, search, agreement } = runSearch(kernel, pts, y, opts, exact);
  let theta = logs[best].theta;
  const finalGrad = opts.finalGradient ? grad : null;
  let lml = exact.evaluate(theta, finalGrad);
  if (chosen !== "dense" && opts.polish) {
    // Exact polish from the surrogate's optimum with dense quasi-Newton steps, kept only if better.
    // (no stall stop when the kernel's θ won: the fit then ends as one without restarts does)
    const pol = runStart(exact, theta, lower, upper, { ...opts, maxIter: opts.maxIter ?? 20 }, (opts.stopWhenAgree ?? 0) > 0 && best > 0);
    if (pol.lml > lml) {
      theta = pol.theta;
      lml = exact.evaluate(theta, finalGrad);
    }
  }
  return {
    kernel: kernel.withTheta(theta), theta: Float64Array.from(theta), lml, grad: finalGrad && Float64Array.from(finalGrad), starts: logs, bestStart: best,
    atBound: atBounds(theta, lower, upper), method: chosen,
    exactEvaluations: exact.evaluations,
    searchEvaluations: searchCounts(search, exact), agreement,
  };
}

/**
 * The search of fitHyperparameters without its exact evaluation at the winner: `lml` is the
 * search's value there (the surrogate's, for a low-rank or hybrid search) and must be replaced
 * by an exact one by the caller — fitGaussianProcess takes it from the Cholesky factor it
 * conditions on, which would otherwise be computed twice (0.3 s at n = 1600).
 */
export function searchHyperparameters(kernel: Kernel, X: PointsLike, y: ArrayLike<number>, opts: FitOptions = {}): FitResult {
  const pts = toPoints(X);
  const exact = new ExactMarginalLikelihood(kernel, pts, y, opts);
  if (exact.nTheta === 0) return fitHyperparameters(kernel, pts, y, opts);
  const { lower, upper, logs, best, chosen, search, agreement } = runSearch(kernel, pts, y, opts, exact);
  const theta = logs[best].theta;
  return {
    kernel: kernel.withTheta(theta), theta: Float64Array.from(theta), lml: logs[best].lml, grad: null, starts: logs, bestStart: best,
    atBound: atBounds(theta, lower, upper), method: chosen,
    exactEvaluations: exact.evaluations,
    searchEvaluations: searchCounts(search, exact), agreement,
  };
}
