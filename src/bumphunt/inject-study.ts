// Injection / extraction studies (hps_gpr injection.py; spec §12): per (dataset, mass,
// strength) inject a signal of known yield into pseudo-experiments, extract it with the
// unconstrained profiled fit and summarise linearity, bias, pull width, coverage and Ẑ
// calibration. Toy modes:
//   conditional_gp          b_t ~ MVN⁺(b, C), n ~ Poisson(b_t + s), fit with the nominal (b, C);
//   full_refit              y = Poisson(μ_full) + signal over the full range (or the window),
//                           GP refitted on the toy's sidebands, fit with the refit (b_t, C_t);
//   functional_form_refit   y = stored functional-form toy t + signal, GP refitted per mass.
// Work is split into (mass) context tasks (nominal GP, σ_A,ref) and (mass, strength, toy
// chunk) tasks on the worker pool; toy t of a point draws from Rng.forStream(point seed, t)
// with hps_gpr's blake2b point seed, so every byte is independent of the number of workers.
// Aggregation streams: rows are appended to the toy CSV mass by mass and only the numbers
// the summary needs are kept.
import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { join } from "node:path";
import { inThread, type TaskExecutor } from "../infer/executor.ts";
import { nonNegativeMvn, samplingFactor } from "../math/mvn.ts";
import { Rng } from "../math/rng.ts";
import { fullRangeToyCounts, refitInputs, withCounts } from "./full-toys.ts";
import { extract, injectSignal, pointSeed, runConditionalToys, sigmaARef, type InjectMode } from "./injection.ts";
import { massPointInputs } from "./mass-point.ts";
import { fullTemplate } from "./spectrum.ts";
import { prepareDataset, type PreparedDataset, type ScanJob } from "./scan.ts";
import { csvLine, csvText } from "../io/csv.ts";
import { mean, quantile, std } from "../math/stats.ts";
import type { ToySpec } from "./toy-scan.ts";
import { WindowLikelihood } from "./window-likelihood.ts";

/**
 * conditional_gp: MVN⁺(b, C) background, nominal fit; full_refit: Poisson(μ_full) + signal, GP
 * refit on the toy; functional_form_refit: stored functional-form toy + signal, GP refit on it;
 * functional_form_fixed_bg: the same toys, but the GP is trained on the background-only toy
 * (once per toy and mass), so the injected signal never enters the background estimate.
 */
export type InjToyMode = "conditional_gp" | "full_refit" | "functional_form_refit" | "functional_form_fixed_bg";

export interface InjectJob {
  base: ScanJob;
  masses: number[];
  /** Strength values: yields (absolute) or multiples of σ_A,ref (sigmaA). */
  strengths: number[];
  strengthMode: "absolute" | "sigmaA";
  nToys: number;
  seed: number;
  injectMode: InjectMode;
  toyMode: InjToyMode;
  /** Signal over the full range (w_full) or the window only, in the refit modes. */
  shapeMode: "full" | "window";
  trainNSigma?: number;
  refitRestarts: number;
  refitOptimize: boolean;
  sigmaASource: "asimov" | "poisson";
  /** Toys per task. */
  chunk: number;
  funcform?: { root: string; container: string; toys: ToySpec[] };
}

export interface InjContext {
  massIndex: number;
  mass: number;
  sigma: number;
  sigmaX: number;
  b: Float64Array;
  C: Float64Array;
  w: number[];
  blind: number[];
  train: number[];
  rho: number;
  K: number;
  fWin: number;
  fFull: number;
  fTrain: number;
  sRef: number;
  error?: string;
}

