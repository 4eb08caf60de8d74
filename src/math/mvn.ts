// Multivariate-normal and multinomial samplers, and the non-negative MVN draws of the bump
// hunt's pseudo-experiments (hps_gpr `draw_bkg_mvn_nonneg`; spec ../shared/specs/hps_gpr.md §11.3).
import { choleskyInPlace, symmetricEigen } from "./linalg.ts";
import type { Rng } from "./rng.ts";

/**
 * A factor F with F Fᵀ = C for sampling: Cholesky when C is positive definite, otherwise the
 * symmetric square root from the eigen-decomposition with negative eigenvalues set to 0 (C is
 * then positive semi-definite up to rounding, as numpy's SVD-based sampler assumes).
 */
export function samplingFactor(C: ArrayLike<number>, n: number): Float64Array {
  const F = Float64Array.from({ length: n * n }, (_, k) => 0.5 * (C[k] + C[(k % n) * n + Math.floor(k / n)]));
  const copy = Float64Array.from(F);
  if (choleskyInPlace(F, n)) return F;
  const w = new Float64Array(n);
  const V = new Float64Array(n * n);
  symmetricEigen(copy, n, w, V);
  const out = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    const s = Math.sqrt(Math.max(w[k], 0));
    if (s === 0) continue;
    for (let i = 0; i < n; i++) out[i * n + k] = V[i * n + k] * s;
  }
  return out;
}

/** One draw of MVN(mean, F Fᵀ) into `out`, using `z` (length n) as scratch. */
export function mvnDraw(mean: ArrayLike<number>, F: Float64Array, rng: Rng, out: Float64Array, z: Float64Array): void {
  const n = mean.length;
  for (let i = 0; i < n; i++) z[i] = rng.normal();
  for (let i = 0; i < n; i++) {
    let s = mean[i];
    const r = i * n;
    for (let k = 0; k < n; k++) s += F[r + k] * z[k];
    out[i] = s;
  }
}

export type TruncMethod = "clip" | "reject" | "reject_then_clip";

/**
 * `count` draws of MVN(b, C) that are non-negative in every component (rows of a count×n
 * array). "clip" clips at 0; "reject" keeps all-non-negative proposals, proposing
 * 1.3 × the remaining number per round for up to `maxTries` rounds, and fills the rest with b;
 * "reject_then_clip" (hps_gpr's default) fills the rest with clipped proposals instead.
 */
export function nonNegativeMvn(b: ArrayLike<number>, F: Float64Array, count: number, rng: Rng, method: TruncMethod = "reject_then_clip", maxTries = 80): Float64Array {
  const n = b.length;
  const out = new Float64Array(count * n);
  const draw = new Float64Array(n);
  const z = new Float64Array(n);
  if (method === "clip") {
    for (let t = 0; t < count; t++) {
      mvnDraw(b, F, rng, draw, z);
      for (let i = 0; i < n; i++) out[t * n + i] = Math.max(0, draw[i]);
    }
    return out;
  }
  let filled = 0;
  let lastClipped: Float64Array[] = [];
  for (let round = 0; round < maxTries && filled < count; round++) {
    const propose = Math.ceil(1.3 * (count - filled));
    lastClipped = [];
    for (let p = 0; p < propose && filled < count; p++) {
      mvnDraw(b, F, rng, draw, z);
      let ok = true;
      for (let i = 0; i < n; i++) if (draw[i] < 0) { ok = false; break; }
      if (ok) {
        out.set(draw, filled * n);
        filled++;
      } else if (method === "reject_then_clip") {
        lastClipped.push(Float64Array.from(draw, (v) => Math.max(0, v)));
      }
    }
  }
  for (let t = filled; t < count; t++) {
    if (method === "reject_then_clip") {
      let row = lastClipped[t - filled];
      if (!row) {
        mvnDraw(b, F, rng, draw, z);
        row = Float64Array.from(draw, (v) => Math.max(0, v));
      }
      out.set(row, t * n);
    } else {
      for (let i = 0; i < n; i++) out[t * n + i] = b[i];
    }
  }
  return out;
}

/** Multinomial(N, p) by conditional binomials; p need not be normalised. */
export function multinomial(N: number, p: ArrayLike<number>, rng: Rng, out: Float64Array = new Float64Array(p.length)): Float64Array {
  let total = 0;
  for (let i = 0; i < p.length; i++) total += Math.max(0, p[i]);
  let left = N;
  for (let i = 0; i < p.length; i++) {
    if (left <= 0 || total <= 0) { out[i] = 0; continue; }
    const pi = Math.max(0, p[i]);
    const k = i === p.length - 1 ? left : rng.binomial(left, Math.min(1, pi / total));
    out[i] = k;
    left -= k;
    total -= pi;
  }
  return out;
}
