// Runner factory for a TaskExecutor (infer/executor.ts): one task renders one figure of a report
// to its files, so the CLI can spread a report's figures over the worker pool (each thread loads
// the renderers once). Specs are plain JSON and travel to the threads as they are.
import type { VegaLiteSpec } from "../../plot/charts.ts";
import { writeFigure, type FigureFormat } from "../../plot/render.ts";

export interface FigureTask {
  spec: VegaLiteSpec;
  /** Path without extension. */
  base: string;
  formats: FigureFormat[];
}

export function figureRenderer(): { run(t: FigureTask): Promise<string[]> } {
  return { run: (t) => writeFigure(t.spec, t.base, t.formats, "--output-dir") };
}

/** The executor recipe of the figure renderer. */
export function figureRecipe(): { module: string; factory: string; args: null } {
  return { module: new URL("./render-task.ts", import.meta.url).href, factory: "figureRenderer", args: null };
}
