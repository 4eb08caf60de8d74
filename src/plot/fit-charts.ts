// The figures of a fit report besides the stacked plot (cabinetry visualize.pulls,
// .correlation_matrix, .ranking): nuisance-parameter pulls with ±1σ/±2σ bands, a parameter
// summary (normalisation factors with their values), the correlation matrix as a heat map, and
// the impact ranking (pre- and post-fit ΔPOI bars on the top axis, pulls on the bottom axis).
// Plain data in, Vega-Lite spec out.
import type { VegaLiteSpec } from "./charts.ts";
import { COLORS, HEP_CONFIG } from "./style.ts";

const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";
const ROW_PX = 18;

export interface ParameterPoint {
  name: string;
  value: number;
  /** Symmetric error (omit for none). */
  error?: number;
}

export interface PullPlotOptions {
  entries: ParameterPoint[];
  xTitle: string;
  /** x range (default [−3, 3] with ±1σ/±2σ bands, else from the values). */
  domain?: [number, number];
  /** Draw the ±1σ (green) and ±2σ (yellow) bands and a line at 0 (pulls); else a line at `reference`. */
  bands?: boolean;
  reference?: number;
  width?: number;
}

/** Parameters as points with horizontal error bars, one row each, in the given order from the top. */
export function pullPlot(o: PullPlotOptions): VegaLiteSpec {
  const names = o.entries.map((e) => e.name);
  const rows = o.entries.filter((e) => Number.isFinite(e.value)).map((e) => ({ name: e.name, value: e.value, lo: e.value - (e.error ?? 0), hi: e.value + (e.error ?? 0) }));
  let domain = o.domain;
  if (!domain) {
    if (o.bands) domain = [-3, 3];
    else {
      const lo = Math.min(...rows.map((r) => r.lo), o.reference ?? Infinity), hi = Math.max(...rows.map((r) => r.hi), o.reference ?? -Infinity);
      const pad = 0.15 * (hi - lo || 1);
      domain = [lo - pad, hi + pad];
    }
  }
  const x = { field: "value", type: "quantitative", title: o.xTitle, scale: { domain, nice: false, zero: false } };
  const y = { field: "name", type: "nominal", sort: names, title: null, scale: { domain: names }, axis: { labelLimit: 320, labelFontSize: 11, tickSize: 0 } };
  const clip = rows.map((r) => ({ ...r, lo: Math.max(r.lo, domain![0]), hi: Math.min(r.hi, domain![1]), value: Math.min(Math.max(r.value, domain![0]), domain![1]) }));
  const layers: unknown[] = [];
  if (o.bands) {
    layers.push(
      { data: { values: [{ value: -2, v2: 2 }] }, mark: { type: "rect", color: COLORS.band2 }, encoding: { x: { ...x }, x2: { field: "v2" } } },
      { data: { values: [{ value: -1, v2: 1 }] }, mark: { type: "rect", color: COLORS.band1 }, encoding: { x: { ...x }, x2: { field: "v2" } } },
    );
  }
  layers.push(
    { data: { values: [{ value: o.bands ? 0 : (o.reference ?? 0) }] }, mark: { type: "rule", color: "black", strokeDash: [4, 3] }, encoding: { x } },
    { data: { values: clip }, mark: { type: "rule", color: "black", strokeWidth: 1.5 }, encoding: { x: { ...x, field: "lo" }, x2: { field: "hi" }, y } },
    { data: { values: clip }, mark: { type: "point", filled: true, size: 36, color: "black", opacity: 1 }, encoding: { x, y } },
  );
  return { $schema: SCHEMA, config: HEP_CONFIG, width: o.width ?? 360, height: Math.max(60, ROW_PX * names.length), layer: layers };
}

export interface CorrelationPlotOptions {
  names: string[];
  /** Row-major correlation matrix of `names`. */
  matrix: ArrayLike<number>;
  /** Print the value in each cell (default: up to 25 parameters). */
  annotate?: boolean;
}

/** The correlation matrix as a heat map (blue −1, white 0, red +1), first parameter at the top left. */
export function correlationPlot(o: CorrelationPlotOptions): VegaLiteSpec {
  const n = o.names.length;
  const values: { a: string; b: string; rho: number; text: string }[] = [];
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    const r = o.matrix[i * n + j];
    values.push({ a: o.names[i], b: o.names[j], rho: r, text: (Math.abs(r) < 0.005 ? 0 : r).toFixed(2) });
  }
  const cell = Math.max(14, Math.min(40, Math.floor(600 / Math.max(n, 1))));
  const x = { field: "b", type: "nominal", sort: o.names, title: null, axis: { labelAngle: -60, labelLimit: 260, labelFontSize: 10, orient: "bottom", tickSize: 0 } };
  const y = { field: "a", type: "nominal", sort: o.names, title: null, axis: { labelLimit: 260, labelFontSize: 10, tickSize: 0 } };
  const layers: unknown[] = [
    { mark: { type: "rect" }, encoding: { x, y, color: { field: "rho", type: "quantitative", title: "ρ", scale: { domain: [-1, 0, 1], range: ["#2166ac", "#ffffff", "#b2182b"] }, legend: { orient: "right", gradientLength: Math.min(300, cell * n), titleFontSize: 14 } } } },
  ];
  if (o.annotate ?? n <= 25) {
    layers.push({ mark: { type: "text", fontSize: Math.min(11, cell / 3.2) }, encoding: { x, y, text: { field: "text" }, color: { condition: { test: "abs(datum.rho) > 0.6", value: "white" }, value: "black" } } });
  }
  return { $schema: SCHEMA, config: { ...HEP_CONFIG, legend: { ...HEP_CONFIG.legend, orient: "right", fillColor: null } }, data: { values }, width: cell * n, height: cell * n, layer: layers };
}

