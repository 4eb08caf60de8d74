// Toy scans (hps_gpr §13): the same per-mass scan as the observed data run on background-only
// pseudo-data — the functional-form toys stored in funcform_<d>_toys.root (`toy-scan`) or
// toys drawn from one GP fitted to the whole spectrum (`gp-toy-scan`) — to calibrate the local
// significance and the limits. Every (toy, mass) pair is one unit of work on the worker pool;
// a worker prepares each toy's spectrum once (through scan.ts's prepareDataset, so rebinning,
// data range, σ(m), f_rad and length-scale bounds are exactly the scan's) and rows come back
// in (toy, mass) order whatever the number of workers. Failed masses stay rows with their
// error; every summary counts them per toy (n_fail), and toys that never produced a result
// are counted too.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { InputError } from "../io/errors.ts";
import { listKeys, readNamedTitle } from "../io/root-keys.ts";
import { Rng } from "../math/rng.ts";
import { fullRangeToyCounts, gpToySeed, withCounts, type FullToyMode } from "./full-toys.ts";
import { evaluateMassPointDetailed, type MassPointRow } from "./mass-point.ts";
import { SCAN_COLUMNS, csvRecord, prepareDataset, withGlobal, type PreparedDataset, type ScanJob, type ScanRow } from "./scan.ts";
import { COMBINED_COLUMNS } from "./scan-plan.ts";
import { cellBool, cellNum, csvText, readCsv, type CsvRow } from "../io/csv.ts";
import { findFiles, globRegExp, naturalCompare } from "./study-io.ts";

/** Default functional-form container per dataset (spec §16 funcform_closure_container_by_dataset). */
export const DEFAULT_CONTAINER: Record<string, string> = { "2015": "fShiftSigPowTail", "2016": "fShiftSigPowTail", "2021": "fSigPowExpQ" };

export interface ToySpec {
  index: number;
  /** Histogram path inside the ROOT file (functional-form toys); "" for generated toys. */
  hist: string;
  /** Seed of a generated toy. */
  seed?: number;
}

export interface ToyEnsemble {
  sourceModel: "functional_form" | "gp_propagated_mean";
  /** ROOT file the toys (or the spectrum the GP was fitted to) come from. */
  root: string;
  container: string;
  functionTag: string;
  label: string;
  toys: ToySpec[];
  /** Generated toys: count-space mean over the prepared bins, total for the fixed-total mode. */
  gp?: { muFull: Float64Array; total: number; mode: FullToyMode; seedBase: number; kernel: string };
}

export interface ToyScanJob {
  base: ScanJob;
  ensemble: ToyEnsemble;
}

/** The container of the primary fit (fit_metadata/primary_function_tag), else the dataset default. */
export async function defaultContainer(root: string, dataset: string): Promise<string> {
  const tag = (await readNamedTitle(root, "fit_metadata/primary_function_tag"))?.trim();
  return tag || DEFAULT_CONTAINER[dataset] || "fShiftSigPowTail";
}

export interface DiscoverOptions {
  container: string;
  /** Shell glob on the histogram names (default "*"). */
  pattern?: string;
  /** Explicit names: "{container}_toy_{i}" style, used with `indices`. */
  nameFmt?: string;
  indices?: number[];
  maxToys?: number;
}

const TOY_INDEX = /_toy_(\d+)$/;

