// `searchlight cls WS [...patch] [--poi 1] [--test-stat qtilde|q] [--calculator asymptotics|toys]
// [--ntoys N] [--seed S] [--workers W] [--json]` → { cls_obs, cls_exp[5], clsb_obs, clb_obs }.
import type { Command } from "commander";
import { clsSummary } from "../../histfactory/results.ts";
import { fmtNum, printJson } from "../shared/format.ts";
import { modelFromCli, withModelOptions, type ModelCliOptions } from "./model-options.ts";
import { modelRecipe, needPoi, testStatOf, withTestStat } from "./model-options.ts";
import { choice, insideBounds, intOr, numOr, seedOf, withJson, withSeed, withWorkers, workersGiven } from "../shared/options.ts";

interface ClsOptions extends ModelCliOptions {
  poi: string;
  testStat: string;
  calculator: string;
  ntoys: string;
  seed: string;
  workers?: string;
  toyPars: string;
  allowOutsideBounds?: boolean;
  json?: boolean;
}

export function register(cmd: Command): void {
  const c = withTestStat(withModelOptions(cmd).option("--poi <value>", "tested POI value", "1")
    .option("--allow-outside-bounds", "test a POI value outside the POI's bounds"))
    .option("--calculator <name>", "asymptotics or toys", "asymptotics")
    .option("--ntoys <n>", "pseudo-experiments per hypothesis (toys)", "2000");
  withJson(withWorkers(withSeed(c, "random seed (toys)", "0"), "worker threads for toys (default: all cores)")
    .option("--toy-pars <where>", "toys generated at the fits to the data (fit) or at the inits with the POI set, as pyhf (init)", "fit"))
    .action(async (ws: string, o: ClsOptions) => {
      const testStat = testStatOf(o.testStat);
      choice("--calculator", o.calculator, ["asymptotics", "toys"] as const);
      const mu = numOr("--poi", o.poi, 1);
      const { model, file } = modelFromCli(ws, o);
      needPoi(model, file);
      const par = model.parameters[model.poi];
      insideBounds("--poi", mu, par.name, [par.lower, par.upper], o.allowOutsideBounds);
      let out: Record<string, unknown>;
      if (o.calculator === "toys") {
        const seed = seedOf(o.seed, 0);
        const toyPars = choice("--toy-pars", o.toyPars, ["fit", "init"] as const);
        const recipe = modelRecipe(ws, o, model.modifierSettings);
        // The worker pool and toy machinery load only for toys.
        const { toyHypotestOnPool } = await import("../../batch/toys.ts");
        const r = await toyHypotestOnPool(model, recipe, mu, {
          ntoys: intOr("--ntoys", o.ntoys, 2000, 1), seed, testStat, toyPars,
          workers: workersGiven(o.workers),
        });
        out = {
          cls_obs: r.cls_obs, cls_exp: r.cls_exp, clsb_obs: r.clsb_obs, clb_obs: r.clb_obs, poi: mu, test_stat: testStat, calculator: "toys",
          ntoys: r.ntoys, seed, toy_pars: o.toyPars, failed_toys: r.failed_sb + r.failed_b, cls_obs_mc_error: r.cls_obs_mc_error, test_statistic: r.test_statistic,
        };
      } else {
        out = clsSummary(model, mu, testStat);
      }
      if (o.json) return printJson(out);
      const e = out.cls_exp as number[];
      process.stdout.write(
        `CLs at ${model.parNames[model.poi]} = ${mu} (${testStat}, ${out.calculator}):\n` +
        `  observed ${fmtNum(out.cls_obs as number)}   (CLs+b ${fmtNum(out.clsb_obs as number)}, CLb ${fmtNum(out.clb_obs as number)})` +
        (out.calculator === "toys" ? ` ± ${fmtNum(out.cls_obs_mc_error as number)} (MC)` : "") + "\n" +
        `  expected −2σ ${fmtNum(e[0])}  −1σ ${fmtNum(e[1])}  median ${fmtNum(e[2])}  +1σ ${fmtNum(e[3])}  +2σ ${fmtNum(e[4])}\n`,
      );
    });
}
