// Ranking of nuisance parameters by their impact on the POI, as cabinetry shows it: refit with
// the nuisance parameter held at θ̂ ± σ (pre-fit σ from its constraint, post-fit σ from the
// Hessian) and record the shift of the POI; sorted by the largest post-fit impact.
import { fit, uncertainties, type FitOptions } from "../likelihood/fit.ts";
import type { Likelihood } from "../likelihood/types.ts";

export interface Impact {
  parameter: string;
  bestfit: number;
  uncertainty: number;
  prefit_up: number;
  prefit_down: number;
  postfit_up: number;
  postfit_down: number;
}

export interface RankingResult {
  poi: string;
  poi_hat: number;
  poi_uncertainty: number;
  impacts: Impact[];
}

export function ranking(lik: Likelihood, o: { data?: Float64Array; fit?: FitOptions; maxParameters?: number } = {}): RankingResult {
  if (lik.poi === null) throw new Error("ranking needs a model with a parameter of interest");
  const poi = lik.poi;
  const data = o.data ?? lik.observed;
  const best = fit(lik, data, o.fit ?? {});
  const unc = uncertainties(lik, data, best);
  const shift = (i: number, value: number): number => {
    const p = lik.parameters[i];
    const v = Math.min(p.upper, Math.max(p.lower, value));
    const init = Float64Array.from(best.pars);
    init[i] = v;
    const r = fit(lik, data, { ...(o.fit ?? {}), init, fix: [...(o.fit?.fix ?? []), [i, v]] });
    return r.pars[poi] - best.pars[poi];
  };
  const impacts: Impact[] = [];
  lik.parameters.forEach((p, i) => {
    if (i === poi || best.fixed[i] || !p.constrained) return;
    const th = best.pars[i];
    const pre = p.prefitSigma, post = unc.errors[i];
    impacts.push({
      parameter: p.name, bestfit: th, uncertainty: post,
      prefit_up: shift(i, th + pre), prefit_down: shift(i, th - pre),
      postfit_up: shift(i, th + post), postfit_down: shift(i, th - post),
    });
  });
  impacts.sort((a, b) => Math.max(Math.abs(b.postfit_up), Math.abs(b.postfit_down)) - Math.max(Math.abs(a.postfit_up), Math.abs(a.postfit_down)));
  return {
    poi: lik.parameters[poi].name, poi_hat: best.pars[poi], poi_uncertainty: unc.errors[poi],
    impacts: o.maxParameters ? impacts.slice(0, o.maxParameters) : impacts,
  };
}
