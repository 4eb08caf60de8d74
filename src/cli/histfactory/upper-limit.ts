// `searchlight upper-limit WS [...patch] [--cl 0.95] [--test-stat qtilde|q] [--scan a:b:n]
// [--figure BASE] [--json]` → { obs, exp[5] } (CLs limits on the POI, pyhf's toms748_scan).
// `--calculator toys [--ntoys N] [--seed S] [--workers W] [--toy-pars fit|init] [--points n]
// [--interpolation log|linear]`: toy CLs on a μ grid (--scan, or --points values around the
// asymptotic limits) with src/infer/toy-limit.ts on a worker pool; same keys plus MC errors.
import type { Command } from "commander";
import { clsCurve, clsFigure, upperLimitSummary } from "../../histfactory/results.ts";
import { ensureDir } from "../../io/output.ts";
import { dirname } from "node:path";
import { writeFigure } from "../../plot/render.ts";
import { fmtNum, printJson } from "../shared/format.ts";
import { modelFromCli, withModelOptions, type ModelCliOptions } from "./model-options.ts";
import { needPoi, testStatOf, withTestStat } from "./model-options.ts";
import { choice, grid, intOr, level, seedOf, withJson, withSeed, withWorkers, workersGiven } from "../shared/options.ts";
import { modelRecipe } from "./model-options.ts";
import type { HistFactoryModel } from "../../histfactory/model.ts";
import { linspace } from "../../math/stats.ts";

interface UpperLimitCliOptions extends ModelCliOptions {
  cl: string;
  testStat: string;
  scan?: string;
  figure?: string;
  label?: string;
  json?: boolean;
  calculator: string;
  ntoys: string;
  seed: string;
  workers?: string;
  toyPars: string;
  points: string;
  interpolation: string;
}

export function register(cmd: Command): void {
  withJson(withTestStat(withModelOptions(cmd).option("--cl <level>", "confidence level", "0.95"))
    .option("--scan <start:stop:n>", "grid scan with interpolation instead of root finding")
    .option("--figure <base>", "write the CLs-vs-POI figure to <base>.png and .pdf")
    .option("--label <text>", "experiment label on the figure, e.g. \"ATLAS Open Data\"")
    .option("--calculator <name>", "asymptotics or toys", "asymptotics")
    .option("--ntoys <n>", "most pseudo-experiments per μ point and hypothesis (toys; fewer where CLs is resolved from α)", "10000")
    .option("--toy-pars <where>", "toys generated at the fits to the data (fit) or at the inits with the POI set, as pyhf (init)", "fit")
    .option("--points <n>", "μ points spanning the asymptotic limits when --scan is not given (toys)", "7")
    .option("--interpolation <how>", "crossing between μ points: log (ln CLs) or linear (pyhf) (toys)", "log"));
  withWorkers(withSeed(cmd, "random seed (toys)", "0"), "worker threads for toys (default: all cores)")
    .action(async (ws: string, o: UpperLimitCliOptions) => {
      const cl = level("--cl", o.cl, 0.95);
      const testStat = testStatOf(o.testStat);
      const g = o.scan ? grid("--scan", o.scan) : undefined;
      const scan = g ? Array.from(linspace(g.start, g.stop, g.num)) : undefined;
      if (o.figure) ensureDir(dirname(o.figure), "--figure"); // before the fits: a bad path costs nothing
      const calculator = choice("--calculator", o.calculator, ["asymptotics", "toys"] as const);
      const { model, file } = modelFromCli(ws, o);
      needPoi(model, file);
      if (calculator === "toys") return toyLimitCli(ws, o, model, cl, testStat, scan);
      const { json: out, result: r } = upperLimitSummary(model, cl, testStat, scan);
      const poi = model.parNames[model.poi];
      let figures: string[] = [];
      if (o.figure) {
        figures = await writeFigure(clsFigure(clsCurve(model, r, testStat), { cl, poi, label: o.label }), o.figure, ["png", "pdf"], "--figure");
      }

      if (o.json) return printJson(out);
      process.stdout.write(
        `${+(cl * 100).toFixed(4)}% CL upper limit on ${poi}: observed ${fmtNum(r.obs)}\n` +
        `  expected −2σ ${fmtNum(r.exp[0])}  −1σ ${fmtNum(r.exp[1])}  median ${fmtNum(r.exp[2])}  +1σ ${fmtNum(r.exp[3])}  +2σ ${fmtNum(r.exp[4])}\n` +
        (r.above_poi_bound ? `  note: a limit lies above the POI's upper bound ${r.poi_upper_bound}; the bound was extended to ${r.poi_upper_bound_used}\n` : "") +
        (r.capped ? `  note: a CLs curve stays above ${fmtNum(1 - cl)} up to ${r.poi_upper_bound_used}: that limit is reported as Infinity\n` : "") +
        (figures.length ? `wrote ${figures.join(", ")}\n` : ""),
      );
    });
}

