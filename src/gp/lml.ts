// Log marginal likelihood of GP regression and its analytic gradient (R&W 2006 eq. 2.30, 5.9),
// with sklearn GaussianProcessRegressor's conventions (1.2):
//   K = k(X, X) + diag(alpha),  L = cholesky(K),  a = K⁻¹ y,
//   LML = −½ yᵀa − Σ log L_ii − (n/2) log 2π,
//   ∂LML/∂θ_p = ½ tr((a aᵀ − K⁻¹) ∂K/∂θ_p),  θ = log hyperparameters,
// a failed Cholesky gives (−∞, 0) exactly like sklearn. normalize_y: y ← (y − mean)/std with the
// population std (a zero std becomes 1); alpha is NOT rescaled.
//
// K⁻¹ is formed once per evaluation from the factor (L⁻ᵀ then L⁻ᵀL⁻¹, n³/3 multiply-adds each);
// every hyperparameter then costs one O(n²) contraction over the lower triangle. Workspaces are
// allocated once per evaluator and reused.

import { backSubstitute, choleskyBlockedInfo, choleskyEnvelopeBlockedInfo, forwardSubstitute, lowerInverseTransposed, upperTimesTransposeLower } from "../math/linalg-blocked.ts";
import type { Kernel } from "./kernels.ts";
import { cutToEnvelope, orderForEnvelope, type OrderedData } from "./structure.ts";
import { noiseVector, prepareTargets, type LmlOptions, type Targets } from "./targets.ts";
import { toPoints, type Points, type PointsLike } from "./points.ts";

// the data preparation lives in targets.ts; re-exported here, where users of the LML look for it
export { noiseVector, prepareTargets, type LmlOptions, type Targets };

const LOG_2PI = Math.log(2 * Math.PI);

/**
 * Reusable evaluator of LML(θ) and ∇LML(θ) for one training set. Not re-entrant: one
 * evaluation at a time (the kernel copy and the n×n workspaces are shared).
 */
export class MarginalLikelihood {
  readonly kernel: Kernel;
  readonly X: Points;
  readonly n: number;
  readonly nTheta: number;
  readonly targets: Targets;
  readonly noise: Float64Array;
  /** Number of evaluate() calls so far. */
  evaluations = 0;
  /** n×n workspace, allocated by the first evaluation (an evaluator may be built and never used). */
  private K: Float64Array | null = null;
  private inv: Float64Array | null = null;
  private grads: Float64Array[] | null = null;
  private readonly a: Float64Array;
  /** Points in sorted order with K's envelope for a Constant × stationary kernel on 1-D inputs (envelope.ts). */
  private readonly data: OrderedData;

  constructor(kernel: Kernel, X: PointsLike, y: ArrayLike<number>, opts: LmlOptions = {}) {
    this.kernel = kernel.clone();
    const pts = toPoints(X);
    const n = (this.n = pts.n);
    if (y.length !== n) throw new Error(`y has ${y.length} entries but X has ${n} points`);
    this.nTheta = this.kernel.nTheta;
    this.data = orderForEnvelope(this.kernel, pts, y, opts);
    ({ X: this.X, targets: this.targets, noise: this.noise } = this.data);
    this.a = new Float64Array(n);
  }

  /** a = K⁻¹y from the last successful evaluation, in the order of `X` (a view; overwritten by the next call). */
  get weights(): Float64Array {
    return this.a;
  }

