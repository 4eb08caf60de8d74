// Figures: Vega-Lite specs from plain data (charts.ts, HEP style) and their rendering to SVG,
// PNG and PDF on Node (the renderers load on first use).
export { linePlot, bandPlot, clsPlot, withPullPanel, type PullPanelOptions, pickCorner, legendLayers, experimentLabelLayers, type Corner, type LegendEntry, type ClsPlotOptions, type VegaLiteSpec, type Series, type AxisOptions, type LinePlotOptions, type BandPlotOptions } from "./charts.ts";
export { renderSvg, svgToPng, svgToPdf, writeFigure, type FigureFormat } from "./render.ts";
export { HEP_CONFIG, COLORS, FONT, LABELS, axisLabel, tenTo, DECADE_LABEL_EXPR } from "./style.ts";
export { stackedHistogram, hatchSegments, STACK_COLORS, type StackedHistogramOptions, type StackedSample } from "./stacked.ts";
export { pullPlot, correlationPlot, rankingPlot, type PullPlotOptions, type ParameterPoint, type CorrelationPlotOptions, type RankingPlotOptions, type RankingEntry } from "./fit-charts.ts";
