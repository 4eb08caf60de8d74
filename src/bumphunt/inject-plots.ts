// inject-plot (spec §12.9): merge inj_extract_toys_* / inj_extract_summary_* files of one or
// more injection runs (dataset token = file-name part before "__"), de-duplicate toys on
// (dataset, mass, strength, toy), re-summarise, and draw linearity, bias, pull width,
// coverage, pull vs mass, pull mean/width heat maps, pull histograms (with a KS normality
// p-value) and the Ẑ calibration residual.
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../io/errors.ts";
import { normalCdf } from "../math/special.ts";
import { writeFigure } from "../plot/render.ts";
import { linePlot } from "../plot/charts.ts";
import { PointAccumulator, SUMMARY_COLUMNS, type SummaryRecord } from "./inject-study.ts";
import { cellBool, cellNum, csvRows, readCsv, type CsvRow } from "../io/csv.ts";
import { naturalCompare, requireColumns } from "./study-io.ts";
import { errorBarPlot, heatmapPlot, histogramPlot } from "./study-plots.ts";
import { combineInjectionToys, constituentRequirement, defaultScenarios, scenarioZ, type CombinedMassPolicy, type InjToyRecord } from "./inject-combined.ts";

export interface LoadedInjection {
  summaries: SummaryRecord[];
  /** Pulls per (dataset, mass, strength) key, for histograms. */
  pulls: Map<string, { dataset: string; mass: number; tag: string; inj: number; pulls: number[] }>;
  n_toy_rows: number;
  n_duplicates: number;
  files: string[];
  /** The combined toy records (§12.8), recomputed when two or more datasets are loaded. */
  combinedToys: InjToyRecord[];
}

const key = (d: string, m: number, s: number) => `${d}|${m}|${s}`;

/** Read every injection CSV in `dir` (optionally only some datasets) and re-summarise from toys. */
export function loadInjection(dir: string, datasets: string[] = [], combinedPolicy?: { policy: CombinedMassPolicy; minContrib: number }): LoadedInjection {
  let names: string[];
  try {
    names = readdirSync(dir).sort(naturalCompare);
  } catch {
    throw new InputError(dir, "--input-dir", "folder not found (give the inject --output-dir or its injection_extraction folder)");
  }
  const toyFiles = names.filter((f) => /^inj_extract_toys_.*\.csv$/.test(f));
  const sumFiles = names.filter((f) => /^inj_extract_summary_.*\.csv$/.test(f) && f !== "inj_extract_summary_all.csv" && f !== "inj_extract_summary_merged.csv");
  const token = (f: string, prefix: string) => f.slice(prefix.length).replace(/\.csv$/, "").split("__")[0];
  const keep = (d: string) => datasets.length === 0 || datasets.includes(d);
  const acc = new Map<string, PointAccumulator>();
  const pulls: LoadedInjection["pulls"] = new Map();
  const seen = new Set<string>();
  const records: InjToyRecord[] = [];
  let rows = 0, dups = 0;
  for (const f of toyFiles) {
    const t = readCsv(join(dir, f));
    requireColumns(join(dir, f), t.columns, ["dataset", "mass_GeV", "toy", "strength", "A_hat", "sigma_A", "pull_param", "Zhat", "success", "sigmaA_ref", "inj_nsigma"]);
    for (const r of t.rows) {
      const d = r.dataset || token(f, "inj_extract_toys_");
      const m = cellNum(r.mass_GeV), s = cellNum(r.strength);
      const id = `${key(d, m, s)}|${r.toy}|${r.toy_index ?? ""}`;
      if (seen.has(id)) { dups++; continue; }
      seen.add(id);
      records.push(toyRecord(d, r));
    }
  }
  // The combination (§12.8) is recomputed from the datasets' toys whenever two or more are here.
  const own = records.filter((r) => r.dataset !== "combined");
  const combined = new Set(own.map((r) => r.dataset)).size >= 2 ? combineInjectionToys(own, combinedPolicy) : records.filter((r) => r.dataset === "combined");
  for (const rec of [...own, ...combined]) {
    const d = rec.dataset;
    if (!keep(d)) continue;
    rows++;
    // Combined strengths vary from toy to toy (inverse-variance weights): key on inj_nsigma.
    const k = d === "combined" ? key(d, rec.mass_GeV, Math.round(rec.inj_nsigma * 1e8) / 1e8) : key(d, rec.mass_GeV, rec.strength);
    if (!acc.has(k)) acc.set(k, new PointAccumulator());
    acc.get(k)!.add(rec);
    if (!pulls.has(k)) pulls.set(k, { dataset: d, mass: rec.mass_GeV, tag: rec.strength_tag || String(rec.strength), inj: rec.inj_nsigma, pulls: [] });
    if (rec.success && Number.isFinite(rec.pull_param)) pulls.get(k)!.pulls.push(rec.pull_param);
  }
  const summaries: SummaryRecord[] = [...acc.values()].map((a) => a.summary());
  // Summary-only points (runs written with --no-write-toy-csv).
  for (const f of sumFiles) {
    const t = readCsv(join(dir, f));
    requireColumns(join(dir, f), t.columns, ["dataset", "mass_GeV", "strength", "pull_mean", "pull_std"]);
    for (const r of t.rows) {
      const d = r.dataset || token(f, "inj_extract_summary_");
      if (!keep(d) || acc.has(key(d, cellNum(r.mass_GeV), cellNum(r.strength)))) continue;
      const rec = {} as SummaryRecord;
      for (const c of SUMMARY_COLUMNS) rec[c] = ["dataset", "strength_tag", "toy_mode"].includes(c) ? (r[c] ?? "") : cellNum(r[c]);
      rec.dataset = d;
      summaries.push(rec);
      acc.set(key(d, cellNum(r.mass_GeV), cellNum(r.strength)), new PointAccumulator());
    }
  }
  if (summaries.length === 0) throw new InputError(dir, "--input-dir", "no inj_extract_toys_*.csv or inj_extract_summary_*.csv here (for the selected datasets)");
  summaries.sort((a, b) => naturalCompare(String(a.dataset), String(b.dataset)) || Number(a.mass_GeV) - Number(b.mass_GeV) || Number(a.strength) - Number(b.strength));
  return { summaries, pulls, n_toy_rows: rows, n_duplicates: dups, files: [...toyFiles, ...sumFiles], combinedToys: combined };
}

