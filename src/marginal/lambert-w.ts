// Inverses of g(t) = t − 1 − ln t (spec §2.2): the two real Lambert W branches in the form the
// gamma1 likelihood needs. g ≥ 0 with its minimum g(1) = 0, so g(t) = y (y ≥ 0) has two roots
//   t_lo = −W₀(−e^{−1−y}) ∈ (0, 1],   t_hi = −W₋₁(−e^{−1−y}) ∈ [1, ∞).
// Each root starts from a series or asymptotic value good to ≲ 2e-4 relative and is polished by
// one or two Halley steps on F(t) = g(t) − y (cubic convergence: 2e-4 → 1e-11 → rounding floor).
// This is the hot path of the quadrature, so the step count is fixed (no convergence test).
// Round trips: within 3 ulp (low branch) and 2 ulp (high branch) in "t or y" (tests).

/** Series of both roots about the minimum: t = 1 + Σ_k C[k−1]·q^k with q = −p (low root) or +p
 *  (high root), p = √(2y). Coefficients by series reversion of g(1 + δ) = δ²/2 − δ³/3 + … = p²/2. */
const BRANCH_SERIES = [1, 1 / 3, 1 / 36, -1 / 270, 1 / 4320, 1 / 17010, -139 / 5443200, 1 / 204120, -571 / 2351462400];
/** Low branch: series below this y, else the small-a Taylor series of −W₀(−a). */
const LO_SERIES_BELOW = 1.25;
/** High branch: series below this y, else the W₋₁ asymptotic expansion. */
const HI_SERIES_BELOW = 3.5;
/** Where the start is already good to ≲ 1e-6, one Halley step reaches the rounding floor
 *  (error ~ 1e-6³); elsewhere two steps. Measured start errors: low series ≤ 1e-6 for y ≤ 0.5,
 *  low asymptotic for y ≥ 1.9; high series for y ≤ 1, high asymptotic for y ≥ 9. */
const LO_ONE_STEP_BELOW = 0.5;
const LO_ONE_STEP_ABOVE = 1.9;
const HI_ONE_STEP_BELOW = 1;
const HI_ONE_STEP_ABOVE = 9;
/** Low branch: beyond this y, t_lo = e^{−1−y}(1 + …) ≤ 1e-304 and is returned without polishing. */
const LO_TINY_FROM = 698;

function branchSeries(q: number): number {
  const c = BRANCH_SERIES;
  let r = c[8];
  for (let k = 7; k >= 0; k--) r = r * q + c[k];
  return 1 + r * q;
}

/** One Halley step on F(t) = t − 1 − ln t − y: returns the improved t. */
function halley(t: number, y: number): number {
  const f = t - 1 - Math.log(t) - y;
  const tm1 = t - 1;
  const denom = tm1 * tm1 - 0.5 * f;
  return denom === 0 ? t : t - (t * tm1 * f) / denom;
}

/** Low root t_lo ∈ [0, 1] of g(t) = y, i.e. −W₀(−e^{−1−y}). NaN for y < 0 or NaN. */
export function invgLo(y: number): number {
  if (!(y >= 0)) return NaN;
  if (y === 0) return 1;
  let t: number;
  if (y < LO_SERIES_BELOW) {
    t = branchSeries(-Math.SQRT2 * Math.sqrt(y));
  } else {
    // −W₀(−a) = Σ n^{n−1}/n! aⁿ = a + a² + 3a³/2 + 8a⁴/3 + 125a⁵/24 + 54a⁶/5 + …, a = e^{−1−y}.
    const a = Math.exp(-1 - y);
    t = a * (1 + a * (1 + a * (1.5 + a * (8 / 3 + a * (125 / 24 + a * (54 / 5))))));
    if (y >= LO_TINY_FROM) return t;
  }
  t = halley(t, y);
  return y < LO_ONE_STEP_BELOW || y > LO_ONE_STEP_ABOVE ? t : halley(t, y);
}

/** High root t_hi ∈ [1, ∞] of g(t) = y, i.e. −W₋₁(−e^{−1−y}). NaN for y < 0 or NaN. */
export function invgHi(y: number): number {
  if (!(y >= 0)) return NaN;
  if (y === 0) return 1;
  if (y === Infinity) return Infinity;
  let t: number;
  if (y < HI_SERIES_BELOW) {
    t = branchSeries(Math.SQRT2 * Math.sqrt(y));
  } else {
    // W₋₁(z) ~ L1 − L2 + L2/L1 + L2(L2−2)/(2L1²) + L2(2L2²−9L2+6)/(6L1³)
    //          + L2(3L2³−22L2²+36L2−12)/(12L1⁴), L1 = ln(−z) = −1−y, L2 = ln(−L1) = ln(1+y).
    const L1 = -1 - y;
    const L2 = Math.log1p(y);
    const i = 1 / L1;
    const tail = (2 * L2 * L2 - 9 * L2 + 6) / 6 + (i * (((3 * L2 - 22) * L2 + 36) * L2 - 12)) / 12;
    t = -(L1 - L2 + L2 * i * (1 + i * ((L2 - 2) / 2 + i * tail)));
  }
  t = halley(t, y);
  return y < HI_ONE_STEP_BELOW || y > HI_ONE_STEP_ABOVE ? t : halley(t, y);
}

/** g(t) = t − 1 − ln t, the scaled negative log Poisson ratio (spec §2.2). */
export function g(t: number): number {
  return t - 1 - Math.log(t);
}

/** Principal branch W₀(z) for z ∈ [−1/e, 0] (the part the gamma1 interval uses). */
export function lambertW0Negative(z: number): number {
  if (!(z <= 0 && z >= -1 / Math.E)) return NaN;
  if (z === 0) return 0;
  // −e^{−1−y} = z  ⇒  y = −1 − ln(−z).
  return -invgLo(Math.max(0, -1 - Math.log(-z)));
}

/** Lower branch W₋₁(z) for z ∈ [−1/e, 0). */
export function lambertWm1(z: number): number {
  if (!(z < 0 && z >= -1 / Math.E)) return NaN;
  return -invgHi(Math.max(0, -1 - Math.log(-z)));
}