export const TOY_COLUMNS = [
  "dataset", "mass_GeV", "toy", "strength", "strength_tag", "inj_nsigma", "sigmaA_ref", "integral_density", "A_per_eps2_unit", "sigma_val", "sigma_x",
  "f_win", "f_full", "f_train", "f_train_frac", "blind_nsigma", "train_exclude_nsigma", "inj_shape_mode", "A_hat", "sigma_A", "Zhat", "pull_param",
  "Nsig_win", "Nsig_train", "Nsig_full", "success", "nll", "toy_mode", "refit_gp_on_toy", "refit_ok", "refit_restarts", "refit_optimize",
  "toy_index", "toy_hist", "function_tag", "source_model", "source_label", "source_root", "container", "error",
] as const;

export type ToyRow = Record<(typeof TOY_COLUMNS)[number], string | number | boolean>;

interface ToyTask { kind: "toys"; ctx: InjContext; strengthIndex: number; t0: number; t1: number }
interface CtxTask { kind: "context"; massIndex: number }

/** A_inj of a strength at a context (absolute, or k·σ_A,ref). */
export function injectedYield(job: InjectJob, ctx: InjContext, k: number): number {
  return job.strengthMode === "sigmaA" ? k * ctx.sRef : k;
}

export function strengthTag(job: InjectJob, k: number): string {
  return job.strengthMode === "sigmaA" ? `s${k}` : String(k);
}

/** Worker factory: context tasks (nominal GP per mass, σ_A,ref) and toy-chunk tasks. */
export async function injectRunner(job: InjectJob): Promise<{ run(task: CtxTask | ToyTask): Promise<InjContext | ToyRow[]> }> {
  const p = await prepareDataset(job.base);
  const toySpectra = new Map<number, Promise<PreparedDataset>>();
  const toyPrepared = (t: number) => {
    let e = toySpectra.get(t);
    if (!e) {
      const ff = job.funcform!;
      e = prepareDataset({ ...job.base, file: ff.root, hist: ff.toys[t].hist });
      toySpectra.set(t, e);
      if (toySpectra.size > 8) toySpectra.delete(toySpectra.keys().next().value!);
    }
    return e;
  };
  return {
    async run(task) {
      if (task.kind === "context") return context(job, p, task.massIndex);
      return toyChunk(job, p, task, toyPrepared);
    },
  };
}

function context(job: InjectJob, p: PreparedDataset, massIndex: number): InjContext {
  const m = job.masses[massIndex];
  const sigma = p.sigma(m);
  const ctx: InjContext = { massIndex, mass: m, sigma, sigmaX: Math.log(m + sigma) - Math.log(m), b: new Float64Array(0), C: new Float64Array(0), w: [], blind: [], train: [], rho: NaN, K: NaN, fWin: NaN, fFull: NaN, fTrain: NaN, sRef: NaN };
  try {
    const x = massPointInputs(p.spectrum, m, sigma, p.optionsAt(m, job.trainNSigma));
    let fFull = 0, fTrain = 0;
    for (const v of x.wFull) fFull += v;
    for (const i of x.train) fTrain += x.wFull[i];
    let sRef: number;
    if (job.sigmaASource === "poisson") {
      const rng = new Rng(pointSeed(job.seed, job.base.dataset, m, -1));
      const n = Array.from(x.b, (v) => rng.poisson(v));
      sRef = extract(new WindowLikelihood({ n, b: x.b, C: x.C, w: x.w }), n, 0).sigmaA;
    } else sRef = sigmaARef(x.b, x.C, x.w);
    Object.assign(ctx, { b: x.b, C: x.C, w: x.w, blind: x.blind, train: x.train, rho: x.rho, K: x.aPerEps2, fWin: x.w.reduce((a, v) => a + v, 0), fFull, fTrain, sRef });
    if (!(sRef > 0)) ctx.error = `σ_A,ref = ${sRef} is not positive`;
  } catch (e) {
    ctx.error = (e as Error).message.replace(/[\r\n,]+/g, " ");
  }
  return ctx;
}

