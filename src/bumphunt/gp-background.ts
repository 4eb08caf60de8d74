// The GP background of one dataset at one mass hypothesis (hps_gpr; spec §4): fit
// Constant × RBF to (ln x, ln y) on the training bins with heteroscedastic noise 1/y, the
// length-scale bounds scaled to the mass resolution, then transform the log-space posterior
// at the blind-window bins to count space (lognormal moments).
import { ConstantKernel, Product, RBF, fitGaussianProcess, type FitOptions, type GaussianProcess, type StartAgreement } from "../gp/index.ts";

export type LengthScalePolicy = "resolution_scaled_local" | "resolution_scaled_global" | "manual";
export type RestartMode = "adaptive" | "all";

export interface GpBackgroundOptions {
  /** Constant kernel init and bounds (spec §4.2; defaults 1.0 and [1e-8, 1e18]). */
  constantInit?: number;
  constantBounds?: [number, number];
  /** Length-scale policy and factors (spec §4.3). */
  lsPolicy?: LengthScalePolicy;
  lsLowerFactor?: number;
  lsUpperFactor?: number;
  /** "dataset_stat" floor on l_hi: l_hi ≥ U · stat_d · factor (production factor 0.8). */
  lsHiFloor?: { stat: number; factor: number } | null;
  /** Manual bounds and init (policy "manual"). */
  lsManualBounds?: [number, number];
  lsManualInit?: number;
  /** Bounds and init computed elsewhere (config policy, spec §4.3): [l_lo, l_hi, l_init]; overrides the policy. */
  lsExplicit?: [number, number, number];
  /** Noise model of non-empty bins (spec §4.1): "1/y" → 1/max(y, 1e-12); anything else → 1/max(y, 1). */
  alphaModel?: string;
  /** Extra restarts of the hyperparameter fit (spec §4.4) and their seed. */
  nRestarts?: number;
  seed?: number;
  /**
   * How the starts run when nRestarts > 0 (config n_restarts_mode). "all": every start, the best
   * LML wins (hps_gpr, sklearn). "adaptive" (default): the kernel's θ to convergence (as with
   * nRestarts = 0), then `warmStart` (a neighbouring mass's optimum), then the random draws in
   * order, stopping once two starts from distinct points end at the winner's optimum (gp/fit.ts
   * stopWhenAgree). The winner is the earliest start within 1e-3 of the best LML (gp/fit.ts
   * tieLml), so the restarts change the result only where they find a better optimum, and the
   * result does not depend on the restart seed. nRestarts = 0 is one start from the kernel's θ
   * in either mode.
   */
  restartMode?: RestartMode;
  /** Log-hyperparameters (ln C, ln ℓ) to start from second in "adaptive" mode, after the kernel's θ. */
  warmStart?: ArrayLike<number> | null;
  /** Skip the optimisation (kernel stays at its initial values). */
  optimize?: boolean;
  /** Noise for empty bins and the optional first-n scaling (spec §4.1). */
  preZeroAlpha?: number;
  preAlphaFirstN?: number;
  preAlphaFirstFactor?: number;
}

/** σ_x(m) = ln(m + σ(m)) − ln m: the resolution in the GP's ln-mass coordinate. */
export function sigmaX(m: number, sigma: number): number {
  return Math.log(m + sigma) - Math.log(m);
}

/**
 * Length-scale bounds and init (spec §4.3). `base` is σ_x(m0) for the local policy or the
 * dataset statistic for the global one. Returns [l_lo, l_hi, l_init].
 */
export function lengthScaleBounds(base: number, o: GpBackgroundOptions = {}): [number, number, number] {
  if (o.lsExplicit) return [...o.lsExplicit];
  if ((o.lsPolicy ?? "resolution_scaled_local") === "manual") {
    const [lo, hi] = o.lsManualBounds ?? [0.001, 10];
    const init = Math.min(hi, Math.max(lo, o.lsManualInit ?? Math.sqrt(lo * hi)));
    return [lo, hi, init];
  }
  const L = o.lsLowerFactor ?? 0.5;
  const U = o.lsUpperFactor ?? 8.0;
  const lo = Math.max(1e-12, L * base);
  let hi = Math.max(1.001 * lo, U * base);
  if (o.lsHiFloor) hi = Math.max(hi, U * o.lsHiFloor.stat * o.lsHiFloor.factor);
  hi = Math.max(hi, 1.001 * lo);
  return [lo, hi, Math.sqrt(lo * hi)];
}

