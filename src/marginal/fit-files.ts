// Readers for the stored region files (spec §3.3, §4): `fit/*.json` → background priors π(b), and
// `fit/limit/scan_*.json` → stored scans. Bad files raise InputError(file, field, expectation).
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../io/errors.ts";
import { locateJsonError } from "../io/json-locate.ts";
import { RegularLinearPrior, RegularUniformPrior } from "./prior-grid.ts";
import { logNormalPrior, truncNormalPrior, type Prior } from "./prior-mass.ts";

/** Prior labels of §3.3 that come from a fit file (delta uses normal.json's b̂ without a prior). */
export const PRIOR_LABELS = ["normal", "normal_log", "cabinetry", "cabinetry_post", "linspace", "mcmc_mix", "mcmc_tfp_ham"] as const;
export type PriorLabel = (typeof PRIOR_LABELS)[number];
export const DATA_VARIANTS = ["observed", "down", "central", "up"] as const;
export type DataVariant = (typeof DATA_VARIANTS)[number];

type Json = Record<string, unknown>;

/** Parse a JSON file; InputError naming the file (and the position of a syntax error). */
export function readJsonFile(file: string): unknown {
  if (!existsSync(file)) throw new InputError(file, "", "file not found");
  const text = readFileSync(file, "utf8");
  try {
    return JSON.parse(text);
  } catch {
    const loc = locateJsonError(text);
    throw new InputError(file, loc ? `line ${loc.line}, column ${loc.column}` : "", `invalid JSON${loc ? `: ${loc.message}` : ""}`);
  }
}

function readObject(file: string): Json {
  const v = readJsonFile(file);
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new InputError(file, "/", "expected a JSON object");
  return v as Json;
}

function num(file: string, o: Json, key: string, check?: (x: number) => boolean, expect = "a finite number"): number {
  const v = o[key];
  if (typeof v !== "number" || !Number.isFinite(v) || (check && !check(v))) {
    throw new InputError(file, `/${key}`, `expected ${expect}, got ${v === undefined ? "nothing (missing field)" : JSON.stringify(v)}`);
  }
  return v;
}

function numArray(file: string, o: Json, key: string, opts: { length?: number; min?: number; minLength?: number } = {}): number[] {
  const v = o[key];
  if (!Array.isArray(v)) throw new InputError(file, `/${key}`, `expected an array of numbers, got ${v === undefined ? "nothing (missing field)" : typeof v}`);
  if (opts.length !== undefined && v.length !== opts.length) throw new InputError(file, `/${key}`, `expected ${opts.length} numbers, got ${v.length}`);
  if (opts.minLength !== undefined && v.length < opts.minLength) throw new InputError(file, `/${key}`, `expected at least ${opts.minLength} numbers, got ${v.length}`);
  v.forEach((x, j) => {
    if (typeof x !== "number" || !Number.isFinite(x) || (opts.min !== undefined && x < opts.min)) {
      throw new InputError(file, `/${key}/${j}`, `expected a finite number${opts.min !== undefined ? ` ≥ ${opts.min}` : ""}, got ${JSON.stringify(x)}`);
    }
  });
  return v as number[];
}

const positive = (x: number) => x > 0;

/** `normal.json`: b̂ (yield_linear), σ_b (error_linear), σ_log (error_log). */
export interface NormalFit { yieldLinear: number; errorLinear: number; errorLog: number }

export function readNormalFit(fitDir: string): NormalFit {
  const file = join(fitDir, "normal.json");
  return normalFitOf(readObject(file), file);
}

function normalFitOf(o: Json, file: string): NormalFit {
  return {
    yieldLinear: num(file, o, "yield_linear", positive, "a finite number > 0"),
    errorLinear: num(file, o, "error_linear", positive, "a finite number > 0"),
    errorLog: num(file, o, "error_log", positive, "a finite number > 0"),
  };
}

/** `signal.json`: profile levels on linspace(start = 0, stop, len(levels)). */
export interface SignalFit { start: number; stop: number; levels: number[] }

export function readSignalFit(fitDir: string): SignalFit {
  const file = join(fitDir, "signal.json");
  const o = readObject(file);
  const start = num(file, o, "start", (x) => x === 0, "0 (the profile scan starts at s = 0)");
  const stop = num(file, o, "stop", (x) => x > start, "a finite number > start");
  return { start, stop, levels: numArray(file, o, "levels", { minLength: 2 }) };
}

/** Support [start, stop] of a fit's own grid (linspace / MCMC priors), or null for the others. */
export interface FitPrior {
  label: PriorLabel;
  prior: Prior;
  /** File the prior came from. */
  file: string;
  /** Support of the tabulated priors (linspace, mcmc_*), else null. */
  support: [number, number] | null;
}

/** File of a prior label in a fit folder (normal_log shares normal.json). */
export function fitFileOf(fitDir: string, label: PriorLabel): string {
  return join(fitDir, `${label === "normal_log" ? "normal" : label}.json`);
}

/** Build the prior π(b) of a label from the files in `fitDir` (spec §3.3 table). */
export function readFitPrior(fitDir: string, label: PriorLabel): FitPrior {
  const file = fitFileOf(fitDir, label);
  return priorFromFitJson(label, readObject(file), file);
}

