// Bounded Newton-type minimisation with a model-supplied Hessian (approximation), damped à la
// Levenberg–Marquardt.
//
// Method: a projected Newton iteration with an active set (Bertsekas 1982, "Projected Newton
// methods for optimization problems with simple constraints": variables on a bound with the
// gradient pushing outwards are held there; the rest take the step) whose step solves
// (H_FF + μ D) d = −g_F, D = diag(H_FF) (Marquardt's scaling; Moré 1978, "The
// Levenberg–Marquardt algorithm: implementation and theory", §2; Nocedal & Wright 2006, §10.3).
// The trial point is projected onto the bounds and accepted when the actual decrease is a
// fair fraction of the quadratic model's prediction (trust-region ratio test); μ shrinks after
// good steps and grows after poor or rejected ones, so a non-finite objective (e.g. a
// rate guard's +∞ near ν = 0) only shortens the step. Convergence is declared on the
// projected gradient (every free component ≤ gtol). When the damped Hessian cannot be
// factorised or the iteration stalls, the caller falls back to quasi-Newton (minimize.ts).
//
// All work buffers are allocated once per call.
import { choleskyInPlace, choleskySolve } from "../math/linalg.ts";
import { boxedStart, type MinimizeOptions, type MinimizeResult, type ObjectiveWithGradient } from "./minimize.ts";

/**
 * Writes the Hessian (approximation, symmetric positive semi-definite) of the objective for
 * the variables listed in `idx` into out (idx.length² row-major), at `x` — which is always the
 * point of the most recent objective call.
 */
export type HessianFunction = (x: Float64Array, idx: Int32Array, out: Float64Array) => void;

export interface NewtonOptions extends MinimizeOptions {
  /** Give up (stalled) after this many consecutive rejected steps (default 40). */
  maxRejections?: number;
  /** Add a secant-updated correction to the supplied Hessian (default true; see below). */
  secant?: boolean;
}

