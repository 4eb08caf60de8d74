// Reading pyhf JSON inputs for every command: workspaces, JSON Patch files and patchsets (plain or
// gzipped), validated against the pyhf schemas, with number kinds kept for exact digests, and the
// structural checks pyhf makes. Bad input is an InputError naming the file and the field.
import { existsSync, readFileSync, statSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { InputError } from "../io/errors.ts";
import { checkWorkspace } from "./checks.ts";
import { digestOf, hasSource, plainOf, rememberSource, sourceOf } from "./digest.ts";
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

// A number JSON.parse would turn into ±Infinity (an exponent of 3+ digits, or 300+ digits in a
// row) goes through the kinded parser, which rejects an overflow naming the field.
const MAYBE_OVERFLOW = /[eE]\+?\d{3}|\d{300}/;

/**
 * Read a (possibly gzipped) JSON file as plain values; a syntax error names line and column.
 * The text is parsed by JSON.parse; the kinded tree that exact digests need (`sourceOf`) is built
 * from the same text only when asked for. JSON.parse and the kinded parser agree on every
 * document JSON.parse accepts here (duplicate keys: the last wins; `__proto__` is a plain key).
 */
export function readJsonFile(path: string): unknown {
  const text = readTextFile(path);
  if (MAYBE_OVERFLOW.test(text)) return plainOf(parseJsonText(text, path));
  let plain: unknown;
  try {
    plain = JSON.parse(text);
  } catch {
    return plainOf(parseJsonText(text, path)); // the kinded parser's message names line and column
  }
  if (plain !== null && typeof plain === "object") rememberSource(plain, () => parseJsonText(text, path));
  return plain;
}

/**
 * Read a workspace file: parse, validate against workspace.json and (unless `checks: false`) run
 * pyhf's structural checks. The result keeps its file's number kinds for `digestOf`.
 */
export function readWorkspace(path: string, opts: { checks?: boolean } = {}): WorkspaceSpec {
  return workspaceFromJson(readJsonFile(path), path, opts);
}

/** Validate a parsed workspace (kinded or plain) and return its plain spec. */
export function workspaceFromJson(doc: unknown, file: string, opts: { checks?: boolean } = {}): WorkspaceSpec {
  // A reader's plain value is used as it is (its kinded source stays attached); a kinded tree or
  // any other value is copied into plain values.
  const spec = hasSource(doc) ? (doc as WorkspaceSpec) : plainOf<WorkspaceSpec>((sourceOf(doc) ?? doc) as Kinded);
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
  let patched: unknown = base;
  let label: string | null = null;
  const patchFile = o.patchset ?? o.patch;
  if (patchFile) {
    const plainPatch = readJsonFile(patchFile);
    const asPatchSet = o.patchset !== undefined || o.patchName !== undefined || !Array.isArray(patchSetDoc(plainPatch as Kinded, patchFile));
    if (!asPatchSet) {
      // A bare JSON Patch needs no digest: patch the plain values, and patch the kinded trees
      // only if a digest of the result is asked for.
      const ops = plainPatch as PatchOperation[];
      validateSchema(ops, "patch", patchFile);
      const result = applyJsonPatch(base, ops, patchFile) as object;
      rememberSource(result, () => applyJsonPatch(sourceOf(base)!, sourceOf(plainPatch) as unknown as PatchOperation[], patchFile));
      patched = result;
      label = patchFile;
    } else {
      // A patchset's digest is verified against the workspace as written: kinded trees.
      const raw = patchSetDoc(sourceOf(plainPatch) ?? (plainPatch as Kinded), patchFile);
      preselect(raw, patchFile, o.patchName);
      const ps = new PatchSet(raw, patchFile);
      const patch = o.patchName !== undefined ? ps.get(o.patchName, "--patch-name") : ps.patches[0];
      const kinded = sourceOf(base)!;
      ps.verify(kinded, o.workspace);
      patched = patch.applyKinded(kinded, patchFile);
      label = patch.name;
    }
  }
  const where = patchFile ? `${o.workspace} (patched by ${patchFile})` : o.workspace;
  const spec = patchFile ? workspaceFromJson(patched, where, { checks: false }) : base;
  checkWorkspace(spec, where);
  return { spec, file: o.workspace, patchLabel: label };
}

/** Digest of a workspace file as pyhf computes it (`pyhf digest`). */
export function fileDigest(path: string, algorithm = "sha256"): string {
  return digestOf(readWorkspace(path, { checks: false }), algorithm);
}
