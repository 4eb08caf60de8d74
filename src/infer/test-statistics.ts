// Profile-likelihood test statistics (Cowan, Cranmer, Gross, Vitells, EPJC 71 (2011) 1554,
// eqs. 8–16) with pyhf's conventions (spec ../shared/specs/pyhf.md §5.5):
//   t_μ  = 2NLL(μ, θ̂̂) − 2NLL(μ̂, θ̂), clipped at 0 (imperfect fits);
//   q_μ = q̃_μ = t_μ, set to 0 when μ̂ > μ (the tilde only changes the asymptotic formula;
//   μ̂ ≥ 0 comes from the POI's lower bound in the free fit);
//   q0 = t_0, set to 0 when μ̂ < 0.
// Fits that do not depend on μ (the free fit) are cached per data set.
import { fit, type FitOptions, type FitResult } from "../likelihood/fit.ts";
import type { Likelihood } from "../likelihood/types.ts";

export type TestStatistic = "qtilde" | "q" | "q0" | "tmu" | "tmutilde";

/** Fits of one data set under one likelihood, cached by tested POI value. */
export class ProfileFits {
  private free_?: FitResult;
  private readonly fixed = new Map<number, FitResult>();

  constructor(
    readonly lik: Likelihood,
    readonly data: Float64Array,
    /** Options applied to every fit (init, extra fixed parameters, bound overrides). */
    readonly base: FitOptions = {},
  ) {
    if (lik.poi === null) throw new Error("this model has no parameter of interest");
  }

  get poi(): number {
    return this.lik.poi!;
  }

  /** The unconditional fit (μ̂, θ̂). */
  get free(): FitResult {
    return (this.free_ ??= fit(this.lik, this.data, this.base));
  }

  /** The conditional fit (μ, θ̂̂(μ)), POI initialised and held at μ. */
  fixedAt(mu: number): FitResult {
    let r = this.fixed.get(mu);
    if (!r) {
      r = fit(this.lik, this.data, { ...this.base, fix: [...(this.base.fix ?? []), [this.poi, mu]] });
      this.fixed.set(mu, r);
    }
    return r;
  }

  get muHat(): number {
    return this.free.pars[this.poi];
  }
}

/** t_μ = max(0, 2NLL(μ) − 2NLL(μ̂)). */
export function tmu(f: ProfileFits, mu: number): number {
  return Math.max(0, f.fixedAt(mu).twiceNll - f.free.twiceNll);
}

/** q_μ (= q̃_μ in pyhf): t_μ, or 0 when μ̂ > μ. */
export function qmu(f: ProfileFits, mu: number): number {
  return f.muHat > mu ? 0 : tmu(f, mu);
}

/** q0 = t_0, or 0 when μ̂ < 0. */
export function q0(f: ProfileFits): number {
  return f.muHat < 0 ? 0 : tmu(f, 0);
}

/** The chosen statistic at μ (μ ignored for q0). */
export function testStatistic(kind: TestStatistic, f: ProfileFits, mu: number): number {
  switch (kind) {
    case "q":
    case "qtilde":
      return qmu(f, mu);
    case "q0":
      return q0(f);
    case "tmu":
    case "tmutilde":
      return tmu(f, mu);
  }
}
