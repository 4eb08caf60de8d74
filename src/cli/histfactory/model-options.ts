// Options shared by every command that builds a HistFactory model from a workspace: the input
// (workspace, patch or patchset + patch name), measurement and interpolation codes; the POI
// check, the test-statistic option, and the worker recipe that rebuilds the same model.
import type { Command } from "commander";
import { InputError } from "../../io/errors.ts";
import { loadWorkspaceInput } from "../../histfactory/load.ts";
import { compileModel, type HistFactoryModel } from "../../histfactory/model.ts";
import type { Recipe } from "../../batch/pool.ts";
import { choice } from "../shared/options.ts";

export interface ModelCliOptions {
  patch?: string;
  patchset?: string;
  patchName?: string;
  measurement?: string;
  poiName?: string;
  normsysCode?: string;
  histosysCode?: string;
  /** false with --no-analytic-gammas (commander's negated flag; default true). */
  analyticGammas?: boolean;
}

/** Add the model-input options to a command. */
export function withModelOptions(cmd: Command): Command {
  return cmd
    .option("--patch <file>", "JSON Patch file (or a patchset, with --patch-name) applied to the workspace")
    .option("--patchset <file>", "patchset file; choose the patch with --patch-name")
    .option("--patch-name <name>", "name of the patch inside the patchset")
    .option("--measurement <name>", "measurement to use (default: the first)")
    .option("--poi-name <name>", "parameter of interest (default: the measurement's; \"\" for none)")
    .option("--normsys-code <code>", "interpolation code for normsys (code1 or code4; default code4)")
    .option("--histosys-code <code>", "interpolation code for histosys (code0, code2 or code4p; default code4p)")
    .option("--no-analytic-gammas", "leave the per-bin staterror/shapesys γ's to the optimiser instead of profiling them in closed form (same results, slower)");
}

const inputOf = (workspace: string, o: ModelCliOptions) => loadWorkspaceInput({ workspace, patch: o.patch, patchset: o.patchset, patchName: o.patchName });

/** Read, patch, validate and compile the workspace named on the command line. */
export function modelFromCli(workspace: string, o: ModelCliOptions): { model: HistFactoryModel; file: string; patchLabel: string | null } {
  const input = inputOf(workspace, o);
  const modifierSettings: Record<string, { interpcode: string }> = {};
  if (o.normsysCode) modifierSettings.normsys = { interpcode: o.normsysCode };
  if (o.histosysCode) modifierSettings.histosys = { interpcode: o.histosysCode };
  const model = compileModel(input.spec, { measurement: o.measurement, poiName: o.poiName, modifierSettings, file: input.file, analyticGammas: o.analyticGammas !== false });
  return { model, file: input.file, patchLabel: input.patchLabel };
}

/** The recipe a worker thread uses to rebuild the same HistFactory model (toys on all cores). */
export function modelRecipe(workspace: string, o: ModelCliOptions, modifierSettings: unknown): Recipe {
  const input = inputOf(workspace, o);
  const options = { measurement: o.measurement, poiName: o.poiName, modifierSettings, analyticGammas: o.analyticGammas !== false };
  return { module: new URL("../../histfactory/model.ts", import.meta.url).href, factory: "modelFromRecipe", args: { spec: input.spec, options } };
}

export { needPoi } from "../../histfactory/results.ts";

/** `--test-stat qtilde|q`. */
export function withTestStat(cmd: Command): Command {
  return cmd.option("--test-stat <name>", "qtilde or q", "qtilde");
}

export const testStatOf = (v: string): "qtilde" | "q" => choice("--test-stat", v, ["qtilde", "q"] as const);
