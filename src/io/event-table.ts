// Event columns from the files physicists have: ROOT TTrees (jsroot's tree API: flat and jagged
// branches), Parquet (hyparquet) and CSV (io/csv.ts). A column is an expression over one
// branch: `name`, `name[i]` (element i of a jagged branch, NaN when the event has fewer), or
// `len(name)`; a weight is a product `a * b * 2.5` of such columns and numbers. Rows can be
// selected with `column == value`. Every mistake is one InputError naming the file and column.
import { existsSync } from "node:fs";
import { jsrootIo, jsrootTree } from "./jsroot.ts";
import { InputError } from "./errors.ts";
import { readCsv } from "./csv.ts";
import { closestKey } from "./config.ts";

/** One parsed column expression. */
interface ColumnExpr {
  text: string;
  branch: string;
  kind: "value" | "element" | "length";
  index: number;
}

export function parseColumn(text: string, file: string): ColumnExpr {
  const t = text.trim();
  let m = /^len\(\s*([A-Za-z_][\w.]*)\s*\)$/.exec(t);
  if (m) return { text: t, branch: m[1], kind: "length", index: 0 };
  m = /^([A-Za-z_][\w.]*)\s*\[\s*(\d+)\s*\]$/.exec(t);
  if (m) return { text: t, branch: m[1], kind: "element", index: Number(m[2]) };
  m = /^([A-Za-z_][\w.]*)$/.exec(t);
  if (m) return { text: t, branch: m[1], kind: "value", index: 0 };
  throw new InputError(file, text, "not a column expression (expected name, name[i] or len(name))");
}

/** A weight expression: product of column expressions and numbers ("" or "1" = unit weights). */
export function parseWeight(text: string, file: string): { factor: number; columns: ColumnExpr[] } {
  let factor = 1;
  const columns: ColumnExpr[] = [];
  for (const part of text.split("*").map((s) => s.trim()).filter(Boolean)) {
    const x = Number(part);
    if (Number.isFinite(x)) factor *= x;
    else columns.push(parseColumn(part, file));
  }
  return { factor, columns };
}

function valueOf(e: ColumnExpr, v: unknown): number {
  if (e.kind === "length") return v && typeof (v as ArrayLike<number>).length === "number" ? (v as ArrayLike<number>).length : NaN;
  if (e.kind === "element") {
    const a = v as ArrayLike<unknown> | null;
    return a && typeof a.length === "number" && e.index < a.length ? Number(a[e.index]) : NaN;
  }
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "number") return v;
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "string") return v.trim() === "" ? NaN : Number(v);
  return NaN;
}

export interface EventTableRequest {
  /** Column expressions to read (one Float64Array each, in this order). */
  columns: string[];
  /** Weight expression (default unit weights). */
  weight?: string;
  /** Keep rows where `column == value` (string or number). */
  select?: string;
  /** ROOT: the TTree name (default: the first TTree in the file). */
  tree?: string;
}

export interface EventTable {
  columns: Float64Array[];
  weight: Float64Array;
  /** Rows read (after selection). */
  n: number;
}

function parseSelect(text: string, file: string): { branch: string; value: string } {
  const m = /^\s*([A-Za-z_][\w.]*)\s*==\s*"?([^"]*?)"?\s*$/.exec(text);
  if (!m) throw new InputError(file, `select "${text}"`, "expected column == value");
  return { branch: m[1], value: m[2] };
}

type Row = (branch: string) => unknown;

/** Read the requested columns of an event file (.root, .parquet or .csv). */
export async function readEventTable(file: string, req: EventTableRequest): Promise<EventTable> {
  if (!existsSync(file)) throw new InputError(file, "", "event file not found");
  const exprs = req.columns.map((c) => parseColumn(c, file));
  const wt = parseWeight(req.weight ?? "", file);
  const sel = req.select ? parseSelect(req.select, file) : undefined;
  const branches = [...new Set([...exprs, ...wt.columns].map((e) => e.branch).concat(sel ? [sel.branch] : []))];
  const cols: number[][] = exprs.map(() => []);
  const w: number[] = [];
  const take = (row: Row) => {
    if (sel && String(row(sel.branch)) !== sel.value) return;
    exprs.forEach((e, j) => cols[j].push(valueOf(e, row(e.branch))));
    let x = wt.factor;
    for (const e of wt.columns) x *= valueOf(e, row(e.branch));
    w.push(x);
  };
  const check = (available: string[]) => {
    for (const b of branches) {
      if (!available.includes(b)) {
        const near = closestKey(b, available);
        throw new InputError(file, b, `no such ${/\.root$/i.test(file) ? "branch" : "column"}${near ? ` (did you mean "${near}"?)` : ""}`);
      }
    }
  };
  if (/\.root$/i.test(file)) await readRoot(file, req.tree, branches, check, take);
  else if (/\.parquet$/i.test(file)) await readParquet(file, branches, check, take);
  else if (/\.csv$/i.test(file)) {
    const { columns, rows } = readCsv(file);
    check(columns);
    for (const r of rows) take((b) => r[b]);
  } else throw new InputError(file, "", "unknown event file type (expected .root, .parquet or .csv)");
  return { columns: cols.map((c) => Float64Array.from(c)), weight: Float64Array.from(w), n: w.length };
}

async function readParquet(file: string, branches: string[], check: (a: string[]) => void, take: (r: Row) => void): Promise<void> {
  const hp = await import("hyparquet");
  const buf = await hp.asyncBufferFromFile(file);
  let meta;
  try {
    meta = await hp.parquetMetadataAsync(buf);
  } catch (e) {
    throw new InputError(file, "", `not a readable Parquet file (${(e as Error).message})`);
  }
  check(hp.parquetSchema(meta).children.map((c: { element: { name: string } }) => c.element.name));
  const rows = (await hp.parquetReadObjects({ file: buf, metadata: meta, columns: branches })) as Record<string, unknown>[];
  for (const r of rows) take((b) => r[b]);
}

async function readRoot(file: string, treeName: string | undefined, branches: string[], check: (a: string[]) => void, take: (r: Row) => void): Promise<void> {
  // jsroot's file and tree modules (io/jsroot.ts: the vendored bundle in the compiled package).
  const io = await jsrootIo<typeof import("jsroot/io")>();
  const tree = await jsrootTree<typeof import("jsroot/tree")>();
  let f;
  try {
    f = await io.openFile(file);
  } catch (e) {
    throw new InputError(file, "", `not a readable ROOT file (${(e as Error).message})`);
  }
  const keys = (f.fKeys as { fName: string; fClassName: string }[]).filter((k) => k.fClassName === "TTree");
  const name = treeName ?? keys[0]?.fName;
  if (!name || !keys.some((k) => k.fName === name)) {
    throw new InputError(file, treeName ? `tree "${treeName}"` : "tree", `no such TTree (TTrees here: ${keys.map((k) => k.fName).join(", ") || "none"})`);
  }
  const t = await f.readObject(name);
  check((t.fBranches.arr as { fName: string }[]).map((b) => b.fName));
  const sel = new tree.TSelector();
  for (const b of branches) sel.addBranch(b);
  sel.Process = function (this: { tgtobj: Record<string, unknown> }) {
    const o = this.tgtobj;
    take((b) => o[b]);
  };
  await tree.treeProcess(t, sel);
}
