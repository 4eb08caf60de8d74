// JSON text with Python's number kinds: a parser that remembers whether an integral number was
// written as a float (`1.0`, `1e2`), and a serializer that reproduces Python's
// `json.dumps(obj, sort_keys=True, ensure_ascii=False)` byte for byte. pyhf's workspace digest
// (`pyhf.utils.digest`) hashes that text, so `1` and `1.0` must stay distinct.
//
// The "kinded" tree is plain JSON except that integral floats are `PyFloat` boxes and integers
// beyond 2^53 are `PyBigInt` (exact digits). `toPlain()` turns it into ordinary JS values.
import { InputError } from "../io/errors.ts";

/** A float whose value is integral (written `1.0`, `1e16`, …): Python keeps it a float. */
export class PyFloat {
  constructor(readonly value: number) {}
  /** JSON.stringify and fast-json-patch's deep clone see the number. */
  toJSON(): number { return this.value; }
}

/** An integer too large for a double: Python keeps every digit. */
export class PyBigInt {
  constructor(readonly text: string) {}
  toJSON(): number { return Number(this.text); }
}

export type Kinded = null | boolean | number | string | PyFloat | PyBigInt | Kinded[] | { [key: string]: Kinded };

const MAX_SAFE = 2 ** 53;

/**
 * Parse JSON text (RFC 8259) into a kinded tree. A syntax error is an InputError naming the file,
 * line and column; a NaN/Infinity token (Python's json writes them) names the field it sits in.
 */
