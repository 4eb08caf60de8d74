// Small helpers shared by the bump-hunt study commands (toy scans, injection, displays):
// required CSV columns, natural sort, shell-style globs, finite quantile bands, and a recursive
// file finder. Reading and writing CSV is src/io/csv.ts; quantiles and moments src/math/stats.ts.
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../io/errors.ts";
import { quantile } from "../math/stats.ts";

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
