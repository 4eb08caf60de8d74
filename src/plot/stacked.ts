// Data versus a stacked model, the figure of every HEP fit report (cabinetry
// visualize.data_mc, ROOT's THStack + TRatioPlot): samples stacked in a given order and colour,
// the total's uncertainty as a hatched band, data as points with Poisson (Garwood) error bars,
// and a data/model ratio panel below with the relative uncertainty band around 1.
//
// Hatching is drawn as line segments at 45° on screen: each band rectangle is mapped to the unit
// square of the frame (linear or log y), filled with parallel lines there, and the segment ends
// mapped back to data coordinates, so the lines stay parallel across bins and panels.
import { garwoodInterval } from "../math/incgamma.ts";
import { experimentLabelLayers, type LegendEntry, type VegaLiteSpec } from "./charts.ts";
import { COLORS, DECADE_LABEL_EXPR, HEP_CONFIG } from "./style.ts";

export interface StackedSample {
  name: string;
  /** Yield per bin. */
  yields: ArrayLike<number>;
  /** CSS colour (default: the palette by position). */
  color?: string;
}

export interface StackedHistogramOptions {
  /** Bin edges (nbins + 1, increasing). */
  edges: ArrayLike<number>;
  /** Samples from the bottom of the stack to the top. */
  samples: StackedSample[];
  /** Total model yield per bin (default: the sum of the samples) and its standard deviation. */
  total?: ArrayLike<number>;
  stdev?: ArrayLike<number>;
  /** Observed counts per bin (omit, or null, for a blinded channel). */
  data?: ArrayLike<number> | null;
  xTitle: string;
  yTitle?: string;
  logY?: boolean;
  /** Text written under the experiment label, e.g. the channel name and "Post-fit". */
  caption?: string[];
  /** Experiment label (mplhep style), e.g. "ATLAS Open Likelihoods". */
  label?: string;
  /** Ratio panel y range (default [0.5, 1.5]). */
  ratioRange?: [number, number];
  /** Confidence level of the data error bars (default 68.27 %). */
  cl?: number;
  width?: number;
  height?: number;
  ratioHeight?: number;
}

/** Palette for stacked samples (colour-blind safe: Petroff 2021, 10 colours). */
export const STACK_COLORS = ["#3f90da", "#ffa90e", "#bd1f01", "#94a4a2", "#832db6", "#a96b59", "#e76300", "#b9ac70", "#717581", "#92dadd"];

const HATCH_PX = 7;

/**
 * Segments of 45° hatching (on screen) covering the rectangle [x0, x1] × [y0, y1], given as
 * fractions of the frame (u along x, v along y), for a frame w × h pixels.
 */
export function hatchSegments(u0: number, u1: number, v0: number, v1: number, w: number, h: number, spacingPx = HATCH_PX): [number, number, number, number][] {
  const k = w / h; // v = k·u + c is a 45° line on screen
  const step = spacingPx / h;
  const out: [number, number, number, number][] = [];
  if (!(u1 > u0) || !(v1 > v0)) return out;
  // Lines of one lattice over the whole frame (c = n·step), so neighbouring rectangles line up.
  const cMin = v0 - k * u1, cMax = v1 - k * u0;
  for (let n = Math.ceil(cMin / step); n * step <= cMax; n++) {
    const c = n * step;
    const a = Math.max(u0, (v0 - c) / k), b = Math.min(u1, (v1 - c) / k);
    if (b - a > 1e-9) out.push([a, k * a + c, b, k * b + c]);
  }
  return out;
}

interface Frame {
  x0: number; x1: number; y0: number; y1: number; log: boolean; w: number; h: number;
}

function toUnitY(f: Frame, y: number): number {
  return f.log ? (Math.log10(y) - Math.log10(f.y0)) / (Math.log10(f.y1) - Math.log10(f.y0)) : (y - f.y0) / (f.y1 - f.y0);
}

function fromUnitY(f: Frame, v: number): number {
  return f.log ? 10 ** (Math.log10(f.y0) + v * (Math.log10(f.y1) - Math.log10(f.y0))) : f.y0 + v * (f.y1 - f.y0);
}

/**
 * Hatching of band rectangles {x, x2, lo, hi} (data coordinates, clipped to the frame) as the
 * points of ONE broken line: segment ends in pairs, separated by a null point that breaks the
 * path, so the whole hatch is a single SVG path rather than one element per stroke.
 */
