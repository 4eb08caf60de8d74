// One-dimensional ROOT histograms (TH1F/TH1D …) read with jsroot: bin edges and contents.
// jsroot is loaded lazily (through jsroot.ts) on the first read; its objects are untyped, so this
// module is the typed boundary.
import { existsSync, statSync } from "node:fs";
import { InputError } from "./errors.ts";
import { jsrootIo } from "./jsroot.ts";

export interface Histogram1D {
  /** nbins + 1 bin edges. */
  edges: Float64Array;
  /** nbins contents (under/overflow dropped). */
  counts: Float64Array;
  name: string;
  title: string;
  entries: number;
}

interface JsrootAxis { fNbins: number; fXmin: number; fXmax: number; fXbins?: ArrayLike<number> }
interface JsrootTH1 { _typename: string; fName: string; fTitle: string; fEntries: number; fXaxis: JsrootAxis; fArray: ArrayLike<number> }
interface JsrootKey { fName: string; fClassName: string }

/** Read histogram `name` ("dir/sub/name" allowed) from a ROOT file. */
export async function readTH1(path: string, name: string): Promise<Histogram1D> {
  if (!existsSync(path)) throw new InputError(path, "", "ROOT file not found");
  if (statSync(path).isDirectory()) throw new InputError(path, "", "is a folder, expected a ROOT file: give the file's path");
  const io = await jsrootIo<{ openFile(p: string): Promise<{ fKeys: JsrootKey[]; readObject(n: string): Promise<unknown> }> }>();
  let file;
  try {
    file = await io.openFile(path);
  } catch (e) {
    throw new InputError(path, "", `cannot open as a ROOT file: ${(e as Error).message}`);
  }
  let obj: JsrootTH1 | null = null;
  try {
    obj = (await file.readObject(name)) as JsrootTH1 | null;
  } catch {
    obj = null;
  }
  if (!obj) {
    const keys = file.fKeys.map((k) => `${k.fName} (${k.fClassName})`);
    throw new InputError(path, name, `no such histogram; top-level keys: ${[...new Set(keys)].slice(0, 12).join(", ")}`);
  }
  if (!/^TH1/.test(obj._typename)) throw new InputError(path, name, `is a ${obj._typename}, not a one-dimensional histogram (TH1)`);
  const ax = obj.fXaxis;
  const n = ax.fNbins;
  const edges = new Float64Array(n + 1);
  if (ax.fXbins && ax.fXbins.length === n + 1) for (let i = 0; i <= n; i++) edges[i] = ax.fXbins[i];
  else for (let i = 0; i <= n; i++) edges[i] = ax.fXmin + ((ax.fXmax - ax.fXmin) * i) / n;
  const counts = new Float64Array(n);
  for (let i = 0; i < n; i++) counts[i] = obj.fArray[i + 1];
  return { edges, counts, name: obj.fName, title: obj.fTitle, entries: obj.fEntries };
}
