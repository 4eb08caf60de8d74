// `searchlight scan WS [...patch] [--parameter NAME] [--npoints N] [--figure BASE] [--json]`:
// profile-likelihood scan of any parameter (default: the POI) with its 68% and 95% intervals.
import type { Command } from "commander";
import { InputError } from "../../io/errors.ts";
import { profileScan } from "../../infer/profile.ts";
import { parameterIndex } from "../../likelihood/types.ts";
import { linePlot } from "../../plot/charts.ts";
import { writeFigure } from "../../plot/render.ts";
import { axisLabel } from "../../plot/style.ts";
import { ensureDir } from "../../io/output.ts";
import { dirname } from "node:path";
import { fmtNum, printJson, table } from "../shared/format.ts";
import { modelFromCli, withModelOptions, type ModelCliOptions } from "./model-options.ts";
import { needPoi } from "./model-options.ts";
import { intOr, withJson } from "../shared/options.ts";

export function register(cmd: Command): void {
  withJson(withModelOptions(cmd)
    .option("--parameter <name>", "parameter to scan (default: the POI)")
    .option("--npoints <n>", "scan points", "21")
    .option("--figure <base>", "write the Δ(2NLL) figure to <base>.png and .pdf"))
    .action(async (ws: string, o: ModelCliOptions & { parameter?: string; npoints: string; figure?: string; json?: boolean }) => {
      const npoints = intOr("--npoints", o.npoints, 21, 1);
      if (o.figure) ensureDir(dirname(o.figure), "--figure"); // before the fits: a bad path costs nothing
      const { model, file } = modelFromCli(ws, o);
      let i: number;
      if (o.parameter) {
        i = parameterIndex(model, o.parameter);
        if (i < 0) throw new InputError(file, "--parameter", `no parameter "${o.parameter}" in the model`);
      } else {
        needPoi(model, file);
        i = model.poi;
      }
      const r = profileScan(model, i, { npoints });
      const figures = o.figure ? await writeFigure(linePlot({
        series: [{ name: "profile likelihood", x: r.points.map((p) => p.value), y: r.points.map((p) => p.delta_twice_nll) }],
        x: { title: axisLabel(r.parameter) }, y: { title: "−2 Δ ln L" }, hlines: [{ y: 1, label: "68% CL" }, { y: 3.841458820694124, label: "95% CL" }],
      }), o.figure, ["png", "pdf"], "--figure") : [];
      if (o.json) return printJson(r);
      if (figures.length) process.stderr.write(`wrote ${figures.join(", ")}\n`);
      const rows: (string | number)[][] = [["CL", "lower", "upper"], ...r.intervals.map((iv) => [`${(iv.cl * 100).toFixed(1)}%`, iv.lower_at_bound ? `${fmtNum(iv.lower)} (bound)` : iv.lower, iv.upper_at_bound ? `${fmtNum(iv.upper)} (bound)` : iv.upper])];
      process.stdout.write(`${r.parameter}: best fit ${fmtNum(r.best_fit)}\n${table(rows)}\n`);
    });
}
