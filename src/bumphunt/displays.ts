// Displays and projections of hps_gpr §13: the observed fit at one mass (observed-display),
// one injected pseudo-experiment per (mass, strength) with its extraction (extract-display),
// and the projected ε² reach for larger data sets (project-eps2-reach).
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../io/errors.ts";
import { Rng } from "../math/rng.ts";
import { writeFigure } from "../plot/render.ts";
import { refitInputs, withCounts, fullRangeToyCounts } from "./full-toys.ts";
import { windowLimit } from "./limits.ts";
import { evaluateMassPointDetailed, massPointInputs, type MassPointInputs, type MassPointRow } from "./mass-point.ts";
import { extract, injectSignal, pointSeed, sigmaARef, type InjectMode } from "./injection.ts";
import type { PreparedDataset } from "./scan.ts";
import type { Spectrum } from "./spectrum.ts";
import { cellNum, type CsvRow } from "../io/csv.ts";
import { naturalCompare } from "./study-io.ts";
import { spectrumDisplayPlot } from "./study-plots.ts";
import { WindowLikelihood } from "./window-likelihood.ts";
import { linePlot } from "../plot/charts.ts";
import type { DatasetWindow } from "./combine.ts";
import { combineMass, massTag, type CombinedRow } from "./scan-plan.ts";
import { combinedLimit, inverseVarianceEps2 } from "./combine.ts";
import { HEP_CONFIG } from "../plot/style.ts";

export { massTag };
import { writeCombinedSummary } from "./scan-plots.ts";


interface FigureInput {
  dataset: string;
  m: number;
  sigma: number;
  kB: number;
  sp: Spectrum;
  x: MassPointInputs;
  /** Counts shown (observed or toy) over the full range. */
  y: ArrayLike<number>;
  /** Background mean over the full range (GP of the fit) and window (b, C). */
  muFull: ArrayLike<number>;
  b: ArrayLike<number>;
  C: ArrayLike<number>;
  curves: { name: string; A: number; dashed?: boolean }[];
  title: string;
  /** Blinded dataset (data_visibility expected_only): no data in the blind window, no window figure. */
  blinded?: boolean;
}

/**
 * Spectrum bins drawn as data in the context figure: those within ±10σ of m, without the blind
 * window's bins when the dataset is blinded.
 */
export function contextBins(centres: ArrayLike<number>, m: number, sigma: number, blind: readonly number[] | null): number[] {
  const hidden = new Set(blind ?? []);
  const out: number[] = [];
  for (let i = 0; i < centres.length; i++) if (centres[i] >= m - 10 * sigma && centres[i] <= m + 10 * sigma && !hidden.has(i)) out.push(i);
  return out;
}

/** Context (counts around the mass, log scale) and zoom (window residuals n − b) figures. */
async function displayFigures(f: FigureInput, stem: (what: string) => string): Promise<string[]> {
  const { sp, x, m, sigma } = f;
  const idx = contextBins(sp.centres, m, sigma, null);
  const dataIdx = contextBins(sp.centres, m, sigma, f.blinded ? x.blind : null);
  const mev = (v: number) => 1000 * v;
  const shade = { lo: mev(m - f.kB * sigma), hi: mev(m + f.kB * sigma), label: `blind window ±${f.kB}σ` };
  const out: string[] = [];
  out.push(...await writeFigure(spectrumDisplayPlot({
    title: f.title, xTitle: "m(e⁺e⁻) [MeV]", yTitle: "events / bin", log: true, shade,
    points: { name: f.blinded ? "data (blind window withheld)" : "data", x: dataIdx.map((i) => mev(sp.centres[i])), y: dataIdx.map((i) => f.y[i]), err: dataIdx.map((i) => Math.sqrt(Math.max(f.y[i], 1))) },
    lines: [{ name: "GP background", x: idx.map((i) => mev(sp.centres[i])), y: idx.map((i) => f.muFull[i]) },
      ...f.curves.map((c) => ({ name: `GP + ${c.name}`, x: idx.map((i) => mev(sp.centres[i])), y: idx.map((i) => f.muFull[i] + c.A * x.wFull[i]), dashed: c.dashed }))],
  }), stem("context")));
  if (f.blinded) return out;
  const wx = x.blind.map((i) => mev(sp.centres[i]));
  out.push(...await writeFigure(spectrumDisplayPlot({
    title: `${f.title}: window residuals`, xTitle: "m(e⁺e⁻) [MeV]", yTitle: "data − GP background [events / bin]", hlines: [0],
    points: { name: "data − b (±√(n + C_ii))", x: wx, y: x.blind.map((i, k) => f.y[i] - f.b[k]), err: x.blind.map((i, k) => Math.sqrt(Math.max(f.y[i], 1) + Math.max(f.C[k * x.blind.length + k], 0))) },
    lines: f.curves.map((c) => ({ name: c.name, x: wx, y: x.w.map((wv) => c.A * wv), dashed: c.dashed })),
  }), stem("zoom")));
  return out;
}

