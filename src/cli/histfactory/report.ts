// `searchlight report WS [--patch …] [--config report.yaml] [--asimov] [--blind CHANNEL…] -o DIR`:
// the fit report as cabinetry gives it — pre/post-fit yield tables (CSV, Markdown, LaTeX), stacked
// data/model figures, pulls, correlation matrix, impact ranking, saturated-model goodness of fit
// (asymptotic, and on toys with --gof-toys on the worker pool) — and report.json with every number.
import type { Command } from "commander";
import { resolve } from "node:path";
import { InputError } from "../../io/errors.ts";
import { claimOutputDir, packageVersion, RunRecord } from "../../io/output.ts";
import { inThread } from "../../infer/executor.ts";
import { loadWorkspaceInput } from "../../histfactory/load.ts";
import { compileModel } from "../../histfactory/model.ts";
import { buildReport } from "../../histfactory/report/report.ts";
import { checkAgainstModel, defaultReportConfig, readReportConfig } from "../../histfactory/report/config.ts";
import { writeReport } from "../../histfactory/report/write.ts";
import type { FigureFormat } from "../../plot/render.ts";
import { fmtNum, printJson, table } from "../shared/format.ts";
import { choice, int, repeatableList, seedOf, withJson, withOutputDir, withOverwrite, withQuiet, withSeed, withWorkers, workers } from "../shared/options.ts";
import { withModelOptions, type ModelCliOptions } from "./model-options.ts";

interface ReportCli extends ModelCliOptions {
  outputDir?: string;
  config?: string;
  asimov?: boolean;
  blind?: string[];
  gofToys?: string;
  rankingTop?: string;
  propagation: string;
  draws?: string;
  formats: string;
  figures?: boolean;
  seed?: string;
  workers?: string;
  json?: boolean;
  overwrite?: boolean;
}

export function register(cmd: Command): void {
  withModelOptions(cmd)
    .option("--config <yaml>", "report.yaml: sample order and colours, bin edges and axis titles per channel, log y, label, correlation threshold, ranking size")
    .option("--asimov", "fit the pre-fit Asimov data instead of the observed data")
    .option("--blind <channel...>", "hide the data of these channels everywhere (repeatable or comma-separated)", repeatableList)
    .option("--gof-toys <n>", "toys for a toy-based goodness-of-fit p-value, on the worker pool (default 0: asymptotic only)")
    .option("--ranking-top <n>", "parameters in the impact ranking (0: no ranking; default: the config's ranking_top, 20)")
    .option("--propagation <method>", "yield uncertainties: linear (analytic Jacobian), updown (cabinetry's ±1σ differences) or sampling (spread over --draws parameter vectors from the covariance, seeded by --seed)", "linear")
    .option("--draws <n>", "parameter vectors for --propagation sampling (default 5000)")
    .option("--formats <list>", "figure formats, comma-separated from png, pdf, svg", "png,pdf")
    .option("--no-figures", "write the tables and report.json only");
  withQuiet(withJson(withOverwrite(withSeed(withWorkers(withOutputDir(cmd, "output folder (required)")), "seed of the goodness-of-fit toys and of --propagation sampling", "0"), false), "print a JSON summary"))
    .action((ws: string, o: ReportCli) => reportCommand(ws, o));
}

