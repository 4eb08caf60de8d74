// Bounded quasi-Newton minimisation with an analytic gradient. (Implementation in progress.)
export type ObjectiveWithGradient = (x: Float64Array, grad: Float64Array) => number;

export interface MinimizeOptions {
  /** Lower bounds (−Infinity allowed). Default: unbounded. */
  lower?: ArrayLike<number>;
  /** Upper bounds (+Infinity allowed). Default: unbounded. */
  upper?: ArrayLike<number>;
  /** Parameters held at their x0 value (1/true = fixed). */
  fixed?: ArrayLike<number | boolean>;
  /** Maximum quasi-Newton iterations (default 1000). */
  maxIter?: number;
  /** Convergence on the projected gradient's infinity norm (default 1e-6 · max(1, |f|)). */
  gtol?: number;
  /** Convergence on the relative decrease of f between iterations (default 1e-12). */
  ftol?: number;
}

export interface MinimizeResult {
  x: Float64Array;
  fun: number;
  grad: Float64Array;
  converged: boolean;
  iterations: number;
  evaluations: number;
  message: string;
}

export function minimize(fg: ObjectiveWithGradient, x0: ArrayLike<number>, opts: MinimizeOptions = {}): MinimizeResult {
  void fg; void x0; void opts;
  throw new Error("minimize: not implemented yet");
}
