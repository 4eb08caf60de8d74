// A fit report as cabinetry gives one, from a workspace: the fit, pre- and post-fit yields with
// uncertainties, pulls, correlations, impacts (infer/ranking.ts) and the saturated-model
// goodness of fit, as one JSON-able object (`buildReport`); figures.ts turns it into figures and
// write.ts into a folder.
//
// Blinding (`blind`): the named channels' main bins leave the likelihood (the model's
// blindChannels), so the fit, impacts and goodness of fit see no data there, and their observed
// counts appear nowhere in the report (data: null). `asimov`: everything is done on the pre-fit
// Asimov data (cabinetry's asimov_data: expected data, auxiliary data included, at the pre-fit
// parameters).
import { fit, uncertainties, type FitResult } from "../../likelihood/fit.ts";
import { ranking, type RankingResult } from "../../infer/ranking.ts";
import { inThread, type TaskExecutor } from "../../infer/executor.ts";
import { InputError } from "../../io/errors.ts";
import { compileModel, type CompileOptions } from "../model.ts";
import type { WorkspaceSpec } from "../spec.ts";
import { goodnessOfFit, gofToyRecipe, gofToyTasks, toyGoodnessOfFit, type GoodnessOfFit } from "./gof.ts";
import { postfitPrediction, prefitParameters, prefitPrediction, yieldModel, type Prediction, type Propagation } from "./yields.ts";

export interface ReportOptions {
  /** Measurement, POI, interpolation codes; `blindChannels` is set from `blind`. */
  compile?: Omit<CompileOptions, "blindChannels">;
  /** Channels whose data are hidden everywhere (and left out of the likelihood). */
  blind?: string[];
  /** Fit the pre-fit Asimov data instead of the observed data. */
  asimov?: boolean;
  /** Yield uncertainty propagation (default "linear": analytic Jacobian). */
  propagation?: Propagation;
  /** Parameter vectors drawn for propagation "sampling" (default 5000; seeded by `seed`). */
  draws?: number;
  /** Number of ranked parameters (0: no ranking; default 20). Skipped for a model without POI. */
  rankingTop?: number;
  /** Toys for the toy-based goodness of fit (default 0: asymptotic only). */
  gofToys?: number;
  seed?: number;
  /** Where the toys run (default: this thread). */
  executor?: TaskExecutor;
  /** Toys per task (default 10). */
  toyBatch?: number;
}

export interface PullEntry {
  name: string;
  /** Best fit θ̂ and its post-fit uncertainty. */
  bestfit: number;
  uncertainty: number;
  /** Pre-fit centre θ₀ and width Δθ. */
  prefit: number;
  prefit_sigma: number;
  /** (θ̂ − θ₀)/Δθ and σ̂/Δθ. */
  pull: number;
  pull_error: number;
  /** Modifier type that owns the parameter (normsys, histosys, staterror, shapesys, lumi). */
  type: string;
}

export interface Report {
  workspace: string;
  patch: string | null;
  measurement: string;
  poi: string | null;
  channels: { name: string; nbins: number }[];
  samples: string[];
  blinded: string[];
  asimov: boolean;
  fit: {
    converged: boolean;
    message: string;
    twice_nll: number;
    bestfit: Record<string, number>;
    uncertainties: Record<string, number>;
    fixed: string[];
  };
  /** Observed (or Asimov) counts per channel; null for a blinded channel. */
  data: Record<string, number[] | null>;
  yields: { prefit: Prediction; postfit: Prediction };
  pulls: PullEntry[];
  /** Unconstrained free parameters (normfactors, shapefactors) with their values. */
  normfactors: { name: string; bestfit: number; uncertainty: number }[];
  /** Correlation matrix of the free parameters (row-major). */
  correlation: { names: string[]; matrix: number[] };
  ranking: RankingResult | null;
  goodness_of_fit: GoodnessOfFit;
  seconds: Record<string, number>;
}