export function parseJsonText(text: string, file: string): Kinded {
  let i = 0;
  const n = text.length;
  const path: (string | number)[] = [];
  if (text.charCodeAt(0) === 0xfeff) i = 1; // UTF-8 BOM

  const fail = (message: string, at = i): never => {
    const before = text.slice(0, at);
    const line = before.split("\n").length;
    const column = at - before.lastIndexOf("\n");
    throw new InputError(file, `line ${line}, column ${column}`, `invalid JSON: ${message}`);
  };
  const show = (k: number): string => (k >= n ? "end of input" : JSON.stringify(text[k]));
  const skip = () => {
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 10 || c === 13 || c === 9) i++;
      else return;
    }
  };
  const pointer = () => "/" + path.map((p) => String(p).replace(/~/g, "~0").replace(/\//g, "~1")).join("/");

  const parseString = (): string => {
    const start = ++i; // after the opening quote
    // fast path: no escapes
    let j = start;
    for (;;) {
      if (j >= n) fail("unterminated string", start - 1);
      const c = text.charCodeAt(j);
      if (c === 34) { i = j + 1; return text.slice(start, j); }
      if (c === 92) break;
      if (c < 0x20) fail("control character in a string", j);
      j++;
    }
    let out = text.slice(start, j);
    i = j;
    for (;;) {
      if (i >= n) fail("unterminated string", start - 1);
      const c = text.charCodeAt(i);
      if (c === 34) { i++; return out; }
      if (c < 0x20) fail("control character in a string");
      if (c !== 92) { out += text[i++]; continue; }
      const e = text[i + 1];
      switch (e) {
        case '"': out += '"'; break;
        case "\\": out += "\\"; break;
        case "/": out += "/"; break;
        case "b": out += "\b"; break;
        case "f": out += "\f"; break;
        case "n": out += "\n"; break;
        case "r": out += "\r"; break;
        case "t": out += "\t"; break;
        case "u": {
          const hex = text.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail("bad \\u escape in a string");
          out += String.fromCharCode(parseInt(hex, 16));
          i += 4;
          break;
        }
        default: fail(`bad escape \\${e ?? ""} in a string`);
      }
      i += 2;
    }
  };

  const parseNumber = (): Kinded => {
    const start = i;
    if (text[i] === "-") i++;
    if (text[i] === "I") badValue("-Infinity", start);
    if (text[i] === "0") i++;
    else if (text[i] >= "1" && text[i] <= "9") while (text[i] >= "0" && text[i] <= "9") i++;
    else fail("malformed number", start);
    let isFloat = false;
    if (text[i] === ".") {
      isFloat = true;
      i++;
      if (!(text[i] >= "0" && text[i] <= "9")) fail("malformed number: digits expected after '.'", start);
      while (text[i] >= "0" && text[i] <= "9") i++;
    }
    if (text[i] === "e" || text[i] === "E") {
      isFloat = true;
      i++;
      if (text[i] === "+" || text[i] === "-") i++;
      if (!(text[i] >= "0" && text[i] <= "9")) fail("malformed number: digits expected in the exponent", start);
      while (text[i] >= "0" && text[i] <= "9") i++;
    }
    const tok = text.slice(start, i);
    const v = Number(tok);
    if (isFloat) {
      if (!Number.isFinite(v)) badValue(tok, start, "overflows a double");
      return Number.isInteger(v) ? new PyFloat(v) : v;
    }
    if (Math.abs(v) > MAX_SAFE) return new PyBigInt(tok.replace(/^-0$/, "0"));
    return v === 0 ? 0 : v; // Python reads -0 as the integer 0
  };

  const badValue = (tok: string, at: number, why = "is not a valid JSON value"): never =>
    fail(`NaN/Infinity: ${tok} ${why}; bad value for ${pointer()} (write a finite number)`, at);

  const parseValue = (): Kinded => {
    skip();
    if (i >= n) fail("unexpected end of input");
    const c = text[i];
    if (c === "{") {
      i++;
      const obj: { [key: string]: Kinded } = {};
      skip();
      if (text[i] === "}") { i++; return obj; }
      for (;;) {
        skip();
        if (text[i] !== '"') fail(`expected a string key, found ${show(i)}`);
        const key = parseString();
        skip();
        if (text[i] !== ":") fail(`expected ':' after the key, found ${show(i)}`);
        i++;
        path.push(key);
        const v = parseValue();
        path.pop();
        if (key === "__proto__") Object.defineProperty(obj, key, { value: v, enumerable: true, writable: true, configurable: true });
        else obj[key] = v;
        skip();
        if (text[i] === ",") { i++; continue; }
        if (text[i] === "}") { i++; return obj; }
        fail(`expected ',' or '}', found ${show(i)}`);
      }
    }
    if (c === "[") {
      i++;
      const arr: Kinded[] = [];
      skip();
      if (text[i] === "]") { i++; return arr; }
      for (;;) {
        path.push(arr.length);
        arr.push(parseValue());
        path.pop();
        skip();
        if (text[i] === ",") { i++; continue; }
        if (text[i] === "]") { i++; return arr; }
        fail(`expected ',' or ']', found ${show(i)}`);
      }
    }
    if (c === '"') return parseString();
    if (c === "-" || (c >= "0" && c <= "9")) return parseNumber();
    if (text.startsWith("true", i)) { i += 4; return true; }
    if (text.startsWith("false", i)) { i += 5; return false; }
    if (text.startsWith("null", i)) { i += 4; return null; }
    if (text.startsWith("NaN", i)) badValue("NaN", i);
    if (text.startsWith("Infinity", i)) badValue("Infinity", i);
    return fail(`unexpected ${show(i)}`);
  };

  const v = parseValue();
  skip();
  if (i < n) fail(`unexpected ${show(i)} after the end of the document`);
  return v;
}

/** The plain JS value of a kinded tree (boxes become numbers; containers are copied). */
export function toPlain(v: Kinded): unknown {
  if (v === null || typeof v !== "object") return v;
  if (v instanceof PyFloat) return v.value;
  if (v instanceof PyBigInt) return Number(v.text);
  if (Array.isArray(v)) return v.map(toPlain);
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) out[k] = toPlain(v[k]);
  return out;
}

/** Deep copy that keeps the number boxes (structuredClone would not). */
export function cloneJson<T>(v: T): T {
  if (v === null || typeof v !== "object" || v instanceof PyFloat || v instanceof PyBigInt) return v;
  if (Array.isArray(v)) return v.map(cloneJson) as T;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) out[k] = cloneJson((v as Record<string, unknown>)[k]);
  return out as T;
}

/** The number a value stands for, or undefined if it is not a (boxed) number. */
export function numberOf(v: unknown): number | undefined {
  if (typeof v === "number") return v;
  if (v instanceof PyFloat) return v.value;
  if (v instanceof PyBigInt) return Number(v.text);
  return undefined;
}

