// Loader for ../shared/reference/gp_reference.json (scikit-learn 1.2.1 GaussianProcessRegressor)
// and construction of the matching Searchlight kernels. Used by the GP tests and bench/gp.bench.ts.
import { readFileSync } from "node:fs";
import { sharedPath } from "../shared.ts";
import { ConstantKernel, Matern, RationalQuadratic, RBF, WhiteKernel, type Kernel } from "../../src/gp/kernels.ts";

export type Num = number | "-Infinity" | "Infinity" | "NaN";
export interface RefStart { theta_init: number[]; theta: number[]; lml: Num; nit: number; nfev: number }
export interface RefOpt { theta: number[]; lml: number; grad_at_opt: number[]; starts: RefStart[]; kernel_repr: string; best_start: number }
export interface RefPredict { theta: number[]; mu: number[]; cov: number[][]; std_return_std?: number[]; std?: number[] }
export interface RefCase {
  id: string;
  kind: "hps" | "synthetic";
  n_train: number;
  X_train: number[];
  y_train: number[];
  alpha_train?: number[];
  alpha?: number | number[];
  X_test: number[];
  counts?: number[];
  edges?: number[];
  blind_idx?: number[];
  l0?: number; l_lo?: number; l_hi?: number;
  kernel: { repr: string; theta: number[]; bounds_log: [number, number][]; params: Record<string, number>; hyperparameters: { name: string; bounds: [number, number] }[] };
  normalize_y: boolean;
  lml_theta0: { theta: number[]; lml: number; grad: number[] };
  opt_n0: RefOpt;
  opt_n10?: RefOpt;
  predict_opt_n0: RefPredict;
  predict_opt_n10?: RefPredict;
  counts_opt_n0?: { b: number[]; C: number[][] };
  counts_opt_n10?: { b: number[]; C: number[][] };
}
export interface RefFile {
  header: Record<string, unknown>;
  cases: RefCase[];
  timings: { runs: { as_is: { cases: Record<string, { n_train: number; lml_grad: { median_s: number }; fit_n0: { median_s: number }; fit_n10: { median_s: number; total_nfev: number } }> } } };
}

let cache: RefFile | null = null;
export function gpReference(): RefFile {
  cache ??= JSON.parse(readFileSync(sharedPath("reference/gp_reference.json"), "utf8")) as RefFile;
  return cache;
}

export function num(v: Num): number {
  return typeof v === "number" ? v : Number(v);
}

/** Searchlight kernel equal to the case's initial sklearn kernel (values and bounds). */
export function caseKernel(c: RefCase): Kernel {
  const hp = Object.fromEntries(c.kernel.hyperparameters.map((h) => [h.name, h.bounds] as const));
  const p = c.kernel.params;
  const b = (name: string): [number, number] => hp[name];
  if (c.kind === "hps") {
    return new ConstantKernel(p.k1__constant_value, b("k1__constant_value")).times(new RBF(p.k2__length_scale, b("k2__length_scale")));
  }
  if (c.id === "syn_rq") {
    return new ConstantKernel(p.k1__constant_value, b("k1__constant_value"))
      .times(new RationalQuadratic(p.k2__length_scale, p.k2__alpha, b("k2__length_scale"), b("k2__alpha")));
  }
  if (c.id === "syn_matern15") {
    return new ConstantKernel(p.k1__constant_value, b("k1__constant_value")).times(new Matern(p.k2__length_scale, b("k2__length_scale"), 1.5));
  }
  if (c.id === "syn_matern25_white") {
    return new ConstantKernel(p.k1__k1__constant_value, b("k1__k1__constant_value"))
      .times(new Matern(p.k1__k2__length_scale, b("k1__k2__length_scale"), 2.5))
      .plus(new WhiteKernel(p.k2__noise_level, b("k2__noise_level")));
  }
  throw new Error(`unknown reference case ${c.id}`);
}

/** sklearn's alpha for the case (per-point vector or scalar). */
export function caseAlpha(c: RefCase): number | number[] {
  if (c.alpha_train) return c.alpha_train;
  if (c.alpha === undefined) throw new Error(`case ${c.id} has no alpha`);
  return c.alpha;
}

export function relErr(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);
}

/** max_i |a_i − b_i| / max_i |b_i| (relative to the largest reference entry). */
export function maxRelErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0, den = 0;
  for (let i = 0; i < b.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return num / den;
}
