// Figure builders: plain data in, a Vega-Lite spec out. Pure functions (no Node imports), so
// the web page can render the same specs with vega-embed.
import { COLORS, HEP_CONFIG } from "./style.ts";

export type VegaLiteSpec = Record<string, unknown>;

export interface Series {
  name: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** Dashed line (e.g. an expected curve). */
  dashed?: boolean;
  /** Draw points instead of a line. */
  points?: boolean;
  /** Shaded band around the curve (e.g. Â ± σ_A), drawn in the series colour. */
  band?: { lower: ArrayLike<number>; upper: ArrayLike<number> };
  /** Symmetric vertical error bars on points (e.g. √N on data). */
  errors?: ArrayLike<number>;
  /** Colour (CSS); default: the palette by series position. Pairs of series may share one. */
  color?: string;
}

export interface AxisOptions {
  title: string;
  log?: boolean;
  domain?: [number, number];
}

export interface LinePlotOptions {
  series: Series[];
  x: AxisOptions;
  y: AxisOptions;
  title?: string;
  /** Horizontal reference lines, e.g. a CLs level or Δ2NLL thresholds; a label is written at the right end. */
  hlines?: { y: number; label?: string }[];
  /** Legend position; default inside top-right (HEP style). "bottom" keeps dense curves unhidden. */
  legendOrient?: "top-right" | "top-left" | "bottom-left" | "bottom-right" | "bottom" | "right";
  /** Shaded x intervals (e.g. the blind window), drawn under the curves. */
  vbands?: { from: number; to: number; label?: string; color?: string; opacity?: number }[];
}

function scale(a: AxisOptions): Record<string, unknown> {
  const s: Record<string, unknown> = a.log ? { type: "log", nice: !a.domain } : { type: "linear", zero: false, nice: !a.domain };
  if (a.domain) s.domain = a.domain;
  return s;
}

/** Log axes label the decades only (1e-7, 1e-6, …), as HEP figures do. */
const DECADE_LABELS = "abs(log(datum.value) / LN10 - round(log(datum.value) / LN10)) < 1e-6 ? format(datum.value, '.0e') : ''";

function axis(a: AxisOptions): Record<string, unknown> {
  return a.log ? { labelExpr: DECADE_LABELS, labelOverlap: false } : {};
}

function rows(s: Series): { x: number; y: number; series: string }[] {
  const out: { x: number; y: number; series: string }[] = [];
  for (let i = 0; i < s.x.length; i++) if (Number.isFinite(s.x[i]) && Number.isFinite(s.y[i])) out.push({ x: s.x[i], y: s.y[i], series: s.name });
  return out;
}

