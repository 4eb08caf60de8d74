// GP background of a resonance search on any spectrum: the log of the event density
// f(x) = ln(dN/dx) (so variable bin widths enter only through the exposure w_i of each bin) is a
// polynomial trend in the GP coordinate (ln m by default; degree 2 by default, degree 1 = a
// power law) plus a GP with
// a Constant × RBF kernel. Counts are Poisson, not Gaussian in log space: the latent f at the
// training bins is found by the Laplace approximation's Newton iteration in pseudo-data form
// (Rasmussen & Williams, GPML §3.4.1, eq. 3.18): z_i = f_i + (n_i − μ_i)/μ_i with noise 1/μ_i,
// μ_i = w_i e^{f_i}, so an empty bin pulls f down instead of counting as one event.
//
// Length-scale bounds come from the signal and the data, not from a constant tied to the
// resolution: the lower bound is the width of the signal window (a background that could bend
// on the signal's own scale would absorb it), the upper bound twice the spectrum's span in the
// GP coordinate. A hyperparameter that ends on a bound is reported as a warning.
import { ConstantKernel, GaussianProcess, Product, RBF, fitGaussianProcess, countSpaceMoments, toPoints } from "../gp/index.ts";
import { choleskyInPlace, choleskySolve } from "../math/linalg.ts";
import { chooseOrder } from "./order.ts";
import type { Spectrum } from "./spectrum.ts";

export interface GpSettings {
  /** GP input: "log" (ln m, default) or "linear" (m). */
  coordinate: "log" | "linear";
  /** l_lo = this × the window width in the GP coordinate (default 1). */
  lsLowerWindows: number;
  /** l_hi = this × the spectrum's span in the GP coordinate (default 2). */
  lsUpperSpan: number;
  /** Extra hyperparameter starts of the first fit (default 1) and their seed. */
  restarts: number;
  seed: number;
  /**
   * Degree of the polynomial trend in the GP coordinate (default 4, capped at the training bins − 3);
   * −1: chosen by the F-test on the training bins (trendDegreeFor).
   */
  trendDegree: number;
  /** Newton iterations of the Laplace approximation per hyperparameter fit (default 5; stops when f moves < 1e-4; 1 = no iteration). */
  laplaceIterations: number;
  /**
   * Training bins from which the hyperparameter search runs on gp/fit.ts's cheaper evaluators
   * (method "auto": low-rank surrogate or envelope form, the winner evaluated exactly) instead of
   * dense O(n³) ones (default 400: below it every evaluation is dense, as in the calibration
   * studies; at 1500 bins 4 s per mass instead of 12 s, the same Z to 1e-3).
   */
  hybridSearchBins?: number;
}

/**
 * Why the trend is quartic by default rather than chosen by the F-test: on smooth falling spectra
 * the GP amplitude fitted by maximum marginal likelihood often collapses to its floor, so the
 * trend alone predicts the window, and a trend misfit too small for the F-test to see in one
 * spectrum (sub-Poisson in the sparse tail) is the same in every spectrum — a spurious signal.
 * Measured on the expected (Asimov) dijet and exponential spectra, 2·10³–2·10⁵ events, σ/m = 6%
 * (bench/resonance-calibration.md, "spurious signal"): with the F-test degree |Â|/σ_A reached
 * 0.5–1.5 (the wide-signal injections' yields were 10–20% low); with degree 4 it stays ≤ 0.22 for
 * a σ_A larger by ~5–25% in the bulk (more where the window reaches the end of the spectrum).
 */
export const DEFAULT_GP: GpSettings = { coordinate: "log", lsLowerWindows: 1, lsUpperSpan: 2, restarts: 1, seed: 0, trendDegree: 4, laplaceIterations: 5 };

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
  /** Trend coefficients: f_trend(X) = Σ t_k u^k, u = (X − centre)/halfSpan (weighted least squares). */
  trend: Float64Array;
  /** Centre and half-span of the GP coordinate used by the trend's basis. */
  trendScale: [number, number];
  lengthScale: number;
  constant: number;
  lsBounds: [number, number];
  lml: number;
  /** "length scale at its lower bound", … (empty when every hyperparameter is inside its bounds). */
  warnings: string[];
  iterations: number;
  /** Training inputs (GP coordinate), final pseudo-data and their noise (for predictions). */
  X: Float64Array;
  z: Float64Array;
  alpha: Float64Array;
}

/** Bounds of the GP amplitude C (variance of ln rate about the trend). */
export const CONST_BOUNDS: [number, number] = [1e-8, 1e4];