/** The per-mass numbers of observed-display: those of the scan row (MassPointRow), σ(m), files. */
export interface ObservedDisplay extends Pick<MassPointRow,
  "dataset" | "mass_GeV" | "A_hat" | "sigma_A" | "A_up" | "eps2_up" | "p0_analytic" | "Z_analytic" | "integral_density" | "A_per_eps2" | "n_blind_bins" | "gp_kernel" | "ok" | "error"> {
  sigma_val: number;
  /** True for a blinded dataset (data_visibility expected_only): observed numbers and window data withheld. */
  blinded: boolean;
  files: string[];
}

/** observed-display: the per-mass fit on the observed spectrum, with figures and JSON. */
export async function observedDisplay(p: PreparedDataset, m: number, outDir: string): Promise<ObservedDisplay> {
  return (await observedDisplayWithInputs(p, m, outDir)).display;
}

async function observedDisplayWithInputs(p: PreparedDataset, m: number, outDir: string): Promise<{ display: ObservedDisplay; inputs?: MassPointInputs; blinded: boolean }> {
  const d = p.job.dataset;
  const { row, inputs } = evaluateMassPointDetailed(d, p.spectrum, m, p.sigma(m), p.optionsAt(m));
  const dir = join(outDir, massTag(m));
  mkdirSync(dir, { recursive: true });
  const res: ObservedDisplay = {
    dataset: d, mass_GeV: m, sigma_val: row.sigma_mass_res_GeV, A_hat: row.A_hat, sigma_A: row.sigma_A, A_up: row.A_up, eps2_up: row.eps2_up, p0_analytic: row.p0_analytic,
    Z_analytic: row.Z_analytic, integral_density: row.integral_density, A_per_eps2: row.A_per_eps2, n_blind_bins: row.n_blind_bins, gp_kernel: row.gp_kernel, ok: row.ok, error: row.error,
    blinded: row.visibility === "expected_only", files: [],
  };
  if (inputs) {
    const kB = p.job.options.blindNSigma ?? 1.64;
    const title = res.blinded
      ? `HPS ${d} (blinded: data_visibility expected_only), m = ${(1000 * m).toFixed(1)} MeV: sidebands and GP background`
      : `HPS ${d} observed, m = ${(1000 * m).toFixed(1)} MeV: Â = ${row.A_hat.toFixed(0)} ± ${row.sigma_A.toFixed(0)}, A_up = ${row.A_up.toFixed(0)}, Z = ${row.Z_analytic.toFixed(2)}`;
    const curves = res.blinded ? [] : [{ name: "Â·template", A: row.A_hat }, { name: "A_up·template (95% CL)", A: row.A_up, dashed: true }];
    res.files = await displayFigures({ dataset: d, m, sigma: p.sigma(m), kB, sp: p.spectrum, x: inputs, y: p.spectrum.counts, muFull: inputs.muFull, b: inputs.b, C: inputs.C,
      curves, title, blinded: res.blinded }, (w) => join(dir, `observed_${w}_${d}`));
  }
  const json = join(dir, `observed_display_${d}.json`);
  writeFileSync(json, JSON.stringify({ ...res, files: undefined }, null, 2) + "\n");
  res.files.push(json);
  return { display: res, inputs: inputs && row.ok && row.visibility !== "error" ? inputs : undefined, blinded: row.visibility === "expected_only" };
}

/**
 * observed-display with several datasets at one mass: each dataset's display, then the
 * combination (spec §8: shared-ε² likelihood limit and p0, display-level ε̂² ± σ) written as
 * observed_display_combined.{png,json} under mXXXMeV/ (the figure: every window as data / b).
 */
