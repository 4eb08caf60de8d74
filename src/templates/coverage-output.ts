// A coverage study's files: records.csv (one row per pseudo-experiment, failed ones included with
// their reason), sets.csv, summary.json, and the figures of §B4 "Plots to offer": coverage vs μ
// with the 68.27% line and the ±2σ₆₈ band, width vs μ, the pull histogram, the interval
// "caterpillar" per set and the nuisance pulls (PNG + PDF + SVG, HEP style through src/plot).
import { join } from "node:path";
import { csvRows } from "../io/csv.ts";
import { writeFileAtomic, writeJsonAtomic } from "../io/output.ts";
import { linePlot, type VegaLiteSpec } from "../plot/charts.ts";
import { writeFigure, type FigureFormat } from "../plot/render.ts";
import { HEP_CONFIG, COLORS } from "../plot/style.ts";
import { ONE_SIGMA, sigma68 } from "./score.ts";
import type { CoverageResult } from "./coverage.ts";

const RECORD_COLUMNS = ["set", "pe", "mu_true", "status", "converged", "mu_hat", "p16", "p84", "half_width", "sigma_hesse", "covered", "pull", "fits", "reason"] as const;

/** The records as CSV: fixed columns, then truth_<name> and hat_<name> for every parameter. */
export function recordsCsv(r: CoverageResult): string {
  const names = r.records.length ? Object.keys(r.records[0].truth) : [];
  const header = [...RECORD_COLUMNS, ...names.map((n) => `truth_${n}`), ...names.map((n) => `hat_${n}`)];
  const rows = r.records.map((x) => [...RECORD_COLUMNS.map((c) => x[c]), ...names.map((n) => x.truth[n]), ...names.map((n) => x.bestfit[n])]);
  return csvRows(header, rows);
}

export function setsCsv(r: CoverageResult): string {
  const cols = ["set", "mu_true", "n", "failed", "coverage", "coverage_error", "mean_width", "mean_pull", "std_pull"] as const;
  return csvRows(cols, r.sets.map((s) => cols.map((c) => s[c])));
}

/** summary.json: everything but the per-PE records. */
export function coverageSummary(r: CoverageResult): Record<string, unknown> {
  return { seed: r.seed, method: r.method, pooled: r.pooled, sets: r.sets, score: r.score, nuisance_pulls: r.nuisance_pulls };
}

export async function writeCoverageOutputs(r: CoverageResult, dir: string, o: { figures?: boolean; formats?: FigureFormat[]; option?: string } = {}): Promise<string[]> {
  const opt = o.option ?? "--output-dir";
  writeFileAtomic(join(dir, "records.csv"), recordsCsv(r), opt);
  writeFileAtomic(join(dir, "sets.csv"), setsCsv(r), opt);
  writeJsonAtomic(join(dir, "summary.json"), coverageSummary(r), opt);
  const files = ["records.csv", "sets.csv", "summary.json"];
  if (o.figures === false) return files;
  const formats = o.formats ?? ["png", "pdf", "svg"];
  for (const [name, spec] of Object.entries(coverageFigures(r))) {
    await writeFigure(spec, join(dir, name), formats, opt);
    files.push(`${name}.{${formats.join(",")}}`);
  }
  return files;
}

