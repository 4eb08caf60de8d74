// `searchlight marginal limits REGION [--prior normal,linspace,mcmc|all] [--levels …]
// [--grid start:stop:n] [--observed-only] [--n N] [--rtol R] [--compare-with DIR] [--json]
// [--output-dir DIR]`: certified marginal-likelihood limit scans of one discovery region
// (spec §3.4, ../shared/specs/interval_evidence.md). REGION is a region file (region.json.gz)
// or its folder. Background priors come from the fit files (<folder>/fit/*.json); without them
// the normal prior is fitted here from the region file. The observed count is the region's SR
// observation, the signal grid is chosen from the prior and extended until every crossing is
// bracketed (auto-scan.ts); stored scans (fit/limit/) are read only with --compare-with.
// Prints T2/T3 (last crossings of ℓ = −2, −3) for observed and expected data per prior; with
// --output-dir also draws ℓ(s) = ln Z(s) − ln Z(0) with the levels marked.
import type { Command } from "commander";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { InputError } from "../../io/errors.ts";
import { writeFigure } from "../../plot/render.ts";
import { readJsonFile } from "../../histfactory/load.ts";
import { AUTO_NUM, scanVariants } from "../../marginal/auto-scan.ts";
import { blindRegion, regionObservedCount } from "../../marginal/blind.ts";
import { compareWithStored, storedFitDir } from "../../marginal/compare.ts";
import { fitFileOf, mcmcLabel, priorFromFitJson, PRIOR_LABELS, readFitPrior, readNormalFit, type PriorLabel } from "../../marginal/fit-files.ts";
import { DEFAULT_RTOL, type SignalGrid } from "../../marginal/limit-scan.ts";
import { fitPriors, RUN_DEFAULTS, type PriorLimits } from "../../marginal/pipeline.ts";
import { regionFigure } from "../../marginal/run-summary.ts";
import type { NormalJson } from "../../marginal/prior-fit.ts";
import { MIN_RTOL } from "../../marginal/quad-bound.ts";
import { fmtNum, printJson, table } from "../shared/format.ts";
import { grid, int, intOr, numOr, withJson, withOutputDir } from "../shared/options.ts";
import { levelsOption, priorList, regionName, regionPaths, type RegionPaths } from "./options.ts";

interface LimitsOptions {
  prior: string;
  levels?: string;
  grid?: string;
  num: string;
  n?: string;
  observedOnly?: boolean;
  rtol: string;
  compareWith?: string;
  json?: boolean;
  outputDir?: string;
}

type CliPrior = PriorLabel | "delta";
const CLI_PRIORS: readonly string[] = [...PRIOR_LABELS, "delta", "mcmc"];

/** `all`: every prior whose fit file exists (normal, normal_log and delta need normal.json or a fit). */
function availablePriors(fitDir: string, haveNormal: boolean): CliPrior[] {
  const out: CliPrior[] = [];
  for (const l of ["normal", "normal_log", "cabinetry", "cabinetry_post", "linspace"] as const) {
    if (l.startsWith("normal") ? haveNormal : existsSync(fitFileOf(fitDir, l))) out.push(l);
  }
  const m = mcmcLabel(fitDir);
  if (m) out.push(m);
  if (haveNormal) out.push("delta");
  return out;
}

/** The normal fit: normal.json when present, else fitted here from the region file. */
function normalOf(paths: RegionPaths): { normal: NormalJson; source: string } {
  if (existsSync(join(paths.fitDir, "normal.json"))) {
    const f = readNormalFit(paths.fitDir);
    return { normal: { yield_linear: f.yieldLinear, error_linear: f.errorLinear, error_log: f.errorLog }, source: join(paths.fitDir, "normal.json") };
  }
  if (!paths.file) throw new InputError(paths.dir, "fit/normal.json", "no fit files and no region file to fit: give a region file or its folder");
  const br = blindRegion(readJsonFile(paths.file), paths.file);
  const { fits, failures } = fitPriors(br, ["normal"], RUN_DEFAULTS);
  for (const f of failures) process.stderr.write(`warning: ${f.where}: ${f.message}\n`);
  return { normal: fits.normal, source: `${paths.file} (normal prior fitted here)` };
}

/** Observed count: --n, else the region file's SR observation. */
function observedCount(paths: RegionPaths, v: string | undefined): number {
  if (v !== undefined) return int("--n", v)!;
  if (paths.file) return regionObservedCount(readJsonFile(paths.file), paths.file);
  throw new InputError(paths.dir, "--n", "no region file (region.json.gz) to read the observed count from: give --n or the region file");
}

