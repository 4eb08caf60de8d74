// `searchlight categorize train --config C.yaml -o DIR [--categories 3,5,10] [--epochs N]`:
// train GATO categories on the events the configuration names; writes DIR/categories.json,
// DIR/K<k>/{history.csv,checkpoint.json,figures}, DIR/run.json.
import type { Command } from "commander";
import { claimOutputDir, packageVersion, RunRecord } from "../../io/output.ts";
import { loadEvents, modelSpecOf, readCategorizeConfig, trainOptionsOf, dimensionOf, windowedSignals, type CategorizeConfig } from "../../categorize/config.ts";
import { runCategorize, type CategoriesFile } from "../../categorize/run.ts";
import type { EventSet } from "../../categorize/events.ts";
import type { TaskExecutor } from "../../infer/executor.ts";
import { printJson } from "../shared/format.ts";
import { int, numList, seedOf, withJson, withOutputDir, withOverwrite, withQuiet, withSeed, withWorkers } from "../shared/options.ts";
import { epochProgress, executorOf, jsonSummary, runSummary } from "./common.ts";

export interface TrainCli {
  config: string;
  outputDir: string;
  categories?: string;
  epochs?: string;
  workers?: string;
  seed?: string;
  json?: boolean;
  quiet?: boolean;
  overwrite?: boolean;
  resume?: boolean;
  figures?: boolean;
  /** false: print nothing on stdout (the caller reports). */
  print?: boolean;
}

export function register(cat: Command): void {
  const c = cat.command("train")
    .description("optimise category boundaries (GATO) on the events a configuration names; baselines beside them")
    .requiredOption("--config <file>", "YAML or JSON configuration (processes and files, scores, weights, signals, model, training)")
    .option("--categories <list>", "number(s) of categories, e.g. 3,5,10 (default: model.categories)")
    .option("--epochs <n>", "training epochs (default: training.epochs)")
    .option("--no-figures", "skip the figures");
  withOverwrite(withQuiet(withJson(withSeed(withWorkers(withOutputDir(c, "output folder", "out/categorize")), "seed of the initial parameters (default 0)")))).action(async (o: TrainCli) => { await trainCommand(o); });
}

export async function trainCommand(o: TrainCli, given?: CategorizeConfig, command = "categorize train"): Promise<CategoriesFile> {
  // the flags first, then the configuration file
  const seed = seedOf(o.seed, 0);
  const ksGiven = o.categories !== undefined ? numList("--categories", o.categories).map((k) => int("--categories", String(k), 2)!) : undefined;
  const epochs = int("--epochs", o.epochs, 1);
  const executor: TaskExecutor | undefined = executorOf(o.workers);
  const cfg = given ?? readCategorizeConfig(o.config);
  const ks = ksGiven ?? [cfg.model.categories];
  if (epochs !== undefined) cfg.training.epochs = epochs;
  claimOutputDir(o.outputDir, { command, overwrite: o.overwrite, resume: o.resume });
  let done = "";
  const rec = RunRecord.start(o.outputDir, { command, version: packageVersion(), seed, progress: () => done });
  return rec.around(async () => {
    let events: EventSet = await loadEvents(cfg);
    const t = trainOptionsOf(cfg, seed);
    if (t.bump) events = windowedSignals(events, t.bump.window);
    const d = dimensionOf(cfg);
    const specs = ks.map((k) => modelSpecOf({ ...cfg, model: { ...cfg.model, categories: k } }, d));
    const quiet = Boolean(o.quiet || o.json);
    const bar = epochProgress(t.epochs, quiet);
    const f = await runCategorize(events, {
      outDir: o.outputDir, specs, train: t, description: cfg.description, executor, resume: o.resume, figures: o.figures !== false,
      onEpoch: (k, r) => { bar(k).tick(); done = `K = ${k}: ${r.epoch + 1}/${t.epochs} epochs`; },
      onRunDone: (r) => { bar(r.k).finish(); if (!o.json && o.print !== false) process.stdout.write(runSummary(fOut(), r)); },
    });
    function fOut(): CategoriesFile { return { format: "searchlight-categories", version: 1, description: "", signals: events.processes.filter((p) => p.signal >= 0).sort((a, b) => a.signal - b.signal).map((p) => p.name), processes: events.processes, mode: t.bump ? "bump" : "inclusive", score_range: events.scoreRange ?? [0, 1], window: t.bump?.window ?? null, seed, runs: [] }; }
    if (o.print === false) return f;
    if (o.json) printJson(jsonSummary(f, { output_dir: o.outputDir }));
    else process.stdout.write(`wrote ${o.outputDir}/categories.json\n`);
    return f;
  });
}