function toyRecord(d: string, r: CsvRow): InjToyRecord {
  return {
    dataset: d, toy: r.toy ?? "", mass_GeV: cellNum(r.mass_GeV), strength: cellNum(r.strength), strength_tag: r.strength_tag ?? "", toy_mode: r.toy_mode ?? "", sigmaA_ref: cellNum(r.sigmaA_ref),
    integral_density: cellNum(r.integral_density), A_per_eps2_unit: cellNum(r.A_per_eps2_unit), f_win: cellNum(r.f_win), f_train_frac: cellNum(r.f_train_frac),
    inj_nsigma: cellNum(r.inj_nsigma), A_hat: cellNum(r.A_hat), sigma_A: cellNum(r.sigma_A), pull_param: cellNum(r.pull_param), Zhat: cellNum(r.Zhat), success: cellBool(r.success),
  };
}

/** Kolmogorov–Smirnov test of values against N(0, 1): statistic D and asymptotic p-value. */
export function ksNormal(values: number[]): { D: number; p: number } {
  const v = values.filter(Number.isFinite).sort((a, b) => a - b);
  const n = v.length;
  if (n === 0) return { D: NaN, p: NaN };
  let D = 0;
  v.forEach((x, i) => { const F = normalCdf(x); D = Math.max(D, (i + 1) / n - F, F - i / n); });
  const lam = (Math.sqrt(n) + 0.12 + 0.11 / Math.sqrt(n)) * D;
  let p = 0;
  for (let k = 1; k <= 100; k++) p += 2 * (k % 2 ? 1 : -1) * Math.exp(-2 * k * k * lam * lam);
  return { D, p: Math.min(1, Math.max(0, p)) };
}

