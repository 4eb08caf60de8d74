// Helpers shared by the inference commands (cls, upper-limit, significance, scan, ranking):
// numeric option parsing, the POI check, and the worker recipe that rebuilds a model.
import { InputError } from "../io/errors.ts";
import { loadWorkspaceInput } from "../histfactory/load.ts";
import type { Recipe } from "../batch/pool.ts";
import type { ModelCliOptions } from "./model-options.ts";

/** A numeric option value, or `dflt` when absent; InputError naming the flag otherwise. */
export function numOption(flag: string, v: string | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  const x = Number(v);
  if (v.trim() === "" || !Number.isFinite(x)) throw new InputError("", flag, `"${v}" is not a number`);
  return x;
}

/** A positive integer option value. */
export function intOption(flag: string, v: string | undefined, dflt: number): number {
  const x = numOption(flag, v, dflt);
  if (!Number.isInteger(x) || x < 1) throw new InputError("", flag, `"${v}" is not a positive integer`);
  return x;
}

/** InputError when the model has no parameter of interest. */
export function needPoi(model: { poi: number | null }, file: string): asserts model is { poi: number } {
  if (model.poi === null) throw new InputError(file, "/measurements/0/config/poi", "the model has no POI: name one with --poi-name or apply a signal patch");
}

/** The recipe a worker thread uses to rebuild the same HistFactory model (toys on all cores). */
export function modelRecipe(workspace: string, o: ModelCliOptions, modifierSettings: unknown): Recipe {
  const input = loadWorkspaceInput({ workspace, patch: o.patch, patchset: o.patchset, patchName: o.patchName });
  const options = { measurement: o.measurement, poiName: o.poiName, modifierSettings };
  return { module: new URL("../histfactory/model.ts", import.meta.url).href, factory: "modelFromRecipe", args: { spec: input.spec, options } };
}

/** A test-statistic option: qtilde or q. */
export function testStatOption(v: string): "qtilde" | "q" {
  if (v !== "qtilde" && v !== "q") throw new InputError("", "--test-stat", `"${v}": expected qtilde or q`);
  return v;
}
