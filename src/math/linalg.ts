// Dense linear algebra on row-major Float64Array (n×n). Small, allocation-free kernels:
// the caller owns every buffer. The GP module builds blocked variants on top of these.

/**
 * In-place Cholesky factorisation A = L Lᵀ (lower triangle of `a` receives L; the strict upper
 * triangle is zeroed). Returns false if A is not numerically positive definite.
 */
export function choleskyInPlace(a: Float64Array, n: number): boolean {
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    let d = a[rj + j];
    for (let k = 0; k < j; k++) d -= a[rj + k] * a[rj + k];
    if (!(d > 0)) return false;
    const ljj = Math.sqrt(d);
    a[rj + j] = ljj;
    const inv = 1 / ljj;
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let s = a[ri + j];
      for (let k = 0; k < j; k++) s -= a[ri + k] * a[rj + k];
      a[ri + j] = s * inv;
    }
    for (let i = j + 1; i < n; i++) a[rj + i] = 0;
  }
  return true;
}

/** Solve L y = b in place (L lower triangular, row-major). */
export function solveLower(l: Float64Array, n: number, b: Float64Array): void {
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[ri + k] * b[k];
    b[i] = s / l[ri + i];
  }
}

/** Solve Lᵀ x = y in place (L lower triangular, row-major). */
export function solveLowerTransposed(l: Float64Array, n: number, b: Float64Array): void {
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i];
    for (let k = i + 1; k < n; k++) s -= l[k * n + i] * b[k];
    b[i] = s / l[i * n + i];
  }
}

/** Solve (L Lᵀ) x = b in place given the Cholesky factor L. */
export function choleskySolve(l: Float64Array, n: number, b: Float64Array): void {
  solveLower(l, n, b);
  solveLowerTransposed(l, n, b);
}

/** Inverse of an SPD matrix from its Cholesky factor L, written to `out` (n×n, symmetric). */
export function choleskyInverse(l: Float64Array, n: number, out: Float64Array): void {
  const col = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    col.fill(0);
    col[j] = 1;
    choleskySolve(l, n, col);
    for (let i = 0; i < n; i++) out[i * n + j] = col[i];
  }
}

/**
 * Eigen-decomposition of a symmetric matrix by cyclic Jacobi rotations.
 * `a` is overwritten; eigenvalues go to `w`, eigenvectors to the columns of `v` (row-major).
 * Robust and accurate; O(n³) per sweep, fine for the few-hundred-parameter Hessians here.
 */
export function symmetricEigen(a: Float64Array, n: number, w: Float64Array, v: Float64Array, maxSweeps = 100): void {
  v.fill(0);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0;
    let diag = 0;
    for (let p = 0; p < n; p++) {
      diag += a[p * n + p] * a[p * n + p];
      for (let q = p + 1; q < n; q++) off += a[p * n + q] * a[p * n + q];
    }
    if (off <= 1e-30 * diag || off === 0) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (apq === 0) continue;
        const app = a[p * n + p];
        const aqq = a[q * n + q];
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p];
          const akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k];
          const aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  for (let i = 0; i < n; i++) w[i] = a[i * n + i];
}

/**
 * Inverse of a symmetric matrix through its eigen-decomposition. Eigenvalues ≤ `floor`·max|λ|
 * are treated as flat directions (pseudo-inverse). Returns the number of such directions.
 */
export function symmetricPseudoInverse(a: Float64Array, n: number, out: Float64Array, floor = 1e-14): number {
  const work = Float64Array.from(a.subarray(0, n * n));
  const w = new Float64Array(n);
  const v = new Float64Array(n * n);
  symmetricEigen(work, n, w, v);
  let maxAbs = 0;
  for (let i = 0; i < n; i++) maxAbs = Math.max(maxAbs, Math.abs(w[i]));
  let flat = 0;
  out.fill(0, 0, n * n);
  for (let k = 0; k < n; k++) {
    if (!(w[k] > floor * maxAbs)) {
      flat++;
      continue;
    }
    const inv = 1 / w[k];
    for (let i = 0; i < n; i++) {
      const vik = v[i * n + k] * inv;
      if (vik === 0) continue;
      for (let j = 0; j < n; j++) out[i * n + j] += vik * v[j * n + k];
    }
  }
  return flat;
}
