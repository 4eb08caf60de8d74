// Goodness of fit against the saturated model, as cabinetry computes it (cabinetry
// fit._goodness_of_fit; Baker & Cousins, NIM 221 (1984) 437): the saturated model reproduces
// every observed count exactly (λ_b = n_b) and every auxiliary measurement exactly, and
//   t = 2 [−ln L(θ̂) + ln L_sat]
// is asymptotically χ² with (number of bins − number of free unconstrained parameters) degrees
// of freedom (cabinetry model_utils.unconstrained_parameter_count: constrained parameters each
// come with their own auxiliary measurement, so they cancel).
//
// t is summed term by term as a deviance, free of the large constants of −ln L:
//   main bins:                2 [λ − n + n ln(n/λ)]
//   Gaussian constraints:     (a − θ)²/σ²
//   Poisson constraints:      2 [γτ − a + a ln(a/(γτ))]
// For the observed data this is exactly cabinetry's statistic (its saturated constraint term is
// evaluated at the suggested inits, which equal the auxiliary nominals). Constraint terms of
// parameters held fixed in the fit are left out: they are zero on the observed data, and on toys
// (whose auxiliary data fluctuate) they would add χ²(1) terms no fit can absorb. Blinded
// channels' bins are left out of t and of the count of bins.
import { fit, type FitOptions } from "../../likelihood/fit.ts";
import { guardNegativeRates } from "../../infer/rate-guard.ts";
import { tailFraction } from "../../infer/toys.ts";
import { chi2Sf } from "../../math/incgamma.ts";
import { Rng } from "../../math/rng.ts";
import { compileModel, type CompileOptions, type HistFactoryModel } from "../model.ts";
import type { WorkspaceSpec } from "../spec.ts";

/** 2[μ − n + n ln(n/μ)]: the Poisson deviance of one count (μ > 0). */
function poissonDeviance(n: number, mu: number): number {
  return 2 * (mu - n + (n > 0 ? n * Math.log(n / mu) : 0));
}

/** Main bins that enter the statistic: 1 unless the bin belongs to a blinded channel. */
export function unblindedBins(model: HistFactoryModel, blindChannels: readonly string[] = []): Uint8Array {
  const mask = new Uint8Array(model.nMain).fill(1);
  for (const c of model.structure.channels) if (blindChannels.includes(c.name)) mask.fill(0, c.offset, c.offset + c.nbins);
  return mask;
}

/**
 * The saturated-model statistic t = 2[−ln L(pars | data) + ln L_sat(data)] (see above); `fixed`
 * marks parameters held fixed in the fit (their constraint terms are left out), `bins` the main
 * bins that count.
 */
export function saturatedStatistic(model: HistFactoryModel, pars: Float64Array, data: Float64Array, fixed: ArrayLike<number>, bins: Uint8Array): number {
  const exp = model.expected(pars);
  let t = 0;
  for (let b = 0; b < model.nMain; b++) if (bins[b]) t += poissonDeviance(data[b], exp[b]);
  for (const ps of model.structure.paramsets) {
    if (ps.constraint === "none") continue;
    for (let i = 0; i < ps.n; i++) {
      const k = ps.offset + i;
      if (fixed[k]) continue;
      const j = model.nMain + ps.auxOffset + i;
      if (ps.constraint === "gaussian") {
        const d = (data[j] - pars[k]) / ps.sigmas[i];
        t += d * d;
      } else t += poissonDeviance(data[j], exp[j]);
    }
  }
  return t;
}

export interface DegreesOfFreedom {
  /** Main bins that enter the statistic. */
  bins: number;
  /** Free parameters without a constraint term (normfactors, shapefactors) that move those bins. */
  unconstrained: number;
  dof: number;
}

/**
 * cabinetry's count: bins − free unconstrained parameters. With blinded channels, an
 * unconstrained parameter that moves none of the remaining bins (e.g. a signal strength whose
 * sample lives only in the blinded region) is not counted.
 */
export function degreesOfFreedom(model: HistFactoryModel, pars: Float64Array, fixed: ArrayLike<number>, bins: Uint8Array): DegreesOfFreedom {
  let nb = 0;
  for (let b = 0; b < model.nMain; b++) nb += bins[b];
  const blinded = nb < model.nMain;
  const moves = new Uint8Array(model.parameters.length);
  if (blinded) {
    const g = new Float64Array(model.parameters.length);
    for (let b = 0; b < model.nMain; b++) {
      if (!bins[b]) continue;
      model.expectedBinGrad(pars, b, g);
      for (let k = 0; k < g.length; k++) if (g[k] !== 0) moves[k] = 1;
    }
  }
  let unconstrained = 0;
  model.parameters.forEach((p, k) => {
    if (!p.constrained && !fixed[k] && (!blinded || moves[k])) unconstrained++;
  });
  return { bins: nb, unconstrained, dof: nb - unconstrained };
}

