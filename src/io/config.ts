// Configuration files (YAML or JSON) checked against a declarative schema, for every workflow.
//
// A schema names each key with its type (boolean, number/integer with bounds, string, enum,
// [low, high] range, list, mapping, nested section), its default and whether it is required.
// `validateConfig` fills the defaults and stops at the first mistake with ONE line:
//
//   <file>: line L, column C: <key path>: <what is wrong>, got <value>   (YAML/JSON source)
//   <file>: <key path>: <what is wrong>                                 (an in-memory object)
//
// naming what was expected and, for an unknown key, the closest valid key by edit distance
// ("did you mean"). Key paths are dotted for sections and mappings, [i] for list items
// (`bands.toys`, `frad_coeffs[2]`, `data_visibility.2015`). JSON is read by the YAML parser
// (JSON is YAML 1.2 flow syntax), so both get line and column for every key; JSON syntax
// errors are located by io/json-locate.ts. Nothing here knows about any one workflow.
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type * as Yaml from "yaml";
import { InputError } from "./errors.ts";
import { locateJsonError } from "./json-locate.ts";

let yamlModule: typeof Yaml | undefined;
/** The yaml package, loaded synchronously on first use (it costs ~0.1 s of start-up otherwise). */
const yaml = (): typeof Yaml => (yamlModule ??= createRequire(import.meta.url)("yaml") as typeof Yaml);

/** What a value may be. */
export type Schema =
  | { type: "boolean" }
  /** A finite number; `integer` requires an integer. Bounds: gt (>), min (≥), max (≤). */
  | { type: "number"; integer?: boolean; gt?: number; min?: number; max?: number; nullable?: boolean }
  /** A string (a number written where a string is expected is taken as its text: `hist: 2015`). */
  | { type: "string"; nullable?: boolean }
  | { type: "enum"; values: readonly string[]; nullable?: boolean }
  /** [low, high] with low < high (both > 0 if `positive`). */
  | { type: "range"; positive?: boolean; nullable?: boolean }
  | { type: "list"; items: Schema; minItems?: number }
  /** A mapping of any (or of the listed) keys to values of one schema; null reads as {}. */
  | { type: "map"; values: Schema; keys?: readonly string[]; keyLabel?: string }
  /** A nested section with its own keys. */
  | { type: "section"; fields: Fields };

export interface Field {
  schema: Schema;
  /** Value when the key is absent (deep-copied). */
  default?: unknown;
  /** The key must be given (no default). */
  required?: boolean;
}

export type Fields = Record<string, Field>;

export type KeyPath = readonly (string | number)[];

export interface Position {
  line: number;
  column: number;
}

/** A configuration's data with where each key stands in its file (if it came from text). */
export interface ConfigSource {
  file: string;
  data: unknown;
  /** 1-based line and column of the key (`part` "key") or its value at `path`, if known. */
  locate(path: KeyPath, part?: "key" | "value"): Position | undefined;
}

/** A mistake at a key of a configuration: an InputError that keeps the key path and position. */
export class ConfigError extends InputError {
  constructor(file: string, readonly path: string, detail: string, readonly position?: Position) {
    super(file, position ? `line ${position.line}, column ${position.column}${path ? `: ${path}` : ""}` : path, detail);
  }
}

/** "a.b[2].c" from ["a", "b", 2, "c"]. */
export function keyPathText(path: KeyPath): string {
  let s = "";
  for (const p of path) s += typeof p === "number" ? `[${p}]` : s ? `.${p}` : p;
  return s;
}

/** The ConfigError for `path` of `src`, positioned at the key (or its value) when known. */
export function configError(src: ConfigSource, path: KeyPath, detail: string, part: "key" | "value" = "value"): ConfigError {
  return new ConfigError(src.file, keyPathText(path), detail, src.locate(path, part));
}

/** An in-memory configuration object (no positions). */
export function configSource(data: unknown, file: string): ConfigSource {
  return { file, data, locate: () => undefined };
}

