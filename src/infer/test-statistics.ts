// Profile-likelihood test statistics (Cowan, Cranmer, Gross, Vitells, EPJC 71 (2011) 1554,
// eqs. 8–16) with pyhf's conventions (spec ../shared/specs/pyhf.md §5.5):
//   t_μ  = 2NLL(μ, θ̂̂) − 2NLL(μ̂, θ̂), clipped at 0 (imperfect fits);
//   q_μ = q̃_μ = t_μ, set to 0 when μ̂ > μ (the tilde only changes the asymptotic formula;
//   μ̂ ≥ 0 comes from the POI's lower bound in the free fit);
//   q0 = t_0, set to 0 when μ̂ < 0.
// and Cowan's q̃_μ for an unbounded POI (eq. 16; hps_gpr, spec hps_gpr.md §7.6), where μ̂ < 0
// is allowed in the free fit and the branch μ̂ < 0 compares with the fit at μ = 0 instead.
// Fits that do not depend on μ (the free fit) are cached per data set.
import { fit, uncertainties, type FitOptions, type FitResult } from "../likelihood/fit.ts";
import type { Likelihood } from "../likelihood/types.ts";

export type TestStatistic = "qtilde" | "q" | "q0" | "tmu" | "tmutilde" | "qtilde_unbounded";

/**
 * What the test statistics need of one data set: μ̂ and the profile minima, free and at fixed μ
 * (as 2NLL; only differences matter). ProfileFits provides it with general fits; a specialised
 * solver (the bump hunt's Newton fits, bumphunt/bands.ts) can provide it too.
 */
export interface ProfileSource {
  readonly muHat: number;
  readonly twiceNllFree: number;
  twiceNllAt(mu: number): number;
}

export interface ProfileFitsOptions {
  /**
   * Start each conditional fit from the free fit's parameters with the POI set to μ (default:
   * from the base init). Same minimum, fewer iterations near μ̂.
   */
  warmStart?: boolean;
  /**
   * Starting point of the free fit only (the conditional fits keep base.init), e.g. the
   * generating parameters of an Asimov data set (its free fit's minimum).
   */
  freeStart?: ArrayLike<number>;
  /** Starting point of the free fit for this data set (overrides base.init), e.g. a GLS estimate of the POI. */
  start?: (data: Float64Array) => ArrayLike<number>;
}

/** Fits of one data set under one likelihood, cached by tested POI value. */
export class ProfileFits implements ProfileSource {
  private free_?: FitResult;
  private readonly fixed = new Map<number, FitResult>();
  /** Options applied to every fit (init, extra fixed parameters, bound overrides). */
  readonly base: FitOptions;

  constructor(readonly lik: Likelihood, readonly data: Float64Array, base: FitOptions = {}, readonly options: ProfileFitsOptions = {}) {
    if (lik.poi === null) throw new Error("this model has no parameter of interest");
    this.base = options.start ? { ...base, init: options.start(data) } : base;
  }

  get poi(): number {
    return this.lik.poi!;
  }

  /** The unconditional fit (μ̂, θ̂). */
  get free(): FitResult {
    return (this.free_ ??= fit(this.lik, this.data, this.options.freeStart ? { ...this.base, init: this.options.freeStart } : this.base));
  }

  /** The conditional fit (μ, θ̂̂(μ)), POI initialised and held at μ. */
  fixedAt(mu: number): FitResult {
    let r = this.fixed.get(mu);
    if (!r) {
      const fix: ReadonlyArray<readonly [number, number]> = [...(this.base.fix ?? []), [this.poi, mu]];
      if (this.options.warmStart) {
        const init = Float64Array.from(this.free.pars);
        init[this.poi] = mu;
        r = fit(this.lik, this.data, { ...this.base, init, fix });
      } else r = fit(this.lik, this.data, { ...this.base, fix });
      this.fixed.set(mu, r);
    }
    return r;
  }

  get muHat(): number {
    return this.free.pars[this.poi];
  }

  get twiceNllFree(): number {
    return this.free.twiceNll;
  }

  twiceNllAt(mu: number): number {
    return this.fixedAt(mu).twiceNll;
  }

  /** σ(μ̂) from the Hessian at the free fit (Minuit HESSE convention). */
  poiError(): number {
    return uncertainties(this.lik, this.data, this.free).errors[this.poi];
  }
}

/** t_μ = max(0, 2NLL(μ) − 2NLL(μ̂)). */
export function tmu(f: ProfileSource, mu: number): number {
  return Math.max(0, f.twiceNllAt(mu) - f.twiceNllFree);
}

/** q_μ (= q̃_μ in pyhf): t_μ, or 0 when μ̂ > μ. */
export function qmu(f: ProfileSource, mu: number): number {
  return f.muHat > mu ? 0 : tmu(f, mu);
}

/** q0 = t_0, or 0 when μ̂ < 0. */
export function q0(f: ProfileSource): number {
  return f.muHat < 0 ? 0 : tmu(f, 0);
}

/** Which case of Cowan's q̃_μ applies (hps_gpr's names). */
export type QtildeBranch = "muhat_gt_test" | "interior" | "boundary";

/** Tolerance on μ̂ in the branch choice of q̃ with an unbounded POI (hps_gpr). */
export const QTILDE_BRANCH_TOL = 1e-10;

/**
 * Cowan's q̃_μ with the POI unbounded in the free fit (eq. 16): 0 if μ̂ > μ; t_μ if
 * 0 ≤ μ̂ ≤ μ; max(0, 2NLL(μ) − 2NLL(0)) if μ̂ < 0 (μ̂ compared with tolerance 1e-10).
 */
export function qtildeUnbounded(f: ProfileSource, mu: number): { q: number; branch: QtildeBranch } {
  const muHat = f.muHat;
  if (muHat > mu + QTILDE_BRANCH_TOL) return { q: 0, branch: "muhat_gt_test" };
  const t = f.twiceNllAt(mu);
  if (muHat >= -QTILDE_BRANCH_TOL) return { q: Math.max(0, t - f.twiceNllFree), branch: "interior" };
  return { q: Math.max(0, t - f.twiceNllAt(0)), branch: "boundary" };
}

/** The chosen statistic at μ (μ ignored for q0). */
export function testStatistic(kind: TestStatistic, f: ProfileSource, mu: number): number {
  switch (kind) {
    case "q":
    case "qtilde":
      return qmu(f, mu);
    case "qtilde_unbounded":
      return qtildeUnbounded(f, mu).q;
    case "q0":
      return q0(f);
    case "tmu":
    case "tmutilde":
      return tmu(f, mu);
  }
}
