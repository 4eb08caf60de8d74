// Validation against the pyhf JSON schemas 1.0.0 (src/histfactory/schemas/1.0.0/, draft-06) with
// ajv 8. Validators are compiled once. ajv's errors (noisy under `anyOf` for modifiers) are
// reduced to one line: the JSON path of the offending field and what was expected.
// The compiled package carries the validators precompiled (scripts/build.mjs writes ajv's
// standalone code to dist/histfactory/schema-validators.cjs), so a CLI process loads neither
// ajv nor compiles the schemas (≈ 100–200 ms); from the sources ajv compiles them on first use.
import { createRequire } from "node:module";
import type { Ajv, ErrorObject, Options, ValidateFunction } from "ajv";
import { InputError } from "../io/errors.ts";
import defs from "./schemas/1.0.0/defs.json" with { type: "json" };
import workspaceSchema from "./schemas/1.0.0/workspace.json" with { type: "json" };
import modelSchema from "./schemas/1.0.0/model.json" with { type: "json" };
import measurementSchema from "./schemas/1.0.0/measurement.json" with { type: "json" };
import patchsetSchema from "./schemas/1.0.0/patchset.json" with { type: "json" };
import patchSchema from "./schemas/1.0.0/patch.json" with { type: "json" };

export type SchemaName = "workspace" | "model" | "measurement" | "patchset" | "patch";

export const SCHEMA_VERSION = "1.0.0";
const BASE = `https://scikit-hep.org/pyhf/schemas/${SCHEMA_VERSION}/`;

/** The modifier types of the format, sorted. */
export const MODIFIER_TYPES = ["histosys", "lumi", "normfactor", "normsys", "shapefactor", "shapesys", "staterror"] as const;

const require = createRequire(import.meta.url);

/**
 * Every validator used here: name (an export of the precompiled module) → schema reference.
 * Documents are validated against a kind; a failing modifier against its type's definition.
 */
export const VALIDATORS: Readonly<Record<string, string>> = {
  ...Object.fromEntries((["workspace", "model", "measurement", "patchset", "patch"] satisfies SchemaName[]).map((k) => [k, `${BASE}${k}.json`])),
  ...Object.fromEntries(MODIFIER_TYPES.map((t) => [`modifier_${t}`, `${BASE}defs.json#/definitions/modifiers/${t}`])),
};

/** An ajv instance holding the pyhf schemas (scripts/build.mjs precompiles from it with `code.source`). */
export function createAjv(extra: Options = {}): Ajv {
  const { Ajv: AjvClass } = require("ajv") as typeof import("ajv");
  const a = new AjvClass({ strict: false, allErrors: false, verbose: true, ...extra });
  a.addMetaSchema(require("ajv/dist/refs/json-schema-draft-06.json"));
  for (const s of [defs, workspaceSchema, modelSchema, measurementSchema, patchsetSchema, patchSchema]) a.addSchema(s);
  return a;
}

let ajv: Ajv | null = null;
let precompiled: Record<string, ValidateFunction | undefined> | null | undefined;
const cache = new Map<string, ValidateFunction>();

function validator(name: string): ValidateFunction {
  let v = cache.get(name);
  if (v) return v;
  if (precompiled === undefined) {
    try {
      precompiled = import.meta.url.endsWith(".js") ? require("./schema-validators.cjs") : null;
    } catch {
      precompiled = null;
    }
  }
  v = precompiled?.[name] ?? (ajv ??= createAjv()).getSchema(VALIDATORS[name]);
  if (!v) throw new Error(`schema ${VALIDATORS[name] ?? name} not found`);
  cache.set(name, v);
  return v;
}

/** Problems with a document against a schema, as `{ path, detail }`, or null if it is valid. */
export function schemaProblem(doc: unknown, kind: SchemaName): { path: string; detail: string } | null {
  const v = validator(kind);
  if (v(doc)) return null;
  return describeErrors(doc, v.errors ?? []);
}

/** Validate `doc` against a pyhf schema; a violation is an InputError naming file and field. */
export function validateSchema(doc: unknown, kind: SchemaName, file: string): void {
  const p = schemaProblem(doc, kind);
  if (p) throw new InputError(file, p.path || "/", p.detail);
}