export function register(marginal: Command): void {
  withOutputDir(withJson(marginal
    .command("limits <region>")
    .description("certified marginal-likelihood limit scans (T2/T3, observed and expected) of a region file or folder")
    .option("--prior <list>", `background priors, comma-separated: ${CLI_PRIORS.join(", ")} (mcmc = the MCMC file present), or all`, "all")
    .option("--levels <list>", "levels λ of ln Z(s) − ln Z(0) to cross (default 4.5,3,2,0.5,0,-0.5,-2,-3,-4.5)")
    .option("--grid <start:stop:n>", "a fixed signal grid (default: from the prior, extended until every crossing is bracketed)")
    .option("--num <n>", "points of the automatic grid before it is extended (its limits are then solved for, not interpolated)", String(AUTO_NUM))
    .option("--n <count>", "observed count (default: the region file's SR observation)")
    .option("--observed-only", "observed data only (skip the three expected-data scans)")
    .option("--rtol <r>", "relative tolerance of the certified integrals (Z(0) uses rtol/10)", String(DEFAULT_RTOL))
    .option("--compare-with <dir>", "print the differences from the stored scans in <dir>/fit/limit/ (a stored region folder)")), "write a figure of ln Z(s) − ln Z(0) (PNG, PDF, SVG) here")
    .action(async (regionArg: string, o: LimitsOptions) => {
      const paths = regionPaths(regionArg);
      const levels = levelsOption(o.levels);
      const fixed: SignalGrid | undefined = o.grid !== undefined ? grid("--grid", o.grid, 0) : undefined;
      const num = intOr("--num", o.num, AUTO_NUM, 2);
      const rtol = numOr("--rtol", o.rtol, DEFAULT_RTOL);
      if (!(rtol >= MIN_RTOL && rtol < 1)) throw new InputError("", "--rtol", `"${o.rtol}": expected a number in [${MIN_RTOL}, 1)`);
      const haveNormal = existsSync(join(paths.fitDir, "normal.json")) || paths.file !== null;
      const labels = priorList<CliPrior>(o.prior, CLI_PRIORS, availablePriors(paths.fitDir, haveNormal), () => mcmcLabel(paths.fitDir));
      if (o.compareWith !== undefined && !existsSync(o.compareWith)) throw new InputError(o.compareWith, "--compare-with", "folder not found");
      const n = observedCount(paths, o.n);
      const { normal, source } = normalOf(paths);
      const bg = { mean: normal.yield_linear, sd: normal.error_linear };
      const scan = { levels, rtol, num, grid: fixed, observedOnly: Boolean(o.observedOnly) };
      const results: PriorLimits[] = labels.map((label) => {
        if (label === "delta") return { prior: label, file: source, ...scanVariants({ delta: normal.yield_linear }, n, bg, scan) };
        if (label === "normal" || label === "normal_log") {
          return { prior: label, file: source, ...scanVariants(priorFromFitJson(label, normal, source).prior, n, bg, scan) };
        }
        const fp = readFitPrior(paths.fitDir, label);
        return { prior: label, file: fp.file, ...scanVariants(fp.prior, n, bg, scan) };
      });
      const name = regionName(paths);
      let figure: string[] | undefined;
      if (o.outputDir) {
        const spec = regionFigure({ region: name, signal_region_name: name, n, normal, converged: true, failures: [], priors: results, seconds: { fit: 0, limits: 0 } }, levels);
        figure = await writeFigure(spec, join(o.outputDir, `marginal_limits_${name}`), ["png", "pdf", "svg"]);
      }
      const compare = o.compareWith !== undefined ? compareWithStored(results, storedFitDir(resolve(o.compareWith))) : undefined;
      if (o.json) {
        return printJson({ region: name, region_file: paths.file, fit_dir: paths.fitDir, n_observed: n, grid: fixed ?? null, levels, rtol, priors: results, ...(figure ? { figure } : {}), ...(compare ? { compare } : {}) });
      }
      const lim = (x: number | null | undefined) => (x === null || x === undefined ? "—" : fmtNum(x));
      const rows: (string | number)[][] = [["prior", "T2 obs", "T3 obs", "T2 exp", "T3 exp", "T3 exp up", "T3 exp down", "n exp (down/central/up)", "beyond grid"]];
      for (const r of results) {
        const beyond = (["observed", "down", "central", "up"] as const).flatMap((v) => (r[v]?.beyond_grid.length ? [`${v}:${r[v]!.beyond_grid.join("/")}`] : [])).join(" ");
        rows.push([r.prior, lim(r.observed?.limit_2), lim(r.observed?.limit_3), lim(r.central?.limit_2), lim(r.central?.limit_3), lim(r.up?.limit_3), lim(r.down?.limit_3),
          r.central ? `${fmtNum(r.down!.ndata)} / ${fmtNum(r.central.ndata)} / ${fmtNum(r.up!.ndata)}` : "—", beyond || "—"]);
      }
      const g = results[0]?.observed?.grid;
      let text = `Marginal-likelihood limits for ${name} (n = ${n}; ${fixed ? `s on [${fixed.start}, ${fixed.stop}], ${fixed.num} points` : `s from 0, grid from the prior (observed ${results[0]?.prior ?? ""}: to ${g ? fmtNum(g.stop) : "?"}, ${g?.num ?? "?"} points)`}; rtol ${rtol}):\n` +
        `T2, T3 = last crossing of ln Z(s) − ln Z(0) = −2, −3 ("—": not reached in the range)\n` +
        table(rows) + "\n" + (figure ? `figure: ${figure.join(", ")}\n` : "");
      if (compare) {
        const c: (string | number)[][] = [["prior", "data", "level", "ours", "stored", "|ours/stored − 1|"]];
        for (const r of compare) c.push([r.stored_prior, r.variant, r.level, lim(r.ours), lim(r.stored), r.rel === null ? "—" : r.rel.toExponential(2)]);
        text += `\nCompared with the stored scans in ${o.compareWith}:\n${table(c)}\n`;
      }
      process.stdout.write(text);
    });
}