export function minimizeNewton(fg: ObjectiveWithGradient, hess: HessianFunction, x0: ArrayLike<number>, opts: NewtonOptions = {}): MinimizeResult {
  const n = x0.length;
  const { lower, upper, fixed, x } = boxedStart(x0, opts);
  const maxIter = opts.maxIter ?? 200;
  const gtol = opts.gtol ?? 1e-7;
  const ftol = opts.ftol ?? 1e-14;
  const maxRejections = opts.maxRejections ?? 40;

  const g = new Float64Array(n);
  const xt = new Float64Array(n);
  const gt = new Float64Array(n);
  const free = new Int32Array(n);
  const H = new Float64Array(n * n);
  const L = new Float64Array(n * n);
  const d = new Float64Array(n);
  const s = new Float64Array(n);
  let evaluations = 0;
  const evaluate = (px: Float64Array, pg: Float64Array): number => {
    evaluations++;
    const v = fg(px, pg);
    return Number.isFinite(v) ? v : Infinity;
  };
  let f = evaluate(x, g);
  if (!Number.isFinite(f)) {
    return { x, fun: f, grad: g, converged: false, iterations: 0, evaluations, message: "objective is not finite at the starting point" };
  }

  const secant = opts.secant ?? true;
  const S = new Float64Array(secant ? n * n : 0);
  const sPrev = new Float64Array(n), yPrev = new Float64Array(n), r = new Float64Array(n);
  let haveStep = false;
  let mu = 0; // Marquardt damping
  let iterations = 0, rejections = 0, smallDecrease = 0;
  let message = "maximum iterations reached";
  let converged = false;
  let m = 0; // free variables of the current Hessian
  let haveHessian = false;
  for (; iterations < maxIter; iterations++) {
    if (!haveHessian) {
      // Active set (at x, which is the last evaluated point) and projected-gradient test.
      let pgMax = 0;
      m = 0;
      for (let i = 0; i < n; i++) {
        if (fixed[i]) continue;
        if (x[i] <= lower[i] && g[i] > 0) continue;
        if (x[i] >= upper[i] && g[i] < 0) continue;
        free[m++] = i;
        pgMax = Math.max(pgMax, Math.abs(g[i]));
      }
      if (pgMax <= gtol) { converged = true; message = "projected gradient below tolerance"; break; }
      hess(x, free.subarray(0, m), H);
      if (secant) {
        // Structured secant correction (Dennis, Martínez & Tapia 1989, "Convergence theory for
        // the structured BFGS secant method", JOTA 61: 161): the model's Hessian B (e.g.
        // Gauss–Newton) misses part of the curvature; S learns it from the last step: the BFGS
        // update of A = B + S with (s, y) gives A⁺ with A⁺ s = y, and S⁺ = A⁺ − B. A stays
        // positive definite when yᵀs > 0 (otherwise S is left unchanged).
        if (haveStep) {
          let sAs = 0, ys = 0;
          for (let a = 0; a < m; a++) {
            const ia = free[a], ra = a * m, rS = ia * n;
            let v = 0;
            for (let c = 0; c < m; c++) v += (H[ra + c] + S[rS + free[c]]) * sPrev[free[c]];
            r[a] = v;
            sAs += sPrev[ia] * v;
            ys += yPrev[ia] * sPrev[ia];
          }
          if (sAs > 0 && ys > 1e-12 * sAs) {
            for (let a = 0; a < m; a++) {
              const rS = free[a] * n, ra = r[a] / sAs, ya = yPrev[free[a]] / ys;
              for (let c = 0; c < m; c++) S[rS + free[c]] += ya * yPrev[free[c]] - ra * r[c];
            }
          }
        }
        for (let a = 0; a < m; a++) {
          const rS = free[a] * n, ra = a * m;
          for (let c = 0; c < m; c++) H[ra + c] += S[rS + free[c]];
        }
      }
      haveHessian = true;
    }
    // Damped system (H + μ D) d = −g over the free variables.
    let dmax = 0;
    for (let a = 0; a < m; a++) dmax = Math.max(dmax, H[a * m + a]);
    const dfloor = dmax > 0 ? 1e-10 * dmax : 1;
    let factored = false;
    for (let attempt = 0; attempt < 20; attempt++) {
      for (let a = 0; a < m * m; a++) L[a] = H[a];
      if (mu > 0) for (let a = 0; a < m; a++) L[a * m + a] += mu * Math.max(H[a * m + a], dfloor);
      if (choleskyInPlace(L, m)) { factored = true; break; }
      mu = mu === 0 ? 1e-8 : mu * 10;
    }
    if (!factored) { message = "Hessian not positive definite (damping did not help)"; break; }
    for (let a = 0; a < m; a++) d[a] = -g[free[a]];
    choleskySolve(L, m, d);
    // Projected trial point and the model's predicted decrease along the projected step.
    xt.set(x);
    for (let a = 0; a < m; a++) {
      const i = free[a];
      xt[i] = Math.min(upper[i], Math.max(lower[i], x[i] + d[a]));
      s[a] = xt[i] - x[i];
    }
    let lin = 0, quad = 0, moved = false;
    for (let a = 0; a < m; a++) {
      if (s[a] !== 0) moved = true;
      lin += g[free[a]] * s[a];
      let hs = 0;
      const ra = a * m;
      for (let c = 0; c < m; c++) hs += H[ra + c] * s[c];
      quad += s[a] * hs;
    }
    const predicted = -(lin + 0.5 * quad);
    if (!moved || !(predicted > 0)) {
      // The projected step is no descent step (or too small to move): more damping turns it
      // towards the projected gradient.
      if (++rejections > maxRejections || mu > 1e20) { message = "no descent step (stalled)"; break; }
      mu = mu === 0 ? 1e-4 : mu * 10;
      continue;
    }
    const ft = evaluate(xt, gt);
    const rho = (f - ft) / predicted;
    // Near the minimum the predicted decrease drops below the rounding of f: there the step is
    // judged by the projected gradient instead (it must shrink, f must not grow beyond rounding).
    const noise = 64 * Number.EPSILON * Math.max(1, Math.abs(f));
    let accept = ft < f && rho > 1e-4;
    if (!accept && predicted < noise && ft <= f + noise) accept = projectedGradientMax(xt, gt) < projectedGradientMax(x, g);
    if (accept) {
      const fOld = f;
      if (secant) {
        for (let i = 0; i < n; i++) { sPrev[i] = xt[i] - x[i]; yPrev[i] = gt[i] - g[i]; }
        haveStep = true;
      }
      x.set(xt); g.set(gt); f = Math.min(f, ft);
      haveHessian = false;
      rejections = 0;
      // Good agreement with the model: less damping (fast, so Newton's rate returns quickly);
      // poor: more (Moré 1978 §2's trust-region rules, in terms of μ).
      if (rho > 0.75) mu /= 10;
      else if (rho < 0.25) mu = mu === 0 ? 1e-3 : mu * 4;
      if (mu < 1e-8) mu = 0;
      if (fOld - f <= ftol * Math.max(1, Math.abs(f))) {
        if (++smallDecrease >= 3) {
          converged = true;
          message = "relative decrease of f below tolerance";
          iterations++;
          break;
        }
      } else smallDecrease = 0;
    } else {
      // Rejected (less than predicted, no decrease, or not finite): x and g are unchanged, the
      // next evaluation of the Hessian is not needed — only more damping.
      if (++rejections > maxRejections) { message = "step rejected repeatedly (stalled)"; break; }
      mu = Math.max(1e-3, mu * 10);
      if (!(ft < f) && ft === f) {
        // No change at all in f: the step is below f's resolution.
        let pgMax = 0;
        for (let a = 0; a < m; a++) pgMax = Math.max(pgMax, Math.abs(g[free[a]]));
        if (pgMax <= 1e3 * gtol) { converged = true; message = "no decrease within f's resolution"; break; }
      }
    }
  }
  function projectedGradientMax(px: Float64Array, pg: Float64Array): number {
    let v = 0;
    for (let i = 0; i < n; i++) {
      if (fixed[i]) continue;
      if (px[i] <= lower[i] && pg[i] > 0) continue;
      if (px[i] >= upper[i] && pg[i] < 0) continue;
      v = Math.max(v, Math.abs(pg[i]));
    }
    return v;
  }
  // The gradient handed back is the one at x (a rejected trial may have been evaluated last).
  return { x, fun: f, grad: g, converged, iterations, evaluations, message };
}
