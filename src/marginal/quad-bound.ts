// Certified bounds on ∫₀¹ f(r) dr for a non-increasing f with values in [0, 1] (spec §2.4).
// On a box [a, b] such an f satisfies (b−a)·f(b) ≤ ∫ₐᵇ f ≤ (b−a)·f(a). Steps:
//   1. geometric scan x_i = 2^{−i} towards 0 until the unexplored tail [0, x_i] is negligible;
//   2. spread the tolerance budget over the boxes [2^{−i}, 2^{−i+1}] whose gap is not already tiny;
//   3. split each box into a power-of-two number of equal steps so its gap fits its share;
//   4. add the tail [0, x_I] between f(x_I)·x_I and x_I.
// rtol semantics (spec §9): the result brackets the integral, upper − lower ≲ rtol·lower.

/** Deepest scan level: 2^{−1022} is the smallest positive normal double (and the absolute tolerance). */
const NSCAN = 1022;
const ATOL = 2 ** -NSCAN;
/** Smallest rtol accepted (as upstream: smaller is slow and no more useful). */
export const MIN_RTOL = 1e-7;

/** f at the scan points x_i = 2^{−i}; shared scratch (the quadrature is not re-entrant). */
const scanValues = new Float64Array(NSCAN + 1);

/** Smallest power of two ≥ max(1, x); NaN for NaN. */
export function nextPow2(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (!(x > 1)) return 1;
  if (x === Infinity) return Infinity;
  const p = 2 ** Math.ceil(Math.log2(x));
  // log2 may be off by one near exact powers of two: correct both ways.
  if (p / 2 >= x) return p / 2;
  if (p < x) return p * 2;
  return p;
}

export interface QuadBoundStats {
  /** Scan depth I (number of geometric boxes). */
  boxes: number;
  /** Total evaluations of f. */
  evaluations: number;
}

/** Lower and upper bounds on ∫₀¹ f for non-increasing f: [0, 1] → [0, 1] (spec §2.4).
 *  `stats`, if given, receives the scan depth and the number of evaluations. */
export function quadBound(f: (r: number) => number, rtol: number, stats?: QuadBoundStats): [number, number] {
  if (!(rtol >= MIN_RTOL)) throw new RangeError(`quadBound: rtol must be ≥ ${MIN_RTOL}, got ${rtol}`);
  const fs = scanValues;

  // 1. Geometric scan towards 0. Box i = [2^{−i}, 2^{−i+1}] has width 2^{−i}.
  let hi = 1;
  let fHi = f(hi);
  fs[0] = fHi;
  let lowerSum = 0;
  let tol = ATOL;
  let tailGap = 0;
  let nboxes = NSCAN;
  for (let i = 1; i <= NSCAN; i++) {
    const width = 0.5 * hi; // = x_i
    const fLo = f(width);
    fs[i] = fLo;
    lowerSum += width * fHi;
    tol = Math.max(ATOL, rtol * (lowerSum + fLo * width));
    tailGap = (1 - fLo) * width;
    if (tailGap * i * 2 < tol) { nboxes = i; break; }
    hi = width;
    fHi = fLo;
  }

  // 2. Budget: boxes whose gap is at most tol·½/N keep it ("dead"); the rest share what is left.
  const deadThreshold = tol * (0.5 / nboxes);
  let budget = tol - tailGap;
  let nDead = 0;
  let width = 1;
  for (let i = 1; i <= nboxes; i++) {
    width *= 0.5;
    const gap = fs[i] * width - fs[i - 1] * width;
    if (!(gap > deadThreshold)) { budget -= gap; nDead++; }
  }
  const nLive = nboxes - nDead;
  const gapPerLiveBox = nLive > 0 ? budget / nLive : NaN;

  // 3. Refinement: K = next power of two ≥ gap / (share per live box) steps per box, evaluated by
  //    walking down from the top edge (exact: widths and K are powers of two).
  let lower = 0;
  let upper = 0;
  let evaluations = nboxes + 1;
  hi = 1;
  for (let i = 1; i <= nboxes; i++) {
    const size = 0.5 * hi;
    const fTop = fs[i - 1];
    const fBottom = fs[i];
    const gap = fBottom * size - fTop * size;
    let steps = nextPow2(gap / gapPerLiveBox);
    if (!(steps >= 1)) steps = 1; // NaN share (no live boxes) or non-positive gap
    const h = size / steps;
    let interior = 0;
    let x = hi;
    for (let k = 1; k < steps; k++) {
      x -= h;
      interior += f(x);
    }
    evaluations += steps - 1;
    lower += (fTop + interior) * h;
    upper += (interior + fBottom) * h;
    hi = size;
  }

  // 4. Tail [0, x_I].
  lower += fs[nboxes] * hi;
  upper += 1 * hi;
  if (stats) { stats.boxes = nboxes; stats.evaluations = evaluations; }
  return [lower, upper];
}