/** The toy histograms of a container (spec §13): glob match, natural sort, index = trailing _toy_<i>. */
export async function discoverToys(root: string, o: DiscoverOptions): Promise<ToySpec[]> {
  let toys: ToySpec[];
  if (o.nameFmt) {
    if (!o.indices?.length) throw new InputError(root, "--toy-name-fmt", "needs --toy-index (which toys to read)");
    toys = o.indices.map((i) => ({ index: i, hist: `${o.container ? o.container + "/" : ""}${o.nameFmt!.replaceAll("{container}", o.container).replace(/\{(i|index)(:[^}]*)?\}/g, String(i))}` }));
    const names = new Set((await listKeys(root, o.container)).map((k) => k.name));
    const missing = toys.find((t) => !names.has(t.hist.split("/").pop()!));
    if (missing) throw new InputError(root, missing.hist, "no such histogram (check --toy-name-fmt and --toy-index)");
  } else {
    const re = globRegExp(o.pattern ?? "*");
    const keys = (await listKeys(root, o.container)).filter((k) => /^TH1/.test(k.className) && re.test(k.name)).map((k) => k.name).sort(naturalCompare);
    toys = keys.map((name, k) => {
      const m = TOY_INDEX.exec(name);
      return { index: m ? Number(m[1]) : k, hist: `${o.container ? o.container + "/" : ""}${name}` };
    });
    if (o.indices?.length) {
      const want = new Set(o.indices);
      toys = toys.filter((t) => want.has(t.index));
      const have = new Set(toys.map((t) => t.index));
      const lost = o.indices.find((i) => !have.has(i));
      if (lost !== undefined) throw new InputError(root, "--toy-index", `toy ${lost} not found in ${o.container || "the top level"} (pattern ${o.pattern ?? "*"})`);
    }
  }
  if (o.maxToys !== undefined) toys = toys.slice(0, Math.max(0, o.maxToys));
  if (toys.length === 0) throw new InputError(root, o.container || "/", `no TH1 matching "${o.pattern ?? "*"}"; give --container and --toy-pattern`);
  return toys;
}

/** Generated-toy ensemble (gp-toy-scan): toy i has seed (base + 1000003 i) mod (2³¹ − 1). */
export function gpEnsemble(root: string, indices: number[], gp: { muFull: Float64Array; total: number; mode: FullToyMode; seedBase: number; kernel: string }): ToyEnsemble {
  const tag = `gp_propagated_mean_refit_${gp.mode === "poisson" ? "poisson" : "fixedtotal"}`;
  return {
    sourceModel: "gp_propagated_mean", root, container: tag, functionTag: tag, label: `GP mean (${gp.kernel}), ${gp.mode} toys`,
    toys: indices.map((i) => ({ index: i, hist: "", seed: gpToySeed(gp.seedBase, i) })), gp,
  };
}

type Evaluator = (m: number) => MassPointRow;

/**
 * Worker factory: task k is (toy ⌊k / n_masses⌋, mass k mod n_masses). Each worker prepares a
 * toy's spectrum once and keeps the last few.
 */
export async function toyScanRunner(job: ToyScanJob): Promise<{ run(k: number): Promise<MassPointRow> }> {
  const nM = job.base.masses.length;
  const cache = new Map<number, Promise<Evaluator>>();
  let basePrepared: Promise<PreparedDataset> | undefined;
  const evaluatorFor = (t: number): Promise<Evaluator> => {
    let e = cache.get(t);
    if (!e) {
      const toy = job.ensemble.toys[t];
      const gp = job.ensemble.gp;
      if (gp) {
        e = (basePrepared ??= prepareDataset(job.base)).then((p) => {
          const counts = fullRangeToyCounts(gp.muFull, gp.mode, gp.total, new Rng(toy.seed ?? 0));
          const sp = withCounts(p.spectrum, counts);
          return (m: number) => evaluateMassPointDetailed(job.base.dataset, sp, m, p.sigma(m), p.optionsAt(m)).row;
        });
      } else {
        e = prepareDataset({ ...job.base, file: job.ensemble.root, hist: toy.hist }).then((p) => (m: number) => p.evaluate(m).row);
      }
      cache.set(t, e);
      if (cache.size > 4) cache.delete(cache.keys().next().value!);
    }
    return e;
  };
  return {
    async run(k: number): Promise<MassPointRow> {
      const t = Math.floor(k / nM), i = k % nM;
      const m = job.base.masses[i];
      try {
        return (await evaluatorFor(t))(m);
      } catch (e) {
        // The toy's spectrum could not be prepared: every mass of the toy is a failed row.
        return failedRow(job.base.dataset, m, (e as Error).message);
      }
    },
  };
}

function failedRow(dataset: string, m: number, error: string): MassPointRow {
  const nan = NaN;
  return {
    dataset, mass_GeV: m, sigma_mass_res_GeV: nan, n_blind_bins: 0, n_train_bins: 0, obs_window_counts: nan, bkg_window_mean: nan, A_hat: nan, sigma_A: nan,
    A_up: nan, eps2_up: nan, p0_analytic: nan, Z_analytic: nan, integral_density: nan, A_per_eps2: nan, f_blind: nan, gp_kernel: "", gp_constant: nan,
    gp_length_scale: nan, gp_lml: nan, gp_ls_lo: nan, gp_ls_hi: nan, gp_starts: nan, gp_starts_agree: nan, gp_starts_disagree: nan, cls_statistic: "tilde_q_mu", cls_calibration: "asymptotic",
    blind_lo: nan, blind_hi: nan, gp_ls_init: nan, sigma_x: nan, extract_success: false, visibility: "error", ok: false, error: error.replace(/[\r\n,]+/g, " "),
  };
}

