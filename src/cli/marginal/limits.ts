// `searchlight marginal limits <region-dir> [--prior P] [--levels …] [--grid start:stop:n] [--n N]
// [--rtol R] [--json] [--output-dir DIR]`: certified marginal-likelihood limit scans of one discovery
// region from its stored background priors (fit/*.json), spec §3.4 (../shared/specs/interval_evidence.md).
// Prints T2/T3 (last crossings of ℓ = −2, −3) for observed and expected data per prior; with
// --output-dir also draws ℓ(s) = ln Z(s) − ln Z(0) with the levels marked.
import type { Command } from "commander";
import { existsSync, statSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { InputError } from "../../io/errors.ts";
import { linePlot } from "../../plot/charts.ts";
import { writeFigure } from "../../plot/render.ts";
import { DATA_VARIANTS, mcmcLabel, PRIOR_LABELS, readFitPrior, readNormalFit, readSignalFit, readStoredScan, storedScanPath, type DataVariant, type PriorLabel } from "../../marginal/fit-files.ts";
import { linspace } from "../../math/stats.ts";
import { expectedData, expectedDataDelta, type ExpectedData } from "../../marginal/expected-data.ts";
import { DEFAULT_LEVELS, DEFAULT_NUM, DEFAULT_RTOL, scanDelta, scanPrior, upperLimit, type LevelCurve, type SignalGrid } from "../../marginal/limit-scan.ts";
import { MIN_RTOL } from "../../marginal/quad-bound.ts";
import { fmtNum, printJson, table } from "../shared/format.ts";
import { grid, int, numOr, withJson, withOutputDir } from "../shared/options.ts";

interface LimitsOptions {
  prior: string;
  levels?: string;
  grid?: string;
  n?: string;
  rtol: string;
  json?: boolean;
  outputDir?: string;
}

type CliPrior = PriorLabel | "delta";
const CLI_PRIORS: readonly string[] = [...PRIOR_LABELS, "delta", "all"];

/** The region's fit folder: <dir>/fit, or <dir> itself if it holds the fit files. */
function fitDirOf(dir: string): string {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new InputError(dir, "", "region folder not found (expected a folder with fit/*.json)");
  if (existsSync(join(dir, "fit", "normal.json"))) return join(dir, "fit");
  if (existsSync(join(dir, "normal.json"))) return dir;
  throw new InputError(dir, "fit/normal.json", "no fit files found: expected <region>/fit/normal.json (and the other prior fits)");
}

/** Region name for titles and file names: the folder holding fit/. */
function regionName(fitDir: string): string {
  return basename(fitDir) === "fit" ? basename(resolve(fitDir, "..")) : basename(fitDir);
}

function priorsOption(fitDir: string, v: string): CliPrior[] {
  if (!CLI_PRIORS.includes(v)) throw new InputError("", "--prior", `"${v}": expected one of ${CLI_PRIORS.join(", ")}`);
  if (v !== "all") return [v as CliPrior];
  const labels: CliPrior[] = ["normal", "normal_log", "cabinetry", "cabinetry_post", "linspace"];
  const mcmc = mcmcLabel(fitDir);
  if (mcmc) labels.push(mcmc);
  labels.push("delta");
  return labels.filter((l) => l === "delta" || l.startsWith("normal") || existsSync(join(fitDir, `${l}.json`)));
}

function levelsOption(v: string | undefined): number[] {
  if (v === undefined) return [...DEFAULT_LEVELS];
  const levels = v.split(",").map((s) => Number(s.trim()));
  if (!levels.length || levels.some((x) => !Number.isFinite(x)) || v.trim() === "") throw new InputError("", "--levels", `"${v}": expected comma-separated numbers, e.g. 2,0,-2,-3`);
  return levels;
}

/** --grid start:stop:n, else the stored scans' range, else signal.json's, with 201 points. */
function gridOption(fitDir: string, v: string | undefined): SignalGrid {
  if (v !== undefined) return grid("--grid", v, 0);
  const stored = storedScanPath(fitDir, "normal", "observed");
  if (existsSync(stored)) {
    const s = readStoredScan(stored);
    return { start: s.start, stop: s.stop, num: s.integrals?.length ?? DEFAULT_NUM };
  }
  if (existsSync(join(fitDir, "signal.json"))) {
    const s = readSignalFit(fitDir);
    return { start: s.start, stop: s.stop, num: DEFAULT_NUM };
  }
  throw new InputError(fitDir, "--grid", "no stored scan or signal.json to take the signal range from: give --grid start:stop:n");
}

/** Observed count: --n, else the stored observed scan's ndata. */
function observedCount(fitDir: string, v: string | undefined): number {
  if (v !== undefined) {
    return int("--n", v)!;
  }
  for (const label of ["normal", "delta"] as const) {
    const p = storedScanPath(fitDir, label, "observed");
    if (existsSync(p)) {
      const n = readStoredScan(p).ndata;
      if (n !== null && Number.isInteger(n)) return n;
    }
  }
  throw new InputError(fitDir, "--n", "no stored observed scan to read the observed count from: give --n");
}

interface VariantResult {
  ndata: number;
  /** ln Z(0) (midpoint of the bounds), or ln L̃(b̂) for delta. */
  log_z0: number;
  limit_2: number | null;
  limit_3: number | null;
  crossings: { level: number; points: number[]; flat: [number, number][] }[];
  log_ratio: number[];
  integral_zero?: [number, number];
}

function variantResult(curve: LevelCurve, ndata: number, logZ0: number, integralZero?: [number, number]): VariantResult {
  const has = (l: number) => curve.levels.includes(l);
  return {
    ndata,
    log_z0: logZ0,
    limit_2: has(-2) ? upperLimit(curve, -2) : null,
    limit_3: has(-3) ? upperLimit(curve, -3) : null,
    crossings: curve.levels.map((level, k) => ({ level, points: curve.crossings[k].points, flat: curve.crossings[k].flat })),
    log_ratio: Array.from(curve.logRatios),
    ...(integralZero ? { integral_zero: integralZero } : {}),
  };
}

function scanOnePrior(fitDir: string, label: CliPrior, n: number, grid: SignalGrid, levels: number[], rtol: number): { prior: string; file: string } & Record<DataVariant, VariantResult> {
  const data = (trio: ExpectedData): Record<DataVariant, number> => ({ observed: n, down: trio.down, central: trio.central, up: trio.up });
  const out: Partial<Record<DataVariant, VariantResult>> = {};
  if (label === "delta") {
    const fit = readNormalFit(fitDir);
    const nv = data(expectedDataDelta(fit.yieldLinear));
    for (const v of DATA_VARIANTS) {
      const s = scanDelta(fit.yieldLinear, nv[v], grid, levels);
      out[v] = variantResult(s, nv[v], s.logLikelihoodZero);
    }
    return { prior: label, file: join(fitDir, "normal.json"), ...(out as Record<DataVariant, VariantResult>) };
  }
  const { prior, file } = readFitPrior(fitDir, label);
  const nv = data(expectedData(prior));
  for (const v of DATA_VARIANTS) {
    const s = scanPrior(prior, nv[v], grid, levels, rtol);
    out[v] = variantResult(s, nv[v], Math.log(0.5 * (s.integralZero[0] + s.integralZero[1])), s.integralZero);
  }
  return { prior: label, file, ...(out as Record<DataVariant, VariantResult>) };
}

export function register(marginal: Command): void {
  withOutputDir(withJson(marginal
    .command("limits <region-dir>")
    .description("certified marginal-likelihood limit scans (T2/T3, observed and expected) from a region's stored background priors")
    .option("--prior <label>", `background prior: ${CLI_PRIORS.join("|")}`, "all")
    .option("--levels <list>", `levels λ of ln Z(s) − ln Z(0) to cross (default ${DEFAULT_LEVELS.join(",")})`)
    .option("--grid <start:stop:n>", "signal grid (default: the stored scans' range, 201 points)")
    .option("--n <count>", "observed count (default: from the stored observed scan)")
    .option("--rtol <r>", "relative tolerance of the certified integrals (Z(0) uses rtol/10)", String(DEFAULT_RTOL))), "write a figure of ln Z(s) − ln Z(0) (PNG, PDF, SVG) here")
    .action(async (regionDir: string, o: LimitsOptions) => {
      const fitDir = fitDirOf(resolve(regionDir));
      const labels = priorsOption(fitDir, o.prior);
      const levels = levelsOption(o.levels);
      const grid = gridOption(fitDir, o.grid);
      const rtol = numOr("--rtol", o.rtol, DEFAULT_RTOL);
      if (!(rtol >= MIN_RTOL && rtol < 1)) throw new InputError("", "--rtol", `"${o.rtol}": expected a number in [${MIN_RTOL}, 1)`);
      const n = observedCount(fitDir, o.n);
      const results = labels.map((label) => scanOnePrior(fitDir, label, n, grid, levels, rtol));
      const signals = Array.from(linspace(grid.start, grid.stop, grid.num));
      let figure: string[] | undefined;
      if (o.outputDir) {
        const spec = linePlot({
          series: results.map((r) => ({ name: `${r.prior} (n = ${r.observed.ndata})`, x: signals, y: r.observed.log_ratio })),
          x: { title: "signal yield s [events]" },
          y: { title: "ln Z(s) − ln Z(0)" },
          hlines: levels.map((y) => ({ y })),
          title: `${regionName(fitDir)}: marginal likelihood, observed data`,
        });
        figure = await writeFigure(spec, join(o.outputDir, `marginal_limits_${regionName(fitDir)}`), ["png", "pdf", "svg"]);
      }
      if (o.json) {
        return printJson({ region_dir: resolve(regionDir), fit_dir: fitDir, n_observed: n, grid, levels, rtol, signals, priors: results, ...(figure ? { figure } : {}) });
      }
      const lim = (x: number | null) => (x === null ? "—" : fmtNum(x));
      const rows: (string | number)[][] = [["prior", "T2 obs", "T3 obs", "T2 exp", "T3 exp", "T3 exp up", "T3 exp down", "n exp (down/central/up)"]];
      for (const r of results) {
        rows.push([r.prior, lim(r.observed.limit_2), lim(r.observed.limit_3), lim(r.central.limit_2), lim(r.central.limit_3), lim(r.up.limit_3), lim(r.down.limit_3), `${fmtNum(r.down.ndata)} / ${fmtNum(r.central.ndata)} / ${fmtNum(r.up.ndata)}`]);
      }
      process.stdout.write(
        `Marginal-likelihood limits for ${fitDir} (n = ${n}; s on [${grid.start}, ${grid.stop}], ${grid.num} points; rtol ${rtol}):\n` +
        `T2, T3 = last crossing of ln Z(s) − ln Z(0) = −2, −3 ("—": not reached in the range)\n` +
        table(rows) + "\n" + (figure ? `figure: ${figure.join(", ")}\n` : ""),
      );
    });
}
