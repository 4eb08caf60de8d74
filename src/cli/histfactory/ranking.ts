// `searchlight ranking WS [...patch] [--top N] [--json]`: nuisance parameters ranked by their
// impact on the POI (pre-fit and post-fit ±1σ, as cabinetry shows it).
import type { Command } from "commander";
import { ranking } from "../../infer/ranking.ts";
import { fmtNum, printJson, table } from "../shared/format.ts";
import { modelFromCli, withModelOptions, type ModelCliOptions } from "./model-options.ts";
import { needPoi } from "./model-options.ts";
import { intOr, withJson } from "../shared/options.ts";

export function register(cmd: Command): void {
  withJson(withModelOptions(cmd).option("--top <n>", "show the n highest-ranked parameters", "20"))
    .action(async (ws: string, o: ModelCliOptions & { top: string; json?: boolean }) => {
      const top = intOr("--top", o.top, 20, 1);
      const { model, file } = modelFromCli(ws, o);
      needPoi(model, file);
      const r = ranking(model, { maxParameters: top });
      if (o.json) return printJson(r);
      const rows: (string | number)[][] = [["parameter", "θ̂", "σ", "Δμ pre +", "Δμ pre −", "Δμ post +", "Δμ post −"]];
      for (const x of r.impacts) rows.push([x.parameter, x.bestfit, x.uncertainty, x.prefit_up, x.prefit_down, x.postfit_up, x.postfit_down]);
      process.stdout.write(`${r.poi} = ${fmtNum(r.poi_hat)} ± ${fmtNum(r.poi_uncertainty)}\n${table(rows)}\n`);
    });
}