export interface RankingEntry {
  name: string;
  prefitUp: number;
  prefitDown: number;
  postfitUp: number;
  postfitDown: number;
  /** Pull (θ̂ − θ₀)/Δθ and its post-fit error in units of the pre-fit width. */
  pull: number;
  pullError: number;
}

export interface RankingPlotOptions {
  entries: RankingEntry[];
  /** Name of the POI for the axis title, e.g. "μ". */
  poi: string;
  width?: number;
}

/**
 * The impact ranking, highest first (cabinetry's layout): ΔPOI of the refits at θ̂ ± σ as bars on
 * the top axis (pre-fit impacts hollow, post-fit filled; up in blue, down in teal), the pulls with
 * their errors as points on the bottom axis.
 */
export function rankingPlot(o: RankingPlotOptions): VegaLiteSpec {
  const names = o.entries.map((e) => e.name);
  const maxImpact = Math.max(0, ...o.entries.flatMap((e) => [e.prefitUp, e.prefitDown, e.postfitUp, e.postfitDown].map(Math.abs).filter(Number.isFinite)));
  const lim = maxImpact > 1e-12 ? 1.15 * maxImpact : 1; // all impacts 0 (e.g. the POI at a bound): a unit axis
  const y = { field: "name", type: "nominal", sort: names, title: null, scale: { domain: names, paddingInner: 0.25 }, axis: { labelLimit: 320, labelFontSize: 11, tickSize: 0 } };
  const kinds = ["pre-fit impact: θ = θ̂ + Δθ", "pre-fit impact: θ = θ̂ − Δθ", "θ = θ̂ + Δθ", "θ = θ̂ − Δθ"];
  const colors = ["#1f77b4", "#17becf", "#1f77b4", "#17becf"];
  const bars = o.entries.flatMap((e) => [e.prefitUp, e.prefitDown, e.postfitUp, e.postfitDown].map((v, k) => ({ name: e.name, kind: kinds[k], pre: k < 2, v: Number.isFinite(v) ? v : 0 })));
  const impactX = { field: "v", type: "quantitative", title: `Δ${o.poi}`, scale: { domain: [-lim, lim], nice: false }, axis: { orient: "top", titleColor: "#1f77b4" } };
  const color = { field: "kind", type: "nominal", scale: { domain: kinds, range: colors }, legend: null };
  const zero = { datum: 0, type: "quantitative" };
  const pullX = { field: "pull", type: "quantitative", title: "(θ̂ − θ₀)/Δθ", scale: { domain: [-2, 2], nice: false }, axis: { orient: "bottom" } };
  const pulls = o.entries.filter((e) => Number.isFinite(e.pull)).map((e) => ({ name: e.name, pull: e.pull, lo: Math.max(-2, e.pull - e.pullError), hi: Math.min(2, e.pull + e.pullError) }));
  return {
    $schema: SCHEMA,
    config: HEP_CONFIG,
    title: { text: `Impact on ${o.poi}: filled post-fit, hollow pre-fit; blue θ = θ̂ + Δθ, teal θ = θ̂ − Δθ`, fontSize: 11, offset: 6 },
    width: o.width ?? 360,
    height: Math.max(80, 22 * names.length),
    layer: [
      {
        layer: [
          { data: { values: bars.filter((b) => b.pre) }, mark: { type: "bar", fillOpacity: 0, strokeWidth: 1.5, orient: "horizontal" }, encoding: { y, x: impactX, x2: zero, stroke: color } },
          { data: { values: bars.filter((b) => !b.pre) }, mark: { type: "bar", opacity: 0.75, orient: "horizontal", height: { band: 0.5 } }, encoding: { y, x: impactX, x2: zero, fill: color } },
        ],
      },
      {
        layer: [
          { data: { values: pulls }, mark: { type: "rule", color: "black", strokeWidth: 1.5 }, encoding: { y, x: { ...pullX, field: "lo" }, x2: { field: "hi" } } },
          { data: { values: pulls }, mark: { type: "point", filled: true, size: 30, color: "black", opacity: 1 }, encoding: { y, x: pullX } },
        ],
      },
    ],
    resolve: { scale: { x: "independent" }, axis: { x: "independent" } },
  };
}
