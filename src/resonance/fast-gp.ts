// The rescan of a background-only toy with the GP background at FROZEN hyperparameters (the
// "gp-frozen-hyperparameters" calibration of toys.ts): at every mass the GP amplitude, length
// scale and trend degree are those fitted to the observed spectrum at that mass (point.ts via
// fitGpBackground, training bins outside the window); per toy only the latent background is
// refitted — the Laplace/Newton iteration of fitGpBackground (pseudo-data z, noise 1/μ,
// weighted trend; Rasmussen & Williams, GPML §3.4.1) with the kernel held fixed — then the
// count-space prediction in the window and sidebands (gpPrediction), and the window likelihood
// (bumphunt WindowLikelihood: Poisson counts, background nuisances θ ~ N(0, I), yield A)
// profiled by a dense Newton on its exact Hessian (optimize/dense-newton.ts). Freezing the hyperparameters
// at the data's values is the usual calibration of GP bump hunts (the full procedure refits them
// per toy and per mass, which costs ~20–40× more); bench/resonance-toys-check.md compares the
// two on the same toys. The failure checks are point.ts's (toyPointReasons), except the upper
// limit's, which toys do not compute; a mass whose observed GP fit failed fails in every toy.
//
// Window likelihood: nll = Σ_i [λ_i − n_i ln λ_i + ln n_i!] + ½|θ|² + B ln√(2π), λ = b + Lθ + A w
// (λ floored at ε as WindowLikelihood); with r_i = ∂nll/∂λ_i, d_i = ∂²nll/∂λ_i² and the rows
// J_i = (w_i, L_i·) of ∂λ_i/∂(A, θ): g = Σ r_i J_i + (0, θ), H = Σ d_i J_i J_iᵀ + diag(0, 1, …, 1).
import { WindowLikelihood } from "../bumphunt/index.ts";
import { choleskySolveVector, choleskyWithJitter } from "../math/linalg-blocked.ts";
import { choleskyInPlace, choleskySolve } from "../math/linalg.ts";
import { LN_SQRT_2PI, lgamma } from "../math/special.ts";
import { toPoints } from "../gp/index.ts";
import { DenseNewton, type NewtonProblem } from "../optimize/dense-newton.ts";
import { toyPointReasons, type ToyPoint } from "./fast-parametric.ts";
import { CONST_BOUNDS, DEFAULT_GP, fitGpBackground, gpCoordinate, gpPrediction, lengthScaleBounds, polyFit, trendAt, type GpFit, type GpSettings } from "./gp-background.ts";
import { sidebandBins, trainingExclusion } from "./point.ts";
import { buildSearch, type SearchSpec } from "./search.ts";
import { binFractions, containmentInterval, overlappingBins } from "./signal.ts";
import type { Spectrum } from "./spectrum.ts";

const SOFT_WALL = 1e6;

/** The window likelihood's nll (see the file comment) on given counts, as a NewtonProblem. */
export class WindowProblem implements NewtonProblem {
  n: number;
  withA = true;
  /** Curvature from the Fisher information (d_i = 1/λ_i) instead of the observed one (σ_A where the latter is singular). */
  fisher = false;
  lik!: WindowLikelihood;
  counts: Float64Array = new Float64Array(0);
  private lgSum = 0;
  private readonly lam: Float64Array;
  private readonly r: Float64Array;
  private readonly dd: Float64Array;

  constructor(readonly maxB: number) {
    this.n = maxB + 1;
    this.lam = new Float64Array(maxB);
    this.r = new Float64Array(maxB);
    this.dd = new Float64Array(maxB);
  }

  set(lik: WindowLikelihood, withA: boolean): void {
    this.lik = lik;
    this.withA = withA;
    this.n = lik.nMain + (withA ? 1 : 0);
    this.counts = lik.observed;
    let s = lik.nMain * LN_SQRT_2PI;
    for (let i = 0; i < lik.nMain; i++) s += lgamma(this.counts[i] + 1);
    this.lgSum = s;
  }

