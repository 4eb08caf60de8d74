// Low-rank surrogate of the LML for large n, used by the hyperparameter search (fit.ts).
//
// For k = c·ρ(r; ℓ) (Constant × stationary kernel with ρ(0) = 1) on smooth kernels such as RBF,
// the unit Gram matrix R is numerically of low rank r ≪ n once ℓ is not tiny (the HPS spectra:
// r ≈ 90 at the optimum, n = 1590). A greedy pivoted Cholesky (Harbrecht, Peters & Schneider
// 2012) stopped when every residual diagonal is below `tol` gives R ≈ G Gᵀ, G n×r, and with
// A = diag(alpha), M = I + c GᵀA⁻¹G (Woodbury / Sylvester, R&W 2006 §8.3.3 for the form):
//   a = K⁻¹y = A⁻¹(y − c G t),  t = M⁻¹z,  z = GᵀA⁻¹y,     log det K = Σ log alpha_i + log det M,
//   yᵀK⁻¹y = (y − cGt)ᵀA⁻¹(y − cGt) + c‖t‖²  (not yᵀA⁻¹y − c zᵀt, which cancels: alpha ~ 1e-6),
//   ∂/∂log c:  ½ c‖Gᵀa‖² − ½ (r − tr M⁻¹),
//   ∂/∂θ_ℓ:    c (Gᵀa)·(Ġᵀa) − c tr(M⁻¹ GᵀA⁻¹Ġ),  Ġ = ∂G/∂θ_ℓ by forward-mode through the
//              pivoted Cholesky with the pivots held fixed.
// This is the exact gradient of the surrogate. The surrogate agrees with the dense LML to about
// 1e-10 relative where the HPS fits end (checked in the tests); each evaluation also reports a
// first-order bound on its truncation error, which hybrid.ts uses to refuse it at large c; and
// fit.ts re-evaluates (and polishes) the winner exactly. Cost O(n r²) instead of O(n³). When the
// rank would exceed `maxRank` the evaluation falls back to the exact dense one.

import { choleskyBlockedInfo, choleskyInverseLower, choleskySolveVector, rowDots } from "../math/linalg-blocked.ts";
import { ConstantKernel, Product, StationaryKernel, type Kernel } from "./kernels.ts";
import { MarginalLikelihood } from "./lml.ts";
import { lowRankApplicable, splitConstantStationary } from "./structure.ts";
import { noiseVector, prepareTargets, type LmlOptions, type Targets } from "./targets.ts";
import { toPoints, type Points, type PointsLike } from "./points.ts";

// re-exported: their home is structure.ts, shared with envelope.ts and lml.ts
export { lowRankApplicable, splitConstantStationary } from "./structure.ts";

const LOG_2PI = Math.log(2 * Math.PI);

export interface LowRankOptions extends LmlOptions {
  /** Pivoted-Cholesky stopping tolerance on the residual diagonal of R (default 1e-14). */
  tol?: number;
  /** Largest rank before falling back to the dense evaluation (default 0.2·n). */
  maxRank?: number;
}

/**
 * Everything one factorisation at fixed ρ hyperparameters leaves for evaluations at any c:
 * the factor G (row k holds column k of the n×r factor) and Ġ, M0 = GᵀA⁻¹G (lower), z0 = GᵀA⁻¹y,
 * Q_p = ĠᵀA⁻¹G, and the residual diagonal of R − GGᵀ summed plainly and weighted by 1/alpha.
 * rank −1 records that the rank would exceed `limit`.
 */
interface Factor {
  rhoTheta: Float64Array;
  rank: number;
  limit: number;
  withGrad: boolean;
  G: Float64Array;
  dG: Float64Array[];
  M0: Float64Array;
  z0: Float64Array;
  Q: Float64Array[];
  residualTrace: number;
  residualOverNoise: number;
}

/**
 * Factors kept for reuse. A search returns to a few length scales again and again: the HPS
 * optimum sits on the upper ℓ bound, and every restart walks along it after visiting its own
 * starting ℓ; with several factors kept those walks cost O(n·r + r³) per evaluation.
 */
const FACTOR_CACHE_SIZE = 4;