/** Parse YAML or JSON text; a syntax error is one line with its line and column. */
export function parseConfigText(text: string, file: string, format: "yaml" | "json" = /\.json$/i.test(file) ? "json" : "yaml"): ConfigSource {
  if (format === "json") {
    const at = locateJsonError(text);
    if (at) throw new InputError(file, `line ${at.line}, column ${at.column}`, `invalid JSON: ${at.message}`);
  }
  const { LineCounter, isMap, isScalar, isSeq, parseDocument } = yaml();
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { uniqueKeys: true, lineCounter });
  if (doc.errors.length) {
    const e = doc.errors[0];
    const pos = e.linePos?.[0];
    throw new InputError(file, pos ? `line ${pos.line}, column ${pos.col}` : "", `invalid ${format === "json" ? "JSON" : "YAML"}: ${e.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "")}`);
  }
  const at = (offset: number | undefined): Position | undefined => {
    if (offset === undefined) return undefined;
    const p = lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  };
  let data: unknown;
  try {
    data = doc.toJS();
  } catch (e) {
    // e.g. an alias to an anchor defined after it, or too many aliases (a YAML "bomb")
    throw new InputError(file, "", `invalid ${format === "json" ? "JSON" : "YAML"}: ${(e as Error).message.split("\n")[0]}`);
  }
  return {
    file, data,
    locate(path, part = "value") {
      let node: unknown = doc.contents;
      let keyNode: unknown;
      for (const seg of path) {
        if (isMap(node)) {
          const pair = node.items.find((it) => (isScalar(it.key) ? String(it.key.value) : String(it.key)) === String(seg));
          if (!pair) return undefined;
          keyNode = pair.key;
          node = pair.value ?? pair.key;
        } else if (isSeq(node) && typeof seg === "number") {
          keyNode = node = node.items[seg];
        } else return undefined;
      }
      const n = (part === "key" ? keyNode ?? node : node) as Yaml.Node | null | undefined;
      return at(n?.range?.[0]);
    },
  };
}

/** Read a YAML (or, by extension, JSON) configuration file; `option` names the CLI option in a not-found error. */
export function readConfigFile(path: string, o: { option?: string } = {}): ConfigSource {
  if (!existsSync(path)) throw new InputError(path, o.option ?? "", "configuration file not found");
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new InputError(path, o.option ?? "", `cannot read: ${(e as Error).message}`);
  }
  return parseConfigText(text, path);
}

/** Levenshtein distance (insertions, deletions, substitutions), for "did you mean". */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}

/** The candidate closest to `key` by edit distance (first of equals), or "" if none. */
export function closestKey(key: string, candidates: Iterable<string>): string {
  let best = "", bd = Infinity;
  for (const k of candidates) {
    const d = editDistance(key, k);
    if (d < bd) { bd = d; best = k; }
  }
  return best;
}

/** The fix for an unknown key: the closest valid one when it is close, else the valid keys. */
function unknownKeyText(key: string, valid: readonly string[], label = "key"): string {
  const best = closestKey(key, valid);
  if (best && editDistance(key, best) <= Math.max(3, Math.ceil(key.length / 3))) return `unknown ${label}; did you mean "${best}"?`;
  return valid.length <= 12 ? `unknown ${label} (expected one of ${valid.join(", ")})` : `unknown ${label}: no valid ${label} is close (there are ${valid.length}); check the spelling against the documentation`;
}

/** A value as an error message shows it: strings quoted, others as JSON, long ones cut. */
export const showValue = (v: unknown): string => {
  const s = typeof v === "string" ? `"${v}"` : v === undefined ? "nothing" : JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
};

const plural = (s: Schema): string | null =>
  s.type === "number" && s.gt === undefined && s.min === undefined && s.max === undefined ? (s.integer ? "integers" : "numbers") : s.type === "string" ? "strings" : s.type === "boolean" ? "booleans" : null;

/** What a schema expects, as the words after "expected". */
export function describeSchema(s: Schema): string {
  const orNull = (s as { nullable?: boolean }).nullable ? " or null" : "";
  switch (s.type) {
    case "boolean": return "true or false";
    case "number": {
      const lo = s.gt !== undefined ? ` > ${s.gt}` : s.min !== undefined ? ` ≥ ${s.min}` : "";
      const hi = s.max !== undefined ? `${lo ? " and" : ""} ≤ ${s.max}` : "";
      return `${s.integer ? "an integer" : "a number"}${lo}${hi}${orNull}`;
    }
    case "string": return `a string${orNull}`;
    case "enum": return `one of ${s.values.join(", ")}${orNull}`;
    case "range": return `[low, high] with low < high${s.positive ? ", both > 0" : ""}${s.nullable ? ", or null" : ""}`;
    case "list": {
      const p = plural(s.items);
      return `a list of ${p ?? `values, each ${describeSchema(s.items)}`}${s.minItems ? ` (at least ${s.minItems})` : ""}`;
    }
    case "map": return `a mapping${s.keys ? ` from ${s.keyLabel ?? "key"}s (${s.keys.join(", ")})` : ""} to ${describeSchema(s.values)}`;
    case "section": return "a mapping of keys to values";
  }
}