  evaluate(x: Float64Array, g: Float64Array | null, H: Float64Array | null): number {
    const lik = this.lik, B = lik.nMain, L = lik.L, b = lik.b, w = lik.w, eps = lik.eps, n = this.n;
    const o = this.withA ? 1 : 0, A = this.withA ? x[0] : 0;
    const lam = this.lam, r = this.r, dd = this.dd, counts = this.counts;
    let f = this.lgSum;
    for (let i = 0; i < B; i++) {
      let l = b[i] + A * w[i];
      for (let j = 0; j < B; j++) l += L[i * B + j] * x[o + j];
      lam[i] = l;
      const ni = counts[i], le = l > eps ? l : eps;
      f += le - (ni === 0 ? 0 : ni * Math.log(le));
      r[i] = 1 - ni / le;
      dd[i] = this.fisher ? 1 / le : ni / (le * le);
      if (l < eps) {
        f += r[i] * (l - eps) + SOFT_WALL * (eps - l) * (eps - l);
        r[i] -= 2 * SOFT_WALL * (eps - l);
        dd[i] = 2 * SOFT_WALL;
      }
    }
    for (let j = 0; j < B; j++) f += 0.5 * x[o + j] * x[o + j];
    if (!g || !H) return f;
    H.fill(0, 0, n * n);
    for (let p = 0; p < n; p++) g[p] = p < o ? 0 : x[p];
    for (let j = 0; j < B; j++) H[(o + j) * n + o + j] = 1;
    for (let i = 0; i < B; i++) {
      const ri = r[i], di = dd[i], Li = i * B;
      if (o) {
        g[0] += ri * w[i];
        H[0] += di * w[i] * w[i];
        for (let q = 0; q < B; q++) H[1 + q] += di * w[i] * L[Li + q];
      }
      for (let p = 0; p < B; p++) {
        const lp = L[Li + p];
        g[o + p] += ri * lp;
        const row = (o + p) * n + o;
        for (let q = 0; q <= p; q++) H[row + q] += di * lp * L[Li + q];
      }
    }
    if (o) for (let p = 0; p < B; p++) H[(1 + p) * n] = H[1 + p];
    for (let p = o; p < n; p++) for (let q = o; q < p; q++) H[q * n + p] = H[p * n + q];
    return f;
  }
}

interface FrozenMass {
  mass: number;
  staticError: string;
  /** The observed spectrum's fit at this mass (kernel, trend scale, training inputs). */
  fit: GpFit | null;
  train: number[];
  window: number[];
  sideband: number[];
  wWindow: Float64Array;
  /** K(X, X) at the frozen hyperparameters, N×N (both triangles). */
  K: Float64Array;
  /** The predicted bins (window, then sidebands) and their kernels K(T, X), K(T, T). */
  bins: number[];
  Ks: Float64Array;
  Kss: Float64Array;
}

/** A GP search with hyperparameters frozen at the observed spectrum's per-mass fits, ready to rescan toys (one per thread). */
export class FastGpScan {
  private readonly points: FrozenMass[] = [];
  private readonly gp: GpSettings;
  private readonly newton: DenseNewton;
  private readonly win: WindowProblem;
  private readonly x: Float64Array;
  private readonly maxIt: number;

