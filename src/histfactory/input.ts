// pyhf JSON inputs from text, with no file system: parsing (number kinds kept for exact digests),
// workspace validation, and applying a JSON Patch or a patchset's patch to a workspace. load.ts
// reads files and calls these; the browser engine (src/web) calls them on dropped files, so the
// messages are the same in both.
import { InputError } from "../io/errors.ts";
import { checkWorkspace } from "./checks.ts";
import { hasSource, plainOf, rememberSource, sourceOf } from "./digest.ts";
import { parseJsonText, type Kinded } from "./jsontext.ts";
import { applyJsonPatch, type PatchOperation } from "./patch.ts";
import { PatchSet } from "./patchset.ts";
import { validateSchema } from "./schema.ts";
import type { WorkspaceSpec } from "./spec.ts";

// A number JSON.parse would turn into ±Infinity (an exponent of 3+ digits, or 300+ digits in a
// row) goes through the kinded parser, which rejects an overflow naming the field.
const MAYBE_OVERFLOW = /[eE]\+?\d{3}|\d{300}/;

/**
 * JSON text as plain values; a syntax error names `file`, line and column. The text is parsed by
 * JSON.parse (≈10× faster than the kind-keeping parser); the kinded tree that exact digests need
 * (`sourceOf`) is built from the same text only when asked for. JSON.parse and the kinded parser
 * agree on every document JSON.parse accepts here (duplicate keys: the last wins; `__proto__` is
 * a plain key).
 */
export function parseJsonDocument(text: string, file: string): unknown {
  if (MAYBE_OVERFLOW.test(text)) return plainOf(parseJsonText(text, file));
  let plain: unknown;
  try {
    plain = JSON.parse(text);
  } catch {
    return plainOf(parseJsonText(text, file)); // the kinded parser's message names line and column
  }
  if (plain !== null && typeof plain === "object") rememberSource(plain, () => parseJsonText(text, file));
  return plain;
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

/** HEPData ships `patchsets_v1.json.gz` as a list holding one patchset: unwrap it. */
export function patchSetDoc(doc: Kinded, file: string): Kinded {
  if (Array.isArray(doc) && doc.length > 0 && doc.every((x) => x !== null && typeof x === "object" && !Array.isArray(x) && "patches" in x)) {
    if (doc.length !== 1) throw new InputError(file, "/", `the file holds ${doc.length} patchsets; expected one`);
    return doc[0];
  }
  return doc;
}

/** The patch names of a parsed patchset document (for a picker), or null for a bare JSON Patch. */
export function patchNamesOf(doc: unknown, file: string): string[] | null {
  const d = patchSetDoc(doc as Kinded, file) as { patches?: unknown };
  if (Array.isArray(d)) return null;
  if (!d || typeof d !== "object" || !Array.isArray(d.patches)) {
    throw new InputError(file, "/patches", "neither a JSON Patch array nor a patchset with a \"patches\" array");
  }
  return (d.patches as { metadata?: { name?: unknown } }[]).map((p) => p?.metadata?.name).filter((x): x is string => typeof x === "string");
}

/** Look a patch name up before full validation, so a wrong name is reported as such. */
function preselect(doc: Kinded, file: string, name: string | undefined): void {
  if (Array.isArray(doc)) throw new InputError(file, "--patch-name", "the file is a bare JSON Patch, not a patchset: drop --patch-name");
  const names = patchNamesOf(doc, file)!;
  const count = (doc as { patches: unknown[] }).patches.length;
  if (name === undefined) {
    if (count !== 1) throw new InputError(file, "--patch-name", `the patchset has ${count} patches: choose one with --patch-name (e.g. ${names[0]})`);
    return;
  }
  if (!names.includes(name)) {
    const more = names.length > 5 ? `, … (${names.length} patches)` : "";
    throw new InputError(file, "--patch-name", `no patch named "${name}" (available: ${names.slice(0, 5).join(", ")}${more})`);
  }
}

export interface PatchInput {
  /** The parsed patch document (from parseJsonDocument): a JSON Patch array or a patchset. */
  doc: unknown;
  /** Its file name, for messages. */
  file: string;
  /** The document was given as a patchset (`--patchset`): a digest-verified patch is required. */
  asPatchSet?: boolean;
  /** The patch to apply from a patchset. */
  patchName?: string;
}

/**
 * Apply a patch to a workspace read by parseJsonDocument (not validated against the structural
 * checks yet): a bare JSON Patch to the plain values (the kinded trees are patched only if a
 * digest of the result is asked for), or a patchset's patch after verifying the patchset's digest
 * against the workspace as written, as pyhf's PatchSet.apply does. Returns the patched workspace
 * (schema-validated) and the patch's label.
 */
export function applyPatchInput(base: WorkspaceSpec, workspaceFile: string, p: PatchInput): { spec: WorkspaceSpec; label: string } {
  const asPatchSet = p.asPatchSet === true || p.patchName !== undefined || !Array.isArray(patchSetDoc(p.doc as Kinded, p.file));
  let patched: unknown;
  let label: string;
  if (!asPatchSet) {
    const ops = p.doc as PatchOperation[];
    validateSchema(ops, "patch", p.file);
    const result = applyJsonPatch(base, ops, p.file) as object;
    rememberSource(result, () => applyJsonPatch(sourceOf(base) ?? (base as unknown as Kinded), (sourceOf(p.doc) ?? p.doc) as unknown as PatchOperation[], p.file));
    patched = result;
    label = p.file;
  } else {
    // A patchset's digest is verified against the workspace as written: kinded trees.
    const raw = patchSetDoc((sourceOf(p.doc) ?? p.doc) as Kinded, p.file);
    preselect(raw, p.file, p.patchName);
    const ps = new PatchSet(raw, p.file);
    const patch = p.patchName !== undefined ? ps.get(p.patchName, "--patch-name") : ps.patches[0];
    const kinded = sourceOf(base) ?? (base as unknown as Kinded);
    ps.verify(kinded, workspaceFile);
    patched = patch.applyKinded(kinded, p.file);
    label = patch.name;
  }
  const where = `${workspaceFile} (patched by ${p.file})`;
  return { spec: workspaceFromJson(patched, where, { checks: false }), label };
}

/** A validated workspace, optionally patched, from parsed documents (the CLI's and the page's input). */
export function workspaceInput(doc: unknown, workspaceFile: string, patch?: PatchInput): { spec: WorkspaceSpec; patchLabel: string | null } {
  const base = workspaceFromJson(doc, workspaceFile, { checks: false });
  if (!patch) {
    checkWorkspace(base, workspaceFile);
    return { spec: base, patchLabel: null };
  }
  const { spec, label } = applyPatchInput(base, workspaceFile, patch);
  checkWorkspace(spec, `${workspaceFile} (patched by ${patch.file})`);
  return { spec, patchLabel: label };
}
