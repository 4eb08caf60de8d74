// The figures of the pages: the same Vega-Lite chart specifications as the static figures
// (src/plot/charts.ts, styled by src/plot/style.ts), rendered to SVG in the browser by vega.
// scripts/build.mjs bundles this file into dist/web/charts.bundle.js.
import * as vega from "vega";
import { compile } from "vega-lite";
import type { VegaLiteSpec } from "../plot/charts.ts";

export { bandPlot, clsPlot, linePlot } from "../plot/charts.ts";
/** The CSV reader of the CLI's own tables (one convention for nan/inf, RFC 4180 quoting). */
export { parseCsv, cellNum } from "../io/csv.ts";

/** SVG text of a Vega-Lite spec, as plot/render.ts's renderSvg gives it in Node. */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec as never).spec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * An interactive chart in a page element: SVG renderer, hover tooltips (vega's default handler,
 * the marks' `tooltip` encodings), and the View for click events and image export.
 */
export async function mountChart(el: unknown, spec: VegaLiteSpec): Promise<vega.View> {
  const view = new vega.View(vega.parse(compile(spec as never).spec), { renderer: "svg", container: el as never, hover: true });
  await view.runAsync();
  return view;
}
