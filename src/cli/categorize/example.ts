// `searchlight categorize example [-o DIR]`: the three-class softmax toy of gato-hep
// (../shared/specs/gato_sage.md §A8.3, §A9) at a size that runs in well under a minute —
// train K = 5 categories, compare with the argmax baseline, export the workspace and get the
// CLs limit from the HistFactory engine.
import type { Command } from "commander";
import { join } from "node:path";
import { categorizeConfig } from "../../categorize/config.ts";
import { configSource } from "../../io/config.ts";
import { fmtNum, printJson } from "../shared/format.ts";
import { withJson, withOutputDir, withOverwrite, withQuiet, withSeed, withWorkers } from "../shared/options.ts";
import { exportCommand } from "./export.ts";
import { jsonSummary } from "./common.ts";
import { trainCommand, type TrainCli } from "./train.ts";

/** The example's configuration: §A8.3 settings, 2·10⁴ signal and 2·10⁵ background events. */
export const EXAMPLE_CONFIG = {
  description: "gato-hep three-class softmax toy (specs/gato_sage.md §A8.3), reduced size",
  toy: { kind: "three-class", n_signal: 20000, n_bkg: 200000, seed: 42 },
  model: { type: "gmm", categories: 5, mean_norm: "softmax", damping: 0.1 },
  training: {
    epochs: 150, optimizer: "rmsprop", lr: { mode: "cosine", start: 0.05, end: 0.001 }, temperature: { mode: "cosine", start: 1, end: 0.05 },
    timing: "before", loss: "geomean",
  },
};

export function register(cat: Command): void {
  const c = cat.command("example").description("run the three-class toy end to end: train, baselines, figures, workspace, CLs limit (< 1 min)");
  withOverwrite(withQuiet(withJson(withSeed(withWorkers(withOutputDir(c, "output folder", "out/categorize-example")), "seed of the initial parameters (default 0)"))), false)
    .action(async (o: TrainCli) => {
      const cfg = categorizeConfig(configSource(structuredClone(EXAMPLE_CONFIG), "categorize example"));
      const f = await trainCommand({ ...o, config: "", print: false, quiet: o.quiet || o.json }, cfg, "categorize example");
      const ws = join(o.outputDir, "workspace.json");
      const lim = exportCommand(join(o.outputDir, "categories.json"), { output: ws, print: false });
      const r = f.runs[0];
      if (o.json) return printJson({ ...jsonSummary(f, { output_dir: o.outputDir }), export: lim });
      process.stdout.write(`\nthree-class toy, K = ${r.k}: Z1 = ${fmtNum(r.evaluation.z[0])}, Z2 = ${fmtNum(r.evaluation.z[1])}, √(Z1·Z2) = ${fmtNum(r.evaluation.geomean)}\n`);
      const a = r.baselines.argmax!;
      process.stdout.write(`argmax + equidistant (n = 2, 5, 10 per signal): √(Z1·Z2) = ${[2, 5, 10].map((n) => fmtNum(Math.sqrt(a[n][0] * a[n][1]))).join(", ")}\n`);
      process.stdout.write(`workspace ${ws}: expected Z = ${fmtNum(lim.z_exp)}, 95% CLs limit on mu: expected ${fmtNum(lim.limit_exp[2])}, observed ${fmtNum(lim.limit_obs)}\n`);
      process.stdout.write(`figures and tables in ${o.outputDir}/K${r.k}/\n`);
    });
}
