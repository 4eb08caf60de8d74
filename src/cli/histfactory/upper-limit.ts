// `searchlight upper-limit WS [...patch] [--cl 0.95] [--test-stat qtilde|q] [--scan a:b:n]
// [--figure BASE] [--json]` → { obs, exp[5] } (CLs limits on the POI, pyhf's toms748_scan).
import type { Command } from "commander";
import { upperLimit } from "../../infer/upper-limit.ts";
import { bandPlot } from "../../plot/charts.ts";
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
  json?: boolean;
}

export function register(cmd: Command): void {
  withJson(withTestStat(withModelOptions(cmd).option("--cl <level>", "confidence level", "0.95"))
    .option("--scan <start:stop:n>", "grid scan with interpolation instead of root finding")
    .option("--figure <base>", "write the CLs-vs-POI figure to <base>.png and .pdf"))
    .action(async (ws: string, o: UpperLimitCliOptions) => {
      const cl = level("--cl", o.cl, 0.95);
      const testStat = testStatOf(o.testStat);
      const g = o.scan ? grid("--scan", o.scan) : undefined;
      const scan = g ? Array.from(linspace(g.start, g.stop, g.num)) : undefined;
      const { model, file } = modelFromCli(ws, o);
      needPoi(model, file);
      const r = upperLimit(model, { level: 1 - cl, testStat, scan });
      const poi = model.parNames[model.poi];
      if (o.figure) {
        // Show the curves up to a little beyond the largest limit, not the whole bracket search.
        const xmax = 1.3 * Math.max(...[r.obs, ...r.exp].filter(Number.isFinite));
        const s = r.scan.filter((p) => p.mu <= xmax);
        await writeFigure(bandPlot({
          x: s.map((p) => p.mu), median: s.map((p) => p.cls_exp[2]), minus1: s.map((p) => p.cls_exp[1]), plus1: s.map((p) => p.cls_exp[3]),
          minus2: s.map((p) => p.cls_exp[0]), plus2: s.map((p) => p.cls_exp[4]), observed: s.map((p) => p.cls_obs),
          xAxis: { title: poi }, yAxis: { title: "CLs" },
        }), o.figure);
      }
      const out = {
        obs: r.obs, exp: r.exp, cl, poi, test_stat: testStat, n_hypotests: r.n_hypotests,
        above_poi_bound: r.above_poi_bound, poi_upper_bound: r.poi_upper_bound, poi_upper_bound_used: r.poi_upper_bound_used, capped: r.capped,
      };
      if (o.json) return printJson(out);
      process.stdout.write(
        `${+(cl * 100).toFixed(4)}% CL upper limit on ${poi}: observed ${fmtNum(r.obs)}\n` +
        `  expected −2σ ${fmtNum(r.exp[0])}  −1σ ${fmtNum(r.exp[1])}  median ${fmtNum(r.exp[2])}  +1σ ${fmtNum(r.exp[3])}  +2σ ${fmtNum(r.exp[4])}\n` +
        (r.above_poi_bound ? `  note: a limit lies above the POI's upper bound ${r.poi_upper_bound}; the bound was extended to ${r.poi_upper_bound_used}\n` : "") +
        (r.capped ? `  note: a CLs curve stays above ${fmtNum(1 - cl)} up to ${r.poi_upper_bound_used}: that limit is reported as Infinity\n` : ""),
      );
    });
}