const isNum = (x: unknown): x is number => typeof x === "number" && Number.isFinite(x);
const isObject = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);

/** Check `v` against `s` at `path`; returns the normalised value or throws a ConfigError. */
export function checkValue(src: ConfigSource, s: Schema, v: unknown, path: KeyPath): unknown {
  const bad = () => configError(src, path, `expected ${describeSchema(s)}, got ${showValue(v)}`);
  if (v === null && (s as { nullable?: boolean }).nullable) return null;
  switch (s.type) {
    case "boolean":
      if (typeof v !== "boolean") throw bad();
      return v;
    case "number":
      if (!isNum(v) || (s.integer && !Number.isInteger(v)) || (s.gt !== undefined && !(v > s.gt)) || (s.min !== undefined && v < s.min) || (s.max !== undefined && v > s.max)) throw bad();
      return v;
    case "string":
      if (typeof v === "string") return v;
      if (isNum(v)) return String(v);
      throw bad();
    case "enum":
      if ((typeof v === "string" || typeof v === "number") && s.values.includes(String(v))) return String(v);
      throw bad();
    case "range":
      if (!Array.isArray(v) || v.length !== 2 || !v.every(isNum) || !(v[0] < v[1]) || (s.positive && !(v[0] > 0))) throw bad();
      return [v[0], v[1]];
    case "list":
      if (!Array.isArray(v) || v.length < (s.minItems ?? 0)) throw bad();
      return v.map((x, i) => checkValue(src, s.items, x, [...path, i]));
    case "map": {
      if (v === null || v === undefined) return {};
      if (!isObject(v)) throw bad();
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        if (s.keys && !s.keys.includes(k)) {
          const label = s.keyLabel ?? "key";
          throw new ConfigError(src.file, keyPathText(path), `unknown ${label} "${k}" (expected ${s.keys.join(", ")})`, src.locate([...path, k], "key"));
        }
        out[k] = checkValue(src, s.values, x, [...path, k]);
      }
      return out;
    }
    case "section":
      if (v === null || v === undefined) return checkFields(src, s.fields, {}, path).values;
      if (!isObject(v)) throw bad();
      return checkFields(src, s.fields, v, path).values;
  }
}

function checkFields(src: ConfigSource, fields: Fields, data: Record<string, unknown>, path: KeyPath): { values: Record<string, unknown>; given: Set<string> } {
  const valid = Object.keys(fields);
  const checked = new Map<string, unknown>();
  for (const [k, v] of Object.entries(data)) {
    const f = fields[k];
    if (!f) throw configError(src, [...path, k], unknownKeyText(k, valid), "key");
    checked.set(k, checkValue(src, f.schema, v, [...path, k]));
  }
  // Values in the schema's key order: the given value, else the default.
  const values: Record<string, unknown> = {};
  for (const [k, f] of Object.entries(fields)) {
    if (checked.has(k)) values[k] = checked.get(k);
    else if (f.required) throw configError(src, path, `missing required key "${k}" (${describeSchema(f.schema)})`, "value");
    else if (f.default !== undefined) values[k] = structuredClone(f.default);
    else if (f.schema.type === "section") values[k] = checkFields(src, f.schema.fields, {}, [...path, k]).values; // its own defaults
  }
  return { values, given: new Set(checked.keys()) };
}

export interface ValidatedConfig {
  /** Every key of the schema: the given value (normalised) or its default. */
  values: Record<string, unknown>;
  /** Top-level keys present in the file. */
  given: Set<string>;
  source: ConfigSource;
}

/**
 * Check a configuration against its top-level fields: an empty document is {}; anything but a
 * mapping, an unknown key, a value of the wrong type or out of range, or a missing required key
 * is a ConfigError (one line, with the line and column when the source is text).
 */
export function validateConfig(src: ConfigSource, fields: Fields): ValidatedConfig {
  const data = src.data === null || src.data === undefined ? {} : src.data;
  if (!isObject(data)) throw new InputError(src.file, "", `the configuration must be a YAML mapping (a JSON object) of keys to values, got ${showValue(data)}`);
  return { ...checkFields(src, fields, data, []), source: src };
}
