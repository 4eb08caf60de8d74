// `searchlight categorize evaluate CATEGORIES.json --config C.yaml [--categories K]`: the hard
// categories of a trained run on the events a configuration names (e.g. an independent sample):
// Z per signal, yields, and the baselines on the same events.
import type { Command } from "commander";
import { readFileSync } from "node:fs";
import { InputError } from "../../io/errors.ts";
import { loadEvents, readCategorizeConfig, trainOptionsOf, windowedSignals } from "../../categorize/config.ts";
import { evaluateCategories } from "../../categorize/evaluate.ts";
import { baselinesOf, modelOf, type CategoriesFile, type RunResult } from "../../categorize/run.ts";
import { printJson } from "../shared/format.ts";
import { int, withJson, withWorkers } from "../shared/options.ts";
import { executorOf, jsonSummary, runSummary } from "./common.ts";

export function readCategories(file: string): CategoriesFile {
  let f: CategoriesFile;
  try {
    f = JSON.parse(readFileSync(file, "utf8")) as CategoriesFile;
  } catch (e) {
    throw new InputError(file, "", `not a readable categories.json (${(e as Error).message})`);
  }
  if (f?.format !== "searchlight-categories" || !Array.isArray(f.runs) || f.runs.length === 0) {
    throw new InputError(file, "format", "not a categories.json written by `searchlight categorize train`");
  }
  return f;
}

export function pickRun(f: CategoriesFile, file: string, k?: number): RunResult {
  if (k === undefined) return f.runs[0];
  const r = f.runs.find((x) => x.k === k);
  if (!r) throw new InputError(file, "--categories", `no run with ${k} categories (runs: ${f.runs.map((x) => x.k).join(", ")})`);
  return r;
}

export function register(cat: Command): void {
  withJson(withWorkers(cat.command("evaluate <categories>")
    .description("evaluate trained categories (categories.json) on the events a configuration names")
    .requiredOption("--config <file>", "YAML or JSON configuration naming the events")
    .option("--categories <k>", "which run of the file (number of categories; default: the first)")))
    .action(async (file: string, o: { config: string; categories?: string; workers?: string; json?: boolean }) => {
      const f = readCategories(file);
      const run = pickRun(f, file, int("--categories", o.categories, 2));
      const cfg = readCategorizeConfig(o.config);
      const t = trainOptionsOf(cfg, f.seed);
      let events = await loadEvents(cfg);
      if (t.bump) events = windowedSignals(events, t.bump.window);
      const names = events.processes.map((p) => p.name).join(",");
      if (names !== f.processes.map((p) => p.name).join(",")) {
        throw new InputError(o.config, "processes", `the processes (${names}) differ from the trained ones (${f.processes.map((p) => p.name).join(",")})`);
      }
      const model = modelOf(run.spec);
      if (model.d !== events.d) throw new InputError(o.config, "scores", `${events.d} score column(s), the model was trained on ${model.d}`);
      const window = f.window ?? undefined;
      const evaluation = await evaluateCategories(model, Float64Array.from(run.params), events, { window, executor: executorOf(o.workers), sharp: run.steepness });
      const out: CategoriesFile = { ...f, runs: [{ ...run, evaluation, baselines: baselinesOf(events, run.k, window) }] };
      if (o.json) return printJson(jsonSummary(out, { categories_file: file }));
      process.stdout.write(runSummary(out, out.runs[0]));
    });
}