/** One or more curves (or point series) against a common x axis. */
export function linePlot(o: LinePlotOptions): VegaLiteSpec {
  const names = o.series.map((s) => s.name);
  const colorOf = (k: number) => o.series[k].color ?? COLORS.series[k % COLORS.series.length];
  const color = { field: "series", type: "nominal", title: null, scale: { domain: names, range: names.length ? names.map((_, k) => colorOf(k)) : COLORS.series.slice(0, 1) } };
  const xEnc = { field: "x", type: "quantitative", title: o.x.title, scale: scale(o.x), axis: axis(o.x) };
  const yEnc = { field: "y", type: "quantitative", title: o.y.title, scale: scale(o.y), axis: axis(o.y) };
  const layers: unknown[] = [];
  for (const v of o.vbands ?? []) {
    layers.push({
      data: { values: [{ x: v.from, x2: v.to }] }, mark: { type: "rect", color: v.color ?? "#999999", opacity: v.opacity ?? 0.2 },
      encoding: { x: { field: "x", type: "quantitative" }, x2: { field: "x2" } },
    });
    if (v.label) layers.push({ data: { values: [{ x: 0.5 * (v.from + v.to) }] }, mark: { type: "text", baseline: "top", dy: 4, y: 0, fontSize: 11, color: "#444444" }, encoding: { x: { field: "x", type: "quantitative" }, text: { value: v.label } } });
  }
  o.series.forEach((s, k) => {
    if (s.band) {
      const vals: { x: number; lo: number; hi: number; series: string }[] = [];
      for (let i = 0; i < s.x.length; i++) {
        if (![s.x[i], s.band.lower[i], s.band.upper[i]].every(Number.isFinite)) continue;
        if (o.y.log && !(s.band.upper[i] > 0)) continue;
        vals.push({ x: s.x[i], lo: o.y.log && !(s.band.lower[i] > 0) ? s.band.upper[i] / 100 : s.band.lower[i], hi: s.band.upper[i], series: s.name });
      }
      layers.push({
        data: { values: vals }, mark: { type: "area", opacity: 0.25, color: colorOf(k) },
        encoding: { x: xEnc, y: { ...yEnc, field: "lo" }, y2: { field: "hi" } },
      });
    }
    if (s.errors) {
      const vals: { x: number; lo: number; hi: number }[] = [];
      // On a log axis a bar reaching zero or below is cut at a tenth of the value.
      for (let i = 0; i < s.x.length; i++) if ([s.x[i], s.y[i], s.errors[i]].every(Number.isFinite)) vals.push({ x: s.x[i], lo: o.y.log && s.y[i] - s.errors[i] <= 0 ? s.y[i] / 10 : s.y[i] - s.errors[i], hi: s.y[i] + s.errors[i] });
      layers.push({ data: { values: vals }, mark: { type: "rule", color: colorOf(k) }, encoding: { x: xEnc, y: { ...yEnc, field: "lo" }, y2: { field: "hi" } } });
    }
  });
  for (const s of o.series) {
    layers.push({
      data: { values: rows(s) },
      mark: s.points ? { type: "point", filled: true, size: 30 } : { type: "line", ...(s.dashed ? { strokeDash: [6, 4] } : {}) },
      encoding: { x: xEnc, y: yEnc, color },
    });
  }
  for (const h of o.hlines ?? []) {
    layers.push({ data: { values: [{ y: h.y }] }, mark: { type: "rule", color: "gray", strokeDash: [3, 3] }, encoding: { y: { field: "y", type: "quantitative" } } });
    if (h.label) layers.push({ data: { values: [{ y: h.y }] }, mark: { type: "text", align: "right", baseline: "bottom", dx: -4, dy: -2, x: "width", fontSize: 11, color: "gray" }, encoding: { y: { field: "y", type: "quantitative" }, text: { value: h.label } } });
  }
  const config = o.legendOrient ? { ...HEP_CONFIG, legend: { ...HEP_CONFIG.legend, orient: o.legendOrient, ...(o.legendOrient === "bottom" ? { direction: "horizontal", fillColor: null } : {}) } } : HEP_CONFIG;
  return { $schema: "https://vega.github.io/schema/vega-lite/v6.json", config, ...(o.title ? { title: o.title } : {}), layer: layers };
}

export interface BandPlotOptions {
  x: ArrayLike<number>;
  /** Expected median and the ±1σ, ±2σ quantiles at each x. */
  median: ArrayLike<number>;
  minus1: ArrayLike<number>;
  plus1: ArrayLike<number>;
  minus2: ArrayLike<number>;
  plus2: ArrayLike<number>;
  observed?: ArrayLike<number>;
  xAxis: AxisOptions;
  yAxis: AxisOptions;
  title?: string;
}

/** Expected-limit band ("Brazil plot") with the observed limit on top. */
export function bandPlot(o: BandPlotOptions): VegaLiteSpec {
  const values: Record<string, number>[] = [];
  for (let i = 0; i < o.x.length; i++) {
    values.push({ x: o.x[i], med: o.median[i], m1: o.minus1[i], p1: o.plus1[i], m2: o.minus2[i], p2: o.plus2[i], ...(o.observed ? { obs: o.observed[i] } : {}) });
  }
  const x = { field: "x", type: "quantitative", title: o.xAxis.title, scale: scale(o.xAxis), axis: axis(o.xAxis) };
  const yScale = scale(o.yAxis);
  const labels = ["Expected ± 2σ", "Expected ± 1σ", "Expected", ...(o.observed ? ["Observed"] : [])];
  const color = { scale: { domain: labels, range: [COLORS.band2, COLORS.band1, COLORS.expected, COLORS.observed] }, legend: { title: null, symbolType: "square" } };
  const layers: unknown[] = [
    { mark: { type: "area", opacity: 1 }, encoding: { x, y: { field: "m2", type: "quantitative", title: o.yAxis.title, scale: yScale, axis: axis(o.yAxis) }, y2: { field: "p2" }, color: { datum: labels[0], ...color } } },
    { mark: { type: "area", opacity: 1 }, encoding: { x, y: { field: "m1", type: "quantitative", scale: yScale }, y2: { field: "p1" }, color: { datum: labels[1], ...color } } },
    { mark: { type: "line", strokeDash: [6, 4] }, encoding: { x, y: { field: "med", type: "quantitative", scale: yScale }, color: { datum: labels[2], ...color } } },
  ];
  if (o.observed) layers.push({ mark: { type: "line", point: { filled: true, size: 20 } }, encoding: { x, y: { field: "obs", type: "quantitative", scale: yScale }, color: { datum: labels[3], ...color } } });
  return { $schema: "https://vega.github.io/schema/vega-lite/v6.json", config: HEP_CONFIG, ...(o.title ? { title: o.title } : {}), data: { values }, layer: layers };
}
