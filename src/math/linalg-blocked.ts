// Blocked (cache-friendly) dense kernels on row-major Float64Array for n up to a few thousand:
// Cholesky, triangular solves with many right-hand sides, and the SPD inverse from the factor.
// The simple unblocked reference versions live in linalg.ts; these give the same results up to
// rounding and are several times faster at n ≳ 300.
//
// Everything is built on one register-blocked kernel, `subDots`, which subtracts dot products of
// row pairs (C[p,q] −= Σ_k A[p,k]·B[q,k]). Rows are contiguous in row-major storage, so the inner
// loop streams two (or six) contiguous arrays; the k range is split into chunks that stay in L1/L2.
// No function here allocates, except the convenience wrappers that say so.

/** Rows of the block used by the blocked algorithms (tuned on a 2-core x86-64 box). */
export const BLOCK = 64;
/** Length of the k chunks in the dot-product kernel (keeps 6 rows × KC doubles in L1). */
const KC = 256;

/**
 * C[c0 + p·cp + q·cq] −= Σ_{k∈[k0,k1)} A[p·lda + k]·B[q·ldb + k] for p ∈ [p0,p1), q ∈ [q0,q1),
 * skipping pairs with q > p + qMaxOffset when `lowerOnly` (pass Infinity to compute all).
 * Register-blocked 2×4 (8 independent accumulators, 6 loads per 8 multiply-adds).
 */
function subDots(
  c: Float64Array, c0: number, cp: number, cq: number,
  a: Float64Array, lda: number, p0: number, p1: number,
  b: Float64Array, ldb: number, q0: number, q1: number,
  k0: number, k1: number, qMaxOffset: number,
): void {
  for (let kk = k0; kk < k1; kk += KC) {
    const ke = Math.min(k1, kk + KC);
    let p = p0;
    for (; p + 1 < p1; p += 2) {
      const ra0 = p * lda, ra1 = ra0 + lda;
      const qEnd = Math.min(q1, p + 2 + qMaxOffset);
      let q = q0;
      for (; q + 3 < qEnd; q += 4) {
        const rb0 = q * ldb, rb1 = rb0 + ldb, rb2 = rb1 + ldb, rb3 = rb2 + ldb;
        let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
        for (let k = kk; k < ke; k++) {
          const x0 = a[ra0 + k], x1 = a[ra1 + k];
          const y0 = b[rb0 + k], y1 = b[rb1 + k], y2 = b[rb2 + k], y3 = b[rb3 + k];
          s00 += x0 * y0; s01 += x0 * y1; s02 += x0 * y2; s03 += x0 * y3;
          s10 += x1 * y0; s11 += x1 * y1; s12 += x1 * y2; s13 += x1 * y3;
        }
        const o0 = c0 + p * cp + q * cq, o1 = o0 + cp;
        c[o0] -= s00; c[o0 + cq] -= s01; c[o0 + 2 * cq] -= s02; c[o0 + 3 * cq] -= s03;
        c[o1] -= s10; c[o1 + cq] -= s11; c[o1 + 2 * cq] -= s12; c[o1 + 3 * cq] -= s13;
      }
      for (; q < qEnd; q++) {
        const rb = q * ldb;
        let s0 = 0, s1 = 0;
        for (let k = kk; k < ke; k++) {
          const y = b[rb + k];
          s0 += a[ra0 + k] * y;
          s1 += a[ra1 + k] * y;
        }
        const o0 = c0 + p * cp + q * cq;
        c[o0] -= s0;
        c[o0 + cp] -= s1;
      }
    }
    for (; p < p1; p++) {
      const ra = p * lda;
      const qEnd = Math.min(q1, p + 1 + qMaxOffset);
      for (let q = q0; q < qEnd; q++) {
        const rb = q * ldb;
        let s0 = 0, s1 = 0;
        let k = kk;
        for (; k + 1 < ke; k += 2) {
          s0 += a[ra + k] * b[rb + k];
          s1 += a[ra + k + 1] * b[rb + k + 1];
        }
        if (k < ke) s0 += a[ra + k] * b[rb + k];
        c[c0 + p * cp + q * cq] -= s0 + s1;
      }
    }
  }
}

