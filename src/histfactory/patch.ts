// RFC 6902 JSON Patch on a whole workspace (HEPData usage: `jsonpatch BkgOnly.json patch.json`),
// with fast-json-patch. Works on kinded trees (jsontext.ts): number kinds of the patch values are
// kept, `copy` keeps them too, and `test` compares numbers by value as Python does (1 == 1.0).
import fjp from "fast-json-patch";
import { InputError } from "../io/errors.ts";
import { cloneJson, jsonEqual } from "./jsontext.ts";

export interface PatchOperation {
  op: "add" | "remove" | "replace" | "move" | "copy" | "test";
  path: string;
  from?: string;
  value?: unknown;
}

const REASONS: Record<string, string> = {
  OPERATION_PATH_UNRESOLVABLE: "the path does not exist in the workspace",
  OPERATION_FROM_UNRESOLVABLE: "the \"from\" path does not exist in the workspace",
  OPERATION_PATH_ILLEGAL_ARRAY_INDEX: "the path has an illegal array index",
  OPERATION_VALUE_OUT_OF_BOUNDS: "the array index is past the end of the array",
  OPERATION_PATH_CANNOT_ADD: "cannot add at the root of the document",
  OPERATION_VALUE_REQUIRED: "the operation needs a \"value\"",
  OPERATION_OP_INVALID: "unknown operation (expected add, remove, replace, move, copy or test)",
  OPERATION_PATH_INVALID: "the path is not a JSON pointer",
  OPERATION_FROM_REQUIRED: "the operation needs a \"from\"",
  OPERATION_VALUE_CANNOT_CONTAIN_UNDEFINED: "the value contains undefined",
};

function resolves(doc: unknown, pointer: string): boolean {
  if (pointer === "") return true;
  let cur: unknown = doc;
  for (const raw of pointer.slice(1).split("/")) {
    const k = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (cur === null || typeof cur !== "object") return false;
    if (Array.isArray(cur)) {
      if (!/^(0|[1-9]\d*)$/.test(k) || Number(k) >= cur.length) return false;
    } else if (!Object.prototype.hasOwnProperty.call(cur, k)) return false;
    cur = (cur as Record<string, unknown>)[k];
  }
  return true;
}

/**
 * Apply RFC 6902 operations to a copy of `doc`. A failing operation is an InputError naming
 * `file` and the operation (`/<index> (<op> <path>)`, prefixed by `where`, e.g.
 * `/patches/3/patch`).
 */
export function applyJsonPatch<T>(doc: T, ops: readonly PatchOperation[], file: string, where = ""): T {
  let out = cloneJson(doc) as unknown;
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i];
    const field = `${where}/${i} (${op?.op} ${op?.path})`;
    const bad = (why: string): never => { throw new InputError(file, field, `cannot apply: ${why}`); };
    if (!op || typeof op !== "object" || typeof op.path !== "string") bad("not a JSON Patch operation {op, path, …}");
    if (op.op === "test") {
      if (!resolves(out, op.path)) bad(REASONS.OPERATION_PATH_UNRESOLVABLE);
      const cur = fjp.getValueByPointer(out, op.path);
      if (!jsonEqual(cur, op.value)) bad(`test failed: the value at the path is not ${JSON.stringify(op.value)}`);
      continue;
    }
    let effective: PatchOperation = op;
    if (op.op === "copy") {
      if (typeof op.from !== "string" || !resolves(out, op.from)) bad(REASONS.OPERATION_FROM_UNRESOLVABLE);
      effective = { op: "add", path: op.path, value: cloneJson(fjp.getValueByPointer(out, op.from!)) };
    } else if ((op.op === "add" || op.op === "replace") && "value" in op) {
      effective = { ...op, value: cloneJson(op.value) };
    }
    if ((op.op === "remove" || op.op === "replace") && !resolves(out, op.path)) bad(REASONS.OPERATION_PATH_UNRESOLVABLE);
    if ((op.op === "add" || op.op === "move" || op.op === "copy") && op.path !== "" && !resolves(out, op.path.slice(0, op.path.lastIndexOf("/")))) {
      bad(`the parent of the path does not exist in the workspace`);
    }
    if (op.op === "move" && (typeof op.from !== "string" || !resolves(out, op.from))) bad(REASONS.OPERATION_FROM_UNRESOLVABLE);
    try {
      out = fjp.applyOperation(out, effective as fjp.Operation, true, true, true, i).newDocument;
    } catch (e) {
      const name = (e as { name?: string }).name ?? "";
      bad(REASONS[name] ?? (e as Error).message.split("\n")[0]);
    }
  }
  return out as T;
}