function hatchPath(f: Frame, rects: { x: number; x2: number; lo: number; hi: number }[]): { i: number; x: number | null; y: number | null }[] {
  const pts: { i: number; x: number | null; y: number | null }[] = [];
  for (const s of hatchRules(f, rects)) pts.push({ i: pts.length, x: s.x, y: s.y }, { i: pts.length + 1, x: s.x2, y: s.y2 }, { i: pts.length + 2, x: null, y: null });
  return pts;
}

function hatchLayer(f: Frame, rects: { x: number; x2: number; lo: number; hi: number }[], x: object, yScale: object): unknown {
  return {
    data: { values: hatchPath(f, rects) },
    mark: { type: "line", color: "#333333", strokeWidth: 0.8, invalid: "break-paths-show-domains", interpolate: "linear" },
    encoding: { x, y: { field: "y", type: "quantitative", scale: yScale }, order: { field: "i", type: "quantitative" } },
  };
}

/** Hatch segments for band rectangles {x, x2, lo, hi} in data coordinates, clipped to the frame. */
function hatchRules(f: Frame, rects: { x: number; x2: number; lo: number; hi: number }[]): { x: number; y: number; x2: number; y2: number }[] {
  const out: { x: number; y: number; x2: number; y2: number }[] = [];
  const ux = (x: number) => (x - f.x0) / (f.x1 - f.x0);
  for (const r of rects) {
    const lo = Math.max(r.lo, f.y0), hi = Math.min(r.hi, f.y1);
    if (!(hi > lo)) continue;
    for (const [a, va, b, vb] of hatchSegments(ux(r.x), ux(r.x2), Math.max(0, toUnitY(f, lo)), Math.min(1, toUnitY(f, hi)), f.w, f.h)) {
      out.push({ x: f.x0 + a * (f.x1 - f.x0), y: fromUnitY(f, va), x2: f.x0 + b * (f.x1 - f.x0), y2: fromUnitY(f, vb) });
    }
  }
  return out;
}

/**
 * The legend in the frame's top-right corner as four data-driven layers (panel, boxes, line
 * samples with markers, labels) positioned in pixels (`scale: null`), drawn in each entry's
 * style like charts.ts's legendLayers but several times cheaper to render for long stacks.
 */
function compactLegend(entries: LegendEntry[], w: number): unknown[] {
  const rowH = 18, pad = 8, symW = 26;
  const widthPx = Math.max(...entries.map((e) => e.label.length)) * 7.2 + symW + 3 * pad;
  const x0 = w - widthPx - pad, sx = x0 + pad;
  const yc = (i: number) => pad + 6 + i * rowH + rowH / 2 - 2;
  const px = (f: string) => ({ field: f, type: "quantitative", scale: null });
  const boxes = entries.map((e, i) => ({ e, i })).filter(({ e }) => e.kind === "box")
    .map(({ e, i }) => ({ x: sx, x2: sx + symW, y: yc(i) - 6, y2: yc(i) + 6, fill: e.color, opacity: e.opacity ?? 1 }));
  const lines = entries.map((e, i) => ({ e, i })).filter(({ e }) => e.kind === "line")
    .map(({ e, i }) => ({ x: sx, x2: sx + symW, y: yc(i) - 1, y2: yc(i) + 1, xm: sx + symW / 2, ym: yc(i), fill: e.color, opacity: 1, marker: !!e.marker }));
  const labels = entries.map((e, i) => ({ x: sx + symW + 6, y: yc(i), text: e.label }));
  return [
    { data: { values: [{ x: x0, x2: x0 + widthPx, y: pad + 2, y2: pad + 4 + entries.length * rowH }] }, mark: { type: "rect", fill: "white", fillOpacity: 0.85 }, encoding: { x: px("x"), x2: { field: "x2" }, y: px("y"), y2: { field: "y2" } } },
    { data: { values: [...boxes, ...lines] }, mark: { type: "rect" }, encoding: { x: px("x"), x2: { field: "x2" }, y: px("y"), y2: { field: "y2" }, fill: { field: "fill", type: "nominal", scale: null }, opacity: { field: "opacity", type: "quantitative", scale: null } } },
    { data: { values: lines.filter((l) => l.marker) }, mark: { type: "point", filled: true, size: 30, opacity: 1 }, encoding: { x: px("xm"), y: px("ym"), fill: { field: "fill", type: "nominal", scale: null } } },
    { data: { values: labels }, mark: { type: "text", align: "left", baseline: "middle", fontSize: 12, color: "black" }, encoding: { x: px("x"), y: px("y"), text: { field: "text" } } },
  ];
}