/** The five figures as Vega-Lite specs, by file name. */
export function coverageFigures(r: CoverageResult): Record<string, VegaLiteSpec> {
  const sets = [...r.sets].sort((a, b) => a.mu_true - b.mu_true);
  const mus = sets.map((s) => s.mu_true);
  const muLo = Math.min(...mus), muHi = Math.max(...mus);
  const pad = Math.max(0.05, 0.05 * (muHi - muLo));
  const nPer = Math.round(sets.reduce((a, s) => a + s.n, 0) / Math.max(1, sets.length));
  const s68 = sigma68(Math.max(1, nPer));
  const xs = [muLo - pad, muHi + pad];
  const coverage = linePlot({
    series: [
      { name: `68.27% ± 2σ₆₈ (N = ${nPer})`, x: xs, y: [ONE_SIGMA, ONE_SIGMA], band: { lower: xs.map(() => ONE_SIGMA - 2 * s68), upper: xs.map(() => ONE_SIGMA + 2 * s68) }, dashed: true, color: "#777777" },
      { name: `coverage per set (pooled ${r.pooled.coverage.toFixed(3)} ± ${r.pooled.coverage_error.toFixed(3)})`, x: mus, y: sets.map((s) => s.coverage), errors: sets.map((s) => s.coverage_error), points: true, color: COLORS.series[0] },
    ],
    x: { title: "true signal strength μ", domain: [xs[0], xs[1]] },
    y: { title: "coverage of the 68.27% interval", domain: [0.4, 1] },
    legendOrient: "bottom",
  });
  const width = linePlot({
    series: [{ name: "mean interval width per set", x: mus, y: sets.map((s) => s.mean_width), points: true }],
    x: { title: "true signal strength μ" }, y: { title: "mean width p84 − p16" },
  });
  // Pull histogram with the unit normal for reference.
  const pulls = r.records.filter((x) => x.status === "ok" && Number.isFinite(x.pull)).map((x) => x.pull);
  const edges = Array.from({ length: 25 }, (_, i) => -4 + (8 * i) / 24), w = edges[1] - edges[0];
  const counts = new Array(24).fill(0);
  for (const p of pulls) { const k = Math.floor((p + 4) / w); if (k >= 0 && k < 24) counts[k]++; }
  const centres = counts.map((_, i) => edges[i] + w / 2);
  const gx = Array.from({ length: 161 }, (_, i) => -4 + i * 0.05);
  const pull = linePlot({
    series: [
      { name: `PEs: mean ${r.pooled.mean_pull.toFixed(2)}, std ${r.pooled.std_pull.toFixed(2)}`, x: centres, y: counts, errors: counts.map((c) => Math.sqrt(c)), points: true },
      { name: "unit normal", x: gx, y: gx.map((x) => (pulls.length * w * Math.exp(-x * x / 2)) / Math.sqrt(2 * Math.PI)), dashed: true },
    ],
    x: { title: "pull (μ̂ − μ)/Δμ", domain: [-4, 4] }, y: { title: `pseudo-experiments / ${w.toFixed(2)}` },
  });
  return { coverage_vs_mu: coverage, width_vs_mu: width, pulls: pull, caterpillar: caterpillar(r), nuisance_pulls: nuisancePulls(r) };
}

/** Every interval as a horizontal segment, grouped by set, with each set's true μ marked. */
function caterpillar(r: CoverageResult): VegaLiteSpec {
  const rows: Record<string, number | string>[] = [];
  const truths: Record<string, number>[] = [];
  let y = 0;
  const sets = [...r.sets].sort((a, b) => a.mu_true - b.mu_true);
  for (const s of sets) {
    const recs = r.records.filter((x) => x.set === s.set && x.status === "ok");
    const y0 = y;
    for (const x of recs) rows.push({ y: y++, p16: x.p16, p84: x.p84, covers: x.covered ? "covers μ" : "misses μ" });
    truths.push({ y0, y1: y, mu: s.mu_true });
    y += Math.max(2, Math.round(recs.length * 0.1));
  }
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json", config: { ...HEP_CONFIG, legend: { ...HEP_CONFIG.legend, orient: "bottom-right" } },
    layer: [
      { data: { values: rows }, mark: { type: "rule", strokeWidth: 1 }, encoding: {
        x: { field: "p16", type: "quantitative", title: "μ interval [p16, p84]" }, x2: { field: "p84" },
        y: { field: "y", type: "quantitative", title: "pseudo-experiment (grouped by set)", axis: { labels: false } },
        color: { field: "covers", type: "nominal", title: null, scale: { domain: ["covers μ", "misses μ"], range: [COLORS.series[0], "#d62728"] } },
      } },
      { data: { values: truths }, mark: { type: "rule", color: "black", strokeWidth: 2 }, encoding: { x: { field: "mu", type: "quantitative" }, y: { field: "y0", type: "quantitative" }, y2: { field: "y1" } } },
    ],
  };
}

/** Mean ± std of (θ̂ − θ_true)/σ_prefit per constrained nuisance. */
function nuisancePulls(r: CoverageResult): VegaLiteSpec {
  const vals = r.nuisance_pulls.map((p) => ({ name: p.name, mean: p.mean, lo: p.mean - p.std, hi: p.mean + p.std }));
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json", config: HEP_CONFIG,
    data: { values: vals },
    layer: [
      { mark: { type: "rule", color: COLORS.series[0], strokeWidth: 2 }, encoding: { y: { field: "name", type: "nominal", title: null, sort: null }, x: { field: "lo", type: "quantitative", title: "nuisance pull (θ̂ − θ_true)/σ_prefit: mean ± std" }, x2: { field: "hi" } } },
      { mark: { type: "point", filled: true, size: 60, color: "black" }, encoding: { y: { field: "name", type: "nominal", sort: null }, x: { field: "mean", type: "quantitative" } } },
      { data: { values: [{ x: 0 }] }, mark: { type: "rule", color: "gray", strokeDash: [3, 3] }, encoding: { x: { field: "x", type: "quantitative" } } },
    ],
  };
}