async function reportCommand(workspace: string, o: ReportCli): Promise<void> {
  if (!o.outputDir) throw new InputError("", "--output-dir", "give the output folder: -o DIR");
  const propagation = choice("--propagation", o.propagation, ["linear", "updown", "sampling"] as const);
  const draws = int("--draws", o.draws, 2);
  const formats = o.figures === false ? [] : o.formats.split(",").map((f) => choice("--formats", f.trim(), ["png", "pdf", "svg"] as const)) as FigureFormat[];
  const gofToys = int("--gof-toys", o.gofToys, 0) ?? 0;
  const seed = seedOf(o.seed);
  const loaded = o.config ? readReportConfig(o.config) : defaultReportConfig();
  const rankingTop = int("--ranking-top", o.rankingTop, 0) ?? loaded.config.ranking_top;
  const input = loadWorkspaceInput({ workspace, patch: o.patch, patchset: o.patchset, patchName: o.patchName });
  const modifierSettings: Record<string, { interpcode: string }> = {};
  if (o.normsysCode) modifierSettings.normsys = { interpcode: o.normsysCode };
  if (o.histosysCode) modifierSettings.histosys = { interpcode: o.histosysCode };
  // The model (POI, measurement, codes), the config's and --blind's names, before any output.
  const compile = { measurement: o.measurement, poiName: o.poiName, modifierSettings, analyticGammas: o.analyticGammas !== false };
  compileModel(input.spec, { ...compile, file: input.file });
  const chans = input.spec.channels.map((c) => ({ name: c.name, nbins: input.spec.observations.find((x) => x.name === c.name)?.data.length ?? 0 }));
  checkAgainstModel(loaded, chans, [...new Set(input.spec.channels.flatMap((c) => c.samples.map((s) => s.name)))]);
  for (const b of o.blind ?? []) if (!chans.some((c) => c.name === b)) throw new InputError(input.file, "--blind", `no channel "${b}" (channels: ${chans.map((c) => c.name).join(", ")})`);
  const outDir = resolve(o.outputDir);
  claimOutputDir(outDir, { command: "report", overwrite: o.overwrite, resumable: false, option: "--output-dir" });
  const run = RunRecord.start(outDir, { command: "report", version: packageVersion(), seed, extra: { workspace: input.file, patch: input.patchLabel } });
  const t0 = performance.now();
  const r = await run.around(async () => {
    // The pool runs the goodness-of-fit toys and renders the figures (this thread is one of its workers).
    const nw = workers(o.workers);
    const executor = nw > 1 && (gofToys > 0 || formats.length > 0) ? (await import("../../batch/pool.ts")).poolTaskExecutor(nw) : inThread;
    const rep = await buildReport(input.spec, input.file, input.patchLabel, {
      compile, blind: o.blind ?? [], asimov: !!o.asimov,
      propagation, draws, rankingTop, gofToys, seed, executor,
    });
    const files = await writeReport(rep, outDir, { config: loaded.config, formats, executor });
    return { rep, files };
  });
  const { rep, files } = r;
  const seconds = (performance.now() - t0) / 1000;
  const g = rep.goodness_of_fit;
  if (o.json) {
    return printJson({
      output_dir: outDir, files: files.length, converged: rep.fit.converged, twice_nll: rep.fit.twice_nll, poi: rep.poi,
      poi_hat: rep.poi ? rep.fit.bestfit[rep.poi] : null, goodness_of_fit: { statistic: g.statistic, dof: g.dof, p_value: g.p_value, toys_p_value: g.toys?.p_value ?? null },
      blinded: rep.blinded, asimov: rep.asimov, seconds,
    });
  }
  const rows: (string | number)[][] = [["channel", "pre-fit", "post-fit", "data"]];
  rep.yields.postfit.channels.forEach((c, i) => {
    const pre = rep.yields.prefit.channels[i].total, d = rep.data[c.name];
    rows.push([c.name, `${fmtNum(pre.sum)} ± ${fmtNum(pre.sumStdev)}`, `${fmtNum(c.total.sum)} ± ${fmtNum(c.total.sumStdev)}`, d ? fmtNum(d.reduce((a, v) => a + v, 0)) : "blinded"]);
  });
  const poiLine = rep.poi ? `${rep.poi} = ${fmtNum(rep.fit.bestfit[rep.poi])} ± ${fmtNum(rep.fit.uncertainties[rep.poi])}, ` : "";
  const gofLine = `goodness of fit (saturated model): t = ${fmtNum(g.statistic)}, dof = ${g.dof}, p = ${Number.isFinite(g.p_value) ? fmtNum(g.p_value) : "n/a (dof ≤ 0)"}`
    + (g.toys ? `; ${g.toys.ntoys} toys: p = ${fmtNum(g.toys.p_value)}${g.toys.failed ? ` (${g.toys.failed} failed)` : ""}` : "");
  process.stdout.write(`${poiLine}twice_nll = ${rep.fit.twice_nll.toPrecision(10)}, converged: ${rep.fit.converged}\n${table(rows)}\n${gofLine}\nwrote ${files.length} files to ${outDir}/ in ${seconds.toFixed(1)} s\n`);
}