const niceMax = (v: number) => {
  const p = 10 ** Math.floor(Math.log10(v));
  return [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10].map((m) => m * p).find((x) => x >= v) ?? 10 * p;
};

/** The stacked data/model figure with its ratio panel (a Vega-Lite vconcat). */
export function stackedHistogram(o: StackedHistogramOptions): VegaLiteSpec {
  const nb = o.edges.length - 1;
  const w = o.width ?? 480, h = o.height ?? 320, hr = o.ratioHeight ?? 110;
  const edges = Array.from(o.edges);
  const total = o.total ? Array.from(o.total) : edges.slice(0, nb).map((_, b) => o.samples.reduce((a, s) => a + s.yields[b], 0));
  const stdev = o.stdev ? Array.from(o.stdev) : total.map(() => 0);
  const data = o.data ? Array.from(o.data) : null;
  const intervals = data ? data.map((n) => garwoodInterval(n, o.cl)) : null;
  const colorOf = (i: number) => o.samples[i].color ?? STACK_COLORS[i % STACK_COLORS.length];

  // y range of the main panel: the top fraction f of the frame is left to the labels and the
  // legend (one 18 px row per entry), so they never cover the stack or the data.
  const tops = total.map((t, b) => Math.max(t + stdev[b], intervals ? intervals[b][1] : 0));
  const top = Math.max(...tops, 1e-9);
  const nEntries = o.samples.length + (data ? 2 : 1);
  const f = Math.min(0.75, Math.max(0.35, (nEntries * 18 + 24) / h));
  let y0: number, y1: number;
  if (o.logY) {
    const positives = [...total, ...(data ?? [])].filter((v) => v > 0);
    const small = positives.length ? Math.min(...positives) : top / 100;
    y0 = 10 ** Math.floor(Math.log10(small / 3));
    y1 = 10 ** Math.ceil(Math.log10(top) + ((Math.log10(top) - Math.log10(y0)) * f) / (1 - f));
  } else {
    y0 = 0;
    y1 = niceMax(top / (1 - f));
  }
  const frame: Frame = { x0: edges[0], x1: edges[nb], y0, y1, log: !!o.logY, w, h };
  // Ticks at the bin edges (up to 12 bins), labels not pushed inwards at the frame's ends.
  const ticks = nb <= 12 ? { values: edges, labelFlush: false } : { labelFlush: false };
  const x = { field: "x", type: "quantitative", scale: { domain: [edges[0], edges[nb]], nice: false, zero: false }, axis: { labels: false, title: null, ...ticks } };
  const yScale = o.logY ? { type: "log", domain: [y0, y1], nice: false } : { domain: [y0, y1], nice: false, zero: true };
  const yAxis = { title: o.yTitle ?? "Events", ...(o.logY ? { labelExpr: DECADE_LABEL_EXPR, labelOverlap: false } : {}) };

  // Stack: cumulative lower and upper edges per sample and bin (clipped at the log floor).
  const stackRows: Record<string, unknown>[] = [];
  const cum = new Array(nb).fill(0);
  o.samples.forEach((s, i) => {
    for (let b = 0; b < nb; b++) {
      const lo = cum[b], hi = cum[b] + Math.max(0, s.yields[b]);
      cum[b] = hi;
      if (hi > lo) stackRows.push({ x: edges[b], x2: edges[b + 1], lo: o.logY ? Math.max(lo, y0) : lo, hi: Math.max(hi, o.logY ? y0 : hi), sample: s.name, color: colorOf(i) });
    }
  });
  const bandRects = total.map((t, b) => ({ x: edges[b], x2: edges[b + 1], lo: t - stdev[b], hi: t + stdev[b] }));
  const totalSteps = total.flatMap((t, b) => [{ x: edges[b], y: Math.max(t, o.logY ? y0 : t) }, { x: edges[b + 1], y: Math.max(t, o.logY ? y0 : t) }]);
  const centres = edges.slice(0, nb).map((e, b) => 0.5 * (e + edges[b + 1]));

  const main: unknown[] = [
    { data: { values: stackRows }, mark: { type: "rect", stroke: "black", strokeWidth: 0.5 }, encoding: { x, x2: { field: "x2" }, y: { field: "lo", type: "quantitative", scale: yScale, axis: yAxis }, y2: { field: "hi" }, fill: { field: "color", type: "nominal", scale: null } } },
    { data: { values: totalSteps }, mark: { type: "line", color: "black", strokeWidth: 1.5, interpolate: "linear" }, encoding: { x, y: { field: "y", type: "quantitative", scale: yScale } } },
    hatchLayer(frame, bandRects, x, yScale),
  ];
  if (data && intervals) {
    const pts = data.map((n, b) => ({ x: centres[b], y: n, lo: Math.max(intervals[b][0], o.logY ? y0 : 0), hi: intervals[b][1] })).filter((p) => !o.logY || p.y > 0);
    main.push(
      { data: { values: pts }, mark: { type: "rule", color: "black", strokeWidth: 1.5 }, encoding: { x, y: { field: "lo", type: "quantitative", scale: yScale }, y2: { field: "hi" } } },
      { data: { values: pts }, mark: { type: "point", filled: true, size: 40, color: "black", opacity: 1 }, encoding: { x, y: { field: "y", type: "quantitative", scale: yScale } } },
    );
  }
  // Legend: data, samples from the top of the stack down, the uncertainty.
  const entries: LegendEntry[] = [
    ...(data ? [{ label: "Data", color: "black", kind: "line", marker: true } as LegendEntry] : []),
    ...o.samples.map((s, i) => ({ label: s.name, color: colorOf(i), kind: "box" } as LegendEntry)).reverse(),
    { label: "Uncertainty", color: "#777777", kind: "box", opacity: 0.45 },
  ];
  main.push(...compactLegend(entries, w), ...experimentLabelLayers(o.label));
  (o.caption ?? []).forEach((line, i) => main.push({ data: { values: [{}] }, encoding: {}, mark: { type: "text", text: line, align: "left", baseline: "top", fontSize: 13, color: "black", x: 10, y: (o.label ? 30 : 8) + i * 17 } }));

  // Ratio panel: data/model with its Garwood bars scaled, the relative uncertainty hatched around 1.
  const [r0, r1] = o.ratioRange ?? [0.5, 1.5];
  const rFrame: Frame = { x0: edges[0], x1: edges[nb], y0: r0, y1: r1, log: false, w, h: hr };
  const rScale = { domain: [r0, r1], nice: false, zero: false };
  const xr = { ...x, axis: { title: o.xTitle, ...ticks } };
  const relRects = total.map((t, b) => ({ x: edges[b], x2: edges[b + 1], lo: t > 0 ? 1 - stdev[b] / t : 1, hi: t > 0 ? 1 + stdev[b] / t : 1 }));
  const ratio: unknown[] = [
    { data: { values: [{ y: 1 }] }, mark: { type: "rule", color: "black", strokeDash: [4, 3], strokeWidth: 1 }, encoding: { y: { field: "y", type: "quantitative", scale: rScale, axis: { title: "Data / Model", tickCount: 4, titleFontSize: 12 } } } },
    hatchLayer(rFrame, relRects, xr, rScale),
  ];
  if (data && intervals) {
    // Bars clipped to the panel; a point outside the range is left out (its bar still shows where it reaches in).
    const all = data.map((n, b) => ({ x: centres[b], y: n / total[b], lo: intervals[b][0] / total[b], hi: intervals[b][1] / total[b] })).filter((p) => Number.isFinite(p.y));
    const bars = all.filter((p) => p.hi > r0 && p.lo < r1).map((p) => ({ ...p, lo: Math.max(p.lo, r0), hi: Math.min(p.hi, r1) }));
    const pts = all.filter((p) => p.y >= r0 && p.y <= r1);
    ratio.push(
      { data: { values: bars }, mark: { type: "rule", color: "black", strokeWidth: 1.5 }, encoding: { x: xr, y: { field: "lo", type: "quantitative", scale: rScale }, y2: { field: "hi" } } },
      { data: { values: pts }, mark: { type: "point", filled: true, size: 40, color: "black", opacity: 1 }, encoding: { x: xr, y: { field: "y", type: "quantitative", scale: rScale } } },
    );
  }
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    config: { ...HEP_CONFIG, concat: { spacing: 4 } },
    vconcat: [
      { width: w, height: h, layer: main },
      { width: w, height: hr, layer: ratio },
    ],
    resolve: { scale: { x: "shared" } },
  };
}

/** Default colour of sample `i` of a stack. */
export function stackColor(i: number): string {
  return STACK_COLORS[i % STACK_COLORS.length] ?? COLORS.series[0];
}
