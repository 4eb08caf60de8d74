// HEP-style defaults for Vega-Lite figures: sans-serif DejaVu text, a closed frame, no grid,
// ticks inside, large axis titles; what a collaboration note expects of a plot.

export const FONT = "DejaVu Sans";

/** Vega-Lite `config` block shared by every figure. */
export const HEP_CONFIG = {
  font: FONT,
  background: "white",
  padding: 8,
  view: { stroke: "black", strokeWidth: 1, continuousWidth: 480, continuousHeight: 340 },
  axis: {
    grid: false,
    domain: false,
    ticks: true,
    tickColor: "black",
    tickSize: -6,
    tickWidth: 1,
    labelColor: "black",
    labelFontSize: 13,
    labelPadding: 8,
    titleColor: "black",
    titleFontSize: 15,
    titleFontWeight: "normal",
    titlePadding: 10,
  },
  legend: {
    labelFontSize: 12,
    titleFontSize: 12,
    orient: "top-right",
    fillColor: "white",
    padding: 6,
    symbolStrokeWidth: 2,
    labelLimit: 400,
  },
  title: { fontSize: 14, fontWeight: "normal", anchor: "start" },
  line: { strokeWidth: 2 },
} as const;

/** Colours of the conventional expected-limit ("Brazil") band and of data series. */
export const COLORS = {
  band1: "#00cc00",
  band2: "#ffcc00",
  expected: "black",
  observed: "black",
  series: ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf"],
};
