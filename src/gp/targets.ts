// What every LML evaluator (lml.ts, envelope.ts, lowrank.ts) and predict.ts prepare the same
// way from the user's data: the options, the (optionally normalised) targets and the noise
// vector. A module of its own so that those evaluators need not import each other.

export interface LmlOptions {
  /** Noise added to the diagonal: a scalar or one value per training point (sklearn's alpha). Default 1e-10. */
  alpha?: number | ArrayLike<number>;
  /** sklearn normalize_y: standardise y before fitting, undo it in predictions. Default false. */
  normalizeY?: boolean;
}

/** Targets after optional normalisation, with the statistics needed to undo it. */
export interface Targets {
  y: Float64Array;
  mean: number;
  std: number;
}

export function prepareTargets(y: ArrayLike<number>, normalizeY: boolean): Targets {
  const n = y.length;
  const out = Float64Array.from(y);
  for (let i = 0; i < n; i++) if (!Number.isFinite(out[i])) throw new Error(`GP target ${i} is not finite`);
  if (!normalizeY || n === 0) return { y: out, mean: 0, std: 1 };
  let mean = 0;
  for (let i = 0; i < n; i++) mean += out[i];
  mean /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (out[i] - mean) ** 2;
  let std = Math.sqrt(v / n);
  if (std < 10 * Number.EPSILON) std = 1; // sklearn _handle_zeros_in_scale
  for (let i = 0; i < n; i++) out[i] = (out[i] - mean) / std;
  return { y: out, mean, std };
}

export function noiseVector(alpha: number | ArrayLike<number> | undefined, n: number): Float64Array {
  const a = alpha ?? 1e-10;
  if (typeof a === "number") return new Float64Array(n).fill(a);
  if (a.length !== n) throw new Error(`alpha has ${a.length} entries but there are ${n} training points`);
  return Float64Array.from(a);
}
