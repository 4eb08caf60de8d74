// Figure specs of the bump-hunt studies (toy scans, injection closure, displays): ensembles
// as median + 68/95% bands or as one thin curve per toy, histograms with a reference density,
// and point series with error bars. Plain data in, Vega-Lite out (rendered by plot/render.ts).
import { bandPlot, type AxisOptions, type VegaLiteSpec } from "../plot/charts.ts";
import { COLORS, HEP_CONFIG } from "../plot/style.ts";
import { quantileBand } from "./study-io.ts";

const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";

function scale(a: AxisOptions): Record<string, unknown> {
  const s: Record<string, unknown> = a.log ? { type: "log", nice: !a.domain } : { type: "linear", zero: false, nice: !a.domain };
  if (a.domain) s.domain = a.domain;
  return s;
}

export interface Ensemble {
  /** x of every curve point, per curve. */
  curves: { name: string; x: number[]; y: number[] }[];
}

/** Per x, the quantile band across curves (finite values only). */
export function ensembleBands(e: Ensemble): { x: number[]; med: number[]; lo1: number[]; hi1: number[]; lo2: number[]; hi2: number[] } {
  const byX = new Map<number, number[]>();
  for (const c of e.curves) c.x.forEach((x, i) => { if (!byX.has(x)) byX.set(x, []); byX.get(x)!.push(c.y[i]); });
  const xs = [...byX.keys()].sort((a, b) => a - b);
  const q = xs.map((x) => quantileBand(byX.get(x)!));
  return { x: xs, med: q.map((b) => b.med), lo1: q.map((b) => b.lo1), hi1: q.map((b) => b.hi1), lo2: q.map((b) => b.lo2), hi2: q.map((b) => b.hi2) };
}

/**
 * An ensemble of curves: median with central 68/95% bands when there are at least
 * `bandMin` curves, otherwise every curve (thin grey) with the median on top.
 */
export function ensemblePlot(e: Ensemble, xAxis: AxisOptions, yAxis: AxisOptions, title: string, bandMin = 20, hlines: { y: number; label?: string }[] = []): VegaLiteSpec {
  const b = ensembleBands(e);
  if (e.curves.length >= bandMin) {
    const spec = bandPlot({ x: b.x, median: b.med, minus1: b.lo1, plus1: b.hi1, minus2: b.lo2, plus2: b.hi2, xAxis, yAxis, title: `${title} (${e.curves.length} toys: median, 68%, 95%)` });
    return spec;
  }
  const values: { x: number; y: number; toy: string }[] = [];
  for (const c of e.curves) c.x.forEach((x, i) => { if (Number.isFinite(x) && Number.isFinite(c.y[i]) && (!yAxis.log || c.y[i] > 0)) values.push({ x, y: c.y[i], toy: c.name }); });
  const med = b.x.map((x, i) => ({ x, y: b.med[i] })).filter((p) => Number.isFinite(p.y) && (!yAxis.log || p.y > 0));
  const x = { field: "x", type: "quantitative", title: xAxis.title, scale: scale(xAxis) };
  const layers: unknown[] = [
    { data: { values }, mark: { type: "line", strokeWidth: 1, opacity: 0.55, color: "#7f7f7f" }, encoding: { x, y: { field: "y", type: "quantitative", title: yAxis.title, scale: scale(yAxis) }, detail: { field: "toy", type: "nominal" } } },
    { data: { values: med.map((p) => ({ ...p, series: "median of toys" })) }, mark: { type: "line", strokeWidth: 2 }, encoding: { x, y: { field: "y", type: "quantitative", scale: scale(yAxis) }, color: { field: "series", type: "nominal", title: null, scale: { range: [COLORS.series[1]] } } } },
  ];
  for (const h of hlines) layers.push({ data: { values: [{ y: h.y }] }, mark: { type: "rule", color: "gray", strokeDash: [3, 3] }, encoding: { y: { field: "y", type: "quantitative" } } });
  return { $schema: SCHEMA, config: HEP_CONFIG, title: `${title} (${e.curves.length} toys, each curve shown)`, layer: layers };
}

