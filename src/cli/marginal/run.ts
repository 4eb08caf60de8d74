// `searchlight marginal run WS --region-recipe R.yaml -o DIR`: from a published background-only
// workspace to marginal-likelihood limits in one command (issue #21). Every region of the recipe
// is extracted (all recipe mistakes are reported before any fit), its background priors fitted
// and its limits scanned; regions run in parallel with --workers. Writes
//   DIR/run.json                       io/output.ts RunRecord: running → complete | failed | interrupted
//                                      (a finished run is refused without --resume, or --overwrite which empties DIR)
//   DIR/<region>/region.json.gz, fit/*.json, limits.json, limits.{png,pdf,svg}
//   DIR/summary.csv, summary.json, summary.{png,pdf,svg}   T2/T3 per region and prior
// Nothing is read from interval-evidence's outputs unless --compare-with DIR is given.
import type { Command } from "commander";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { Progress } from "../../batch/progress.ts";
import { poolTaskExecutor } from "../../batch/pool.ts";
import { readWorkspace } from "../../histfactory/index.ts";
import { inThread } from "../../infer/executor.ts";
import { csvText } from "../../io/csv.ts";
import { InputError } from "../../io/errors.ts";
import { claimOutputDir, packageVersion, RunRecord, writeFileAtomic, writeJsonAtomic } from "../../io/output.ts";
import { writeFigure } from "../../plot/render.ts";
import { compareWithStored, storedFitDir, type CompareRow } from "../../marginal/compare.ts";
import { MIN_RTOL } from "../../marginal/quad-bound.ts";
import { RUN_DEFAULTS, RUN_PRIORS, type RegionRun, type RunOptions, type RunPrior } from "../../marginal/pipeline.ts";
import { readRecipe, recipeRegions } from "../../marginal/recipe.ts";
import { completedResult, runRegions, taskDigest, writeRegionFile, type RegionOutcome, type RegionTask } from "../../marginal/run-task.ts";
import { failedRow, regionFigure, SUMMARY_COLUMNS, summaryFigure, summaryRows, type SummaryRow } from "../../marginal/run-summary.ts";
import { fmtNum, printJson, table } from "../shared/format.ts";
import { int, intOr, numOr, seedOf, withJson, withOutputDir, withQuiet, withSeed, withWorkers, workers } from "../shared/options.ts";
import { levelsOption, priorList } from "./options.ts";

interface RunCli {
  regionRecipe: string;
  outputDir?: string;
  regions?: string;
  prior: string;
  levels?: string;
  observedOnly?: boolean;
  rtol: string;
  num: string;
  mcmcSamples: string;
  mcmcChains: string;
  seed?: string;
  workers?: string;
  resume?: boolean;
  overwrite?: boolean;
  figures: boolean;
  compareWith?: string;
  json?: boolean;
  quiet?: boolean;
}

export function register(marginal: Command): void {
  withJson(withQuiet(withWorkers(withSeed(withOutputDir(marginal
    .command("run <workspace>")
    .description("from a background-only workspace to limits: extract the recipe's regions, fit their background priors, scan T2/T3 (observed and expected)")
    .requiredOption("--region-recipe <file>", "region recipe (YAML): which channels make each region, modifier fixes (examples/marginal/*.yaml)")
    .option("--regions <names>", "only these regions of the recipe (comma-separated)")
    .option("--prior <list>", `background priors, comma-separated: ${RUN_PRIORS.join(", ")}, all`, "normal")
    .option("--levels <list>", "levels λ of ln Z(s) − ln Z(0) to cross (default 4.5,3,2,0.5,0,-0.5,-2,-3,-4.5)")
    .option("--observed-only", "observed data only (skip the three expected-data scans: about 4× less work)")
    .option("--rtol <r>", "relative tolerance of the certified integrals (Z(0) uses rtol/10)", String(RUN_DEFAULTS.rtol))
    .option("--num <n>", "points of each automatic signal grid before it is extended (the limits are then solved for on ℓ(s), not interpolated)", String(RUN_DEFAULTS.num))
    .option("--mcmc-samples <n>", "mcmc prior: kept steps per chain", String(RUN_DEFAULTS.mcmc.nsamples))
    .option("--mcmc-chains <n>", "mcmc prior: chains", String(RUN_DEFAULTS.mcmc.nrepeats))
    .option("--resume", "continue the run in the output folder: regions whose limits.json matches their inputs are kept")
    .option("--overwrite", "replace a run already in the output folder (the folder is emptied)")
    .option("--no-figures", "write no figures")
    .option("--compare-with <dir>", "print the differences from interval-evidence's stored scans in <dir>/<region>/fit/limit/"),
  "output folder (required)"), "MCMC seed (mcmc prior)", "0"), "regions run in parallel on this many threads (default: all cores)")))
    .action((workspace: string, o: RunCli) => runCommand(workspace, o));
}

