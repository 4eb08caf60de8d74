// `searchlight inspect WS`: channels, samples, modifiers, parameters and bins of a workspace.
import type { Command } from "commander";
import { printJson, table } from "../shared/format.ts";
import { withJson } from "../shared/options.ts";
import { inspectSummary } from "../../histfactory/results.ts";
import { modelFromCli, withModelOptions, type ModelCliOptions } from "./model-options.ts";

export function register(cmd: Command): void {
  withJson(withModelOptions(cmd))
    .action((workspace: string, o: ModelCliOptions & { json?: boolean }) => {
      const { model } = modelFromCli(workspace, o);
      const st = model.structure;
      const summary = inspectSummary(model);
      if (o.json) return printJson(summary);
      const out: string[] = [];
      out.push(`measurement: ${summary.measurement}   POI: ${summary.poi ?? "(none)"}`);
      out.push(`channels: ${summary.channels.length}, bins: ${summary.n_bins}, samples: ${summary.samples.length}, parameters: ${summary.n_parameters} (${st.paramsets.length} sets), aux data: ${summary.n_auxdata}`);
      out.push(`interpolation: normsys ${model.modifierSettings.normsys}, histosys ${model.modifierSettings.histosys}`);
      out.push("", table([["channel", "bins"], ...summary.channels.map((c) => [c.name, String(c.bins)])]));
      out.push("", table([["modifier type", "parameter sets"], ...Object.entries(summary.modifier_types).map(([k, v]) => [k, String(v)])]));
      out.push("", `samples: ${summary.samples.join(", ")}`);
      const range = (xs: number[]) => (xs.every((x) => x === xs[0]) ? String(xs[0]) : `${Math.min(...xs)}…${Math.max(...xs)}`);
      out.push("", table([["parameter", "type", "n", "init", "bounds", "constraint", "fixed"], ...st.paramsets.map((p) => [
        p.name, p.type, String(p.n), range(p.inits), `[${range(p.bounds.map((b) => b[0]))}, ${range(p.bounds.map((b) => b[1]))}]`, p.constraint, p.fixed.every(Boolean) ? "yes" : p.fixed.some(Boolean) ? "some" : "",
      ])]));
      process.stdout.write(out.join("\n") + "\n");
    });
}