export async function observedDisplays(ps: PreparedDataset[], m: number, outDir: string, alpha = 0.05): Promise<{ single: ObservedDisplay[]; combined?: CombinedRow & { files: string[] } }> {
  const single: ObservedDisplay[] = [];
  const windows: DatasetWindow[] = [];
  const parts: { aHat: number; sigmaA: number; K: number }[] = [];
  let blinded = false;
  for (const p of ps) {
    const { display, inputs, blinded: b } = await observedDisplayWithInputs(p, m, outDir);
    blinded ||= b;
    single.push(display);
    if (inputs) {
      windows.push({ name: display.dataset, n: inputs.n, b: inputs.b, C: inputs.C, sUnit: inputs.w.map((w) => w * inputs.aPerEps2), x: inputs.blind.map((i) => p.spectrum.centres[i]) });
      parts.push({ aHat: display.A_hat, sigmaA: display.sigma_A, K: display.A_per_eps2 });
    }
  }
  if (ps.length < 2) return { single };
  const failed = single.filter((d) => !windows.some((w) => w.name === d.dataset)).map((d) => `${d.dataset}: ${d.error || "no fit"}`);
  // A blinded (expected_only) dataset blinds the combination too, as in the scan (spec §3).
  const row = combineMass({ mass: m, active: ps.map((p) => p.job.dataset), windows, failed, expectedOnly: blinded, parts }, alpha);
  const dir = join(outDir, massTag(m));
  const files = windows.length >= 2 && !blinded ? await writeCombinedSummary(dir, row, windows, `${Math.round((1 - alpha) * 100)}% CL`, "observed_display_combined") : [];
  const json = join(dir, "observed_display_combined.json");
  writeFileSync(json, JSON.stringify(row, (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? null : v), 2) + "\n");
  files.push(json);
  return { single, combined: { ...row, files } };
}

export interface ExtractDisplayOptions {
  z: number;
  /** Injected yield; default z·σ_A,ref (the combined display sets A_inj,d = K_d·ε²_inj). */
  aInj?: number;
  seed: number;
  injectMode: InjectMode;
  refit: boolean;
  restarts: number;
  trainNSigma?: number;
  /** Background counts over the full range (a functional-form toy); default Poisson(μ_full). */
  background?: { counts: Float64Array; label: string };
}

export interface ExtractDisplay {
  dataset: string;
  mass_GeV: number;
  z_inj: number;
  sigmaA_ref: number;
  A_inj: number;
  A_obs_up: number;
  A_hat: number;
  sigma_A: number;
  Zhat: number;
  pull: number;
  Nsig_full: number;
  Nsig_win: number;
  refit_ok: boolean;
  background: string;
  seed: number;
  success: boolean;
  error: string;
  files: string[];
}

/** extract-display: one injected pseudo-experiment at (mass, z·σ_A,ref), extracted and drawn. */
export async function extractDisplay(p: PreparedDataset, m: number, o: ExtractDisplayOptions, outDir: string): Promise<ExtractDisplay> {
  const d = p.job.dataset, sigma = p.sigma(m);
  const x = massPointInputs(p.spectrum, m, sigma, p.optionsAt(m, o.trainNSigma));
  const sRef = sigmaARef(x.b, x.C, x.w);
  // A blinded dataset (data_visibility expected_only) shows no observed limit.
  const aObs = p.job.options.visibility === "expected_only" ? NaN : windowLimit(new WindowLikelihood({ n: x.n, b: x.b, C: x.C, w: x.w }), { maxIter: 60, clsTol: 1e-8 }).limit;
  const aInj = o.aInj ?? o.z * sRef;
  const seed = pointSeed(o.seed, d, m, aInj);
  const rng = new Rng(seed);
  const bkg = o.background?.counts ?? fullRangeToyCounts(x.muFull, "poisson", 0, rng);
  const sig = injectSignal(x.wFull, aInj, o.injectMode, rng);
  const y = Float64Array.from(bkg, (v, i) => v + sig[i]);
  const n = x.blind.map((i) => Math.round(y[i]));
  let fitX = x, refitOk = !o.refit, error = "";
  if (o.refit) {
    try {
      fitX = refitInputs(p, withCounts(p.spectrum, y), m, { restarts: o.restarts, trainNSigma: o.trainNSigma });
      refitOk = true;
    } catch (e) {
      error = `refit failed (nominal background used): ${(e as Error).message}`;
    }
  }
  const r = extract(new WindowLikelihood({ n, b: fitX.b, C: fitX.C, w: x.w }), n, aInj);
  let nWin = 0, nFull = 0;
  for (let i = 0; i < sig.length; i++) nFull += sig[i];
  for (const i of x.blind) nWin += sig[i];
  const tag = `${d}_${massTag(m)}_z${String(o.z).replace(".", "p")}`;
  mkdirSync(outDir, { recursive: true });
  const res: ExtractDisplay = {
    dataset: d, mass_GeV: m, z_inj: o.z, sigmaA_ref: sRef, A_inj: aInj, A_obs_up: aObs, A_hat: r.aHat, sigma_A: r.sigmaA, Zhat: r.zHat, pull: r.pull, Nsig_full: nFull, Nsig_win: nWin,
    refit_ok: refitOk, background: o.background?.label ?? "Poisson(GP mean)", seed, success: r.success, error: error || (r.error ?? ""), files: [],
  };
  const title = `HPS ${d} toy, m = ${(1000 * m).toFixed(1)} MeV: injected ${o.z}σ_A,ref (A = ${aInj.toFixed(0)}), Â = ${r.aHat.toFixed(0)} ± ${r.sigmaA.toFixed(0)} (Ẑ = ${r.zHat.toFixed(2)})`;
  res.files = await displayFigures({ dataset: d, m, sigma, kB: p.job.options.blindNSigma ?? 1.64, sp: p.spectrum, x, y, muFull: fitX.muFull, b: fitX.b, C: fitX.C,
    curves: [{ name: "injected A·template", A: aInj, dashed: true }, { name: "Â·template", A: r.aHat }], title }, (w) => join(outDir, `extract_display_${tag}_${w}`));
  const json = join(outDir, `extract_display_${tag}.json`);
  writeFileSync(json, JSON.stringify({ ...res, files: undefined }, null, 2) + "\n");
  res.files.push(json);
  return res;
}