export interface ToyGoodnessOfFit {
  ntoys: number;
  seed: number;
  /** Toys whose fit failed (not converged or non-finite): excluded from the p-value. */
  failed: number;
  /** Fraction of successful toys with t ≥ t_obs. */
  p_value: number;
  /** t of every toy by index (NaN = failed). */
  statistics: number[];
}

export interface GoodnessOfFit {
  /** The saturated-model statistic t. */
  statistic: number;
  dof: number;
  bins: number;
  unconstrained: number;
  /** Asymptotic P(χ²_dof ≥ t); NaN when dof ≤ 0 (as cabinetry). */
  p_value: number;
  toys?: ToyGoodnessOfFit;
}

/** The asymptotic goodness of fit of a fit result (`pars`, `fixed`) to `data`. */
export function goodnessOfFit(model: HistFactoryModel, pars: Float64Array, fixed: ArrayLike<number>, data: Float64Array, blindChannels: readonly string[] = []): GoodnessOfFit {
  const bins = unblindedBins(model, blindChannels);
  const statistic = saturatedStatistic(model, pars, data, fixed, bins);
  const d = degreesOfFreedom(model, pars, fixed, bins);
  return { statistic, dof: d.dof, bins: d.bins, unconstrained: d.unconstrained, p_value: d.dof > 0 ? chi2Sf(statistic, d.dof) : NaN };
}

// ---- toys on any executor ------------------------------------------------------------------

/** Arguments of the toy runner (structured-clonable: a worker rebuilds the model from them). */
export interface GofToyArgs {
  spec: WorkspaceSpec;
  /** Compile options of the fitted model (blinding included). */
  options: CompileOptions;
  /** Generating parameters (the best fit). */
  pars: number[];
  seed: number;
  fit?: FitOptions;
}

/** A unit of work: toys [start, end). */
export interface GofToyTask {
  start: number;
  end: number;
}

/**
 * Runner factory for a TaskExecutor: toy i draws its data from Rng.forStream(seed, i) at the
 * generating parameters, is refitted from them, and gives t at its own best fit (NaN if the fit
 * fails). Results depend on the toy index only, not on the executor or the number of workers.
 */
export function gofToyRunner(args: GofToyArgs): { run(task: GofToyTask): number[] } {
  const model = compileModel(args.spec, args.options);
  const lik = guardNegativeRates(model);
  const pars = Float64Array.from(args.pars);
  const bins = unblindedBins(model, args.options.blindChannels ?? []);
  const data = new Float64Array(model.nMain + model.nAux);
  return {
    run(task) {
      const out: number[] = [];
      for (let i = task.start; i < task.end; i++) {
        model.sample(pars, Rng.forStream(args.seed, i), data);
        let t = NaN;
        try {
          const r = fit(lik, data, { ...(args.fit ?? {}), init: pars });
          if (r.converged && Number.isFinite(r.nll)) t = saturatedStatistic(model, r.pars, data, r.fixed, bins);
        } catch {
          t = NaN;
        }
        out.push(t);
      }
      return out;
    },
  };
}

/** The TaskExecutor recipe of the toy runner. */
export function gofToyRecipe(args: GofToyArgs): { module: string; factory: string; args: GofToyArgs } {
  return { module: new URL("./gof.ts", import.meta.url).href, factory: "gofToyRunner", args };
}

/** Split `ntoys` into tasks of `batch` toys. */
export function gofToyTasks(ntoys: number, batch = 10): GofToyTask[] {
  const tasks: GofToyTask[] = [];
  for (let s = 0; s < ntoys; s += batch) tasks.push({ start: s, end: Math.min(ntoys, s + batch) });
  return tasks;
}

/** Toy p-value from the toys' statistics and the observed one. */
export function toyGoodnessOfFit(observed: number, statistics: number[], seed: number): ToyGoodnessOfFit {
  const failed = statistics.filter((t) => !Number.isFinite(t)).length;
  return { ntoys: statistics.length, seed, failed, p_value: tailFraction(statistics, observed), statistics };
}
