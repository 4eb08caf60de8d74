// Look-elsewhere corrections for resonance scans (hps_gpr; spec ../shared/specs/hps_gpr.md §9):
// effective number of independent trials from the mass resolution, Šidák and Bonferroni
// global p-values, toy-based global p from the maximum q0, and the p ↔ Z ↔ q0 conversions.
import { erfc, logNormalSf, normalIsf, normalIsfLog } from "../math/special.ts";
import { mean } from "../math/stats.ts";
import { tailFraction } from "./toys.ts";

export type SigmaCombine = "min" | "mean" | "harmonic";

/**
 * N_eff = Σ_j Δm_j / (W · σ_mid,j) over consecutive grid points, clipped to [1, #points].
 * σ_mid is the mean of σ at the two grid points (`sigmaAt(m)` gives σ in the same units as m).
 */
export function effectiveTrials(masses: ArrayLike<number>, sigmaAt: (m: number) => number, W: number): number {
  const n = masses.length;
  if (n === 0) return 1;
  let s = 0;
  for (let j = 0; j + 1 < n; j++) {
    const dm = masses[j + 1] - masses[j];
    const sig = 0.5 * (sigmaAt(masses[j]) + sigmaAt(masses[j + 1]));
    s += dm / (W * sig);
  }
  return Math.min(Math.max(s, 1), n);
}

/** σ at a mass combined over several datasets (statistics helper of hps_gpr; default min). */
export function combinedSigma(sigmas: number[], how: SigmaCombine = "min"): number {
  if (how === "min") return Math.min(...sigmas);
  if (how === "mean") return mean(sigmas);
  return sigmas.length / sigmas.reduce((a, b) => a + 1 / b, 0);
}

/** Šidák: p_global = 1 − (1 − p_local)^N, computed as −expm1(N·log1p(−p)). */
export function sidakGlobalP(pLocal: number, nEff: number): number {
  if (pLocal >= 1) return 1;
  return -Math.expm1(nEff * Math.log1p(-pLocal));
}

/**
 * Šidák's global Z from a local Z (one-sided), finite for any finite local Z: where p_local
 * underflows (Z ≳ 37, e.g. the local Z of a known resonance such as the J/ψ in a dimuon spectrum)
 * ln p_global = ln N + ln p_local, the first-order form of Šidák once N·p ≪ 1.
 */
export function sidakGlobalZ(zLocal: number, nEff: number): number {
  if (!Number.isFinite(zLocal)) return NaN;
  const lnP = logNormalSf(zLocal);
  if (lnP > -600) return Math.max(0, normalIsf(sidakGlobalP(Math.exp(lnP), nEff)));
  return normalIsfLog(lnP + Math.log(nEff));
}

/** Inverse Šidák: p_local = 1 − (1 − p_global)^(1/N). */
export function sidakLocalP(pGlobal: number, nEff: number): number {
  if (pGlobal >= 1) return 1;
  return -Math.expm1(Math.log1p(-pGlobal) / nEff);
}

/** Bonferroni: min(1, N·p). */
export function bonferroniGlobalP(pLocal: number, nEff: number): number {
  return Math.min(1, nEff * pLocal);
}

/** Z = Φ⁻¹(1 − p), optionally clipped at 0 (for plots). */
export function zFromP(p: number, clipAtZero = false): number {
  const z = normalIsf(p);
  return clipAtZero ? Math.max(0, z) : z;
}

/** q0 = max(0, Φ⁻¹(1 − p))² for one-sided local p-values. */
export function q0FromLocalP0(p: number): number {
  const z = Math.max(0, normalIsf(p));
  return z * z;
}

/** Toy-based global p-value: (1 + #{max-q0 of a toy ≥ observed}) / (N + 1). */
export function globalPFromMaxQ0Toys(q0MaxObs: number, toyMaxQ0: ArrayLike<number>): number {
  return tailFraction(toyMaxQ0, q0MaxObs, true);
}

/** Two-sided p from the strong and weak tail fractions: min(1, 2·min(p_strong, p_weak)). */
export function pTwoSided(pStrong: number, pWeak: number): number {
  return Math.min(1, 2 * Math.min(pStrong, pWeak));
}

/**
 * Gross–Vitells global p-value (EPJC 70 (2010) 525, eq. 2, for a one-sided q0 with one degree
 * of freedom): p_global(u) ≈ P(q0 > u) + ⟨N(u0)⟩·e^{−(u − u0)/2}, where ⟨N(u0)⟩ is the mean
 * number of up-crossings of the level u0 by q0(m) in background-only toys. Clipped to [0, 1].
 */
export function grossVitellsGlobalP(q0: number, u0: number, meanUpcrossings: number): number {
  const pLocal = 0.5 * erfc(Math.sqrt(Math.max(q0, 0) / 2));
  return Math.min(1, pLocal + meanUpcrossings * Math.exp(-(q0 - u0) / 2));
}

/** The Z of grossVitellsGlobalP, finite for any finite q0 (summed in log space where p underflows). */
export function grossVitellsGlobalZ(q0: number, u0: number, meanUpcrossings: number): number {
  if (!Number.isFinite(q0) || !Number.isFinite(meanUpcrossings)) return NaN;
  const p = grossVitellsGlobalP(q0, u0, meanUpcrossings);
  if (p > 0) return zFromP(p, true);
  const a = logNormalSf(Math.sqrt(Math.max(q0, 0))), b = Math.log(meanUpcrossings) - (q0 - u0) / 2;
  const hi = Math.max(a, b);
  return normalIsfLog(hi + Math.log1p(Math.exp(Math.min(a, b) - hi)));
}

/** Up-crossings of the level u by a sequence (index order): #{k : x_{k−1} < u ≤ x_k}. Non-finite values break the sequence. */
export function upcrossings(x: ArrayLike<number>, u: number): number {
  let n = 0;
  for (let k = 1; k < x.length; k++) if (Number.isFinite(x[k - 1]) && Number.isFinite(x[k]) && x[k - 1] < u && x[k] >= u) n++;
  return n;
}
