// A full hps_gpr scan (spec §3, §8–§10): every enabled dataset at its active grid masses on
// the executor it is given (the CLI's worker pool; this thread by default), then the combination with a shared ε² at every mass where two or more
// datasets are active, the look-elsewhere columns, and the outputs: results_single.csv,
// results_combined.csv (+ the alias combined.csv), ul_bands_<d>.csv, per-mass folders with
// numbers.json (and fit figures on request) and summary_plots/. A failed mass point (single or
// combined) is a row with its error, never a crash or a gap.
import { mkdirSync } from "node:fs";
import { writeFileAtomic } from "../io/output.ts";
import { join } from "node:path";
import { effectiveTrials, sidakGlobalP, zFromP } from "../infer/look-elsewhere.ts";
import { combinedLimit, inverseVarianceEps2, type DatasetWindow } from "./combine.ts";
import { COMBINED_BAND_COLUMNS, combinedBandRecord, type CombinedBandRow, type CombinedBandTask } from "./combined-bands.ts";
import { defaultModel, sigmaFunction } from "./dataset.ts";
import { evaluateMassPointDetailed, type MassPointInputs, type MassPointRow } from "./mass-point.ts";
import { csvText } from "../io/csv.ts";
import { bandRow, bandsCsv, prepareDataset, toCsv, warmSpan, withGlobal, type BandRow, type PreparedDataset, type ScanJob, type ScanRow } from "./scan.ts";
import { COMBINED_COLUMNS, type CombinedRow, type ScanPlan } from "./scan-types.ts";
import { inThread, type TaskExecutor } from "../infer/executor.ts";

export { COMBINED_COLUMNS, type CombinedRow, type ScanPlan } from "./scan-types.ts";

export interface PlanTask {
  d: number;
  i: number;
}

export interface PlanResult {
  row: MassPointRow;
  /** The window for the combination (n, b, C, K·w) when the single evaluation succeeded. */
  window?: DatasetWindow;
  band?: BandRow;
}

export const massTag = (m: number) => `m${String(Math.round(m * 1000)).padStart(3, "0")}MeV`;

/** The numbers.json of one dataset at one mass (spec §10). */
export function numbersJson(r: MassPointRow, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const f = (v: number) => (Number.isFinite(v) ? v : null);
  return {
    dataset: r.dataset, mass_GeV: r.mass_GeV, A_up: f(r.A_up), eps2_up: f(r.eps2_up), p0_analytic: f(r.p0_analytic), Z_analytic: f(r.Z_analytic),
    A_hat: f(r.A_hat), sigma_A: f(r.sigma_A), extract_success: r.extract_success, sigma_val: r.sigma_mass_res_GeV, blind: [r.blind_lo, r.blind_hi],
    integral_density: f(r.integral_density), cls_statistic: r.cls_statistic, cls_calibration: r.cls_calibration, global_method: "sidak_approx", visibility: r.visibility,
    ...(r.error ? { error: r.error } : {}), ...extra,
  };
}

