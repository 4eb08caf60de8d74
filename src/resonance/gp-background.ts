// GP background of a resonance search on any spectrum: the log of the event density
// f(x) = ln(dN/dx) (so variable bin widths enter only through the exposure w_i of each bin) is a
// power-law trend (weighted straight line in the GP coordinate, ln m by default) plus a GP with
// a Constant × RBF kernel. Counts are Poisson, not Gaussian in log space: the latent f at the
// training bins is found by the Laplace approximation's Newton iteration in pseudo-data form
// (Rasmussen & Williams, GPML §3.4.1, eq. 3.18): z_i = f_i + (n_i − μ_i)/μ_i with noise 1/μ_i,
// μ_i = w_i e^{f_i}, so an empty bin pulls f down instead of counting as one event.
//
// Length-scale bounds come from the signal and the data, not from a constant tied to the
// resolution: the lower bound is the width of the signal window (a background that could bend
// on the signal's own scale would absorb it), the upper bound twice the spectrum's span in the
// GP coordinate. A hyperparameter that ends on a bound is reported as a warning.
import { ConstantKernel, Product, RBF, fitGaussianProcess, countSpaceMoments, type GaussianProcess } from "../gp/index.ts";
import type { Spectrum } from "./spectrum.ts";

export interface GpSettings {
  /** GP input: "log" (ln m, default) or "linear" (m). */
  coordinate: "log" | "linear";
  /** l_lo = this × the window width in the GP coordinate (default 1). */
  lsLowerWindows: number;
  /** l_hi = this × the spectrum's span in the GP coordinate (default 2). */
  lsUpperSpan: number;
  /** Extra hyperparameter starts (default 2) and their seed. */
  restarts: number;
  seed: number;
  /** Newton iterations of the Laplace approximation (default 5; stops when f moves < 1e-4). */
  laplaceIterations: number;
}

export const DEFAULT_GP: GpSettings = { coordinate: "log", lsLowerWindows: 1, lsUpperSpan: 2, restarts: 2, seed: 0, laplaceIterations: 5 };

export function gpCoordinate(s: GpSettings): (x: number) => number {
  return s.coordinate === "log" ? (x) => Math.log(x) : (x) => x;
}

/** [l_lo, l_hi] for a window [lo, hi] on a spectrum (see the file comment). */
export function lengthScaleBounds(sp: Spectrum, window: [number, number], s: GpSettings): [number, number] {
  const c = gpCoordinate(s);
  const span = c(sp.edges[sp.edges.length - 1]) - c(sp.edges[0]);
  // The window in the coordinate, but never narrower than the two bins around it can resolve.
  const lo = Math.max(s.lsLowerWindows * (c(window[1]) - c(window[0])), 1e-9 * span);
  const hi = Math.max(s.lsUpperSpan * span, 1.01 * lo);
  return [lo, hi];
}

export interface GpFit {
  gp: GaussianProcess;
  /** Trend f_trend(X) = t0 + t1·X added to the GP. */
  trend: [number, number];
  lengthScale: number;
  constant: number;
  lsBounds: [number, number];
  lml: number;
  /** "length scale at its lower bound", … (empty when every hyperparameter is inside its bounds). */
  warnings: string[];
  iterations: number;
}

const CONST_BOUNDS: [number, number] = [1e-8, 1e4];

/** Weighted straight-line fit of z on X (weights 1/α). */
function lineFit(X: ArrayLike<number>, z: ArrayLike<number>, alpha: ArrayLike<number>): [number, number] {
  let S = 0, Sx = 0, Sy = 0, Sxx = 0, Sxy = 0;
  for (let i = 0; i < X.length; i++) {
    const w = 1 / alpha[i];
    S += w; Sx += w * X[i]; Sy += w * z[i]; Sxx += w * X[i] * X[i]; Sxy += w * X[i] * z[i];
  }
  const d = S * Sxx - Sx * Sx;
  if (!(Math.abs(d) > 1e-300 * S * S)) return [Sy / S, 0];
  const b = (S * Sxy - Sx * Sy) / d;
  return [(Sy - b * Sx) / S, b];
}

