// Options shared by every command that builds a HistFactory model from a workspace:
// the input (workspace, patch or patchset + patch name), measurement and interpolation codes.
import type { Command } from "commander";
import { loadWorkspaceInput } from "../histfactory/load.ts";
import { compileModel, type HistFactoryModel } from "../histfactory/model.ts";

export interface ModelCliOptions {
  patch?: string;
  patchset?: string;
  patchName?: string;
  measurement?: string;
  poiName?: string;
  normsysCode?: string;
  histosysCode?: string;
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
    .option("--histosys-code <code>", "interpolation code for histosys (code0, code2 or code4p; default code4p)");
}

/** Read, patch, validate and compile the workspace named on the command line. */
export function modelFromCli(workspace: string, o: ModelCliOptions): { model: HistFactoryModel; file: string; patchLabel: string | null } {
  const input = loadWorkspaceInput({ workspace, patch: o.patch, patchset: o.patchset, patchName: o.patchName });
  const modifierSettings: Record<string, { interpcode: string }> = {};
  if (o.normsysCode) modifierSettings.normsys = { interpcode: o.normsysCode };
  if (o.histosysCode) modifierSettings.histosys = { interpcode: o.histosysCode };
  const model = compileModel(input.spec, { measurement: o.measurement, poiName: o.poiName, modifierSettings, file: input.file });
  return { model, file: input.file, patchLabel: input.patchLabel };
}
