// Hypothesis tests, limits, significances, profile scans and rankings on a workspace:
// `searchlight cls | upper-limit | significance | scan | ranking` (DESIGN.md CLI contract).
import type { Command } from "commander";
import { InputError } from "../io/errors.ts";
import { hypotest, significance } from "../infer/hypothesis-test.ts";
import { upperLimit } from "../infer/limits.ts";
import { toyHypotest } from "../infer/toys.ts";
import { profileScan } from "../infer/profile-scan.ts";
import { ranking } from "../infer/impacts.ts";
import { parameterIndex } from "../likelihood/types.ts";
import { bandPlot, linePlot } from "../plot/charts.ts";
import { writeFigure } from "../plot/render.ts";
import { fmtNum, printJson, table } from "./format.ts";
import { modelFromCli, withModelOptions, type ModelCliOptions } from "./model-options.ts";
import { loadWorkspaceInput } from "../histfactory/load.ts";

interface InferOptions extends ModelCliOptions {
  json?: boolean;
  figure?: string;
}

const num = (flag: string, v: string | undefined, dflt: number): number => {
  if (v === undefined) return dflt;
  const x = Number(v);
  if (!Number.isFinite(x)) throw new InputError("", flag, `"${v}" is not a number`);
  return x;
};

function needPoi(model: { poi: number | null }, file: string): void {
  if (model.poi === null) throw new InputError(file, "/measurements/0/config/poi", "the model has no POI: name one with --poi-name or apply a signal patch");
}