/** Trend basis (1, u, u², …) at X, u = (X − centre)/half. */
function basisAt(x: number, deg: number, sc: [number, number], out: Float64Array): Float64Array {
  const u = (x - sc[0]) / sc[1];
  let v = 1;
  for (let k = 0; k <= deg; k++) { out[k] = v; v *= u; }
  return out;
}

/** Weighted least squares of z on the trend basis (weights 1/α). */
export function polyFit(X: ArrayLike<number>, z: ArrayLike<number>, alpha: ArrayLike<number>, deg: number, sc: [number, number]): Float64Array {
  const p = deg + 1, A = new Float64Array(p * p), r = new Float64Array(p), h = new Float64Array(p);
  for (let i = 0; i < X.length; i++) {
    basisAt(X[i], deg, sc, h);
    const w = 1 / alpha[i];
    for (let a = 0; a < p; a++) {
      r[a] += w * h[a] * z[i];
      for (let b = 0; b <= a; b++) A[a * p + b] += w * h[a] * h[b];
    }
  }
  for (let a = 0; a < p; a++) A[a * p + a] *= 1 + 1e-12;
  if (!choleskyInPlace(A, p)) return polyFit(X, z, alpha, deg - 1, sc).slice(0, p);
  choleskySolve(A, p, r);
  return r;
}

export function trendAt(t: Float64Array, x: number, sc: [number, number]): number {
  const u = (x - sc[0]) / sc[1];
  let s = 0;
  for (let k = t.length - 1; k >= 0; k--) s = s * u + t[k];
  return s;
}

/**
 * The trend degree the F-test chooses for the training bins: the power-law family (ln f a
 * polynomial in ln m) fitted to those bins at 2–5 parameters (order.ts), so neither the signal
 * in the window nor a stiff default decides how much curvature the trend carries.
 */
export function trendDegreeFor(sp: Spectrum, train: number[]): number {
  const nb = train.length;
  // The training bins as a spectrum with gaps: order.ts reads counts, centres, widths and the extreme edges only.
  const edges = new Float64Array(nb + 1);
  for (let k = 0; k < nb; k++) edges[k] = sp.edges[train[k]];
  edges[nb] = sp.edges[train[nb - 1] + 1];
  const sub: Spectrum = { edges, counts: Float64Array.from(train, (i) => sp.counts[i]), centres: Float64Array.from(train, (i) => sp.centres[i]), widths: Float64Array.from(train, (i) => sp.widths[i]) };
  try {
    return chooseOrder(sub, "powerlaw", { range: [2, Math.min(5, nb - 2)], method: "ftest" }).chosen.spec.npar - 1;
  } catch {
    return 1;
  }
}

function spanOf(X: ArrayLike<number>): number {
  let a = Infinity, b = -Infinity;
  for (let i = 0; i < X.length; i++) { a = Math.min(a, X[i]); b = Math.max(b, X[i]); }
  return b - a;
}

/** Default of GpSettings.hybridSearchBins. */
const HYBRID_SEARCH_BINS = 400;

