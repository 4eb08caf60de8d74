// Priors tabulated on a regular grid (spec §2.3): the piecewise-linear density of the profile
// ("linspace") fit and the histogram of the MCMC fits. CDFs are kept as (cumulative part at the
// knot, part inside the box) and differenced part by part, as the normal prior does.
import { InputError } from "../io/errors.ts";
import type { Prior } from "./prior-mass.ts";

/** Rounding in (knot part, box part) differences can leave −1e-27-sized masses across a nearly
 *  empty knot; clamp so M(r) stays in [0, 1] (changes bounds by that much at most). */
function nonNegative(m: number): number {
  return m < 0 ? 0 : m; // NaN passes through
}

function checkRange(what: string, start: number, stop: number): void {
  if (!(Number.isFinite(start) && Number.isFinite(stop) && start < stop)) {
    throw new InputError("", "start/stop", `${what}: need finite start < stop, got [${start}, ${stop}]`);
  }
}

/** Max of finite-or-−∞ log values; InputError if any is NaN/+∞ or all are −∞. */
function maxLog(what: string, logv: ArrayLike<number>): number {
  let top = -Infinity;
  for (let j = 0; j < logv.length; j++) {
    const v = logv[j];
    if (Number.isNaN(v) || v === Infinity) throw new InputError("", `log_rates/${j}`, `${what}: log rates must be finite or −∞, got ${v}`);
    if (v > top) top = v;
  }
  if (top === -Infinity) throw new InputError("", "log_rates", `${what}: all rates are zero`);
  return top;
}

/** Density linear in x between m+1 evenly spaced knots on [start, stop], heights ∝ exp(logv_j)
 *  (regular_linear). Zero outside [start, stop]. */
export class RegularLinearPrior implements Prior {
  private readonly pdf: Float64Array; // knot heights, in units of knot-index (trapezoid sum = 1)
  private readonly cdf: Float64Array; // CDF at each knot
  private readonly nbins: number;
  constructor(readonly start: number, readonly stop: number, logv: ArrayLike<number>) {
    checkRange("regular_linear prior", start, stop);
    if (logv.length < 2) throw new InputError("", "log_rates", `regular_linear prior: need ≥ 2 knots, got ${logv.length}`);
    const top = maxLog("regular_linear prior", logv);
    const m = logv.length - 1;
    this.nbins = m;
    this.pdf = Float64Array.from({ length: m + 1 }, (_, j) => Math.exp(logv[j] - top));
    this.cdf = new Float64Array(m + 1);
    for (let j = 0; j < m; j++) this.cdf[j + 1] = this.cdf[j] + 0.5 * (this.pdf[j] + this.pdf[j + 1]);
    const scale = this.cdf[m];
    for (let j = 0; j <= m; j++) { this.cdf[j] /= scale; this.pdf[j] /= scale; }
  }
  /** Knot part of the CDF at x (the box part is left in `boxPart`). */
  private boxPart = 0;
  private cdfKnot(x: number): number {
    if (!(x < this.stop)) { this.boxPart = 0; return 1; }
    if (!(this.start < x)) { this.boxPart = 0; return 0; }
    const t = (this.nbins * (x - this.start)) / (this.stop - this.start);
    const i = Math.min(Math.floor(t), this.nbins - 1); // t can round up to nbins just below stop
    const f = t - i;
    const p0 = this.pdf[i];
    this.boxPart = f * (p0 + 0.5 * (this.pdf[i + 1] - p0) * f);
    return this.cdf[i];
  }
  between(lo: number, hi: number): number {
    const bigLo = this.cdfKnot(lo);
    const smallLo = this.boxPart;
    const bigHi = this.cdfKnot(hi);
    return nonNegative(bigHi - bigLo + (this.boxPart - smallLo));
  }
}

/** Histogram density: m equal bins on [start, stop], bin mass ∝ exp(logv_j) (−∞ = empty bin)
 *  (regular_uniform). Zero outside [start, stop]. */
export class RegularUniformPrior implements Prior {
  private readonly pdf: Float64Array; // bin masses (sum 1), density per bin-index unit
  private readonly cdf: Float64Array; // CDF at each bin's lower edge
  private readonly nbins: number;
  constructor(readonly start: number, readonly stop: number, logv: ArrayLike<number>) {
    checkRange("regular_uniform prior", start, stop);
    if (logv.length < 1) throw new InputError("", "log_rates", "regular_uniform prior: need ≥ 1 bin");
    const top = maxLog("regular_uniform prior", logv);
    const m = logv.length;
    this.nbins = m;
    this.pdf = Float64Array.from({ length: m }, (_, j) => Math.exp(logv[j] - top));
    const cum = new Float64Array(m + 1);
    for (let j = 0; j < m; j++) cum[j + 1] = cum[j] + this.pdf[j];
    const scale = cum[m];
    this.cdf = new Float64Array(m);
    for (let j = 0; j < m; j++) { this.cdf[j] = cum[j] / scale; this.pdf[j] /= scale; }
  }
  private boxPart = 0;
  private cdfBin(x: number): number {
    if (!(x < this.stop)) { this.boxPart = 0; return 1; }
    if (!(this.start < x)) { this.boxPart = 0; return 0; }
    const t = (this.nbins * (x - this.start)) / (this.stop - this.start);
    const i = Math.min(Math.floor(t), this.nbins - 1); // t can round up to nbins just below stop
    this.boxPart = this.pdf[i] * (t - i);
    return this.cdf[i];
  }
  between(lo: number, hi: number): number {
    const bigLo = this.cdfBin(lo);
    const smallLo = this.boxPart;
    const bigHi = this.cdfBin(hi);
    return nonNegative(bigHi - bigLo + (this.boxPart - smallLo));
  }
}