/** Worker factory: spectra prepared lazily per dataset, tasks (dataset, mass index). */
export async function planRunner(args: { jobs: ScanJob[]; combine: boolean; perMass?: { dir: string; json: boolean; plots: boolean } }): Promise<{ run(t: PlanTask): Promise<PlanResult> }> {
  const prepared = new Map<number, Promise<PreparedDataset>>();
  const get = (d: number) => {
    let p = prepared.get(d);
    if (!p) prepared.set(d, (p = prepareDataset(args.jobs[d])));
    return p;
  };
  return {
    async run(t: PlanTask): Promise<PlanResult> {
      const job = args.jobs[t.d];
      const m = job.masses[t.i];
      let p: PreparedDataset;
      try {
        p = await get(t.d);
      } catch (e) {
        // An unreadable input becomes an error row at every mass of the dataset.
        const row = evaluateMassPointDetailed(job.dataset, { edges: new Float64Array(1), counts: new Float64Array(0), centres: new Float64Array(0) }, m, sigmaFunction(job.model ?? defaultModel(job.dataset))(m), { fRad: 1 }).row;
        row.error = (e as Error).message.replace(/[\r\n,]+/g, " ");
        return { row };
      }
      const { row, inputs } = p.evaluateAt(t.i);
      const out: PlanResult = { row };
      if (args.combine && inputs && row.ok && row.visibility !== "error") {
        out.window = { name: job.dataset, n: inputs.n, b: inputs.b, C: inputs.C, sUnit: inputs.w.map((w) => w * inputs.aPerEps2), x: inputs.blind.map((i) => p.spectrum.centres[i]) };
      }
      if (job.bands) {
        const sigma = p.sigma(m);
        // Bands with their own training exclusion (ul_bands_train_exclude_nsigma) need a new GP prediction.
        const k = job.bands.trainNSigma;
        const src: MassPointInputs | (() => MassPointInputs) = k !== undefined && k !== (job.options.trainNSigma ?? job.options.blindNSigma ?? 1.64)
          ? () => p.inputsAt(t.i, k)
          : inputs ?? (() => { throw new Error(row.error || "no GP prediction"); });
        out.band = await bandRow(job.dataset, t.i, m, sigma, job.options.alpha ?? 0.05, job.bands.nToys, job.bands.seed, src, job.bands.truncMethod);
      }
      if (args.perMass) await writePerMass(args.perMass, p, row, inputs);
      return out;
    },
  };
}

/** A block of `n` consecutive masses of dataset `d` from index `i`, run in order on one runner (warm starts, scan.ts WARM_SPAN). */
export interface PlanChunk {
  d: number;
  i: number;
  n: number;
}

/** Worker factory for blocks of masses: planRunner's runner, mass after mass. */
export async function planChunkRunner(args: Parameters<typeof planRunner>[0]): Promise<{ run(t: PlanChunk): Promise<PlanResult[]> }> {
  const r = await planRunner(args);
  return {
    async run(t: PlanChunk): Promise<PlanResult[]> {
      const out: PlanResult[] = [];
      for (let k = 0; k < t.n; k++) out.push(await r.run({ d: t.d, i: t.i + k }));
      return out;
    },
  };
}

/** A scan's per-mass folder: numbers.json, error.txt, figures (atomic writes without fsync: see writeFileAtomic). */
async function writePerMass(o: { dir: string; json: boolean; plots: boolean }, p: PreparedDataset, row: MassPointRow, inputs?: MassPointInputs): Promise<void> {
  const dir = join(o.dir, massTag(row.mass_GeV), row.dataset);
  mkdirSync(dir, { recursive: true });
  if (o.json) writeFileAtomic(join(dir, "numbers.json"), JSON.stringify(numbersJson(row), null, 1) + "\n", "", false);
  if (row.error) writeFileAtomic(join(dir, "error.txt"), row.error + "\n", "", false);
  if (o.plots && inputs) {
    const { writeMassPointFigures } = await import("./scan-plots.ts");
    await writeMassPointFigures(dir, p, row, inputs);
  } else if (o.json && inputs && row.ok) {
    // Without the images: the window figures' specs (no rendering) for the results browser.
    const { massPointFigures } = await import("./scan-plots.ts");
    const { SPEC_SUFFIX } = await import("../plot/render.ts");
    for (const f of massPointFigures(p, row, inputs, { full: false })) writeFileAtomic(join(dir, `${f.name}${SPEC_SUFFIX}`), JSON.stringify(f.spec), "", false);
  }
}

export interface CombineTask {
  mass: number;
  active: string[];
  windows: DatasetWindow[];
  failed: string[];
  expectedOnly: boolean;
  parts: { aHat: number; sigmaA: number; K: number }[];
}

/** Worker factory for the combination: one mass per task. */
export function combineRunner(args: { alpha: number }): { run(t: CombineTask): CombinedRow } {
  return { run: (t) => combineMass(t, args.alpha) };
}