/** A scan row failed (spec §13 n_fail): no extraction, an error, or a non-finite Z or p0. */
export function rowFailed(r: { extract_success: boolean; error: string; Z_analytic: number; p0_analytic: number }): boolean {
  return !r.extract_success || r.error !== "" || !Number.isFinite(r.Z_analytic) || !Number.isFinite(r.p0_analytic);
}

export const IDENTITY_COLUMNS = ["toy_index", "toy_hist", "function_tag", "source_model", "source_label", "source_root", "container"] as const;

export interface ToyScanOutput {
  dir: string;
  toy: ToySpec;
  rows: ScanRow[];
  n_fail: number;
}

/** Group pool rows by toy, add the look-elsewhere columns per toy. */
export function toyRows(job: ToyScanJob, flat: MassPointRow[], sigmaAt: (m: number) => number): ScanRow[][] {
  const nM = job.base.masses.length;
  return job.ensemble.toys.map((_, t) => withGlobal(flat.slice(t * nM, (t + 1) * nM), job.base.dataset, job.base.options.blindNSigma ?? 1.64, sigmaAt));
}

/** Output folder of an ensemble: OUT/toy_scans/<d>/<functional_form_<container> | gp_propagated_mean_refit_<mode>>. */
export function ensembleDir(outDir: string, job: ToyScanJob): string {
  const e = job.ensemble;
  return join(outDir, "toy_scans", job.base.dataset, e.sourceModel === "functional_form" ? `functional_form_${e.container}` : e.container);
}

/**
 * Write toy_XXXX/{results_single.csv, results_combined.csv, combined.csv, toy_metadata.json} per toy and the ensemble manifest
 * (every requested toy, so toy-scan-merge counts toys that never finished). No timings or
 * dates in the files: the same seed gives the same bytes whatever the number of workers.
 */
export function writeToyScan(outDir: string, job: ToyScanJob, rows: ScanRow[][]): ToyScanOutput[] {
  const e = job.ensemble, d = job.base.dataset;
  const root = ensembleDir(outDir, job);
  mkdirSync(root, { recursive: true });
  const manifest = {
    dataset: d, source_model: e.sourceModel, container: e.container, function_tag: e.functionTag, source_label: e.label, source_root: e.root,
    masses_GeV: job.base.masses, rebin: job.base.rebin, blind_nsigma: job.base.options.blindNSigma ?? 1.64,
    toys: e.toys.map((t) => ({ toy_index: t.index, toy_hist: t.hist, dir: `toy_${String(t.index).padStart(4, "0")}`, ...(t.seed !== undefined ? { toy_seed: t.seed } : {}) })),
    ...(e.gp ? { full_toy_bkg_mode: e.gp.mode, full_input_total_count: e.gp.total, n_bins: e.gp.muFull.length, seed_base: e.gp.seedBase, gp_kernel: e.gp.kernel } : {}),
  };
  writeFileSync(join(root, "toy_scan_manifest.json"), JSON.stringify(manifest, null, 2) + "\n");
  return e.toys.map((toy, t) => {
    const dir = join(root, `toy_${String(toy.index).padStart(4, "0")}`);
    mkdirSync(dir, { recursive: true });
    const id = { toy_index: toy.index, toy_hist: toy.hist, function_tag: e.functionTag, source_model: e.sourceModel, source_label: e.label, source_root: e.root, container: e.container };
    writeFileSync(join(dir, "results_single.csv"), csvText([...IDENTITY_COLUMNS, ...SCAN_COLUMNS], rows[t].map((r) => ({ ...id, ...csvRecord(r) }))));
    // A toy scan covers one dataset, so its combination tables have the columns and no rows (as hps_gpr writes them).
    const combinedHeader = csvText([...IDENTITY_COLUMNS, ...COMBINED_COLUMNS], []);
    writeFileSync(join(dir, "results_combined.csv"), combinedHeader);
    writeFileSync(join(dir, "combined.csv"), combinedHeader);
    const nFail = rows[t].filter(rowFailed).length;
    const meta = {
      dataset: d, ...id, n_masses: rows[t].length, n_fail: nFail, mass_min_GeV: job.base.masses[0], mass_max_GeV: job.base.masses[job.base.masses.length - 1],
      rebin: job.base.rebin, blind_nsigma: job.base.options.blindNSigma ?? 1.64,
      ...(toy.seed !== undefined ? { toy_seed: toy.seed } : {}),
      ...(e.gp ? { full_toy_bkg_mode: e.gp.mode, full_input_total_count: e.gp.total, n_bins: e.gp.muFull.length } : {}),
    };
    writeFileSync(join(dir, "toy_metadata.json"), JSON.stringify(meta, null, 2) + "\n");
    return { dir, toy, rows: rows[t], n_fail: nFail };
  });
}

