// The table and figures of a `marginal run` across regions, as interval-evidence's report
// (spec §3.5) gives them: per region and prior, T2 and T3 (last crossings of ℓ = −2, −3) for
// observed data, T3 for the expected-data trio, the data values and ln Z(0). Pure functions:
// rows for io/csv.ts and Vega-Lite specs for plot/render.ts.
import { linePlot, type VegaLiteSpec } from "../plot/charts.ts";
import { COLORS, HEP_CONFIG } from "../plot/style.ts";
import type { VariantResult } from "./auto-scan.ts";
import type { RegionRun } from "./pipeline.ts";

/** Columns of summary.csv, named after the report's (`limit_<P>_2obs` → prior + limit_2obs). */
export const SUMMARY_COLUMNS = [
  "region", "sr_channel", "prior", "status", "n", "bkg", "bkg_err",
  "limit_2obs", "limit_3obs", "limit_2exp", "limit_3exp", "limit_3exp_hi", "limit_3exp_lo",
  "nexp", "nexp_hi", "nexp_lo", "logl", "beyond_grid", "fit_failures", "reason",
] as const;

export type SummaryRow = Partial<Record<(typeof SUMMARY_COLUMNS)[number], string | number | null>>;

/** "observed:-4.5 up:-3" for the levels whose last crossing may lie beyond a variant's grid. */
function beyondText(p: Record<string, unknown>): string {
  const parts: string[] = [];
  for (const v of ["observed", "down", "central", "up"] as const) {
    const r = p[v] as VariantResult | undefined;
    if (r && r.beyond_grid.length) parts.push(`${v}:${r.beyond_grid.join("/")}`);
  }
  return parts.join(" ");
}

/** One row per (region, prior) of a complete region. */
export function summaryRows(run: RegionRun): SummaryRow[] {
  return run.priors.map((p) => ({
    region: run.region, sr_channel: run.signal_region_name, prior: p.prior, status: "complete", n: run.n,
    bkg: run.normal.yield_linear, bkg_err: run.normal.error_linear,
    limit_2obs: p.observed?.limit_2 ?? null, limit_3obs: p.observed?.limit_3 ?? null,
    limit_2exp: p.central?.limit_2 ?? null, limit_3exp: p.central?.limit_3 ?? null,
    limit_3exp_hi: p.up?.limit_3 ?? null, limit_3exp_lo: p.down?.limit_3 ?? null,
    nexp: p.central?.ndata ?? null, nexp_hi: p.up?.ndata ?? null, nexp_lo: p.down?.ndata ?? null,
    logl: p.observed?.log_z0 ?? null, beyond_grid: beyondText(p as unknown as Record<string, unknown>), fit_failures: run.failures.length, reason: "",
  }));
}

/** The row of a region that failed (kept in the table with its reason). */
export function failedRow(region: string, reason: string): SummaryRow {
  return { region, status: "failed", reason };
}

/** ℓ(s) of one region: observed data solid, central expected data dashed, per prior; levels as lines. */
export function regionFigure(run: RegionRun, levels: readonly number[]): VegaLiteSpec {
  const series = run.priors.flatMap((p, k) => {
    const color = COLORS.series[k % COLORS.series.length];
    const out = [{ name: `${p.prior}, observed (n = ${run.n})`, x: p.observed!.signals, y: p.observed!.log_ratio, color }];
    if (p.central) out.push({ name: `${p.prior}, expected (n = ${+p.central.ndata.toPrecision(4)})`, x: p.central.signals, y: p.central.log_ratio, color, dashed: true } as typeof out[0]);
    return out;
  });
  const lo = Math.min(...levels, -3) - 1.5;
  let hi = 1;
  for (const s of series) for (const v of s.y) if (v > hi) hi = v;
  // Curves stop where they leave the frame (the scans run on until every crossing is bracketed).
  for (const s of series) {
    const k = s.y.findIndex((v) => v < lo);
    if (k > 0) { s.x = s.x.slice(0, k); s.y = s.y.slice(0, k); }
  }
  return linePlot({
    series,
    x: { title: "signal yield s [events]" },
    y: { title: "ln Z(s) − ln Z(0)", domain: [lo, hi + 0.5] },
    hlines: levels.filter((y) => y >= lo && y <= hi + 0.5).map((y) => ({ y })),
    title: `${run.region} (${run.signal_region_name}): marginal likelihood ratio`,
    legendOrient: "bottom",
  });
}

/**
 * T3 across regions: observed (filled points) and expected (open points with a bar from the
 * down to the up variant) per prior, regions on the x axis in run order, log y.
 */
export function summaryFigure(rows: SummaryRow[], title: string): VegaLiteSpec {
  const ok = rows.filter((r) => r.status === "complete");
  const order = [...new Set(ok.map((r) => String(r.region)))];
  const priors = [...new Set(ok.map((r) => String(r.prior)))];
  const values = ok.flatMap((r) => [
    { region: r.region, prior: r.prior, kind: "observed", t3: r.limit_3obs, lo: null, hi: null },
    ...(r.limit_3exp !== null && r.limit_3exp !== undefined ? [{ region: r.region, prior: r.prior, kind: "expected", t3: r.limit_3exp, lo: r.limit_3exp_lo, hi: r.limit_3exp_hi }] : []),
  ]).filter((v) => typeof v.t3 === "number" && v.t3 > 0);
  const color = { field: "prior", type: "nominal", title: "prior", scale: { domain: priors, range: COLORS.series.slice(0, Math.max(1, priors.length)) }, legend: { orient: "bottom", direction: "horizontal" } };
  const x = { field: "region", type: "nominal", sort: order, title: "region", axis: { labelAngle: -45 } };
  const y = { field: "t3", type: "quantitative", scale: { type: "log" }, title: "T3 = last crossing of ln Z(s) − ln Z(0) = −3 [events]" };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    config: HEP_CONFIG,
    title: { text: title, subtitle: "filled diamonds: observed data; open circles: expected (central), bar from down to up" },
    width: Math.max(360, 28 * order.length * Math.max(1, priors.length)),
    height: 320,
    data: { values },
    layer: [
      { mark: { type: "rule", strokeWidth: 1.5 }, transform: [{ filter: "datum.kind === 'expected' && datum.lo > 0 && datum.hi > 0" }], encoding: { x, xOffset: { field: "prior" }, y: { ...y, field: "lo" }, y2: { field: "hi" }, color } },
      { mark: { type: "point", filled: false, size: 60, strokeWidth: 1.5 }, transform: [{ filter: "datum.kind === 'expected'" }], encoding: { x, xOffset: { field: "prior" }, y, color } },
      { mark: { type: "point", filled: true, size: 60, shape: "diamond" }, transform: [{ filter: "datum.kind === 'observed'" }], encoding: { x, xOffset: { field: "prior" }, y, color } },
    ],
  };
}
