// The results of the HistFactory commands as JSON-ready records: what `searchlight inspect|fit|cls|
// upper-limit|significance --json` print and what the browser engine (src/web) returns, built in
// one place so that both faces give the same keys and the same numbers.
import { hypotest } from "../infer/hypotest.ts";
import { significance } from "../infer/significance.ts";
import { upperLimit, type UpperLimitResult } from "../infer/upper-limit.ts";
import { fit, uncertainties } from "../likelihood/fit.ts";
import { InputError } from "../io/errors.ts";
import { linspace } from "../math/stats.ts";
import { clsPlot, type VegaLiteSpec } from "../plot/charts.ts";
import { axisLabel } from "../plot/style.ts";
import type { HistFactoryModel } from "./model.ts";

/** InputError when the model has no parameter of interest (the CLI's and the page's message). */
export function needPoi(model: { poi: number | null }, file: string): asserts model is { poi: number } {
  if (model.poi === null) throw new InputError(file, "/measurements/0/config/poi", "the model has no POI: name one with --poi-name or apply a signal patch");
}

/** `inspect --json`: channels, samples, parameter sets and interpolation codes. */
export function inspectSummary(model: HistFactoryModel) {
  const st = model.structure;
  const modifierCounts: Record<string, number> = {};
  for (const ps of st.paramsets) modifierCounts[ps.type] = (modifierCounts[ps.type] ?? 0) + 1;
  return {
    channels: st.channels.map((c) => ({ name: c.name, bins: c.nbins })),
    samples: st.samples,
    measurement: st.measurement.name,
    poi: st.poiName,
    n_bins: model.nMain,
    n_auxdata: model.nAux,
    n_parameters: model.parameters.length,
    paramsets: st.paramsets.map((p) => ({ name: p.name, type: p.type, n: p.n, constraint: p.constraint, inits: p.inits, bounds: p.bounds, fixed: p.fixed })),
    modifier_types: modifierCounts,
    interpolation: model.modifierSettings,
  };
}

/** `fit --json`: the maximum-likelihood fit to the observed data with Hessian uncertainties. */
export function fitSummary(model: HistFactoryModel, fix: [number, number][] = []) {
  const t0 = performance.now();
  const r = fit(model, model.observed, { fix });
  const seconds = (performance.now() - t0) / 1000;
  const u = uncertainties(model, model.observed, r);
  const bestfit: Record<string, number> = {};
  const errs: Record<string, number> = {};
  model.parNames.forEach((n, i) => {
    bestfit[n] = r.pars[i];
    errs[n] = u.errors[i];
  });
  const json = {
    bestfit, uncertainties: errs, twice_nll: r.twiceNll, converged: r.converged,
    poi: model.poi === null ? null : model.parNames[model.poi],
    iterations: r.iterations, evaluations: r.evaluations, message: r.message, seconds,
  };
  return { json, fit: r, errors: u.errors, seconds };
}

/** `cls --json` with the asymptotic calculator: CLs at one POI value. */
export function clsSummary(model: HistFactoryModel & { poi: number }, mu: number, testStat: "qtilde" | "q") {
  const r = hypotest(model, mu, { testStat });
  return { cls_obs: r.cls_obs, cls_exp: r.cls_exp, clsb_obs: r.clsb_obs, clb_obs: r.clb_obs, poi: mu, test_stat: testStat, calculator: "asymptotics", test_statistic: r.test_statistic, mu_hat: r.mu_hat };
}

/** `upper-limit --json`: observed and expected CLs limits on the POI (and the scan, for figures). */
export function upperLimitSummary(model: HistFactoryModel & { poi: number }, cl: number, testStat: "qtilde" | "q", scan?: number[]): { json: ReturnType<typeof limitJson>; result: UpperLimitResult } {
  const r = upperLimit(model, { level: 1 - cl, testStat, scan });
  return { json: limitJson(model, r, cl, testStat), result: r };
}

function limitJson(model: HistFactoryModel & { poi: number }, r: UpperLimitResult, cl: number, testStat: string) {
  return {
    obs: r.obs, exp: r.exp, cl, poi: model.parNames[model.poi], test_stat: testStat, n_hypotests: r.n_hypotests,
    above_poi_bound: r.above_poi_bound, poi_upper_bound: r.poi_upper_bound, poi_upper_bound_used: r.poi_upper_bound_used, capped: r.capped,
  };
}

/** `significance --json`: discovery p0 and Z, observed and expected. */
export function significanceSummary(model: HistFactoryModel & { poi: number }) {
  const s = significance(model);
  return { p0_obs: s.p0_obs, z_obs: s.z_obs, p0_exp: s.p0_exp, z_exp: s.z_exp, p0_exp_band: s.p0_exp_band, z_exp_band: s.z_exp_band, q0: s.q0, mu_hat: s.mu_hat };
}

export interface ClsCurvePoint { mu: number; cls_obs: number; cls_exp: number[] }

/**
 * The CLs curves of an upper limit for its figure: up to a little beyond the largest finite limit,
 * on a dense grid (the root finder's points are too sparse for smooth bands), keeping the points
 * the limit search already has.
 */
export function clsCurve(model: HistFactoryModel & { poi: number }, r: UpperLimitResult, testStat: "qtilde" | "q", points = 41): ClsCurvePoint[] {
  const xmax = 1.3 * Math.max(...[r.obs, ...r.exp].filter(Number.isFinite));
  const lo = model.parameters[model.poi].lower;
  const have = r.scan.filter((p) => p.mu <= xmax && p.mu >= lo).map((p) => ({ mu: p.mu, cls_obs: p.cls_obs, cls_exp: [...p.cls_exp] }));
  const dense = Array.from(linspace(Math.max(lo, 0), xmax, points)).filter((mu) => !have.some((p) => Math.abs(p.mu - mu) < 1e-9 * (1 + xmax)))
    .map((mu) => { const h = hypotest(model, mu, { testStat }); return { mu, cls_obs: h.cls_obs, cls_exp: [...h.cls_exp] }; });
  return [...have, ...dense].filter((p) => p.mu > 0 || testStat === "q").sort((a, b) => a.mu - b.mu);
}

/** The Vega-Lite spec of the CLs-vs-POI figure (`upper-limit --figure`, and the page's figure). */
export function clsFigure(curve: ClsCurvePoint[], o: { cl: number; poi: string; label?: string }): VegaLiteSpec {
  const s = curve;
  return clsPlot({
    x: s.map((p) => p.mu), median: s.map((p) => p.cls_exp[2]), minus1: s.map((p) => p.cls_exp[1]), plus1: s.map((p) => p.cls_exp[3]),
    minus2: s.map((p) => p.cls_exp[0]), plus2: s.map((p) => p.cls_exp[4]), observed: s.map((p) => p.cls_obs),
    alpha: 1 - o.cl, poi: o.poi, xAxis: { title: axisLabel(o.poi) }, yAxis: { title: "CLs" }, label: o.label,
  });
}