// ---------------------------------------------------------------------------------------------
// toy-scan-merge

export const SUMMARY_COLUMNS = [
  "dataset", "source_model", "container", "function_tag", "source_label", "source_root", "toy_index", "toy_hist",
  "n_masses", "n_fail", "max_Z_analytic", "mass_at_max_Z", "min_p0_analytic", "max_Z_global", "status",
] as const;

export type SummaryRow = Record<(typeof SUMMARY_COLUMNS)[number], string | number>;

export interface MergeResult {
  merged: { columns: string[]; rows: CsvRow[] };
  summary: SummaryRow[];
  /** Toys in the manifests, toys with results, masses failed in all. */
  n_toys: number;
  n_with_results: number;
  n_fail_total: number;
}

/** Per-toy summary of merged rows (spec §13): n_fail, max Z and its mass, min p0. */
export function summariseToy(id: Omit<SummaryRow, "n_masses" | "n_fail" | "max_Z_analytic" | "mass_at_max_Z" | "min_p0_analytic" | "max_Z_global" | "status">, rows: CsvRow[], expectedMasses: number, status: string): SummaryRow {
  let nFail = 0, maxZ = -Infinity, mAt = NaN, minP = Infinity, maxZg = -Infinity;
  for (const r of rows) {
    const Z = cellNum(r.Z_analytic), p0 = cellNum(r.p0_analytic);
    const fail = rowFailed({ extract_success: cellBool(r.extract_success), error: r.error ?? "", Z_analytic: Z, p0_analytic: p0 });
    if (fail) { nFail++; continue; }
    if (Z > maxZ) { maxZ = Z; mAt = cellNum(r.mass_GeV); }
    if (p0 < minP) minP = p0;
    const zg = cellNum(r.Z_global);
    if (zg > maxZg) maxZg = zg;
  }
  // Masses that should have been scanned but have no row are failures too.
  nFail += Math.max(0, expectedMasses - rows.length);
  return {
    ...id, n_masses: Math.max(expectedMasses, rows.length), n_fail: nFail,
    max_Z_analytic: Number.isFinite(maxZ) ? maxZ : NaN, mass_at_max_Z: mAt, min_p0_analytic: Number.isFinite(minP) ? minP : NaN,
    max_Z_global: Number.isFinite(maxZg) ? maxZg : NaN, status,
  };
}

/**
 * Find every toy_metadata.json (and ensemble manifest) under `inputDir`, load the sibling
 * results_single.csv files, and build toy_scan_merged rows and the per-toy summary. A toy
 * listed in a manifest without results, or with a missing/unreadable CSV, is a summary row
 * with all its masses failed and its status.
 */
