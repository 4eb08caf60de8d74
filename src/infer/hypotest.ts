// Hypothesis tests at a POI value, as pyhf's hypotest returns them: observed CLs with its
// tail probabilities and the expected set; for q0 the discovery p-value (CL_s+b) instead.
import type { FitOptions } from "../likelihood/fit.ts";
import type { Likelihood } from "../likelihood/types.ts";
import { normalIsf } from "../math/special.ts";
import { AsymptoticCalculator } from "./asymptotics.ts";
import type { TestStatistic } from "./teststat.ts";

export interface HypotestResult {
  mu: number;
  cls_obs: number;
  /** Expected CLs at −2σ … +2σ (ascending). */
  cls_exp: number[];
  clsb_obs: number;
  clb_obs: number;
  test_statistic: number;
  q_asimov: number;
  mu_hat: number;
}

/** Observed and expected CLs at μ with the asymptotic calculator. */
export function hypotest(lik: Likelihood, mu: number, o: { testStat?: "qtilde" | "q"; data?: Float64Array; fit?: FitOptions; calc?: AsymptoticCalculator } = {}): HypotestResult {
  const calc = o.calc ?? new AsymptoticCalculator(lik, o.data ?? lik.observed, o.testStat ?? "qtilde", o.fit);
  const r = calc.test(mu);
  return {
    mu, cls_obs: r.observed.cls, cls_exp: r.expected.map((e) => e.cls), clsb_obs: r.observed.clsb, clb_obs: r.observed.clb,
    test_statistic: r.q, q_asimov: r.qA, mu_hat: r.muHat,
  };
}

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

/** Discovery significance: q0 on the data, expected from the μ = 1 Asimov data set. */
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

export type { TestStatistic };
