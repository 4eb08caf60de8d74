// `searchlight templates example [-o DIR] [--workers n] [--seed s]`: the synthetic HiggsML-like
// model (17 × 17 × 41 tes × jes × soft_met grid, SR of 30 score bins + 3 counting CRs, 6
// nuisances) and a 200-pseudo-experiment coverage study of the profile interval (10 sets × 20),
// with the challenge score and figures. Needs nothing but this package.
import type { Command } from "commander";
import { join, resolve } from "node:path";
import { claimOutputDir, writeFileAtomic, ensureDir } from "../../io/output.ts";
import { loadModel, syntheticModelYaml } from "../../templates/config.ts";
import { coverageSummary } from "../../templates/coverage-output.ts";
import { printJson } from "../shared/format.ts";
import { addCoverageOptions, coverageCommand, coverageLines, type CoverageCli } from "./coverage.ts";

export function register(parent: Command): void {
  const cmd = parent.command("example").description("synthetic template model + a 200-experiment coverage study with the challenge score and figures");
  addCoverageOptions(cmd, { outputDir: "out/templates-example", sets: "10", perSet: "20" });
  cmd.action(async (o: CoverageCli) => {
    const dir = resolve(o.outputDir);
    claimOutputDir(dir, { command: "templates example", overwrite: o.overwrite, resumable: false });
    ensureDir(dir, "--output-dir");
    const modelFile = join(dir, "model.yaml");
    writeFileAtomic(modelFile, syntheticModelYaml({}), "--output-dir");
    const m = loadModel(modelFile);
    // The folder now holds model.yaml of this run: claim it again without refusing ourselves.
    const { result, seconds, files } = await coverageCommand(m, { ...o, overwrite: false }, "templates example");
    if (o.json) return printJson({ ...coverageSummary(result), output_dir: dir, seconds });
    process.stdout.write(coverageLines(result, dir, seconds, ["model.yaml", ...files]));
  });
}
