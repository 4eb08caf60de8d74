// The configuration of a resonance search (YAML or JSON, checked by src/io/config.ts: an unknown
// key names the closest valid one, a bad value names its key, line and column): named datasets
// with labels, one unit for the whole run, the signal model and resolution, the window, the
// background model, the scan range and the look-elsewhere toys; and the spectra it names, read
// from ROOT TH1s, JSON histograms, or unbinned events histogrammed with given
// edges — a CSV column, a ROOT TTree branch (read through jsroot, io/event-table.ts) or a Parquet
// column, any of them an expression `name`, `name[i]` or `len(name)`. Paths are relative to the
// configuration file's folder.
import { dirname, resolve } from "node:path";
import { configError, readConfigFile, validateConfig, type ConfigSource, type Fields, type Schema } from "../io/config.ts";
import { readEventTable } from "../io/event-table.ts";
import { InputError } from "../io/errors.ts";
import { readHistogram } from "../io/histogram.ts";
import { linspace } from "../math/stats.ts";
import { variableEdges } from "./example.ts";
import { FAMILIES, type FamilyName } from "./parametric.ts";
import { DEFAULT_SEARCH, type BackgroundSpec, type SearchSpec } from "./search.ts";
import type { Resolution, SignalModel } from "./signal.ts";
import { histogramEvents, massGrid, restrictSpectrum, spectrumOf, type Spectrum } from "./spectrum.ts";

export const UNITS = ["GeV", "MeV", "TeV", "keV"] as const;
export type Unit = (typeof UNITS)[number];

const num = (o: { gt?: number; min?: number; max?: number; nullable?: boolean } = {}): Schema => ({ type: "number", ...o });
const int = (min: number, nullable = false): Schema => ({ type: "number", integer: true, min, nullable });
const str = (nullable = false): Schema => ({ type: "string", nullable });
const numlist: Schema = { type: "list", items: { type: "number" } };
const section = (fields: Fields): Schema => ({ type: "section", fields });

const DATASET: Fields = {
  name: { schema: str(), required: true },
  label: { schema: str(), default: "" },
  file: { schema: str(), required: true },
  hist: { schema: str(), default: "" },
  column: { schema: str(), default: "" },
  tree: { schema: str(), default: "" },
  edges: { schema: numlist, default: [] },
  binning: { schema: section({ lo: { schema: num({ nullable: true }), default: null }, hi: { schema: num({ nullable: true }), default: null }, n: { schema: int(1, true), default: null }, width_power: { schema: num(), default: 1 } }) },
  range: { schema: { type: "range", nullable: true }, default: null },
  rebin: { schema: int(1), default: 1 },
};

