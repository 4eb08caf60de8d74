// `searchlight templates build -o DIR [--bins 30,1,1,1] [--nodes 17,17,41] [--format bin|json]`:
// the synthetic HiggsML-like template grid (§C3.2) written as DIR/templates.bin (or .json), with
// DIR/model.yaml (the likelihood that reads it) and DIR/observed.json (one seeded pseudo-dataset
// at μ = 1 and nominal nuisances), so that `templates fit DIR/model.yaml --data DIR/observed.json`
// runs next.
import type { Command } from "commander";
import { join, resolve } from "node:path";
import { InputError } from "../../io/errors.ts";
import { writeFileAtomic, writeJsonAtomic, ensureDir } from "../../io/output.ts";
import { Rng } from "../../math/rng.ts";
import { gridPoints, writeGrid } from "../../templates/grid.ts";
import { syntheticGrid } from "../../templates/synthetic.ts";
import { syntheticModelYaml } from "../../templates/config.ts";
import { TemplateLikelihood } from "../../templates/likelihood.ts";
import { syntheticModelSpec } from "../../templates/synthetic.ts";
import { printJson } from "../shared/format.ts";
import { choice, int, seedOf, withJson, withOutputDir, withSeed } from "../shared/options.ts";

/** "30,1,1,1" → integers ≥ min, exactly n of them. */
export function intList(flag: string, v: string, n: number, min: number): number[] {
  const parts = v.split(",").map((s) => s.trim());
  if (parts.length !== n) throw new InputError("", flag, `"${v}": expected ${n} comma-separated integers`);
  return parts.map((p) => int(flag, p, min)!);
}

export function register(parent: Command): void {
  const cmd = parent.command("build").description("write the synthetic template grid (tes × jes × soft_met), its model file and a pseudo-dataset");
  withOutputDir(cmd, "folder for templates.bin|json, model.yaml and observed.json", "out/templates");
  cmd.option("--bins <list>", "bins of SR, CR_ttbar, CR_diboson, CR_ztautau", "30,1,1,1")
    .option("--nodes <list>", "grid nodes of tes, jes, soft_met", "17,17,41")
    .option("--format <f>", "bin (compact Float64) or json", "bin")
    .option("--interpolation <mode>", "linear, loglinear or cubic (written into model.yaml)", "linear");
  withSeed(cmd, "seed of the pseudo-dataset", "1");
  withJson(cmd);
  cmd.action((o: { outputDir: string; bins: string; nodes: string; format: string; interpolation: string; seed?: string; json?: boolean }) => {
    const bins = intList("--bins", o.bins, 4, 1) as [number, number, number, number];
    const nodes = intList("--nodes", o.nodes, 3, 2);
    const format = choice("--format", o.format, ["bin", "json"] as const);
    const interpolation = choice("--interpolation", o.interpolation, ["linear", "loglinear", "cubic"] as const);
    const dir = resolve(o.outputDir);
    ensureDir(dir, "--output-dir");
    const t0 = performance.now();
    const grid = syntheticGrid({ bins, grid: { tes: [0.96, 1.04, nodes[0]], jes: [0.96, 1.04, nodes[1]], soft_met: [0, 5, nodes[2]] } });
    const name = `templates.${format}`;
    writeGrid(join(dir, name), grid, "--output-dir");
    writeFileAtomic(join(dir, "model.yaml"), syntheticModelYaml({ templates: name, interpolation }), "--output-dir");
    const lik = new TemplateLikelihood(grid, syntheticModelSpec());
    const counts = Array.from(lik.sample(Float64Array.from(lik.parameters, (p) => p.init), new Rng(seedOf(o.seed, 1))).subarray(0, lik.nMain));
    writeJsonAtomic(join(dir, "observed.json"), { description: "one pseudo-dataset of the synthetic model at mu = 1, nominal nuisances", seed: seedOf(o.seed, 1), regions: grid.regions.map((r) => r.name), counts }, "--output-dir");
    const info = { output_dir: dir, grid: name, points: gridPoints(grid), processes: grid.processes, regions: grid.regions.map((r) => ({ name: r.name, bins: r.bins })), yields: grid.yields.length, seconds: (performance.now() - t0) / 1000 };
    if (o.json) return printJson(info);
    process.stdout.write(`wrote ${dir}/ (${name}: ${info.points} grid points × ${grid.processes.length} processes × ${lik.nMain} bins = ${info.yields} yields; model.yaml; observed.json) in ${info.seconds.toFixed(1)} s\n`);
  });
}
