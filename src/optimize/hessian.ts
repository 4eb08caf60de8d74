// Hessian of a function at a point by central differences of its analytic gradient, and the
// covariance matrix (inverse Hessian over the free parameters) as Minuit's HESSE reports it
// for −ln L: cov = H⁻¹, uncertainties = √diag(cov).
import { symmetricPseudoInverse } from "../math/linalg.ts";
import type { ObjectiveWithGradient } from "./minimize.ts";

/**
 * Symmetrised Hessian (n×n, row-major) of f at x using central differences of the gradient.
 * Steps are relative (1e-5·max(1,|x_i|)), reduced near bounds so no evaluation leaves the box.
 */
export function hessianFromGradient(
  fg: ObjectiveWithGradient, x: ArrayLike<number>,
  lower?: ArrayLike<number>, upper?: ArrayLike<number>,
): Float64Array {
  const n = x.length;
  const H = new Float64Array(n * n);
  const xp = Float64Array.from(x);
  const gp = new Float64Array(n);
  const gm = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const lo = lower ? lower[i] : -Infinity;
    const hi = upper ? upper[i] : Infinity;
    let h = 1e-5 * Math.max(1, Math.abs(x[i]));
    // Scale step to the room available inside the box; fall back to one-sided differences.
    let hp = Math.min(h, hi - x[i]);
    let hm = Math.min(h, x[i] - lo);
    if (hp <= 0 && hm <= 0) continue;
    if (hp <= 0) hp = 0;
    if (hm <= 0) hm = 0;
    xp[i] = x[i] + hp;
    fg(xp, gp);
    xp[i] = x[i] - hm;
    fg(xp, gm);
    xp[i] = x[i];
    const denom = hp + hm;
    for (let j = 0; j < n; j++) H[j * n + i] = (gp[j] - gm[j]) / denom;
  }
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = 0.5 * (H[i * n + j] + H[j * n + i]);
      H[i * n + j] = v;
      H[j * n + i] = v;
    }
  }
  return H;
}

export interface Covariance {
  /** n×n covariance (zeros in rows/columns of fixed parameters). */
  matrix: Float64Array;
  /** √diag(cov); 0 for fixed parameters. */
  errors: Float64Array;
  /** Number of flat (non-positive-curvature) directions found among the free parameters. */
  flatDirections: number;
}

/** Covariance of the free parameters as the (pseudo-)inverse of the Hessian block. */
export function covarianceFromHessian(H: Float64Array, n: number, free: ArrayLike<boolean | number>): Covariance {
  const idx: number[] = [];
  for (let i = 0; i < n; i++) if (free[i]) idx.push(i);
  const m = idx.length;
  const sub = new Float64Array(m * m);
  for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) sub[a * m + b] = H[idx[a] * n + idx[b]];
  const inv = new Float64Array(m * m);
  const flat = m > 0 ? symmetricPseudoInverse(sub, m, inv) : 0;
  const matrix = new Float64Array(n * n);
  const errors = new Float64Array(n);
  for (let a = 0; a < m; a++) {
    for (let b = 0; b < m; b++) matrix[idx[a] * n + idx[b]] = inv[a * m + b];
    errors[idx[a]] = Math.sqrt(Math.max(0, inv[a * m + a]));
  }
  return { matrix, errors, flatDirections: flat };
}
