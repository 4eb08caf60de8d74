// "Expected data" for the limit scans (spec §3.4 step 1): the prior-predictive distribution of n
// under π (no signal) summarised by the mean of 100 prior quantiles m and sd = √(var + m)
// (prior spread plus Poisson). down = max(0, m − sd), central = m, up = m + sd.
import type { Prior } from "./prior-mass.ts";

export interface ExpectedData {
  down: number;
  central: number;
  up: number;
}

/**
 * Bisection as scipy.optimize.bisect (xtol absolute, rtol 4ε relative), for f(a) < 0 < f(b).
 * Deliberately not math/roots.ts: with scipy's stopping rule and returned point the 100 prior
 * quantiles are the peer's to the bit, so ndata matches the stored scans to 7e-15; Brent (any
 * tolerance) or a midpoint-returning bisection moves them by up to 1.5e-7 (hb_2019 SRB normal:
 * up n 5.3638893 against the stored 5.3638895), outside the worked tests' 1e-7.
 */
function bisect(f: (x: number) => number, a: number, b: number, xtol: number): number {
  const rtol = 4 * Number.EPSILON;
  const fa = f(a);
  const fb = f(b);
  if (fa === 0) return a;
  if (fb === 0) return b;
  let lo = a;
  let dm = b - a;
  for (let it = 0; it < 200; it++) {
    dm *= 0.5;
    const xm = lo + dm;
    const fm = f(xm);
    if (fm * fa >= 0) lo = xm;
    if (fm === 0 || Math.abs(dm) < xtol + rtol * Math.abs(xm)) return xm;
  }
  return lo + dm;
}

/** x with π([0, x]) ≈ q, by bisection on [0, hi] where hi doubles from x0 until π([0, hi]) > q. */
export function priorQuantile(prior: Prior, q: number, x0 = 1, xtol = 1e-6): number {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`priorQuantile: q must be in [0, 1], got ${q}`);
  const f = (x: number) => prior.between(0, x) - q;
  let hi = x0;
  for (let k = 0; !(f(hi) > 0); k++) {
    if (k > 2000) throw new RangeError(`priorQuantile: no upper bracket for q = ${q}`);
    hi *= 2;
  }
  return bisect(f, 0, hi, xtol);
}

/** down/central/up expected data of the prior-predictive distribution (spec §3.4, §9). */
export function expectedData(prior: Prior, npoints = 100): ExpectedData {
  const xs = new Float64Array(npoints);
  for (let k = 0; k < npoints; k++) xs[k] = priorQuantile(prior, (k + 0.5) / npoints);
  let sum = 0;
  for (const x of xs) sum += x;
  const mean = sum / npoints;
  let ss = 0;
  for (const x of xs) ss += (x - mean) * (x - mean);
  const sd = Math.sqrt(ss / npoints + mean);
  return { down: Math.max(0, mean - sd), central: mean, up: mean + sd };
}

/** The delta prior's trio (spec §3.4): max(0, b̂ − √b̂), b̂, b̂ + √b̂. */
export function expectedDataDelta(yieldHat: number): ExpectedData {
  const r = Math.sqrt(yieldHat);
  return { down: Math.max(0, yieldHat - r), central: yieldHat, up: yieldHat + r };
}
