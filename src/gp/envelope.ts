// Exact LML (and gradient) for Constant × stationary kernels on 1-D inputs, through the
// envelope ("variable band", "profile") structure of K.
//
// A decaying correlation ρ(|x − x'|) (RBF, Matérn) falls below EPS = 2⁻⁶⁰ beyond a cutoff
// distance r*. With the points sorted, row i of K = cR + diag(alpha) then reaches back only to
// the first point within r* of x_i: K is an envelope matrix, and its Cholesky factor has the
// same envelope (no fill outside it; George & Liu, "Computer Solution of Large Sparse Positive
// Definite Systems", 1981, ch. 4). The entries left out are below half an ulp of the diagonal,
// so the result is the dense LML of lml.ts to rounding.
//
// The gradient ½ tr((aaᵀ − K⁻¹) ∂K/∂θ) needs K⁻¹ only on the envelope (∂K vanishes outside
// it too): the selected inverse Z of Takahashi, Fagan & Chin (1973), computed column by column
// from the right and written over L,
//   Z_kj = −(1/L_jj) Σ_{i>j} L_ij Z_ki   (k > j),     Z_jj = (1/L_jj)(1/L_jj − Σ_{k>j} L_kj Z_kj),
// where every Z_ki needed lies inside the envelope. Cost O(Σ_i w_i²) for row widths w_i,
// against O(n³) dense: a large gain for short length scales; for long ones the low-rank
// surrogate (lowrank.ts) is the cheap evaluator and fit.ts chooses between them.

import { ConstantKernel, Product, StationaryKernel, type Kernel } from "./kernels.ts";
import { envelopeApplicable, envelopeFirst, splitConstantStationary } from "./structure.ts";
import { noiseVector, prepareTargets, type LmlOptions } from "./targets.ts";
import { toPoints, type PointsLike } from "./points.ts";

// re-exported: their home is structure.ts, shared with lml.ts and lowrank.ts
export { cutToEnvelope, envelopeApplicable, envelopeFirst, orderForEnvelope, type OrderedData } from "./structure.ts";

const LOG_2PI = Math.log(2 * Math.PI);

export class EnvelopeMarginalLikelihood {
  readonly n: number;
  readonly nTheta: number;
  evaluations = 0;
  /** Stored entries of the lower envelope in the last evaluation (n(n+1)/2 when dense). */
  lastEntries = 0;
  private readonly kernel: Product;
  private readonly constant: ConstantKernel;
  private readonly rho: StationaryKernel;
  private readonly constFirst: boolean;
  private readonly q: number;
  /** Sorted inputs and, in the same order, targets and noise. */
  private readonly x: Float64Array;
  private readonly y: Float64Array;
  private readonly noise: Float64Array;
  private readonly first: Int32Array;
  private readonly last: Int32Array;
  private readonly rowStart: Int32Array;
  private readonly a: Float64Array;
  private readonly v: Float64Array;
  private readonly lcol: Float64Array;
  private readonly probe = new Float64Array(1);
  private L = new Float64Array(0);
  private R = new Float64Array(0);
  private dR: Float64Array[] = [];