/** Python's `==` on JSON values: numbers compare by value (`1 == 1.0`), dicts ignore key order. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  const na = numberOf(a);
  const nb = numberOf(b);
  if (na !== undefined || nb !== undefined) {
    if (a instanceof PyBigInt && b instanceof PyBigInt) return BigInt(a.text) === BigInt(b.text);
    return na !== undefined && nb !== undefined && na === nb;
  }
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return a === b;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, k) => jsonEqual(x, bb[k]));
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b as object);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

// ---------------------------------------------------------------------------------------------
// Serializer

/** Python's `repr(float)`: shortest round-trip digits, exponent form below 1e-4 or from 1e16. */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (x === Infinity) return "Infinity";
  if (x === -Infinity) return "-Infinity";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const sign = x < 0 ? "-" : "";
  const [mant, expText] = Math.abs(x).toExponential().split("e");
  const digits = mant.replace(".", "");
  const exp = Number(expText); // value = d.ddd × 10^exp
  const decpt = exp + 1; // position of the decimal point after the first digit string
  if (decpt > -4 && decpt <= 16) {
    if (decpt <= 0) return `${sign}0.${"0".repeat(-decpt)}${digits}`;
    if (decpt >= digits.length) return `${sign}${digits}${"0".repeat(decpt - digits.length)}.0`;
    return `${sign}${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
  }
  const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const e = Math.abs(exp);
  return `${sign}${m}e${exp < 0 ? "-" : "+"}${e < 10 ? "0" + e : String(e)}`;
}

/** Python's `str(int)` for a JS number known to be an integer. */
function pyIntRepr(x: number): string {
  if (x === 0) return "0";
  if (Math.abs(x) < 1e21) return String(x);
  return BigInt(x).toString();
}

/** json.dumps string escaping with ensure_ascii=False. */
export function pyStringRepr(s: string): string {
  let out = '"';
  let last = 0;
  for (let k = 0; k < s.length; k++) {
    const c = s.charCodeAt(k);
    if (c >= 0x20 && c !== 34 && c !== 92) continue;
    out += s.slice(last, k);
    last = k + 1;
    switch (c) {
      case 34: out += '\\"'; break;
      case 92: out += "\\\\"; break;
      case 10: out += "\\n"; break;
      case 13: out += "\\r"; break;
      case 9: out += "\\t"; break;
      case 8: out += "\\b"; break;
      case 12: out += "\\f"; break;
      default: out += "\\u" + c.toString(16).padStart(4, "0");
    }
  }
  return out + s.slice(last) + '"';
}

/** Compare strings by Unicode code point (Python's str ordering), not by UTF-16 unit. */
export function codePointCompare(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let k = 0; k < n; k++) {
    const x = a.codePointAt(k)!;
    const y = b.codePointAt(k)!;
    if (x !== y) return x - y;
    if (x > 0xffff) k++;
  }
  return a.length - b.length;
}

export interface DumpOptions {
  /** Sort object keys by code point (json.dumps sort_keys=True). Default true. */
  sortKeys?: boolean;
  /** Pretty-print with this many spaces (json.dumps indent=N, separators "," and ": "). */
  indent?: number;
}

/**
 * Python's `json.dumps(v, sort_keys=True, ensure_ascii=False)` (default separators `", "` and
 * `": "`). Plain JS numbers that are integers print as Python ints; PyFloat boxes and
 * non-integral numbers print with Python's float repr.
 */
export function pyJsonDumps(v: unknown, opts: DumpOptions = {}): string {
  const sortKeys = opts.sortKeys ?? true;
  const indent = opts.indent;
  const parts: string[] = [];
  const write = (x: unknown, depth: number): void => {
    if (x === null || x === undefined) { parts.push("null"); return; }
    switch (typeof x) {
      case "boolean": parts.push(x ? "true" : "false"); return;
      case "string": parts.push(pyStringRepr(x)); return;
      case "number": parts.push(Number.isInteger(x) ? pyIntRepr(x) : pyFloatRepr(x)); return;
      case "bigint": parts.push(x.toString()); return;
    }
    if (x instanceof PyFloat) { parts.push(pyFloatRepr(x.value)); return; }
    if (x instanceof PyBigInt) { parts.push(x.text); return; }
    const nl = indent === undefined ? "" : "\n" + " ".repeat(indent * (depth + 1));
    const nlEnd = indent === undefined ? "" : "\n" + " ".repeat(indent * depth);
    const sep = indent === undefined ? ", " : ",";
    if (Array.isArray(x)) {
      if (x.length === 0) { parts.push("[]"); return; }
      parts.push("[");
      for (let k = 0; k < x.length; k++) {
        parts.push(k ? sep + nl : nl);
        write(x[k], depth + 1);
      }
      parts.push(nlEnd + "]");
      return;
    }
    const obj = x as Record<string, unknown>;
    const keys = Object.keys(obj).filter((k) => obj[k] !== undefined);
    if (sortKeys) keys.sort(codePointCompare);
    if (keys.length === 0) { parts.push("{}"); return; }
    parts.push("{");
    keys.forEach((k, idx) => {
      parts.push((idx ? sep + nl : nl) + pyStringRepr(k) + ": ");
      write(obj[k], depth + 1);
    });
    parts.push(nlEnd + "}");
  };
  write(v, 0);
  return parts.join("");
}