/** `upper-limit --calculator toys`: the toy scan on a worker pool (loaded only for toys). */
async function toyLimitCli(ws: string, o: UpperLimitCliOptions, model: HistFactoryModel & { poi: number }, cl: number, testStat: "qtilde" | "q", scan?: number[]): Promise<void> {
  const ntoys = intOr("--ntoys", o.ntoys, 10000, 1);
  const points = intOr("--points", o.points, 7, 2);
  const seed = seedOf(o.seed, 0);
  const toyPars = choice("--toy-pars", o.toyPars, ["fit", "init"] as const);
  const interpolation = choice("--interpolation", o.interpolation, ["log", "linear"] as const);
  const [{ toyUpperLimit }, { poolTaskExecutor }] = await Promise.all([import("../../infer/toy-limit.ts"), import("../../batch/pool.ts")]);
  const progress = Boolean(process.stderr.isTTY) && !o.json;
  const r = await toyUpperLimit(model, {
    level: 1 - cl, testStat, scan, points, ntoys, seed, toyPars, interpolation,
    executor: poolTaskExecutor(workersGiven(o.workers)), recipe: modelRecipe(ws, o, model.modifierSettings),
    onRound: progress ? (i) => process.stderr.write(`toys: ${i.toys} per μ point, ${i.active.length} point(s) still running\n`) : undefined,
  });
  const poi = model.parNames[model.poi];
  const lims = [r.obs, ...r.exp];
  const out = {
    obs: r.obs, exp: r.exp, cl, poi, test_stat: testStat, n_hypotests: r.scan.length,
    above_poi_bound: lims.some((x) => x > r.poi_upper_bound), poi_upper_bound: r.poi_upper_bound, poi_upper_bound_used: r.poi_upper_bound_used,
    capped: r.scan.length > 0 && lims.some((x, k) => !r.bracketed[k] && (k === 0 ? r.scan[r.scan.length - 1].cls_obs : r.scan[r.scan.length - 1].cls_exp[k - 1]) > 1 - cl),
    calculator: "toys", ntoys, seed, toy_pars: toyPars, interpolation, obs_mc_error: r.obs_mc_error, exp_mc_error: r.exp_mc_error, bracketed: r.bracketed,
    toys_run: r.toys_run, failed_toys: r.failed_toys, rounds: r.rounds, scan: r.scan,
  };
  let figures: string[] = [];
  if (o.figure) figures = await writeFigure(clsFigure(r.scan, { cl, poi, label: o.label }), o.figure, ["png", "pdf"], "--figure");
  if (o.json) return printJson(out);
  const pm = (x: number, e: number) => `${fmtNum(x)} ± ${fmtNum(e)}`;
  process.stdout.write(
    `${+(cl * 100).toFixed(4)}% CL upper limit on ${poi} (toys, ≤ ${ntoys} per μ point, ${r.scan.length} points): observed ${pm(r.obs, r.obs_mc_error)} (MC)\n` +
    `  expected −2σ ${pm(r.exp[0], r.exp_mc_error[0])}  −1σ ${pm(r.exp[1], r.exp_mc_error[1])}  median ${pm(r.exp[2], r.exp_mc_error[2])}  +1σ ${pm(r.exp[3], r.exp_mc_error[3])}  +2σ ${pm(r.exp[4], r.exp_mc_error[4])}\n` +
    (r.bracketed.every(Boolean) ? "" : `  note: a CLs curve does not cross ${fmtNum(1 - cl)} inside the μ points ${fmtNum(r.scan[0].mu)} … ${fmtNum(r.scan[r.scan.length - 1].mu)}: its limit is NaN (widen --scan)\n`) +
    (r.failed_toys ? `  note: ${r.failed_toys} toy fit(s) failed and were left out\n` : "") +
    (figures.length ? `wrote ${figures.join(", ")}\n` : ""),
  );
}
