// Interpolation codes of HistFactory (CERN-OPEN-2012-016, §4.1; pyhf src/pyhf/interpolators/).
//
// Every code interpolates a bin value v(α) through v(−1) = lo, v(0) = nom, v(+1) = hi and is
// compiled here into a small block of coefficients per bin, so that evaluating v(α) − nom and
// its α-derivative is branch-light and allocation-free:
//   code0  piecewise linear                     (histosys option)
//   code1  piecewise exponential                (normsys option)
//   code2  quadratic inside |α|≤1, linear out   (histosys option)
//   code4  exponential outside |α|≥1, 6th-order polynomial inside (normsys default)
//   code4p linear outside |α|>1, 6th-order polynomial inside (histosys default)
// Additive codes (0, 2, 4p) give v = nom + δ; multiplicative codes (1, 4) give v = nom·f.
// A normsys applies the factor v(α) with nom = 1; a histosys adds δ = v(α) − nom per bin.

export type InterpCode = "code0" | "code1" | "code2" | "code4" | "code4p";
export const INTERP_CODES: readonly InterpCode[] = ["code0", "code1", "code2", "code4", "code4p"];

/** Coefficients stored per bin (see `compileBin`). */
export const COEFS_PER_BIN = 9;

export const CODE_ID: Record<InterpCode, number> = { code0: 0, code1: 1, code2: 2, code4: 4, code4p: 5 };

/**
 * Precompute the coefficients of one bin into `out[off … off+COEFS_PER_BIN)`.
 * Layout: [nom, up, down, c1 … c6] where up/down are Δ⁺ = hi − nom, Δ⁻ = nom − lo for the
 * additive codes and ln(hi/nom), ln(lo/nom) for the multiplicative ones.
 */
export function compileBin(code: number, nom: number, hi: number, lo: number, out: Float64Array, off: number): void {
  out.fill(0, off, off + COEFS_PER_BIN);
  out[off] = nom;
  switch (code) {
    case 0:
      out[off + 1] = hi - nom;
      out[off + 2] = nom - lo;
      break;
    case 2: {
      const up = hi - nom, dn = nom - lo;
      out[off + 1] = up;
      out[off + 2] = dn;
      out[off + 3] = 0.5 * (up - dn); // a: quadratic coefficient
      out[off + 4] = 0.5 * (up + dn); // b: linear coefficient
      break;
    }
    case 5: {
      const up = hi - nom, dn = nom - lo;
      out[off + 1] = up;
      out[off + 2] = dn;
      out[off + 3] = 0.5 * (up + dn); // S
      out[off + 4] = (up - dn) / 16; // A
      break;
    }
    case 1:
      out[off + 1] = Math.log(hi / nom);
      out[off + 2] = Math.log(lo / nom);
      break;
    case 4: {
      // Polynomial 1 + Σ a_i α^i matching value, first and second derivative of the exponential
      // branches at α = ±1: a = A⁻¹ b (pyhf code4.py with α₀ = 1).
      const lu = Math.log(hi / nom), ld = Math.log(lo / nom);
      const ru = hi / nom, rd = lo / nom;
      out[off + 1] = lu;
      out[off + 2] = ld;
      const b = [ru - 1, rd - 1, lu * ru, -ld * rd, lu * lu * ru, ld * ld * rd];
      for (let i = 0; i < 6; i++) {
        let s = 0;
        for (let j = 0; j < 6; j++) s += CODE4_AINV[i][j] * b[j];
        out[off + 3 + i] = s;
      }
      break;
    }
    default:
      throw new RangeError(`unknown interpolation code id ${code}`);
  }
}

const CODE4_AINV = [
  [15 / 16, -15 / 16, -7 / 16, -7 / 16, 1 / 16, -1 / 16],
  [3 / 2, 3 / 2, -9 / 16, 9 / 16, 1 / 16, 1 / 16],
  [-5 / 8, 5 / 8, 5 / 8, 5 / 8, -1 / 8, 1 / 8],
  [-3 / 2, -3 / 2, 7 / 8, -7 / 8, -1 / 8, -1 / 8],
  [3 / 16, -3 / 16, -3 / 16, -3 / 16, 1 / 16, -1 / 16],
  [1 / 2, 1 / 2, -5 / 16, 5 / 16, 1 / 16, 1 / 16],
];

