// `searchlight significance WS [...patch] [--json]` → { p0_obs, z_obs, p0_exp, z_exp }
// (discovery test q0; expected from the μ = 1 Asimov data set).
import type { Command } from "commander";
import { significanceSummary } from "../../histfactory/results.ts";
import { fmtNum, printJson } from "../shared/format.ts";
import { modelFromCli, withModelOptions, type ModelCliOptions } from "./model-options.ts";
import { needPoi } from "./model-options.ts";
import { withJson } from "../shared/options.ts";

export function register(cmd: Command): void {
  withJson(withModelOptions(cmd))
    .action(async (ws: string, o: ModelCliOptions & { json?: boolean }) => {
      const { model, file } = modelFromCli(ws, o);
      needPoi(model, file);
      const s = significanceSummary(model);
      const out = s;
      if (o.json) return printJson(out);
      process.stdout.write(`discovery (${model.parNames[model.poi]} = 0 tested, μ̂ = ${fmtNum(s.mu_hat)}):\n  observed p0 = ${fmtNum(s.p0_obs)} (Z = ${fmtNum(s.z_obs)})\n  expected p0 = ${fmtNum(s.p0_exp)} (Z = ${fmtNum(s.z_exp)}) for ${model.parNames[model.poi]} = 1\n`);
    });
}
