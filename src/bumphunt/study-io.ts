// Small helpers shared by the bump-hunt study commands (toy scans, injection, displays):
// CSV reading (pandas-style "nan"/"inf"/"True"), natural sort, shell-style globs, finite
// quantile bands, and a recursive file finder.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../io/errors.ts";
import { quantile } from "./injection.ts";

export type CsvRow = Record<string, string>;

/** Parse CSV text (RFC 4180 quoting) into header + rows of strings. */
export function parseCsv(text: string, file = ""): { columns: string[]; rows: CsvRow[] } {
  const records: string[][] = [];
  let field = "", rec: string[] = [], quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') { field += '"'; i++; } else quoted = false;
      } else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") { rec.push(field); field = ""; }
    else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      rec.push(field); field = "";
      if (rec.length > 1 || rec[0] !== "") records.push(rec);
      rec = [];
    } else field += c;
  }
  if (field !== "" || rec.length) { rec.push(field); records.push(rec); }
  if (records.length === 0) throw new InputError(file, "", "empty CSV file (no header line)");
  const columns = records[0];
  const rows = records.slice(1).map((r, k) => {
    if (r.length !== columns.length) throw new InputError(file, `line ${k + 2}`, `${r.length} fields where the header has ${columns.length}; rewrite the file`);
    const o: CsvRow = {};
    columns.forEach((c, j) => (o[c] = r[j]));
    return o;
  });
  return { columns, rows };
}

export function readCsv(file: string): { columns: string[]; rows: CsvRow[] } {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new InputError(file, "", `cannot read: ${(e as Error).message}`);
  }
  return parseCsv(text, file);
}

/** A CSV cell as a number: "nan"/"" → NaN, "inf"/"-inf" → ±∞. */
export function cellNum(s: string | undefined): number {
  if (s === undefined || s === "" || /^nan$/i.test(s)) return NaN;
  if (/^\+?inf(inity)?$/i.test(s)) return Infinity;
  if (/^-inf(inity)?$/i.test(s)) return -Infinity;
  return Number(s);
}

/** A CSV cell as a boolean (pandas writes True/False). */
export function cellBool(s: string | undefined): boolean {
  return s !== undefined && /^(true|1)$/i.test(s);
}

/** Require columns in a CSV: one-line InputError naming the file and the first missing one. */
export function requireColumns(file: string, columns: string[], needed: string[]): void {
  const missing = needed.filter((c) => !columns.includes(c));
  if (missing.length) throw new InputError(file, missing[0], `missing column (needed: ${needed.join(", ")}); was the file written by searchlight bump?`);
}

/** Natural ordering: "toy_2" < "toy_10". */
export function naturalCompare(a: string, b: string): number {
  return a.localeCompare(b, undefined, { numeric: true, sensitivity: "base" });
}

/** Shell-style glob (* ? [..]) as an anchored RegExp. */
export function globRegExp(glob: string): RegExp {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === "*") re += ".*";
    else if (c === "?") re += ".";
    else if (c === "[") {
      const j = glob.indexOf("]", i + 1);
      if (j < 0) re += "\\[";
      else { re += "[" + glob.slice(i + 1, j).replace(/^!/, "^").replace(/\\/g, "\\\\") + "]"; i = j; }
    } else re += c.replace(/[.+^${}()|\\/]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

/** Every file named `name` under `dir` (recursively), sorted naturally. */
export function findFiles(dir: string, name: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d).sort(naturalCompare)) {
      const p = join(d, e);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (e === name) out.push(p);
    }
  };
  walk(dir);
  return out;
}

export interface QuantileBand {
  n: number;
  lo2: number; lo1: number; med: number; hi1: number; hi2: number;
}

/** Median and central 68/95% quantiles of the finite values (numpy linear interpolation). */
export function quantileBand(values: number[]): QuantileBand {
  const v = values.filter(Number.isFinite);
  return { n: v.length, lo2: quantile(v, 0.025), lo1: quantile(v, 0.16), med: quantile(v, 0.5), hi1: quantile(v, 0.84), hi2: quantile(v, 0.975) };
}

export const mean = (v: number[]): number => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN);
export const std = (v: number[]): number => {
  if (v.length < 2) return NaN;
  const m = mean(v);
  return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / (v.length - 1));
};