function runOptions(o: RunCli): RunOptions {
  const rtol = numOr("--rtol", o.rtol, RUN_DEFAULTS.rtol);
  if (!(rtol >= MIN_RTOL && rtol < 1)) throw new InputError("", "--rtol", `"${o.rtol}": expected a number in [${MIN_RTOL}, 1)`);
  return {
    priors: priorList<RunPrior>(o.prior, RUN_PRIORS, RUN_PRIORS),
    levels: levelsOption(o.levels),
    observedOnly: Boolean(o.observedOnly),
    rtol,
    num: intOr("--num", o.num, RUN_DEFAULTS.num, 2),
    mcmc: { ...RUN_DEFAULTS.mcmc, nsamples: int("--mcmc-samples", o.mcmcSamples, 1)!, nrepeats: int("--mcmc-chains", o.mcmcChains, 1)!, seed: seedOf(o.seed) },
  };
}

async function runCommand(workspace: string, o: RunCli): Promise<void> {
  if (!o.outputDir) throw new InputError("", "--output-dir", "required: the folder for the per-region results and the summary (-o DIR)");
  const out = resolve(o.outputDir);
  const opts = runOptions(o);
  const recipe = readRecipe(o.regionRecipe);
  const spec = readWorkspace(workspace);
  let keys = Object.keys(recipe.regions);
  if (o.regions !== undefined) {
    const want = o.regions.split(/[\s,]+/).filter(Boolean);
    for (const k of want) if (!keys.includes(k)) throw new InputError("", "--regions", `"${k}" is not a region of ${o.regionRecipe} (regions: ${keys.join(", ")})`);
    keys = want;
  }
  if (o.compareWith !== undefined && !existsSync(o.compareWith)) throw new InputError(o.compareWith, "--compare-with", "folder not found");
  // Every region is extracted (and every recipe mistake reported) before the folder is claimed.
  const regions = recipeRegions(spec, recipe, keys);
  claimOutputDir(out, { command: "marginal run", overwrite: o.overwrite, resume: o.resume, option: "--output-dir" });
  let finished = 0;
  const record = RunRecord.start(out, {
    command: "marginal run", version: packageVersion(), seed: opts.mcmc.seed, progress: () => `${finished}/${keys.length} regions`,
    extra: { workspace: resolve(workspace), recipe: resolve(o.regionRecipe), regions: keys, options: opts },
  });

  const tasks: RegionTask[] = regions.map(({ key, region }) => ({ key, region, dir: join(out, key), digest: taskDigest(region, opts) }));
  const runs = new Map<string, RegionRun>();
  const todo: RegionTask[] = [];
  for (const t of tasks) {
    const done = o.resume ? completedResult(t) : null;
    if (done) runs.set(t.key, done);
    else {
      writeRegionFile(t.dir, t.region);
      todo.push(t);
    }
  }
  const bar = new Progress(todo.length, "regions", !o.quiet && !o.json && Boolean(process.stderr.isTTY));
  const nThreads = Math.min(workers(o.workers), todo.length);
  const executor = nThreads > 1 ? poolTaskExecutor(nThreads) : inThread;
  finished = tasks.length - todo.length;
  const outcomes: RegionOutcome[] = todo.length ? await runRegions(todo, opts, executor, () => { finished++; bar.tick(); }) : [];
  bar.finish();
  const failed: { region: string; reason: string }[] = [];
  for (const r of outcomes) {
    if (r.status === "complete") runs.set(r.key, r.run);
    else failed.push({ region: r.key, reason: r.reason });
  }

  // Table, figures, comparison: in recipe order, failed regions kept with their reason.
  const rows: SummaryRow[] = [];
  const compare: (CompareRow & { region: string })[] = [];
  for (const key of keys) {
    const run = runs.get(key);
    if (!run) { rows.push(failedRow(key, failed.find((f) => f.region === key)?.reason ?? "not run")); continue; }
    rows.push(...summaryRows(run));
    if (o.figures) await writeFigure(regionFigure(run, opts.levels), join(out, key, "limits"), ["png", "pdf", "svg"]);
    if (o.compareWith !== undefined) compare.push(...compareWithStored(run.priors, storedFitDir(join(o.compareWith, key))).map((c) => ({ region: key, ...c })));
  }
  writeFileAtomic(join(out, "summary.csv"), csvText(SUMMARY_COLUMNS, rows));
  writeJsonAtomic(join(out, "summary.json"), { regions: keys, options: opts, rows, failed, ...(o.compareWith !== undefined ? { compare } : {}) });
  if (o.figures && rows.some((r) => r.status === "complete")) await writeFigure(summaryFigure(rows, `${recipe.description ?? "marginal run"}: T3 per region`), join(out, "summary"), ["png", "pdf", "svg"]);

  if (failed.length) record.fail(new Error(`${failed.length} region(s) failed: ${failed.map((f) => `${f.region} (${f.reason})`).join("; ")}`));
  else record.complete();

  if (o.json) printJson({ output_dir: out, status: record.record.status, regions: keys, resumed: tasks.length - todo.length, rows, failed, ...(o.compareWith !== undefined ? { compare } : {}) });
  else printTables(out, rows, compare, tasks.length - todo.length, o.figures);
  if (failed.length) {
    process.stderr.write(`${failed.length} region(s) failed: ${failed.map((f) => `${f.region} (${f.reason})`).join("; ")}\n`);
    process.exitCode = 1;
  }
}

