// Expected upper-limit bands of the bump hunt (hps_gpr bands.py; spec §11.1, mode A
// "conditional GP"): background-only pseudo-experiments λ_t ~ MVN⁺(b, C), n_t ~ Poisson(λ_t),
// each limited with the nominal (b, C, w); quantiles of the toy limits give the band, and the
// observed limit's position in that distribution gives p_strong/p_weak/p_two.
// The limit of each toy is the root of CLs(A) = α by Brent's method (same root as hps_gpr's
// bisection, fewer CLs evaluations). Toy t draws from Rng.forStream(seed, t).
//
// Speed (spec §20: hps_gpr ≈ 2 h per 10k-toy band): the per-toy profile fits are done by
// FastWindowLimit, a damped Newton method on exactly the §7 objective (convex in (A, θ): the
// Poisson terms are convex in λ, λ is linear in the parameters, the soft wall is quadratic),
// warm-started from the previous solution along the root search, with preallocated buffers
// and the ln n! constants dropped (they cancel in every q). It is a specialised solver behind
// src/infer's interfaces: its fits are a ProfileSource for infer's q̃ and asymptotic CLs, the
// root comes from infer's limitFromCls, and it is a LimitSolver. The Brent bracket comes from Â
// and σ_A (the Newton Hessian's (H⁻¹)_AA at the free optimum). A toy whose Newton iterations
// do not converge falls back to the general path (infer's asymptoticLimitSolver on L-BFGS
// fits), so results never depend on the fast path's success.
import { nonNegativeMvn, samplingFactor, type TruncMethod } from "../math/mvn.ts";
import { Rng } from "../math/rng.ts";
import { pTwoSided } from "../infer/look-elsewhere.ts";
import { inThread, type TaskExecutor } from "../infer/executor.ts";
import { asymptoticCls } from "../infer/asymptotic.ts";
import { qtildeUnbounded, type ProfileSource } from "../infer/test-statistics.ts";
import { asymptoticLimitSolver, firstFiniteLimit, limitFromCls, type LimitSolver } from "../infer/upper-limit.ts";
import { HPS_ASYMPTOTIC, HPS_STATISTIC, windowCalculator, windowBracketStart } from "./limits.ts";
import { choleskyInPlace, choleskySolve } from "../math/linalg.ts";
import { mean, quantile } from "../math/stats.ts";
import { WindowLikelihood } from "./window-likelihood.ts";

export const BAND_QUANTILES = [0.025, 0.16, 0.5, 0.84, 0.975];

export interface BandOptions {
  b: ArrayLike<number>;
  C: ArrayLike<number>;
  w: ArrayLike<number>;
  nToys: number;
  seed: number;
  alpha?: number;
  truncMethod?: TruncMethod;
  /** Observed limit, for p_strong / p_weak / p_two. */
  observed?: number;
  /** Yield per unit ε² (K) to express the band in ε² too. */
  aPerEps2?: number;
}

export interface BandResult {
  /** Toy limits on A in toy order (NaN for a failed toy). */
  toyLimits: number[];
  n_failed: number;
  /** Quantiles 2.5/16/50/84/97.5% and mean of the finite toy limits, on A and ε². */
  A: { lo2: number; lo1: number; med: number; hi1: number; hi2: number; mean: number };
  eps2: { lo2: number; lo1: number; med: number; hi1: number; hi2: number; mean: number } | null;
  p_strong: number;
  p_weak: number;
  p_two: number;
}

/**
 * The general path of a window's toy limits: infer's asymptotic calculator on L-BFGS fits
 * (Asimov fits shared), §7.8 bracket (A_hi doubled from max(1, 3√max(Σb, 1)), < 1e7, ≤ 40
 * times) solved by Brent on [0, A_hi] to 1e-8 relative; NaN if CLs stays above α.
 */
