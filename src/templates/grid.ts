// Templates on a regular nuisance grid: yields per (grid point, process, region bin), their
// validation, and storage as JSON or as a compact binary file (a JSON header and one little-endian
// Float64 array), for grids of ~10⁴ points × processes × bins (the 17 × 17 × 41 tes × jes ×
// soft_met grid of ../shared/specs/gato_sage.md §B1 with 4 processes × 120 bins is 5.7 M numbers:
// 45 MB binary against ~110 MB of JSON text).
//
// Layout: yields[(point·nProcesses + p)·nBins + b], where `point` runs row-major over the axes
// (the last axis fastest) and `b` over the regions' bins concatenated in region order. One grid
// point's templates are thus one contiguous block, which is what the interpolator sums.
import { readFileSync } from "node:fs";
import { InputError } from "../io/errors.ts";
import { writeFileAtomic } from "../io/output.ts";

export interface GridAxis {
  /** The nuisance parameter this axis is (e.g. "tes"). */
  name: string;
  /** Node values, strictly increasing, at least 2. */
  values: Float64Array;
}

export interface RegionSpec {
  name: string;
  /** Number of bins (1 = a counting region). */
  bins: number;
  /** Optional bin edges of the observable (bins + 1 values), for figures and exports. */
  edges?: number[];
}

export interface TemplateGrid {
  axes: GridAxis[];
  regions: RegionSpec[];
  processes: string[];
  /** yields[(point·nProcesses + p)·nBins + b] (see the file comment). */
  yields: Float64Array;
}

/** Total bins over all regions. */
export const totalBins = (g: { regions: readonly RegionSpec[] }): number => g.regions.reduce((a, r) => a + r.bins, 0);
/** Number of grid points (product of the axis lengths). */
export const gridPoints = (g: { axes: readonly GridAxis[] }): number => g.axes.reduce((a, x) => a * x.values.length, 1);
/** Offset of each region's first bin in the concatenated bins. */
export function regionOffsets(g: { regions: readonly RegionSpec[] }): number[] {
  const o: number[] = [];
  let k = 0;
  for (const r of g.regions) { o.push(k); k += r.bins; }
  return o;
}

/**
 * Check a grid: axes strictly increasing with ≥ 2 finite nodes and unique names, regions with
 * ≥ 1 bin, a yield for every (point, process, bin) and every yield finite and ≥ 0. A mistake is
 * one InputError naming `file` and the field.
 */
export function checkGrid(g: TemplateGrid, file = "templates"): void {
  if (!Array.isArray(g.axes) || g.axes.length === 0) throw new InputError(file, "axes", "a template grid needs at least one nuisance axis");
  const names = new Set<string>();
  g.axes.forEach((a, i) => {
    const f = `axes[${i}]`;
    if (typeof a.name !== "string" || !a.name) throw new InputError(file, `${f}.name`, "each axis needs a name");
    if (names.has(a.name)) throw new InputError(file, `${f}.name`, `axis "${a.name}" appears twice`);
    names.add(a.name);
    if (a.values.length < 2) throw new InputError(file, `${f}.values`, `axis "${a.name}" needs at least 2 nodes, got ${a.values.length}`);
    for (let k = 0; k < a.values.length; k++) {
      if (!Number.isFinite(a.values[k])) throw new InputError(file, `${f}.values[${k}]`, `axis "${a.name}": node is not a finite number`);
      if (k > 0 && !(a.values[k] > a.values[k - 1])) {
        throw new InputError(file, `${f}.values[${k}]`, `axis "${a.name}" is not strictly increasing (${a.values[k - 1]} then ${a.values[k]}): sort the nodes and drop duplicates`);
      }
    }
  });
  if (!Array.isArray(g.processes) || g.processes.length === 0) throw new InputError(file, "processes", "at least one process is needed");
  if (new Set(g.processes).size !== g.processes.length) throw new InputError(file, "processes", "process names must be unique");
  if (!Array.isArray(g.regions) || g.regions.length === 0) throw new InputError(file, "regions", "at least one region is needed");
  g.regions.forEach((r, i) => {
    if (!Number.isInteger(r.bins) || r.bins < 1) throw new InputError(file, `regions[${i}].bins`, `region "${r.name}" needs an integer number of bins ≥ 1, got ${r.bins}`);
    if (r.edges && r.edges.length !== r.bins + 1) throw new InputError(file, `regions[${i}].edges`, `region "${r.name}" has ${r.bins} bins but ${r.edges.length} edges (expected ${r.bins + 1})`);
  });
  const nB = totalBins(g), nP = g.processes.length, nPt = gridPoints(g);
  const want = nPt * nP * nB;
  if (g.yields.length !== want) {
    throw new InputError(file, "yields", `expected ${want} yields (${nPt} grid points × ${nP} processes × ${nB} bins), got ${g.yields.length}: a grid point is missing or the axes are wrong`);
  }
  for (let i = 0; i < want; i++) {
    const y = g.yields[i];
    if (!(y >= 0) || !Number.isFinite(y)) {
      const b = i % nB, p = Math.floor(i / nB) % nP, pt = Math.floor(i / (nB * nP));
      throw new InputError(file, `yields[${i}]`, `${Number.isNaN(y) ? "NaN" : y} at ${describePoint(g, pt)}, process "${g.processes[p]}", bin ${b}: yields must be finite and ≥ 0`);
    }
  }
}

