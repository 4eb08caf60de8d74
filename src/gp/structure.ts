// The kernel structure the fast GP evaluators rely on, shared by lml.ts, envelope.ts, lowrank.ts
// and predict.ts (kept here so that those modules need not import each other):
// - Constant × stationary kernels c·ρ(r) (either order), which the low-rank surrogate and the
//   envelope evaluator handle;
// - the envelope of K for such a kernel on sorted 1-D points: a decaying correlation ρ falls
//   below EPS = 2⁻⁶⁰ beyond a cutoff distance r*, so row i of K reaches back only to the first
//   point within r* of x_i (envelope.ts explains why the entries left out do not matter).

import { ConstantKernel, Product, StationaryKernel, type Kernel } from "./kernels.ts";
import { toPoints, type Points, type PointsLike } from "./points.ts";
import { noiseVector, prepareTargets, type LmlOptions, type Targets } from "./targets.ts";

/** Correlations below this (relative to ρ(0) = 1) are left out of the envelope. */
const EPS = 2 ** -60;

/** True for Constant × stationary (either order): the form the low-rank surrogate handles. */
export function lowRankApplicable(kernel: Kernel): boolean {
  if (!(kernel instanceof Product)) return false;
  return (kernel.k1 instanceof ConstantKernel && kernel.k2 instanceof StationaryKernel) ||
    (kernel.k2 instanceof ConstantKernel && kernel.k1 instanceof StationaryKernel);
}

/** The two factors of a Constant × stationary product (either order), and which comes first. */
export function splitConstantStationary(kernel: Product): { constant: ConstantKernel; rho: StationaryKernel; constFirst: boolean } {
  const constFirst = kernel.k1 instanceof ConstantKernel;
  return {
    constant: (constFirst ? kernel.k1 : kernel.k2) as ConstantKernel,
    rho: (constFirst ? kernel.k2 : kernel.k1) as StationaryKernel,
    constFirst,
  };
}

/** True for a Constant × stationary kernel on 1-D inputs: the form the envelope evaluator (envelope.ts) handles. */
export function envelopeApplicable(kernel: Kernel, X: PointsLike): boolean {
  return lowRankApplicable(kernel) && toPoints(X).d === 1;
}

/** Squared cutoff distance r*² with ρ(r*) = EPS (Infinity if ρ stays above EPS over `span`). */
function cutoffSquared(rho: StationaryKernel, span: number, probe: Float64Array): number {
  let hi = span * span;
  probe[0] = hi;
  rho.mapSquaredDistances(probe, 0, 1, null, 0);
  if (probe[0] > EPS) return Infinity;
  let lo = 0;
  for (let it = 0; it < 60; it++) {
    const mid = 0.5 * (lo + hi);
    probe[0] = mid;
    rho.mapSquaredDistances(probe, 0, 1, null, 0);
    if (probe[0] > EPS) lo = mid;
    else hi = mid;
  }
  return hi;
}

/**
 * For sorted 1-D points x and a stationary correlation ρ at its current θ: first[i] = the first
 * column of row i's envelope (ρ(x_i − x_j) < 2⁻⁶⁰ for every j < first[i]); non-decreasing.
 */
export function envelopeFirst(rho: StationaryKernel, x: ArrayLike<number>, first: Int32Array, probe = new Float64Array(1)): Int32Array {
  const n = x.length;
  const r2 = cutoffSquared(rho, n > 0 ? x[n - 1] - x[0] : 0, probe);
  let f = 0;
  for (let i = 0; i < n; i++) {
    while ((x[i] - x[f]) * (x[i] - x[f]) > r2) f++;
    first[i] = f;
  }
  return first;
}

/**
 * Training data for an evaluator that factorises K densely (lml.ts, predict.ts). For a
 * Constant × stationary kernel on 1-D inputs the points go in sorted order, which makes K an
 * envelope matrix: `cutToEnvelope` then zeroes what lies left of each row's envelope and the
 * blocked Cholesky skips it (choleskyEnvelopeBlockedInfo). Neither the LML nor predictions
 * depend on the order. `kernel` must be the evaluator's own copy (its θ drives the envelope).
 */
export interface OrderedData {
  X: Points;
  targets: Targets;
  noise: Float64Array;
  envelope: { rho: StationaryKernel; first: Int32Array } | null;
}

export function orderForEnvelope(kernel: Kernel, pts: Points, y: ArrayLike<number>, opts: LmlOptions): OrderedData {
  const n = pts.n;
  const order = envelopeApplicable(kernel, pts) ? Array.from({ length: n }, (_, i) => i).sort((i, j) => pts.x[i] - pts.x[j]) : null;
  const inOrder = (v: ArrayLike<number>): Float64Array => (order ? Float64Array.from(order, (i) => v[i]) : Float64Array.from(v));
  return {
    X: order ? { x: inOrder(pts.x), n, d: 1 } : pts,
    targets: prepareTargets(inOrder(y), opts.normalizeY ?? false),
    noise: inOrder(noiseVector(opts.alpha, n)),
    envelope: order ? { rho: splitConstantStationary(kernel as Product).rho, first: new Int32Array(n) } : null,
  };
}

/** Zero the entries of the n×n lower triangle K left of each row's envelope at the kernel's current θ; returns first[] (null without an envelope). */
export function cutToEnvelope(d: OrderedData, K: Float64Array): Int32Array | null {
  if (!d.envelope) return null;
  const n = d.X.n, first = envelopeFirst(d.envelope.rho, d.X.x, d.envelope.first);
  for (let i = 0; i < n; i++) K.fill(0, i * n, i * n + first[i]);
  return first;
}
