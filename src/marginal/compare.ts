// `--compare-with DIR`: our limits beside interval-evidence's stored scans
// (`<region>/fit/limit/scan_<label>_<variant>.json`, spec §4). This is the only code path that
// reads stored scans; nothing else in a run looks at fit/limit/.
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { VariantResult } from "./auto-scan.ts";
import { DATA_VARIANTS, mcmcLabel, readStoredScan, storedScanPath, type PriorLabel } from "./fit-files.ts";
import type { PriorLimits } from "./pipeline.ts";

export interface CompareRow {
  prior: string;
  /** The stored file's label (mcmc priors compare with whichever MCMC scan is stored). */
  stored_prior: string;
  variant: string;
  level: number;
  ours: number | null;
  stored: number | null;
  /** |ours/stored − 1|, null when either is missing. */
  rel: number | null;
}

/** The fit folder of a stored region: DIR/fit when it exists, else DIR. */
export function storedFitDir(dir: string): string {
  return existsSync(join(dir, "fit")) ? join(dir, "fit") : dir;
}

/** Compare the last crossings of the negative levels of every prior and variant with the stored scans in `fitDir`. */
export function compareWithStored(priors: PriorLimits[], fitDir: string): CompareRow[] {
  const rows: CompareRow[] = [];
  for (const p of priors) {
    const label = p.prior.startsWith("mcmc") ? mcmcLabel(fitDir) ?? p.prior : p.prior;
    for (const v of DATA_VARIANTS) {
      const r = (p as unknown as Record<string, VariantResult | undefined>)[v];
      if (!r) continue;
      const file = storedScanPath(fitDir, label as PriorLabel | "delta", v);
      const st = existsSync(file) ? readStoredScan(file) : null;
      for (const c of r.crossings) {
        if (c.level >= 0) continue;
        const ours = c.points.length ? c.points[c.points.length - 1] : null;
        const k = st ? st.levels.indexOf(c.level) : -1;
        const stored = st && k >= 0 && st.points[k].length ? st.points[k][st.points[k].length - 1] : null;
        rows.push({ prior: p.prior, stored_prior: label, variant: v, level: c.level, ours, stored, rel: ours !== null && stored !== null ? Math.abs(ours / stored - 1) : null });
      }
    }
  }
  return rows;
}
