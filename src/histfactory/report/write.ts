// A report written to a folder: report.json (every number), the yield tables (CSV, Markdown,
// LaTeX), pulls, impacts and the full correlation matrix as CSV, and the figures (PNG and PDF by
// default) under figures/, on any TaskExecutor. Every file is written atomically (io/output.ts).
import { join } from "node:path";
import { csvRows, csvText } from "../../io/csv.ts";
import { ensureDir, writeFileAtomic, writeJsonAtomic } from "../../io/output.ts";
import { inThread, type TaskExecutor } from "../../infer/executor.ts";
import type { FigureFormat } from "../../plot/render.ts";
import type { ReportConfig } from "./config.ts";
import { reportFigures } from "./figures.ts";
import { figureRecipe, type FigureTask } from "./render-task.ts";
import type { Report } from "./report.ts";
import { yieldsCsv, yieldsLatex, yieldsMarkdown } from "./tables.ts";

export interface WriteOptions {
  config: ReportConfig;
  /** Figure formats (default PNG and PDF); [] for no figures. */
  formats?: FigureFormat[];
  /** Where the figures are rendered, one task per figure (default: this thread). */
  executor?: TaskExecutor;
}

/** Write the report's files into `dir`; returns their paths. */
export async function writeReport(r: Report, dir: string, o: WriteOptions): Promise<string[]> {
  ensureDir(dir, "--output-dir");
  const files: string[] = [];
  const put = (name: string, text: string) => { const p = join(dir, name); writeFileAtomic(p, text, "--output-dir"); files.push(p); };
  const preds = [r.yields.prefit, r.yields.postfit];
  const labels = Object.fromEntries(Object.entries(o.config.channels).filter(([, s]) => s.edges).map(([c, s]) => [c, s.edges!.slice(0, -1).map((e, i) => `[${e}, ${s.edges![i + 1]})`)]));
  put("yields.csv", yieldsCsv(preds, r.data));
  put("yields.md", yieldsMarkdown(preds, r.data, labels));
  put("yields.tex", yieldsLatex(preds, r.data, labels));
  put("pulls.csv", csvText(["name", "type", "bestfit", "uncertainty", "prefit", "prefit_sigma", "pull", "pull_error"], r.pulls));
  put("normfactors.csv", csvText(["name", "bestfit", "uncertainty"], r.normfactors));
  const n = r.correlation.names.length;
  put("correlation.csv", csvRows(["parameter", ...r.correlation.names], r.correlation.names.map((name, i) => [name, ...r.correlation.matrix.slice(i * n, (i + 1) * n)])));
  if (r.ranking) put("ranking.csv", csvText(["parameter", "bestfit", "uncertainty", "prefit_up", "prefit_down", "postfit_up", "postfit_down"], r.ranking.impacts));
  const formats = o.formats ?? ["png", "pdf"];
  if (formats.length) {
    const tasks: FigureTask[] = reportFigures(r, o.config).map((f) => ({ spec: f.spec, base: join(dir, "figures", f.name), formats }));
    const written = await (o.executor ?? inThread).run<FigureTask, string[]>(figureRecipe(), tasks);
    files.push(...written.flat());
  }
  const p = join(dir, "report.json");
  writeJsonAtomic(p, r, "--output-dir");
  files.push(p);
  return files;
}
