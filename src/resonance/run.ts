// A configured resonance search, end to end: every dataset's spectrum is read, its background
// model built (order tests reported), scanned (masses on the executor), corrected for the look
// elsewhere (Šidák with N_eff from the window widths; with toys, the toy-based maximum-Z and
// Gross–Vitells global significances), and written: <out>/<dataset>/results.csv, figures
// (spectrum with events / bin width, local Z, limits on the signal yield) and summary.json.
// Masses are written in the run's unit, unrounded; no dark-photon quantities are written here.
import { join } from "node:path";
import { csvText } from "../io/csv.ts";
import { InputError } from "../io/errors.ts";
import { writeFileAtomic, writeJsonAtomic } from "../io/output.ts";
import { inThread, type TaskExecutor } from "../infer/executor.ts";
import { loadDataset, resolveSignal, scanMasses, scanRangeNote, type ResonanceConfig } from "./config.ts";
import { ROW_COLUMNS, type ResonanceRow } from "./point.ts";
import { buildSearch, effectiveWindows, sidakColumns, type GlobalColumns, type ScanTaskArgs, type SearchSpec } from "./search.ts";
import { resolutionFunction } from "./signal.ts";
import type { Spectrum } from "./spectrum.ts";
import type { Series } from "../plot/index.ts";
import { calibrateGlobal, globalFromToys, type GlobalCalibration } from "./toys.ts";

export interface DatasetResult {
  name: string;
  label: string;
  spectrum: Spectrum;
  rows: (ResonanceRow & GlobalColumns)[];
  orderReport: ReturnType<typeof buildSearch>["orderReport"];
  /** Background-only fit of the best parametric family (for the spectrum figure), if any. */
  backgroundFit: Float64Array | null;
  summary: DatasetSummary;
}

export interface DatasetSummary {
  dataset: string;
  label: string;
  bins: number;
  masses: number;
  failed: number;
  with_warnings: number;
  max_local_Z: number;
  mass_at_max: number;
  n_eff: number;
  p_global_sidak: number;
  Z_global_sidak: number;
  /** calibration: how each toy was rescanned (toys.ts CALIBRATION_PROCEDURES), calibration_note: why. */
  toys?: { n: number; calibration: string; calibration_note: string; failed_toys: number; failed_points: number; mean_upcrossings: number; u0: number; p_global_toys: number; Z_global_toys: number; p_global_gv: number; Z_global_gv: number };
  background: string;
  failures: { mass: number; error: string }[];
  /** What the run changed or chose that the configuration did not say (e.g. a scan range clipped to the spectrum). */
  notes: string[];
  /** The warnings of the mass with the largest local Z ("" when none): its Z is not to be read without them. */
  warnings_at_max: string;
}

export const RESULT_COLUMNS = [...ROW_COLUMNS, "n_eff", "p_global_sidak", "Z_global_sidak"] as const;

