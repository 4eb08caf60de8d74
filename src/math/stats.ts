// Descriptive statistics written once, with numpy's definitions (stated per function):
// quantile/percentile (numpy's default "linear", Hyndman–Fan type 7), median, mean, standard
// deviation (ddof stated), linspace, and weighted mean/std/quantile.
//
// Non-finite values: quantile/percentile/median return NaN when a NaN is present (as numpy
// does) unless `finiteOnly` drops NaN and ±∞ first; an empty input gives NaN.

export interface QuantileOptions {
  /** Drop NaN and ±∞ before computing (default false: a NaN anywhere gives NaN). */
  finiteOnly?: boolean;
}

/** Ascending copy of the values, or null when a NaN is present and not dropped. */
function sortedCopy(values: ArrayLike<number>, finiteOnly: boolean): number[] | null {
  const v: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (finiteOnly ? Number.isFinite(x) : true) {
      if (Number.isNaN(x)) return null;
      v.push(x);
    }
  }
  return v.sort((a, b) => a - b);
}

/** Linear interpolation between order statistics at 0-based position `pos` ∈ [0, n − 1]. */
function atPosition(v: number[], pos: number): number {
  const lo = Math.floor(pos), hi = Math.ceil(pos);
  return v[lo] + (v[hi] - v[lo]) * (pos - lo);
}

/**
 * numpy.quantile(values, q) with the default method "linear" (type 7): with the values sorted
 * v[0] ≤ … ≤ v[n−1], the position h = (n − 1)·q and v[⌊h⌋] + (v[⌈h⌉] − v[⌊h⌋])·(h − ⌊h⌋).
 * Example: quantile([1, 2, 3, 4], 0.1) = 1.3. q ∈ [0, 1].
 */
export function quantile(values: ArrayLike<number>, q: number, o: QuantileOptions = {}): number {
  const v = sortedCopy(values, o.finiteOnly ?? false);
  if (v === null || v.length === 0) return NaN;
  return atPosition(v, (v.length - 1) * q);
}

/**
 * numpy.percentile(values, p) (p in percent), type 7 as `quantile`, with the position computed
 * as (n − 1)·p/100 (in that order, so results do not move by an ulp against p/100 first).
 */
export function percentile(values: ArrayLike<number>, p: number, o: QuantileOptions = {}): number {
  const v = sortedCopy(values, o.finiteOnly ?? false);
  if (v === null || v.length === 0) return NaN;
  return atPosition(v, ((v.length - 1) * p) / 100);
}

/** numpy.median: the middle value, or the mean 0.5·(a + b) of the two middle values. */
export function median(values: ArrayLike<number>, o: QuantileOptions = {}): number {
  const v = sortedCopy(values, o.finiteOnly ?? false);
  if (v === null || v.length === 0) return NaN;
  const n = v.length;
  return n % 2 ? v[(n - 1) / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/** Arithmetic mean Σx/n, summed left to right (NaN for no values). */
export function mean(values: ArrayLike<number>): number {
  const n = values.length;
  if (n === 0) return NaN;
  let s = 0;
  for (let i = 0; i < n; i++) s += values[i];
  return s / n;
}

/**
 * Standard deviation √(Σ(x − x̄)²/(n − ddof)), two-pass. The default ddof = 1 is the sample
 * standard deviation (pandas' Series.std; numpy's np.std defaults to ddof = 0). NaN when
 * n ≤ ddof.
 */
export function std(values: ArrayLike<number>, ddof = 1): number {
  const n = values.length;
  if (n <= ddof) return NaN;
  const m = mean(values);
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (values[i] - m) ** 2;
  return Math.sqrt(ss / (n - ddof));
}

/**
 * numpy.linspace(start, stop, num): start + j·step with step = (stop − start)/(num − 1), and the
 * last point exactly stop; num = 1 gives [start], num = 0 an empty array.
 */
export function linspace(start: number, stop: number, num: number): Float64Array {
  const out = new Float64Array(Math.max(0, num));
  if (num <= 0) return out;
  if (num === 1) { out[0] = start; return out; }
  const step = (stop - start) / (num - 1);
  for (let j = 0; j < num; j++) out[j] = start + j * step;
  out[num - 1] = stop;
  return out;
}

function checkWeights(values: ArrayLike<number>, weights: ArrayLike<number>, what: string): void {
  if (values.length !== weights.length) throw new RangeError(`${what}: ${values.length} values but ${weights.length} weights`);
  for (let i = 0; i < weights.length; i++) {
    if (!(weights[i] >= 0) || !Number.isFinite(weights[i])) throw new RangeError(`${what}: weight ${i} is ${weights[i]} (weights must be finite and ≥ 0)`);
  }
}

/** numpy.average(values, weights=w): Σwᵢxᵢ / Σwᵢ (NaN when Σw = 0). Weights finite, ≥ 0. */
export function weightedMean(values: ArrayLike<number>, weights: ArrayLike<number>): number {
  checkWeights(values, weights, "weightedMean");
  let sw = 0, swx = 0;
  for (let i = 0; i < values.length; i++) { sw += weights[i]; swx += weights[i] * values[i]; }
  return sw > 0 ? swx / sw : NaN;
}

/**
 * Weighted standard deviation √(Σwᵢ(xᵢ − x̄_w)² / (Σwᵢ − ddof)) with x̄_w the weighted mean.
 * ddof = 0 (default) is the weighted population deviation, √(numpy.average((x − x̄_w)², weights=w));
 * ddof = 1 is the unbiased estimate for frequency (count) weights, as numpy.cov(x, fweights=w).
 * NaN when Σw ≤ ddof.
 */
export function weightedStd(values: ArrayLike<number>, weights: ArrayLike<number>, ddof = 0): number {
  const m = weightedMean(values, weights);
  let sw = 0, ss = 0;
  for (let i = 0; i < values.length; i++) { sw += weights[i]; ss += weights[i] * (values[i] - m) ** 2; }
  return sw > ddof ? Math.sqrt(ss / (sw - ddof)) : NaN;
}

/**
 * Weighted quantile as numpy.quantile(values, q, weights=w, method="inverted_cdf") (numpy ≥ 2.0):
 * sort by value, F_k = (w₀ + … + w_k)/Σw, and return the first sorted value with F_k ≥ q.
 * With equal weights this is the type-1 (inverse empirical CDF) quantile, not type 7: for
 * [1, 2, 3, 4] with unit weights, q = 0.1 → 1 and q = 0.5 → 2. NaN for no values or Σw = 0.
 */
export function weightedQuantile(values: ArrayLike<number>, weights: ArrayLike<number>, q: number): number {
  checkWeights(values, weights, "weightedQuantile");
  const n = values.length;
  if (n === 0) return NaN;
  for (let i = 0; i < n; i++) if (Number.isNaN(values[i])) return NaN;
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a] - values[b]);
  let total = 0;
  for (const i of idx) total += weights[i];
  if (!(total > 0)) return NaN;
  let cum = 0;
  for (const i of idx) {
    cum += weights[i];
    if (cum / total >= q) return values[i];
  }
  return values[idx[n - 1]];
}
