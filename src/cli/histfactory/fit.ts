// `searchlight fit WS [--patch P | --patchset PS --patch-name N] [--json]`:
// maximum-likelihood fit of a workspace with Hessian uncertainties.
import type { Command } from "commander";
import { InputError } from "../../io/errors.ts";
import { fitSummary } from "../../histfactory/results.ts";
import { parameterIndex } from "../../likelihood/types.ts";
import { fmtNum, printJson, table } from "../shared/format.ts";
import { insideBounds, withJson } from "../shared/options.ts";
import { modelFromCli, withModelOptions, type ModelCliOptions } from "./model-options.ts";

interface FitCliOptions extends ModelCliOptions {
  json?: boolean;
  fix?: string[];
  allowOutsideBounds?: boolean;
}

export function register(cmd: Command): void {
  withJson(withModelOptions(cmd)
    .option("--fix <name=value...>", "hold parameters fixed at the given values (repeatable)")
    .option("--allow-outside-bounds", "let --fix hold a parameter outside its bounds"))
    .action((workspace: string, o: FitCliOptions) => runFit(workspace, o));
}

function runFit(workspace: string, o: FitCliOptions): void {
  const { model, file } = modelFromCli(workspace, o);
  const fix: [number, number][] = (o.fix ?? []).map((s) => {
    const m = /^(.+)=(.+)$/.exec(s);
    const value = m ? Number(m[2]) : NaN;
    if (!m || !Number.isFinite(value)) throw new InputError("", "--fix", `"${s}" is not name=value (e.g. --fix mu_SIG=0)`);
    const i = parameterIndex(model, m[1]);
    if (i < 0) throw new InputError(file, "--fix", `no parameter "${m[1]}" in the model`);
    const p = model.parameters[i];
    insideBounds("--fix", value, m[1], [p.lower, p.upper], o.allowOutsideBounds);
    return [i, value];
  });
  const { json, fit: r, errors, seconds } = fitSummary(model, fix);
  if (o.json) return printJson(json);
  const rows: (string | number)[][] = [["parameter", "best fit", "uncertainty", "fixed"]];
  model.parNames.forEach((n, i) => rows.push([n + (i === model.poi ? " (POI)" : ""), r.pars[i], r.fixed[i] ? "–" : fmtNum(errors[i]), r.fixed[i] ? "yes" : ""]));
  process.stdout.write(`${table(rows)}\n\ntwice_nll = ${r.twiceNll.toPrecision(12)}   converged: ${r.converged} (${r.message}, ${r.iterations} iterations, ${(seconds * 1e3).toFixed(1)} ms)\n`);
}