export function combineMass(t: CombineTask, alpha: number): CombinedRow {
  const row: CombinedRow = {
    mass_GeV: t.mass, datasets: t.windows.map((w) => w.name).join("+") || t.active.join("+"), n_datasets: t.windows.length, eps2_up: NaN, p0_analytic: NaN, Z_analytic: NaN,
    cls_statistic: "tilde_q_mu", cls_calibration: "asymptotic", global_method: "sidak_approx", p0_global: NaN, Z_global: NaN, n_eff: NaN, eps2_hat: NaN, sigma_eps2: NaN,
    visibility: "error", error: "",
  };
  if (t.windows.length < 2) {
    row.error = `fewer than 2 datasets succeeded at this mass (active ${t.active.join("+")}; failed: ${t.failed.join("; ")})`.replace(/[\r\n,]+/g, " ");
    return row;
  }
  if (t.expectedOnly) {
    row.visibility = "expected_only";
    return row;
  }
  try {
    const r = combinedLimit(t.windows, alpha);
    row.eps2_up = r.eps2Up;
    row.p0_analytic = r.discovery.p0;
    row.Z_analytic = r.discovery.Z;
    const e = inverseVarianceEps2(t.parts);
    row.eps2_hat = e.eps2Hat;
    row.sigma_eps2 = e.sigma;
    row.visibility = "observed";
    if (!r.converged) { row.error = "combined limit did not converge"; row.visibility = "error"; }
  } catch (e) {
    row.error = (e as Error).message.replace(/[\r\n,]+/g, " ");
  }
  return row;
}

/**
 * The combination tasks of a grid (spec §8): at every mass where ≥ 2 datasets are active, the
 * windows of those whose single evaluation succeeded. `lookup(dataset, m)` gives that
 * dataset's result at m (row, and window when it succeeded). Shared by the scan and the SLURM merge.
 */
export function combineTasks(jobs: ScanJob[], grid: number[], lookup: (dataset: string, m: number) => { row: MassPointRow; window?: DatasetWindow | null } | undefined): CombineTask[] {
  const out: CombineTask[] = [];
  for (const m of grid) {
    const active = jobs.filter((j) => j.masses.includes(m));
    if (active.length < 2) continue;
    const t: CombineTask = { mass: m, active: active.map((j) => j.dataset), windows: [], failed: [], expectedOnly: false, parts: [] };
    for (const j of active) {
      const r = lookup(j.dataset, m);
      if (!r) { t.failed.push(`${j.dataset}: no result (missing)`); continue; }
      if (r.row.visibility === "expected_only") t.expectedOnly = true;
      if (r.window) {
        t.windows.push(r.window);
        t.parts.push({ aHat: r.row.A_hat, sigmaA: r.row.sigma_A, K: r.row.A_per_eps2 });
      } else t.failed.push(`${j.dataset}: ${r.row.error || r.row.visibility}`);
    }
    out.push(t);
  }
  return out;
}

/** Look-elsewhere for the combination (spec §9): N_eff over the combined masses with σ = min over the active datasets; in place. */
export function combinedLookElsewhere(jobs: ScanJob[], combined: CombinedRow[], blindNSigma: number): void {
  const sigs = jobs.map((j) => ({ j, s: sigmaFunction(j.model ?? defaultModel(j.dataset)) }));
  const sigmaAt = (m: number) => Math.min(...sigs.filter(({ j }) => m >= j.masses[0] - 1e-9 && m <= j.masses[j.masses.length - 1] + 1e-9).map(({ s }) => s(m)).concat(sigs.length ? [] : [NaN]));
  const nEff = effectiveTrials(combined.map((r) => r.mass_GeV), (m) => { const v = sigmaAt(m); return Number.isFinite(v) ? v : Math.min(...sigs.map(({ s }) => s(m))); }, blindNSigma);
  for (const r of combined) {
    r.n_eff = nEff;
    if (Number.isFinite(r.p0_analytic)) {
      r.p0_global = sidakGlobalP(r.p0_analytic, nEff);
      const zg = zFromP(r.p0_global, true);
      r.Z_global = Number.isFinite(zg) ? zg : NaN; // p underflowing to 0 is no Z = ∞ (issue #22)
    }
  }
}

export interface ScanOutcome {
  single: Map<string, ScanRow[]>;
  combined: CombinedRow[];
  bands: Map<string, BandRow[]>;
  /** The per-dataset windows entering the combination at each mass (n, b, C, K·w). */
  windows: Map<number, DatasetWindow[]>;
  /** ul_bands_combined_all.csv rows (config do_combined_bands). */
  combinedBands: CombinedBandRow[];
  seconds: number;
  files: string[];
}