async function toyChunk(job: InjectJob, p: PreparedDataset, task: ToyTask, toyPrepared: (t: number) => Promise<PreparedDataset>): Promise<ToyRow[]> {
  const ctx = task.ctx, k = job.strengths[task.strengthIndex];
  const aInj = injectedYield(job, ctx, k);
  const refit = job.toyMode !== "conditional_gp";
  const kB = job.base.options.blindNSigma ?? 1.64;
  const ff = job.funcform;
  const baseRow = (t: number): ToyRow => ({
    dataset: job.base.dataset, mass_GeV: ctx.mass, toy: t, strength: aInj, strength_tag: strengthTag(job, k), inj_nsigma: aInj / ctx.sRef, sigmaA_ref: ctx.sRef,
    integral_density: ctx.rho, A_per_eps2_unit: ctx.K, sigma_val: ctx.sigma, sigma_x: ctx.sigmaX, f_win: ctx.fWin, f_full: ctx.fFull, f_train: ctx.fTrain,
    f_train_frac: ctx.fTrain / ctx.fFull, blind_nsigma: kB, train_exclude_nsigma: job.trainNSigma ?? kB, inj_shape_mode: refit ? job.shapeMode : "window",
    A_hat: NaN, sigma_A: NaN, Zhat: NaN, pull_param: NaN, Nsig_win: NaN, Nsig_train: refit ? NaN : 0, Nsig_full: NaN, success: false, nll: NaN, toy_mode: job.toyMode,
    refit_gp_on_toy: refit && job.toyMode !== "functional_form_fixed_bg", refit_ok: !refit, refit_restarts: refit ? job.refitRestarts : 0, refit_optimize: refit ? job.refitOptimize : false,
    toy_index: ff ? ff.toys[t]?.index ?? t : t, toy_hist: ff ? ff.toys[t]?.hist ?? "" : "", function_tag: ff?.container ?? "", source_model: ff ? "functional_form" : job.toyMode === "full_refit" ? "gp_mean" : "gp_conditional",
    source_label: ff ? `${ff.container} functional-form toys` : "", source_root: ff?.root ?? "", container: ff?.container ?? "", error: "",
  });
  const rows: ToyRow[] = [];
  if (ctx.error) {
    for (let t = task.t0; t < task.t1; t++) rows.push({ ...baseRow(t), error: `context: ${ctx.error}` });
    return rows;
  }
  const seed = pointSeed(job.seed, job.base.dataset, ctx.mass, aInj);
  if (!refit) {
    // Conditional GP toys with the per-toy signal count recorded as well.
    const res = runConditionalToys({ b: ctx.b, C: ctx.C, w: ctx.w, aInj, nToys: job.nToys, seed, injectMode: job.injectMode }, task.t0, task.t1);
    for (const r of res) {
      const sig = signalCountConditional(ctx, aInj, job.injectMode, seed, r.toy);
      rows.push({ ...baseRow(r.toy), A_hat: r.aHat, sigma_A: r.sigmaA, Zhat: r.zHat, pull_param: r.pull, success: r.success, nll: r.nll, Nsig_win: sig, Nsig_full: NaN, error: r.error ?? "" });
    }
    return rows;
  }
  const nominal = new WindowLikelihood({ n: ctx.b, b: ctx.b, C: ctx.C, w: ctx.w });
  const wFullTemplate = (sp: { edges: Float64Array }) => {
    // Same template massPointInputs uses (full-range Gaussian bin integrals, normalised over the full range).
    return fullTemplateCache(sp.edges, ctx.mass, ctx.sigma);
  };
  for (let t = task.t0; t < task.t1; t++) {
    const row = baseRow(t);
    try {
      const rng = Rng.forStream(seed, t);
      let bkg: Float64Array;
      let prep = p;
      if (ff) {
        if (t >= ff.toys.length) throw new Error(`toy ${t} requested but the container has ${ff.toys.length} toys`);
        prep = await toyPrepared(t);
        bkg = Float64Array.from(prep.spectrum.counts);
      } else {
        bkg = fullRangeToyCounts(muFullOf(p, ctx), "poisson", 0, rng);
      }
      const wF = wFullTemplate(p.spectrum);
      const sig = new Float64Array(bkg.length);
      if (job.shapeMode === "window") {
        const s = injectSignal(ctx.w, aInj, job.injectMode, rng);
        ctx.blind.forEach((i, k2) => (sig[i] = s[k2]));
      } else injectSignal(wF, aInj, job.injectMode, rng, sig);
      const y = Float64Array.from(bkg, (v, i) => v + sig[i]);
      let nW = 0, nT = 0, nF = 0;
      for (let i = 0; i < sig.length; i++) nF += sig[i];
      for (const i of ctx.blind) nW += sig[i];
      for (const i of ctx.train) nT += sig[i];
      Object.assign(row, { Nsig_win: nW, Nsig_train: nT, Nsig_full: nF });
      const fixedBg = job.toyMode === "functional_form_fixed_bg";
      const toySp = withCounts(prep.spectrum, fixedBg ? bkg : y);
      const n = ctx.blind.map((i) => Math.round(y[i]));
      let lik = nominal;
      try {
        const key = `${t}|${ctx.mass}`;
        const x = fixedBg
          ? fixedBgCache.get(key) ?? fixedBgCache.set(key, refitInputs(p, toySp, ctx.mass, { restarts: job.refitRestarts, optimize: job.refitOptimize, trainNSigma: job.trainNSigma })).get(key)!
          : refitInputs(p, toySp, ctx.mass, { restarts: job.refitRestarts, optimize: job.refitOptimize, trainNSigma: job.trainNSigma });
        lik = new WindowLikelihood({ n, b: x.b, C: x.C, w: ctx.w });
        row.refit_ok = true;
      } catch (e) {
        row.refit_ok = false;
        row.error = `refit failed (nominal background used): ${(e as Error).message}`.replace(/[\r\n,]+/g, " ");
      }
      const r = extract(lik, n, aInj, t);
      Object.assign(row, { A_hat: r.aHat, sigma_A: r.sigmaA, Zhat: r.zHat, pull_param: r.pull, success: r.success, nll: r.nll });
      if (r.error) row.error = r.error.replace(/[\r\n,]+/g, " ");
    } catch (e) {
      row.error = (e as Error).message.replace(/[\r\n,]+/g, " ");
    }
    rows.push(row);
  }
  return rows;
}

