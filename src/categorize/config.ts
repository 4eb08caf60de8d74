// The configuration of a categorisation (YAML or JSON, checked by src/io/config.ts): the
// processes and their event files (ROOT TTree, Parquet, CSV) or a built-in toy (§A9, §A11), the
// score columns and their declared range, the weight expression, the signal labels, the mass
// column (bump mode), the model, the training schedule and the penalties (on by default,
// ../shared/specs/gato_sage.md §C5.3). Paths are relative to the configuration file's folder.
// Bad input is one line naming the file and the column.
import { dirname, resolve } from "node:path";
import { configError, readConfigFile, validateConfig, type ConfigSource, type Fields, type Schema } from "../io/config.ts";
import { InputError } from "../io/errors.ts";
import { readEventTable } from "../io/event-table.ts";
import { DEFAULT_BUMP, type BumpOptions } from "./bump.ts";
import { buildEventSet, type EventSet, type ProcessEvents } from "./events.ts";
import type { LossOptions } from "./loss.ts";
import type { ModelSpec } from "./model.ts";
import type { Schedule } from "./schedule.ts";
import { toy1d, toy3class, toyResonance } from "./toys.ts";
import type { TrainOptions } from "./train.ts";

const num = (o: { gt?: number; min?: number; max?: number; nullable?: boolean } = {}): Schema => ({ type: "number", ...o });
const int = (min: number): Schema => ({ type: "number", integer: true, min });
const str = (nullable = false): Schema => ({ type: "string", nullable });
const strList: Schema = { type: "list", items: { type: "string" } };
const section = (fields: Fields): Schema => ({ type: "section", fields });
const schedule = (mode: string, start: number, end: number): Schema => section({
  mode: { schema: { type: "enum", values: ["exponential", "cosine", "constant"] }, default: mode },
  start: { schema: num({ gt: 0 }), default: start },
  end: { schema: num({ gt: 0 }), default: end },
});

const PROCESS: Fields = {
  files: { schema: { type: "list", items: { type: "string" }, minItems: 1 }, required: true },
  tree: { schema: str(true), default: null },
  weight: { schema: str(), default: "" },
  select: { schema: str(true), default: null },
  scale: { schema: num({ gt: 0 }), default: 1 },
};

export const CATEGORIZE_FIELDS: Fields = {
  description: { schema: str(), default: "" },
  toy: {
    schema: section({
      kind: { schema: { type: "enum", values: ["none", "1d", "three-class", "resonance"] }, default: "none" },
      n_signal: { schema: int(1), default: 100000 },
      n_bkg: { schema: int(1), default: 1000000 },
      noise: { schema: num({ min: 0, nullable: true }), default: null },
      seed: { schema: int(0), default: 42 },
    }),
  },
  processes: { schema: { type: "map", values: { type: "section", fields: PROCESS }, keyLabel: "process" }, default: {} },
  signals: { schema: strList, default: [] },
  scores: { schema: strList, default: [] },
  score_range: { schema: { type: "range" }, default: [0, 1] },
  mass: { schema: str(true), default: null },
  allow_negative_weights: { schema: { type: "boolean" }, default: false },
  reweight_processes: { schema: { type: "list", items: { type: "string" } , minItems: 0 }, default: [] },
  model: {
    schema: section({
      type: { schema: { type: "enum", values: ["gmm", "sigmoid"] }, default: "gmm" },
      categories: { schema: int(2), default: 5 },
      mean_norm: { schema: { type: "enum", values: ["softmax", "sigmoid"] }, default: "softmax" },
      damping: { schema: num({ min: 0 }), default: 0.1 },
      bins: { schema: { type: "list", items: { type: "number", integer: true, min: 2 } }, default: [] },
    }),
  },
  training: {
    schema: section({
      epochs: { schema: int(1), default: 250 },
      optimizer: { schema: { type: "enum", values: ["rmsprop", "adam"] }, default: "rmsprop" },
      lr: { schema: schedule("cosine", 0.05, 0.001) },
      temperature: { schema: schedule("cosine", 1, 0.05) },
      steepness: { schema: schedule("cosine", 50, 10000) },
      timing: { schema: { type: "enum", values: ["before", "after"] }, default: "before" },
      loss: { schema: { type: "enum", values: ["geomean", "single"] }, default: "geomean" },
      target: { schema: int(0), default: 0 },
      lambda_yield: { schema: num({ min: 0 }), default: 1 },
      lambda_unc: { schema: num({ min: 0 }), default: 1 },
      thr_yield: { schema: num({ min: 0 }), default: 5 },
      thr_unc: { schema: num({ min: 0 }), default: 0.2 },
      reweight_variance: { schema: { type: "enum", values: ["f2", "f"] }, default: "f2" },
      bias_every: { schema: int(0), default: 25 },
    }),
  },
  bump: {
    schema: section({
      enabled: { schema: { type: "boolean" }, default: false },
      window: { schema: { type: "range" }, default: DEFAULT_BUMP.window },
      range: { schema: { type: "range" }, default: DEFAULT_BUMP.range },
      bins: { schema: int(2), default: DEFAULT_BUMP.bins },
      interval: { schema: int(1), default: DEFAULT_BUMP.interval },
    }),
  },
  export: {
    schema: section({
      poi_signal: { schema: int(0), default: 0 },
      staterror: { schema: { type: "boolean" }, default: true },
      normsys: { schema: { type: "map", values: { type: "number", min: 0 } }, default: {} },
    }),
  },
};

