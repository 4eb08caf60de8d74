// Special functions used by likelihoods and inference.
// Thin wrappers over @stdlib (accurate to ~1e-13 relative in the tails, see ../shared/STACK.md),
// plus the normal quantile written via erfcinv because @stdlib's normal-quantile loses digits
// for p < 1e-10.
import gammalnImpl from "@stdlib/math-base-special-gammaln";
import erfcImpl from "@stdlib/math-base-special-erfc";
import erfcinvImpl from "@stdlib/math-base-special-erfcinv";

/** ln Γ(x). */
export const lgamma: (x: number) => number = gammalnImpl;
/** Complementary error function. */
export const erfc: (x: number) => number = erfcImpl;

const SQRT1_2 = Math.SQRT1_2;
const SQRT2 = Math.SQRT2;

/** Standard normal CDF Φ(x), accurate in both tails. */
export function normalCdf(x: number): number {
  return 0.5 * erfcImpl(-x * SQRT1_2);
}

/** Standard normal survival function 1 − Φ(x) = Φ(−x). */
export function normalSf(x: number): number {
  return 0.5 * erfcImpl(x * SQRT1_2);
}

/** Standard normal quantile Φ⁻¹(p) = −√2 erfc⁻¹(2p), accurate down to p = 1e-300. */
export function normalQuantile(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  return -SQRT2 * erfcinvImpl(2 * p);
}

/** Inverse survival function: z with P(Z > z) = p. Used for Z = Φ⁻¹(1 − p). */
export function normalIsf(p: number): number {
  if (p <= 0) return Infinity;
  if (p >= 1) return -Infinity;
  return SQRT2 * erfcinvImpl(2 * p);
}

/**
 * ln(1 − Φ(x)), also where 1 − Φ(x) underflows: exact below x = 30, beyond it the asymptotic
 * series (Abramowitz & Stegun 26.2.12) −x²/2 − ln(x√(2π)) + ln(1 − 1/x² + 3/x⁴ − 15/x⁶),
 * relative error < 1e-9 there.
 */
export function logNormalSf(x: number): number {
  if (x < 30) return Math.log(normalSf(x));
  const u = 1 / (x * x);
  return -0.5 * x * x - Math.log(x) - 0.5 * Math.log(2 * Math.PI) + Math.log1p(u * (-1 + u * (3 - 15 * u)));
}

/** The z with ln(1 − Φ(z)) = lnP (logNormalSf inverted; also where P underflows). */
export function normalIsfLog(lnP: number): number {
  if (lnP > -600) return normalIsf(Math.exp(lnP));
  // Newton on logNormalSf, whose slope is −φ(z)/(1 − Φ(z)) ≈ −(z + 1/z) out here
  let z = Math.sqrt(-2 * lnP);
  for (let k = 0; k < 50; k++) {
    const dz = (logNormalSf(z) - lnP) / (z + 1 / z);
    z += dz;
    if (Math.abs(dz) < 1e-12 * z) break;
  }
  return z;
}

/** x·ln(y) with the convention 0·ln(0) = 0 (scipy.special.xlogy). */
export function xlogy(x: number, y: number): number {
  return x === 0 ? 0 : x * Math.log(y);
}

/** ln √(2π), the Gaussian normalisation constant. */
export const LN_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