/**
 * In-place blocked Cholesky A = L Lᵀ of a symmetric positive-definite matrix whose LOWER
 * triangle (with the diagonal) is in `a` (the strict upper triangle is ignored, used as
 * scratch, and zeroed on success). Left-looking by column blocks (LAPACK dpotrf structure).
 * Returns −1 on success, otherwise the index of the first non-positive pivot (the matrix is
 * then not numerically positive definite and `a` is left partly overwritten).
 */
export function choleskyBlockedInfo(a: Float64Array, n: number, block = BLOCK): number {
  return factorBlocked(a, n, block, null);
}

/**
 * choleskyBlockedInfo for an envelope ("profile") matrix: row i has no entries left of column
 * first[i] (first non-decreasing, first[i] ≤ i), and those entries of `a` must be zero. The factor
 * keeps the envelope (George & Liu 1981, ch. 4), so the updates skip what lies left of it: for a
 * block of rows only the columns from the block's first envelope column on, and rows whose
 * envelope starts right of a column block take no part in it. Same result as the dense routine.
 */
export function choleskyEnvelopeBlockedInfo(a: Float64Array, n: number, first: Int32Array, block = BLOCK): number {
  return factorBlocked(a, n, block, first);
}

/** The left-looking blocked Cholesky behind both: dense when `first` is null. */
function factorBlocked(a: Float64Array, n: number, block: number, first: Int32Array | null): number {
  let pEnd = 0;
  for (let j0 = 0; j0 < n; j0 += block) {
    const j1 = Math.min(n, j0 + block);
    // Rows [j0, pEnd) reach into the column block J = [j0, j1); below them the block is zero.
    pEnd = first ? Math.max(pEnd, j1) : n;
    while (first && pEnd < n && first[pEnd] < j1) pEnd++;
    // (1) A[p, J] −= L[p, k0:j0] · L[J, k0:j0]ᵀ for p ≥ j0 (only q ≤ p pairs matter), k0 where
    // the envelopes of the rows p and J both start (0 when dense; one call for all rows then).
    if (j0 > 0) {
      const step = first ? block : n;
      for (let p0 = j0; p0 < pEnd; p0 += step) {
        const p1 = Math.min(pEnd, p0 + step);
        const k0 = first ? Math.max(first[p0], first[j0]) : 0;
        if (k0 < j0) subDots(a, 0, n, 1, a, n, p0, p1, a, n, j0, j1, k0, j0, 0);
      }
    }
    // (2) Unblocked factorisation of the diagonal block, (3) then the rows below it that reach it.
    for (let j = j0; j < j1; j++) {
      const rj = j * n;
      let d = a[rj + j];
      for (let k = j0; k < j; k++) d -= a[rj + k] * a[rj + k];
      if (!(d > 0) || !Number.isFinite(d)) return j;
      const ljj = Math.sqrt(d);
      a[rj + j] = ljj;
      const inv = 1 / ljj;
      for (let i = j + 1; i < pEnd; i++) {
        const ri = i * n;
        let s = a[ri + j];
        for (let k = j0; k < j; k++) s -= a[ri + k] * a[rj + k];
        a[ri + j] = s * inv;
      }
    }
  }
  for (let i = 0; i < n; i++) a.fill(0, i * n + i + 1, (i + 1) * n);
  return -1;
}

/** Blocked Cholesky in place (see choleskyBlockedInfo); true on success. */
export function choleskyBlocked(a: Float64Array, n: number, block = BLOCK): boolean {
  return choleskyBlockedInfo(a, n, block) < 0;
}

/** Solve L x = b in place for one vector (L lower triangular, row-major). */
export function forwardSubstitute(l: Float64Array, n: number, b: Float64Array): void {
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    let s0 = b[i], s1 = 0;
    let k = 0;
    for (; k + 1 < i; k += 2) {
      s0 -= l[ri + k] * b[k];
      s1 -= l[ri + k + 1] * b[k + 1];
    }
    if (k < i) s0 -= l[ri + k] * b[k];
    b[i] = (s0 + s1) / l[ri + i];
  }
}

