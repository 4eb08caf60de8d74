// `searchlight categorize export CATEGORIES.json -o WS.json [--categories K] [--normsys p=0.1]`:
// the hard categories as a pyhf workspace (one channel, one bin per category, a sample per
// process, staterror from Σw², optional normsys), then the discovery significance and the 95%
// CLs upper limit on mu from the HistFactory engine. `searchlight upper-limit|significance WS`
// give the same numbers.
import type { Command } from "commander";
import { exportWorkspace, limitsOf } from "../../categorize/export.ts";
import { InputError } from "../../io/errors.ts";
import { writeJsonAtomic } from "../../io/output.ts";
import { fmtNum, printJson } from "../shared/format.ts";
import { int, repeatableList, withJson } from "../shared/options.ts";
import { pickRun, readCategories } from "./evaluate.ts";

export interface ExportCli {
  output: string;
  categories?: string;
  poiSignal?: string;
  normsys?: string[];
  staterror?: boolean;
  json?: boolean;
  /** false: print nothing (the caller reports). */
  print?: boolean;
}

export function register(cat: Command): void {
  withJson(cat.command("export <categories>")
    .description("export trained categories as a pyhf workspace; prints Z_exp and the CLs limit from the HistFactory engine")
    .requiredOption("-o, --output <file>", "workspace JSON to write")
    .option("--categories <k>", "which run of the file (number of categories; default: the first)")
    .option("--poi-signal <i>", "signal label (index) scaled by the POI mu (default 0)")
    .option("--normsys <process=delta...>", "relative normalisation uncertainty per process (e.g. bkg1=0.05)", repeatableList)
    .option("--no-staterror", "no MC statistical uncertainty (staterror) modifiers"))
    .action((file: string, o: ExportCli) => { exportCommand(file, o); });
}

export function exportCommand(file: string, o: ExportCli) {
  const f = readCategories(file);
  const run = pickRun(f, file, int("--categories", o.categories, 2));
  const normsys: Record<string, number> = {};
  for (const s of o.normsys ?? []) {
    const m = /^([^=]+)=([0-9.eE+-]+)$/.exec(s);
    if (!m || !(Number(m[2]) >= 0)) throw new InputError("", "--normsys", `"${s}" is not process=delta (e.g. bkg1=0.05)`);
    if (!f.processes.some((p) => p.name === m[1])) throw new InputError("", "--normsys", `"${m[1]}" is not a process (${f.processes.map((p) => p.name).join(", ")})`);
    normsys[m[1]] = Number(m[2]);
  }
  const poi = int("--poi-signal", o.poiSignal, 0) ?? 0;
  if (poi >= f.signals.length) throw new InputError("", "--poi-signal", `there are ${f.signals.length} signal label(s)`);
  const ex = exportWorkspace(run.evaluation, f.processes, { poiSignal: poi, normsys, staterror: o.staterror !== false });
  writeJsonAtomic(o.output, ex.workspace, "--output");
  const lim = limitsOf(ex.workspace);
  const asimovZ = run.evaluation.z[poi];
  const out = { workspace: o.output, k: run.k, bins: ex.bins.length, dropped_categories: ex.dropped, poi_signal: f.signals[poi], asimov_z: asimovZ, ...lim };
  if (o.print === false) return out;
  if (o.json) printJson(out);
  else {
    process.stdout.write(`${o.output}: ${ex.bins.length} bins (${ex.dropped.length} empty categories left out), POI mu scales ${f.signals[poi]}\n`);
    process.stdout.write(`  expected Z = ${fmtNum(lim.z_exp)} (hard-category Asimov Z ${fmtNum(asimovZ)})\n  95% CLs upper limit on mu: observed ${fmtNum(lim.limit_obs)}, expected ${fmtNum(lim.limit_exp[2])} [${fmtNum(lim.limit_exp[1])}, ${fmtNum(lim.limit_exp[3])}]\n`);
  }
  return out;
}