  /**
   * LML at log-hyperparameters `theta`; writes ∂LML/∂θ into `grad` when given.
   * Returns −∞ (and a zero gradient) when K is not numerically positive definite.
   */
  evaluate(theta: ArrayLike<number>, grad: Float64Array | null = null): number {
    this.evaluations++;
    const n = this.n, p = this.nTheta;
    const K = (this.K ??= new Float64Array(n * n));
    if (theta.length !== p) throw new Error(`theta has ${theta.length} entries, kernel has ${p} free hyperparameters`);
    this.kernel.setTheta(theta, 0);
    let grads: Float64Array[] | null = null;
    if (grad) {
      if (!this.grads) this.grads = Array.from({ length: p }, () => new Float64Array(n * n));
      grads = this.grads;
    }
    this.kernel.gramLower(this.X, K, grads, 0);
    for (let i = 0; i < n; i++) K[i * n + i] += this.noise[i];
    const first = cutToEnvelope(this.data, K);
    if ((first ? choleskyEnvelopeBlockedInfo(K, n, first) : choleskyBlockedInfo(K, n)) >= 0) {
      if (grad) grad.fill(0);
      return -Infinity;
    }
    const a = this.a, y = this.targets.y;
    a.set(y);
    forwardSubstitute(K, n, a);
    backSubstitute(K, n, a);
    let yta = 0, logDet = 0;
    for (let i = 0; i < n; i++) {
      yta += y[i] * a[i];
      logDet += Math.log(K[i * n + i]);
    }
    const lml = -0.5 * yta - logDet - 0.5 * n * LOG_2PI;
    if (grad && grads) {
      if (!this.inv) this.inv = new Float64Array(n * n);
      lowerInverseTransposed(K, n, this.inv); // U = L⁻ᵀ
      upperTimesTransposeLower(this.inv, n, K); // K ← lower triangle of K⁻¹ = U Uᵀ
      contractGradient(K, a, grads, n, grad);
    }
    return Number.isFinite(lml) ? lml : -Infinity;
  }
}

/**
 * grad_p = ½ Σ_ij (a_i a_j − Kinv_ij) G_p,ij using symmetry: diagonal once, lower pairs twice.
 * One pass over the lower triangle for all hyperparameters.
 */
function contractGradient(kinv: Float64Array, a: Float64Array, grads: Float64Array[], n: number, out: Float64Array): void {
  const p = grads.length;
  out.fill(0);
  if (p === 0) return;
  if (p <= 3) {
    const g0 = grads[0], g1 = p > 1 ? grads[1] : grads[0], g2 = p > 2 ? grads[2] : grads[0];
    let d0 = 0, d1 = 0, d2 = 0, o0 = 0, o1 = 0, o2 = 0;
    for (let i = 0; i < n; i++) {
      const ri = i * n, ai = a[i];
      for (let j = ri; j < ri + i; j++) {
        const m = ai * a[j - ri] - kinv[j];
        o0 += m * g0[j];
        o1 += m * g1[j];
        o2 += m * g2[j];
      }
      const k = ri + i;
      const m = ai * ai - kinv[k];
      d0 += m * g0[k];
      d1 += m * g1[k];
      d2 += m * g2[k];
    }
    out[0] = 0.5 * d0 + o0;
    if (p > 1) out[1] = 0.5 * d1 + o1;
    if (p > 2) out[2] = 0.5 * d2 + o2;
    return;
  }
  for (let q = 0; q < p; q++) {
    const g = grads[q];
    let d = 0, o = 0;
    for (let i = 0; i < n; i++) {
      const ri = i * n, ai = a[i];
      for (let j = ri; j < ri + i; j++) o += (ai * a[j - ri] - kinv[j]) * g[j];
      d += (ai * ai - kinv[ri + i]) * g[ri + i];
    }
    out[q] = 0.5 * d + o;
  }
}

/** One-shot LML (and gradient) at `theta` (default: the kernel's own theta). */
export function logMarginalLikelihood(
  kernel: Kernel, X: PointsLike, y: ArrayLike<number>,
  opts: LmlOptions & { theta?: ArrayLike<number>; gradient?: boolean } = {},
): { lml: number; grad: Float64Array | null } {
  const ev = new MarginalLikelihood(kernel, X, y, opts);
  const theta = opts.theta ?? kernel.theta;
  const grad = opts.gradient ? new Float64Array(ev.nTheta) : null;
  const lml = ev.evaluate(theta, grad);
  return { lml, grad };
}
