// One categorisation run, as the CLI's `categorize train` and `example` drive it: load the
// events a configuration names, train a model per requested number of categories, evaluate the
// hard categories, compute the baselines, write categories.json, history.csv, checkpoints and
// figures into an output folder.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { csvText } from "../io/csv.ts";
import { InputError } from "../io/errors.ts";
import { ensureDir, writeFileAtomic, writeJsonAtomic } from "../io/output.ts";
import type { TaskExecutor } from "../infer/executor.ts";
import { argmaxBaseline, bestContiguousBinning, equidistantZ, histograms1d } from "./baselines.ts";
import { SoftPass } from "./engine.ts";
import type { EventSet } from "./events.ts";
import { evaluateCategories, type Evaluation } from "./evaluate.ts";
import { GmmModel } from "./gmm.ts";
import type { BinningModel, ModelSpec } from "./model.ts";
import { SigmoidModel } from "./sigmoid.ts";
import { categoryBias, train, type Checkpoint, type EpochRecord, type TrainOptions } from "./train.ts";
import type { WindowFactor } from "./bump.ts";
import type { ProcessRole } from "./loss.ts";
import { scheduleValue } from "./schedule.ts";

export function modelOf(spec: ModelSpec): BinningModel {
  return spec.type === "gmm" ? new GmmModel(spec) : new SigmoidModel(spec);
}

export interface Baselines {
  /** 1-D: equidistant n-bin Z (signal 0) for n = 2, 5, 10, 20. */
  equidistant?: Record<string, number>;
  /** 1-D: best contiguous K-bin binning on a 1500-bin grid (§A10). */
  dp?: { grid: number; k: number; z: number; edges: number[] };
  /** d ≥ 2: argmax + equidistant per signal, n = 2, 5, 10 bins per signal (§A8.3). */
  argmax?: Record<string, number[]>;
}

export interface RunResult {
  k: number;
  spec: ModelSpec;
  params: number[];
  /** Final steepness (sigmoid model). */
  steepness: number;
  evaluation: Evaluation;
  baselines: Baselines;
  factors: WindowFactor[] | null;
  seconds: number;
  epochs: number;
  finalLoss: number;
  /** Background mass histograms per category (bump mode, K·bins). */
  massHist?: number[];
  /** Per category (B_hard − B_soft)/max(B_hard, 1e-8) at the final temperature, all processes (§A2). */
  bias?: number[];
}

export interface CategoriesFile {
  format: "searchlight-categories";
  version: 1;
  description: string;
  signals: string[];
  processes: ProcessRole[];
  mode: "inclusive" | "bump";
  /** Physical score range mapped onto the models' [0, 1] (boundaries are in unit scale). */
  score_range: [number, number];
  window: [number, number] | null;
  seed: number;
  runs: RunResult[];
}

export function baselinesOf(ev: EventSet, k: number, window?: [number, number]): Baselines {
  if (ev.d === 1) {
    const equidistant: Record<string, number> = {};
    for (const n of [2, 5, 10, 20]) equidistant[n] = equidistantZ(ev, n);
    const h = histograms1d(ev, 1500);
    const dp = bestContiguousBinning(h.s, h.b, k);
    return { equidistant, dp: { grid: 1500, k, z: dp.z, edges: dp.edges } };
  }
  const argmax: Record<string, number[]> = {};
  for (const n of [2, 5, 10]) argmax[n] = argmaxBaseline(ev, n, { window });
  return { argmax };
}

export const HISTORY_COLUMNS = ["epoch", "loss", "loss_sig", "pen_yield", "pen_unc", "temperature", "steepness", "lr", "bias"] as const;

export function historyCsv(h: EpochRecord[], signals: string[]): string {
  const cols = [...HISTORY_COLUMNS, ...signals.map((s) => `z_${s}`)];
  return csvText(cols, h.map((r) => {
    const o: Record<string, unknown> = { epoch: r.epoch, loss: r.loss, loss_sig: r.lossSig, pen_yield: r.penYield, pen_unc: r.penUnc, temperature: r.temperature, steepness: r.steepness, lr: r.lr, bias: r.bias ?? "" };
    signals.forEach((s, u) => { o[`z_${s}`] = r.z[u]; });
    return o;
  }));
}

export interface RunOptions {
  /** Output folder (null: nothing written). */
  outDir: string | null;
  specs: ModelSpec[];
  train: TrainOptions;
  description?: string;
  executor?: TaskExecutor;
  /** Continue from DIR/K<k>/checkpoint.json where present. */
  resume?: boolean;
  figures?: boolean;
  checkpointEvery?: number;
  onEpoch?: (k: number, r: EpochRecord) => void;
  onRunDone?: (r: RunResult) => void;
}