export function mergeToyScans(inputDir: string): MergeResult {
  if (!existsSync(inputDir)) throw new InputError(inputDir, "--input-dir", "folder not found (give the toy-scan --output-dir)");
  const metas = findFiles(inputDir, "toy_metadata.json");
  const manifests = findFiles(inputDir, "toy_scan_manifest.json");
  if (metas.length === 0 && manifests.length === 0) throw new InputError(inputDir, "--input-dir", "no toy_metadata.json or toy_scan_manifest.json below this folder; run bump toy-scan first");
  const merged: CsvRow[] = [];
  let columns: string[] = [];
  const summary: SummaryRow[] = [];
  const seen = new Set<string>();
  const key = (d: string, c: string, t: number) => `${d}|${c}|${t}`;
  for (const mf of metas) {
    const meta = JSON.parse(readFileSync(mf, "utf8")) as Record<string, unknown>;
    const id = {
      dataset: String(meta.dataset ?? ""), source_model: String(meta.source_model ?? ""), container: String(meta.container ?? ""), function_tag: String(meta.function_tag ?? ""),
      source_label: String(meta.source_label ?? ""), source_root: String(meta.source_root ?? ""), toy_index: Number(meta.toy_index), toy_hist: String(meta.toy_hist ?? ""),
    };
    seen.add(key(id.dataset, id.container, id.toy_index));
    const csv = join(dirname(mf), "results_single.csv");
    let rows: CsvRow[] = [];
    let status = "ok";
    if (!existsSync(csv)) status = "missing_results";
    else {
      const t = readCsv(csv);
      if (columns.length === 0) columns = t.columns;
      rows = t.rows.map((r) => ({ ...r, toy_index: String(id.toy_index), toy_hist: id.toy_hist, function_tag: id.function_tag, source_model: id.source_model, source_label: id.source_label, source_root: id.source_root, container: id.container, dataset: id.dataset }));
      merged.push(...rows);
    }
    summary.push(summariseToy(id, rows, Number(meta.n_masses ?? rows.length), status));
  }
  for (const mf of manifests) {
    const m = JSON.parse(readFileSync(mf, "utf8")) as { dataset: string; source_model: string; container: string; function_tag: string; source_label: string; source_root: string; masses_GeV: number[]; toys: { toy_index: number; toy_hist: string }[] };
    for (const t of m.toys) {
      if (seen.has(key(m.dataset, m.container, t.toy_index))) continue;
      seen.add(key(m.dataset, m.container, t.toy_index));
      summary.push(summariseToy({ dataset: m.dataset, source_model: m.source_model, container: m.container, function_tag: m.function_tag, source_label: m.source_label, source_root: m.source_root, toy_index: t.toy_index, toy_hist: t.toy_hist }, [], m.masses_GeV.length, "not_run"));
    }
  }
  if (columns.length === 0) columns = [...IDENTITY_COLUMNS, ...SCAN_COLUMNS];
  for (const c of [...IDENTITY_COLUMNS, "dataset"]) if (!columns.includes(c)) columns.unshift(c);
  const src = (r: Record<string, string | number>) => `${r.source_model}/${r.container}`;
  merged.sort((a, b) => naturalCompare(a.dataset, b.dataset) || naturalCompare(src(a), src(b)) || Number(a.toy_index) - Number(b.toy_index) || cellNum(a.mass_GeV) - cellNum(b.mass_GeV));
  summary.sort((a, b) => naturalCompare(String(a.dataset), String(b.dataset)) || naturalCompare(src(a), src(b)) || Number(a.toy_index) - Number(b.toy_index));
  return {
    merged: { columns, rows: merged }, summary, n_toys: summary.length, n_with_results: summary.filter((s) => s.status === "ok").length,
    n_fail_total: summary.reduce((a, s) => a + Number(s.n_fail), 0),
  };
}

/** Write toy_scan_merged.csv and toy_scan_summary.csv into `outDir`. */
export function writeMerge(outDir: string, m: MergeResult): { merged: string; summary: string } {
  mkdirSync(outDir, { recursive: true });
  const merged = join(outDir, "toy_scan_merged.csv"), summary = join(outDir, "toy_scan_summary.csv");
  writeFileSync(merged, csvText(m.merged.columns, m.merged.rows));
  writeFileSync(summary, csvText(SUMMARY_COLUMNS, m.summary));
  return { merged, summary };
}

/** Summary rows derived from a merged CSV alone (toy-scan-plot without --summary-csv). */
export function summaryFromMerged(rows: CsvRow[]): SummaryRow[] {
  const groups = new Map<string, CsvRow[]>();
  for (const r of rows) {
    const k = `${r.dataset}|${r.source_model}|${r.container}|${r.toy_index}`;
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k)!.push(r);
  }
  const nMasses = Math.max(0, ...[...groups.values()].map((g) => g.length));
  return [...groups.values()].map((g) => {
    const r = g[0];
    return summariseToy({ dataset: r.dataset, source_model: r.source_model, container: r.container, function_tag: r.function_tag, source_label: r.source_label, source_root: r.source_root, toy_index: Number(r.toy_index), toy_hist: r.toy_hist }, g, nMasses, "ok");
  });
}

