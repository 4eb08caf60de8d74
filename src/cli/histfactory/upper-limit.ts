// `searchlight upper-limit WS [...patch] [--cl 0.95] [--test-stat qtilde|q] [--scan a:b:n]
// [--figure BASE] [--json]` → { obs, exp[5] } (CLs limits on the POI, pyhf's toms748_scan).
import type { Command } from "commander";
import { upperLimitSummary } from "../../histfactory/results.ts";
import { hypotest } from "../../infer/hypotest.ts";
import { ensureDir } from "../../io/output.ts";
import { clsPlot } from "../../plot/charts.ts";
import { axisLabel } from "../../plot/style.ts";
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
        // Show the curves up to a little beyond the largest limit, on a dense grid (the root
        // finder's points are too sparse for smooth bands): the points it already has are kept.
        const xmax = 1.3 * Math.max(...[r.obs, ...r.exp].filter(Number.isFinite));
        const lo = model.parameters[model.poi].lower;
        const have = r.scan.filter((p) => p.mu <= xmax && p.mu >= lo);
        const dense = Array.from(linspace(Math.max(lo, 0), xmax, 41)).filter((mu) => !have.some((p) => Math.abs(p.mu - mu) < 1e-9 * (1 + xmax)))
          .map((mu) => { const h = hypotest(model, mu, { testStat }); return { mu, cls_obs: h.cls_obs, cls_exp: h.cls_exp }; });
        const s = [...have, ...dense].filter((p) => p.mu > 0 || testStat === "q").sort((a, b) => a.mu - b.mu);
        figures = await writeFigure(clsPlot({
          x: s.map((p) => p.mu), median: s.map((p) => p.cls_exp[2]), minus1: s.map((p) => p.cls_exp[1]), plus1: s.map((p) => p.cls_exp[3]),
          minus2: s.map((p) => p.cls_exp[0]), plus2: s.map((p) => p.cls_exp[4]), observed: s.map((p) => p.cls_obs),
          alpha: 1 - cl, poi, xAxis: { title: axisLabel(poi) }, yAxis: { title: "CLs" }, label: o.label,
        }), o.figure, ["png", "pdf"], "--figure");
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
