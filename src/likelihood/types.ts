// The one interface every statistical model implements and every inference routine consumes
// (see DESIGN.md). Data are a single Float64Array laid out as pyhf does: the main-measurement
// bins first (nMain), then the auxiliary data of the constraint terms (nAux).
import type { Rng } from "../math/rng.ts";

export interface ParameterSpec {
  /** Name, with a "[i]" suffix for one component of a per-bin parameter set (pyhf style). */
  readonly name: string;
  readonly init: number;
  readonly lower: number;
  readonly upper: number;
  /** Held at `init` in every fit unless a caller overrides it. */
  readonly fixed: boolean;
  /** True if an auxiliary measurement constrains it (a nuisance parameter with a pre-fit width). */
  readonly constrained: boolean;
  /** Pre-fit 1σ width for constrained parameters (Gaussian σ, or 1/√τ for Poisson), else NaN. */
  readonly prefitSigma: number;
}

export interface Likelihood {
  readonly parameters: readonly ParameterSpec[];
  /** Index of the parameter of interest, or null for a POI-less model. */
  readonly poi: number | null;
  readonly nMain: number;
  readonly nAux: number;
  /** Observed data (main + aux). */
  readonly observed: Float64Array;
  /** −ln L(pars | data), all constants kept (twice_nll = 2·nll). Allocates nothing. */
  nll(pars: Float64Array, data: Float64Array): number;
  /** −ln L and its gradient with respect to every parameter, written into `grad`. Allocates nothing. */
  nllGrad(pars: Float64Array, data: Float64Array, grad: Float64Array): number;
  /** Expected data (main rates + auxiliary data at the parameter values): pyhf's expected_data. */
  expected(pars: Float64Array, out?: Float64Array): Float64Array;
  /** One pseudo-experiment drawn from the model at `pars` (main Poisson, aux from the constraints). */
  sample(pars: Float64Array, rng: Rng, out?: Float64Array): Float64Array;
  /**
   * Optional: a diagonal curvature estimate of −ln L at `pars` (e.g. the Fisher information),
   * written to `out`. Seeds the optimiser; without it the optimiser measures one by finite
   * differences of the gradient (one extra gradient call per parameter).
   */
  curvature?(pars: Float64Array, data: Float64Array, out: Float64Array): void;
}

/** Initial values of all parameters as a fresh array. */
export function initialValues(lik: Likelihood): Float64Array {
  return Float64Array.from(lik.parameters, (p) => p.init);
}

/** Index of a parameter by name, or −1. */
export function parameterIndex(lik: Likelihood, name: string): number {
  return lik.parameters.findIndex((p) => p.name === name);
}
