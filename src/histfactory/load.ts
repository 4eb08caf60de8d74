// Reading pyhf JSON inputs for every command: workspaces, JSON Patch files and patchsets (plain or
// gzipped), validated against the pyhf schemas, with number kinds kept for exact digests, and the
// structural checks pyhf makes. Bad input is an InputError naming the file and the field.
import { existsSync, readFileSync, statSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { InputError } from "../io/errors.ts";
import { checkWorkspace } from "./checks.ts";
import { digestOf, plainOf, sourceOf } from "./digest.ts";
import { parseJsonText, toPlain, type Kinded } from "./jsontext.ts";
import { applyJsonPatch, type PatchOperation } from "./patch.ts";
import { PatchSet } from "./patchset.ts";
import { validateSchema } from "./schema.ts";
import type { WorkspaceSpec } from "./spec.ts";

export { checkWorkspace } from "./checks.ts";
export { digestOf } from "./digest.ts";

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
  /** Name of the applied patch (patchset), the patch file (bare JSON Patch), or null. */
  patchLabel: string | null;
}

/** The text of a file, gunzipped if it is gzip-compressed (`.json.gz`). */
export function readTextFile(path: string): string {
  if (!existsSync(path)) throw new InputError(path, "", "file not found");
  if (statSync(path).isDirectory()) throw new InputError(path, "", "is a directory, expected a JSON file");
  let buf = readFileSync(path);
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
    try {
      buf = gunzipSync(buf);
    } catch (e) {
      throw new InputError(path, "", `corrupt gzip data: ${(e as Error).message}`);
    }
  }
  return buf.toString("utf8");
}

/** Parse a JSON file into a kinded tree (number kinds as written; see jsontext.ts). */
export function readKindedFile(path: string): Kinded {
  return parseJsonText(readTextFile(path), path);
}

/** Read a (possibly gzipped) JSON file as plain values; a syntax error names line and column. */
export function readJsonFile(path: string): unknown {
  return plainOf(readKindedFile(path));
}

/**
 * Read a workspace file: parse, validate against workspace.json and (unless `checks: false`) run
 * pyhf's structural checks. The result keeps its file's number kinds for `digestOf`.
 */
export function readWorkspace(path: string, opts: { checks?: boolean } = {}): WorkspaceSpec {
  const spec = workspaceFromJson(readKindedFile(path), path, opts);
  return spec;
}

/** Validate a parsed workspace (kinded or plain) and return its plain spec. */
export function workspaceFromJson(doc: unknown, file: string, opts: { checks?: boolean } = {}): WorkspaceSpec {
  const kinded = (sourceOf(doc) ?? doc) as Kinded;
  const spec = plainOf<WorkspaceSpec>(kinded);
  if (Array.isArray(spec) && spec.length > 0 && typeof spec[0] === "object" && spec[0] && "op" in spec[0]) {
    throw new InputError(file, "/", "this is a JSON Patch, not a workspace: pass it with --patch");
  }
  if (spec && typeof spec === "object" && "patches" in spec && !("channels" in spec)) {
    throw new InputError(file, "/", "this is a patchset, not a workspace: pass it with --patchset");
  }
  validateSchema(spec, "workspace", file);
  if (opts.checks !== false) checkWorkspace(spec, file);
  return spec;
}

function patchSetDoc(doc: Kinded, file: string): Kinded {
  // HEPData ships `patchsets_v1.json.gz` as a list holding one patchset.
  if (Array.isArray(doc) && doc.length > 0 && doc.every((x) => x !== null && typeof x === "object" && !Array.isArray(x) && "patches" in x)) {
    if (doc.length !== 1) throw new InputError(file, "/", `the file holds ${doc.length} patchsets; expected one`);
    return doc[0];
  }
  return doc;
}

/** Read and validate a patchset file (a PatchSet object, or a list holding one). */
export function readPatchSet(path: string): PatchSet {
  const doc = patchSetDoc(readKindedFile(path), path);
  if (Array.isArray(doc)) throw new InputError(path, "/", "this is a JSON Patch array, not a patchset: pass it with --patch");
  return new PatchSet(doc, path);
}

