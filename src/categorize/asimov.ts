// The per-bin Asimov significance of gato-hep (../shared/specs/gato_sage.md §A4) and the two
// penalties (§A5), each with its hand-written derivative (§A12 steps 1 and 3).

/** Floor on B in the Asimov formula (gato-hep's eps). */
export const ASIMOV_EPS = 1e-9;

/**
 * Z(S, B) with both of gato-hep's branches: B' = max(B, eps), r = S/B'; r < 0.1 gives the simple
 * S/√B', otherwise √(2[(S + B')ln(1 + S/B') − S]) (Cowan et al. 2011, eq. 97).
 */
export function asimovZ(s: number, b: number, eps = ASIMOV_EPS): number {
  const bb = b > eps ? b : eps;
  const r = s / bb;
  if (r < 0.1) return s / Math.sqrt(bb);
  const z2 = 2 * ((s + bb) * Math.log1p(r) - s);
  return z2 > 0 ? Math.sqrt(z2) : 0;
}

/** Z² and its derivatives ∂(Z²)/∂S, ∂(Z²)/∂B at the selected branch (zero ∂B when B ≤ eps), written to out[0..2]. */
export function asimovZ2Grad(s: number, b: number, out: Float64Array, eps = ASIMOV_EPS): void {
  const clamped = !(b > eps);
  const bb = clamped ? eps : b;
  const r = s / bb;
  if (r < 0.1) {
    out[0] = (s * s) / bb;
    out[1] = (2 * s) / bb;
    out[2] = clamped ? 0 : -(s * s) / (bb * bb);
  } else {
    const l = Math.log1p(r);
    const z2 = 2 * ((s + bb) * l - s);
    out[0] = z2 > 0 ? z2 : 0;
    out[1] = 2 * l;
    out[2] = clamped ? 0 : 2 * (l - r);
  }
}

/** Σ_k Z_k² combined in quadrature: √(Σ Z_k²). */
export function combineZ(zs: ArrayLike<number>): number {
  let t = 0;
  for (let k = 0; k < zs.length; k++) t += zs[k] * zs[k];
  return Math.sqrt(t);
}

/** Low-background penalty Σ_k relu(thr − B_k)² (§A5). Adds its gradient ∂/∂B_k × scale to gB if given. */
export function lowBkgPenalty(b: ArrayLike<number>, thr: number, gB?: Float64Array, scale = 1): number {
  let p = 0;
  for (let k = 0; k < b.length; k++) {
    const r = thr - b[k];
    if (r > 0) {
      p += r * r;
      if (gB) gB[k] += -2 * r * scale;
    }
  }
  return p;
}

/**
 * High-uncertainty penalty Σ_k relu(√max(B2_k, 0)/max(B_k, 1e-8) − thr)² (§A5). Adds its
 * gradients (× scale) to gB and gB2 if given.
 */
export function highUncPenalty(b2: ArrayLike<number>, b: ArrayLike<number>, thr: number, gB?: Float64Array, gB2?: Float64Array, scale = 1): number {
  let p = 0;
  for (let k = 0; k < b.length; k++) {
    const v = b2[k] > 0 ? b2[k] : 0;
    const sq = Math.sqrt(v);
    const bk = b[k] > 1e-8 ? b[k] : 1e-8;
    const r = sq / bk - thr;
    if (r > 0) {
      p += r * r;
      if (gB && b[k] > 1e-8) gB[k] += 2 * r * (-sq / (bk * bk)) * scale;
      if (gB2 && v > 0) gB2![k] += 2 * r * (1 / (2 * sq * bk)) * scale;
    }
  }
  return p;
}