export class LowRankMarginalLikelihood {
  readonly n: number;
  readonly nTheta: number;
  readonly X: Points;
  readonly targets: Targets;
  evaluations = 0;
  /** Rank used by the last evaluation (−1 when it fell back to dense). */
  lastRank = 0;
  /**
   * First-order bound on |exact LML − surrogate LML| of the last evaluation, from the residual
   * E = R − GGᵀ (positive semi-definite, diagonal known): adding cE to K = A + cGGᵀ raises
   * log det K by at most c·Σ E_ii/alpha_i (K ⪰ A) and lowers yᵀK⁻¹y by at most c‖a‖²·tr E, so
   *   |ΔLML| ≤ ½ c (Σ_i E_ii/alpha_i + ‖a‖² Σ_i E_ii).
   * It grows with c: at large c the surrogate stops describing K, whose dense Cholesky fails there.
   */
  lastTruncationBound = 0;
  /** Evaluations that reused a cached factor (diagnostics). */
  cacheHits = 0;
  private readonly kernel: Product;
  private readonly constant: ConstantKernel;
  private readonly rho: StationaryKernel;
  private readonly constFirst: boolean;
  private readonly q: number; // free hyperparameters of rho
  private readonly tol: number;
  private readonly maxRank: number;
  private readonly noise: Float64Array;
  private readonly invNoise: Float64Array;
  private readonly logDetNoise: number;
  // Scratch of the factorisation (maxRank × n each).
  private readonly G: Float64Array;
  private readonly Gw: Float64Array;
  private readonly dG: Float64Array[];
  private readonly dres: Float64Array;
  private readonly ddres: Float64Array[];
  private readonly col: Float64Array;
  private readonly dcol: Float64Array[];
  private readonly done: Uint8Array;
  private readonly piv: Int32Array;
  private readonly pivotResidual: Float64Array;
  private readonly a: Float64Array;
  private readonly kernelArgs: { y: ArrayLike<number>; opts: LmlOptions; kernel: Kernel };
  private dense: MarginalLikelihood | null = null;
  private M = new Float64Array(0);
  private Minv = new Float64Array(0);
  private work = new Float64Array(0);
  private small = new Float64Array(0);
  /** Most recently used first. */
  private cache: Factor[] = [];

  /** Forget the cached factors (benchmarks time the full evaluation with it). */
  invalidateCache(): void {
    this.cache = [];
  }

  constructor(kernel: Kernel, X: PointsLike, y: ArrayLike<number>, opts: LowRankOptions = {}) {
    if (!lowRankApplicable(kernel)) throw new Error(`low-rank LML needs a Constant × stationary kernel, got ${kernel.toString()}`);
    this.kernel = kernel.clone() as Product;
    ({ constant: this.constant, rho: this.rho, constFirst: this.constFirst } = splitConstantStationary(this.kernel));
    this.q = this.rho.nTheta;
    this.X = toPoints(X);
    const n = (this.n = this.X.n);
    if (y.length !== n) throw new Error(`y has ${y.length} entries but X has ${n} points`);
    this.nTheta = this.kernel.nTheta;
    this.targets = prepareTargets(y, opts.normalizeY ?? false);
    this.noise = noiseVector(opts.alpha, n);
    this.invNoise = this.noise.map((v) => 1 / v);
    let ld = 0;
    for (let i = 0; i < n; i++) ld += Math.log(this.noise[i]);
    this.logDetNoise = ld;
    this.tol = opts.tol ?? 1e-14;
    this.maxRank = Math.max(1, Math.min(n, Math.floor(opts.maxRank ?? 0.2 * n)));
    const R = this.maxRank;
    this.G = new Float64Array(R * n);
    this.Gw = new Float64Array(R * n);
    this.dG = Array.from({ length: this.q }, () => new Float64Array(R * n));
    this.dres = new Float64Array(n);
    this.ddres = Array.from({ length: this.q }, () => new Float64Array(n));
    this.col = new Float64Array(n);
    this.dcol = Array.from({ length: this.q }, () => new Float64Array(n));
    this.done = new Uint8Array(n);
    this.piv = new Int32Array(R);
    this.pivotResidual = new Float64Array(R);
    this.a = new Float64Array(n);
    this.kernelArgs = { y, opts, kernel };
  }