export interface CategorizeConfig {
  file: string;
  description: string;
  toy: { kind: "none" | "1d" | "three-class" | "resonance"; n_signal: number; n_bkg: number; noise: number | null; seed: number };
  processes: Record<string, { files: string[]; tree: string | null; weight: string; select: string | null; scale: number }>;
  signals: string[];
  scores: string[];
  score_range: [number, number];
  mass: string | null;
  allow_negative_weights: boolean;
  reweight_processes: string[];
  model: { type: "gmm" | "sigmoid"; categories: number; mean_norm: "softmax" | "sigmoid"; damping: number; bins: number[] };
  training: {
    epochs: number; optimizer: "rmsprop" | "adam"; lr: Schedule; temperature: Schedule; steepness: Schedule; timing: "before" | "after";
    loss: "geomean" | "single"; target: number; lambda_yield: number; lambda_unc: number; thr_yield: number; thr_unc: number;
    reweight_variance: "f2" | "f"; bias_every: number;
  };
  bump: { enabled: boolean; window: [number, number]; range: [number, number]; bins: number; interval: number };
  export: { poi_signal: number; staterror: boolean; normsys: Record<string, number> };
  source: ConfigSource;
}

/** Validate a configuration (from a file or an in-memory object). */
export function categorizeConfig(src: ConfigSource): CategorizeConfig {
  const v = validateConfig(src, CATEGORIZE_FIELDS).values as unknown as Omit<CategorizeConfig, "file" | "source">;
  const c: CategorizeConfig = { ...v, file: src.file, source: src };
  if (c.toy.kind === "none") {
    if (Object.keys(c.processes).length === 0) throw configError(src, ["processes"], "name at least one process (or use toy.kind)");
    if (c.signals.length === 0) throw configError(src, ["signals"], "name at least one signal process");
    for (const [i, s] of c.signals.entries()) {
      if (!(s in c.processes)) throw configError(src, ["signals", i], `"${s}" is not a process (processes: ${Object.keys(c.processes).join(", ")})`);
    }
    if (c.scores.length === 0) throw configError(src, ["scores"], "name the score column(s)");
    if (c.bump.enabled && !c.mass) throw configError(src, ["mass"], "bump mode needs the mass column");
  }
  if (c.model.type === "sigmoid" && c.model.bins.length > 0 && c.scores.length > 0 && c.model.bins.length !== c.scores.length) {
    throw configError(src, ["model", "bins"], `one bin count per score column (${c.scores.length})`);
  }
  return c;
}

export function readCategorizeConfig(path: string): CategorizeConfig {
  return categorizeConfig(readConfigFile(path, { option: "--config" }));
}

/** The dimension d of the discriminant this configuration gives. */
export function dimensionOf(c: CategorizeConfig): number {
  if (c.toy.kind === "1d") return 1;
  if (c.toy.kind !== "none") return 2;
  return c.scores.length;
}

export function modelSpecOf(c: CategorizeConfig, d: number): ModelSpec {
  // scores are read onto [0, 1] (loadEvents); score_range maps them back in reports
  const [lo, hi] = [0, 1];
  if (c.model.type === "sigmoid") {
    const bins = c.model.bins.length ? c.model.bins : [c.model.categories];
    const names = c.scores.length ? c.scores : Array.from({ length: d }, (_, j) => `score${j}`);
    if (bins.length !== d) throw new InputError(c.file, "model.bins", `one bin count per score column (${d})`);
    return { type: "sigmoid", variables: bins.map((b, j) => ({ name: names[j], bins: b, range: [lo, hi] })) };
  }
  // A 1-D score cannot use softmax means (they would sit in (0, 1/2)): sigmoid means on the range.
  const meanNorm = d === 1 ? "sigmoid" : c.model.mean_norm;
  return { type: "gmm", k: c.model.categories, d, meanNorm, range: Array.from({ length: d }, () => [lo, hi] as [number, number]), damping: c.model.damping };
}

