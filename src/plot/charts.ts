// Figure builders: plain data in, a Vega-Lite spec out. Pure functions (no Node imports), so
// the web page can render the same specs with vega-embed.
import { COLORS, DECADE_LABEL_EXPR, HEP_CONFIG } from "./style.ts";

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
  /** Experiment label in the top-left corner, e.g. "HPS" or "ATLAS Open Data". */
  label?: string;
  /** Warnings written in red inside the frame's bottom-left corner (e.g. a fit parameter at its bound). */
  warnings?: string[];
}

function scale(a: AxisOptions): Record<string, unknown> {
  const s: Record<string, unknown> = a.log ? { type: "log", nice: !a.domain } : { type: "linear", zero: false, nice: !a.domain };
  if (a.domain) s.domain = a.domain;
  return s;
}

/** Log axes label the decades only, as 10ⁿ (10⁻⁷, 10⁻⁶, …), as HEP figures do. */
function axis(a: AxisOptions): Record<string, unknown> {
  return a.log ? { labelExpr: DECADE_LABEL_EXPR, labelOverlap: false } : {};
}

export type Corner = "top-right" | "top-left" | "bottom-left" | "bottom-right";

/**
 * The frame corner whose legend box (a fraction `w` × `h` of the frame) covers the fewest data
 * points, in the axes' own (linear or log) coordinates; ties go to top-right, then top-left.
 */
export function pickCorner(points: { x: number; y: number }[], o: { xLog?: boolean; yLog?: boolean; w?: number; h?: number; exclude?: Corner[] } = {}): Corner {
  const tx = (v: number) => (o.xLog ? Math.log10(v) : v), ty = (v: number) => (o.yLog ? Math.log10(v) : v);
  const ps = points.map((p) => ({ x: tx(p.x), y: ty(p.y) })).filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  if (ps.length === 0) return "top-right";
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (const p of ps) { x0 = Math.min(x0, p.x); x1 = Math.max(x1, p.x); y0 = Math.min(y0, p.y); y1 = Math.max(y1, p.y); }
  const w = o.w ?? 0.4, h = o.h ?? 0.35;
  const fx = (v: number) => (x1 > x0 ? (v - x0) / (x1 - x0) : 0.5), fy = (v: number) => (y1 > y0 ? (v - y0) / (y1 - y0) : 0.5);
  const count = (c: Corner) => ps.filter((p) => {
    const u = fx(p.x), v = fy(p.y);
    return (c.endsWith("right") ? u >= 1 - w : u <= w) && (c.startsWith("top") ? v >= 1 - h : v <= h);
  }).length;
  const order = (["top-right", "top-left", "bottom-right", "bottom-left"] as Corner[]).filter((c) => !o.exclude?.includes(c));
  return order.reduce((best, c) => (count(c) < count(best) ? c : best), order[0]);
}

/** How a legend entry is drawn: a filled box (band), a line (solid or dashed, optional marker). */
export interface LegendEntry { label: string; color: string; kind: "box" | "line"; dashed?: boolean; marker?: boolean; opacity?: number }

/**
 * A legend drawn as marks in a corner of the frame, so each entry shows its own style (a filled
 * box for a band, a dashed or solid line, a marker), which a single Vega-Lite colour legend cannot.
 */
export function legendLayers(entries: LegendEntry[], corner: Corner): unknown[] {
  const rowH = 18, pad = 8, symW = 26;
  const widthPx = Math.max(...entries.map((e) => e.label.length)) * 7.2 + symW + 3 * pad;
  const x0 = corner.endsWith("right") ? `width - ${widthPx + pad}` : `${pad}`;
  const yTop = (i: number) => (corner.startsWith("top") ? `${pad + 6 + i * rowH}` : `height - ${pad + 6 + (entries.length - i) * rowH}`);
  const layers: unknown[] = [{
    mark: { type: "rect", fill: "white", fillOpacity: 0.85, stroke: null, x: { expr: x0 }, x2: { expr: `${x0} + ${widthPx}` }, y: { expr: `${yTop(0)} - 4` }, y2: { expr: `${yTop(entries.length)} - 2` } },
  }];
  entries.forEach((e, i) => {
    const yc = `${yTop(i)} + ${rowH / 2 - 2}`;
    const sx = `${x0} + ${pad}`;
    if (e.kind === "box") {
      layers.push({ mark: { type: "rect", fill: e.color, opacity: e.opacity ?? 1, x: { expr: sx }, x2: { expr: `${sx} + ${symW}` }, y: { expr: `${yc} - 6` }, y2: { expr: `${yc} + 6` } } });
    } else {
      // A line sample as thin boxes (a rule placed by pixel expressions is not drawn): one, or three dashes 6 px on, 4 px off.
      const segs = e.dashed ? [[0, 6], [10, 16], [20, 26]] : [[0, symW]];
      for (const [a, z] of segs) layers.push({ mark: { type: "rect", fill: e.color, x: { expr: `${sx} + ${a}` }, x2: { expr: `${sx} + ${z}` }, y: { expr: `${yc} - 1` }, y2: { expr: `${yc} + 1` } } });
      if (e.marker) layers.push({ mark: { type: "point", filled: true, size: 30, color: e.color, x: { expr: `${sx} + ${symW / 2}` }, y: { expr: yc } } });
    }
    layers.push({ mark: { type: "text", text: e.label, align: "left", baseline: "middle", fontSize: 12, color: "black", x: { expr: `${sx} + ${symW + 6}` }, y: { expr: yc } } });
  });
  // Marks without data draw once only when given one datum.
  return layers.map((l) => ({ data: { values: [{}] }, encoding: {}, ...(l as object) }));
}