/** Every inject-plot figure; returns the files written. */
export async function injectionPlots(l: LoadedInjection, outDir: string, formats: ("png" | "pdf" | "svg")[] = ["png", "pdf"]): Promise<string[]> {
  const out: string[] = [];
  const byDs = new Map<string, SummaryRecord[]>();
  for (const s of l.summaries) { const d = String(s.dataset); if (!byDs.has(d)) byDs.set(d, []); byDs.get(d)!.push(s); }
  const N = (s: SummaryRecord, c: keyof SummaryRecord) => Number(s[c]);
  for (const [d, ss] of byDs) {
    const masses = [...new Set(ss.map((s) => N(s, "mass_GeV")))].sort((a, b) => a - b);
    const tags = [...new Set(ss.map((s) => String(s.strength_tag)))];
    const perMass = (yc: keyof SummaryRecord, ec?: (s: SummaryRecord) => number, xc: keyof SummaryRecord = "inj_nsigma", yf?: (s: SummaryRecord) => number) => masses.map((m) => {
      const g = ss.filter((s) => N(s, "mass_GeV") === m).sort((a, b) => N(a, xc) - N(b, xc));
      return { name: `${(1000 * m).toFixed(0)} MeV`, x: g.map((s) => N(s, xc)), y: g.map((s) => (yf ? yf(s) : N(s, yc))), err: ec ? g.map(ec) : undefined };
    });
    const ok = (s: SummaryRecord) => Math.max(1, N(s, "n_toys") - N(s, "n_failed"));
    const nsig = { title: "injected strength A_inj / σ_A,ref" };
    const f = (name: string) => join(outDir, `${name}_${d}`);
    out.push(...await writeFigure(errorBarPlot(perMass("A_hat_mean", (s) => N(s, "A_hat_std") / Math.sqrt(ok(s)), "strength"), { title: "injected yield A_inj" }, { title: "⟨Â⟩" }, `HPS ${d}: linearity`, [], true), f("linearity"), formats));
    out.push(...await writeFigure(errorBarPlot(perMass("A_hat_mean", (s) => N(s, "A_hat_std") / Math.sqrt(ok(s)) / N(s, "sigmaA_ref"), "inj_nsigma", (s) => (N(s, "A_hat_mean") - N(s, "strength")) / N(s, "sigmaA_ref")), nsig, { title: "bias (⟨Â⟩ − A_inj) / σ_A,ref" }, `HPS ${d}: bias`, [{ y: 0 }]), f("bias"), formats));
    out.push(...await writeFigure(errorBarPlot(perMass("pull_std", (s) => N(s, "pull_std_err")), nsig, { title: "pull width" }, `HPS ${d}: pull width (target 1)`, [{ y: 1 }]), f("pull_width"), formats));
    out.push(...await writeFigure(errorBarPlot([
      ...perMass("cov_1sigma", (s) => Math.sqrt(0.683 * 0.317 / ok(s))).map((x) => ({ ...x, name: `|pull| < 1, ${x.name}` })),
      ...perMass("cov_2sigma", (s) => Math.sqrt(0.954 * 0.046 / ok(s))).map((x) => ({ ...x, name: `|pull| < 2, ${x.name}` })),
    ], nsig, { title: "coverage" }, `HPS ${d}: coverage (targets 0.683, 0.954)`, [{ y: 0.683 }, { y: 0.954 }]), f("coverage"), formats));
    out.push(...await writeFigure(errorBarPlot(tags.map((t) => {
      const g = ss.filter((s) => String(s.strength_tag) === t).sort((a, b) => N(a, "mass_GeV") - N(b, "mass_GeV"));
      return { name: `strength ${t}`, x: g.map((s) => 1000 * N(s, "mass_GeV")), y: g.map((s) => N(s, "pull_mean")), err: g.map((s) => N(s, "pull_std") / Math.sqrt(ok(s))) };
    }), { title: "m(A') [MeV]" }, { title: "mean pull" }, `HPS ${d}: pull vs mass`, [{ y: 0 }]), f("pull_vs_mass"), formats));
    out.push(...await writeFigure(errorBarPlot(perMass("Zhat_mean", (s) => N(s, "pull_std") / Math.sqrt(ok(s)), "inj_nsigma", (s) => N(s, "Zhat_mean") - N(s, "inj_nsigma")), nsig, { title: "⟨Ẑ⟩ − Z_inj" }, `HPS ${d}: Ẑ calibration residual (bands ±0.5, ±1)`, [{ y: 0 }, { y: 0.5 }, { y: -0.5 }, { y: 1 }, { y: -1 }]), f("z_calibration_residual"), formats));
    const cells = (c: keyof SummaryRecord) => ss.map((s) => ({ x: (1000 * N(s, "mass_GeV")).toFixed(0), y: String(s.strength_tag), v: N(s, c) }));
    out.push(...await writeFigure(heatmapPlot(cells("pull_mean"), "m(A') [MeV]", "strength", "mean pull", `HPS ${d}: mean pull`, [-1, 1]), f("heatmap_pull_mean"), formats));
    out.push(...await writeFigure(heatmapPlot(cells("pull_std"), "m(A') [MeV]", "strength", "pull width", `HPS ${d}: pull width`, [0, 2]), f("heatmap_pull_width"), formats));
    for (const p of l.pulls.values()) {
      if (p.dataset !== d) continue;
      const ks = ksNormal(p.pulls);
      out.push(...await writeFigure(histogramPlot(p.pulls, { bins: 30, lo: -4, hi: 4, xTitle: "pull (Â − A_inj) / σ_A", title: `HPS ${d} ${(1000 * p.mass).toFixed(1)} MeV, strength ${p.tag}: ${p.pulls.length} toys, KS p = ${ks.p.toPrecision(3)}`, reference: (x) => Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI) }),
        join(outDir, `pull_hist_${d}`, `pull_hist_m${(1000 * p.mass).toFixed(1).replace(".", "p")}_s${p.tag}`), formats));
    }
  }
  out.push(...await searchPowerProducts(l.summaries, outDir, formats));
  return out;
}