export interface CombinedExtractDisplay {
  mass_GeV: number;
  z_inj: number;
  datasets: string;
  sigma_eps2: number;
  eps2_inj: number;
  eps2_hat: number;
  sigma_eps2_hat: number;
  pull: number;
  Zhat: number;
  eps2_obs_up: number;
  per_dataset: ExtractDisplay[];
  /** Datasets left out because their nominal prediction failed, with the error. */
  failed: string[];
  files: string[];
}

/**
 * Combined extract-display (spec §13): σ_ε² = (Σ K_d²/σ²_A,ref,d)^−½, ε²_inj = z·σ_ε², each
 * dataset injected with A_inj,d = K_d·ε²_inj and extracted as in the single display; the
 * display-level combined estimate ε̂² ± σ (§8, inverse variance of Â_d/K_d), its pull and Ẑ,
 * and the combined observed ε² upper limit of the shared-ε² likelihood.
 */
export async function extractDisplayCombined(ps: PreparedDataset[], m: number, o: ExtractDisplayOptions, outDir: string, alpha = 0.05): Promise<CombinedExtractDisplay> {
  // A dataset whose nominal GP prediction fails at m is left out (and named in `failed`).
  const failed: string[] = [];
  const ctx = ps.flatMap((p) => {
    try {
      const x = massPointInputs(p.spectrum, m, p.sigma(m), p.optionsAt(m, o.trainNSigma));
      return [{ p, x, sRef: sigmaARef(x.b, x.C, x.w), K: x.aPerEps2 }];
    } catch (e) {
      failed.push(`${p.job.dataset}: ${(e as Error).message}`);
      return [];
    }
  });
  if (ctx.length === 0) throw new Error(`no dataset has a GP prediction at ${m} GeV: ${failed.join("; ")}`);
  let info = 0;
  for (const c of ctx) info += (c.K * c.K) / (c.sRef * c.sRef);
  const sigmaEps2 = 1 / Math.sqrt(info), eps2Inj = o.z * sigmaEps2;
  const per: ExtractDisplay[] = [];
  for (const c of ctx) per.push(await extractDisplay(c.p, m, { ...o, aInj: c.K * eps2Inj }, outDir));
  const ok = per.map((r, k) => ({ r, K: ctx[k].K })).filter(({ r }) => r.success && r.sigma_A > 0);
  const est = ok.length ? inverseVarianceEps2(ok.map(({ r, K }) => ({ aHat: r.A_hat, sigmaA: r.sigma_A, K }))) : { eps2Hat: NaN, sigma: NaN };
  const windows: DatasetWindow[] = ctx.map((c) => ({ name: c.p.job.dataset, n: c.x.n, b: c.x.b, C: c.x.C, sUnit: c.x.w.map((w) => w * c.K) }));
  let obsUp = NaN;
  try {
    if (ctx.every((c) => c.p.job.options.visibility !== "expected_only")) obsUp = combinedLimit(windows, alpha).eps2Up;
  } catch {
    obsUp = NaN;
  }
  const res: CombinedExtractDisplay = {
    mass_GeV: m, z_inj: o.z, datasets: ctx.map((c) => c.p.job.dataset).join("+"), sigma_eps2: sigmaEps2, eps2_inj: eps2Inj,
    eps2_hat: est.eps2Hat, sigma_eps2_hat: est.sigma, pull: (est.eps2Hat - eps2Inj) / est.sigma, Zhat: est.eps2Hat / est.sigma, eps2_obs_up: obsUp,
    per_dataset: per, failed, files: per.flatMap((r) => r.files),
  };
  const tag = `combined_${massTag(m)}_z${String(o.z).replace(".", "p")}`;
  const fig = await writeFigure(errorBarPlotCombined(res), join(outDir, `extract_display_${tag}`));
  res.files.push(...fig);
  const json = join(outDir, `extract_display_${tag}.json`);
  writeFileSync(json, JSON.stringify({ ...res, per_dataset: per.map((r) => ({ ...r, files: undefined })), files: undefined }, (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? null : v), 2) + "\n");
  res.files.push(json);
  return res;
}

