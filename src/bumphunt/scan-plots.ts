// Figures of a scan (hps_gpr plotting.py; spec §10): summary_plots/ per dataset (A_up, ε² UL,
// Â ± σ_A, local/global p0 and Z, GP hyperparameters vs mass), the ε² overlay of all datasets
// and the combination, expected-limit bands, and the per-mass fit figures (fit_full,
// blind_fit, s_over_b_ul) on request. PNG + PDF for summaries, PNG per mass.
import { writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { bandPlot, linePlot as baseLinePlot, withPullPanel, type LinePlotOptions, type Series } from "../plot/charts.ts";

/** Scan figures keep the legend below the frame: dense curves are never hidden behind it. */
const linePlot = (o: LinePlotOptions) => baseLinePlot({ legendOrient: "bottom", ...o });
import { writeFigure } from "../plot/render.ts";
import { COLORS } from "../plot/style.ts";
import { normalSf } from "../math/special.ts";
import { lsAtBound, type MassPointInputs, type MassPointRow } from "./mass-point.ts";
import { toCsv, type BandRow, type PreparedDataset, type ScanRow } from "./scan.ts";
import type { CombinedRow, ScanPlan } from "./scan-types.ts";
import type { DatasetWindow } from "./combine.ts";
import type { CombinedBandRow } from "./combined-bands.ts";

const MASS = { title: "m(A') [MeV]" };
const mev = (r: { mass_GeV: number }) => 1000 * r.mass_GeV;

/** Reference lines at 1σ … 5σ down to just below the smallest p-value shown. */
function sigmaLines(pMin: number): { y: number; label: string }[] {
  const out: { y: number; label: string }[] = [];
  for (let z = 1; z <= 5; z++) {
    const p = normalSf(z);
    if (z <= 3 || p >= pMin * 0.5) out.push({ y: p, label: `${z}σ` });
  }
  return out;
}

export async function writeSummaryPlots(plan: ScanPlan, single: Map<string, ScanRow[]>, combined: CombinedRow[], bands: Map<string, BandRow[]>, combinedBands: CombinedBandRow[] = []): Promise<string[]> {
  const dir = join(plan.outputDir, "summary_plots");
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  const fig = async (spec: Record<string, unknown>, name: string) => files.push(...(await writeFigure(spec, join(dir, name))));
  const cl = `${Math.round((1 - plan.alpha) * 100)}% CL`;
  const all = [...single.keys()].sort().flatMap((d) => single.get(d)!);
  writeFileSync(join(dir, "scan_summary_single.csv"), toCsv(all));
  const labelOf = (d: string) => plan.jobs.find((j) => j.dataset === d)?.model?.label ?? `HPS ${d}`;
  for (const [d, rows] of single) {
    const ok = rows.filter((r) => r.visibility === "observed");
    const label = labelOf(d);
    const x = ok.map(mev);
    if (ok.length) {
      await fig(linePlot({ title: label, series: [{ name: `observed A_up (${cl})`, x, y: ok.map((r) => r.A_up) }], x: MASS, y: { title: `signal yield upper limit A_up (${cl}) [events]`, log: true } }), `A_up_${d}`);
      await fig(linePlot({ title: label, series: [{ name: `observed ε² upper limit (${cl})`, x, y: ok.map((r) => r.eps2_up) }], x: MASS, y: { title: `ε² upper limit (${cl})`, log: true } }), `eps2_ul_${d}`);
      await fig(linePlot({
        title: label, series: [{ name: "Â ± σ_A", x, y: ok.map((r) => r.A_hat), band: { lower: ok.map((r) => r.A_hat - r.sigma_A), upper: ok.map((r) => r.A_hat + r.sigma_A) } }],
        x: MASS, y: { title: "fitted signal yield Â [events]" }, hlines: [{ y: 0 }],
      }), `A_hat_${d}`);
      const pMin = Math.min(...ok.map((r) => r.p0_analytic).filter((p) => p > 0));
      await fig(linePlot({
        title: `${label}: N_eff = ${rows[0].n_eff.toFixed(1)} (Šidák)`,
        series: [{ name: "local p0", x, y: ok.map((r) => r.p0_analytic) }, { name: "global p0", x, y: ok.map((r) => r.p0_global), dashed: true }],
        x: MASS, y: { title: "p0", log: true }, hlines: sigmaLines(pMin),
      }), `p0_${d}`);
      await fig(linePlot({
        title: label, series: [{ name: "local Z", x, y: ok.map((r) => r.Z_analytic) }, { name: "global Z (Šidák)", x, y: ok.map((r) => r.Z_global), dashed: true }],
        x: MASS, y: { title: "significance Z [σ]" },
      }), `Z_local_global_${d}`);
    }
    const g = rows.filter((r) => Number.isFinite(r.gp_length_scale));
    if (g.length) {
      const gx = g.map(mev);
      const sub = "gp_hyperparameters";
      // A length scale pegged at its bound is said on the panels (the fit wanted to go further).
      const warnings = (["lower", "upper"] as const).flatMap((side) => {
        const k = g.filter((r) => lsAtBound(r) === side).length;
        return k ? [`ℓ at its ${side} bound at ${k} of ${g.length} masses`] : [];
      });
      await fig(linePlot({
        title: `${label}: GP length scale / σ_x(m)`, series: [
          { name: "ℓ_opt / σ_x", x: gx, y: g.map((r) => r.gp_length_scale / r.sigma_x), points: true },
          { name: "ℓ_lo / σ_x", x: gx, y: g.map((r) => r.gp_ls_lo / r.sigma_x), dashed: true },
          { name: "ℓ_hi / σ_x", x: gx, y: g.map((r) => r.gp_ls_hi / r.sigma_x), dashed: true },
        ], x: MASS, y: { title: "length scale / σ_x", log: true }, warnings,
      }), join(sub, `gp_ls_ratio_${d}`));
      await fig(linePlot({
        title: `${label}: GP length scale (ln m units)`, series: [
          { name: "ℓ_opt", x: gx, y: g.map((r) => r.gp_length_scale), points: true },
          { name: "ℓ_lo", x: gx, y: g.map((r) => r.gp_ls_lo), dashed: true },
          { name: "ℓ_hi", x: gx, y: g.map((r) => r.gp_ls_hi), dashed: true },
        ], x: MASS, y: { title: "RBF length scale ℓ [ln(m/GeV)]", log: true }, warnings,
      }), join(sub, `gp_ls_abs_${d}`));
      await fig(linePlot({ title: `${label}: GP amplitude`, series: [{ name: "C_opt", x: gx, y: g.map((r) => r.gp_constant), points: true }], x: MASS, y: { title: "constant kernel amplitude C [ln(counts)²]", log: true } }), join(sub, `gp_const_${d}`));
      await fig(linePlot({ title: `${label}: GP log marginal likelihood`, series: [{ name: "LML", x: gx, y: g.map((r) => r.gp_lml), points: true }], x: MASS, y: { title: "log marginal likelihood" } }), join(sub, `gp_lml_${d}`));
    }
  }
  const cok = combined.filter((r) => r.visibility === "observed");
  const overlay: Series[] = [...single.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([d, rows]) => {
    const ok = rows.filter((r) => r.visibility === "observed");
    return { name: labelOf(d), x: ok.map(mev), y: ok.map((r) => r.eps2_up) };
  });
  if (cok.length) overlay.push({ name: `combined (${[...single.keys()].sort().join("+")})`, x: cok.map(mev), y: cok.map((r) => r.eps2_up), dashed: false });
  if (overlay.some((s) => s.x.length)) await fig(linePlot({ series: overlay, x: MASS, y: { title: `ε² upper limit (${cl})`, log: true } }), "eps2_ul_overlay");
  if (cok.length) {
    const x = cok.map(mev);
    const pMin = Math.min(...cok.map((r) => r.p0_analytic).filter((p) => p > 0));
    await fig(linePlot({
      title: `combination: N_eff = ${cok[0].n_eff.toFixed(1)} (Šidák)`, series: [{ name: "local p0", x, y: cok.map((r) => r.p0_analytic) }, { name: "global p0", x, y: cok.map((r) => r.p0_global), dashed: true }],
      x: MASS, y: { title: "p0", log: true }, hlines: sigmaLines(pMin),
    }), "p0_combined");
    await fig(linePlot({ title: "combination", series: [{ name: "local Z", x, y: cok.map((r) => r.Z_analytic) }, { name: "global Z (Šidák)", x, y: cok.map((r) => r.Z_global), dashed: true }], x: MASS, y: { title: "significance Z [σ]" } }), "Z_local_global_combined");
    await fig(linePlot({
      title: "combination", series: [{ name: "ε̂² ± σ (inverse-variance display estimate)", x, y: cok.map((r) => r.eps2_hat), band: { lower: cok.map((r) => r.eps2_hat - r.sigma_eps2), upper: cok.map((r) => r.eps2_hat + r.sigma_eps2) } }],
      x: MASS, y: { title: "ε̂²" }, hlines: [{ y: 0 }],
    }), "eps2_hat_combined");
  }
  for (const [d, rows] of bands) {
    const ok = rows.filter((r) => !r.error);
    if (!ok.length) continue;
    const kinds = plan.makeEps2Bands ? [["A", `signal yield upper limit A (${cl}) [events]`], ["eps2", `ε² upper limit (${cl})`]] : [["A", `signal yield upper limit A (${cl}) [events]`]];
    for (const [key, title] of kinds) {
      const g = (k: string) => ok.map((r) => (r as unknown as Record<string, number>)[`${key}_${k}`]);
      await fig(bandPlot({ title: labelOf(d), x: ok.map(mev), median: g("med"), minus1: g("lo1"), plus1: g("hi1"), minus2: g("lo2"), plus2: g("hi2"), observed: g("obs"), xAxis: MASS, yAxis: { title, log: true } }), `ul_bands_${key}_${d}`);
    }
  }
  const cbOk = combinedBands.filter((r) => !r.error && Number.isFinite(r.eps2_med));
  if (cbOk.length) {
    const g = (k: keyof CombinedBandRow) => cbOk.map((r) => r[k] as number);
    const obs = cbOk.some((r) => Number.isFinite(r.eps2_obs)) ? g("eps2_obs") : undefined;
    await fig(bandPlot({ title: "Combination (conditional-GP toys)", x: cbOk.map(mev), median: g("eps2_med"), minus1: g("eps2_lo1"), plus1: g("eps2_hi1"), minus2: g("eps2_lo2"), plus2: g("eps2_hi2"), observed: obs, xAxis: MASS, yAxis: { title: `ε² upper limit (${cl})`, log: true } }), "ul_bands_combined_all");
  }
  return files;
}

/** fit_full.png, blind_fit.png and s_over_b_ul.png of one dataset at one mass (spec §10). */
export async function writeMassPointFigures(dir: string, p: PreparedDataset, row: MassPointRow, x: MassPointInputs): Promise<void> {
  for (const f of massPointFigures(p, row, x, { full: true })) await writeFigure(f.spec, join(dir, f.name), ["png"]);
}

/**
 * The per-mass figures as Vega-Lite specs: blind_fit (data, GP background b ± √C_ii, b + A_up·w
 * and the fitted b + Â·w), window_context (the same with the sideband data around the window),
 * window_residuals ((n − b − Â·w)/√(b + C_ii)) and s_over_b_ul, all
 * from the window's inputs; with `full`, fit_full (the whole spectrum and the GP mean, whose
 * posterior at every bin costs a GP prediction). The scan writes the window specs of every mass
 * point (cheap, no rendering) for the results browser; the images only on request.
 */
export function massPointFigures(p: PreparedDataset, row: MassPointRow, x: MassPointInputs, o: { full: boolean }): { name: string; spec: Record<string, unknown> }[] {
  const sp = p.spectrum;
  const m = row.mass_GeV, s = row.sigma_mass_res_GeV;
  const kB = p.job.options.blindNSigma ?? 1.64, kT = p.job.options.trainNSigma ?? kB;
  const aUp = Number.isFinite(row.A_up) ? row.A_up : 0;
  const aHat = Number.isFinite(row.A_hat) ? row.A_hat : 0;
  const title = `${p.model.label}, m = ${(1000 * m).toFixed(0)} MeV, σ = ${(1000 * s).toFixed(2)} MeV`;
  const out: { name: string; spec: Record<string, unknown> }[] = [];
  if (o.full) {
    const cx = Array.from(sp.centres, (c) => 1000 * c);
    const y = Array.from(sp.counts, (c) => (c > 0 ? c : NaN));
    const vb = [{ from: 1000 * (m - kT * s), to: 1000 * (m + kT * s), label: kT !== kB ? "training exclusion" : undefined, color: "#999999", opacity: 0.15 },
      { from: 1000 * (m - kB * s), to: 1000 * (m + kB * s), label: "blind window", color: "#ff9900", opacity: 0.25 }];
    out.push({
      name: "fit_full", spec: linePlot({
        title, vbands: vb, series: [
          { name: "data ± √max(N, 1)", x: cx, y, points: true, errors: Array.from(sp.counts, (c) => Math.sqrt(Math.max(c, 1))) },
          { name: "GP background", x: cx, y: Array.from(x.muFull) },
          { name: `GP + A_up·w (A_up = ${aUp.toPrecision(4)})`, x: cx, y: Array.from(x.muFull, (v, i) => v + aUp * x.wFull[i]), dashed: true },
        ], x: MASS, y: { title: `events / ${(1000 * (sp.edges[1] - sp.edges[0])).toPrecision(3)} MeV`, log: true },
      }),
    });
  }
  const wx = x.blind.map((i) => 1000 * sp.centres[i]);
  const B = x.b.length;
  const sd = Array.from(x.b, (_, i) => Math.sqrt(Math.max(x.C[i * B + i], 0)));
  const pulls = x.n.map((c, i) => (c - x.b[i] - aHat * x.w[i]) / Math.sqrt(Math.max(x.b[i] + x.C[i * B + i], 1e-300)));
  out.push({
    // with a pull panel (n − b − Â·w)/√(b + C_ii) under the fit
    name: "blind_fit", spec: withPullPanel(linePlot({
      title, series: [
        { name: "data ± √max(N, 1)", x: wx, y: x.n, points: true, errors: x.n.map((c) => Math.sqrt(Math.max(c, 1))) },
        { name: "GP background b ± √C_ii", x: wx, y: Array.from(x.b), band: { lower: Array.from(x.b, (v, i) => v - sd[i]), upper: Array.from(x.b, (v, i) => v + sd[i]) } },
        { name: "b + A_up · w", x: wx, y: Array.from(x.b, (v, i) => v + aUp * x.w[i]), dashed: true },
        { name: `b + Â · w (Â = ${aHat.toPrecision(4)})`, x: wx, y: Array.from(x.b, (v, i) => v + aHat * x.w[i]) },
      ], x: MASS, y: { title: "events per bin" },
    }), { x: wx, pull: pulls, title: "pull [σ]" }),
  });
  // The window in its surroundings: the data over ±3 blind-window widths (the sidebands the GP
  // was trained on), the window shaded, the GP background and the fitted signal inside it.
  const half = 3 * kB * s;
  const near = Array.from(sp.centres.keys()).filter((i) => Math.abs(sp.centres[i] - m) <= half);
  out.push({
    name: "window_context", spec: linePlot({
      title, vbands: [{ from: 1000 * (m - kB * s), to: 1000 * (m + kB * s), label: "blind window", color: "#ff9900", opacity: 0.25 }],
      series: [
        { name: "data ± √max(N, 1)", x: near.map((i) => 1000 * sp.centres[i]), y: near.map((i) => sp.counts[i]), points: true, errors: near.map((i) => Math.sqrt(Math.max(sp.counts[i], 1))) },
        { name: "GP background b ± √C_ii", x: wx, y: Array.from(x.b), band: { lower: Array.from(x.b, (v, i) => v - sd[i]), upper: Array.from(x.b, (v, i) => v + sd[i]) } },
        { name: `b + Â · w (Â = ${aHat.toPrecision(4)})`, x: wx, y: Array.from(x.b, (v, i) => v + aHat * x.w[i]) },
      ], x: MASS, y: { title: "events per bin" },
    }),
  });
  out.push({
    name: "window_residuals", spec: linePlot({
      title, series: [{ name: "(n − b − Â·w) / √(b + C_ii)", x: wx, y: x.n.map((c, i) => (c - x.b[i] - aHat * x.w[i]) / Math.sqrt(Math.max(x.b[i] + x.C[i * B + i], 1e-300))), points: true }],
      x: MASS, y: { title: "residual [σ]" }, hlines: [{ y: 0 }],
    }),
  });
  out.push({
    name: "s_over_b_ul", spec: linePlot({
      title, series: [{ name: "A_up · w_i / b_i", x: wx, y: Array.from(x.b, (v, i) => (aUp * x.w[i]) / v), points: true }], x: MASS, y: { title: "signal / background at the upper limit" },
    }),
  });
  return out;
}

/**
 * mXXXMeV/combined/combined_summary.png (spec §10): every dataset's blind window on one common
 * scale, data / GP background (± √max(N, 1) / b) and (b + ε²_UL · K_d · w_d) / b, the signal
 * each dataset would see at the combined upper limit. Title: the combined ε² UL, ε̂² ± σ and Z.
 */
export async function writeCombinedSummary(dir: string, row: CombinedRow, windows: DatasetWindow[], cl: string, name = "combined_summary"): Promise<string[]> {
  const eps = Number.isFinite(row.eps2_up) ? row.eps2_up : 0;
  const series: Series[] = [];
  windows.forEach((w, d) => {
    if (!w.x) return;
    const x = Array.from(w.x, (v) => 1000 * v);
    const b = Array.from(w.b);
    const color = COLORS.series[d % COLORS.series.length];
    series.push({ name: `${w.name}: data / b`, x, y: b.map((v, i) => w.n[i] / v), points: true, errors: b.map((v, i) => Math.sqrt(Math.max(w.n[i], 1)) / v), color });
    series.push({ name: `${w.name}: (b + ε²_UL·K·w) / b`, x, y: b.map((v, i) => 1 + (eps * w.sUnit[i]) / v), dashed: true, color });
  });
  const e = (v: number) => (Number.isFinite(v) ? v.toExponential(2) : "n/a");
  const title = `${row.datasets}, ${(1000 * row.mass_GeV).toFixed(0)} MeV: ε²_UL (${cl}) = ${e(row.eps2_up)}, ε̂² = ${e(row.eps2_hat)} ± ${e(row.sigma_eps2)}, Z = ${Number.isFinite(row.Z_analytic) ? row.Z_analytic.toFixed(2) : "n/a"}`;
  return writeFigure(linePlot({ title, series, x: MASS, y: { title: "events / GP background" }, hlines: [{ y: 1 }], legendOrient: "right" }), join(dir, name), ["png"]);
}
