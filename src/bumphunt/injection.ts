// Signal injection and extraction closure (hps_gpr injection.py; spec §12): inject a signal of
// known yield into pseudo-experiments, extract it with the unconstrained profiled fit, and
// summarise linearity, bias, pull width and coverage. This module holds the per-point engine
// for conditional-GP toys (background mean drawn from the GP posterior, nominal (b, C) in the
// fit); the refit and functional-form toy modes reuse it with another background source.
import { createHash } from "node:crypto";
import { fit, uncertainties } from "../likelihood/fit.ts";
import { multinomial, nonNegativeMvn, samplingFactor, type TruncMethod } from "../math/mvn.ts";
import { Rng } from "../math/rng.ts";
import { mean, quantile, std } from "../math/stats.ts";
import { WindowLikelihood } from "./window-likelihood.ts";

export type InjectMode = "poisson" | "multinomial";

/**
 * Signal counts for a template w and yield A (spec §12.3): Poisson per bin, or a multinomial
 * of N = round(A) events of which Binomial(N, Σw) fall in the window when Σw < 1.
 */
export function injectSignal(w: ArrayLike<number>, A: number, mode: InjectMode, rng: Rng, out: Float64Array = new Float64Array(w.length)): Float64Array {
  if (mode === "poisson") {
    for (let i = 0; i < w.length; i++) out[i] = rng.poisson(Math.max(0, A * w[i]));
    return out;
  }
  const N = Math.max(0, Math.round(A));
  let f = 0;
  for (let i = 0; i < w.length; i++) f += w[i];
  const nWin = f < 1 ? rng.binomial(N, Math.max(0, f)) : N;
  return multinomial(nWin, w, rng, out);
}

/** Point seed as hps_gpr builds it: first 8 bytes (LE) of blake2b("seed|d|m|A") & 0xFFFFFFFF. */
export function pointSeed(seed: number, dataset: string, massGeV: number, aInj: number): number {
  const h = createHash("blake2b512").update(`${seed}|${dataset}|${massGeV.toFixed(9)}|${formatG12(aInj)}`).digest();
  return h.readUInt32LE(0);
}

function formatG12(x: number): string {
  // Python's "%.12g"
  if (x === 0) return "0";
  const e = Math.floor(Math.log10(Math.abs(x)));
  if (e < -4 || e >= 12) return x.toExponential(11).replace(/\.?0+e/, "e").replace(/e([+-])(\d)$/, "e$10$2");
  return String(Number(x.toPrecision(12)));
}

export interface ToyExtraction {
  toy: number;
  aHat: number;
  sigmaA: number;
  pull: number;
  zHat: number;
  success: boolean;
  nll: number;
  error?: string;
}

export interface InjectionPoint {
  /** Window background mean and covariance (count space) and the window template. */
  b: ArrayLike<number>;
  C: ArrayLike<number>;
  w: ArrayLike<number>;
  /** Injected yield. */
  aInj: number;
  nToys: number;
  seed: number;
  injectMode?: InjectMode;
  truncMethod?: TruncMethod;
}

/**
 * Conditional-GP toys (spec §12.3): b_t ~ MVN⁺(b, C), s ~ inject(w, A), n ~ Poisson(b_t + s),
 * then the unconstrained fit with the nominal (b, C). Toy t uses stream Rng.forStream(seed, t),
 * so results do not depend on how toys are split across workers.
 */
export function runConditionalToys(p: InjectionPoint, toyStart = 0, toyEnd = p.nToys): ToyExtraction[] {
  const B = p.b.length;
  const F = samplingFactor(p.C, B);
  const nominal = new WindowLikelihood({ n: p.b, b: p.b, C: p.C, w: p.w });
  const out: ToyExtraction[] = [];
  const s = new Float64Array(B);
  for (let t = toyStart; t < toyEnd; t++) {
    const rng = Rng.forStream(p.seed, t);
    const bt = nonNegativeMvn(p.b, F, 1, rng, p.truncMethod ?? "reject_then_clip");
    injectSignal(p.w, p.aInj, p.injectMode ?? "poisson", rng, s);
    const n = Float64Array.from({ length: B }, (_, i) => rng.poisson(bt[i] + s[i]));
    out.push(extract(nominal, n, p.aInj, t));
  }
  return out;
}

/** Unconstrained profiled fit of the window counts n: Â, σ_A (Hessian), pull and Ẑ. */
export function extract(lik: WindowLikelihood, n: ArrayLike<number>, aInj: number, toy = 0): ToyExtraction {
  const data = lik.dataWithCounts(n);
  const init = Float64Array.from(lik.parameters, (q) => q.init);
  init[0] = lik.startAmplitude(n);
  try {
    const r = fit(lik, data, { init });
    const u = uncertainties(lik, data, r);
    const sigmaA = u.errors[0];
    const aHat = r.pars[0];
    return { toy, aHat, sigmaA, pull: (aHat - aInj) / sigmaA, zHat: aHat / sigmaA, success: r.converged && sigmaA > 0, nll: r.nll };
  } catch (e) {
    return { toy, aHat: NaN, sigmaA: NaN, pull: NaN, zHat: NaN, success: false, nll: NaN, error: (e as Error).message };
  }
}

/** σ_A,ref: σ_A of the unconstrained fit to the Asimov background n = b (spec §12.1). */
export function sigmaARef(b: ArrayLike<number>, C: ArrayLike<number>, w: ArrayLike<number>): number {
  const lik = new WindowLikelihood({ n: b, b, C, w });
  return extract(lik, b, 0).sigmaA;
}

export interface InjectionSummary {
  n_toys: number;
  n_failed: number;
  A_hat_mean: number;
  A_hat_std: number;
  sigma_A_mean: number;
  pull_mean: number;
  pull_std: number;
  pull_std_err: number;
  pull_q16: number;
  pull_q84: number;
  pull_q02: number;
  pull_q97: number;
  cov_1sigma: number;
  cov_2sigma: number;
  Zhat_mean: number;
  success_rate: number;
}

/** Summary columns of `inj_extract_summary_<d>.csv` (spec §12.6) over finite, successful toys. */
export function summarise(toys: ToyExtraction[]): InjectionSummary {
  const ok = toys.filter((t) => t.success && Number.isFinite(t.pull));
  const pulls = ok.map((t) => t.pull);
  const pullStd = std(pulls);
  return {
    n_toys: toys.length,
    n_failed: toys.length - ok.length,
    A_hat_mean: mean(ok.map((t) => t.aHat)),
    A_hat_std: std(ok.map((t) => t.aHat)),
    sigma_A_mean: mean(ok.map((t) => t.sigmaA)),
    pull_mean: mean(pulls),
    pull_std: pullStd,
    pull_std_err: pullStd / Math.sqrt(Math.max(1, 2 * (pulls.length - 1))),
    pull_q16: quantile(pulls, 0.16),
    pull_q84: quantile(pulls, 0.84),
    pull_q02: quantile(pulls, 0.025),
    pull_q97: quantile(pulls, 0.975),
    cov_1sigma: mean(pulls.map((p) => (Math.abs(p) < 1 ? 1 : 0))),
    cov_2sigma: mean(pulls.map((p) => (Math.abs(p) < 2 ? 1 : 0))),
    Zhat_mean: mean(ok.map((t) => t.zHat)),
    success_rate: toys.length ? ok.length / toys.length : NaN,
  };
}