export function relativeTo(base: string, p: string): string {
  return relative(resolve(base), resolve(p)) || ".";
}

// ---------------------------------------------------------------------------------------------
// toy-scan-plot

export interface ToyPlotOptions {
  outDir: string;
  stemPrefix?: string;
  /** Ensembles with at least this many toys are drawn as bands, smaller ones curve by curve. */
  bandMin?: number;
  formats?: ("png" | "pdf" | "svg")[];
}

/**
 * Validation figures per (dataset, source/container): local Z, p0, ε² and A limits vs mass
 * (median + 68/95% bands, or every toy for small ensembles) and max Z per toy with n_fail.
 */
export async function toyScanPlots(rows: CsvRow[], summary: SummaryRow[], o: ToyPlotOptions): Promise<string[]> {
  const { writeFigure } = await import("../plot/render.ts");
  const { ensemblePlot, errorBarPlot } = await import("./study-plots.ts");
  const prefix = o.stemPrefix ?? "toy_scan_validation";
  const groups = new Map<string, CsvRow[]>();
  for (const r of rows) {
    const k = `${r.dataset}\u0000${r.function_tag || r.container}`;
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k)!.push(r);
  }
  const written: string[] = [];
  const mev = { title: "m(A') [MeV]" };
  for (const [k, g] of groups) {
    const [d, tag] = k.split("\u0000");
    const byToy = new Map<string, CsvRow[]>();
    for (const r of g) {
      if (!byToy.has(r.toy_index)) byToy.set(r.toy_index, []);
      byToy.get(r.toy_index)!.push(r);
    }
    const curves = (col: string, ok = (r: CsvRow) => !rowFailed({ extract_success: cellBool(r.extract_success), error: r.error ?? "", Z_analytic: cellNum(r.Z_analytic), p0_analytic: cellNum(r.p0_analytic) })) =>
      ({ curves: [...byToy].map(([t, rs]) => ({ name: `toy ${t}`, x: rs.filter(ok).map((r) => 1000 * cellNum(r.mass_GeV)), y: rs.filter(ok).map((r) => cellNum(r[col])) })) });
    const stem = (what: string) => join(o.outDir, `${prefix}_${d}_${tag}_${what}`);
    const bm = o.bandMin ?? 20;
    const sumRows = summary.filter((s) => String(s.dataset) === d && (String(s.function_tag) === tag || String(s.container) === tag));
    const nFail = sumRows.reduce((a, s) => a + Number(s.n_fail), 0);
    const head = `HPS ${d} ${tag}: ${byToy.size} toys, ${nFail} failed masses`;
    written.push(...await writeFigure(ensemblePlot(curves("Z_analytic"), mev, { title: "local significance Z" }, head, bm, [{ y: 0 }]), stem("local_significance"), o.formats));
    written.push(...await writeFigure(ensemblePlot(curves("p0_analytic"), mev, { title: "local p0", log: true }, head, bm, [{ y: 0.5 }]), stem("p0"), o.formats));
    written.push(...await writeFigure(ensemblePlot(curves("eps2_up"), mev, { title: "ε² upper limit (95% CL)", log: true }, head, bm), stem("upper_limits"), o.formats));
    written.push(...await writeFigure(ensemblePlot(curves("A_up"), mev, { title: "signal yield upper limit A (95% CL)" }, head, bm), stem("upper_limits_A"), o.formats));
    const st = [...sumRows].sort((a, b) => Number(a.toy_index) - Number(b.toy_index));
    written.push(...await writeFigure(errorBarPlot([
      { name: "max local Z per toy", x: st.map((s) => Number(s.toy_index)), y: st.map((s) => Number(s.max_Z_analytic)) },
      { name: "failed masses per toy", x: st.map((s) => Number(s.toy_index)), y: st.map((s) => Number(s.n_fail)) },
    ], { title: "toy index" }, { title: "max Z  /  n_fail" }, head), stem("summary"), o.formats));
  }
  return written;
}