export const RESONANCE_FIELDS: Fields = {
  /** "hps": the file is the HPS analysis in hps-gpr keys, run by `bump` (isHpsPreset); never a resonance configuration. */
  preset: { schema: { type: "enum", values: ["none", "hps"] }, default: "none" },
  experiment: { schema: str(), default: "" },
  unit: { schema: { type: "enum", values: UNITS }, default: "GeV" },
  datasets: { schema: { type: "list", items: { type: "section", fields: DATASET }, minItems: 1 }, required: true },
  signal: {
    schema: section({
      shape: { schema: { type: "enum", values: ["gaussian", "dscb", "voigtian", "template"] }, default: "gaussian" },
      alpha_low: { schema: num({ gt: 0 }), default: 1.5 },
      n_low: { schema: num({ gt: 1 }), default: 3 },
      alpha_high: { schema: num({ gt: 0 }), default: 1.5 },
      n_high: { schema: num({ gt: 1 }), default: 3 },
      width: { schema: num({ min: 0 }), default: 0 },
      relative_width: { schema: num({ min: 0 }), default: 0 },
      template_file: { schema: str(), default: "" },
      template_hist: { schema: str(), default: "" },
      template_reference_mass: { schema: num({ gt: 0, nullable: true }), default: null },
      template_scales_with_resolution: { schema: { type: "boolean" }, default: true },
    }),
  },
  resolution: {
    schema: section({
      polynomial: { schema: numlist, default: [] },
      relative: { schema: num({ gt: 0, nullable: true }), default: null },
      constant: { schema: num({ min: 0 }), default: 0 },
    }),
    required: true,
  },
  window: { schema: section({ containment: { schema: num({ gt: 0, max: 0.9999 }), default: 0.9 }, train_containment: { schema: num({ gt: 0, max: 0.9999, nullable: true }), default: null } }) },
  background: {
    schema: section({
      model: { schema: { type: "enum", values: ["gp", ...FAMILIES, "envelope"] }, default: "gp" },
      families: { schema: { type: "list", items: { type: "enum", values: FAMILIES } }, default: ["dijet", "powerlaw", "exponential"] },
      npar: { schema: int(1, true), default: null },
      order_selection: { schema: { type: "enum", values: ["ftest", "aic"] }, default: "ftest" },
      // "mass": the order is chosen at each mass on the signal + background fits (point.ts,
      // parametricMembers); "spectrum": once, on background-only fits of the whole spectrum.
      order_scope: { schema: { type: "enum", values: ["mass", "spectrum"] }, default: "mass" },
      sqrt_s: { schema: num({ gt: 0, nullable: true }), default: null },
      envelope_penalty: { schema: num({ min: 0 }), default: 1 },
      gp: {
        schema: section({
          coordinate: { schema: { type: "enum", values: ["log", "linear"] }, default: "log" },
          ls_lower_windows: { schema: num({ gt: 0 }), default: 1 },
          ls_upper_span: { schema: num({ gt: 0 }), default: 2 },
          restarts: { schema: int(0), default: 1 },
          trend_degree: { schema: int(0, true), default: 4 },
          seed: { schema: int(0), default: 0 },
        }),
      },
    }),
  },
  scan: { schema: section({ range: { schema: { type: "range", nullable: true }, default: null }, step: { schema: num({ gt: 0, nullable: true }), default: null }, points: { schema: int(1), default: 100 } }) },
  checks: { schema: section({ sideband_nsigma: { schema: num({ gt: 0 }), default: 5 }, window_ratio: { schema: num({ gt: 1 }), default: 100 } }) },
  cls_alpha: { schema: num({ gt: 0, max: 0.5 }), default: 0.05 },
  expected_bands: { schema: { type: "boolean" }, default: false },
  global: { schema: section({ toys: { schema: int(0), default: 0 }, seed: { schema: int(0), default: 1 }, upcrossing_level: { schema: num({ gt: 0 }), default: 1 } }) },
  output_dir: { schema: str(), default: "out/resonance" },
  workers: { schema: int(1, true), default: null },
};

type Sec = Record<string, unknown>;

export interface DatasetSpec {
  name: string;
  label: string;
  file: string;
  hist: string;
  /** Events: the column (CSV, Parquet) or branch (ROOT TTree) expression; "" for a histogram. */
  column: string;
  /** ROOT events: the TTree name ("" = the file's first TTree). */
  tree: string;
  edges: number[];
  range: [number, number] | null;
  rebin: number;
}

export interface ResonanceConfig {
  file: string;
  dir: string;
  experiment: string;
  unit: Unit;
  datasets: DatasetSpec[];
  search: Omit<SearchSpec, "signal"> & { signal: SignalModel | { kind: "template-file"; file: string; hist: string; referenceMass: number; scale: boolean } };
  scan: { range: [number, number] | null; step: number | null; points: number };
  global: { toys: number; seed: number; u0: number };
  outputDir: string;
  workers: number | null;
  source: ConfigSource;
}

/**
 * True when a configuration file is the HPS analysis (the HPS preset): `preset: hps`, or hps-gpr
 * keys (enable_<year>, path_<year>) without `datasets`. `resonance scan` runs it through the bump
 * pipeline of src/bumphunt unchanged (results_single.csv byte-identical to `bump scan`), with the
 * dark-photon outputs that analysis asks for.
 */
export function isHpsPreset(path: string): boolean {
  const d = readConfigFile(path, { option: "--config" }).data;
  if (!d || typeof d !== "object" || Array.isArray(d)) return false;
  const keys = Object.keys(d);
  if ((d as Record<string, unknown>).preset === "hps") return !keys.includes("datasets");
  return !keys.includes("datasets") && keys.some((k) => /^(enable|path)_\d{4}$/.test(k));
}

export function loadResonanceConfig(path: string): ResonanceConfig {
  return resonanceConfig(readConfigFile(path, { option: "--config" }));
}