/** Solve Lᵀ x = b in place for one vector (column-oriented: streams rows of L). */
export function backSubstitute(l: Float64Array, n: number, b: Float64Array): void {
  for (let i = n - 1; i >= 0; i--) {
    const ri = i * n;
    const xi = b[i] / l[ri + i];
    b[i] = xi;
    for (let k = 0; k < i; k++) b[k] -= l[ri + k] * xi;
  }
}

/** Solve (L Lᵀ) x = b in place. */
export function choleskySolveVector(l: Float64Array, n: number, b: Float64Array): void {
  forwardSubstitute(l, n, b);
  backSubstitute(l, n, b);
}

/**
 * Forward substitution with m right-hand sides stored as ROWS: solves L x_r = x_r in place for
 * each row r of the m×n row-major matrix `x` (i.e. X ← X L⁻ᵀ). Blocked: the update of block I
 * by all earlier columns is one subDots call, then a small triangular solve inside the block.
 */
export function forwardSubstituteRows(l: Float64Array, n: number, x: Float64Array, m: number, block = BLOCK): void {
  for (let i0 = 0; i0 < n; i0 += block) {
    const i1 = Math.min(n, i0 + block);
    // X[r, I] −= X[r, 0:i0] · L[I, 0:i0]ᵀ  (p = i over L rows, q = r over X rows; C[r,i] at r·n + i)
    if (i0 > 0) subDots(x, 0, 1, n, l, n, i0, i1, x, n, 0, m, 0, i0, Infinity);
    for (let r = 0; r < m; r++) {
      const rr = r * n;
      for (let i = i0; i < i1; i++) {
        const ri = i * n;
        let s = x[rr + i];
        for (let k = i0; k < i; k++) s -= l[ri + k] * x[rr + k];
        x[rr + i] = s / l[ri + i];
      }
    }
  }
}

/**
 * U = L⁻ᵀ (upper triangular, row-major) into `u`, strict lower triangle zeroed. Row j of U is the
 * solution of L x = e_j, so this is forwardSubstituteRows on the identity, skipping the known
 * zeros (x_k = 0 for k < j): for row block R the solve starts at column min(R).
 */
export function lowerInverseTransposed(l: Float64Array, n: number, u: Float64Array, block = BLOCK): void {
  u.fill(0, 0, n * n);
  for (let r0 = 0; r0 < n; r0 += block) {
    const r1 = Math.min(n, r0 + block);
    // Diagonal block: rows r of U restricted to columns [r0, r1): unblocked.
    for (let r = r0; r < r1; r++) {
      const rr = r * n;
      u[rr + r] = 1 / l[r * n + r];
      for (let i = r + 1; i < r1; i++) {
        const ri = i * n;
        let s = 0;
        for (let k = r; k < i; k++) s -= l[ri + k] * u[rr + k];
        u[rr + i] = s / l[ri + i];
      }
    }
    // Later column blocks: U[R, I] = −(… L[I, r0:i0] · U[R, r0:i0]ᵀ …) then the in-block solve.
    for (let i0 = r1; i0 < n; i0 += block) {
      const i1 = Math.min(n, i0 + block);
      subDots(u, 0, 1, n, l, n, i0, i1, u, n, r0, r1, r0, i0, Infinity);
      for (let r = r0; r < r1; r++) {
        const rr = r * n;
        for (let i = i0; i < i1; i++) {
          const ri = i * n;
          let s = u[rr + i];
          for (let k = i0; k < i; k++) s -= l[ri + k] * u[rr + k];
          u[rr + i] = s / l[ri + i];
        }
      }
    }
  }
}

/**
 * Lower triangle (with diagonal) of U Uᵀ for U upper triangular (row-major, strict lower zero):
 * out[a,b] = Σ_{k ≥ a} U[a,k]·U[b,k] for b ≤ a. `out` must not alias `u`. The strict upper
 * triangle of `out` receives scratch values; call symmetrizeFromLower if a full matrix is needed.
 */