export function generalWindowSolver(lik: WindowLikelihood, alpha = 0.05): LimitSolver {
  let solver: LimitSolver | undefined; // built on first use: most toys never need it
  return {
    limit: (data) => (solver ??= asymptoticLimitSolver(windowCalculator(lik), {
      level: alpha, start: windowBracketStart(lik), maxSteps: 40, cap: 1e7, keepLower: true, xtol: 1e-12, rtol: 1e-8,
    })).limit(data),
  };
}

/** Toy limits of a window: the Newton fast path, the general path when it fails. */
export function windowLimitSolver(lik: WindowLikelihood, alpha = 0.05): LimitSolver {
  return firstFiniteLimit(new FastWindowLimit(lik, alpha), generalWindowSolver(lik, alpha));
}

export function expectedBands(o: BandOptions, toyStart = 0, toyEnd = o.nToys): BandResult {
  const alpha = o.alpha ?? 0.05;
  const B = o.b.length;
  const lik = new WindowLikelihood({ n: o.b, b: o.b, C: o.C, w: o.w });
  const F = samplingFactor(o.C, B);
  const solver = windowLimitSolver(lik, alpha);
  const toyLimits: number[] = [];
  const data = new Float64Array(2 * B); // toy counts, aux = 0
  for (let t = toyStart; t < toyEnd; t++) {
    const rng = Rng.forStream(o.seed, t);
    const lam = nonNegativeMvn(o.b, F, 1, rng, o.truncMethod ?? "reject_then_clip");
    for (let i = 0; i < B; i++) data[i] = rng.poisson(lam[i]);
    toyLimits.push(solver.limit(data));
  }
  return summariseBands(toyLimits, o.observed, o.aPerEps2);
}

export function summariseBands(toyLimits: number[], observed?: number, aPerEps2?: number): BandResult {
  const ok = toyLimits.filter(Number.isFinite);
  const q = (v: number[]) => {
    const [lo2, lo1, med, hi1, hi2] = BAND_QUANTILES.map((p) => quantile(v, p));
    return { lo2, lo1, med, hi1, hi2, mean: mean(v) };
  };
  let pStrong = NaN, pWeak = NaN;
  if (observed !== undefined && ok.length) {
    pStrong = ok.filter((x) => x <= observed).length / ok.length;
    pWeak = ok.filter((x) => x >= observed).length / ok.length;
  }
  return {
    toyLimits, n_failed: toyLimits.length - ok.length, A: q(ok),
    eps2: aPerEps2 && aPerEps2 > 0 ? q(ok.map((x) => x / aPerEps2)) : null,
    p_strong: pStrong, p_weak: pWeak, p_two: Number.isFinite(pStrong) ? pTwoSided(pStrong, pWeak) : NaN,
  };
}

const SOFT_WALL = 1e6;

/** The profile of one count vector as FastWindowLimit's Newton fits see it (2NLL up to a constant of n). */
interface NewtonProfile extends ProfileSource {
  muHat: number;
  twiceNllFree: number;
  /** 2NLL at A = 0, fitted from the free optimum on first use (NaN until then). */
  twiceNllNull: number;
  /** Conditional fits in a warm chain (each from the previous one: the root search) or each from the free optimum. */
  chain: boolean;
}

/**
 * Asymptotic CLs upper limits on A (§7.6–7.8) for many count vectors on one window, with the
 * profile fits done by damped Newton iterations on the §7 objective (see the file header).
 * `limit(n)` returns NaN when an iteration fails to converge (callers fall back to the
 * general path). No allocation per CLs evaluation.
 */
export class FastWindowLimit implements LimitSolver {
  readonly B: number;
  private readonly L: Float64Array;
  private readonly b: Float64Array;
  private readonly w: Float64Array;
  private readonly eps: number;
  private readonly lam: Float64Array;
  private readonly r: Float64Array;
  private readonly d: Float64Array;
  private readonly g: Float64Array;
  private readonly H: Float64Array;
  private readonly step: Float64Array;
  private readonly trial: Float64Array;
  private readonly xFree: Float64Array;
  private readonly xObs: Float64Array;
  private readonly xAsi: Float64Array;
  private readonly xNull: Float64Array;
  private readonly n: Float64Array;
  private readonly gls: Float64Array;
  private glsDen = NaN;
  /** The current counts' profile and the Asimov (n = b) profile, for infer's q̃ (§7.6). */
  private readonly obs: NewtonProfile = {
    muHat: NaN, twiceNllFree: NaN, twiceNllNull: NaN, chain: true,
    twiceNllAt: (A: number) => this.conditional(A),
  };
  private readonly asimov: ProfileSource;
  /** Newton iterations of the last limit (diagnostics). */
  iterations = 0;
  /** CLs evaluations of the last limit. */
  evaluations = 0;

