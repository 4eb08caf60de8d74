// Listing the contents of a ROOT file with jsroot: the one-dimensional histograms of a
// directory (toy ensembles) and the text of TNamed objects (fit metadata). Companion of
// root-hist.ts; jsroot objects are untyped, so this module is a typed boundary too.
import { existsSync } from "node:fs";
import { InputError } from "./errors.ts";
import { jsrootIo } from "./jsroot.ts";

interface JsrootKey { fName: string; fClassName: string; fCycle: number }
interface JsrootDir { fKeys: JsrootKey[] }
interface JsrootFile extends JsrootDir {
  readObject(n: string): Promise<unknown>;
  readDirectory(n: string): Promise<JsrootDir | null>;
}

async function open(path: string): Promise<JsrootFile> {
  if (!existsSync(path)) throw new InputError(path, "", "ROOT file not found");
  const io = await jsrootIo<{ openFile(p: string): Promise<JsrootFile> }>();
  try {
    return await io.openFile(path);
  } catch (e) {
    throw new InputError(path, "", `cannot open as a ROOT file: ${(e as Error).message}`);
  }
}

export interface RootKey {
  name: string;
  className: string;
}

/** Keys of directory `dir` ("" = top level), one entry per name (highest cycle). */
export async function listKeys(path: string, dir = ""): Promise<RootKey[]> {
  const f = await open(path);
  let d: JsrootDir | null = f;
  if (dir) {
    try {
      d = await f.readDirectory(dir);
    } catch {
      d = null;
    }
    if (!d) {
      const dirs = f.fKeys.filter((k) => /^TDirectory/.test(k.fClassName)).map((k) => k.fName);
      throw new InputError(path, dir, `no such directory; directories: ${[...new Set(dirs)].join(", ") || "none"}`);
    }
  }
  const seen = new Map<string, RootKey>();
  for (const k of d.fKeys) if (!seen.has(k.fName)) seen.set(k.fName, { name: k.fName, className: k.fClassName });
  return [...seen.values()];
}

/** The title of a TNamed (hps_gpr stores JSON and tags there), or undefined if absent. */
export async function readNamedTitle(path: string, name: string): Promise<string | undefined> {
  const f = await open(path);
  try {
    const o = (await f.readObject(name)) as { fTitle?: string } | null;
    return o?.fTitle;
  } catch {
    return undefined;
  }
}