/** GP background of a background-only functional-form toy at one mass (functional_form_fixed_bg), per worker. */
const fixedBgCache = new Map<string, ReturnType<typeof refitInputs>>();

// The conditional toy's signal count: replay the toy's stream up to the injection (same draws
// as runConditionalToys: MVN⁺ background, then the signal).
const factorCache = new WeakMap<Float64Array, Float64Array>();
function signalCountConditional(ctx: InjContext, aInj: number, mode: InjectMode, seed: number, t: number): number {
  let F = factorCache.get(ctx.C);
  if (!F) factorCache.set(ctx.C, (F = samplingFactor(ctx.C, ctx.b.length)));
  const rng = Rng.forStream(seed, t);
  nonNegativeMvn(ctx.b, F, 1, rng, "reject_then_clip");
  const s = injectSignal(ctx.w, aInj, mode, rng);
  return s.reduce((a, v) => a + v, 0);
}

const templates = new Map<string, Float64Array>();
function fullTemplateCache(edges: Float64Array, m: number, s: number): Float64Array {
  const key = `${m}|${s}|${edges.length}`;
  let w = templates.get(key);
  if (!w) {
    w = fullTemplate(edges, m, s);
    templates.set(key, w);
    if (templates.size > 64) templates.delete(templates.keys().next().value!);
  }
  return w;
}