  constructor(readonly spec: SearchSpec, private readonly sp: Spectrum, masses: number[]) {
    if (spec.background.model !== "gp") throw new Error("FastGpScan needs a GP background");
    const s = buildSearch(spec, sp).settings;
    this.gp = s.background.kind === "gp" ? s.background.gp : DEFAULT_GP;
    this.maxIt = Math.max(1, this.gp.laplaceIterations);
    const c = gpCoordinate(this.gp);
    let maxB = 1;
    for (const m of masses) {
      const st: FrozenMass = { mass: m, staticError: "", fit: null, train: [], window: [], sideband: [], wWindow: new Float64Array(0), K: new Float64Array(0), bins: [], Ks: new Float64Array(0), Kss: new Float64Array(0) };
      this.points.push(st);
      try {
        // the window, training and sideband bins of point.ts (evaluatePoint)
        const sigma = s.sigmaAt(m);
        if (!(sigma > 0) || !Number.isFinite(sigma)) throw new Error(`the resolution σ(${m}) = ${sigma} is not positive`);
        const [lo, hi] = containmentInterval(s.signal, m, sigma, s.containment);
        st.window = overlappingBins(sp.edges, lo, hi);
        if (st.window.length === 0) throw new Error(`the signal window [${lo}, ${hi}] lies outside the spectrum`);
        const wFull = binFractions(sp.edges, s.signal, m, sigma);
        st.wWindow = Float64Array.from(st.window, (i) => wFull[i]);
        const tInt = trainingExclusion(s, m, sigma, [lo, hi]);
        const excluded = new Set(overlappingBins(sp.edges, tInt[0], tInt[1]));
        for (const i of st.window) excluded.add(i);
        st.train = [...Array(sp.counts.length).keys()].filter((i) => !excluded.has(i));
        st.sideband = sidebandBins(sp, lo, hi, excluded);
        st.fit = fitGpBackground(sp, st.train, lengthScaleBounds(sp, [lo, hi], this.gp), this.gp);
        // frozen at the amplitude's cap, every toy would fail point.ts's check of it: fail here once
        if (st.fit.constant >= CONST_BOUNDS[1] * (1 - 1e-6)) throw new Error(`the GP amplitude reached its upper bound ${CONST_BOUNDS[1]}`);
        const N = st.train.length, P = toPoints(Float64Array.from(st.train, (i) => c(sp.centres[i])));
        st.K = new Float64Array(N * N);
        st.fit.gp.kernel.gramLower(P, st.K, null, 0);
        for (let i = 0; i < N; i++) for (let j = 0; j < i; j++) st.K[j * N + i] = st.K[i * N + j];
        st.bins = [...st.window, ...st.sideband];
        const T = toPoints(Float64Array.from(st.bins, (i) => c(sp.centres[i]))), M = st.bins.length;
        st.Ks = new Float64Array(M * N);
        st.fit.gp.kernel.cross(T, P, st.Ks);
        st.Kss = new Float64Array(M * M);
        st.fit.gp.kernel.gramLower(T, st.Kss, null, 0);
        maxB = Math.max(maxB, st.window.length);
      } catch (e) {
        st.staticError = `the observed spectrum's GP fit at this mass failed (${(e as Error).message}): no frozen hyperparameters`;
      }
    }
    this.win = new WindowProblem(maxB);
    this.newton = new DenseNewton(maxB + 1);
    this.x = new Float64Array(maxB + 1);
  }

  /**
   * Masses whose observed GP amplitude matters: its prior variance of ln(density) exceeds 1% of
   * the Poisson variance 1/n of the fullest training bin (at the amplitude's floor, 1e-8, or
   * anywhere below that, the GP is its trend). Where it does not matter, freezing the
   * hyperparameters gave the full procedure's toys; where it did, it did not
   * (bench/resonance-toys-check.md), so toys.ts's "auto" freezes only when this is empty.
   */
  activeAmplitudeMasses(): number[] {
    return this.points.filter((st) => st.fit && st.fit.constant > 0.01 / Math.max(1, ...st.train.map((i) => this.sp.counts[i]))).map((st) => st.mass);
  }

  /**
   * The latent background of the training bins at the frozen kernel: fitGpBackground's
   * iteration without its hyperparameter fits (start z = ln((n + ½)/w), noise 1/(n + ½); stop
   * when f moves < 1e-4). (A start from the observed spectrum's mode diverged on sparse toys.)
   * Returns the fit to predict from.
   */
  private latent(st: FrozenMass, counts: ArrayLike<number>): GpFit {
    const g = st.fit!, X = g.X, N = X.length, K = st.K, sc = g.trendScale, deg = g.trend.length - 1;
    const n = Float64Array.from(st.train, (i) => counts[i]), w = Float64Array.from(st.train, (i) => this.sp.widths[i]);
    const z = Float64Array.from(n, (v, k) => Math.log((v + 0.5) / w[k]));
    const alpha = Float64Array.from(n, (v) => 1 / (v + 0.5));
    const f = new Float64Array(N);
    const a = new Float64Array(N), Ky = new Float64Array(N * N), copy = new Float64Array(N * N);
    let trend: Float64Array = g.trend;
    for (let it = 0; it < 3 * this.maxIt; it++) {
      trend = polyFit(X, z, alpha, deg, sc);
      Ky.set(K);
      for (let i = 0; i < N; i++) { Ky[i * N + i] += alpha[i]; a[i] = z[i] - trendAt(trend, X[i], sc); }
      // plain Cholesky first (small N); GaussianProcess's jitter policy when it fails
      copy.set(Ky);
      if (choleskyInPlace(Ky, N)) choleskySolve(Ky, N, a);
      else {
        Ky.set(copy);
        if (Number.isNaN(choleskyWithJitter(Ky, N, copy))) throw new Error("the GP covariance of the training bins is not positive definite");
        choleskySolveVector(Ky, N, a);
      }
      let move = 0;
      for (let i = 0; i < N; i++) {
        let pm = 0;
        for (let j = 0; j < N; j++) pm += K[i * N + j] * a[j];
        const fi = pm + trendAt(trend, X[i], sc);
        move = Math.max(move, Math.abs(fi - f[i]));
        f[i] = fi;
      }
      for (let i = 0; i < N; i++) {
        const mu = w[i] * Math.exp(f[i]);
        z[i] = f[i] + (n[i] - mu) / mu;
        alpha[i] = 1 / Math.max(mu, 1e-12);
      }
      if (this.maxIt === 1 || (it > 0 && move < 1e-4)) break;
    }
    return { ...g, z, alpha, trend };
  }

