// Inverses of g(t) = t − 1 − ln t (spec §2.2): the two real Lambert W branches in the form the
// gamma1 likelihood needs. g ≥ 0 with its minimum g(1) = 0, so g(t) = y (y ≥ 0) has two roots
//   t_lo = −W₀(−e^{−1−y}) ∈ (0, 1],   t_hi = −W₋₁(−e^{−1−y}) ∈ [1, ∞).
// Each root starts from a series/asymptotic value and is polished by Halley iteration
// (cubic convergence: two or three steps reach the rounding floor).

const SQRT2 = Math.SQRT2;
/** Stop iterating once a Halley step moves t by less than this (relative); the step after
 *  such a small one would be below rounding, so the result is already final. */
const STEP_RTOL = 1e-9;
const MAX_STEPS = 8;
/** Low branch: y from which the iteration runs in ln t (measured: round trips within 3 ulp). */
const LO_LOG_FORM_FROM = 0.15;

/** Halley step on F(t) = t − 1 − ln t − y in t (good for t not tiny). Returns the step to subtract. */
function halleyStepLinear(t: number, y: number): number {
  const f = t - 1 - Math.log(t) - y;
  const tm1 = t - 1;
  return (t * tm1 * f) / (tm1 * tm1 - 0.5 * f);
}

/** Low root t_lo ∈ (0, 1] of g(t) = y, i.e. −W₀(−e^{−1−y}). NaN for y < 0 or NaN. */
export function invgLo(y: number): number {
  if (!(y >= 0)) return NaN;
  if (y === 0) return 1;
  if (y === Infinity) return 0;
  // Start: series about the minimum in p = √(2y), t = 1 − p + p²/3 − p³/36 + O(p⁴), for small y;
  // otherwise the Taylor series of −W₀(−a) at a = e^{−1−y} → 0: t ≈ a(1 + a + 3a²/2).
  const a = Math.exp(-1 - y);
  let t: number;
  if (y < 1) {
    const p = SQRT2 * Math.sqrt(y);
    t = 1 - p + (p * p) / 3 - (p * p * p) / 36;
  } else {
    t = a * (1 + a + 1.5 * a * a);
  }
  if (y < LO_LOG_FORM_FROM) {
    for (let k = 0; k < MAX_STEPS; k++) {
      const step = halleyStepLinear(t, y);
      t -= step;
      if (Math.abs(step) <= STEP_RTOL * t) break;
    }
    return t;
  }
  // Away from t = 1, iterate in u = ln t on F(u) = e^u − 1 − u − y: better conditioned there, and
  // t = e^u never underflows inside the iteration (t itself may underflow to 0 at the end).
  let u = y < 1 ? Math.log(t) : -1 - y + Math.log1p(a + 1.5 * a * a);
  for (let k = 0; k < MAX_STEPS; k++) {
    const e = Math.exp(u);
    const f = e - 1 - u - y;
    const em1 = e - 1;
    const step = (em1 * f) / (em1 * em1 - 0.5 * e * f);
    u -= step;
    if (Math.abs(step) <= STEP_RTOL) break;
  }
  return Math.exp(u);
}

/** High root t_hi ∈ [1, ∞) of g(t) = y, i.e. −W₋₁(−e^{−1−y}). NaN for y < 0 or NaN. */
export function invgHi(y: number): number {
  if (!(y >= 0)) return NaN;
  if (y === 0) return 1;
  if (y === Infinity) return Infinity;
  let t: number;
  if (y < 1.5) {
    // Series about the minimum: t = 1 + p + p²/3 + p³/36 + O(p⁴), p = √(2y).
    const p = SQRT2 * Math.sqrt(y);
    t = 1 + p + (p * p) / 3 + (p * p * p) / 36;
  } else {
    // Asymptotic expansion of W₋₁: with L = ln(1 + y), t ≈ 1 + y + L + L/(1 + y).
    const L = Math.log1p(y);
    t = 1 + y + L + L / (1 + y);
  }
  for (let k = 0; k < MAX_STEPS; k++) {
    const step = halleyStepLinear(t, y);
    t -= step;
    if (Math.abs(step) <= STEP_RTOL * t) break;
  }
  return t;
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