  /**
   * The factor for the current ρ hyperparameters, from the cache when possible; null when its
   * rank would exceed `limit` (after at most O(n·limit²) work).
   */
  private factorFor(withGrad: boolean, limit: number): Factor | null {
    const rt = this.rho.theta, cache = this.cache;
    for (let e = 0; e < cache.length; e++) {
      const f = cache[e];
      let same = true;
      for (let p = 0; same && p < this.q; p++) same = rt[p] === f.rhoTheta[p];
      if (!same) continue;
      const usable = f.rank >= 0 ? !withGrad || f.withGrad : limit <= f.limit;
      if (!usable) continue;
      this.cacheHits++;
      cache.splice(e, 1);
      cache.unshift(f);
      return f.rank >= 0 && f.rank <= limit ? f : null;
    }
    const r = this.factor(withGrad, limit);
    const f = r < 0 ? this.failedFactor(rt, limit) : this.storeFactor(rt, r, limit, withGrad);
    // Replace any older entry for the same ρ, then keep the most recent few.
    this.cache = [f, ...cache.filter((g) => g.rhoTheta.some((v, p) => v !== rt[p]))].slice(0, FACTOR_CACHE_SIZE);
    return r < 0 ? null : f;
  }

  private failedFactor(rt: Float64Array, limit: number): Factor {
    const empty = new Float64Array(0);
    return { rhoTheta: Float64Array.from(rt), rank: -1, limit, withGrad: false, G: empty, dG: [], M0: empty, z0: empty, Q: [], residualTrace: Infinity, residualOverNoise: Infinity };
  }

  /** Copy the scratch factor of rank r out and form M0, z0 (and Q) from it. */
  private storeFactor(rt: Float64Array, r: number, limit: number, withGrad: boolean): Factor {
    const n = this.n, G = this.G, Gw = this.Gw, w = this.invNoise, y = this.targets.y;
    const z0 = new Float64Array(r);
    for (let k = 0; k < r; k++) {
      const ok = k * n;
      let s = 0;
      for (let i = 0; i < n; i++) {
        const v = G[ok + i] * w[i];
        Gw[ok + i] = v;
        s += v * y[i];
      }
      z0[k] = s;
    }
    const M0 = new Float64Array(r * r);
    rowDots(Gw, r, G, r, n, M0, true);
    const Q = withGrad ? Array.from({ length: this.q }, () => new Float64Array(r * r)) : [];
    for (let p = 0; p < Q.length; p++) rowDots(this.dG[p], r, Gw, r, n, Q[p]);
    let residualTrace = 0, residualOverNoise = 0;
    for (let i = 0; i < n; i++) {
      if (this.done[i]) continue;
      const e = Math.max(0, this.dres[i]);
      residualTrace += e;
      residualOverNoise += e * w[i];
    }
    return {
      rhoTheta: Float64Array.from(rt), rank: r, limit, withGrad,
      G: G.slice(0, r * n), dG: withGrad ? this.dG.map((d) => d.slice(0, r * n)) : [],
      M0, z0, Q, residualTrace, residualOverNoise,
    };
  }

