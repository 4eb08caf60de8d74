// `searchlight bump bands`: expected upper-limit bands from background-only conditional-GP
// toys; ul_bands_<d>.csv and Brazil plots.
import type { Command } from "commander";
import { ensureDir, writeFileAtomic } from "../../io/output.ts";
import { join, resolve } from "node:path";
import { Progress } from "../../batch/progress.ts";
import { poolTaskExecutor } from "../../batch/pool.ts";
import { checkpointExecutor } from "../../batch/checkpoint.ts";
import { bandsCsv, type BandRow } from "../../bumphunt/scan.ts";
import { bandPlot } from "../../plot/charts.ts";
import { writeFigure } from "../../plot/render.ts";
import { printJson } from "../shared/format.ts";
import { intOr, seedOf, withOutputDir, withSeed, withWorkers, workers } from "../shared/options.ts";
import { configOf, job, massRangeOf, withBumpInput, withMassRange, type BumpCli } from "./common.ts";

type BandsCli = BumpCli & { massMin?: string; massMax?: string; step?: string; toys?: string; seed?: string; outputDir?: string; label?: string };

export function register(bump: Command): void {
  const cmd = withMassRange(withBumpInput(bump.command("bands").description("expected upper-limit bands from background-only conditional-GP toys; ul_bands_<d>.csv and Brazil plots")),
    { help: "grid step (default 0.001; config: mass_step_gev)" })
    .option("--toys <n>", "pseudo-experiments per mass (default 1000; config: ul_bands_toys)")
    .option("--label <text>", "experiment label on the figures, e.g. \"HPS\"");
  withWorkers(withOutputDir(withSeed(cmd, "random seed (default 12345; config: ul_bands_seed)"), "output folder (default out/bump; config: output_dir)"))
    .action(async (o: BandsCli) => {
      const j = job(o, massRangeOf(o));
      const cv = o.config ? configOf(o.config) : undefined;
      const dataset = j.dataset;
      const outDir = o.outputDir ?? (cv ? resolve(cv.dir, cv.values.output_dir as string) : "out/bump");
      const nToys = intOr("--toys", o.toys, cv ? (cv.values.ul_bands_toys as number) : 1000, 1);
      const seed = seedOf(o.seed, cv ? (cv.values.ul_bands_seed as number) : 12345);
      const bar = new Progress(j.masses.length, `bands ${dataset}`);
      const t0 = performance.now();
      // Finished masses are kept in <output>/.checkpoints until the run completes: the same
      // command started again after an interruption redoes only the rest (same bytes).
      ensureDir(outDir, o.outputDir ? "--output-dir" : "output_dir");
      const exec = checkpointExecutor(poolTaskExecutor(workers(o.workers)), outDir);
      const rows = await exec.run<number, BandRow>({ module: new URL("../../bumphunt/scan.ts", import.meta.url).href, factory: "bandsRunner", args: { job: j, nToys, seed } },
        j.masses.map((_, i) => i), () => bar.tick());
      bar.finish();
      writeFileAtomic(join(outDir, `ul_bands_${dataset}.csv`), bandsCsv(rows), o.outputDir ? "--output-dir" : "output_dir");
      exec.clear();
      const figures: string[] = [];
      const ok = rows.filter((r) => !r.error);
      const mev = (r: BandRow) => 1000 * r.mass_GeV;
      for (const [key, title, log] of [["A", "signal yield upper limit A (95% CL) [events]", true], ["eps2", "ε² upper limit (95% CL)", true]] as const) {
        const g = (k: string) => ok.map((r) => (r as unknown as Record<string, number>)[`${key}_${k}`]);
        figures.push(...await writeFigure(bandPlot({ x: ok.map(mev), median: g("med"), minus1: g("lo1"), plus1: g("hi1"), minus2: g("lo2"), plus2: g("hi2"), observed: g("obs"), xAxis: { title: "m(A′) [MeV]" }, yAxis: { title, log }, label: o.label }), join(outDir, "summary_plots", `ul_bands_${key}_${dataset}`)));
      }
      const failedToys = rows.reduce((a, r) => a + r.n_failed, 0);
      if (o.json) return printJson({ rows, seconds: (performance.now() - t0) / 1000, failed_masses: rows.length - ok.length, failed_toys: failedToys });
      process.stdout.write(`${dataset}: bands at ${rows.length} masses × ${nToys} toys in ${((performance.now() - t0) / 1000).toFixed(1)} s; ${rows.length - ok.length} masses failed, ${failedToys} toys failed\nwrote ${join(outDir, `ul_bands_${dataset}.csv`)}, ${figures.join(", ")}\n`);
    });
}