export async function runResonance(cfg: ResonanceConfig, o: { executor?: TaskExecutor; onPoint?: () => void; onToy?: () => void; onNote?: (dataset: string, note: string) => void; figures?: boolean; toys?: number; toyProcedure?: "auto" | "full" | "fast"; bands?: boolean } = {}): Promise<DatasetResult[]> {
  const executor = o.executor ?? inThread;
  const sigmaAt = resolutionFunction(cfg.search.resolution);
  const spec: SearchSpec = { ...cfg.search, signal: await resolveSignal(cfg.search.signal, sigmaAt), bands: o.bands ?? cfg.search.bands };
  const out: DatasetResult[] = [];
  for (const d of cfg.datasets) {
    const sp = await loadDataset(d, cfg.file);
    const masses = scanMasses(cfg, sp);
    if (masses.length === 0) throw new InputError(cfg.file, "scan.range", `[${cfg.scan.range?.join(", ")}] does not overlap dataset "${d.name}"'s spectrum (${sp.edges[0]}–${sp.edges[sp.edges.length - 1]} ${cfg.unit}): choose a range inside it`);
    const built = buildSearch(spec, sp);
    const args: ScanTaskArgs = { dataset: d.name, spec, edges: Array.from(sp.edges), counts: Array.from(sp.counts), masses };
    const raw = await executor.run<number, ResonanceRow>({ module: new URL("./search.ts", import.meta.url).href, factory: "scanRunner", args }, [...masses.keys()], o.onPoint ? () => o.onPoint!() : undefined);
    const nEff = masses.length ? effectiveWindows(spec, masses[0], masses[masses.length - 1]) : 1;
    const rows = sidakColumns(raw, nEff);
    const ok = rows.filter((r) => r.status === "ok");
    const best = ok.reduce<(typeof ok)[number] | undefined>((a, r) => (r.Z > (a?.Z ?? -1) ? r : a), undefined);
    const bestFit = built.fits.length ? built.fits.reduce((a, f) => (f.twiceNll + f.spec.npar < a.twiceNll + a.spec.npar ? f : a)) : null;
    const notes = [scanRangeNote(cfg, sp), nonIntegerNote(sp), fineBinningNote(spec, sp)].filter(Boolean);
    for (const n of notes) o.onNote?.(d.name, n);
    const summary: DatasetSummary = {
      dataset: d.name, label: d.label, bins: sp.counts.length, masses: masses.length, failed: rows.length - ok.length, with_warnings: rows.filter((r) => r.warnings).length,
      max_local_Z: best?.Z ?? NaN, mass_at_max: best?.mass ?? NaN, n_eff: nEff, p_global_sidak: best?.p_global_sidak ?? NaN, Z_global_sidak: best?.Z_global_sidak ?? NaN,
      background: backgroundLabel(spec, bestFit, rows),
      failures: rows.filter((r) => r.status === "failed").map((r) => ({ mass: r.mass, error: r.error })),
      notes,
      warnings_at_max: best?.warnings ?? "",
    };
    const nToys = o.toys ?? cfg.global.toys;
    if (nToys > 0 && best) {
      const cal: GlobalCalibration = await calibrateGlobal(spec, sp, masses, { nToys, seed: cfg.global.seed, u0: cfg.global.u0, executor, onToy: o.onToy, procedure: o.toyProcedure });
      const g = globalFromToys(best.Z, cal);
      summary.toys = { n: cal.nToys, calibration: cal.procedure, calibration_note: cal.procedureNote, failed_toys: cal.failedToys, failed_points: cal.failedPoints, mean_upcrossings: cal.meanUpcrossings, u0: cal.u0, ...g };
    }
    out.push({ name: d.name, label: d.label, spectrum: sp, rows, orderReport: built.orderReport, backgroundFit: bestFit ? Float64Array.from(bestFit.yields) : null, summary });
  }
  return out;
}

/** Bins beyond which the GP background's per-mass cost (dense O(n³) in the training bins) is worth a note. */
const GP_FINE_BINS = 600;

/** A note when a GP background meets a finely binned spectrum (measured per mass: 0.35 s at 300 bins, 0.8 s at 750, 4 s at 1500). */
function fineBinningNote(spec: SearchSpec, sp: Spectrum): string {
  const n = sp.counts.length;
  if (spec.background.model !== "gp" || n <= GP_FINE_BINS) return "";
  return `${n} bins: the GP background's fit costs ~n^2.5 per mass (≈ ${(4 * (n / 1500) ** 2.5).toFixed(1)} s each at this binning); bins much narrower than the resolution add no information: \`rebin: k\` in the dataset merges k bins`;
}

/** A note when bin contents are not whole numbers: the Poisson likelihood reads every content as a count of events. */
function nonIntegerNote(sp: Spectrum): string {
  let k = 0;
  for (const c of sp.counts) if (Math.abs(c - Math.round(c)) > 1e-9 * Math.max(1, c)) k++;
  return k ? `${k} of ${sp.counts.length} bins hold non-integer contents (a weighted or normalised histogram?): the search treats each content as a number of events, so its significances and limits hold only for unweighted counts` : "";
}

/** The background of a dataset's summary: the GP, one fitted order, or the orders chosen per mass and how often. */
function backgroundLabel(spec: SearchSpec, bestFit: { spec: { family: string; npar: number } } | null, rows: ResonanceRow[]): string {
  const bg = spec.background;
  if (bg.model === "parametric" && bg.npar === null && (bg.orderScope ?? "mass") === "mass") {
    const counts = new Map<string, number>();
    for (const r of rows) if (r.status === "ok") counts.set(r.background, (counts.get(r.background) ?? 0) + 1);
    return `order chosen per mass: ${[...counts].map(([k, n]) => `${k} at ${n} mass${n === 1 ? "" : "es"}`).join(", ") || "no mass fitted"}`;
  }
  return bestFit ? `${bestFit.spec.family} (${bestFit.spec.npar} parameters)` : bg.model;
}

/** results.csv of a dataset. */
export function resultsCsv(rows: (ResonanceRow & GlobalColumns)[]): string {
  return csvText(RESULT_COLUMNS, rows.map((r) => ({ ...r, converged: r.converged ? "True" : "False" })));
}