const muCache = new Map<number, Float64Array>();
/** μ_full of the nominal GP at a mass (the full-refit toys' background mean). */
function muFullOf(p: PreparedDataset, ctx: InjContext): Float64Array {
  let mu = muCache.get(ctx.mass);
  if (!mu) {
    mu = massPointInputs(p.spectrum, ctx.mass, ctx.sigma, p.optionsAt(ctx.mass)).muFull;
    muCache.set(ctx.mass, mu);
    if (muCache.size > 8) muCache.delete(muCache.keys().next().value!);
  }
  return mu;
}

// ---------------------------------------------------------------------------------------------
// Summaries

export const SUMMARY_COLUMNS = [
  "dataset", "mass_GeV", "strength", "strength_tag", "toy_mode", "n_toys", "n_failed", "inj_nsigma", "inj_nsigma_xerr", "sigmaA_ref", "integral_density", "A_per_eps2_unit",
  "f_win", "f_train_frac", "A_hat_mean", "A_hat_std", "sigma_A_mean", "pull_mean", "pull_std", "pull_std_err", "pull_q16", "pull_q84", "pull_q02", "pull_q97",
  "cov_1sigma", "cov_2sigma", "Zhat_mean", "delta_z_minus_pull", "ainj_over_sigmaAref", "Zhat_q16", "Zhat_q84", "success_rate",
] as const;

export type SummaryRecord = Record<(typeof SUMMARY_COLUMNS)[number], string | number>;

/** Per-point accumulator: only the numbers the §12.6 summary needs. */
export class PointAccumulator {
  n = 0;
  failed = 0;
  readonly aHat: number[] = [];
  readonly sigmaA: number[] = [];
  readonly pull: number[] = [];
  readonly zHat: number[] = [];
  readonly injN: number[] = [];
  first?: { dataset: string; mass: number; strength: number; tag: string; mode: string; sRef: number; rho: number; K: number; fWin: number; fTrainFrac: number };

  add(r: { dataset: string; mass_GeV: number; strength: number; strength_tag: string; toy_mode: string; sigmaA_ref: number; integral_density: number; A_per_eps2_unit: number; f_win: number; f_train_frac: number; inj_nsigma: number; A_hat: number; sigma_A: number; pull_param: number; Zhat: number; success: boolean }): void {
    this.first ??= { dataset: r.dataset, mass: r.mass_GeV, strength: r.strength, tag: r.strength_tag, mode: r.toy_mode, sRef: r.sigmaA_ref, rho: r.integral_density, K: r.A_per_eps2_unit, fWin: r.f_win, fTrainFrac: r.f_train_frac };
    this.n++;
    if (!(r.success && Number.isFinite(r.pull_param))) { this.failed++; return; }
    this.aHat.push(r.A_hat); this.sigmaA.push(r.sigma_A); this.pull.push(r.pull_param); this.zHat.push(r.Zhat); this.injN.push(r.inj_nsigma);
  }

  summary(): SummaryRecord {
    const f = this.first!;
    const pulls = this.pull;
    const pullStd = std(pulls);
    const injMean = mean(this.injN), zMean = mean(this.zHat), pMean = mean(pulls);
    return {
      dataset: f.dataset, mass_GeV: f.mass, strength: f.strength, strength_tag: f.tag, toy_mode: f.mode, n_toys: this.n, n_failed: this.failed,
      inj_nsigma: injMean, inj_nsigma_xerr: this.injN.length >= 2 ? std(this.injN) : 0, sigmaA_ref: f.sRef, integral_density: f.rho, A_per_eps2_unit: f.K,
      f_win: f.fWin, f_train_frac: f.fTrainFrac, A_hat_mean: mean(this.aHat), A_hat_std: std(this.aHat), sigma_A_mean: mean(this.sigmaA),
      pull_mean: pMean, pull_std: pullStd, pull_std_err: pullStd / Math.sqrt(Math.max(1, 2 * (pulls.length - 1))),
      pull_q16: quantile(pulls, 0.16), pull_q84: quantile(pulls, 0.84), pull_q02: quantile(pulls, 0.025), pull_q97: quantile(pulls, 0.975),
      cov_1sigma: mean(pulls.map((p) => (Math.abs(p) < 1 ? 1 : 0))), cov_2sigma: mean(pulls.map((p) => (Math.abs(p) < 2 ? 1 : 0))),
      Zhat_mean: zMean, delta_z_minus_pull: zMean - injMean - pMean, ainj_over_sigmaAref: f.strength / f.sRef,
      Zhat_q16: quantile(this.zHat, 0.16), Zhat_q84: quantile(this.zHat, 0.84), success_rate: this.n ? (this.n - this.failed) / this.n : NaN,
    };
  }
}

