// What the two binning models share (../shared/specs/gato_sage.md §A1): a serialisable spec,
// raw parameters, a compiled "state" (what the event loop needs, recomputed once per step and
// sent to the worker threads), the event kernels and the chain rule from event-level
// sufficient statistics back to the raw parameters.
import type { Rng } from "../math/rng.ts";

export interface GmmSpec {
  type: "gmm";
  /** Categories (mixture components). */
  k: number;
  /** Dimension of the discriminant. */
  d: number;
  /** Mean reparametrisation (§A2): softmax onto the simplex, or sigmoid into `range`. */
  meanNorm: "softmax" | "sigmoid";
  /** Per-dimension (lo, hi) for sigmoid means. */
  range: [number, number][];
  /** Off-diagonal Cholesky damping c (§A2, default 0.1). */
  damping: number;
}

export interface SigmoidVariable {
  name: string;
  /** Bins n_j ≥ 2. */
  bins: number;
  range: [number, number];
}

export interface SigmoidSpec {
  type: "sigmoid";
  variables: SigmoidVariable[];
}

export type ModelSpec = GmmSpec | SigmoidSpec;

/** The event loop of a model: all plain functions of (state, arrays); nothing allocated per call. */
export interface EventKernel {
  readonly k: number;
  readonly d: number;
  /** Length of the sufficient-statistics vector the backward pass accumulates. */
  readonly statsLength: number;
  /**
   * Soft assignment of events [i0, i1): γ written to gamma[(i − i0)·K + k] (gamma is the chunk's
   * cache), and Y[p·K + k] += γ w, Y2[p·K + k] += γ w² accumulated.
   */
  forward(state: Float64Array, temp: number, x: Float64Array, w: Float64Array, proc: Int32Array, i0: number, i1: number,
    gamma: Float64Array, y: Float64Array, y2: Float64Array): void;
  /** Backward pass given ∂L/∂Y, ∂L/∂Y2 and the cached γ: sufficient statistics accumulated into stats. */
  backward(state: Float64Array, temp: number, x: Float64Array, w: Float64Array, proc: Int32Array, i0: number, i1: number,
    gamma: Float64Array, gY: Float64Array, gY2: Float64Array, stats: Float64Array): void;
  /** Hard category of event i (T-independent, §A13). */
  hard(state: Float64Array, x: Float64Array, i: number): number;
}

/** A binning model: raw parameters, compiled state, and the chain rule back to the parameters. */
export interface BinningModel {
  readonly spec: ModelSpec;
  readonly k: number;
  readonly d: number;
  readonly nParams: number;
  /** Names of the raw parameters (for checkpoints and messages). */
  parameterNames(): string[];
  /** Seeded initial raw parameters (§A2, §A3). */
  init(rng: Rng): Float64Array;
  /** Compiled state for the kernels; `sharp` is the sigmoid steepness (ignored by the GMM). */
  compile(params: Float64Array, sharp?: number): Float64Array;
  /** ∂loss/∂params from the reduced sufficient statistics. */
  gradient(params: Float64Array, state: Float64Array, temp: number, stats: Float64Array, out: Float64Array): void;
  kernel(): EventKernel;
}