/** Train and evaluate one model per spec; writes DIR/categories.json (all runs) and DIR/K<k>/…. */
export async function runCategorize(events: EventSet, o: RunOptions): Promise<CategoriesFile> {
  const signals = events.processes.filter((p) => p.signal >= 0).sort((a, b) => a.signal - b.signal).map((p) => p.name);
  const window = o.train.bump ? o.train.bump.window : undefined;
  const out: CategoriesFile = {
    format: "searchlight-categories", version: 1, description: o.description ?? "", signals, processes: events.processes,
    mode: window ? "bump" : "inclusive", score_range: events.scoreRange ?? [0, 1], window: window ?? null, seed: o.train.seed, runs: [],
  };
  for (const spec of o.specs) {
    const model = modelOf(spec);
    const dir = o.outDir ? join(o.outDir, `K${model.k}`) : null;
    if (dir) ensureDir(dir, "--output-dir");
    const ckpt = dir ? join(dir, "checkpoint.json") : undefined;
    let resume: Checkpoint | undefined;
    if (o.resume && ckpt && existsSync(ckpt)) {
      resume = JSON.parse(readFileSync(ckpt, "utf8")) as Checkpoint;
      if (JSON.stringify(resume.spec) !== JSON.stringify(spec)) throw new InputError(ckpt, "spec", "the checkpoint was written for another model: use --overwrite");
    }
    const topt: TrainOptions = { ...o.train, checkpointPath: ckpt, checkpointEvery: o.checkpointEvery ?? 25 };
    const tr = await train(model, events, topt, { executor: o.executor, resume, onEpoch: (r) => o.onEpoch?.(model.k, r) });
    const sharp = scheduleValue(o.train.steepness, o.train.epochs - 1, o.train.epochs);
    const evaluation = await evaluateCategories(model, tr.params, events, { window, executor: o.executor, sharp });
    const run: RunResult = {
      k: model.k, spec, params: Array.from(tr.params), steepness: sharp, evaluation, baselines: baselinesOf(events, model.k, window),
      factors: tr.factors, seconds: tr.seconds, epochs: o.train.epochs, finalLoss: tr.history[tr.history.length - 1]?.loss ?? NaN,
    };
    {
      // bias diagnostics at the final temperature (§A2 get_bias), background mass spectra (bump mode)
      const pass = new SoftPass(model, events, o.executor);
      try {
        const st = model.compile(tr.params, sharp);
        const b = o.train.bump;
        const soft = await pass.forward(st, scheduleValue(o.train.temperature, o.train.epochs - 1, o.train.epochs));
        const hard = await pass.hard(st, b ? { hist: { lo: b.range[0], hi: b.range[1], bins: 40 } } : {});
        run.bias = categoryBias(hard.y, soft.y, model.k);
        if (b) run.massHist = Array.from(hard.hist!);
      } finally {
        await pass.close();
      }
    }
    out.runs.push(run);
    if (dir) {
      writeFileAtomic(join(dir, "history.csv"), historyCsv(tr.history, signals), "--output-dir");
      if (o.figures !== false) await runFigures(dir, model, tr.params, sharp, tr.history, signals, run, o.train);
    }
    o.onRunDone?.(run);
  }
  if (o.outDir) {
    writeJsonAtomic(join(o.outDir, "categories.json"), out, "--output-dir");
    if (o.figures !== false) await comparison(o.outDir, out);
  }
  return out;
}

async function runFigures(dir: string, model: BinningModel, params: Float64Array, sharp: number, h: EpochRecord[], signals: string[], run: RunResult, t: TrainOptions): Promise<void> {
  const p = await import("./plots.ts");
  const figs = { ...p.historyFigures(h, signals), yield_vs_uncertainty: p.yieldFigure(run.evaluation), boundaries: p.boundaryFigure(model, params, sharp) };
  if (run.massHist && t.bump) Object.assign(figs, { mass_spectra: p.massFigure(Float64Array.from(run.massHist), model.k, t.bump.range, 40) });
  await p.writeFigures(dir, figs);
}

async function comparison(dir: string, f: CategoriesFile): Promise<void> {
  const p = await import("./plots.ts");
  const runs = f.runs.slice().sort((a, b) => a.k - b.k);
  const rows: { name: string; x: number[]; y: number[]; dashed?: boolean }[] = [];
  f.signals.forEach((s, u) => rows.push({ name: `GATO Z(${s})`, x: runs.map((r) => r.k), y: runs.map((r) => r.evaluation.z[u]) }));
  const b = runs[0].baselines;
  if (b.equidistant) rows.push({ name: "equidistant", x: Object.keys(b.equidistant).map(Number), y: Object.values(b.equidistant), dashed: true });
  if (b.dp) rows.push({ name: "best contiguous (DP, 1500-bin grid)", x: runs.map((r) => r.k), y: runs.map((r) => r.baselines.dp!.z), dashed: true });
  if (b.argmax) {
    // argmax + n equidistant bins per signal, drawn at 2n + 1 categories (§A8.3)
    const ns = Object.keys(b.argmax).map(Number);
    f.signals.forEach((s, u) => rows.push({ name: `argmax baseline Z(${s})`, x: ns.map((n) => 2 * n + 1), y: ns.map((n) => b.argmax![n][u]), dashed: true }));
  }
  await p.writeFigures(dir, { significance_comparison: p.comparisonFigure(rows) });
}
