// `searchlight inspect WS`: channels, samples, modifiers, parameters and bins of a workspace.
import type { Command } from "commander";
import { printJson, table } from "../shared/format.ts";
import { withJson } from "../shared/options.ts";
import { modelFromCli, withModelOptions, type ModelCliOptions } from "./model-options.ts";

export function register(cmd: Command): void {
  withJson(withModelOptions(cmd))
    .action((workspace: string, o: ModelCliOptions & { json?: boolean }) => {
      const { model } = modelFromCli(workspace, o);
      const st = model.structure;
      const modifierCounts: Record<string, number> = {};
      for (const ps of st.paramsets) modifierCounts[ps.type] = (modifierCounts[ps.type] ?? 0) + 1;
      const summary = {
        channels: st.channels.map((c) => ({ name: c.name, bins: c.nbins })),
        samples: st.samples,
        measurement: st.measurement.name,
        poi: st.poiName,
        n_bins: model.nMain,
        n_auxdata: model.nAux,
        n_parameters: model.parameters.length,
        paramsets: st.paramsets.map((p) => ({ name: p.name, type: p.type, n: p.n, constraint: p.constraint, inits: p.inits, bounds: p.bounds, fixed: p.fixed })),
        modifier_types: modifierCounts,
        interpolation: model.modifierSettings,
      };
      if (o.json) return printJson(summary);
      const out: string[] = [];
      out.push(`measurement: ${summary.measurement}   POI: ${summary.poi ?? "(none)"}`);
      out.push(`channels: ${summary.channels.length}, bins: ${summary.n_bins}, samples: ${summary.samples.length}, parameters: ${summary.n_parameters} (${st.paramsets.length} sets), aux data: ${summary.n_auxdata}`);
      out.push(`interpolation: normsys ${model.modifierSettings.normsys}, histosys ${model.modifierSettings.histosys}`);
      out.push("", table([["channel", "bins"], ...summary.channels.map((c) => [c.name, String(c.bins)])]));
      out.push("", table([["modifier type", "parameter sets"], ...Object.entries(modifierCounts).map(([k, v]) => [k, String(v)])]));
      process.stdout.write(out.join("\n") + "\n");
    });
}