/** Validate and map a configuration (source from a file, or from an object for tests). */
export function resonanceConfig(src: ConfigSource): ResonanceConfig {
  const v = validateConfig(src, RESONANCE_FIELDS).values;
  if (v.preset === "hps") throw configError(src, ["preset"], "preset: hps is the HPS analysis in hps-gpr keys (enable_2015, path_2015, …) instead of datasets: remove datasets and the other resonance keys, or remove the preset");
  const dir = dirname(resolve(src.file || "."));
  const sig = v.signal as Sec, res = v.resolution as Sec, win = v.window as Sec, bg = v.background as Sec, sc = v.scan as Sec, ch = v.checks as Sec, gl = v.global as Sec;
  const datasets = (v.datasets as Sec[]).map((d, k) => {
    const ds: DatasetSpec = { name: d.name as string, label: (d.label as string) || (d.name as string), file: resolve(dir, d.file as string), hist: d.hist as string, column: d.column as string, tree: d.tree as string, edges: d.edges as number[], range: d.range as [number, number] | null, rebin: d.rebin as number };
    const b = d.binning as Sec;
    if (ds.edges.length === 0 && b.n !== null) {
      if (b.lo === null || b.hi === null || !((b.hi as number) > (b.lo as number))) throw configError(src, ["datasets", k, "binning"], "give lo < hi and n");
      ds.edges = Array.from(variableEdges(b.lo as number, b.hi as number, b.n as number, b.width_power as number));
    }
    if (/\.(csv|parquet)$/i.test(ds.file) && !ds.column) throw configError(src, ["datasets", k, "column"], "a CSV or Parquet file holds events: name the column with the mass (column: m)");
    if (ds.column && ds.hist) throw configError(src, ["datasets", k, "column"], "give either hist (a histogram) or column (events), not both");
    if (ds.column) {
      if (!/\.(csv|parquet|root)$/i.test(ds.file)) throw configError(src, ["datasets", k, "file"], "events are read from .csv, .parquet or .root (TTree) files");
      if (ds.edges.length < 2) throw configError(src, ["datasets", k, "edges"], "events need bin edges: edges: [...] or binning: {lo, hi, n}");
    } else if (!ds.hist) throw configError(src, ["datasets", k, "hist"], "name the histogram in the file (hist: <name>), or the events' column or branch (column: m)");
    if (ds.tree && !(ds.column && /\.root$/i.test(ds.file))) throw configError(src, ["datasets", k, "tree"], "tree names the TTree of a ROOT file's events: give it with column: <branch>");
    return ds;
  });
  const names = new Set<string>();
  datasets.forEach((d, k) => {
    if (names.has(d.name)) throw configError(src, ["datasets", k, "name"], `dataset name "${d.name}" is used twice`);
    names.add(d.name);
  });
  let resolution: Resolution;
  const poly = res.polynomial as number[];
  if (res.relative !== null && poly.length) throw configError(src, ["resolution"], "give either polynomial or relative, not both");
  if (res.relative !== null) resolution = { kind: "relative", fraction: res.relative as number, constant: res.constant as number };
  else if (poly.length) resolution = { kind: "polynomial", coeffs: poly };
  else throw configError(src, ["resolution"], "give the mass resolution: polynomial: [c0, c1, …] (σ = Σ c_i m^i) or relative: r (σ = r·m)");
  let signal: ResonanceConfig["search"]["signal"];
  switch (sig.shape) {
    case "gaussian": signal = { kind: "gaussian" }; break;
    case "dscb": signal = { kind: "dscb", alphaLow: sig.alpha_low as number, nLow: sig.n_low as number, alphaHigh: sig.alpha_high as number, nHigh: sig.n_high as number }; break;
    case "voigtian":
      if (!((sig.width as number) > 0 || (sig.relative_width as number) > 0)) throw configError(src, ["signal", "width"], "a Voigtian needs a natural width: width (absolute) or relative_width (Γ/m) > 0");
      signal = { kind: "voigtian", width: sig.width as number, relativeWidth: sig.relative_width as number };
      break;
    default:
      if (!sig.template_file || !sig.template_hist || sig.template_reference_mass === null) throw configError(src, ["signal", "template_file"], "a template signal needs template_file, template_hist and template_reference_mass");
      signal = { kind: "template-file", file: resolve(dir, sig.template_file as string), hist: sig.template_hist as string, referenceMass: sig.template_reference_mass as number, scale: sig.template_scales_with_resolution as boolean };
  }
  let background: BackgroundSpec;
  const g = bg.gp as Sec;
  if (bg.model === "gp") background = { model: "gp", gp: { coordinate: g.coordinate as "log" | "linear", lsLowerWindows: g.ls_lower_windows as number, lsUpperSpan: g.ls_upper_span as number, restarts: g.restarts as number, seed: g.seed as number, trendDegree: g.trend_degree as number | null } };
  else {
    const families = bg.model === "envelope" ? (bg.families as FamilyName[]) : [bg.model as FamilyName];
    if (families.length === 0) throw configError(src, ["background", "families"], "the envelope needs at least one family");
    if (families.includes("dijet") && bg.sqrt_s === null) throw configError(src, ["background", "sqrt_s"], "the dijet function needs the collision energy √s in the run's unit (sqrt_s: 13000 for 13 TeV in GeV)");
    background = { model: "parametric", families, npar: bg.npar as number | null, orderSelection: bg.order_selection as "ftest" | "aic", orderScope: bg.order_scope as "mass" | "spectrum", sqrtS: (bg.sqrt_s as number | null) ?? undefined, envelopePenalty: bg.envelope_penalty as number };
  }
  return {
    file: src.file, dir, experiment: v.experiment as string, unit: v.unit as Unit, datasets,
    search: {
      ...DEFAULT_SEARCH, signal, resolution, containment: win.containment as number, ...(win.train_containment !== null ? { trainContainment: win.train_containment as number } : {}),
      alpha: v.cls_alpha as number, bands: v.expected_bands as boolean, sidebandNSigma: ch.sideband_nsigma as number, windowRatio: ch.window_ratio as number, background,
    },
    scan: { range: sc.range as [number, number] | null, step: sc.step as number | null, points: sc.points as number },
    global: { toys: gl.toys as number, seed: gl.seed as number, u0: gl.upcrossing_level as number },
    outputDir: resolve(dir, v.output_dir as string), workers: v.workers as number | null, source: src,
  };
}