/** Per-dataset Â_d/K_d ± σ_A,d/K_d and the combined ε̂² ± σ against the injected ε² (categorical x). */
function errorBarPlotCombined(r: CombinedExtractDisplay): Record<string, unknown> {
  const K = (d: ExtractDisplay) => d.A_inj / r.eps2_inj;
  const values = [
    ...r.per_dataset.map((d) => ({ what: `HPS ${d.dataset}`, y: d.A_hat / K(d), lo: (d.A_hat - d.sigma_A) / K(d), hi: (d.A_hat + d.sigma_A) / K(d) })),
    { what: "combined", y: r.eps2_hat, lo: r.eps2_hat - r.sigma_eps2_hat, hi: r.eps2_hat + r.sigma_eps2_hat },
  ].filter((v) => [v.y, v.lo, v.hi].every(Number.isFinite));
  const x = { field: "what", type: "nominal", title: null, sort: null, axis: { labelAngle: 0 } };
  const yTitle = "extracted ε̂² (Â_d / K_d) ± 1σ";
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json", config: HEP_CONFIG, width: 420, height: 300,
    title: `m = ${(1000 * r.mass_GeV).toFixed(1)} MeV, injected ${r.z_inj}σ: ε² = ${r.eps2_inj.toExponential(2)}; combined ε̂² = ${r.eps2_hat.toExponential(2)} ± ${r.sigma_eps2_hat.toExponential(2)}`,
    layer: [
      { data: { values: [{ y: r.eps2_inj }] }, mark: { type: "rule", color: "#d62728", strokeDash: [6, 4] }, encoding: { y: { field: "y", type: "quantitative" } } },
      { data: { values: [{ y: 0 }] }, mark: { type: "rule", color: "gray", strokeDash: [3, 3] }, encoding: { y: { field: "y", type: "quantitative" } } },
      { data: { values }, mark: { type: "rule", color: "#1f77b4" }, encoding: { x, y: { field: "lo", type: "quantitative", title: yTitle }, y2: { field: "hi" } } },
      { data: { values }, mark: { type: "point", filled: true, size: 60, color: "#1f77b4" }, encoding: { x, y: { field: "y", type: "quantitative", title: yTitle } } },
      { data: { values: [{ y: r.eps2_inj }] }, mark: { type: "text", align: "right", baseline: "bottom", dx: -4, dy: -2, x: "width", color: "#d62728", fontSize: 11 }, encoding: { y: { field: "y", type: "quantitative" }, text: { value: "injected" } } },
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// project-eps2-reach

const BAND_ALIASES: Record<string, string[]> = {
  obs: ["eps2_obs", "ul_eps2_obs", "eps2_up"],
  lo2: ["eps2_lo2", "toy_eps2_uls_q02"],
  lo1: ["eps2_lo1", "toy_eps2_uls_q16"],
  med: ["eps2_med", "toy_eps2_uls_q50"],
  hi1: ["eps2_hi1", "toy_eps2_uls_q84"],
  hi2: ["eps2_hi2", "toy_eps2_uls_q97"],
  mean: ["eps2_mean", "toy_eps2_uls_mean"],
};

export interface ReachResult {
  columns: string[];
  rows: Record<string, number>[];
  bands: string[];
  datasets: string[];
}

/**
 * Projected ε² reach (spec §13): per mass and band column, current = (Σ_d v_d⁻²)^(−1/2),
 * projected = (Σ_d S_d v_d⁻²)^(−1/2), per-dataset projected v_d/√S_d. Mass in GeV or MeV
 * (auto-detected: values above 1 are MeV).
 */
export function projectReach(rows: CsvRow[], columns: string[], scales: Record<string, number>, file = ""): ReachResult {
  const mcol = ["mass_GeV", "mass", "mass_MeV", "m"].find((c) => columns.includes(c));
  if (!mcol) throw new InputError(file, "mass_GeV", "no mass column (mass_GeV, mass or mass_MeV)");
  const bands = Object.entries(BAND_ALIASES).filter(([, al]) => al.some((a) => columns.includes(a)));
  if (bands.length === 0) throw new InputError(file, "eps2_med", `no ε² band column (${Object.values(BAND_ALIASES).map((a) => a[0]).join(", ")} or aliases)`);
  const dcol = columns.includes("dataset") ? "dataset" : null;
  const masses = rows.map((r) => cellNum(r[mcol]));
  const isMeV = mcol === "mass_MeV" || Math.max(...masses.filter(Number.isFinite)) > 1;
  const byMass = new Map<number, CsvRow[]>();
  rows.forEach((r, i) => {
    const m = Math.round((isMeV ? masses[i] / 1000 : masses[i]) * 1e9) / 1e9;
    if (!Number.isFinite(m)) return;
    if (!byMass.has(m)) byMass.set(m, []);
    byMass.get(m)!.push(r);
  });
  const datasets = [...new Set(rows.map((r) => (dcol ? r[dcol] : "data")))].sort(naturalCompare);
  const out: Record<string, number>[] = [];
  for (const m of [...byMass.keys()].sort((a, b) => a - b)) {
    const rec: Record<string, number> = { mass_GeV: m };
    for (const [band, al] of bands) {
      const col = al.find((a) => columns.includes(a))!;
      let cur = 0, proj = 0;
      for (const r of byMass.get(m)!) {
        const d = dcol ? r[dcol] : "data";
        const v = cellNum(r[col]);
        const S = scales[d] ?? 1;
        rec[`lumi_scale_${d}`] = S;
        rec[`${band}_${d}`] = v;
        rec[`projected_${band}_${d}`] = v / Math.sqrt(S);
        if (v > 0 && Number.isFinite(v)) { cur += 1 / (v * v); proj += S / (v * v); }
      }
      rec[`current_${band}`] = cur > 0 ? 1 / Math.sqrt(cur) : NaN;
      rec[`projected_${band}`] = proj > 0 ? 1 / Math.sqrt(proj) : NaN;
    }
    out.push(rec);
  }
  const cols = ["mass_GeV"];
  for (const [band] of bands) {
    for (const d of datasets) cols.push(`${band}_${d}`, `projected_${band}_${d}`);
    cols.push(`current_${band}`, `projected_${band}`);
  }
  for (const d of datasets) cols.push(`lumi_scale_${d}`);
  for (const r of out) for (const c of cols) if (!(c in r)) r[c] = NaN;
  return { columns: cols, rows: out, bands: bands.map(([b]) => b), datasets };
}

/** The reach figure: current and projected combined curves of the median (or observed) band, per-dataset projections dashed. */
export async function reachFigure(r: ReachResult, base: string): Promise<string[]> {
  const band = r.bands.includes("med") ? "med" : r.bands[0];
  const x = r.rows.map((row) => 1000 * row.mass_GeV);
  const series = [
    { name: `current combined (${band})`, x, y: r.rows.map((row) => row[`current_${band}`]) },
    { name: `projected combined (${band})`, x, y: r.rows.map((row) => row[`projected_${band}`]) },
    ...r.datasets.map((d) => ({ name: `${d} × ${r.rows.find((row) => Number.isFinite(row[`lumi_scale_${d}`]))?.[`lumi_scale_${d}`] ?? 1}`, x, y: r.rows.map((row) => row[`projected_${band}_${d}`]), dashed: true })),
  ];
  return writeFigure(linePlot({ series, x: { title: "m(A') [MeV]" }, y: { title: "ε² upper limit (95% CL)", log: true }, title: "Projected ε² reach" }), base);
}
