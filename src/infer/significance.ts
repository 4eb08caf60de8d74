// Discovery significance (Cowan et al. eqs. 12, 52–53): q0 on the data, p0 = CL_s+b of the
// q0 test (pyhf returns CL_s+b, not CLs, for q0), Z = Φ⁻¹(1 − p0); the expected p0 from the
// μ_A = 1 Asimov data set (median: Φ(−√q0_A), eq. 58), with its ±1σ, ±2σ band.
import type { FitOptions } from "../likelihood/fit.ts";
import type { Likelihood } from "../likelihood/types.ts";
import { normalIsf, normalSf } from "../math/special.ts";
import { AsymptoticCalculator } from "./asymptotic.ts";
import { q0, type ProfileSource } from "./test-statistics.ts";

export interface SignificanceResult {
  p0_obs: number;
  z_obs: number;
  /** Median expected (Asimov, μ = 1) p0 and Z. */
  p0_exp: number;
  z_exp: number;
  /** Expected p0 and Z at −2σ … +2σ of the signal-plus-background distribution, pyhf order. */
  p0_exp_band: number[];
  z_exp_band: number[];
  q0: number;
  mu_hat: number;
}

export function significance(lik: Likelihood, o: { data?: Float64Array; fit?: FitOptions } = {}): SignificanceResult {
  const calc = new AsymptoticCalculator(lik, o.data ?? lik.observed, "q0", o.fit);
  const r = calc.test(0);
  const p0Band = r.expected.map((e) => e.clsb);
  return {
    p0_obs: r.observed.clsb, z_obs: normalIsf(r.observed.clsb),
    p0_exp: p0Band[2], z_exp: normalIsf(p0Band[2]),
    p0_exp_band: p0Band, z_exp_band: p0Band.map((p) => normalIsf(p)),
    q0: r.q, mu_hat: r.muHat,
  };
}

export interface LocalSignificance {
  q0: number;
  p0: number;
  Z: number;
}

/**
 * The asymptotic local significance from q0 alone (Cowan et al. eq. 52–53, no Asimov data):
 * Z = √q0, p0 = 1 − Φ(Z) (≤ 0.5; q0 = 0 when μ̂ < 0).
 */
export function localSignificance(f: ProfileSource): LocalSignificance {
  const q = q0(f);
  const Z = Math.sqrt(q);
  return { q0: q, p0: normalSf(Z), Z };
}
