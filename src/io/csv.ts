// CSV, written and read in one place (RFC 4180: comma-separated, "\n" line ends, a field
// quoted with "…" when it holds a comma, a double quote, CR or LF; an inner quote doubled).
//
// Cell convention (the one every Searchlight table uses; chosen to match what pandas'
// `to_csv` writes for hps_gpr's tables, so that files compare byte for byte where the
// numbers agree, and so that pandas.read_csv and numpy read them back):
//   finite number  → JavaScript's shortest round-trip form, String(x) ("0.1", "1e-7", "-0")
//   NaN            → "nan"
//   +∞ / −∞        → "inf" / "-inf"
//   true / false   → "True" / "False" (Python's spelling)
//   null/undefined → "" (an empty field: missing; pandas reads it as NaN)
//   anything else  → String(v), quoted when needed
// Reading inverts it: `cellNum` maps "nan"/"NaN"/"" → NaN and "inf"/"+inf"/"-inf"/"Infinity"
// (any case) → ±∞; `cellBool` accepts "True"/"true"/"1".
import { readFileSync } from "node:fs";
import { InputError } from "./errors.ts";

/** One parsed row: column name → raw cell text. */
export type CsvRow = Record<string, string>;

/** A number as a CSV cell (NaN → "nan", ±∞ → "inf"/"-inf"). */
export function csvNumber(x: number): string {
  return Number.isFinite(x) ? String(x) : Number.isNaN(x) ? "nan" : x > 0 ? "inf" : "-inf";
}

/** One CSV cell of any value, by the convention above, quoted when needed. */
export function csvCell(v: unknown): string {
  const s = typeof v === "number" ? csvNumber(v) : typeof v === "boolean" ? (v ? "True" : "False") : v === null || v === undefined ? "" : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** One CSV line (with its "\n") from a row of values. */
export function csvLine(cells: readonly unknown[]): string {
  return cells.map(csvCell).join(",") + "\n";
}

/** A whole CSV text from a header and rows of values (positional). */
export function csvRows(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return csvLine(header) + rows.map(csvLine).join("");
}

/** A whole CSV text of records (any objects): the given columns in order, one line per record (missing keys → ""). */
export function csvText<T extends object>(columns: readonly string[], records: readonly T[]): string {
  return csvLine(columns) + records.map((r) => csvLine(columns.map((c) => (r as Record<string, unknown>)[c]))).join("");
}

/** Parse CSV text (RFC 4180 quoting, "\n" or "\r\n" line ends, blank lines skipped) into header + rows of strings. */
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

/** Read and parse a CSV file; an unreadable file is an InputError naming it. */
export function readCsv(file: string): { columns: string[]; rows: CsvRow[] } {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new InputError(file, "", `cannot read: ${(e as Error).message}`);
  }
  return parseCsv(text, file);
}

/** A CSV cell as a number: "nan"/"" → NaN, "inf"/"-inf"/"Infinity" → ±∞, else Number(s). */
export function cellNum(s: string | undefined): number {
  if (s === undefined || s === "" || /^nan$/i.test(s)) return NaN;
  if (/^\+?inf(inity)?$/i.test(s)) return Infinity;
  if (/^-inf(inity)?$/i.test(s)) return -Infinity;
  return Number(s);
}

/** A CSV cell as a boolean ("True"/"true"/"1"; pandas writes True/False). */
export function cellBool(s: string | undefined): boolean {
  return s !== undefined && /^(true|1)$/i.test(s);
}