/** The numbers of a fit report (everything but the figures). */
export async function buildReport(spec: WorkspaceSpec, file: string, patch: string | null, o: ReportOptions = {}): Promise<Report> {
  const seconds: Record<string, number> = {};
  let t = performance.now();
  const lap = (k: string) => { const now = performance.now(); seconds[k] = (now - t) / 1000; t = now; };
  const blind = o.blind ?? [];
  const options: CompileOptions = { ...(o.compile ?? {}), file, blindChannels: blind };
  const model = compileModel(spec, options);
  for (const b of blind) if (!model.structure.channels.some((c) => c.name === b)) throw new InputError(file, "--blind", `no channel "${b}" (channels: ${model.structure.channels.map((c) => c.name).join(", ")})`);
  const ym = yieldModel(spec, options);
  lap("compile");

  const data = o.asimov ? ym.model.expected(prefitParameters(ym.model)) : model.observed;
  const r: FitResult = fit(model, data);
  const u = uncertainties(model, data, r);
  lap("fit");

  const names = model.parNames;
  const record = (a: ArrayLike<number>) => Object.fromEntries(names.map((n, i) => [n, a[i]]));
  const so = { draws: o.draws, seed: o.seed };
  const prefit = prefitPrediction(ym, o.propagation, so);
  const postfit = postfitPrediction(ym, r.pars, u.covariance, o.propagation, so);
  lap("yields");

  const p0 = prefitParameters(model);
  const typeOf = new Map<number, string>();
  for (const ps of model.structure.paramsets) for (let i = 0; i < ps.n; i++) typeOf.set(ps.offset + i, ps.type);
  const pulls: PullEntry[] = [];
  const normfactors: Report["normfactors"] = [];
  model.parameters.forEach((p, k) => {
    if (r.fixed[k]) return;
    if (!p.constrained) { normfactors.push({ name: p.name, bestfit: r.pars[k], uncertainty: u.errors[k] }); return; }
    const s = p.prefitSigma;
    pulls.push({ name: p.name, bestfit: r.pars[k], uncertainty: u.errors[k], prefit: p0[k], prefit_sigma: s, pull: (r.pars[k] - p0[k]) / s, pull_error: u.errors[k] / s, type: typeOf.get(k)! });
  });
  const free = names.map((_, k) => k).filter((k) => !r.fixed[k]);
  const n = names.length;
  const correlation = { names: free.map((k) => names[k]), matrix: free.flatMap((i) => free.map((j) => u.correlation[i * n + j])) };
  lap("pulls");

  const top = o.rankingTop ?? 20;
  const rk = model.poi !== null && top > 0 ? ranking(model, { data, maxParameters: top }) : null;
  lap("ranking");

  const gof = goodnessOfFit(model, r.pars, r.fixed, data, blind);
  if ((o.gofToys ?? 0) > 0) {
    const seed = o.seed ?? 0;
    const recipe = gofToyRecipe({ spec, options, pars: Array.from(r.pars), seed });
    const stats = (await (o.executor ?? inThread).run<{ start: number; end: number }, number[]>(recipe, gofToyTasks(o.gofToys!, o.toyBatch ?? 10))).flat();
    gof.toys = toyGoodnessOfFit(gof.statistic, stats, seed);
  }
  lap("goodness_of_fit");

  const obs: Record<string, number[] | null> = {};
  for (const c of ym.channels) obs[c.name] = blind.includes(c.name) ? null : Array.from(data.subarray(c.offset, c.offset + c.nbins));
  return {
    workspace: file, patch, measurement: model.structure.measurement.name, poi: model.poi === null ? null : names[model.poi],
    channels: ym.channels.map((c) => ({ name: c.name, nbins: c.nbins })), samples: ym.samples, blinded: blind, asimov: !!o.asimov,
    fit: {
      converged: r.converged, message: r.message, twice_nll: r.twiceNll, bestfit: record(r.pars), uncertainties: record(u.errors),
      fixed: names.filter((_, k) => r.fixed[k]),
    },
    data: obs, yields: { prefit, postfit }, pulls, normfactors, correlation, ranking: rk, goodness_of_fit: gof, seconds,
  };
}

/** Parameters of the correlation figure: those with |ρ| > threshold with any other parameter. */
export function prunedCorrelation(c: Report["correlation"], threshold: number): { names: string[]; matrix: number[] } {
  const n = c.names.length;
  const keep = c.names.map((_, i) => i).filter((i) => c.names.some((_, j) => j !== i && Math.abs(c.matrix[i * n + j]) > threshold));
  return { names: keep.map((i) => c.names[i]), matrix: keep.flatMap((i) => keep.map((j) => c.matrix[i * n + j])) };
}