export interface StandalonePatch {
  /** The operations (kinded). */
  ops: PatchOperation[];
  /** The patch name (single-patch patchset) or null (bare JSON Patch). */
  name: string | null;
  /** The patchset it came from, if any (its digest is verified when applied). */
  patchSet: PatchSet | null;
}

/** Read a standalone patch file: a bare JSON Patch array, or a patchset holding one patch. */
export function readPatch(path: string): StandalonePatch {
  const doc = patchSetDoc(readKindedFile(path), path);
  if (Array.isArray(doc)) {
    validateSchema(toPlain(doc), "patch", path);
    return { ops: doc as unknown as PatchOperation[], name: null, patchSet: null };
  }
  const ps = new PatchSet(doc, path);
  if (ps.patches.length !== 1) {
    throw new InputError(path, "--patch-name", `the patchset has ${ps.patches.length} patches: choose one with --patch-name (e.g. ${ps.patches[0].name})`);
  }
  return { ops: ps.patches[0].ops, name: ps.patches[0].name, patchSet: ps };
}

/** Look a patch name up before full validation, so a wrong name is reported as such. */
function preselect(doc: Kinded, file: string, name: string | undefined): void {
  const d = doc as { patches?: unknown };
  if (Array.isArray(doc)) throw new InputError(file, "--patch-name", "the file is a bare JSON Patch, not a patchset: drop --patch-name");
  if (!d || typeof d !== "object" || !Array.isArray(d.patches)) {
    throw new InputError(file, "/patches", "neither a JSON Patch array nor a patchset with a \"patches\" array");
  }
  const patches = d.patches as { metadata?: { name?: unknown } }[];
  const names = patches.map((p) => p?.metadata?.name).filter((x): x is string => typeof x === "string");
  if (name === undefined) {
    if (patches.length !== 1) throw new InputError(file, "--patch-name", `the patchset has ${patches.length} patches: choose one with --patch-name (e.g. ${names[0]})`);
    return;
  }
  if (!names.includes(name)) {
    const more = names.length > 5 ? `, … (${names.length} patches)` : "";
    throw new InputError(file, "--patch-name", `no patch named "${name}" (available: ${names.slice(0, 5).join(", ")}${more})`);
  }
}

/**
 * The workspace of a command line: read and validate it, apply `--patch FILE` (a JSON Patch file,
 * or a patchset file when `patchName` is given) or `--patchset PS --patch-name N` (digest verified
 * first, as pyhf's PatchSet.apply), validate again and run the structural checks.
 */
export function loadWorkspaceInput(o: WorkspaceInputOptions): WorkspaceInput {
  if (o.patch && o.patchset) throw new InputError(o.patch, "--patch", "give either --patch or --patchset, not both");
  const base = readWorkspace(o.workspace, { checks: false });
  let kinded: Kinded = sourceOf(base)!;
  let label: string | null = null;
  const patchFile = o.patchset ?? o.patch;
  if (patchFile) {
    const raw = patchSetDoc(readKindedFile(patchFile), patchFile);
    const asPatchSet = o.patchset !== undefined || o.patchName !== undefined || !Array.isArray(raw);
    if (!asPatchSet) {
      validateSchema(toPlain(raw), "patch", patchFile);
      kinded = applyJsonPatch(kinded, raw as unknown as PatchOperation[], patchFile);
      label = patchFile;
    } else {
      preselect(raw, patchFile, o.patchName);
      const ps = new PatchSet(raw, patchFile);
      const patch = o.patchName !== undefined ? ps.get(o.patchName, "--patch-name") : ps.patches[0];
      ps.verify(kinded, o.workspace);
      kinded = patch.applyKinded(kinded, patchFile);
      label = patch.name;
    }
  }
  const where = patchFile ? `${o.workspace} (patched by ${patchFile})` : o.workspace;
  const spec = patchFile ? workspaceFromJson(kinded, where, { checks: false }) : base;
  checkWorkspace(spec, where);
  return { spec, file: o.workspace, patchLabel: label };
}

/** Digest of a workspace file as pyhf computes it (`pyhf digest`). */
export function fileDigest(path: string, algorithm = "sha256"): string {
  return digestOf(readWorkspace(path, { checks: false }), algorithm);
}
