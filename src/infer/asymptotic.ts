// Asymptotic calculator (Cowan, Cranmer, Gross, Vitells, EPJC 71 (2011) 1554; pyhf
// infer/calculators.py, spec pyhf.md §5.6). The Asimov data set (sec. 3.1, eq. 24) gives
// σ² = μ²/q_A (eq. 32); pyhf then works in the "√q" variable, where the s+b distribution of
// the statistic is N(−√q_A, 1) and the b-only one N(0, 1) (eqs. 52–53 for q_μ; 64–65 for q̃_μ).
// Options cover hps_gpr's variant (spec hps_gpr.md §7.7): q̃ with an unbounded POI, the
// Asimov data supplied by the caller (n = b), the q_μ formula for every q̃ ("simple") and a
// floor on CL_b.
import { normalCdf, normalSf } from "../math/special.ts";
import type { FitOptions } from "../likelihood/fit.ts";
import type { Likelihood } from "../likelihood/types.ts";
import { ProfileFits, testStatistic, type ProfileFitsOptions, type ProfileSource, type TestStatistic } from "./test-statistics.ts";

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
  if ((kind === "qtilde" || kind === "qtilde_unbounded") && !(sq <= sqA || qA === 0)) return (q - qA) / (2 * sqA);
  return sq - sqA;
}

export interface TailProbabilities {
  clsb: number;
  clb: number;
  cls: number;
}

/** CL_s+b = Φ(−(t + √q_A)), CL_b = Φ(−t) (Cowan et al. eqs. 53, 65), CL_s = CL_s+b / CL_b; CL_b floored at `clbFloor`. */
export function tailProbabilities(t: number, sqrtQA: number, clbFloor = 0): TailProbabilities {
  const clsb = normalCdf(-(t + sqrtQA));
  const clb = Math.max(normalCdf(-t), clbFloor);
  return { clsb, clb, cls: clb > 0 ? clsb / clb : 1 };
}

/**
 * The asymptotic formula for the observed tail probabilities: "pyhf" (the √q variable of
 * sqrtVariable: Cowan eq. 65's second branch for q̃ when q > q_A) or "simple" (the q_μ formula
 * CL_s+b = 1 − Φ(√q), CL_b = Φ(√q_A − √q) for every q, as hps_gpr).
 */
export type AsymptoticFormula = "pyhf" | "simple";

export interface AsymptoticConvention {
  formula?: AsymptoticFormula;
  /** Lower bound on CL_b (hps_gpr: 1e-12); default 0. */
  clbFloor?: number;
}

/** CL_s+b, CL_b and CLs of an observed q given q_A. */
export function observedTails(kind: TestStatistic, q: number, qA: number, c: AsymptoticConvention = {}): TailProbabilities {
  const floor = c.clbFloor ?? 0;
  if (c.formula === "simple") {
    const sq = Math.sqrt(q);
    const clsb = normalSf(sq);
    const clb = Math.max(normalCdf(Math.sqrt(qA) - sq), floor);
    return { clsb, clb, cls: clb > 0 ? clsb / clb : 1 };
  }
  return tailProbabilities(sqrtVariable(kind, q, qA), Math.sqrt(qA), floor);
}

/** q̃ with an unbounded POI tests μ > 0 only: at μ ≤ 0 nothing is excluded, CL_s+b = CL_b = CLs = 1 (hps_gpr). */
const NOTHING_EXCLUDED: TailProbabilities = { clsb: 1, clb: 1, cls: 1 };

/**
 * Observed asymptotic CLs at μ from the profile fits of the observed and Asimov data (any
 * ProfileSource: general fits or a specialised solver).
 */
export function asymptoticCls(kind: TestStatistic, obs: ProfileSource, asimov: ProfileSource, mu: number, c: AsymptoticConvention = {}): { q: number; qA: number; observed: TailProbabilities } {
  if (kind === "qtilde_unbounded" && !(mu > 0)) return { q: 0, qA: 0, observed: NOTHING_EXCLUDED };
  const q = testStatistic(kind, obs, mu);
  const qA = testStatistic(kind, asimov, mu);
  return { q, qA, observed: observedTails(kind, q, qA, c) };
}

export interface CalculatorOptions extends AsymptoticConvention {
  /** Asimov data supplied by the caller (hps_gpr: the background-only n = b) instead of pyhf's conditional fit at μ_A. */
  asimovData?: Float64Array;
  /** Or the Asimov fits themselves, shared by calculators of one model on several data sets. */
  asimovFits?: ProfileFits;
  /** Fit-cache options of the observed and Asimov fits (warm starts, starting point per data set). */
  fits?: ProfileFitsOptions;
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
  /** The parameters the Asimov data were generated at (undefined when the caller supplied them). */
  readonly asimovPars: Float64Array | undefined;

  /** The hypothesis μ_A of the Asimov data set. */
  readonly muA: number;

  /**
   * `muA` defaults to pyhf's choice: the background-only hypothesis μ_A = 0 for q/q̃ (limits),
   * μ_A = 1 for q0 (expected discovery significance).
   */
  constructor(readonly lik: Likelihood, observed: Float64Array, readonly testStat: TestStatistic = "qtilde", readonly base: FitOptions = {}, muA?: number, readonly options: CalculatorOptions = {}) {
    this.obs = new ProfileFits(lik, observed, base, options.fits);
    this.muA = muA ?? (testStat === "q0" ? 1 : 0);
    if (testStat === "tmu" || testStat === "tmutilde") throw new Error(`the asymptotic calculator supports q, qtilde, qtilde_unbounded and q0, not ${testStat} (as pyhf)`);
    if (options.asimovFits) {
      this.asimov = options.asimovFits;
      this.asimovPars = undefined;
    } else if (options.asimovData) {
      this.asimov = new ProfileFits(lik, options.asimovData, base, options.fits);
      this.asimovPars = undefined;
    } else {
      // pyhf's Asimov data from the observed conditional fit at μ_A (this.obs's cache). The
      // Asimov free fit starts from the generating parameters: every Poisson and constraint term
      // is at its own minimum there (λ = n, θ = a), so it is the global minimum when μ_A is
      // inside the POI's bounds, reached in one or two evaluations. The conditional fits start
      // from the base init as before (a warm start from the free fit can fall into another local
      // minimum of a multimodal likelihood: pyhf-validation/2bin_2channel_coupledhistosys).
      // A caller's own starting rule (options.fits.start) is kept as it is.
      const f = this.obs.fixedAt(this.muA);
      this.asimovPars = f.pars;
      const data = lik.expected(f.pars);
      this.asimov = new ProfileFits(lik, data, base, options.fits?.start ? options.fits : { freeStart: f.pars, ...options.fits });
    }
  }

  /** A calculator with the same model, options and Asimov fits for other observed data (e.g. a toy's). */
  withObserved(observed: Float64Array): AsymptoticCalculator {
    return new AsymptoticCalculator(this.lik, observed, this.testStat, this.base, this.muA, { ...this.options, asimovFits: this.asimov });
  }

  /** Hypothesis test at μ (μ is ignored for q0, which tests μ = 0). */
  test(mu: number): AsymptoticResult {
    const muT = this.testStat === "q0" ? 0 : mu;
    const { q, qA, observed } = asymptoticCls(this.testStat, this.obs, this.asimov, muT, this.options);
    const sqA = Math.sqrt(qA);
    const expected = EXPECTED_SIGMAS.map((n) => tailProbabilities(n, sqA));
    return { mu: muT, testStat: this.testStat, q, qA, observed, expected, muHat: this.obs.muHat };
  }
}