/**
 * Run the plan: single scans, combination, look-elsewhere, files. The mass points, the
 * combination and the combined bands run on `executor` (default: this thread; the CLI passes
 * src/batch's worker pool); the outcome is the same whatever runs them.
 */
export async function runScanPlan(plan: ScanPlan, o: { executor?: TaskExecutor; onProgress?: (done: number, total: number) => void; write?: boolean } = {}): Promise<ScanOutcome> {
  const t0 = performance.now();
  const exec = o.executor ?? inThread;
  // Tasks are blocks of consecutive masses of one dataset, aligned to the warm-start blocks
  // (scan.ts WARM_SPAN; one mass per task without warm starts), so that a block's anchor is
  // fitted once, by the runner of its block. Datasets are interleaved by mass so that every
  // worker sees a mix of cheap and expensive fits.
  const spans = plan.jobs.map(warmSpan);
  const chunks: PlanChunk[] = [];
  const maxN = Math.max(0, ...plan.jobs.map((j) => j.masses.length));
  for (let i = 0; i < maxN; i++) {
    for (let d = 0; d < plan.jobs.length; d++) {
      const n = plan.jobs[d].masses.length;
      if (i < n && i % spans[d] === 0) chunks.push({ d, i, n: Math.min(spans[d], n - i) });
    }
  }
  const tasks: PlanTask[] = chunks.flatMap((c) => Array.from({ length: c.n }, (_, k) => ({ d: c.d, i: c.i + k })));
  const combine = plan.doCombined && plan.jobs.length >= 2;
  // The per-dataset windows are kept for the combination and for the combined bands.
  const keepWindows = combine || !!plan.combinedBands;
  let done = 0;
  const total = tasks.length;
  const results = (await exec.run<PlanChunk, PlanResult[]>(
    { module: new URL("./scan-plan.ts", import.meta.url).href, factory: "planChunkRunner", args: { jobs: plan.jobs, combine: keepWindows, perMass: plan.perMass.folders && o.write !== false ? { dir: plan.outputDir, json: plan.perMass.json, plots: plan.perMass.plots } : undefined } },
    chunks, (c) => { for (let k = 0; k < chunks[c].n; k++) o.onProgress?.(++done, total); })).flat();
  const byDataset = new Map<string, { row: MassPointRow; window?: DatasetWindow; band?: BandRow }[]>();
  tasks.forEach((t, k) => {
    const key = plan.jobs[t.d].dataset;
    if (!byDataset.has(key)) byDataset.set(key, []);
    byDataset.get(key)!.push(results[k]);
  });
  const single = new Map<string, ScanRow[]>();
  const bands = new Map<string, BandRow[]>();
  for (const job of plan.jobs) {
    const res = (byDataset.get(job.dataset) ?? []).sort((a, b) => a.row.mass_GeV - b.row.mass_GeV);
    const sig = sigmaFunction(job.model ?? defaultModel(job.dataset));
    single.set(job.dataset, withGlobal(res.map((r) => r.row), job.dataset, plan.blindNSigma, sig));
    const b = res.map((r) => r.band).filter((x): x is BandRow => !!x);
    if (b.length) bands.set(job.dataset, b);
  }
  // Combination at every grid mass where ≥ 2 datasets are active.
  let combined: CombinedRow[] = [];
  const windows = new Map<number, DatasetWindow[]>();
  if (combine) {
    const ctasks = combineTasks(plan.jobs, plan.grid, (d, m) => byDataset.get(d)?.find((x) => x.row.mass_GeV === m));
    for (const t of ctasks) windows.set(t.mass, t.windows);
    combined = await exec.run<CombineTask, CombinedRow>({ module: new URL("./scan-plan.ts", import.meta.url).href, factory: "combineRunner", args: { alpha: plan.alpha } }, ctasks);
    combinedLookElsewhere(plan.jobs, combined, plan.blindNSigma);
  }
  let combinedBands: CombinedBandRow[] = [];
  if (plan.combinedBands) {
    const btasks: CombinedBandTask[] = [];
    plan.grid.forEach((m, index) => {
      const active = plan.jobs.filter((j) => j.masses.includes(m));
      const hits = active.map((j) => ({ j, r: byDataset.get(j.dataset)!.find((x) => x.row.mass_GeV === m)! }));
      const ok = hits.filter((h) => h.r.window);
      if (ok.length === 0) return;
      btasks.push({
        mass: m, index, windows: ok.map((h) => h.r.window!), sigmas: ok.map((h) => h.r.row.sigma_mass_res_GeV),
        observedVisible: ok.length === hits.length && hits.every((h) => h.r.row.visibility === "observed"),
      });
    });
    const cb = plan.combinedBands;
    combinedBands = await exec.run<CombinedBandTask, CombinedBandRow>(
      { module: new URL("./combined-bands.ts", import.meta.url).href, factory: "combinedBandsRunner", args: { nToys: cb.nToys, seed: cb.seed, alpha: plan.alpha, truncMethod: cb.truncMethod } },
      btasks);
  }
  const seconds = (performance.now() - t0) / 1000;
  if (o.write === false) return { single, combined, bands, combinedBands, windows, seconds, files: [] };
  const files = writeTables(plan, single, combined, bands, combinedBands);
  if (plan.perMass.folders && plan.perMass.plots && combined.length) {
    const { writeCombinedSummary } = await import("./scan-plots.ts");
    const cl = `${Math.round((1 - plan.alpha) * 100)}% CL`;
    for (const r of combined) {
      const w = windows.get(r.mass_GeV);
      if (!w || w.length < 2) continue;
      const dir = join(plan.outputDir, massTag(r.mass_GeV), "combined");
      mkdirSync(dir, { recursive: true });
      files.push(...(await writeCombinedSummary(dir, r, w, cl)));
    }
  }
  if (plan.savePlots) {
    const { writeSummaryPlots } = await import("./scan-plots.ts");
    files.push(...(await writeSummaryPlots(plan, single, combined, bands, combinedBands)));
  }
  return { single, combined, bands, combinedBands, windows, seconds, files };
}

