// Hypothesis tests at a POI value as pyhf's hypotest returns them (asymptotic calculator):
// observed CLs with its tail probabilities CL_s+b and CL_b, and the expected set at
// −2σ … +2σ of the background-only distribution (Cowan et al. eqs. 52–57, Read's CLs).
import type { FitOptions } from "../likelihood/fit.ts";
import type { Likelihood } from "../likelihood/types.ts";
import { AsymptoticCalculator } from "./asymptotic.ts";
import type { TestStatistic } from "./test-statistics.ts";

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

export interface HypotestOptions {
  testStat?: "qtilde" | "q";
  /** Data to test (default: the model's observed data). */
  data?: Float64Array;
  /** Options for every fit (init, extra fixed parameters, bound overrides). */
  fit?: FitOptions;
  /** Reuse a calculator (its cached fits) across μ values. */
  calc?: AsymptoticCalculator;
}

/** Observed and expected CLs at μ with the asymptotic calculator. */
export function hypotest(lik: Likelihood, mu: number, o: HypotestOptions = {}): HypotestResult {
  const calc = o.calc ?? new AsymptoticCalculator(lik, o.data ?? lik.observed, o.testStat ?? "qtilde", o.fit);
  const r = calc.test(mu);
  return {
    mu, cls_obs: r.observed.cls, cls_exp: r.expected.map((e) => e.cls), clsb_obs: r.observed.clsb, clb_obs: r.observed.clb,
    test_statistic: r.q, q_asimov: r.qA, mu_hat: r.muHat,
  };
}

export type { TestStatistic };