  constructor(lik: WindowLikelihood, readonly alpha = 0.05) {
    const B = (this.B = lik.nMain);
    this.L = lik.L; this.b = lik.b; this.w = lik.w; this.eps = lik.eps;
    this.lam = new Float64Array(B); this.r = new Float64Array(B); this.d = new Float64Array(B);
    const P = B + 1;
    this.g = new Float64Array(P); this.H = new Float64Array(P * P); this.step = new Float64Array(P); this.trial = new Float64Array(P);
    this.xFree = new Float64Array(P); this.xObs = new Float64Array(P); this.xAsi = new Float64Array(P); this.xNull = new Float64Array(P);
    this.n = new Float64Array(B);
    // GLS start (§7.3) with V = L Lᵀ + diag(max(b, 1)) + 100ε I factored once: A0 = zᵀ(n − b) / wᵀz, z = V⁻¹w.
    const V = new Float64Array(B * B);
    for (let i = 0; i < B; i++) {
      for (let j = 0; j < B; j++) {
        let s = 0;
        for (let k = 0; k < B; k++) s += this.L[i * B + k] * this.L[j * B + k];
        V[i * B + j] = s;
      }
      V[i * B + i] += Math.max(this.b[i], 1) + 100 * this.eps;
    }
    this.gls = Float64Array.from(this.w);
    if (choleskyInPlace(V, B)) {
      choleskySolve(V, B, this.gls);
      let den = 0;
      for (let i = 0; i < B; i++) den += this.w[i] * this.gls[i];
      this.glsDen = den;
    }
    // Asimov data n = b: the free optimum is A = 0, θ = 0 exactly (zero gradient there);
    // its conditional fits form a warm chain along the root search.
    const asimovFree = 2 * this.evaluate(this.xAsi, this.b, false);
    this.asimov = {
      muHat: 0, twiceNllFree: asimovFree,
      twiceNllAt: (A: number) => {
        this.xAsi[0] = A;
        return 2 * this.minimum(this.xAsi, this.b);
      },
    };
  }

  /** §7 objective at x = (A, θ) for counts n, up to a constant of n; fills r (∂f/∂λ) and d (∂²f/∂λ²) if asked. */
  private evaluate(x: Float64Array, n: ArrayLike<number>, derivs: boolean): number {
    const B = this.B, L = this.L, eps = this.eps, A = x[0];
    let f = 0;
    for (let i = 0; i < B; i++) {
      let l = this.b[i] + A * this.w[i];
      const ri = i * B;
      for (let j = 0; j < B; j++) l += L[ri + j] * x[1 + j];
      this.lam[i] = l;
      const ni = n[i];
      const le = l > eps ? l : eps;
      // Deviance form: the Poisson term minus its saturated value (n ln n − n, a constant that
      // cancels in q), so f is O(B) near the optimum and rounding stays ~1e-15.
      f += le - ni - (ni === 0 ? 0 : ni * Math.log(le / ni));
      let r = 1 - ni / le, d = ni / (le * le);
      if (l < eps) {
        f += r * (l - eps) + SOFT_WALL * (eps - l) * (eps - l);
        r -= 2 * SOFT_WALL * (eps - l);
        d = 2 * SOFT_WALL;
      }
      if (derivs) { this.r[i] = r; this.d[i] = d; }
    }
    for (let j = 0; j < B; j++) f += 0.5 * x[1 + j] * x[1 + j];
    return f;
  }

