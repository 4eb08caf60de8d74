// Asymptotic calculator (Cowan et al., EPJC 71 (2011) 1554; pyhf infer/calculators.py, spec
// pyhf.md §5.6). Works in the "√q" variable: s+b distribution N(−√q_A, 1), b-only N(0, 1).
import { normalCdf } from "../math/special.ts";
import type { FitOptions } from "../likelihood/fit.ts";
import type { Likelihood } from "../likelihood/types.ts";
import { ProfileFits, testStatistic, type TestStatistic } from "./teststat.ts";

/** The ±2σ … ∓2σ points at which pyhf evaluates the expected p-values, in its order. */
export const EXPECTED_SIGMAS = [2, 1, 0, -1, -2] as const;

/**
 * Asimov data for the hypothesis μ_A: fit the observed data with the POI held at μ_A, then the
 * expected main and auxiliary data at those parameters (pyhf generate_asimov_data).
 */
export function asimovData(lik: Likelihood, observed: Float64Array, muA: number, base: FitOptions = {}): { data: Float64Array; pars: Float64Array } {
  const f = new ProfileFits(lik, observed, base).fixedAt(muA);
  return { data: lik.expected(f.pars), pars: f.pars };
}

/** pyhf's test-statistic value in the √q variable (q̃ uses the two-branch form of Cowan eq. 65). */
export function sqrtVariable(kind: TestStatistic, q: number, qA: number): number {
  const sq = Math.sqrt(q), sqA = Math.sqrt(qA);
  if (kind === "qtilde" && !(sq <= sqA || qA === 0)) return (q - qA) / (2 * sqA);
  return sq - sqA;
}

export interface TailProbabilities {
  clsb: number;
  clb: number;
  cls: number;
}

/** CL_s+b = Φ(−(t + √q_A)), CL_b = Φ(−t), CL_s = CL_s+b / CL_b. */
export function tailProbabilities(t: number, sqrtQA: number): TailProbabilities {
  const clsb = normalCdf(-(t + sqrtQA));
  const clb = normalCdf(-t);
  return { clsb, clb, cls: clb > 0 ? clsb / clb : 1 };
}

export interface AsymptoticResult {
  mu: number;
  testStat: TestStatistic;
  /** Observed test statistic and its Asimov counterpart. */
  q: number;
  qA: number;
  observed: TailProbabilities;
  /** Expected CLs (or CL_s+b for q0) at −2σ … +2σ, pyhf order (ascending CLs). */
  expected: TailProbabilities[];
  muHat: number;
}

/**
 * The asymptotic calculator for one model and observed data: caches the observed fits, the
 * Asimov data set (μ_A = 0 for q/q̃, 1 for q0) and its fits, so repeated μ values (upper-limit
 * searches) cost two conditional fits each.
 */
export class AsymptoticCalculator {
  readonly obs: ProfileFits;
  readonly asimov: ProfileFits;
  readonly asimovPars: Float64Array;

  constructor(readonly lik: Likelihood, observed: Float64Array, readonly testStat: TestStatistic = "qtilde", readonly base: FitOptions = {}) {
    this.obs = new ProfileFits(lik, observed, base);
    const muA = testStat === "q0" ? 1 : 0;
    const a = asimovData(lik, observed, muA, base);
    this.asimovPars = a.pars;
    this.asimov = new ProfileFits(lik, a.data, base);
  }

  /** Hypothesis test at μ (μ is ignored for q0, which tests μ = 0). */
  test(mu: number): AsymptoticResult {
    const muT = this.testStat === "q0" ? 0 : mu;
    const q = testStatistic(this.testStat, this.obs, muT);
    const qA = testStatistic(this.testStat, this.asimov, muT);
    const sqA = Math.sqrt(qA);
    const observed = tailProbabilities(sqrtVariable(this.testStat, q, qA), sqA);
    const expected = EXPECTED_SIGMAS.map((n) => tailProbabilities(n, sqA));
    return { mu: muT, testStat: this.testStat, q, qA, observed, expected, muHat: this.obs.muHat };
  }
}