/** A Laplace step leaves a bin's linearisation when its prediction is below its count by more than this factor. */
const LAPLACE_RESTART = 1e3;

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
  let gp: GaussianProcess | undefined, trend: Float64Array = new Float64Array(1);
  const xs = X.reduce((a, v) => Math.min(a, v), Infinity), xe = X.reduce((a, v) => Math.max(a, v), -Infinity);
  const sc: [number, number] = [0.5 * (xs + xe), Math.max(0.5 * (xe - xs), 1e-12)];
  const deg = Math.max(0, Math.min(s.trendDegree >= 0 ? s.trendDegree : trendDegreeFor(sp, train), N - 3));
  const f = new Float64Array(N);
  // Hyperparameters are fitted on the starting pseudo-data and once more after the Newton
  // iteration has converged at fixed hyperparameters (R&W Alg. 3.1 inner loop); the last
  // Newton steps then run at the refitted values.
  const maxIt = Math.max(1, s.laplaceIterations);
  let it = 0, fits = 0;
  let refit = true;
  for (; it < 3 * maxIt; it++) {
    trend = polyFit(X, z, alpha, deg, sc);
    const r = Float64Array.from(z, (v, k) => v - trendAt(trend, X[k], sc));
    if (it === 0) {
      let v2 = 0;
      for (const v of r) v2 += v * v;
      cInit = Math.min(Math.max(v2 / N, 1e-6), 1e3);
    }
    const kernel = new Product(new ConstantKernel(cInit, CONST_BOUNDS), new RBF(lInit, lsBounds));
    if (refit) {
      gp = fitGaussianProcess(kernel, X, r, { alpha, nRestarts: fits === 0 ? s.restarts : 0, seed: s.seed, method: N >= (s.hybridSearchBins ?? HYBRID_SEARCH_BINS) ? "auto" : "dense", jitter: "auto", maxIter: fits === 0 ? 200 : 100 });
      fits++;
      refit = false;
      const th = gp.kernel.theta;
      cInit = Math.min(Math.max(Math.exp(th[0]), CONST_BOUNDS[0]), CONST_BOUNDS[1]);
      lInit = Math.min(Math.max(Math.exp(th[1]), lsBounds[0]), lsBounds[1]);
    } else {
      const fitInfo = gp!.fit;
      gp = new GaussianProcess(kernel, X, r, { alpha, jitter: "auto" });
      gp.fit = fitInfo;
    }
    const pm = gp.predict(X).mean;
    let move = 0;
    for (let k = 0; k < N; k++) {
      const fk = pm[k] + trendAt(trend, X[k], sc);
      move = Math.max(move, Math.abs(fk - f[k]));
      f[k] = fk;
    }
    // Newton step of the Laplace mode (pseudo-data form). Where the prediction has run off by
    // more than a factor LAPLACE_RESTART from the counts (or out of float range) the linearised
    // step would overshoot as far again: that bin restarts from its starting pseudo-data.
    const off = new Uint8Array(N);
    z = Float64Array.from(f, (fk, k) => {
      const mu = w[k] * Math.exp(fk), step = (n[k] - mu) / mu;
      if (Number.isFinite(step) && mu > 0 && step < LAPLACE_RESTART) return fk + step;
      off[k] = 1;
      return Math.log((n[k] + 0.5) / w[k]);
    });
    alpha = Float64Array.from(f, (fk, k) => (off[k] ? 1 / (n[k] + 0.5) : 1 / Math.max(w[k] * Math.exp(fk), 1e-12)));
    if (maxIt === 1) { it++; break; }
    if (it > 0 && move < 1e-4) {
      // (an amplitude at its floor leaves the length scale undetermined: nothing to refit)
      if (fits < 2 && cInit > 1.01 * CONST_BOUNDS[0]) refit = true;
      else { it++; break; }
    }
  }
  const th = gp!.kernel.theta;
  const lengthScale = Math.exp(th[1]), constant = Math.exp(th[0]);
  const warnings: string[] = [];
  const near = (a: number, b: number) => Math.abs(Math.log(a / b)) < 0.01;
  // An amplitude at its floor means the trend alone describes the data: the length scale is then
  // irrelevant (flat likelihood), and its position is not worth a warning.
  const active = !near(constant, CONST_BOUNDS[0]);
  if (active && near(lengthScale, lsBounds[0])) warnings.push(`GP length scale at its lower bound ${lsBounds[0].toPrecision(3)}`);
  // An upper bound beyond the span (default: twice the span) is no constraint on the shape: a GP that
  // long is a smooth correction the trend could carry, so resting there is said only for a tighter bound.
  if (active && near(lengthScale, lsBounds[1]) && lsBounds[1] < spanOf(X)) warnings.push(`GP length scale at its upper bound ${lsBounds[1].toPrecision(3)}`);
  if (near(constant, CONST_BOUNDS[1])) warnings.push(`GP amplitude at its upper bound ${constant.toPrecision(3)}`);
  return { gp: gp!, trend, trendScale: sc, lengthScale, constant, lsBounds, lml: gp!.fit?.lml ?? NaN, warnings, iterations: it, X: Float64Array.from(X), z, alpha };
}

/**
 * Count-space background at some bins: the latent posterior with the trend as explicit basis
 * functions h(x) = (1, u, u², …) under a vague prior (Rasmussen & Williams, GPML §2.7, eqs. 2.41–2.42):
 *   β̄ = (H K_y⁻¹ Hᵀ)⁻¹ H K_y⁻¹ z,  f̄* = H*ᵀβ̄ + K*ᵀ K_y⁻¹ (z − Hᵀβ̄),
 *   cov(f*) = K** − K*ᵀ K_y⁻¹ K* + Rᵀ (H K_y⁻¹ Hᵀ)⁻¹ R,  R = H* − H K_y⁻¹ K*,
 * so the trend's own uncertainty reaches the window even when the GP amplitude vanishes; then
 * the lognormal moments ×bin width: b_i = w_i e^{f_i + S_ii/2}, C_ij = b_i b_j (e^{S_ij} − 1).
 * `kernels` (optional): K(X, X) (n×n, lower triangle read), K(T, X) (m×n) and K(T, T) (m×m) of
 * these bins already computed at g's kernel (toys at frozen hyperparameters, fast-gp.ts).
 */
