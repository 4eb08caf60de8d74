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
  /**
   * Optional: parameters the model profiles in closed form given all the others (HistFactory's
   * per-bin γ's, Barlow–Beeston-lite). `fit` asks once per fit, with the data, the parameters
   * held fixed (1 = held) and the bounds in force; null = none. The fit then moves only the
   * other parameters and minimises the profiled −ln L: the same minimum, fewer dimensions.
   */
  closedFormProfile?(data: Float64Array, held: Uint8Array, lower: Float64Array, upper: Float64Array): ClosedFormProfile | null;
  /**
   * Optional: the trust region of fits of this model, in pre-fit widths (the quasi-Newton
   * optimiser moves no parameter by more than this many 1/√curvature per iteration; see
   * MinimizeOptions.maxStep). Default: none.
   */
  readonly fitMaxStep?: number;
  /**
   * Optional: the smallest expected main-bin rate of the most recent nll / nllGrad / closed-form
   * profile evaluation (no recomputation). Lets infer's rate guard skip a second rate pass.
   */
  lastMinMainRate?(): number;
  /**
   * Optional: a positive semi-definite approximation of the Hessian of −ln L at `pars`
   * (Gauss–Newton/Fisher form for the main terms plus the exact constraint curvatures),
   * restricted to the parameters listed in `idx`: out[a·m + b] = ∂²(−ln L)/∂θ_idx[a]∂θ_idx[b],
   * m = idx.length. Lets the optimiser take Newton steps (likelihood/fit.ts).
   */
  hessian?(pars: Float64Array, data: Float64Array, idx: Int32Array, out: Float64Array): void;
  /**
   * Optional: parameters at which −ln L is continuous but not differentiable (a kink at `at`,
   * e.g. HistFactory's piecewise interpolation codes 0 and 1 at α = 0). Minima can then sit on
   * either side of the kink, and a fit started on the kink picks a side by its first gradient:
   * `fit` tries the mirrored side too (likelihood/fit.ts).
   */
  readonly kinks?: ReadonlyArray<{ index: number; at: number }>;
}

/** A closed-form profile over some parameters (see Likelihood.closedFormProfile). */
export interface ClosedFormProfile {
  /** 1 = this parameter is profiled in closed form. */
  readonly mask: Uint8Array;
  /**
   * min over the masked parameters of −ln L(pars | data): writes their conditional optimum
   * into `pars` (the other entries are read), and the gradient with respect to the others
   * (envelope theorem: ∂/∂θ at the optimum; 0 for the masked ones) into `grad`.
   */
  nllGrad(pars: Float64Array, grad: Float64Array): number;
  /**
   * Optional: the Hessian approximation of the profiled −ln L (as Likelihood.hessian, the
   * profiled parameters eliminated: the Schur complement) for the parameters in `idx`, at the
   * point of the most recent nllGrad call (whose `pars` carry the profiled values).
   */
  hessian?(pars: Float64Array, idx: Int32Array, out: Float64Array): void;
}

/** Initial values of all parameters as a fresh array. */
export function initialValues(lik: Likelihood): Float64Array {
  return Float64Array.from(lik.parameters, (p) => p.init);
}

/** Index of a parameter by name, or −1. */
export function parameterIndex(lik: Likelihood, name: string): number {
  return lik.parameters.findIndex((p) => p.name === name);
}
