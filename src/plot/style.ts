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

/**
 * Axis titles from the identifiers the tables use (mplhep/ROOT convention: symbols with units).
 * An unknown name is returned as it is.
 */
export const LABELS: Record<string, string> = {
  mu: "μ", mu_SIG: "μ (signal strength)", mu_sig: "μ (signal strength)", POI: "μ",
  A: "A [events]", A_up: "A upper limit (95% CL) [events]", A_hat: "Â [events]", sigma_A: "σ_A [events]",
  eps2: "ε²", eps2_up: "ε² upper limit (95% CL)", mass_GeV: "m(A′) [GeV]", mass_MeV: "m(A′) [MeV]",
  Z_analytic: "local significance Z [σ]", p0_analytic: "local p₀", cls: "CLs", CLs: "CLs",
  delta_twice_nll: "−2 Δ ln L",
};

/** The axis title of an identifier (LABELS), e.g. axisLabel("mu_SIG") → "μ (signal strength)". */
export function axisLabel(name: string): string {
  if (LABELS[name]) return LABELS[name];
  if (/^mu(_|$)/i.test(name)) return `μ (${name})`;
  return name;
}

/** Superscript digits for 10ⁿ tick labels. */
const SUPERSCRIPT: Record<string, string> = { "-": "⁻", "0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵", "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹" };

/** 10ⁿ as text (n an integer): tenTo(-4) → "10⁻⁴". */
export function tenTo(n: number): string {
  return "10" + String(Math.round(n)).split("").map((c) => SUPERSCRIPT[c] ?? c).join("");
}

/**
 * A Vega expression labelling log-axis decades 10ⁿ (blank between decades), as HEP figures do.
 * Each digit is mapped to its superscript with replace(…, regexp(…, "g"), …).
 */
export const DECADE_LABEL_EXPR = (() => {
  let e = "('' + round(log(datum.value) / LN10))";
  for (const [c, sup] of Object.entries(SUPERSCRIPT)) e = `replace(${e}, regexp('${c}', 'g'), '${sup}')`;
  return `abs(log(datum.value) / LN10 - round(log(datum.value) / LN10)) < 1e-6 ? '10' + ${e} : ''`;
})();