/** Build the prior π(b) of a label from a fit file's content (`file` names it in errors). */
export function priorFromFitJson(label: PriorLabel, content: unknown, file = ""): FitPrior {
  if (typeof content !== "object" || content === null || Array.isArray(content)) throw new InputError(file, "/", "expected a JSON object");
  const o = content as Json;
  switch (label) {
    case "normal":
    case "normal_log": {
      const fit = normalFitOf(o, file);
      const prior = label === "normal" ? truncNormalPrior(fit.yieldLinear, fit.errorLinear) : logNormalPrior(Math.log(fit.yieldLinear), fit.errorLog);
      return { label, prior, file, support: null };
    }
    case "cabinetry":
    case "cabinetry_post": {
      const [y, e] = label === "cabinetry" ? ["yield_pre", "error_pre"] : ["yield_post", "error_post"];
      return { label, prior: truncNormalPrior(num(file, o, y), num(file, o, e, positive, "a finite number > 0")), file, support: null };
    }
    case "linspace": {
      const start = num(file, o, "start");
      const stop = num(file, o, "stop", (x) => x > start, "a finite number > start");
      const levels = numArray(file, o, "levels", { minLength: 2 });
      return { label, prior: new RegularLinearPrior(start, stop, levels.map((v) => -v)), file, support: [start, stop] };
    }
    case "mcmc_mix":
    case "mcmc_tfp_ham": {
      const range = numArray(file, o, "range_", { length: 2 });
      if (!(range[1] > range[0])) throw new InputError(file, "/range_", `expected [lo, hi] with lo < hi, got ${JSON.stringify(range)}`);
      const nbins = num(file, o, "nbins", (x) => Number.isInteger(x) && x >= 1, "a positive integer");
      const yields = numArray(file, o, "yields", { length: nbins, min: 0 });
      if (!yields.some((y) => y > 0)) throw new InputError(file, "/yields", "expected at least one non-empty bin, got all zeros");
      return { label, prior: new RegularUniformPrior(range[0], range[1], yields.map(Math.log)), file, support: [range[0], range[1]] };
    }
  }
}

/** Which MCMC file a region has (the report uses tfp_ham where both exist, spec §3.3). */
export function mcmcLabel(fitDir: string): PriorLabel | null {
  if (existsSync(join(fitDir, "mcmc_tfp_ham.json"))) return "mcmc_tfp_ham";
  if (existsSync(join(fitDir, "mcmc_mix.json"))) return "mcmc_mix";
  return null;
}

/** A stored scan `fit/limit/scan_<label>_<variant>.json` (spec §4). Delta and signal-fit scans
 *  have no integrals (and the signal fit no ndata). */
export interface StoredScan {
  file: string;
  ndata: number | null;
  start: number;
  stop: number;
  rtol: number | null;
  levels: number[];
  points: number[][];
  integralZero: [number, number] | null;
  integrals: [number, number][] | null;
}

function pair(file: string, field: string, v: unknown): [number, number] {
  if (!Array.isArray(v) || v.length !== 2 || !v.every((x) => typeof x === "number" && Number.isFinite(x)) || !(v[0] <= v[1])) {
    throw new InputError(file, field, `expected [lower, upper] with finite lower ≤ upper, got ${JSON.stringify(v)}`);
  }
  return [v[0], v[1]];
}

export function readStoredScan(file: string): StoredScan {
  const o = readObject(file);
  const start = num(file, o, "start");
  const stop = num(file, o, "stop", (x) => x > start, "a finite number > start");
  const levels = numArray(file, o, "levels", { minLength: 1 });
  const pts = o.points;
  if (!Array.isArray(pts) || pts.length !== levels.length) throw new InputError(file, "/points", `expected ${levels.length} lists (one per level), got ${Array.isArray(pts) ? pts.length : typeof pts}`);
  const points = pts.map((p, j) => {
    if (!Array.isArray(p) || !p.every((x) => typeof x === "number" && Number.isFinite(x))) throw new InputError(file, `/points/${j}`, "expected a list of finite numbers");
    return p as number[];
  });
  const ndata = "ndata" in o ? num(file, o, "ndata", (x) => x >= 0, "a finite number ≥ 0") : null;
  const rtol = "rtol" in o ? num(file, o, "rtol", positive, "a finite number > 0") : null;
  const integralZero = "integral_zero" in o ? pair(file, "/integral_zero", o.integral_zero) : null;
  let integrals: [number, number][] | null = null;
  if ("integrals" in o) {
    if (!Array.isArray(o.integrals)) throw new InputError(file, "/integrals", "expected a list of [lower, upper] pairs");
    integrals = o.integrals.map((v, j) => pair(file, `/integrals/${j}`, v));
  }
  return { file, ndata, start, stop, rtol, levels, points, integralZero, integrals };
}

/** Path of a stored scan file. */
export function storedScanPath(fitDir: string, label: PriorLabel | "delta" | "fit_signal", variant: DataVariant): string {
  return join(fitDir, "limit", `scan_${label}_${variant}.json`);
}
