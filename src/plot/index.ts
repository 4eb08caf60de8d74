// Figures: Vega-Lite specs from plain data (charts.ts, HEP style) and their rendering to SVG,
// PNG and PDF on Node (the renderers load on first use).
export { linePlot, bandPlot, type VegaLiteSpec, type Series, type AxisOptions, type LinePlotOptions, type BandPlotOptions } from "./charts.ts";
export { renderSvg, svgToPng, svgToPdf, writeFigure, type FigureFormat } from "./render.ts";
export { HEP_CONFIG, COLORS, FONT } from "./style.ts";