function printTables(out: string, rows: SummaryRow[], compare: (CompareRow & { region: string })[], resumed: number, figures: boolean): void {
  const f = (x: unknown) => (typeof x === "number" ? fmtNum(x) : x === null || x === undefined || x === "" ? "—" : String(x));
  const t: (string | number)[][] = [["region", "prior", "n", "b̂ ± σ", "T2 obs", "T3 obs", "T3 exp (down, up)", "beyond grid"]];
  for (const r of rows) {
    if (r.status !== "complete") { t.push([String(r.region), "failed", "", "", "", "", "", String(r.reason)]); continue; }
    t.push([String(r.region), String(r.prior), f(r.n), `${f(r.bkg)} ± ${f(r.bkg_err)}`, f(r.limit_2obs), f(r.limit_3obs),
      r.limit_3exp === null ? "—" : `${f(r.limit_3exp)} (${f(r.limit_3exp_lo)}, ${f(r.limit_3exp_hi)})`, f(r.beyond_grid)]);
  }
  let text = `Marginal-likelihood limits (T2, T3 = last crossing of ln Z(s) − ln Z(0) = −2, −3; "—": not scanned or not reached)${resumed ? `; ${resumed} region(s) kept from the previous run` : ""}:\n${table(t)}\nwrote ${out}/summary.csv, summary.json${figures && rows.some((r) => r.status === "complete") ? ", figures" : ""}\n`;
  if (compare.length) {
    const c: (string | number)[][] = [["region", "prior", "data", "level", "ours", "stored", "|ours/stored − 1|"]];
    for (const r of compare) if (r.level === -2 || r.level === -3) c.push([r.region, r.stored_prior, r.variant, r.level, f(r.ours), f(r.stored), r.rel === null ? "—" : r.rel.toExponential(2)]);
    const worst = Math.max(0, ...compare.map((r) => r.rel ?? 0));
    text += `\nCompared with the stored scans (levels −2, −3; every negative level in summary.json), worst relative difference ${worst.toExponential(2)}:\n${table(c)}\n`;
  }
  process.stdout.write(text);
}
