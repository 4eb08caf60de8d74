// Scalar root finding: Brent's method (Brent 1973, "Algorithms for Minimization without
// Derivatives", ch. 4), the bracketing solver behind upper limits and interval edges.

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