/** Fit the GP to the bins `train` of a spectrum (Laplace iteration on the Poisson counts). */
export function fitGpBackground(sp: Spectrum, train: number[], lsBounds: [number, number], s: GpSettings = DEFAULT_GP): GpFit {
  if (train.length < 4) throw new Error(`only ${train.length} training bins outside the signal window (need ≥ 4)`);
  const c = gpCoordinate(s);
  const X = train.map((i) => c(sp.centres[i]));
  const n = train.map((i) => sp.counts[i]), w = train.map((i) => sp.widths[i]);
  const N = train.length;
  // Start: z = ln((n + ½)/w) with noise 1/(n + ½) (the ½ only seeds the iteration).
  let z = Float64Array.from(n, (v, k) => Math.log((v + 0.5) / w[k]));
  let alpha = Float64Array.from(n, (v) => 1 / (v + 0.5));
  let lInit = Math.sqrt(lsBounds[0] * lsBounds[1]), cInit = 1;
  let gp: GaussianProcess | undefined, trend: [number, number] = [0, 0];
  const f = new Float64Array(N);
  let it = 0;
  for (; it < Math.max(1, s.laplaceIterations); it++) {
    trend = lineFit(X, z, alpha);
    const r = Float64Array.from(z, (v, k) => v - trend[0] - trend[1] * X[k]);
    let v2 = 0;
    for (const v of r) v2 += v * v;
    if (it === 0) cInit = Math.min(Math.max(v2 / N, 1e-6), 1e3);
    const kernel = new Product(new ConstantKernel(cInit, CONST_BOUNDS), new RBF(lInit, lsBounds));
    gp = fitGaussianProcess(kernel, X, r, { alpha, nRestarts: it === 0 ? s.restarts : 0, seed: s.seed, method: "dense", jitter: "auto" });
    const th = gp.kernel.theta;
    cInit = Math.min(Math.max(Math.exp(th[0]), CONST_BOUNDS[0]), CONST_BOUNDS[1]);
    lInit = Math.min(Math.max(Math.exp(th[1]), lsBounds[0]), lsBounds[1]);
    const pm = gp.predict(X).mean;
    let move = 0;
    for (let k = 0; k < N; k++) {
      const fk = pm[k] + trend[0] + trend[1] * X[k];
      move = Math.max(move, Math.abs(fk - f[k]));
      f[k] = fk;
    }
    // Newton step of the Laplace mode (pseudo-data form)
    z = Float64Array.from(f, (fk, k) => {
      const mu = w[k] * Math.exp(fk);
      return fk + (n[k] - mu) / mu;
    });
    alpha = Float64Array.from(f, (fk, k) => 1 / Math.max(w[k] * Math.exp(fk), 1e-12));
    if (it > 0 && move < 1e-4) { it++; break; }
  }
  const th = gp!.kernel.theta;
  const lengthScale = Math.exp(th[1]), constant = Math.exp(th[0]);
  const warnings: string[] = [];
  const near = (a: number, b: number) => Math.abs(Math.log(a / b)) < 0.01;
  // An amplitude at its floor means the trend alone describes the data: the length scale is then
  // irrelevant (flat likelihood), and its position is not worth a warning.
  const active = !near(constant, CONST_BOUNDS[0]);
  if (active && near(lengthScale, lsBounds[0])) warnings.push(`GP length scale at its lower bound ${lsBounds[0].toPrecision(3)}`);
  if (active && near(lengthScale, lsBounds[1])) warnings.push(`GP length scale at its upper bound ${lsBounds[1].toPrecision(3)}`);
  if (near(constant, CONST_BOUNDS[1])) warnings.push(`GP amplitude at its upper bound ${constant.toPrecision(3)}`);
  return { gp: gp!, trend, lengthScale, constant, lsBounds, lml: gp!.fit?.lml ?? NaN, warnings, iterations: it };
}

/**
 * Count-space background at some bins (lognormal moments of the latent GP, ×bin width):
 * b_i = w_i e^{f_i + S_ii/2}, C_ij = b_i b_j (e^{S_ij} − 1).
 */
export function gpPrediction(sp: Spectrum, g: GpFit, bins: number[], s: GpSettings = DEFAULT_GP): { b: Float64Array; C: Float64Array } {
  const c = gpCoordinate(s);
  const X = bins.map((i) => c(sp.centres[i]));
  const p = g.gp.predict(X, { returnCov: true });
  const mean = Float64Array.from(p.mean, (m, k) => m + g.trend[0] + g.trend[1] * X[k] + Math.log(sp.widths[bins[k]]));
  return countSpaceMoments(mean, p.cov!);
}
