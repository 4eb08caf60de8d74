// Reading workspaces for every command: parse (with the file, line and column of a JSON
// error), apply a patch (a JSON Patch file, or one patch of a patchset chosen by name), and
// return the workspace spec. Schema validation and digest verification plug in here.
import { existsSync, readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import fjp from "fast-json-patch";
import { InputError } from "../io/errors.ts";
import { locateJsonError } from "../io/json-locate.ts";
import type { WorkspaceSpec } from "./spec.ts";

export interface WorkspaceInputOptions {
  workspace: string;
  /** A JSON Patch file, or a patchset file when `patchName` is given. */
  patch?: string;
  patchset?: string;
  patchName?: string;
}

export interface WorkspaceInput {
  spec: WorkspaceSpec;
  file: string;
  patchLabel: string | null;
}

/** Read a (possibly gzipped) JSON file; a syntax error names the file, line and column. */
export function readJsonFile(path: string): unknown {
  if (!existsSync(path)) throw new InputError(path, "", "file not found");
  const buf = readFileSync(path);
  const text = (path.endsWith(".gz") ? gunzipSync(buf) : buf).toString("utf8");
  try {
    return JSON.parse(text);
  } catch (e) {
    const loc = locateJsonError(text);
    const where = loc ? `line ${loc.line}, column ${loc.column}` : "";
    const why = loc ? loc.message : (e as Error).message.split("\n")[0];
    throw new InputError(path, where, `invalid JSON: ${why}`);
  }
}

/** Read a workspace file and check its top-level shape. */
export function readWorkspace(path: string): WorkspaceSpec {
  const doc = readJsonFile(path) as Partial<WorkspaceSpec>;
  for (const key of ["channels", "measurements", "observations"] as const) {
    if (!doc || typeof doc !== "object" || !Array.isArray(doc[key])) {
      throw new InputError(path, `/${key}`, `missing or not an array: a pyhf workspace needs "channels", "measurements", "observations" and "version"`);
    }
  }
  return doc as WorkspaceSpec;
}

interface PatchSetDoc {
  patches: { metadata: { name: string; values?: unknown[] }; patch: fjp.Operation[] }[];
}

function patchOps(file: string, name: string | undefined): { ops: fjp.Operation[]; label: string } {
  const doc = readJsonFile(file);
  if (Array.isArray(doc)) return { ops: doc as fjp.Operation[], label: file };
  const ps = doc as PatchSetDoc;
  if (!ps || !Array.isArray(ps.patches)) throw new InputError(file, "/patches", "neither a JSON Patch array nor a patchset with a \"patches\" array");
  if (!name) {
    if (ps.patches.length === 1) return { ops: ps.patches[0].patch, label: ps.patches[0].metadata.name };
    throw new InputError(file, "--patch-name", `the patchset has ${ps.patches.length} patches: choose one with --patch-name (e.g. ${ps.patches[0]?.metadata.name})`);
  }
  const found = ps.patches.find((p) => p.metadata?.name === name);
  if (!found) {
    const names = ps.patches.slice(0, 5).map((p) => p.metadata.name).join(", ");
    throw new InputError(file, "--patch-name", `no patch named "${name}" (available: ${names}${ps.patches.length > 5 ? ", …" : ""})`);
  }
  return { ops: found.patch, label: name };
}

/** Apply RFC 6902 operations to a workspace; a failing operation names the patch file and path. */
export function applyPatch(ws: WorkspaceSpec, ops: fjp.Operation[], file: string): WorkspaceSpec {
  const doc = structuredClone(ws);
  for (let i = 0; i < ops.length; i++) {
    try {
      fjp.applyOperation(doc, ops[i], true, true, false);
    } catch (e) {
      throw new InputError(file, `/${i} (${ops[i].op} ${ops[i].path})`, `cannot apply: ${(e as Error).message.split("\n")[0]}`);
    }
  }
  return doc;
}

const MODIFIER_TYPES = ["histosys", "lumi", "normfactor", "normsys", "shapefactor", "shapesys", "staterror"];

/**
 * Checks pyhf makes when building a model, as one-line errors: known modifier types, every
 * sample and per-bin modifier as long as its channel's observation, finite non-negative yields.
 */
export function checkWorkspace(ws: WorkspaceSpec, file: string): void {
  const obs = new Map((ws.observations ?? []).map((o) => [o.name, o]));
  ws.channels.forEach((c, ci) => {
    const o = obs.get(c.name);
    if (!o) throw new InputError(file, "/observations", `no observation for channel "${c.name}": add {"name": "${c.name}", "data": [...]}`);
    const nb = o.data.length;
    (c.samples ?? []).forEach((s, si) => {
      const at = `/channels/${ci}/samples/${si}`;
      if (!Array.isArray(s.data) || s.data.length !== nb) {
        throw new InputError(file, `${at}/data`, `sample "${s.name}" has ${s.data?.length ?? 0} bins but channel "${c.name}" has ${nb} observed bins`);
      }
      s.data.forEach((v, b) => {
        if (typeof v !== "number" || !Number.isFinite(v) || v < 0) {
          throw new InputError(file, `${at}/data/${b}`, `sample "${s.name}" has yield ${v} in bin ${b}: yields must be finite and ≥ 0`);
        }
      });
      (s.modifiers ?? []).forEach((m, mi) => {
        const mat = `${at}/modifiers/${mi}`;
        if (!MODIFIER_TYPES.includes(m.type)) {
          throw new InputError(file, `${mat}/type`, `unknown modifier type "${m.type}": expected one of ${MODIFIER_TYPES.join(", ")}`);
        }
        const lens: [string, unknown][] = m.type === "histosys" ? [["hi_data", m.data?.hi_data], ["lo_data", m.data?.lo_data]]
          : m.type === "shapesys" || m.type === "staterror" ? [["", m.data]] : [];
        for (const [k, arr] of lens) {
          if (!Array.isArray(arr) || arr.length !== nb) {
            throw new InputError(file, `${mat}/data${k ? "/" + k : ""}`, `modifier "${m.name}" (${m.type}) has ${Array.isArray(arr) ? arr.length : 0} bins, expected ${nb}`);
          }
        }
      });
    });
  });
}

/** The workspace of a command line: read, patch, check. */
export function loadWorkspaceInput(o: WorkspaceInputOptions): WorkspaceInput {
  let spec = readWorkspace(o.workspace);
  const patchFile = o.patchset ?? o.patch;
  let label: string | null = null;
  if (patchFile) {
    const p = patchOps(patchFile, o.patchName);
    spec = applyPatch(spec, p.ops, patchFile);
    label = p.label;
  }
  checkWorkspace(spec, patchFile ? `${o.workspace} (patched by ${patchFile})` : o.workspace);
  return { spec, file: o.workspace, patchLabel: label };
}