export interface InjectResult {
  contexts: InjContext[];
  summaries: SummaryRecord[];
  toyCsv?: string;
  summaryCsv: string;
  n_toys: number;
  n_failed: number;
}

const line = (cols: readonly string[], r: Record<string, unknown>) => csvLine(cols.map((c) => r[c]));

/**
 * Run an injection study on `executor` (default: this thread; the CLI passes src/batch's worker
 * pool, whose threads keep their runner from the context tasks to the toy tasks), streaming toy
 * rows mass by mass to `<outDir>/inj_extract_toys_<d>.csv` (if writeToys) and writing the
 * summary CSV. The files are the same whatever runs the tasks.
 */
export async function runInjection(job: InjectJob, o: { outDir: string; executor?: TaskExecutor; writeToys?: boolean; onToys?: (n: number) => void; onContext?: () => void }): Promise<InjectResult> {
  const pool = (o.executor ?? inThread).open<CtxTask | ToyTask, InjContext | ToyRow[]>({ module: new URL("./inject-study.ts", import.meta.url).href, factory: "injectRunner", args: job });
  mkdirSync(o.outDir, { recursive: true });
  const d = job.base.dataset;
  const toyCsv = join(o.outDir, `inj_extract_toys_${d}.csv`);
  const fd = o.writeToys === false ? -1 : openSync(toyCsv, "w");
  const summaries: SummaryRecord[] = [];
  let nToys = 0, nFailed = 0;
  try {
    if (fd >= 0) writeSync(fd, csvLine(TOY_COLUMNS));
    const contexts = (await pool.run(job.masses.map((_, i) => ({ kind: "context" as const, massIndex: i })), () => o.onContext?.())) as InjContext[];
    for (const ctx of contexts) {
      const tasks: ToyTask[] = [];
      for (let s = 0; s < job.strengths.length; s++) {
        for (let t0 = 0; t0 < job.nToys; t0 += job.chunk) tasks.push({ kind: "toys", ctx, strengthIndex: s, t0, t1: Math.min(job.nToys, t0 + job.chunk) });
      }
      const chunks = (await pool.run(tasks, (i) => o.onToys?.(tasks[i].t1 - tasks[i].t0))) as ToyRow[][];
      const acc = job.strengths.map(() => new PointAccumulator());
      chunks.forEach((rows, i) => {
        for (const r of rows) {
          acc[tasks[i].strengthIndex].add(r as never);
          if (fd >= 0) writeSync(fd, line(TOY_COLUMNS, r));
        }
      });
      for (const a of acc) {
        const s = a.summary();
        nToys += a.n;
        nFailed += a.failed;
        summaries.push(s);
      }
    }
    const { writeFileSync } = await import("node:fs");
    const summaryCsv = join(o.outDir, `inj_extract_summary_${d}.csv`);
    writeFileSync(summaryCsv, csvText(SUMMARY_COLUMNS, summaries));
    return { contexts, summaries, toyCsv: fd >= 0 ? toyCsv : undefined, summaryCsv, n_toys: nToys, n_failed: nFailed };
  } finally {
    if (fd >= 0) closeSync(fd);
    await pool.close();
  }
}
