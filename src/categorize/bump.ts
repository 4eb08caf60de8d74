// Bump-hunt mode (../shared/specs/gato_sage.md §A11): per category, the background mass
// spectrum is fitted with A·e^{Bx} and the fraction of the fitted continuum inside the signal
// window becomes the factor f_k that scales the soft background yield during training.

export interface BumpOptions {
  /** Signal window [lo, hi] (inclusive at both ends, §A11.3). */
  window: [number, number];
  /** Full mass range of the continuum fit [lo, hi]. */
  range: [number, number];
  /** Histogram bins on the full range (10). */
  bins: number;
  /** Refit every this many epochs (50); always at epoch 0. */
  interval: number;
}

export const DEFAULT_BUMP: BumpOptions = { window: [123.5, 126.5], range: [100, 180], bins: 10, interval: 50 };

export interface ExpFit {
  a: number;
  b: number;
  ok: boolean;
}

/**
 * Unweighted least squares of y ≈ A·e^{Bx} (scipy curve_fit without σ: Levenberg–Marquardt,
 * Moré 1978), from (A0, B0). `ok` is false when it does not converge or leaves finite numbers.
 */
export function fitExponential(x: ArrayLike<number>, y: ArrayLike<number>, a0: number, b0: number, maxIter = 2000): ExpFit {
  let a = a0, b = b0, lambda = 1e-3;
  const n = x.length;
  const ssr = (aa: number, bb: number) => {
    let s = 0;
    for (let i = 0; i < n; i++) { const r = y[i] - aa * Math.exp(bb * x[i]); s += r * r; }
    return s;
  };
  let cur = ssr(a, b);
  for (let it = 0; it < maxIter; it++) {
    // normal equations JᵀJ δ = Jᵀr with J = [e^{Bx}, A x e^{Bx}]
    let jaa = 0, jab = 0, jbb = 0, ga = 0, gb = 0;
    for (let i = 0; i < n; i++) {
      const e = Math.exp(b * x[i]);
      const da = e, db = a * x[i] * e;
      const r = y[i] - a * e;
      jaa += da * da; jab += da * db; jbb += db * db; ga += da * r; gb += db * r;
    }
    let improved = false;
    for (let tries = 0; tries < 50; tries++) {
      const m11 = jaa * (1 + lambda), m22 = jbb * (1 + lambda), det = m11 * m22 - jab * jab;
      if (!(det !== 0 && Number.isFinite(det))) { lambda *= 10; continue; }
      const dA = (m22 * ga - jab * gb) / det, dB = (m11 * gb - jab * ga) / det;
      const na = a + dA, nb = b + dB, next = ssr(na, nb);
      if (Number.isFinite(next) && next <= cur) {
        const rel = Math.abs(cur - next) / Math.max(cur, 1e-300);
        a = na; b = nb; cur = next; lambda = Math.max(lambda / 10, 1e-12); improved = true;
        if (rel < 1e-12 || (Math.abs(dA) <= 1e-12 * Math.abs(a) && Math.abs(dB) <= 1e-12 * Math.max(Math.abs(b), 1e-12))) {
          return { a, b, ok: Number.isFinite(a) && Number.isFinite(b) };
        }
        break;
      }
      lambda *= 10;
    }
    if (!improved) return { a, b, ok: Number.isFinite(a) && Number.isFinite(b) && Number.isFinite(cur) };
  }
  return { a, b, ok: false };
}

/** ∫_{x1}^{x2} A e^{Bx} dx ( = A(x2 − x1) when |B| < 1e−10). */
export function expIntegral(a: number, b: number, x1: number, x2: number): number {
  return Math.abs(b) < 1e-10 ? a * (x2 - x1) : (a / b) * (Math.exp(b * x2) - Math.exp(b * x1));
}

export interface WindowFactor {
  f: number;
  /** "fit" or the reason for the flat fallback. */
  source: "fit" | "empty histogram" | "fit failed" | "no background in window";
  a?: number;
  b?: number;
}

/**
 * Window factors f_k from per-category background mass histograms (K·bins) and the in-window
 * background weight per category (§A11.4). Fallback: window width / range width (3/80).
 */
export function windowFactors(hist: Float64Array, inWindow: ArrayLike<number>, o: BumpOptions): WindowFactor[] {
  const K = inWindow.length;
  const flat = (o.window[1] - o.window[0]) / (o.range[1] - o.range[0]);
  const width = (o.range[1] - o.range[0]) / o.bins;
  const centres = Array.from({ length: o.bins }, (_, j) => o.range[0] + (j + 0.5) * width);
  const out: WindowFactor[] = [];
  for (let k = 0; k < K; k++) {
    const h = hist.subarray(k * o.bins, (k + 1) * o.bins);
    let sum = 0;
    for (const v of h) sum += v;
    if (!(sum > 0)) { out.push({ f: flat, source: "empty histogram" }); continue; }
    if (!(inWindow[k] > 0)) { out.push({ f: flat, source: "no background in window" }); continue; }
    const fit = fitExponential(centres, h, Math.max(h[0], 1e-6), -0.03);
    const full = fit.ok ? expIntegral(fit.a, fit.b, o.range[0], o.range[1]) : NaN;
    const win = fit.ok ? expIntegral(fit.a, fit.b, o.window[0], o.window[1]) : NaN;
    const f = win / full;
    if (!(Number.isFinite(f) && f > 0)) { out.push({ f: flat, source: "fit failed", a: fit.a, b: fit.b }); continue; }
    out.push({ f, source: "fit", a: fit.a, b: fit.b });
  }
  return out;
}
