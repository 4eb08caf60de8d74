// GP posterior at new points (R&W 2006 Algorithm 2.1, sklearn 1.2 predict):
//   μ = k(X*, X) a,  V = L⁻¹ k(X, X*),  cov = k(X*, X*) − VᵀV,  std = √max(0, diag k(X*) − Σ V²)
// (latent f: no alpha at the test points; a WhiteKernel term does enter k(X*, X*)), then the
// normalize_y scaling. Also the log-space → count-space moment transform of the bump hunt.

import { choleskyBlockedInfo, choleskyEnvelopeBlockedInfo, choleskyWithJitter, choleskySolveVector, forwardSubstituteRows } from "../math/linalg-blocked.ts";
import type { Kernel } from "./kernels.ts";
import { cutToEnvelope, orderForEnvelope } from "./structure.ts";
import { fitHyperparameters, searchHyperparameters, type FitOptions, type FitResult } from "./fit.ts";
import { logMarginalLikelihood, type LmlOptions, type Targets } from "./lml.ts";
import { toPoints, type Points, type PointsLike } from "./points.ts";

export interface PredictOptions {
  /** Also return the posterior standard deviation (sklearn return_std path). */
  returnStd?: boolean;
  /** Also return the full posterior covariance, m×m row-major (sklearn return_cov). */
  returnCov?: boolean;
}

export interface Prediction {
  mean: Float64Array;
  std?: Float64Array;
  /** m×m row-major. */
  cov?: Float64Array;
}

export interface ConditionOptions extends LmlOptions {
  /**
   * Jitter policy if K is not numerically positive definite: "none" (default) throws, as sklearn;
   * "auto" adds the smallest δ·I from 1e-12·mean(diag) upwards (×10, up to 1e-6) that works.
   */
  jitter?: "none" | "auto";
}

/**
 * A GP conditioned on training data at fixed hyperparameters: holds L and a = K⁻¹y. X, targets,
 * L and weights are in sorted order of the points for a Constant × stationary kernel on 1-D
 * inputs (see the constructor), else in the order given.
 */
export class GaussianProcess {
  readonly kernel: Kernel;
  readonly X: Points;
  readonly targets: Targets;
  /** Cholesky factor of K + diag(alpha) (+ jitter), n×n row-major lower. */
  readonly L: Float64Array;
  /** K⁻¹ y (normalised y). */
  readonly weights: Float64Array;
  /** Jitter added to the diagonal (0 unless jitter "auto" had to act). */
  readonly jitter: number;
  /** Hyperparameter fit that produced this model, if any. */
  fit?: FitResult;

  constructor(kernel: Kernel, X: PointsLike, y: ArrayLike<number>, opts: ConditionOptions = {}) {
    this.kernel = kernel.clone();
    const pts = toPoints(X);
    const n = pts.n;
    if (y.length !== n) throw new Error(`y has ${y.length} entries but X has ${n} points`);
    // Sorted points make K an envelope matrix for a Constant × stationary kernel on 1-D inputs,
    // whose Cholesky skips what lies left of the envelope (envelope.ts; a third of the work on
    // the HPS spectra). Predictions do not depend on the order of the points.
    const data = orderForEnvelope(this.kernel, pts, y, opts);
    ({ X: this.X, targets: this.targets } = data);
    const L = new Float64Array(n * n);
    this.kernel.gramLower(this.X, L, null, 0);
    for (let i = 0; i < n; i++) L[i * n + i] += data.noise[i];
    const first = cutToEnvelope(data, L);
    let jitter = 0;
    if (opts.jitter === "auto") {
      jitter = choleskyWithJitter(L, n, new Float64Array(n * n));
      if (Number.isNaN(jitter)) throw new Error(`GP: K is not positive definite even with jitter 1e-6·mean(diag) (kernel ${this.kernel})`);
    } else {
      const info = first ? choleskyEnvelopeBlockedInfo(L, n, first) : choleskyBlockedInfo(L, n);
      if (info >= 0) throw new Error(`GP: K is not positive definite (pivot ${info}); increase alpha or use jitter "auto" (kernel ${this.kernel})`);
    }
    this.L = L;
    this.jitter = jitter;
    this.weights = Float64Array.from(this.targets.y);
    choleskySolveVector(L, n, this.weights);
  }