  /**
   * Greedy pivoted Cholesky of the unit Gram matrix; returns the rank, or −1 as soon as it would
   * exceed `limit`. The forward-mode derivatives Ġ follow in a second pass with the pivots held
   * fixed, so an attempt that fails costs only the factor's own n·limit²/2 multiply-adds.
   */
  private factor(withGrad: boolean, limit = this.maxRank): number {
    const n = this.n, G = this.G, dres = this.dres, col = this.col;
    dres.fill(1); // ρ(0) = 1 for every stationary kernel here
    this.done.fill(0);
    for (let r = 0; ; r++) {
      let best = -1, bv = -Infinity;
      for (let i = 0; i < n; i++) if (!this.done[i] && dres[i] > bv) { bv = dres[i]; best = i; }
      if (best < 0 || !(bv >= this.tol)) {
        if (withGrad) this.derivatives(r);
        return r;
      }
      if (r >= limit) return -1;
      const i0 = best;
      this.rho.column(this.X, i0, col, null, 0);
      let m0 = 0;
      for (; m0 + 3 < r; m0 += 4) {
        const o0 = m0 * n, o1 = o0 + n, o2 = o1 + n, o3 = o2 + n;
        const g0 = G[o0 + i0], g1 = G[o1 + i0], g2 = G[o2 + i0], g3 = G[o3 + i0];
        for (let j = 0; j < n; j++) col[j] -= g0 * G[o0 + j] + g1 * G[o1 + j] + g2 * G[o2 + j] + g3 * G[o3 + j];
      }
      for (; m0 < r; m0++) {
        const off = m0 * n, gm = G[off + i0];
        for (let j = 0; j < n; j++) col[j] -= gm * G[off + j];
      }
      const inv = 1 / Math.sqrt(bv);
      const off = r * n;
      for (let j = 0; j < n; j++) {
        const g = col[j] * inv;
        G[off + j] = g;
        dres[j] -= g * g;
      }
      this.done[i0] = 1;
      this.piv[r] = i0;
      this.pivotResidual[r] = bv;
    }
  }

  /** Ġ_p = ∂G/∂θ_p for the first `rank` columns, differentiating the factor's recursion with its pivots. */
  private derivatives(rank: number): void {
    const n = this.n, G = this.G, q = this.q, col = this.col;
    for (let p = 0; p < q; p++) this.ddres[p].fill(0);
    for (let r = 0; r < rank; r++) {
      const i0 = this.piv[r];
      this.rho.column(this.X, i0, col, this.dcol, 0);
      const s = Math.sqrt(this.pivotResidual[r]), inv = 1 / s;
      const off = r * n;
      for (let p = 0; p < q; p++) {
        const dGp = this.dG[p], dc = this.dcol[p], dd = this.ddres[p];
        let m = 0;
        for (; m + 1 < r; m += 2) {
          const o0 = m * n, o1 = o0 + n;
          const g0 = G[o0 + i0], g1 = G[o1 + i0], d0 = dGp[o0 + i0], d1 = dGp[o1 + i0];
          for (let j = 0; j < n; j++) dc[j] -= g0 * dGp[o0 + j] + d0 * G[o0 + j] + g1 * dGp[o1 + j] + d1 * G[o1 + j];
        }
        for (; m < r; m++) {
          const o = m * n, gm = G[o + i0], dgm = dGp[o + i0];
          for (let j = 0; j < n; j++) dc[j] -= gm * dGp[o + j] + dgm * G[o + j];
        }
        const sdot = dd[i0] / (2 * s);
        for (let j = 0; j < n; j++) {
          const dg = (dc[j] - G[off + j] * sdot) * inv;
          dGp[off + j] = dg;
          dd[j] -= 2 * G[off + j] * dg;
        }
      }
    }
  }

  private denseFallback(): MarginalLikelihood {
    this.dense ??= new MarginalLikelihood(this.kernelArgs.kernel, this.X, this.kernelArgs.y, this.kernelArgs.opts);
    return this.dense;
  }

  evaluate(theta: ArrayLike<number>, grad: Float64Array | null = null): number {
    this.evaluations++;
    return this.evaluateWithin(theta, grad, this.maxRank) ?? this.denseFallback().evaluate(theta, grad);
  }