export function trainOptionsOf(c: CategorizeConfig, seed: number): TrainOptions {
  const t = c.training;
  const bump: BumpOptions | undefined = c.bump.enabled || c.toy.kind === "resonance"
    ? { window: c.bump.window, range: c.bump.range, bins: c.bump.bins, interval: c.bump.interval } : undefined;
  const loss: LossOptions = {
    kind: t.loss, target: t.target, lambdaYield: t.lambda_yield, lambdaUnc: t.lambda_unc, thrYield: t.thr_yield, thrUnc: t.thr_unc,
    reweightVariance: t.reweight_variance,
  };
  return {
    epochs: t.epochs, optimizer: t.optimizer, lr: t.lr, temperature: t.temperature, steepness: t.steepness, timing: t.timing,
    loss, seed, bump, biasEvery: t.bias_every,
  };
}

/** Signal labels of a configuration (the toys' own for a toy). */
export function signalsOf(c: CategorizeConfig): string[] {
  if (c.toy.kind === "1d") return ["signal"];
  if (c.toy.kind !== "none") return ["signal1", "signal2"];
  return c.signals;
}

/**
 * The events a configuration names: a built-in toy, or every process's files read and checked
 * (missing column, NaN, negative weights unless allowed, scores outside the declared range, a
 * process with no events).
 */
export async function loadEvents(c: CategorizeConfig): Promise<EventSet> {
  const d = dimensionOf(c);
  const signals = signalsOf(c);
  const rw = c.reweight_processes.length ? c.reweight_processes : undefined;
  if (c.toy.kind !== "none") {
    const t = c.toy;
    const noise = t.noise ?? undefined;
    const procs = t.kind === "1d" ? toy1d(t.n_signal, t.n_bkg, { seed: t.seed, noise })
      : t.kind === "three-class" ? toy3class(t.n_signal, t.n_signal, t.n_bkg, { seed: t.seed, noise })
        : toyResonance(t.n_signal, t.n_bkg, { seed: t.seed, noise });
    return buildEventSet(d, procs, signals, rw);
  }
  const base = dirname(resolve(c.file || "."));
  const [lo, hi] = c.score_range;
  const procs: ProcessEvents[] = [];
  for (const [name, p] of Object.entries(c.processes)) {
    const xs: number[] = [], ws: number[] = [], ms: number[] = [];
    for (const f of p.files) {
      const path = resolve(base, f);
      const columns = c.mass ? [...c.scores, c.mass] : c.scores;
      const t = await readEventTable(path, { columns, weight: p.weight, select: p.select ?? undefined, tree: p.tree ?? undefined });
      for (let i = 0; i < t.n; i++) {
        for (let j = 0; j < d; j++) {
          const v = t.columns[j][i];
          if (Number.isNaN(v)) throw new InputError(path, c.scores[j], `NaN at entry ${i} (process ${name})`);
          if (!(v >= lo && v <= hi)) throw new InputError(path, c.scores[j], `value ${v} at entry ${i} is outside score_range [${lo}, ${hi}] (process ${name})`);
          // the models work on the unit interval (σ_base assumes it, §A2): scores are mapped from score_range
          xs.push((v - lo) / (hi - lo));
        }
        const w = t.weight[i] * p.scale;
        if (!Number.isFinite(w)) throw new InputError(path, p.weight || "weight", `weight ${w} at entry ${i} (process ${name})`);
        if (w < 0 && !c.allow_negative_weights) {
          throw new InputError(path, p.weight || "weight", `negative weight ${w} at entry ${i} (process ${name}); set allow_negative_weights: true to keep them`);
        }
        ws.push(w);
        if (c.mass) {
          const m = t.columns[d][i];
          if (!Number.isFinite(m)) throw new InputError(path, c.mass, `mass ${m} at entry ${i} (process ${name})`);
          ms.push(m);
        }
      }
    }
    if (ws.length === 0) throw new InputError(c.file, `processes.${name}`, "no events (after the selection) in its files");
    procs.push({ name, x: Float64Array.from(xs), w: Float64Array.from(ws), mass: c.mass ? Float64Array.from(ms) : undefined });
  }
  const ev = buildEventSet(d, procs, signals, rw);
  ev.scoreRange = [lo, hi];
  return ev;
}

/** Bump mode: signal weights outside the window are zeroed for training (§A11.3). */
export function windowedSignals(ev: EventSet, window: [number, number]): EventSet {
  if (!ev.mass) return ev;
  const w = ev.w;
  for (let i = 0; i < ev.n; i++) {
    if (ev.processes[ev.proc[i]].signal >= 0 && !(ev.mass[i] >= window[0] && ev.mass[i] <= window[1])) w[i] = 0;
  }
  return ev;
}