/** Read a dataset's spectrum (histogram or events), restricted to its range and rebinned. */
export async function loadDataset(d: DatasetSpec, cfgFile: string): Promise<Spectrum> {
  let sp: Spectrum;
  try {
    if (d.column) {
      const t = await readEventTable(d.file, { columns: [d.column], ...(d.tree ? { tree: d.tree } : {}) });
      let vals = t.columns[0];
      // `name[i]`: an event with fewer elements has none to histogram; otherwise a non-number is a mistake
      if (/\[/.test(d.column)) vals = vals.filter((x) => !Number.isNaN(x));
      const bad = vals.findIndex((x) => !Number.isFinite(x));
      if (bad >= 0) throw new InputError(d.file, `${d.column} (row ${bad + 1})`, `${vals[bad]} is not a finite number`);
      sp = histogramEvents(vals, d.edges);
    } else {
      const h = await readHistogram(d.file, d.hist);
      sp = spectrumOf(h.edges, h.counts);
    }
    const out = restrictSpectrum(sp, d.range?.[0], d.range?.[1], d.rebin);
    // A background cannot be fitted to nothing, and every significance and limit would be an artefact.
    if (!out.counts.some((c) => c > 0)) throw new Error(`the spectrum holds no events${d.range ? ` in range [${d.range[0]}, ${d.range[1]}]` : ""}: check the file, histogram name and range`);
    return out;
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(cfgFile, `datasets[${d.name}]`, (e as Error).message);
  }
}

/** Resolve a template signal file into its histogram (edges shifted to offsets from the reference mass). */
export async function resolveSignal(s: ResonanceConfig["search"]["signal"], sigmaAt: (m: number) => number): Promise<SignalModel> {
  if (s.kind !== "template-file") return s;
  const h = await readHistogram(s.file, s.hist);
  return { kind: "template", template: { edges: Array.from(h.edges, (e) => e - s.referenceMass), counts: Array.from(h.counts), scaleWithResolution: s.scale, referenceSigma: sigmaAt(s.referenceMass) } };
}

/** What scanMasses changed of the configured range: its clipping to the spectrum (empty when nothing). */
export function scanRangeNote(cfg: ResonanceConfig, sp: Spectrum): string {
  const r = cfg.scan.range;
  const e0 = sp.edges[0], e1 = sp.edges[sp.edges.length - 1];
  if (!r || (r[0] >= e0 && r[1] <= e1)) return "";
  const lo = Math.max(r[0], e0), hi = Math.min(r[1], e1);
  return `scan.range [${r[0]}, ${r[1]}] reaches beyond the spectrum (${e0}–${e1} ${cfg.unit}): ${hi >= lo ? `masses scanned in [${lo}, ${hi}]` : "no mass scanned"}`;
}

/** The scan masses of a dataset: the configured range (default: the spectrum's range) on the step grid or `points` evenly spaced. */
export function scanMasses(cfg: ResonanceConfig, sp: Spectrum): number[] {
  const lo = cfg.scan.range?.[0] ?? sp.edges[0], hi = cfg.scan.range?.[1] ?? sp.edges[sp.edges.length - 1];
  const a = Math.max(lo, sp.edges[0]), b = Math.min(hi, sp.edges[sp.edges.length - 1]);
  if (!(b >= a)) return [];
  return cfg.scan.step !== null ? massGrid(a, b, cfg.scan.step) : Array.from(linspace(a, b, cfg.scan.points));
}