  constructor(kernel: Kernel, X: PointsLike, y: ArrayLike<number>, opts: LmlOptions = {}) {
    const pts = toPoints(X);
    if (!envelopeApplicable(kernel, pts)) throw new Error(`envelope LML needs a Constant × stationary kernel on 1-D inputs, got ${kernel.toString()} on ${pts.d}-D inputs`);
    this.kernel = kernel.clone() as Product;
    ({ constant: this.constant, rho: this.rho, constFirst: this.constFirst } = splitConstantStationary(this.kernel));
    this.q = this.rho.nTheta;
    const n = (this.n = pts.n);
    if (y.length !== n) throw new Error(`y has ${y.length} entries but X has ${n} points`);
    this.nTheta = this.kernel.nTheta;
    const t = prepareTargets(y, opts.normalizeY ?? false).y;
    const noise = noiseVector(opts.alpha, n);
    // The LML is invariant under a permutation of the points: work in sorted order.
    const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => pts.x[i] - pts.x[j]);
    this.x = Float64Array.from(order, (i) => pts.x[i]);
    this.y = Float64Array.from(order, (i) => t[i]);
    this.noise = Float64Array.from(order, (i) => noise[i]);
    this.first = new Int32Array(n);
    this.last = new Int32Array(n);
    this.rowStart = new Int32Array(n + 1);
    this.a = new Float64Array(n);
    this.v = new Float64Array(n);
    this.lcol = new Float64Array(n);
  }

  /** Row extents (first column, last row reaching each column) and storage offsets for this θ. */
  private envelope(): number {
    const n = this.n, x = this.x, first = this.first, start = this.rowStart;
    envelopeFirst(this.rho, x, first, this.probe);
    start[0] = 0;
    for (let i = 0; i < n; i++) start[i + 1] = start[i] + (i - first[i] + 1);
    let i = 0;
    for (let j = 0; j < n; j++) {
      while (i + 1 < n && first[i + 1] <= j) i++;
      this.last[j] = i;
    }
    return start[n];
  }

  /**
   * The envelope at `theta` without evaluating: stored entries, their share of the dense lower
   * triangle, and the root-mean-square row width (the work is ~ n·rmsWidth² multiply-adds).
   */
  plan(theta: ArrayLike<number>): { entries: number; fill: number; rmsWidth: number } {
    this.kernel.setTheta(theta, 0);
    const entries = this.envelope();
    let sq = 0;
    for (let i = 0; i < this.n; i++) {
      const w = i - this.first[i] + 1;
      sq += w * w;
    }
    return { entries, fill: entries / (this.n * (this.n + 1) / 2), rmsWidth: Math.sqrt(sq / Math.max(1, this.n)) };
  }

  private ensure(entries: number, withGrad: boolean): void {
    if (this.L.length < entries) {
      const size = Math.max(entries, Math.min(this.n * (this.n + 1) / 2, 2 * this.L.length));
      this.L = new Float64Array(size);
      this.R = new Float64Array(size);
      this.dR = [];
    }
    if (withGrad && this.dR.length < this.q) this.dR = Array.from({ length: this.q }, () => new Float64Array(this.L.length));
  }

  /**
   * LML at log-hyperparameters `theta`; writes ∂LML/∂θ into `grad` when given.
   * Returns −∞ (and a zero gradient) when K is not numerically positive definite.
   */
  evaluate(theta: ArrayLike<number>, grad: Float64Array | null = null): number {
    this.evaluations++;
    const n = this.n;
    if (theta.length !== this.nTheta) throw new Error(`theta has ${theta.length} entries, kernel has ${this.nTheta} free hyperparameters`);
    this.kernel.setTheta(theta, 0);
    const c = this.constant.value;
    const entries = this.envelope();
    this.lastEntries = entries;
    this.ensure(entries, grad !== null);
    const { x, y, first, rowStart, L, R } = this;

    // Envelope Cholesky, row by row, building row i of R (unit correlations, and ∂ρ/∂θ) and of
    // K = cR + diag(alpha) just before it is factored: a factorisation that fails (large c) stops
    // after the rows it has read. first[] is non-decreasing, so rows i and j < i overlap from first[i].
    const dRows = grad ? this.dR : null, noise = this.noise;
    for (let i = 0; i < n; i++) {
      const fi = first[i], oi = rowStart[i] - fi, xi = x[i];
      const s0 = rowStart[i], s1 = rowStart[i + 1];
      for (let j = fi; j <= i; j++) {
        const d = xi - x[j];
        R[oi + j] = d * d;
      }
      this.rho.mapSquaredDistances(R, s0, s1, dRows, 0);
      for (let k = s0; k < s1; k++) L[k] = c * R[k];
      L[s1 - 1] += noise[i];
      for (let j = fi; j < i; j++) {
        const oj = rowStart[j] - first[j];
        let s = L[oi + j];
        for (let k = fi; k < j; k++) s -= L[oi + k] * L[oj + k];
        L[oi + j] = s / L[oj + j];
      }
      let d = L[oi + i];
      for (let k = fi; k < i; k++) d -= L[oi + k] * L[oi + k];
      if (!(d > 0)) {
        if (grad) grad.fill(0);
        return -Infinity;
      }
      L[oi + i] = Math.sqrt(d);
    }

    // a = K⁻¹y: forward by rows, backward by columns (still reading rows).
    const a = this.a;
    let logDet = 0;
    for (let i = 0; i < n; i++) {
      const fi = first[i], oi = rowStart[i] - fi;
      let s = y[i];
      for (let k = fi; k < i; k++) s -= L[oi + k] * a[k];
      a[i] = s / L[oi + i];
      logDet += Math.log(L[oi + i]);
    }
    for (let i = n - 1; i >= 0; i--) {
      const fi = first[i], oi = rowStart[i] - fi;
      const ai = (a[i] /= L[oi + i]);
      for (let k = fi; k < i; k++) a[k] -= L[oi + k] * ai;
    }
    let yta = 0;
    for (let i = 0; i < n; i++) yta += y[i] * a[i];
    const lml = -0.5 * yta - logDet - 0.5 * n * LOG_2PI;
    if (!Number.isFinite(lml)) {
      if (grad) grad.fill(0);
      return -Infinity;
    }
    if (!grad) return lml;

    this.selectedInverse();
    // ∂LML/∂θ = ½ Σ_ij (a_i a_j − Z_ij) ∂K_ij/∂θ over the envelope (off-diagonal pairs twice).
    // ∂K/∂log c = cR, ∂K/∂θ_ρ = c ∂ρ/∂θ.
    const q = this.q, dR = this.dR;
    let gc = 0;
    const gr = this.lcol; // reuse as q accumulators (q ≤ n)
    for (let p = 0; p < q; p++) gr[p] = 0;
    for (let i = 0; i < n; i++) {
      const fi = first[i], oi = rowStart[i] - fi, ai = a[i];
      for (let j = fi; j <= i; j++) {
        const k = oi + j;
        const m = (ai * a[j] - L[k]) * (j === i ? 0.5 : 1);
        gc += m * R[k];
        for (let p = 0; p < q; p++) gr[p] += m * dR[p][k];
      }
    }
    let slot = 0;
    const cFree = this.constant.nTheta === 1;
    if (this.constFirst && cFree) grad[slot++] = c * gc;
    for (let p = 0; p < q; p++) grad[slot++] = c * gr[p];
    if (!this.constFirst && cFree) grad[slot++] = c * gc;
    return lml;
  }

  /** Overwrite the Cholesky factor L (envelope) with the envelope entries of K⁻¹ (Takahashi). */
  private selectedInverse(): void {
    const n = this.n, L = this.L, first = this.first, rowStart = this.rowStart, last = this.last;
    const v = this.v, lcol = this.lcol;
    for (let j = n - 1; j >= 0; j--) {
      const m = last[j] - j;
      const ojj = rowStart[j + 1] - 1;
      for (let t = 0; t < m; t++) {
        const k = j + 1 + t;
        lcol[t] = L[rowStart[k] - first[k] + j];
        v[t] = 0;
      }
      // v_i = Σ_{k ∈ (j, last_j]} L_kj Z_ki, reading only rows k (Z_ki for i < k, Z_kk).
      for (let t = 0; t < m; t++) {
        const k = j + 1 + t, ok = rowStart[k] - first[k] + j + 1, lk = lcol[t];
        let s = 0;
        for (let u = 0; u < t; u++) {
          const z = L[ok + u];
          v[u] += lk * z;
          s += z * lcol[u];
        }
        v[t] += s + L[ok + t] * lk;
      }
      const inv = 1 / L[ojj];
      let tr = 0;
      for (let t = 0; t < m; t++) {
        const k = j + 1 + t;
        const z = -v[t] * inv;
        L[rowStart[k] - first[k] + j] = z;
        tr += lcol[t] * z;
      }
      L[ojj] = inv * (inv - tr);
    }
  }
}
