// `searchlight significance WS [...patch] [--json]` → { p0_obs, z_obs, p0_exp, z_exp }
// (discovery test q0; expected from the μ = 1 Asimov data set).
import type { Command } from "commander";
import { significance } from "../../infer/significance.ts";
import { fmtNum, printJson } from "../shared/format.ts";
import { modelFromCli, withModelOptions, type ModelCliOptions } from "./model-options.ts";
import { needPoi } from "./model-options.ts";
import { withJson } from "../shared/options.ts";

export function register(cmd: Command): void {
  withJson(withModelOptions(cmd))
    .action(async (ws: string, o: ModelCliOptions & { json?: boolean }) => {
      const { model, file } = modelFromCli(ws, o);
      needPoi(model, file);
      const s = significance(model);
      const out = { p0_obs: s.p0_obs, z_obs: s.z_obs, p0_exp: s.p0_exp, z_exp: s.z_exp, p0_exp_band: s.p0_exp_band, z_exp_band: s.z_exp_band, q0: s.q0, mu_hat: s.mu_hat };
      if (o.json) return printJson(out);
      process.stdout.write(`discovery (${model.parNames[model.poi]} = 0 tested, μ̂ = ${fmtNum(s.mu_hat)}):\n  observed p0 = ${fmtNum(s.p0_obs)} (Z = ${fmtNum(s.z_obs)})\n  expected p0 = ${fmtNum(s.p0_exp)} (Z = ${fmtNum(s.z_exp)}) for ${model.parNames[model.poi]} = 1\n`);
    });
}
