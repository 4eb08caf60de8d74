// The pyhf reference cases (../shared/reference/pyhf_reference.json) with their workspaces
// loaded and patched, for the model, fit and inference tests.
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import fjp from "fast-json-patch";
import { HAVE_SHARED, sharedPath } from "../shared.ts";
import type { WorkspaceSpec } from "../../src/histfactory/spec.ts";
import { compileModel, type HistFactoryModel } from "../../src/histfactory/model.ts";

export type Pars = Record<string, number | number[]>;

export interface RefCase {
  name: string;
  size_class: "small" | "medium" | "large" | "huge";
  workspace_file: string;
  patch_file?: string;
  patch_name?: string;
  measurement: string;
  poi: string;
  modifier_settings: { normsys: { interpcode: string }; histosys: { interpcode: string } };
  par_order: string[];
  suggested_init: Pars;
  suggested_bounds: Record<string, [number, number][]>;
  suggested_fixed: Record<string, boolean[]>;
  observed_main: number[];
  auxdata: number[];
  likelihood_checks: { label: string; pars: Pars; twice_nll: number; expected_main: number[]; expected_aux: number[] }[];
  mle_obs: { status: string; bestfit: Pars; twice_nll: number; poi_hat: number };
  mle_obs_alt_inits?: { poi_init: number; status: string; twice_nll: number; poi_hat: number }[];
  fit_quality?: { lowest_twice_nll_seen: number; suspect: boolean };
  hypotest_qtilde_mu1?: Record<string, unknown>;
  discovery_q0?: Record<string, unknown>;
  upper_limit?: Record<string, unknown>;
  timings_s: Record<string, number>;
  [k: string]: unknown;
}

let cached: { cases: RefCase[]; [k: string]: unknown } | null = null;

export function referenceFile(): { cases: RefCase[]; [k: string]: unknown } {
  if (!cached) {
    // Python's json writes NaN/Infinity bare; turn them into numbers through a reviver.
    const text = readFileSync(sharedPath("reference/pyhf_reference.json"), "utf8")
      .replace(/([:\[,]\s*)(-?Infinity|NaN)(?=\s*[,\]}])/g, '$1"__$2"');
    cached = JSON.parse(text, (_k, v) => (typeof v === "string" && v.startsWith("__") ? Number(v.slice(2)) : v));
  }
  return cached!;
}

export function referenceCases(): RefCase[] {
  return HAVE_SHARED ? referenceFile().cases : [];
}

function readJson(path: string): unknown {
  const buf = readFileSync(path);
  return JSON.parse((path.endsWith(".gz") ? gunzipSync(buf) : buf).toString("utf8"));
}

/** The case's workspace with its patch applied (HEPData style: JSON Patch on the whole workspace). */
export function caseSpec(c: RefCase): WorkspaceSpec {
  const ws = readJson(sharedPath(c.workspace_file)) as WorkspaceSpec;
  if (!c.patch_file) return ws;
  const p = readJson(sharedPath(c.patch_file)) as unknown;
  let ops: fjp.Operation[];
  if (Array.isArray(p)) ops = p as fjp.Operation[];
  else {
    const ps = p as { patches: { metadata: { name: string }; patch: fjp.Operation[] }[] };
    const found = ps.patches.find((x) => x.metadata.name === c.patch_name);
    if (!found) throw new Error(`patch ${c.patch_name} not in ${c.patch_file}`);
    ops = found.patch;
  }
  return fjp.applyPatch(ws, ops, false, false).newDocument as WorkspaceSpec;
}

export function caseModel(c: RefCase): HistFactoryModel {
  return compileModel(caseSpec(c), {
    measurement: c.measurement,
    modifierSettings: { normsys: { interpcode: c.modifier_settings.normsys.interpcode }, histosys: { interpcode: c.modifier_settings.histosys.interpcode } },
  });
}

/** A parameter dict keyed by paramset name (pyhf style) → our parameter vector. */
export function parsToVector(model: HistFactoryModel, pars: Pars): Float64Array {
  const x = new Float64Array(model.parameters.length);
  for (const ps of model.structure.paramsets) {
    const v = pars[ps.name];
    if (v === undefined) throw new Error(`no value for ${ps.name}`);
    const arr = Array.isArray(v) ? v : [v];
    for (let i = 0; i < ps.n; i++) x[ps.offset + i] = arr[i];
  }
  return x;
}