/**
 * An experiment label inside the frame's top-left corner, mplhep style: the first word bold italic
 * ("HPS", "ATLAS"), the rest regular ("Open Data, √s = 13 TeV, 10 fb⁻¹").
 */
export function experimentLabelLayers(label: string | undefined): unknown[] {
  if (!label) return [];
  const [head, ...rest] = label.split(" ");
  const layers: unknown[] = [{ data: { values: [{}] }, encoding: {}, mark: { type: "text", text: head, align: "left", baseline: "top", fontSize: 15, fontWeight: "bold", fontStyle: "italic", color: "black", x: 10, y: 8 } }];
  if (rest.length) layers.push({ data: { values: [{}] }, encoding: {}, mark: { type: "text", text: rest.join(" "), align: "left", baseline: "top", fontSize: 14, color: "black", x: 10 + head.length * 10 + 6, y: 9 } });
  return layers;
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
  layers.push(...experimentLabelLayers(o.label));
  (o.warnings ?? []).forEach((w, i, all) => layers.push({
    data: { values: [{}] }, encoding: {},
    mark: { type: "text", text: `⚠ ${w}`, align: "left", baseline: "bottom", fontSize: 12, color: "#c00000", x: 8, y: { expr: `height - ${6 + 16 * (all.length - 1 - i)}` } },
  }));
  // Without an explicit position the legend goes to the corner that hides the fewest points.
  const orient = o.legendOrient ?? (o.series.length ? pickCorner(o.series.flatMap(rows), { xLog: o.x.log, yLog: o.y.log, exclude: o.label ? ["top-left"] : [] }) : undefined);
  const config = orient ? { ...HEP_CONFIG, legend: { ...HEP_CONFIG.legend, orient, ...(orient === "bottom" ? { direction: "horizontal", fillColor: null } : {}) } } : HEP_CONFIG;
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
  /** Experiment label in the top-left corner, e.g. "HPS" or "ATLAS Open Data". */
  label?: string;
  /** Legend corner; default: the corner that hides the fewest points. */
  legendCorner?: Corner;
}

/** The layers of a Brazil band: ±2σ and ±1σ areas, the dashed median and the observed line. */
function bandLayers(o: BandPlotOptions, extra: { yTitle: string; obsMarkers: boolean }): { values: Record<string, number>[]; layers: unknown[]; legend: LegendEntry[]; points: { x: number; y: number }[] } {
  const values: Record<string, number>[] = [];
  const points: { x: number; y: number }[] = [];
  for (let i = 0; i < o.x.length; i++) {
    values.push({ x: o.x[i], med: o.median[i], m1: o.minus1[i], p1: o.plus1[i], m2: o.minus2[i], p2: o.plus2[i], ...(o.observed ? { obs: o.observed[i] } : {}) });
    for (const v of [o.minus2[i], o.plus2[i], o.median[i], ...(o.observed ? [o.observed[i]] : [])]) points.push({ x: o.x[i], y: v });
  }
  const x = { field: "x", type: "quantitative", title: o.xAxis.title, scale: scale(o.xAxis), axis: axis(o.xAxis) };
  const yScale = scale(o.yAxis);
  const layers: unknown[] = [
    { mark: { type: "area", opacity: 1, color: COLORS.band2 }, encoding: { x, y: { field: "m2", type: "quantitative", title: extra.yTitle, scale: yScale, axis: axis(o.yAxis) }, y2: { field: "p2" } } },
    { mark: { type: "area", opacity: 1, color: COLORS.band1 }, encoding: { x, y: { field: "m1", type: "quantitative", scale: yScale }, y2: { field: "p1" } } },
    { mark: { type: "line", strokeDash: [6, 4], color: COLORS.expected }, encoding: { x, y: { field: "med", type: "quantitative", scale: yScale } } },
  ];
  if (o.observed) layers.push({ mark: { type: "line", color: COLORS.observed, ...(extra.obsMarkers ? { point: { filled: true, size: 20, color: COLORS.observed } } : {}) }, encoding: { x, y: { field: "obs", type: "quantitative", scale: yScale } } });
  const legend: LegendEntry[] = [
    ...(o.observed ? [{ label: "Observed", color: COLORS.observed, kind: "line" as const, marker: extra.obsMarkers }] : []),
    { label: "Expected", color: COLORS.expected, kind: "line", dashed: true },
    { label: "Expected ± 1σ", color: COLORS.band1, kind: "box" },
    { label: "Expected ± 2σ", color: COLORS.band2, kind: "box" },
  ];
  return { values, layers, legend, points };
}