/** "tes = 0.96, jes = 1" for a flat point index. */
export function describePoint(g: { axes: readonly GridAxis[] }, point: number): string {
  const parts: string[] = [];
  for (let a = g.axes.length - 1; a >= 0; a--) {
    const n = g.axes[a].values.length;
    parts.unshift(`${g.axes[a].name} = ${g.axes[a].values[point % n]}`);
    point = Math.floor(point / n);
  }
  return parts.join(", ");
}

// ---- storage --------------------------------------------------------------------------------

const FORMAT = "searchlight-templates";
const MAGIC = "SLTPLv01";

interface Header {
  format: string;
  version: 1;
  axes: { name: string; values: number[] }[];
  regions: RegionSpec[];
  processes: string[];
}

function header(g: TemplateGrid): Header {
  return { format: FORMAT, version: 1, axes: g.axes.map((a) => ({ name: a.name, values: Array.from(a.values) })), regions: g.regions, processes: g.processes };
}

/** The grid as a JSON value (`yields` a flat array in the documented layout). */
export function gridToJson(g: TemplateGrid): Header & { yields: number[] } {
  return { ...header(g), yields: Array.from(g.yields) };
}

/** A grid from a JSON value, checked (file names the source in errors). */
export function gridFromJson(v: unknown, file = "templates"): TemplateGrid {
  const o = v as Partial<Header> & { yields?: unknown };
  if (!o || typeof o !== "object") throw new InputError(file, "", "expected a JSON object with axes, regions, processes and yields");
  if (o.format !== undefined && o.format !== FORMAT) throw new InputError(file, "format", `expected "${FORMAT}", got ${JSON.stringify(o.format)}`);
  for (const k of ["axes", "regions", "processes", "yields"] as const) if (!Array.isArray(o[k])) throw new InputError(file, k, "missing or not a list");
  const axes = (o.axes as Header["axes"]).map((a, i) => {
    if (!a || !Array.isArray(a.values)) throw new InputError(file, `axes[${i}].values`, "missing or not a list of numbers");
    return { name: a.name, values: Float64Array.from(a.values, (x) => (typeof x === "number" ? x : NaN)) };
  });
  const g: TemplateGrid = {
    axes, regions: o.regions as RegionSpec[], processes: o.processes as string[],
    yields: Float64Array.from(o.yields as unknown[], (x) => (typeof x === "number" ? x : NaN)),
  };
  checkGrid(g, file);
  return g;
}

/** The compact binary form: MAGIC, u32 header length, header JSON, zero padding to 8 bytes, Float64 LE yields. */
export function gridToBinary(g: TemplateGrid): Uint8Array {
  const head = Buffer.from(JSON.stringify(header(g)), "utf8");
  const start = Math.ceil((12 + head.length) / 8) * 8;
  const buf = new Uint8Array(start + 8 * g.yields.length);
  buf.set(Buffer.from(MAGIC, "latin1"), 0);
  new DataView(buf.buffer).setUint32(8, head.length, true);
  buf.set(head, 12);
  const dv = new DataView(buf.buffer, start);
  for (let i = 0; i < g.yields.length; i++) dv.setFloat64(8 * i, g.yields[i], true);
  return buf;
}

/** A grid from its binary form, checked. */
export function gridFromBinary(buf: Uint8Array, file = "templates"): TemplateGrid {
  if (buf.length < 12 || Buffer.from(buf.subarray(0, 8)).toString("latin1") !== MAGIC) throw new InputError(file, "", `not a Searchlight binary template grid (expected the "${MAGIC}" signature)`);
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const hl = dv.getUint32(8, true);
  if (12 + hl > buf.length) throw new InputError(file, "", "truncated header");
  let h: Header;
  try { h = JSON.parse(Buffer.from(buf.subarray(12, 12 + hl)).toString("utf8")) as Header; } catch { throw new InputError(file, "", "corrupt header JSON"); }
  const start = Math.ceil((12 + hl) / 8) * 8;
  const n = Math.floor((buf.length - start) / 8);
  const yields = new Float64Array(n);
  for (let i = 0; i < n; i++) yields[i] = dv.getFloat64(start + 8 * i, true);
  const g: TemplateGrid = { axes: h.axes.map((a) => ({ name: a.name, values: Float64Array.from(a.values) })), regions: h.regions, processes: h.processes, yields };
  checkGrid(g, file);
  return g;
}

/** Write a grid: binary if the path ends in .bin, JSON otherwise (atomically). */
export function writeGrid(path: string, g: TemplateGrid, option = ""): void {
  if (/\.bin$/i.test(path)) writeFileAtomic(path, gridToBinary(g), option);
  else writeFileAtomic(path, JSON.stringify(gridToJson(g)) + "\n", option);
}

/** Read a grid written by writeGrid (binary recognised by its signature). */
export function readGrid(path: string, option = ""): TemplateGrid {
  let buf: Buffer;
  try { buf = readFileSync(path); } catch { throw new InputError(path, option, "cannot read the template grid file"); }
  if (buf.length >= 8 && buf.subarray(0, 8).toString("latin1") === MAGIC) return gridFromBinary(buf, path);
  let v: unknown;
  try { v = JSON.parse(buf.toString("utf8")); } catch (e) { throw new InputError(path, option, `not valid JSON (${(e as Error).message})`); }
  return gridFromJson(v, path);
}