export function gpPrediction(sp: Spectrum, g: GpFit, bins: number[], s: GpSettings = DEFAULT_GP, kernels?: { K: Float64Array; Ks: Float64Array; Kss: Float64Array }): { b: Float64Array; C: Float64Array } {
  const c = gpCoordinate(s);
  const k = g.gp.kernel, n = g.X.length, m = bins.length;
  const P = toPoints(g.X), T = toPoints(bins.map((i) => c(sp.centres[i])));
  const L = new Float64Array(n * n);
  if (kernels) L.set(kernels.K); else k.gramLower(P, L, null, 0);
  let dmean = 0;
  for (let i = 0; i < n; i++) { L[i * n + i] += g.alpha[i]; dmean += L[i * n + i] / n; }
  const K0 = Float64Array.from(L);
  let ok = choleskyInPlace(L, n);
  for (let jit = 1e-12 * dmean; !ok && jit < 1e-4 * dmean; jit *= 10) {
    L.set(K0);
    for (let i = 0; i < n; i++) L[i * n + i] += jit;
    ok = choleskyInPlace(L, n);
  }
  if (!ok) throw new Error("the GP covariance of the training bins is not positive definite");
  const solve = (v: Float64Array) => { const x = Float64Array.from(v); choleskySolve(L, n, x); return x; };
  const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => { let t = 0; for (let i = 0; i < a.length; i++) t += a[i] * b[i]; return t; };
  const p = g.trend.length, sc = g.trendScale, hb = new Float64Array(p);
  // H (p × n) and K_y⁻¹ Hᵀ columns
  const H = Array.from({ length: p }, () => new Float64Array(n));
  for (let i = 0; i < n; i++) { basisAt(g.X[i], p - 1, sc, hb); for (let a = 0; a < p; a++) H[a][i] = hb[a]; }
  const KiH = H.map((h) => solve(h));
  const kiz = solve(g.z);
  // A = H K_y⁻¹ Hᵀ (p × p), its Cholesky factor, β̄ = A⁻¹ H K_y⁻¹ z
  const A = new Float64Array(p * p);
  for (let a = 0; a < p; a++) for (let b = 0; b <= a; b++) A[a * p + b] = dot(H[a], KiH[b]);
  if (!choleskyInPlace(A, p)) throw new Error("the GP trend is not determined by the training bins");
  const beta = Float64Array.from(H, (h) => dot(h, kiz));
  choleskySolve(A, p, beta);
  const w = solve(Float64Array.from(g.z, (v, i) => { basisAt(g.X[i], p - 1, sc, hb); return v - dot(hb, beta); }));
  const Ks = new Float64Array(m * n);
  if (kernels) Ks.set(kernels.Ks); else k.cross(T, P, Ks);
  const mean = new Float64Array(m), R = new Float64Array(m * p), AiR = new Float64Array(m * p);
  const V = new Float64Array(m * n);
  for (let j = 0; j < m; j++) {
    const row = Ks.subarray(j * n, (j + 1) * n);
    basisAt(T.x[j], p - 1, sc, hb);
    mean[j] = dot(hb, beta) + dot(row, w) + Math.log(sp.widths[bins[j]]);
    const rj = R.subarray(j * p, (j + 1) * p);
    for (let a = 0; a < p; a++) rj[a] = hb[a] - dot(KiH[a], row);
    const aj = AiR.subarray(j * p, (j + 1) * p);
    aj.set(rj);
    choleskySolve(A, p, aj);
    // v_j = L⁻¹ k*_j (forward substitution)
    const v = V.subarray(j * n, (j + 1) * n);
    for (let i = 0; i < n; i++) {
      let t = row[i];
      for (let q = 0; q < i; q++) t -= L[i * n + q] * v[q];
      v[i] = t / L[i * n + i];
    }
  }
  const cov = new Float64Array(m * m);
  if (kernels) cov.set(kernels.Kss); else k.gramLower(T, cov, null, 0);
  for (let j = 0; j < m; j++) {
    for (let q = 0; q <= j; q++) {
      const val = cov[j * m + q] - dot(V.subarray(j * n, (j + 1) * n), V.subarray(q * n, (q + 1) * n)) + dot(R.subarray(j * p, (j + 1) * p), AiR.subarray(q * p, (q + 1) * p));
      cov[j * m + q] = val;
      cov[q * m + j] = val;
    }
  }
  return countSpaceMoments(mean, cov);
}
