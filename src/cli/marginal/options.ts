// Options shared by the marginal commands: --prior lists, --levels, region file or folder.
import { existsSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { InputError } from "../../io/errors.ts";
import { DEFAULT_LEVELS } from "../../marginal/limit-scan.ts";

/**
 * `--prior a,b,c` (commas or spaces): each one of `allowed`; `all` = every one of `all`;
 * `mcmc` stands for whichever MCMC label `mcmc` resolves to (mcmc_tfp_ham or mcmc_mix for stored
 * fits). Duplicates are dropped, order kept.
 */
export function priorList<T extends string>(v: string, allowed: readonly string[], all: readonly T[], mcmc?: () => T | null): T[] {
  const words = v.split(/[\s,]+/).filter(Boolean);
  if (words.length === 0) throw new InputError("", "--prior", `empty list: expected some of ${allowed.join(", ")} (or all)`);
  const out: T[] = [];
  for (const w of words) {
    if (w === "all") { for (const a of all) if (!out.includes(a)) out.push(a); continue; }
    let label = w;
    if (w === "mcmc" && mcmc) {
      const m = mcmc();
      if (!m) throw new InputError("", "--prior", "\"mcmc\": no MCMC prior file (mcmc_tfp_ham.json or mcmc_mix.json) in the fit folder");
      label = m;
    }
    if (!allowed.includes(w) && !allowed.includes(label)) throw new InputError("", "--prior", `"${w}": expected a comma-separated list of ${allowed.join(", ")} (or all)`);
    if (!out.includes(label as T)) out.push(label as T);
  }
  return out;
}

/** `--levels 2,0,-2,-3`: the levels λ of ln Z(s) − ln Z(0) to cross (default: the stored scans'). */
export function levelsOption(v: string | undefined): number[] {
  if (v === undefined) return [...DEFAULT_LEVELS];
  const parts = v.split(/[\s,]+/).filter(Boolean);
  const levels = parts.map(Number);
  if (!parts.length || levels.some((x) => !Number.isFinite(x))) throw new InputError("", "--levels", `"${v}": expected comma-separated numbers, e.g. 2,0,-2,-3`);
  return levels;
}

/** Where a region lives: its file (region.json[.gz]) and its folder (fit files in <folder>/fit). */
export interface RegionPaths {
  /** The region file, or null when the folder holds only fit files. */
  file: string | null;
  /** The region's folder (named after the region). */
  dir: string;
  /** Its fit folder: <dir>/fit, or <dir> itself when it holds normal.json. */
  fitDir: string;
}

const REGION_FILES = ["region.json.gz", "region.json"];

/** Resolve a region argument: a region file, or a folder holding region.json[.gz] and/or fit/. */
export function regionPaths(arg: string): RegionPaths {
  const p = resolve(arg);
  if (!existsSync(p)) throw new InputError(arg, "", "not found: expected a region file (region.json.gz) or its folder");
  if (statSync(p).isFile()) {
    const dir = basename(dirname(p)) === "fit" ? dirname(dirname(p)) : dirname(p);
    return { file: p, dir, fitDir: existsSync(join(dir, "fit")) ? join(dir, "fit") : dir };
  }
  const file = REGION_FILES.map((f) => join(p, f)).find(existsSync) ?? null;
  const fitDir = existsSync(join(p, "fit")) ? join(p, "fit") : p;
  if (!file && !existsSync(join(fitDir, "normal.json"))) {
    throw new InputError(arg, "", "neither a region file (region.json.gz) nor fit files (fit/normal.json) here: give a region file or its folder");
  }
  return { file, dir: p, fitDir };
}

/** A region's display name: its folder's. */
export const regionName = (paths: RegionPaths): string => basename(paths.dir);
