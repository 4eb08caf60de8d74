// Reading pyhf JSON inputs for every command: workspaces, JSON Patch files and patchsets (plain or
// gzipped), validated against the pyhf schemas, with number kinds kept for exact digests, and the
// structural checks pyhf makes. Bad input is an InputError naming the file and the field.
import { existsSync, readFileSync, statSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { InputError } from "../io/errors.ts";
import { digestOf } from "./digest.ts";
import { parseJsonDocument, patchSetDoc, workspaceFromJson, workspaceInput } from "./input.ts";
import { parseJsonText, toPlain, type Kinded } from "./jsontext.ts";
import type { PatchOperation } from "./patch.ts";
import { PatchSet } from "./patchset.ts";
import { validateSchema } from "./schema.ts";
import type { WorkspaceSpec } from "./spec.ts";

export { checkWorkspace } from "./checks.ts";
export { workspaceFromJson } from "./input.ts";
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

/**
 * Read a (possibly gzipped) JSON file as plain values; a syntax error names line and column.
 * Number kinds are kept for exact digests (parseJsonDocument in input.ts).
 */
export function readJsonFile(path: string): unknown {
  return parseJsonDocument(readTextFile(path), path);
}

/**
 * Read a workspace file: parse, validate against workspace.json and (unless `checks: false`) run
 * pyhf's structural checks. The result keeps its file's number kinds for `digestOf`.
 */
export function readWorkspace(path: string, opts: { checks?: boolean } = {}): WorkspaceSpec {
  return workspaceFromJson(readJsonFile(path), path, opts);
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

/**
 * The workspace of a command line: read and validate it, apply `--patch FILE` (a JSON Patch file,
 * or a patchset file when `patchName` is given) or `--patchset PS --patch-name N` (digest verified
 * first, as pyhf's PatchSet.apply), validate again and run the structural checks.
 */
export function loadWorkspaceInput(o: WorkspaceInputOptions): WorkspaceInput {
  if (o.patch && o.patchset) throw new InputError(o.patch, "--patch", "give either --patch or --patchset, not both");
  const doc = readJsonFile(o.workspace);
  const patchFile = o.patchset ?? o.patch;
  const patch = patchFile === undefined ? undefined
    : { doc: readJsonFile(patchFile), file: patchFile, asPatchSet: o.patchset !== undefined, patchName: o.patchName };
  const { spec, patchLabel } = workspaceInput(doc, o.workspace, patch);
  return { spec, file: o.workspace, patchLabel };
}

/** Digest of a workspace file as pyhf computes it (`pyhf digest`). */
export function fileDigest(path: string, algorithm = "sha256"): string {
  return digestOf(readWorkspace(path, { checks: false }), algorithm);
}