/**
 * Combined-search-power products (§12.9) from the datasets' σ_A,ref per mass: the scenario
 * curves Z_comb(m) (CSV + figure), the per-dataset requirement for a combined 5σ
 * (combined_constituent_pvalues_target5sigma.csv), and allocation tables at 40/80/120 MeV for
 * Z = 1, 3, 5 (the nearest injected masses).
 */
async function searchPowerProducts(summaries: SummaryRecord[], outDir: string, formats: ("png" | "pdf" | "svg")[]): Promise<string[]> {
  const sig = new Map<number, Record<string, number>>();
  for (const s of summaries) {
    const d = String(s.dataset), m = Number(s.mass_GeV), v = Number(s.sigmaA_ref);
    if (d === "combined" || !(v > 0)) continue;
    if (!sig.has(m)) sig.set(m, {});
    sig.get(m)![d] ??= v;
  }
  const masses = [...sig.keys()].filter((m) => Object.keys(sig.get(m)!).length >= 2).sort((a, b) => a - b);
  if (masses.length === 0) return [];
  const datasets = [...new Set(masses.flatMap((m) => Object.keys(sig.get(m)!)))].sort();
  const scenarios = defaultScenarios(datasets);
  const out: string[] = [];
  mkdirSync(outDir, { recursive: true });
  const put = (name: string, header: string[], rows: unknown[][]) => {
    const f = join(outDir, name);
    writeFileSync(f, csvRows(header, rows));
    out.push(f);
  };
  put("combined_search_power_scenarios.csv",
    ["mass_GeV", ...datasets.map((d) => `sigmaA_ref_${d}`), ...scenarios.map((c) => `Z_comb_${c.name}`)],
    masses.map((m) => [m, ...datasets.map((d) => sig.get(m)![d] ?? NaN), ...scenarios.map((c) => scenarioZ(sig.get(m)!, c.z))]));
  out.push(...await writeFigure(linePlot({
    title: "Combined significance of per-dataset excesses (inverse-variance, σ_d = σ_A,ref)",
    series: scenarios.map((c) => ({ name: `${c.name.replaceAll("_", " ")} (${datasets.map((d) => `${d}: ${c.z[d]}σ`).join(", ")})`, x: masses.map((m) => 1000 * m), y: masses.map((m) => scenarioZ(sig.get(m)!, c.z)), points: masses.length < 3 })),
    x: { title: "m(A') [MeV]" }, y: { title: "Z_comb [σ]" }, legendOrient: "bottom",
  }), join(outDir, "combined_search_power_scenarios"), formats));
  const req = (m: number, z: number) => constituentRequirement(sig.get(m)!, z).map((r) => [m, z, r.dataset, r.info_frac, r.z_req, r.p0_req]);
  const reqHeader = ["mass_GeV", "Z_target", "dataset", "info_frac", "z_req", "p0_req"];
  put("combined_constituent_pvalues_target5sigma.csv", reqHeader, masses.flatMap((m) => req(m, 5)));
  const nearest = (t: number) => masses.reduce((a, m) => (Math.abs(m - t) < Math.abs(a - t) ? m : a));
  const at = [...new Set([0.04, 0.08, 0.12].map(nearest))];
  put("combined_allocation_tables.csv", reqHeader, at.flatMap((m) => [1, 3, 5].flatMap((z) => req(m, z))));
  return out;
}