/**
 * Expected-limit band ("Brazil plot") with the observed limit on top. The legend shows each
 * entry's style (boxes for the bands, a dashed median, the observed line with markers) in the
 * corner that hides the fewest points.
 */
export function bandPlot(o: BandPlotOptions): VegaLiteSpec {
  const b = bandLayers(o, { yTitle: o.yAxis.title, obsMarkers: true });
  const corner = o.legendCorner ?? pickCorner(b.points, { xLog: o.xAxis.log, yLog: o.yAxis.log, exclude: o.label ? ["top-left"] : [] });
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json", config: HEP_CONFIG, ...(o.title ? { title: o.title } : {}),
    layer: [{ data: { values: b.values }, layer: b.layers }, ...legendLayers(b.legend, corner), ...experimentLabelLayers(o.label)],
  };
}

export interface ClsPlotOptions extends BandPlotOptions {
  /** The test size α = 1 − CL: a red line at CLs = α, labelled. */
  alpha: number;
  /** The POI's name, for the α line's label. */
  poi?: string;
}

/**
 * CLs against the POI (pyhf's brazil plot of `upper-limit`): the expected band, the observed
 * curve, and the line CLs = α whose crossings are the limits. Linear CLs axis from 0 to 1.
 */
export function clsPlot(o: ClsPlotOptions): VegaLiteSpec {
  const yAxis: AxisOptions = { ...o.yAxis, domain: o.yAxis.domain ?? (o.yAxis.log ? undefined : [0, 1]) };
  const b = bandLayers({ ...o, yAxis }, { yTitle: o.yAxis.title, obsMarkers: false });
  const alphaLayer = { data: { values: [{ y: o.alpha }] }, mark: { type: "rule", color: "red", strokeWidth: 1.5 }, encoding: { y: { field: "y", type: "quantitative", scale: scale(yAxis) } } };
  const legend: LegendEntry[] = [...b.legend, { label: `α = ${+o.alpha.toFixed(4)}`, color: "red", kind: "line" }];
  const corner = o.legendCorner ?? pickCorner(b.points, { yLog: yAxis.log, exclude: o.label ? ["top-left"] : [] });
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json", config: HEP_CONFIG, ...(o.title ? { title: o.title } : {}),
    layer: [{ data: { values: b.values }, layer: [...b.layers] }, alphaLayer, ...legendLayers(legend, corner), ...experimentLabelLayers(o.label)],
  };
}

export interface PullPanelOptions {
  x: ArrayLike<number>;
  /** (data − fit) / σ per point. */
  pull: ArrayLike<number>;
  /** Title of the pull axis; default "pull [σ]". */
  title?: string;
}

/**
 * A fit figure with a pull panel under it (ROOT/mplhep style): the main plot without its x
 * labels, and below it the pulls as points with lines at 0 and ±2σ, on the same x scale.
 * `main` is a spec from linePlot (a layer spec); its title and config are kept on the whole.
 */
export function withPullPanel(main: VegaLiteSpec, o: PullPanelOptions): VegaLiteSpec {
  const { $schema, config, title, ...rest } = main as { $schema?: string; config?: unknown; title?: unknown; layer?: Record<string, unknown>[] };
  const layers = (rest.layer ?? []).map((l) => {
    const enc = l.encoding as Record<string, Record<string, unknown>> | undefined;
    if (!enc?.x || !("title" in enc.x)) return l;
    return { ...l, encoding: { ...enc, x: { ...enc.x, title: null, axis: { ...(enc.x.axis as object), labels: false } } } };
  });
  const xEnc = (rest.layer ?? []).map((l) => (l.encoding as Record<string, Record<string, unknown>> | undefined)?.x).find((x) => x && "title" in x) ?? { title: "x" };
  const values: { x: number; pull: number }[] = [];
  for (let i = 0; i < o.x.length; i++) if (Number.isFinite(o.x[i]) && Number.isFinite(o.pull[i])) values.push({ x: o.x[i], pull: o.pull[i] });
  const lim = Math.max(3, Math.ceil(Math.max(0, ...values.map((v) => Math.abs(v.pull)))));
  const y = { field: "pull", type: "quantitative", title: o.title ?? "pull [σ]", scale: { domain: [-lim, lim], nice: false } };
  const x = { field: "x", type: "quantitative", title: xEnc.title, scale: xEnc.scale, axis: {} };
  const pulls = {
    height: 90,
    layer: [
      { data: { values: [{ y: -2 }, { y: 2 }] }, mark: { type: "rule", color: "gray", strokeDash: [3, 3] }, encoding: { y: { field: "y", type: "quantitative", scale: y.scale } } },
      { data: { values: [{ y: 0 }] }, mark: { type: "rule", color: "black" }, encoding: { y: { field: "y", type: "quantitative", scale: y.scale } } },
      { data: { values }, mark: { type: "point", filled: true, size: 30, color: "black" }, encoding: { x, y } },
    ],
  };
  return {
    $schema: $schema ?? "https://vega.github.io/schema/vega-lite/v6.json", config, ...(title ? { title } : {}),
    vconcat: [{ ...rest, layer: layers }, pulls], spacing: 4, resolve: { scale: { x: "shared" } },
  };
}