/** Scratch output of `interpolate`: [δ, dδ/dα]. Module-level so the hot path allocates nothing. */
export const interpOut = new Float64Array(2);

/**
 * δ(α) = v(α) − nom and dδ/dα for one compiled bin, written to `interpOut`.
 * Branch boundaries follow pyhf exactly (code4p: |α| > 1 linear; code4: |α| ≥ 1 exponential).
 */
export function interpolate(code: number, alpha: number, c: Float64Array, off: number): void {
  const nom = c[off];
  switch (code) {
    case 0: {
      const s = alpha > 0 ? c[off + 1] : c[off + 2];
      interpOut[0] = alpha * s;
      interpOut[1] = s;
      return;
    }
    case 2: {
      const up = c[off + 1], dn = c[off + 2], a = c[off + 3], b = c[off + 4];
      if (alpha > 1) {
        interpOut[0] = up + (b + 2 * a) * (alpha - 1);
        interpOut[1] = b + 2 * a;
      } else if (alpha < -1) {
        interpOut[0] = -dn + (b - 2 * a) * (alpha + 1);
        interpOut[1] = b - 2 * a;
      } else {
        interpOut[0] = a * alpha * alpha + b * alpha;
        interpOut[1] = 2 * a * alpha + b;
      }
      return;
    }
    case 5: {
      if (alpha > 1) {
        interpOut[0] = alpha * c[off + 1];
        interpOut[1] = c[off + 1];
      } else if (alpha < -1) {
        interpOut[0] = alpha * c[off + 2];
        interpOut[1] = c[off + 2];
      } else {
        const S = c[off + 3], A = c[off + 4];
        const a2 = alpha * alpha;
        interpOut[0] = alpha * S + a2 * A * (15 + a2 * (-10 + 3 * a2));
        interpOut[1] = S + A * alpha * (30 + a2 * (-40 + 18 * a2));
      }
      return;
    }
    case 1: {
      const l = alpha >= 0 ? c[off + 1] : -c[off + 2];
      const f = Math.exp(alpha * l);
      interpOut[0] = nom * (f - 1);
      interpOut[1] = nom * f * l;
      return;
    }
    case 4: {
      if (alpha >= 1) {
        const f = Math.exp(alpha * c[off + 1]);
        interpOut[0] = nom * (f - 1);
        interpOut[1] = nom * f * c[off + 1];
      } else if (alpha <= -1) {
        const f = Math.exp(-alpha * c[off + 2]);
        interpOut[0] = nom * (f - 1);
        interpOut[1] = -nom * f * c[off + 2];
      } else {
        // Horner for Σ_{i=1..6} a_i α^i and its derivative
        const a1 = c[off + 3], a2 = c[off + 4], a3 = c[off + 5], a4 = c[off + 6], a5 = c[off + 7], a6 = c[off + 8];
        const p = alpha * (a1 + alpha * (a2 + alpha * (a3 + alpha * (a4 + alpha * (a5 + alpha * a6)))));
        const dp = a1 + alpha * (2 * a2 + alpha * (3 * a3 + alpha * (4 * a4 + alpha * (5 * a5 + alpha * 6 * a6))));
        interpOut[0] = nom * p;
        interpOut[1] = nom * dp;
      }
      return;
    }
    default:
      throw new RangeError(`unknown interpolation code id ${code}`);
  }
}

/** Parse a user-facing code name ("code4p", "4p", "4", …). Returns null if unknown. */
export function parseInterpCode(s: string): InterpCode | null {
  const t = s.startsWith("code") ? s : `code${s}`;
  return (INTERP_CODES as readonly string[]).includes(t) ? (t as InterpCode) : null;
}
