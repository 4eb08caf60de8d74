// One-dimensional histograms from a ROOT file (TH1, via jsroot) or from a JSON file
// {"histograms": {"<name>": {"edges": [...], "counts": [...]}}} (what `searchlight bump example`
// generates; handy for spectra that never lived in ROOT). The file extension decides.
import { readFileSync, existsSync, statSync } from "node:fs";
import { InputError } from "./errors.ts";
import { readTH1, type Histogram1D } from "./root-hist.ts";

export type { Histogram1D };

export async function readHistogram(path: string, name: string): Promise<Histogram1D> {
  if (!/\.json$/i.test(path)) return readTH1(path, name);
  if (!existsSync(path)) throw new InputError(path, "", "histogram file not found");
  if (statSync(path).isDirectory()) throw new InputError(path, "", "is a folder, expected a JSON histogram file: give the file's path");
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new InputError(path, "", `not valid JSON: ${(e as Error).message.replace(/\s*\n\s*/g, " ")}`);
  }
  const all = (doc as { histograms?: Record<string, unknown> })?.histograms;
  if (!all || typeof all !== "object") throw new InputError(path, "histograms", 'expected {"histograms": {"<name>": {"edges": [...], "counts": [...]}}}');
  const h = all[name] as { edges?: unknown; counts?: unknown } | undefined;
  if (!h) throw new InputError(path, `histograms.${name}`, `no such histogram; present: ${Object.keys(all).slice(0, 12).join(", ")}`);
  const nums = (v: unknown, field: string) => {
    if (!Array.isArray(v) || !v.every((x) => typeof x === "number" && Number.isFinite(x))) throw new InputError(path, `histograms.${name}.${field}`, "expected an array of finite numbers");
    return Float64Array.from(v as number[]);
  };
  const edges = nums(h.edges, "edges"), counts = nums(h.counts, "counts");
  if (edges.length !== counts.length + 1) throw new InputError(path, `histograms.${name}.edges`, `needs counts.length + 1 = ${counts.length + 1} edges, got ${edges.length}`);
  for (let i = 1; i < edges.length; i++) if (!(edges[i] > edges[i - 1])) throw new InputError(path, `histograms.${name}.edges`, `edges must increase (index ${i})`);
  let entries = 0;
  for (const c of counts) entries += c;
  return { edges, counts, name, title: name, entries };
}