export function upperTimesTransposeLower(u: Float64Array, n: number, out: Float64Array, block = BLOCK): void {
  out.fill(0, 0, n * n);
  // Pairs (p, q) with q ≤ p + 1 over k ∈ [p0, n): the zeros of U below the diagonal make the
  // common lower limit p0 exact for every p in the block.
  for (let p0 = 0; p0 < n; p0 += block) {
    const p1 = Math.min(n, p0 + block);
    for (let q0 = 0; q0 < p1; q0 += block) {
      const q1 = Math.min(p1, q0 + block);
      subDots(out, 0, n, 1, u, n, p0, p1, u, n, q0, q1, p0, n, 0);
    }
  }
  // subDots subtracts: flip the sign of the lower triangle.
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) out[ri + j] = -out[ri + j];
  }
}

/**
 * Inverse of the SPD matrix L Lᵀ: lower triangle (with diagonal) written into `out`; `work`
 * (n×n) receives U = L⁻ᵀ. Cost n³/3 multiply-adds. Set `full` to mirror into the upper triangle.
 */
export function choleskyInverseLower(l: Float64Array, n: number, out: Float64Array, work: Float64Array, full = false): void {
  lowerInverseTransposed(l, n, work);
  upperTimesTransposeLower(work, n, out);
  if (full) symmetrizeFromLower(out, n);
}

/** Copy the lower triangle into the upper one. */
export function symmetrizeFromLower(a: Float64Array, n: number): void {
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j < i; j++) a[j * n + i] = a[ri + j];
  }
}

export interface JitterOptions {
  /** First jitter, relative to the mean diagonal (default 1e-12). */
  initial?: number;
  /** Largest jitter tried, relative to the mean diagonal (default 1e-6). */
  max?: number;
  /** Factor between attempts (default 10). */
  factor?: number;
}

/**
 * Cholesky with a jitter policy for near-singular matrices: factor `a` (lower triangle); if a
 * pivot fails, restore from `copy` (the caller's untouched lower triangle), add
 * δ = initial·mean(diag), ×factor each time, to the diagonal, and retry until δ > max·mean(diag).
 * Returns the absolute jitter added (0 if none was needed) or NaN if every attempt failed.
 * The GP log marginal likelihood does NOT use this (sklearn semantics: failure → −∞); it is for
 * prediction and sampling where a tiny regularisation is acceptable and reported.
 */
export function choleskyWithJitter(a: Float64Array, n: number, copy: Float64Array, opts: JitterOptions = {}): number {
  copy.set(a.subarray(0, n * n));
  if (choleskyBlocked(a, n)) return 0;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += copy[i * n + i];
  mean = Math.abs(mean / n) || 1;
  const factor = opts.factor ?? 10;
  const max = (opts.max ?? 1e-6) * mean;
  for (let jitter = (opts.initial ?? 1e-12) * mean; jitter <= max * (1 + 1e-12); jitter *= factor) {
    a.set(copy.subarray(0, n * n));
    for (let i = 0; i < n; i++) a[i * n + i] += jitter;
    if (choleskyBlocked(a, n)) return jitter;
  }
  return NaN;
}

/** log det(L Lᵀ) = 2 Σ log L_ii. */
export function choleskyLogDet(l: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.log(l[i * n + i]);
  return 2 * s;
}

/**
 * Row Gram products: out[k·rb + l] = Σ_i A[k·n + i]·B[l·n + i] for k < ra, l < rb (A ra×n, B rb×n,
 * row-major). With `lowerOnly` (and B = A, ra = rb) only l ≤ k is guaranteed to be written.
 */
export function rowDots(a: Float64Array, ra: number, b: Float64Array, rb: number, n: number, out: Float64Array, lowerOnly = false): void {
  out.fill(0, 0, ra * rb);
  subDots(out, 0, rb, 1, a, n, 0, ra, b, n, 0, rb, 0, n, lowerOnly ? 0 : Infinity);
  for (let k = 0; k < ra * rb; k++) out[k] = -out[k];
}
