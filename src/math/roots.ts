// Scalar root finding: Brent's method (Brent 1973, "Algorithms for Minimization without
// Derivatives", ch. 4), the bracketing solver behind upper limits and interval edges;
// bisection with a value and a width stopping rule; bracket expansion by doubling steps.

export interface RootOptions {
  xtol?: number; // absolute tolerance on x
  rtol?: number; // relative tolerance on x
  maxIter?: number;
}

export interface RootResult {
  x: number;
  converged: boolean;
  iterations: number;
}

/** Find x in [a, b] with f(x) = 0, given f(a)·f(b) ≤ 0. fa/fb may be passed to save calls. */
export function brent(f: (x: number) => number, a: number, b: number, opts: RootOptions = {}, fa = f(a), fb = f(b)): RootResult {
  const xtol = opts.xtol ?? 2e-12;
  const rtol = opts.rtol ?? 4 * Number.EPSILON;
  const maxIter = opts.maxIter ?? 200;
  if (fa === 0) return { x: a, converged: true, iterations: 0 };
  if (fb === 0) return { x: b, converged: true, iterations: 0 };
  if (fa * fb > 0) throw new RangeError(`brent: f(a) and f(b) have the same sign (f(${a}) = ${fa}, f(${b}) = ${fb})`);
  let c = a, fc = fa, d = b - a, e = d;
  for (let iter = 1; iter <= maxIter; iter++) {
    if (fb * fc > 0) { c = a; fc = fa; d = b - a; e = d; }
    if (Math.abs(fc) < Math.abs(fb)) { a = b; b = c; c = a; fa = fb; fb = fc; fc = fa; }
    const tol = 2 * rtol * Math.abs(b) + 0.5 * xtol;
    const m = 0.5 * (c - b);
    if (Math.abs(m) <= tol || fb === 0) return { x: b, converged: true, iterations: iter };
    if (Math.abs(e) >= tol && Math.abs(fa) > Math.abs(fb)) {
      let p: number, q: number;
      const s = fb / fa;
      if (a === c) { p = 2 * m * s; q = 1 - s; }
      else {
        const qq = fa / fc, r = fb / fc;
        p = s * (2 * m * qq * (qq - r) - (b - a) * (r - 1));
        q = (qq - 1) * (r - 1) * (s - 1);
      }
      if (p > 0) q = -q; else p = -p;
      if (2 * p < Math.min(3 * m * q - Math.abs(tol * q), Math.abs(e * q))) { e = d; d = p / q; }
      else { d = m; e = m; }
    } else { d = m; e = m; }
    a = b; fa = fb;
    b += Math.abs(d) > tol ? d : (m > 0 ? tol : -tol);
    fb = f(b);
  }
  return { x: b, converged: false, iterations: maxIter };
}

export interface BisectOptions {
  /** Stop when |f(mid)| < ftol (default 0: only an exact zero stops on the value). */
  ftol?: number;
  /** Stop when the bracket is narrower than max(xtol, rtol·max(|a|, |b|)) (defaults 1e-12, 1e-6). */
  xtol?: number;
  rtol?: number;
  maxIter?: number;
}

/**
 * Bisection of [a, b] for f(a)·f(b) ≤ 0 (fa may be passed to save a call): the half whose end
 * has the sign of f(a) moves to the midpoint. Stops on |f(mid)| < ftol (then x = mid) or on the
 * bracket width; x is the midpoint of the final bracket (hps_gpr's §7.8 rule).
 */
export function bisect(f: (x: number) => number, a: number, b: number, opts: BisectOptions = {}, fa = f(a)): RootResult {
  const ftol = opts.ftol ?? 0, xtol = opts.xtol ?? 1e-12, rtol = opts.rtol ?? 1e-6, maxIter = opts.maxIter ?? 200;
  const positiveAtA = fa > 0;
  for (let iter = 1; iter <= maxIter; iter++) {
    const mid = 0.5 * (a + b);
    const fm = f(mid);
    if (Math.abs(fm) < ftol || fm === 0) return { x: mid, converged: true, iterations: iter };
    if (fm > 0 === positiveAtA) a = mid; else b = mid;
    if (Math.abs(b - a) <= Math.max(xtol, rtol * Math.max(Math.abs(b), Math.abs(a)))) return { x: 0.5 * (a + b), converged: true, iterations: iter };
  }
  return { x: 0.5 * (a + b), converged: false, iterations: maxIter };
}

export interface BracketOptions {
  /** The lowest x, where f is known to be fLower > 0 (it is not evaluated there). */
  lower: number;
  fLower: number;
  /** At most this many steps (default 40), and no upward step from x ≥ cap (default ∞). */
  maxSteps?: number;
  cap?: number;
}

export interface Bracket {
  /** The last two points visited, lo < hi, with their values (fLower at `lower`). */
  lo: number;
  hi: number;
  flo: number;
  fhi: number;
  /** True when flo ≥ 0 ≥ fhi: the root of a decreasing f lies in [lo, hi]. */
  bracketed: boolean;
  steps: number;
}

/**
 * Bracket the root of a decreasing f (positive below the root, negative above: CLs(μ) − α)
 * from a first guess x0: upward while f > 0 with steps s, 2s, 4s, … (x0, x0 + s, x0 + 3s, …;
 * s = x0 gives the doubling x0·2^k), or downward while f < 0 until `lower`, where f = fLower
 * without a call. Values are evaluated in that order, once each.
 */
export function expandBracket(f: (x: number) => number, x0: number, step: number, o: BracketOptions): Bracket {
  const maxSteps = o.maxSteps ?? 40, cap = o.cap ?? Infinity;
  const at = (x: number): [number, number] => (x <= o.lower ? [o.lower, o.fLower] : [x, f(x)]);
  let [x, fx] = at(x0);
  let steps = 0;
  if (fx > 0) {
    let lo = x, flo = fx;
    while (fx > 0 && x < cap && steps < maxSteps) {
      lo = x; flo = fx;
      x += step; step *= 2; steps++;
      fx = f(x);
    }
    return { lo, hi: x, flo, fhi: fx, bracketed: !(fx > 0) && flo >= 0, steps };
  }
  let hi = x, fhi = fx;
  while (fx < 0 && x > o.lower && steps < maxSteps) {
    hi = x; fhi = fx;
    [x, fx] = at(x - step);
    step *= 2; steps++;
  }
  return { lo: x, hi, flo: fx, fhi, bracketed: fx >= 0 && !(fhi > 0), steps };
}