  /** LML of the training data under this GP (from its factor; with jitter, of the jittered K). */
  logMarginalLikelihood(): number {
    const n = this.X.n, L = this.L, a = this.weights, y = this.targets.y;
    let yta = 0, logDet = 0;
    for (let i = 0; i < n; i++) {
      yta += y[i] * a[i];
      logDet += Math.log(L[i * n + i]);
    }
    const lml = -0.5 * yta - logDet - 0.5 * n * Math.log(2 * Math.PI);
    return Number.isFinite(lml) ? lml : -Infinity;
  }

  /** Posterior mean (and std / covariance) of the latent function at Xt. */
  predict(Xt: PointsLike, opts: PredictOptions = {}): Prediction {
    const T = toPoints(Xt);
    const n = this.X.n, m = T.n;
    const Ks = new Float64Array(m * n); // row r = k(x*_r, X)
    this.kernel.cross(T, this.X, Ks);
    const { mean: ym, std: ys } = this.targets;
    const mean = new Float64Array(m);
    for (let r = 0; r < m; r++) {
      let s = 0;
      const rr = r * n;
      for (let i = 0; i < n; i++) s += Ks[rr + i] * this.weights[i];
      mean[r] = ys * s + ym;
    }
    const out: Prediction = { mean };
    if (!opts.returnStd && !opts.returnCov) return out;
    forwardSubstituteRows(this.L, n, Ks, m); // rows v_r = L⁻¹ k(X, x*_r)
    if (opts.returnCov) {
      const cov = new Float64Array(m * m);
      this.kernel.gramLower(T, cov, null, 0);
      const s2 = ys * ys;
      for (let r = 0; r < m; r++) {
        for (let q = 0; q <= r; q++) {
          let s = 0;
          const rr = r * n, qq = q * n;
          for (let i = 0; i < n; i++) s += Ks[rr + i] * Ks[qq + i];
          const v = (cov[r * m + q] - s) * s2;
          cov[r * m + q] = v;
          cov[q * m + r] = v;
        }
      }
      out.cov = cov;
    }
    if (opts.returnStd) {
      const d = new Float64Array(m);
      this.kernel.diag(T, d);
      const std = new Float64Array(m);
      for (let r = 0; r < m; r++) {
        let s = 0;
        const rr = r * n;
        for (let i = 0; i < n; i++) s += Ks[rr + i] * Ks[rr + i];
        std[r] = Math.sqrt(Math.max(0, d[r] - s)) * ys; // sklearn clips negative variances to 0
      }
      out.std = std;
    }
    return out;
  }
}

/**
 * Fit hyperparameters (fit.ts) and condition on the data at the optimum: the equivalent of
 * sklearn's GaussianProcessRegressor(kernel, alpha, normalize_y, n_restarts_optimizer).fit(X, y).
 */
export function fitGaussianProcess(kernel: Kernel, X: PointsLike, y: ArrayLike<number>, opts: FitOptions & ConditionOptions = {}): GaussianProcess {
  if (opts.polish || opts.finalGradient || kernel.nTheta === 0) {
    const res = fitHyperparameters(kernel, X, y, opts);
    const gp = new GaussianProcess(res.kernel, X, y, opts);
    gp.fit = res;
    return gp;
  }
  // The exact LML at the optimum from the factor the GP conditions on (one Cholesky, not two).
  const res = searchHyperparameters(kernel, X, y, opts);
  const gp = new GaussianProcess(res.kernel, X, y, opts);
  res.lml = gp.jitter === 0 ? gp.logMarginalLikelihood() : logMarginalLikelihood(kernel, X, y, { ...opts, theta: res.theta }).lml;
  res.exactEvaluations++;
  gp.fit = res;
  return gp;
}

/**
 * Log-normal moment transform of a log-space posterior N(μ, S) to counts (hps_gpr):
 * b_i = exp(μ_i + S_ii/2),  C_ij = b_i b_j (exp(S_ij) − 1)  (expm1 for accuracy; no clipping).
 */
export function countSpaceMoments(mean: ArrayLike<number>, cov: ArrayLike<number>): { b: Float64Array; C: Float64Array } {
  const m = mean.length;
  if (cov.length !== m * m) throw new Error(`cov has ${cov.length} entries, expected ${m}×${m}`);
  const b = new Float64Array(m);
  for (let i = 0; i < m; i++) b[i] = Math.exp(mean[i] + 0.5 * cov[i * m + i]);
  const C = new Float64Array(m * m);
  for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) C[i * m + j] = b[i] * b[j] * Math.expm1(cov[i * m + j]);
  return { b, C };
}