function writeTables(plan: ScanPlan, single: Map<string, ScanRow[]>, combined: CombinedRow[], bands: Map<string, BandRow[]>, combinedBands: CombinedBandRow[]): string[] {
  mkdirSync(plan.outputDir, { recursive: true });
  const files: string[] = [];
  const put = (name: string, text: string) => {
    const p = join(plan.outputDir, name);
    writeFileAtomic(p, text); // temp + rename: an interrupted run never leaves half a table
    files.push(p);
  };
  // Sorted by dataset, then mass (spec §10).
  const all = [...single.keys()].sort().flatMap((d) => single.get(d)!);
  put("results_single.csv", toCsv(all));
  if (plan.doCombined && plan.jobs.length >= 2) {
    const text = csvText(COMBINED_COLUMNS, combined as unknown as Record<string, unknown>[]);
    put("results_combined.csv", text);
    put("combined.csv", text);
    if (plan.perMass.folders && plan.perMass.json) {
      for (const r of combined) {
        const dir = join(plan.outputDir, massTag(r.mass_GeV), "combined");
        mkdirSync(dir, { recursive: true });
        const f = (v: number) => (Number.isFinite(v) ? v : null);
        writeFileAtomic(join(dir, "numbers.json"), JSON.stringify({
          mass_GeV: r.mass_GeV, datasets: r.datasets, n_datasets: r.n_datasets, eps2_up: f(r.eps2_up), p0_analytic: f(r.p0_analytic), Z_analytic: f(r.Z_analytic),
          p0_global: f(r.p0_global), Z_global: f(r.Z_global), eps2_hat: f(r.eps2_hat), sigma_eps2: f(r.sigma_eps2),
          cls_statistic: r.cls_statistic, cls_calibration: r.cls_calibration, global_method: r.global_method, visibility: r.visibility, ...(r.error ? { error: r.error } : {}),
        }, null, 1) + "\n");
      }
    }
  }
  for (const [d, rows] of bands) put(`ul_bands_${d}.csv`, bandsCsv(rows));
  if (plan.combinedBands) put("ul_bands_combined_all.csv", csvText(COMBINED_BAND_COLUMNS, combinedBands.map(combinedBandRecord)));
  return files;
}