/** Histogram of values (fixed bins) with an optional reference density scaled to the count. */
export function histogramPlot(values: number[], o: { bins: number; lo: number; hi: number; xTitle: string; title: string; reference?: (x: number) => number }): VegaLiteSpec {
  const v = values.filter(Number.isFinite);
  const w = (o.hi - o.lo) / o.bins;
  const counts = new Array(o.bins).fill(0);
  for (const x of v) {
    const k = Math.floor((x - o.lo) / w);
    if (k >= 0 && k < o.bins) counts[k]++;
  }
  const bars = counts.map((c, k) => ({ x0: o.lo + k * w, x1: o.lo + (k + 1) * w, c }));
  const layers: unknown[] = [
    { data: { values: bars }, mark: { type: "rect", color: COLORS.series[0], opacity: 0.6, stroke: COLORS.series[0] }, encoding: { x: { field: "x0", type: "quantitative", title: o.xTitle, scale: { domain: [o.lo, o.hi], nice: false } }, x2: { field: "x1" }, y: { field: "c", type: "quantitative", title: "toys per bin" }, y2: { datum: 0 } } },
  ];
  if (o.reference) {
    const pts = Array.from({ length: 201 }, (_, i) => o.lo + ((o.hi - o.lo) * i) / 200).map((x) => ({ x, y: o.reference!(x) * v.length * w }));
    layers.push({ data: { values: pts }, mark: { type: "line", color: COLORS.series[1] }, encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" } } });
  }
  return { $schema: SCHEMA, config: HEP_CONFIG, title: o.title, layer: layers };
}

export interface ErrorSeries {
  name: string;
  x: number[];
  y: number[];
  err?: number[];
}

/** Points with ±err bars per series, joined by thin lines, with dashed reference lines. */
export function errorBarPlot(series: ErrorSeries[], xAxis: AxisOptions, yAxis: AxisOptions, title: string, hlines: { y: number; label?: string }[] = [], diagonal = false): VegaLiteSpec {
  const values: Record<string, number | string>[] = [];
  for (const s of series) s.x.forEach((x, i) => {
    const y = s.y[i], e = s.err?.[i] ?? 0;
    if (Number.isFinite(x) && Number.isFinite(y)) values.push({ x, y, lo: y - (Number.isFinite(e) ? e : 0), hi: y + (Number.isFinite(e) ? e : 0), series: s.name });
  });
  const names = series.map((s) => s.name);
  const color = { field: "series", type: "nominal", title: null, scale: { domain: names, range: COLORS.series.slice(0, Math.max(1, names.length)) } };
  const x = { field: "x", type: "quantitative", title: xAxis.title, scale: scale(xAxis) };
  const layers: unknown[] = [
    { data: { values }, mark: { type: "line", strokeWidth: 1, point: { filled: true, size: 30 } }, encoding: { x, y: { field: "y", type: "quantitative", title: yAxis.title, scale: scale(yAxis) }, color } },
    { data: { values }, mark: { type: "rule" }, encoding: { x, y: { field: "lo", type: "quantitative" }, y2: { field: "hi" }, color } },
  ];
  for (const h of hlines) layers.push({ data: { values: [{ y: h.y }] }, mark: { type: "rule", color: "gray", strokeDash: [3, 3] }, encoding: { y: { field: "y", type: "quantitative" } } });
  if (diagonal) {
    const xs = values.map((v) => Number(v.x));
    const lo = Math.min(...xs), hi = Math.max(...xs);
    layers.push({ data: { values: [{ x: lo, y: lo }, { x: hi, y: hi }] }, mark: { type: "line", color: "gray", strokeDash: [3, 3], strokeWidth: 1 }, encoding: { x: { field: "x", type: "quantitative" }, y: { field: "y", type: "quantitative" } } });
  }
  return { $schema: SCHEMA, config: HEP_CONFIG, title, layer: layers };
}

/** A mass × strength heat map of one quantity. */
export function heatmapPlot(cells: { x: string; y: string; v: number }[], xTitle: string, yTitle: string, vTitle: string, title: string, domain?: [number, number]): VegaLiteSpec {
  return {
    $schema: SCHEMA, config: HEP_CONFIG, title, data: { values: cells.filter((c) => Number.isFinite(c.v)) },
    mark: "rect",
    encoding: {
      x: { field: "x", type: "ordinal", title: xTitle, sort: null }, y: { field: "y", type: "ordinal", title: yTitle, sort: null },
      color: { field: "v", type: "quantitative", title: vTitle, scale: { scheme: "redblue", reverse: true, ...(domain ? { domain } : {}) } },
    },
  };
}

export interface SpectrumDisplay {
  title: string;
  xTitle: string;
  yTitle: string;
  /** Data points with symmetric errors. */
  points: { name: string; x: number[]; y: number[]; err: number[] };
  lines: { name: string; x: number[]; y: number[]; dashed?: boolean }[];
  /** Shaded x interval (the blind window) and its label. */
  shade?: { lo: number; hi: number; label: string };
  log?: boolean;
  hlines?: number[];
}

/** A spectrum (or residual) display: data with error bars, model curves, shaded blind window. */
export function spectrumDisplayPlot(o: SpectrumDisplay): VegaLiteSpec {
  const names = [o.points.name, ...o.lines.map((l) => l.name)];
  const color = { field: "series", type: "nominal", title: null, scale: { domain: names, range: ["black", ...COLORS.series].slice(0, names.length) } };
  const ys = o.log ? { type: "log", nice: true } : { type: "linear", zero: false, nice: true };
  const x = { field: "x", type: "quantitative", title: o.xTitle, scale: { zero: false, nice: false } };
  const pts = o.points.x.map((xv, i) => ({ x: xv, y: o.points.y[i], lo: o.points.y[i] - o.points.err[i], hi: o.points.y[i] + o.points.err[i], series: o.points.name }))
    .filter((p) => Number.isFinite(p.y) && (!o.log || p.y > 0)).map((p) => (o.log ? { ...p, lo: Math.max(p.lo, p.y * 0.5) } : p));
  const layers: unknown[] = [];
  if (o.shade) layers.push({ data: { values: [{ a: o.shade.lo, b: o.shade.hi }] }, mark: { type: "rect", color: "#cccccc", opacity: 0.45 }, encoding: { x: { field: "a", type: "quantitative" }, x2: { field: "b" } } });
  layers.push({ data: { values: pts }, mark: { type: "rule" }, encoding: { x, y: { field: "lo", type: "quantitative", scale: ys }, y2: { field: "hi" }, color } });
  layers.push({ data: { values: pts }, mark: { type: "point", filled: true, size: 18 }, encoding: { x, y: { field: "y", type: "quantitative", title: o.yTitle, scale: ys }, color } });
  for (const l of o.lines) {
    const v = l.x.map((xv, i) => ({ x: xv, y: l.y[i], series: l.name })).filter((p) => Number.isFinite(p.y) && (!o.log || p.y > 0));
    layers.push({ data: { values: v }, mark: { type: "line", ...(l.dashed ? { strokeDash: [6, 4] } : {}) }, encoding: { x, y: { field: "y", type: "quantitative", scale: ys }, color } });
  }
  for (const h of o.hlines ?? []) layers.push({ data: { values: [{ y: h }] }, mark: { type: "rule", color: "gray", strokeDash: [3, 3] }, encoding: { y: { field: "y", type: "quantitative" } } });
  return { $schema: SCHEMA, config: HEP_CONFIG, title: o.title + (o.shade ? ` (shaded: ${o.shade.label})` : ""), layer: layers };
}