  /** Gradient and Hessian of the objective (after evaluate with derivs) into g, H (P×P). */
  private derivatives(x: Float64Array): void {
    const B = this.B, P = B + 1, L = this.L, r = this.r, d = this.d, w = this.w, g = this.g, H = this.H;
    let gA = 0, hAA = 0;
    for (let i = 0; i < B; i++) { gA += r[i] * w[i]; hAA += d[i] * w[i] * w[i]; }
    g[0] = gA; H[0] = hAA;
    for (let j = 0; j < B; j++) {
      let s = x[1 + j], hA = 0;
      for (let i = 0; i < B; i++) { const lij = L[i * B + j]; s += lij * r[i]; hA += lij * d[i] * w[i]; }
      g[1 + j] = s;
      H[1 + j] = hA; H[(1 + j) * P] = hA;
      for (let k = 0; k <= j; k++) {
        let h = 0;
        for (let i = 0; i < B; i++) h += L[i * B + j] * d[i] * L[i * B + k];
        H[(1 + j) * P + 1 + k] = h; H[(1 + k) * P + 1 + j] = h;
      }
      H[(1 + j) * P + 1 + j] += 1;
    }
  }

  /**
   * Minimise over θ (A fixed at x[0]) or over (A, θ) from x (updated in place). Returns the
   * minimum or NaN if the Newton iterations fail. With freeA, leaves the Cholesky factor of
   * the full Hessian in H (for σ_A).
   */
  private newton(x: Float64Array, n: ArrayLike<number>, freeA: boolean): number {
    const P = this.B + 1, k0 = freeA ? 0 : 1, m = P - k0;
    const H = this.H, g = this.g, step = this.step, trial = this.trial;
    let f = this.evaluate(x, n, true);
    for (let it = 0; it < 100; it++) {
      this.iterations++;
      this.derivatives(x);
      // Work on the free block [k0, P) of H and g (compact it to the front of H when A is fixed).
      if (!freeA) for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) H[i * m + j] = H[(i + 1) * P + (j + 1)];
      for (let i = 0; i < m; i++) step[i] = -g[i + k0];
      if (!choleskyInPlace(H, m)) return NaN;
      choleskySolve(H, m, step);
      let dec = 0;
      for (let i = 0; i < m; i++) dec -= g[i + k0] * step[i];
      if (!(dec >= 0)) return NaN;
      // Newton decrement dec ≈ 2(f − f*): below 1e-10 the profile nll is exact to ~5e-11.
      if (dec < 1e-10) return f;
      let t = 1, fNew = NaN;
      for (let ls = 0; ls < 60; ls++) {
        trial.set(x);
        for (let i = 0; i < m; i++) trial[i + k0] += t * step[i];
        fNew = this.evaluate(trial, n, false);
        if (fNew <= f - 1e-4 * t * dec) break;
        t *= 0.5;
      }
      // No decrease left at the rounding floor of f (large counts): converged if dec is small.
      if (!(fNew <= f - 1e-4 * t * dec)) return dec < 1e-8 ? f : NaN;
      x.set(trial);
      f = this.evaluate(x, n, true);
    }
    return NaN;
  }

  /** Newton minimum over θ at A = x[0] from x, or an exception (caught by the callers: NaN). */
  private minimum(x: Float64Array, n: ArrayLike<number>): number {
    const f = this.newton(x, n, false);
    if (!Number.isFinite(f)) throw new Error("newton");
    return f;
  }

  /** 2NLL of the current counts at A: the null fit from the free optimum, others in the chain or from the free optimum. */
  private conditional(A: number): number {
    const o = this.obs;
    if (A === 0) {
      if (Number.isNaN(o.twiceNllNull)) {
        this.xNull.set(this.xFree); this.xNull[0] = 0;
        o.twiceNllNull = 2 * this.minimum(this.xNull, this.n);
      }
      return o.twiceNllNull;
    }
    const x = this.xObs;
    if (!o.chain) x.set(this.xFree);
    x[0] = A;
    return 2 * this.minimum(x, this.n);
  }

  /** Copy counts into n and fit (A, θ) freely from the GLS start; sets the profile's Â and free 2NLL (NaN on failure), x̂ in xFree. */
  private fitFree(counts: ArrayLike<number>, chain: boolean): boolean {
    const B = this.B, n = this.n, x = this.xFree;
    for (let i = 0; i < B; i++) n[i] = Math.max(0, counts[i]);
    let A0 = 0;
    if (Number.isFinite(this.glsDen) && this.glsDen !== 0) {
      for (let i = 0; i < B; i++) A0 += this.gls[i] * (n[i] - this.b[i]);
      A0 /= this.glsDen;
    }
    x.fill(0);
    x[0] = Number.isFinite(A0) ? A0 : 0;
    const f = this.newton(x, n, true);
    const o = this.obs;
    o.muHat = x[0]; o.twiceNllFree = 2 * f; o.twiceNllNull = NaN; o.chain = chain;
    return Number.isFinite(f);
  }

  /**
   * q̃_A (§7.6, infer's qtildeUnbounded) for counts n with the nominal model: free fit, the
   * A = 0 fit when Â < 0, and the profile at A, each from the free optimum. NaN if a Newton
   * iteration fails (callers fall back to the general fits). Used by toy-calibrated CLs (§7.7),
   * which needs q̃ on many pseudo-data sets.
   */
  qTilde(counts: ArrayLike<number>, A: number): number {
    if (!this.fitFree(counts, false)) return NaN;
    try {
      return qtildeUnbounded(this.obs, A).q;
    } catch {
      return NaN;
    }
  }

  /** The 1 − α CLs upper limit on A (§7.7, infer's asymptotic CLs) for counts n (the first B entries), or NaN if the fast path fails. */
  limit(counts: ArrayLike<number>): number {
    const B = this.B, x = this.xFree;
    this.iterations = 0; this.evaluations = 0;
    if (!this.fitFree(counts, true)) return NaN;
    // σ_A² = (H⁻¹)_AA from the Cholesky factor left in H: solve H e = e_0.
    const P = B + 1, e = this.step;
    e.fill(0); e[0] = 1;
    choleskySolve(this.H, P, e);
    const sigmaA = Math.sqrt(Math.max(e[0], 1e-300));
    this.xObs.set(x);
    this.xAsi.fill(0);
    const cls = (A: number) => {
      this.evaluations++;
      return asymptoticCls(HPS_STATISTIC, this.obs, this.asimov, A, HPS_ASYMPTOTIC).observed.cls;
    };
    try {
      // Bracket from max(Â, 0) + 2σ_A, widening by σ_A, 2σ_A, 4σ_A, … (down to A = 0, where CLs = 1).
      return limitFromCls(cls, { level: this.alpha, start: Math.max(x[0], 0) + 2 * sigmaA, step: sigmaA, maxSteps: 62, cap: 1e12, xtol: 1e-12, rtol: 1e-8 }).limit;
    } catch {
      return NaN;
    }
  }
}

/** Toy-chunk tasks of one mass's band for the worker pool: task k = toys [k·chunk, (k+1)·chunk). */
export async function bandToysRunner(o: BandOptions & { chunk: number }): Promise<{ run(k: number): number[] }> {
  return { run: (k: number) => expectedBands(o, k * o.chunk, Math.min(o.nToys, (k + 1) * o.chunk)).toyLimits };
}

/**
 * One mass's band with its toys in chunks of `chunk` on `executor` (e.g. src/batch's worker
 * pool; default this thread); the toy limits come back in toy order, so the band is the same
 * whatever runs them.
 */
export async function expectedBandsParallel(o: BandOptions, executor: TaskExecutor = inThread, chunk = 250): Promise<BandResult> {
  const nChunks = Math.ceil(o.nToys / chunk);
  const parts = await executor.run<number, number[]>({ module: import.meta.url, factory: "bandToysRunner", args: { ...o, b: Array.from(o.b), C: Array.from(o.C), w: Array.from(o.w), chunk } },
    Array.from({ length: nChunks }, (_, k) => k));
  return summariseBands(parts.flat(), o.observed, o.aPerEps2);
}