export interface WindowPrediction {
  /** Background mean and covariance in count space at the window bins. */
  b: Float64Array;
  C: Float64Array;
  /**
   * Count-space GP mean at every bin (diagonal transform), computed on first access: the
   * posterior variances at ~n bins cost n²·n/2 multiply-adds (0.9 s at n = 1600), and a scan
   * needs them only for figures and toys.
   */
  readonly muFull: Float64Array;
  gp: GaussianProcess;
  kernel: string;
  constant: number;
  lengthScale: number;
  lml: number;
  /** The fitted log-hyperparameters (ln C, ln ℓ), as the fit left them (a warm start for a neighbour). */
  theta: Float64Array;
  /** How the fit's starts ended (null without optimisation). */
  starts: StartAgreement | null;
  lsBounds: [number, number, number];
  nTrain: number;
}

/** The fit options of the restart mode (see GpBackgroundOptions.restartMode). */
export function restartOptions(o: GpBackgroundOptions): FitOptions {
  const n = o.nRestarts ?? 12;
  const base: FitOptions = { nRestarts: n, seed: o.seed ?? 0 };
  return (o.restartMode ?? "adaptive") === "adaptive" && n > 0 ? { ...base, warmStart: o.warmStart ?? null, stopWhenAgree: 2, tieLml: 1e-3 } : base;
}

/**
 * Fit the GP on the training bins and predict the window bins.
 * `centres`, `counts`: the prepared histogram; `train`, `window`: bin index lists.
 */
export function predictBackground(centres: ArrayLike<number>, counts: ArrayLike<number>, train: number[], window: number[], lsBase: number, o: GpBackgroundOptions = {}): WindowPrediction {
  if (window.length === 0) throw new Error("the blind window contains no bins");
  if (train.length < 3) throw new Error(`only ${train.length} training bins outside the blind window`);
  const X = train.map((i) => Math.log(Math.max(centres[i], 1e-12)));
  const z = train.map((i) => (counts[i] > 0 ? Math.log(counts[i]) : 0));
  const alpha = train.map((i, k) => {
    const y = counts[i];
    let a = y > 0 ? ((o.alphaModel ?? "1/y") === "1/y" ? 1 / Math.max(y, 1e-12) : 1 / Math.max(y, 1)) : (o.preZeroAlpha ?? 1.0);
    if (k < (o.preAlphaFirstN ?? 0)) a *= o.preAlphaFirstFactor ?? 0.1;
    return a;
  });
  const ls = lengthScaleBounds(lsBase, o);
  const kernel = new Product(new ConstantKernel(o.constantInit ?? 1.0, o.constantBounds ?? [1e-8, 1e18]), new RBF(ls[2], [ls[0], ls[1]]));
  const gp = fitGaussianProcess(kernel, X, z, o.optimize === false ? { alpha } : { alpha, ...restartOptions(o) });
  const Xw = window.map((i) => Math.log(Math.max(centres[i], 1e-12)));
  const pw = gp.predict(Xw, { returnCov: true });
  const { b, C } = logToCounts(pw.mean, pw.cov!);
  let muFull: Float64Array | null = null;
  const theta = gp.kernel.theta;
  return {
    b, C, gp, kernel: gp.kernel.toString(), constant: Math.exp(theta[0]), lengthScale: Math.exp(theta[1]),
    lml: gp.fit?.lml ?? NaN, theta: Float64Array.from(gp.fit?.theta ?? theta), starts: gp.fit?.agreement ?? null, lsBounds: ls, nTrain: train.length,
    get muFull(): Float64Array {
      if (!muFull) {
        const all = Array.from({ length: centres.length }, (_, i) => Math.log(Math.max(centres[i], 1e-12)));
        const pf = gp.predict(all, { returnStd: true });
        muFull = Float64Array.from(pf.mean, (m, i) => Math.exp(m + 0.5 * Math.min(40, Math.max(0, pf.std![i] ** 2))));
      }
      return muFull;
    },
  };
}

/**
 * Lognormal moments (spec §4.5): b_i = exp(μ_i + max(S_ii, 0)/2),
 * C_ij = b_i b_j (exp(clip(S_ij, −40, 40)) − 1).
 */
export function logToCounts(mu: ArrayLike<number>, S: ArrayLike<number>): { b: Float64Array; C: Float64Array } {
  const n = mu.length;
  const b = Float64Array.from({ length: n }, (_, i) => Math.exp(mu[i] + 0.5 * Math.max(S[i * n + i], 0)));
  const C = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) C[i * n + j] = b[i] * b[j] * Math.expm1(Math.min(40, Math.max(-40, S[i * n + j])));
  }
  return { b, C };
}