  /**
   * The surrogate LML (and gradient) if the rank stays within `rankLimit` (capped at maxRank),
   * else null after at most O(n·rankLimit²) work, leaving the choice of an exact evaluator to
   * the caller (hybrid.ts). Does not count as an evaluation.
   */
  evaluateWithin(theta: ArrayLike<number>, grad: Float64Array | null, rankLimit: number): number | null {
    const n = this.n;
    this.kernel.setTheta(theta, 0);
    const c = this.constant.value;
    const f = this.factorFor(grad !== null, Math.min(this.maxRank, Math.max(1, Math.floor(rankLimit))));
    if (!f) {
      this.lastRank = -1;
      this.lastTruncationBound = Infinity;
      return null;
    }
    const r = (this.lastRank = f.rank);
    if (this.M.length < r * r) {
      const sz = Math.max(r * r, 64);
      this.M = new Float64Array(sz);
      this.Minv = new Float64Array(sz);
      this.work = new Float64Array(sz);
      this.small = new Float64Array(4 * Math.max(r, 8));
    }
    const { G, M0, z0: z } = f;
    const w = this.invNoise, y = this.targets.y;
    const M = this.M, Minv = this.Minv;
    const u = this.small.subarray(r, 2 * r), t = this.small.subarray(2 * r, 3 * r);
    // M = I + c M0 (lower triangle)
    for (let k = 0; k < r; k++) {
      for (let l = 0; l < k; l++) M[k * r + l] = c * M0[k * r + l];
      M[k * r + k] = 1 + c * M0[k * r + k];
    }
    if (choleskyBlockedInfo(M, r) >= 0) {
      this.lastTruncationBound = Infinity;
      if (grad) grad.fill(0);
      return -Infinity;
    }
    let logDet = this.logDetNoise;
    for (let k = 0; k < r; k++) logDet += 2 * Math.log(M[k * r + k]);
    t.set(z.subarray(0, r));
    choleskySolveVector(M, r, t); // t = M⁻¹z
    // a = K⁻¹y = A⁻¹(y − c G t). yᵀK⁻¹y in the residual form (y − cGt)ᵀA⁻¹(y − cGt) + c‖t‖²
    // (the minimum of the ridge objective ‖y − Gv‖²_A⁻¹ + ‖v‖²/c at v = ct): a sum of positive
    // terms, stationary in t, instead of the cancelling difference yᵀA⁻¹y − c zᵀt.
    const a = this.a;
    for (let i = 0; i < n; i++) a[i] = y[i];
    for (let k = 0; k < r; k++) {
      const ok = k * n, ck = c * t[k];
      for (let i = 0; i < n; i++) a[i] -= ck * G[ok + i];
    }
    let yta = 0, aa = 0;
    for (let i = 0; i < n; i++) {
      const e = a[i];
      yta += e * e * w[i];
      const ai = (a[i] = e * w[i]);
      aa += ai * ai;
    }
    let tt = 0;
    for (let k = 0; k < r; k++) tt += t[k] * t[k];
    yta += c * tt;
    this.lastTruncationBound = 0.5 * c * (f.residualOverNoise + aa * f.residualTrace);
    const lml = -0.5 * yta - 0.5 * logDet - 0.5 * n * LOG_2PI;
    if (!Number.isFinite(lml)) {
      if (grad) grad.fill(0);
      return -Infinity;
    }
    if (!grad) return lml;
    // u = Gᵀa
    let uu = 0;
    for (let k = 0; k < r; k++) {
      const ok = k * n;
      let s = 0;
      for (let i = 0; i < n; i++) s += G[ok + i] * a[i];
      u[k] = s;
      uu += s * s;
    }
    choleskyInverseLower(M, r, Minv, this.work, true); // full symmetric M⁻¹ (row-major r×r)
    let trMinv = 0;
    for (let k = 0; k < r; k++) trMinv += Minv[k * r + k];
    let slot = 0;
    const gradRho = (): void => {
      for (let p = 0; p < this.q; p++) {
        const dGp = f.dG[p];
        // c (Gᵀa)·(Ġᵀa) − c tr(M⁻¹ GᵀA⁻¹Ġ), the trace from the cached Q = ĠᵀA⁻¹G (M⁻¹ symmetric)
        let ud = 0, tr = 0;
        for (let l = 0; l < r; l++) {
          const ol = l * n;
          let s = 0;
          for (let i = 0; i < n; i++) s += dGp[ol + i] * a[i];
          ud += u[l] * s;
        }
        const Qp = f.Q[p];
        for (let k = 0; k < r * r; k++) tr += Minv[k] * Qp[k];
        grad[slot++] = c * (ud - tr);
      }
    };
    const gradC = (): void => {
      if (this.constant.nTheta === 1) grad[slot++] = 0.5 * c * uu - 0.5 * (r - trMinv);
    };
    if (this.constFirst) { gradC(); gradRho(); } else { gradRho(); gradC(); }
    return lml;
  }
}