/** Write tables, summary and (optionally) figures into cfg.outputDir. */
export async function writeResonanceOutputs(cfg: ResonanceConfig, results: DatasetResult[], o: { figures?: boolean; outputDir?: string } = {}): Promise<string[]> {
  const dir = o.outputDir ?? cfg.outputDir;
  const written: string[] = [];
  for (const r of results) {
    const p = join(dir, r.name, "results.csv");
    writeFileAtomic(p, resultsCsv(r.rows));
    written.push(p);
    if (o.figures !== false) written.push(...(await writeFigures(cfg, r, join(dir, r.name))));
  }
  const sp = join(dir, "summary.json");
  // order_tests: the background-only order tests on the whole spectrum; with order_scope "mass" the
  // order used at each mass is the results' `background` column (chosen on the s+b fits there).
  const bg = cfg.search.background;
  const scope = bg.model === "parametric" && bg.npar === null ? (bg.orderScope ?? "mass") : null;
  writeJsonAtomic(sp, { experiment: cfg.experiment, unit: cfg.unit, datasets: results.map((r) => ({ ...r.summary, ...(scope ? { order_scope: scope } : {}), order_tests: r.orderReport })) });
  written.push(sp);
  return written;
}

async function writeFigures(cfg: ResonanceConfig, r: DatasetResult, dir: string): Promise<string[]> {
  const { bandPlot, linePlot, writeFigure } = await import("../plot/index.ts");
  const u = cfg.unit, label = cfg.experiment || undefined;
  const ok = r.rows.filter((x) => x.status === "ok");
  const out: string[] = [];
  const sp = r.spectrum;
  const dens = Array.from(sp.counts, (c, i) => c / sp.widths[i]);
  const series: Series[] = [{ name: `${r.label} data`, x: sp.centres, y: dens, points: true, errors: Array.from(sp.counts, (c, i) => Math.sqrt(c) / sp.widths[i]) }];
  if (r.backgroundFit) series.push({ name: "background-only fit", x: sp.centres, y: Array.from(r.backgroundFit, (b, i) => b / sp.widths[i]) });
  const pos = dens.filter((v) => v > 0);
  out.push(...(await writeFigure(linePlot({
    series, label, x: { title: `Mass [${u}]` }, y: { title: `Events / ${u}`, log: true, domain: pos.length ? [Math.min(...pos) / 3, Math.max(...pos) * 3] : undefined },
  }), join(dir, "spectrum"), ["png", "pdf", "svg"])));
  out.push(...(await writeFigure(linePlot({
    series: [{ name: "local Z", x: ok.map((x) => x.mass), y: ok.map((x) => x.Z) }], label, x: { title: `Mass [${u}]` }, y: { title: "Local significance Z [σ]" },
    hlines: [{ y: 3, label: "3σ" }],
  }), join(dir, "local_z"), ["png", "pdf", "svg"])));
  const lim = ok.filter((x) => x.A_up > 0 && x.A_up_expected > 0);
  out.push(...(await writeFigure(linePlot({
    series: [{ name: "observed", x: lim.map((x) => x.mass), y: lim.map((x) => x.A_up) }, { name: "expected (median)", x: lim.map((x) => x.mass), y: lim.map((x) => x.A_up_expected), dashed: true }],
    label, x: { title: `Mass [${u}]` }, y: { title: `${Math.round(100 * (1 - cfg.search.alpha))}% CL upper limit on the signal yield [events]`, log: true },
  }), join(dir, "limits"), ["png", "pdf", "svg"])));
  const band = ok.filter((x) => x.A_up_exp_m2 > 0 && x.A_up_exp_p2 > 0 && x.A_up > 0);
  if (band.length) {
    out.push(...(await writeFigure(bandPlot({
      x: band.map((x) => x.mass), median: band.map((x) => x.A_up_expected), minus1: band.map((x) => x.A_up_exp_m1), plus1: band.map((x) => x.A_up_exp_p1),
      minus2: band.map((x) => x.A_up_exp_m2), plus2: band.map((x) => x.A_up_exp_p2), observed: band.map((x) => x.A_up), label,
      xAxis: { title: `Mass [${u}]` }, yAxis: { title: `${Math.round(100 * (1 - cfg.search.alpha))}% CL upper limit on the signal yield [events]`, log: true },
    }), join(dir, "limits_band"), ["png", "pdf", "svg"])));
  }
  return out;
}
