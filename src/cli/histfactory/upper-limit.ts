// `searchlight upper-limit WS [...patch] [--cl 0.95] [--test-stat qtilde|q] [--scan a:b:n]
// [--figure BASE] [--json]` → { obs, exp[5] } (CLs limits on the POI, pyhf's toms748_scan).
import type { Command } from "commander";
import { clsCurve, clsFigure, upperLimitSummary } from "../../histfactory/results.ts";
import { ensureDir } from "../../io/output.ts";
import { dirname } from "node:path";
import { writeFigure } from "../../plot/render.ts";
import { fmtNum, printJson } from "../shared/format.ts";
import { modelFromCli, withModelOptions, type ModelCliOptions } from "./model-options.ts";
import { needPoi, testStatOf, withTestStat } from "./model-options.ts";
import { grid, level, withJson } from "../shared/options.ts";
import { linspace } from "../../math/stats.ts";

interface UpperLimitCliOptions extends ModelCliOptions {
  cl: string;
  testStat: string;
  scan?: string;
  figure?: string;
  label?: string;
  json?: boolean;
}

export function register(cmd: Command): void {
  withJson(withTestStat(withModelOptions(cmd).option("--cl <level>", "confidence level", "0.95"))
    .option("--scan <start:stop:n>", "grid scan with interpolation instead of root finding")
    .option("--figure <base>", "write the CLs-vs-POI figure to <base>.png and .pdf")
    .option("--label <text>", "experiment label on the figure, e.g. \"ATLAS Open Data\""))
    .action(async (ws: string, o: UpperLimitCliOptions) => {
      const cl = level("--cl", o.cl, 0.95);
      const testStat = testStatOf(o.testStat);
      const g = o.scan ? grid("--scan", o.scan) : undefined;
      const scan = g ? Array.from(linspace(g.start, g.stop, g.num)) : undefined;
      if (o.figure) ensureDir(dirname(o.figure), "--figure"); // before the fits: a bad path costs nothing
      const { model, file } = modelFromCli(ws, o);
      needPoi(model, file);
      const { json: out, result: r } = upperLimitSummary(model, cl, testStat, scan);
      const poi = model.parNames[model.poi];
      let figures: string[] = [];
      if (o.figure) {
        figures = await writeFigure(clsFigure(clsCurve(model, r, testStat), { cl, poi, label: o.label }), o.figure, ["png", "pdf"], "--figure");
      }

      if (o.json) return printJson(out);
      process.stdout.write(
        `${+(cl * 100).toFixed(4)}% CL upper limit on ${poi}: observed ${fmtNum(r.obs)}\n` +
        `  expected −2σ ${fmtNum(r.exp[0])}  −1σ ${fmtNum(r.exp[1])}  median ${fmtNum(r.exp[2])}  +1σ ${fmtNum(r.exp[3])}  +2σ ${fmtNum(r.exp[4])}\n` +
        (r.above_poi_bound ? `  note: a limit lies above the POI's upper bound ${r.poi_upper_bound}; the bound was extended to ${r.poi_upper_bound_used}\n` : "") +
        (r.capped ? `  note: a CLs curve stays above ${fmtNum(1 - cl)} up to ${r.poi_upper_bound_used}: that limit is reported as Infinity\n` : "") +
        (figures.length ? `wrote ${figures.join(", ")}\n` : ""),
      );
    });
}
