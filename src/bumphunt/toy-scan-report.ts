// Accounting of toy scans for a report: per toy of a fresh run (masses, failures, the largest
// local significance and where), and per ensemble of a merge (toys, failures, median and largest
// max Z). The CLI prints these; `toy-scan-merge` writes the per-toy summary as CSV (toy-scan.ts).
import { cellNum, readCsv } from "../io/csv.ts";
import { median } from "../math/stats.ts";
import { requireColumns } from "./study-io.ts";
import type { SummaryRow, ToyScanOutput } from "./toy-scan.ts";

export interface ToyAccount {
  toy_index: number; toy_hist: string; toy_seed?: number; n_masses: number; n_fail: number;
  /** Largest finite Z_analytic of the toy's scan (NaN if none) and its mass. */
  max_Z_analytic: number; mass_at_max_Z: number; dir: string;
}

/** One record per toy written by writeToyScan. */
export function toyAccounts(out: ToyScanOutput[]): ToyAccount[] {
  return out.map((t) => {
    const ok = t.rows.filter((r) => Number.isFinite(r.Z_analytic));
    const best = ok.reduce<(typeof ok)[number] | undefined>((a, r) => (!a || r.Z_analytic > a.Z_analytic ? r : a), undefined);
    return { toy_index: t.toy.index, toy_hist: t.toy.hist, ...(t.toy.seed !== undefined ? { toy_seed: t.toy.seed } : {}), n_masses: t.rows.length, n_fail: t.n_fail, max_Z_analytic: best?.Z_analytic ?? NaN, mass_at_max_Z: best?.mass_GeV ?? NaN, dir: t.dir };
  });
}

export interface EnsembleAccount {
  /** "<dataset> <function tag or container>". */
  ensemble: string;
  toys: number; with_results: number; failed_masses: number; toys_with_failures: number;
  /** Median (numpy's, finite values only) and largest max_Z_analytic over the toys. */
  median_max_Z: number; largest_max_Z: number;
}

/** The per-toy summary rows grouped by ensemble (dataset and function tag or container). */
export function ensembleAccounts(summary: SummaryRow[]): EnsembleAccount[] {
  const groups = new Map<string, SummaryRow[]>();
  for (const s of summary) {
    const k = `${s.dataset} ${s.function_tag || s.container}`;
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k)!.push(s);
  }
  return [...groups].map(([ensemble, g]) => {
    const z = g.map((s) => Number(s.max_Z_analytic));
    return {
      ensemble, toys: g.length, with_results: g.filter((s) => s.status === "ok").length, failed_masses: g.reduce((a, s) => a + Number(s.n_fail), 0),
      toys_with_failures: g.filter((s) => Number(s.n_fail) > 0).length, median_max_Z: median(z, { finiteOnly: true }), largest_max_Z: Math.max(...z.filter(Number.isFinite)),
    };
  });
}

/** A toy_scan_summary.csv written by toy-scan-merge, with its numeric columns as numbers. */
export function readToySummary(file: string): SummaryRow[] {
  const s = readCsv(file);
  requireColumns(file, s.columns, ["dataset", "toy_index", "n_fail", "max_Z_analytic"]);
  return s.rows.map((r) => ({ ...r, toy_index: cellNum(r.toy_index), n_masses: cellNum(r.n_masses), n_fail: cellNum(r.n_fail), max_Z_analytic: cellNum(r.max_Z_analytic), mass_at_max_Z: cellNum(r.mass_at_max_Z), min_p0_analytic: cellNum(r.min_p0_analytic), max_Z_global: cellNum(r.max_Z_global) }) as unknown as SummaryRow);
}