// ---------------------------------------------------------------------------------------------

function at(doc: unknown, pointer: string): unknown {
  if (!pointer) return doc;
  let cur: unknown = doc;
  for (const raw of pointer.slice(1).split("/")) {
    const k = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (typeof v === "object") return "an object";
  if (typeof v === "string") return `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + "…" : v)}`;
  return `${typeof v} ${String(v)}`;
}

const MODIFIER_PATH = /\/modifiers\/\d+$/;

function describeErrors(doc: unknown, errors: ErrorObject[]): { path: string; detail: string } {
  // A modifier fails every branch of the anyOf: report against the branch its "type" names.
  const anyOf = errors.find((e) => e.keyword === "anyOf" && MODIFIER_PATH.test(e.instancePath));
  if (anyOf) return describeModifier(doc, anyOf.instancePath);
  const op = errors.find((e) => /^\/(patches\/\d+\/patch\/)?\d+$/.test(e.instancePath) && e.keyword === "required");
  const e = op ?? errors.find((x) => x.keyword !== "anyOf" && x.keyword !== "oneOf") ?? errors[0];
  return formatError(doc, e, "");
}

function describeModifier(doc: unknown, path: string): { path: string; detail: string } {
  const m = at(doc, path);
  if (m === null || typeof m !== "object" || Array.isArray(m)) {
    return { path, detail: `expected a modifier object {"name", "type", "data"}, got ${describe(m)}` };
  }
  const type = (m as Record<string, unknown>).type;
  if (type === undefined) return { path: `${path}/type`, detail: `missing required field "type" (one of ${MODIFIER_TYPES.join(", ")})` };
  if (typeof type !== "string" || !(MODIFIER_TYPES as readonly string[]).includes(type)) {
    return { path: `${path}/type`, detail: `unknown modifier type ${JSON.stringify(type)}: expected one of ${MODIFIER_TYPES.join(", ")}` };
  }
  const v = validator(`modifier_${type}`);
  if (v(m)) return { path, detail: "invalid modifier" }; // not reached
  const e = v.errors![0];
  if (type === "lumi" && e.keyword === "const" && e.instancePath === "/name") {
    return { path: `${path}/name`, detail: `a lumi modifier must be named "lumi", got ${describe((m as Record<string, unknown>).name)}` };
  }
  const r = formatError(m, e, path);
  return { path: r.path, detail: `${type} modifier: ${r.detail}` };
}

function formatError(doc: unknown, e: ErrorObject, prefix: string): { path: string; detail: string } {
  const path = prefix + e.instancePath;
  const value = at(doc, e.instancePath);
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case "required":
      return { path: `${path}/${p.missingProperty}`, detail: `missing required field "${p.missingProperty}"` };
    case "additionalProperties": {
      const allowed = Object.keys((e.parentSchema as { properties?: object })?.properties ?? {});
      return { path: `${path}/${p.additionalProperty}`, detail: `unknown field "${p.additionalProperty}"${allowed.length ? ` (allowed: ${allowed.join(", ")})` : ""}` };
    }
    case "type":
      return { path, detail: `expected ${Array.isArray(p.type) ? (p.type as string[]).join(" or ") : p.type}, got ${describe(value)}` };
    case "const":
      return { path, detail: `expected ${JSON.stringify(p.allowedValue)}, got ${describe(value)}` };
    case "enum":
      return { path, detail: `expected one of ${(p.allowedValues as unknown[]).map((x) => JSON.stringify(x)).join(", ")}, got ${describe(value)}` };
    case "minItems":
      return { path, detail: `expected at least ${p.limit} item${p.limit === 1 ? "" : "s"}, got ${Array.isArray(value) ? value.length : describe(value)}` };
    case "maxItems":
      return { path, detail: `expected at most ${p.limit} items, got ${Array.isArray(value) ? value.length : describe(value)}` };
    case "minProperties":
      return { path, detail: `expected at least ${p.limit} field${p.limit === 1 ? "" : "s"}, got none` };
    case "pattern":
      return { path, detail: `${describe(value)} does not match the pattern ${p.pattern}` };
    default:
      return { path, detail: e.message ?? `fails the ${e.keyword} check` };
  }
}