export function register(program: Command): void {
  withModelOptions(program.command("cls <workspace>").description("observed and expected CLs at a POI value"))
    .option("--poi <value>", "tested POI value", "1")
    .option("--test-stat <name>", "qtilde or q", "qtilde")
    .option("--calculator <name>", "asymptotics or toys", "asymptotics")
    .option("--ntoys <n>", "pseudo-experiments per hypothesis (toys)", "2000")
    .option("--seed <s>", "random seed (toys)", "0")
    .option("--workers <n>", "worker threads for toys (default: all cores)")
    .option("--json", "print one JSON object")
    .action(async (ws: string, o: InferOptions & { poi: string; testStat: string; calculator: string; ntoys: string; seed: string; workers?: string }) => {
      if (!["qtilde", "q"].includes(o.testStat)) throw new InputError("", "--test-stat", `"${o.testStat}": expected qtilde or q`);
      if (!["asymptotics", "toys"].includes(o.calculator)) throw new InputError("", "--calculator", `"${o.calculator}": expected asymptotics or toys`);
      const { model, file } = modelFromCli(ws, o);
      needPoi(model, file);
      const mu = num("--poi", o.poi, 1);
      const testStat = o.testStat as "qtilde" | "q";
      let out: Record<string, unknown>;
      if (o.calculator === "toys") {
        const input = loadWorkspaceInput({ workspace: ws, patch: o.patch, patchset: o.patchset, patchName: o.patchName });
        const options = { measurement: o.measurement, poiName: o.poiName, modifierSettings: model.modifierSettings };
        const recipe = { module: new URL("../histfactory/model.ts", import.meta.url).href, factory: "modelFromRecipe", args: { spec: input.spec, options } };
        const r = await toyHypotest(model, recipe, mu, { ntoys: num("--ntoys", o.ntoys, 2000), seed: num("--seed", o.seed, 0), workers: o.workers ? num("--workers", o.workers, 1) : undefined, testStat });
        out = { cls_obs: r.cls_obs, cls_exp: r.cls_exp, clsb_obs: r.clsb_obs, clb_obs: r.clb_obs, poi: mu, test_stat: testStat, calculator: "toys", ntoys: r.ntoys, seed: num("--seed", o.seed, 0), failed_toys: r.failed_sb + r.failed_b, cls_obs_mc_error: r.cls_obs_mc_error, test_statistic: r.test_statistic };
      } else {
        const r = hypotest(model, mu, { testStat });
        out = { cls_obs: r.cls_obs, cls_exp: r.cls_exp, clsb_obs: r.clsb_obs, clb_obs: r.clb_obs, poi: mu, test_stat: testStat, calculator: "asymptotics", test_statistic: r.test_statistic, mu_hat: r.mu_hat };
      }
      if (o.json) return printJson(out);
      const e = out.cls_exp as number[];
      process.stdout.write(`CLs at ${model.parNames[model.poi!]} = ${mu} (${testStat}, ${out.calculator}):\n  observed ${fmtNum(out.cls_obs as number)}   (CLs+b ${fmtNum(out.clsb_obs as number)}, CLb ${fmtNum(out.clb_obs as number)})\n  expected −2σ ${fmtNum(e[0])}  −1σ ${fmtNum(e[1])}  median ${fmtNum(e[2])}  +1σ ${fmtNum(e[3])}  +2σ ${fmtNum(e[4])}\n`);
    });

  withModelOptions(program.command("upper-limit <workspace>").description("observed and expected CLs upper limits on the POI"))
    .option("--cl <level>", "confidence level", "0.95")
    .option("--test-stat <name>", "qtilde or q", "qtilde")
    .option("--scan <start:stop:n>", "grid scan with interpolation instead of root finding")
    .option("--figure <base>", "write the CLs-vs-POI figure to <base>.png and .pdf")
    .option("--json", "print one JSON object")
    .action(async (ws: string, o: InferOptions & { cl: string; testStat: string; scan?: string }) => {
      const { model, file } = modelFromCli(ws, o);
      needPoi(model, file);
      const cl = num("--cl", o.cl, 0.95);
      if (!(cl > 0 && cl < 1)) throw new InputError("", "--cl", `${cl} is not in (0, 1)`);
      let scan: number[] | undefined;
      if (o.scan) {
        const m = /^([^:]+):([^:]+):(\d+)$/.exec(o.scan);
        if (!m) throw new InputError("", "--scan", `"${o.scan}" is not start:stop:n (e.g. 0:5:21)`);
        const [a, b, n] = [Number(m[1]), Number(m[2]), Number(m[3])];
        scan = Array.from({ length: n }, (_, k) => a + ((b - a) * k) / Math.max(1, n - 1));
      }
      const r = upperLimit(model, { level: 1 - cl, testStat: o.testStat as "qtilde" | "q", scan });
      if (o.figure) {
        // Show the curves up to a little beyond the largest limit, not the whole bracket search.
        const xmax = 1.3 * Math.max(r.obs, ...r.exp.filter(Number.isFinite));
        const s = r.scan.filter((p) => p.mu <= xmax);
        await writeFigure(bandPlot({
          x: s.map((p) => p.mu), median: s.map((p) => p.cls_exp[2]), minus1: s.map((p) => p.cls_exp[1]), plus1: s.map((p) => p.cls_exp[3]),
          minus2: s.map((p) => p.cls_exp[0]), plus2: s.map((p) => p.cls_exp[4]), observed: s.map((p) => p.cls_obs),
          xAxis: { title: model.parNames[model.poi!] }, yAxis: { title: "CLs" },
        }), o.figure);
      }
      const out = { obs: r.obs, exp: r.exp, cl, poi: model.parNames[model.poi!], n_hypotests: r.n_hypotests, above_poi_bound: r.above_poi_bound, poi_upper_bound: r.poi_upper_bound };
      if (o.json) return printJson(out);
      process.stdout.write(`${Math.round(cl * 100)}% CL upper limit on ${out.poi}: observed ${fmtNum(r.obs)}\n  expected −2σ ${fmtNum(r.exp[0])}  −1σ ${fmtNum(r.exp[1])}  median ${fmtNum(r.exp[2])}  +1σ ${fmtNum(r.exp[3])}  +2σ ${fmtNum(r.exp[4])}\n${r.above_poi_bound ? `  note: a limit lies above the POI's upper bound ${r.poi_upper_bound}; the search extended it\n` : ""}`);
    });

  withModelOptions(program.command("significance <workspace>").description("discovery p-value and significance, observed and expected"))
    .option("--json", "print one JSON object")
    .action(async (ws: string, o: InferOptions) => {
      const { model, file } = modelFromCli(ws, o);
      needPoi(model, file);
      const s = significance(model);
      const out = { p0_obs: s.p0_obs, z_obs: s.z_obs, p0_exp: s.p0_exp, z_exp: s.z_exp, p0_exp_band: s.p0_exp_band, z_exp_band: s.z_exp_band, q0: s.q0, mu_hat: s.mu_hat };
      if (o.json) return printJson(out);
      process.stdout.write(`discovery: observed p0 = ${fmtNum(s.p0_obs)} (Z = ${fmtNum(s.z_obs)}), expected p0 = ${fmtNum(s.p0_exp)} (Z = ${fmtNum(s.z_exp)})\n`);
    });

  withModelOptions(program.command("scan <workspace>").description("profile-likelihood scan and 68%/95% intervals of a parameter"))
    .option("--parameter <name>", "parameter to scan (default: the POI)")
    .option("--npoints <n>", "scan points", "21")
    .option("--figure <base>", "write the Δ(2NLL) figure to <base>.png and .pdf")
    .option("--json", "print one JSON object")
    .action(async (ws: string, o: InferOptions & { parameter?: string; npoints: string }) => {
      const { model, file } = modelFromCli(ws, o);
      let i = model.poi ?? -1;
      if (o.parameter) {
        i = parameterIndex(model, o.parameter);
        if (i < 0) throw new InputError(file, "--parameter", `no parameter "${o.parameter}" in the model`);
      } else needPoi(model, file);
      const r = profileScan(model, i, { npoints: num("--npoints", o.npoints, 21) });
      if (o.figure) {
        await writeFigure(linePlot({
          series: [{ name: "profile likelihood", x: r.points.map((p) => p.value), y: r.points.map((p) => p.delta_twice_nll) }],
          x: { title: r.parameter }, y: { title: "−2 Δ ln L" }, hlines: [{ y: 1 }, { y: 3.841458820694124 }],
        }), o.figure);
      }
      if (o.json) return printJson(r);
      const rows: (string | number)[][] = [["CL", "lower", "upper"], ...r.intervals.map((iv) => [`${(iv.cl * 100).toFixed(1)}%`, iv.lower_at_bound ? `${fmtNum(iv.lower)} (bound)` : iv.lower, iv.upper_at_bound ? `${fmtNum(iv.upper)} (bound)` : iv.upper])];
      process.stdout.write(`${r.parameter}: best fit ${fmtNum(r.best_fit)}\n${table(rows)}\n`);
    });

  withModelOptions(program.command("ranking <workspace>").description("nuisance parameters ranked by their impact on the POI"))
    .option("--top <n>", "show the n highest-ranked parameters", "20")
    .option("--json", "print one JSON object")
    .action(async (ws: string, o: InferOptions & { top: string }) => {
      const { model, file } = modelFromCli(ws, o);
      needPoi(model, file);
      const r = ranking(model, { maxParameters: num("--top", o.top, 20) });
      if (o.json) return printJson(r);
      const rows: (string | number)[][] = [["parameter", "θ̂", "σ", "Δμ pre +", "Δμ pre −", "Δμ post +", "Δμ post −"]];
      for (const x of r.impacts) rows.push([x.parameter, x.bestfit, x.uncertainty, x.prefit_up, x.prefit_down, x.postfit_up, x.postfit_down]);
      process.stdout.write(`${r.poi} = ${fmtNum(r.poi_hat)} ± ${fmtNum(r.poi_uncertainty)}\n${table(rows)}\n`);
    });
}