  /** Rescan one spectrum's counts: q0 and Z at every mass (failures with reasons). */
  scan(counts: ArrayLike<number>): ToyPoint[] {
    const sum = (v: ArrayLike<number>, idx?: number[]) => { let t = 0; if (idx) for (const i of idx) t += v[i]; else for (let i = 0; i < v.length; i++) t += v[i]; return t; };
    return this.points.map((st): ToyPoint => {
      if (st.staticError) return { ok: false, q0: NaN, Z: NaN, error: st.staticError };
      try {
        const g = this.latent(st, counts);
        const B = st.window.length, S = st.sideband.length;
        const { b: bAll, C: CAll } = gpPrediction(this.sp, g, st.bins, this.gp, st);
        const M = B + S, b = bAll.subarray(0, B), C = new Float64Array(B * B);
        let sbB = 0, sbC = 0;
        for (let i = 0; i < B; i++) for (let j = 0; j < B; j++) C[i * B + j] = CAll[i * M + j];
        for (let i = B; i < M; i++) { sbB += bAll[i]; for (let j = B; j < M; j++) sbC += CAll[i * M + j]; }
        const sbVar = sbB + Math.max(sbC, 0);
        const nWin = st.window.map((i) => counts[i]);
        const lik = new WindowLikelihood({ n: nWin, b, C, w: st.wWindow });
        // A = 0 fit from θ = 0, then the free fit from (0, θ̂₀). This nll is convex in (A, θ):
        // when the score ∂nll/∂A at (0, θ̂₀) is positive, Â < 0 and q0 = 0 exactly, so a free fit
        // crawling along the soft wall at λ's floor (empty bins) is not a failure.
        const x = this.x, newton = this.newton, win = this.win;
        win.set(lik, false);
        x.fill(0);
        const fixed = newton.minimize(win, x);
        x.copyWithin(1, 0, B);
        x[0] = 0;
        win.set(lik, true);
        win.evaluate(x, newton.g, newton.H);
        const scorePositive = newton.g[0] > 0;
        const free = newton.minimize(win, x, { maxIter: 60 });
        let sigmaA = Math.sqrt(newton.inverseDiagonal(win.n, 0));
        if (!(sigmaA > 0)) {
          // empty window bins above λ's floor have no observed curvature: σ_A from the Fisher information there
          win.fisher = true;
          win.evaluate(x, newton.g, newton.H);
          win.fisher = false;
          sigmaA = Math.sqrt(newton.inverseDiagonal(win.n, 0));
        }
        const converged = fixed.converged && (free.converged || (scorePositive && x[0] < 0));
        const q0 = x[0] < 0 || scorePositive ? 0 : Math.max(0, 2 * (fixed.f - free.f));
        const Z = Math.sqrt(q0);
        const obsWindow = sum(nWin);
        const reasons = toyPointReasons({
          sigmaA, Z, sidebandPull: S ? (sum(counts, st.sideband) - sbB) / Math.sqrt(Math.max(sbVar, 1e-300)) : NaN, sidebandNSigma: this.spec.sidebandNSigma,
          obsWindow, bkgWindow: sum(b), windowRatio: this.spec.windowRatio, converged,
        });
        return reasons.length ? { ok: false, q0, Z, error: reasons.join("; ") } : { ok: true, q0, Z, error: "" };
      } catch (e) {
        return { ok: false, q0: NaN, Z: NaN, error: (e as Error).message };
      }
    });
  }
}
