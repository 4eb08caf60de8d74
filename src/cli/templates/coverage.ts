// `searchlight templates coverage MODEL -o DIR [--sets 10 --per-set 100 | --mus 0.5,1,2 --per-set 1000]
// [--method …] [--inflate k] [--clip a,b] [--workers n] [--seed s] [--no-figures] [--json]`:
// a coverage study of the μ interval on the worker pool (same records for any --workers), with
// records.csv, sets.csv, summary.json (coverage, widths, pulls, the challenge score) and figures.
import type { Command } from "commander";
import { resolve } from "node:path";
import { claimOutputDir, packageVersion, RunRecord } from "../../io/output.ts";
import { InputError } from "../../io/errors.ts";
import { poolTaskExecutor } from "../../batch/pool.ts";
import { Progress } from "../../batch/progress.ts";
import { loadModel, type LoadedModel } from "../../templates/config.ts";
import { checkMuRange, runCoverage, type CoverageResult } from "../../templates/coverage.ts";
import { writeCoverageOutputs, coverageSummary } from "../../templates/coverage-output.ts";
import { INTERVAL_METHODS, type IntervalMethod } from "../../templates/interval.ts";
import { fmtNum, printJson, table } from "../shared/format.ts";
import { choice, int, intOr, numList, seedOf, withJson, withOutputDir, withOverwrite, withQuiet, withSeed, withWorkers, workers } from "../shared/options.ts";
import { calibration, withCalibration } from "./fit.ts";

export interface CoverageCli {
  outputDir: string;
  sets?: string;
  perSet?: string;
  mus?: string;
  method: string;
  inflate?: string;
  clip?: string;
  workers?: string;
  seed?: string;
  figures?: boolean;
  overwrite?: boolean;
  json?: boolean;
  quiet?: boolean;
}

export function addCoverageOptions(cmd: Command, d: { outputDir: string; sets: string; perSet: string }): Command {
  withOutputDir(cmd, "folder for records.csv, sets.csv, summary.json and the figures", d.outputDir);
  cmd.option("--sets <n>", "number of sets, μ ~ U(0.1, 3) each", d.sets)
    .option("--per-set <n>", "pseudo-experiments per set", d.perSet)
    .option("--mus <list>", "fixed μ per set instead of random ones (e.g. 0.5,1,2)")
    .option("--no-figures", "skip the figures");
  withCalibration(cmd);
  withWorkers(cmd);
  withSeed(cmd, "random seed (the same records for any --workers)", "1");
  withOverwrite(cmd, false);
  withJson(cmd);
  withQuiet(cmd);
  return cmd;
}

/** Run a study for a loaded model and write its folder; returns the result. */
export async function coverageCommand(m: LoadedModel, o: CoverageCli, command: string): Promise<{ result: CoverageResult; dir: string; seconds: number; files: string[] }> {
  const method = choice("--method", o.method, INTERVAL_METHODS) as IntervalMethod;
  const cal = calibration(o);
  const perSet = intOr("--per-set", o.perSet, 100, 1);
  const mus = o.mus !== undefined ? numList("--mus", o.mus) : undefined;
  const sets = mus ? mus.length : int("--sets", o.sets, 1) ?? 10;
  const seed = seedOf(o.seed, 1);
  const nw = workers(o.workers);
  const dir = resolve(o.outputDir);
  if (mus) for (const mu of mus) if (!(mu >= m.spec.poi.lower && mu <= m.spec.poi.upper)) throw new InputError("", "--mus", `${mu} is outside the bounds [${m.spec.poi.lower}, ${m.spec.poi.upper}] of ${m.spec.poi.name} in ${m.file}`);
  const [lo, hi] = mus ? [Math.min(...mus), Math.max(...mus)] : [0.1, 3];
  checkMuRange(m.spec, lo, hi, m.file);
  claimOutputDir(dir, { command, overwrite: o.overwrite, resumable: false });
  const total = sets * perSet;
  let done = 0;
  const bar = new Progress(total, "pseudo-experiments", !o.quiet && Boolean(process.stderr.isTTY));
  const run = RunRecord.start(dir, { command, version: packageVersion(), seed, progress: () => `${done}/${total} pseudo-experiments`, extra: { model: m.file, sets, per_set: perSet, method, workers: nw } });
  const t0 = performance.now();
  let files: string[] = [];
  const result = await run.around(async () => {
    const r = await runCoverage({ source: m.source, modelFile: m.file, seed, sets, mus, perSet, method, ...cal }, poolTaskExecutor(nw), (n) => { done += n; bar.tick(n); });
    bar.finish();
    files = await writeCoverageOutputs(r, dir, { figures: o.figures !== false });
    return r;
  }, (r) => ({ pooled_coverage: r.pooled.coverage, failed: r.pooled.failed, score: r.score.overall.quantiles_score }));
  return { result, dir, seconds: (performance.now() - t0) / 1000, files };
}

/** The human-readable summary of a study. */
export function coverageLines(r: CoverageResult, dir: string, seconds: number, files: string[]): string {
  const p = r.pooled, s = r.score.overall;
  return [
    table([["set", "μ true", "N", "failed", "coverage", "± binomial", "mean width", "pull mean", "pull std"],
      ...r.sets.map((x) => [x.set, fmtNum(x.mu_true), x.n, x.failed, fmtNum(x.coverage), fmtNum(x.coverage_error), fmtNum(x.mean_width), fmtNum(x.mean_pull), fmtNum(x.std_pull)])]),
    `pooled: coverage ${fmtNum(p.coverage)} ± ${fmtNum(p.coverage_error)} over ${p.n} fits (${p.failed} failed, ${p.not_converged} not converged), mean width ${fmtNum(p.mean_width)}, pulls ${fmtNum(p.mean_pull)} ± ${fmtNum(p.std_pull)}`,
    `challenge score: ${fmtNum(s.quantiles_score)} (interval ${fmtNum(s.interval)}, coverage ${fmtNum(s.coverage)}, penalty ${fmtNum(s.penalty)}), RMSE ${fmtNum(s.rmse)}, MAE ${fmtNum(s.mae)}${r.score.bootstrap ? `, bootstrap ${fmtNum(r.score.bootstrap.mean)} ± ${fmtNum(r.score.bootstrap.std)}` : ""}`,
    `wrote ${dir}/ (${files.join(", ")}) in ${seconds.toFixed(1)} s`,
  ].join("\n") + "\n";
}

export function register(parent: Command): void {
  const cmd = parent.command("coverage <model>").description("coverage study of the μ interval: pseudo-experiments on the worker pool, the challenge score, figures");
  addCoverageOptions(cmd, { outputDir: "out/templates-coverage", sets: "10", perSet: "100" });
  cmd.action(async (model: string, o: CoverageCli) => {
    const m = loadModel(model);
    const { result, dir, seconds, files } = await coverageCommand(m, o, "templates coverage");
    if (o.json) return printJson({ ...coverageSummary(result), output_dir: dir, seconds });
    process.stdout.write(coverageLines(result, dir, seconds, files));
  });
}
