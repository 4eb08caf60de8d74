// A resonance search as plain, structured-clonable data (so scans and toys can run on worker
// threads): signal shape, resolution, window containment, background model, checks; and what
// it builds on a given spectrum (the background fits, the per-mass settings). The scan of one
// dataset and its look-elsewhere correction by Šidák with N_eff from the resolution (the
// number of window widths in the scanned range, an integral that does not depend on the step).
import { sidakGlobalP, sidakGlobalZ, zFromP } from "../infer/look-elsewhere.ts";
import { DEFAULT_GP, type GpSettings } from "./gp-background.ts";
import { chooseOrder, fitBackground, type BackgroundFit } from "./order.ts";
import type { FamilyName } from "./parametric.ts";
import { evaluatePoint, type BackgroundModel, type PointSettings, type ResonanceRow } from "./point.ts";
import { containmentInterval, resolutionFunction, type Resolution, type SignalModel } from "./signal.ts";
import { spectrumOf, type Spectrum } from "./spectrum.ts";

export type BackgroundSpec =
  /** GP background; gp.trendDegree absent = DEFAULT_GP's (4), null = chosen per mass by the F-test on the power-law family (ln f polynomial in ln m, degree 1–4) over the training bins. */
  | { model: "gp"; gp?: Partial<Omit<GpSettings, "trendDegree">> & { trendDegree?: number | null } }
  /**
   * One family at a given number of parameters (npar) or with the order chosen by the F-test/AIC;
   * several families → envelope. orderScope (npar null): "mass" (default) chooses the order at
   * each mass between the signal + background fits with the signal at that mass; "spectrum"
   * once, between background-only fits of the whole spectrum (see point.ts, parametricMembers).
   */
  | { model: "parametric"; families: FamilyName[]; npar: number | null; orderSelection: "ftest" | "aic"; orderScope?: "mass" | "spectrum"; sqrtS?: number; envelopePenalty?: number };

export interface SearchSpec {
  signal: SignalModel;
  resolution: Resolution;
  containment: number;
  /**
   * Signal fraction excluded from the GP training (default: the window's). 0.99 keeps a wide signal's
   * tails out of the sidebands (bulk injections ~2% instead of ~5% low; a J/ψ-like peak measured
   * instead of half absorbed) but lengthens the interpolation: near the ends of the spectrum the quartic
   * trend then extrapolates over the gap (spurious signal up to 0.3σ_A at 600 GeV and a blow-up at
   * 2600 GeV on 2·10³ events, σ/m = 6%), so it is not the default.
   */
  trainContainment?: number;
  alpha: number;
  sidebandNSigma: number;
  windowRatio: number;
  background: BackgroundSpec;
  /** Asymptotic ±1σ/±2σ bands of the expected limit at every mass (default false). */
  bands?: boolean;
}

export const DEFAULT_SEARCH: Omit<SearchSpec, "signal" | "resolution" | "background"> = { containment: 0.9, alpha: 0.05, sidebandNSigma: 5, windowRatio: 100 };

export interface BuiltSearch {
  settings: PointSettings;
  /** The background-only fits of a parametric model (for reports: the orders chosen on the whole spectrum), with the order tests. */
  fits: BackgroundFit[];
  orderReport: { family: string; tried: { npar: number; deviance: number; aic: number; pNext: number }[]; chosen: number }[];
}

/** Fit the background families (if parametric) and assemble the per-mass settings. */
export function buildSearch(spec: SearchSpec, sp: Spectrum): BuiltSearch {
  const sigmaAt = resolutionFunction(spec.resolution);
  let background: BackgroundModel;
  const fits: BackgroundFit[] = [];
  const orderReport: BuiltSearch["orderReport"] = [];
  const bg = spec.background;
  if (bg.model === "gp") {
    // null: the F-test chooses the trend degree on each mass's training bins; absent: DEFAULT_GP's (gp-background.ts)
    const td = bg.gp?.trendDegree;
    const trendDegree = td === null ? -1 : td ?? DEFAULT_GP.trendDegree;
    background = { kind: "gp", gp: { ...DEFAULT_GP, ...(bg.gp ?? {}), trendDegree } };
  } else {
    const orders: BackgroundFit[][] = [];
    for (const family of bg.families) {
      if (bg.npar !== null) fits.push(fitBackground(sp, { family, npar: bg.npar, sqrtS: bg.sqrtS }));
      else {
        const c = chooseOrder(sp, family, { method: bg.orderSelection, sqrtS: bg.sqrtS });
        fits.push(c.chosen);
        orders.push(c.fits);
        orderReport.push({ family, tried: c.tried, chosen: c.chosen.spec.npar });
      }
    }
    const perMass = bg.npar === null && (bg.orderScope ?? "mass") === "mass";
    background = { kind: "parametric", fits, envelopePenalty: bg.envelopePenalty, ...(perMass ? { orders, orderSelection: bg.orderSelection } : {}) };
  }
  return {
    fits, orderReport,
    settings: {
      signal: spec.signal, sigmaAt, containment: spec.containment, trainContainment: spec.trainContainment ?? spec.containment,
      alpha: spec.alpha, sidebandNSigma: spec.sidebandNSigma, windowRatio: spec.windowRatio, background, bands: spec.bands === true,
    },
  };
}

/**
 * N_eff = ∫_lo^hi dm / (W(m)/2), W(m) the width of the signal window at m (Simpson's rule on
 * 2000 intervals): the number of half-windows in the scanned range — for a Gaussian at 90%
 * containment, range/(1.645σ), hps_gpr's W = blind half-width. The local Z(m) decorrelates over
 * about half a window: with full windows, background-only toys gave a Šidák global Z > 2 in
 * 5–10% of spectra instead of 2.3%, as the Gross–Vitells up-crossing rate of the same toys
 * predicts. Unlike a sum over the grid, it does not change with the scan step.
 * Checked against the toys (bench/resonance-calibration.md, null spectra, σ/m = 3%, 600–2800 GeV:
 * N_eff = 31.2): with the GP's quartic trend, 27 of 1200 background-only GP scans (2.25%) have
 * a Šidák global Z > 2, the N that makes Šidák reproduce the toys is 31 pooled, and their mean
 * number of up-crossings of Z = 1 is 2.7–3.3 against the Rice formula's 3.5 for a Gaussian
 * template (correlation e^{−Δ²/4σ²}: ⟨N(u)⟩ = ∫dm/(2π√2σ(m))·e^{−u²/2}). Gross–Vitells with those
 * up-crossings is conservative at this level (it predicts 2.9–3.5%). The earlier excess of GP
 * scans (3.8%) came from the F-test trend's spurious signal, not from N_eff.
 */
export function effectiveWindows(spec: SearchSpec, lo: number, hi: number): number {
  if (!(hi > lo)) return 1;
  const sigmaAt = resolutionFunction(spec.resolution);
  const W = (m: number) => {
    const [a, b] = containmentInterval(spec.signal, m, sigmaAt(m), spec.containment);
    return b - a;
  };
  const n = 2000, h = (hi - lo) / n;
  let s = 1 / W(lo) + 1 / W(hi);
  for (let k = 1; k < n; k++) s += (k % 2 ? 4 : 2) / W(lo + k * h);
  return Math.max(1, (2 * s * h) / 3);
}

export interface GlobalColumns {
  n_eff: number;
  p_global_sidak: number;
  Z_global_sidak: number;
}

/** Šidák's global p of every row's local p with N_eff windows (failed rows: NaN). */
export function sidakColumns(rows: ResonanceRow[], nEff: number): (ResonanceRow & GlobalColumns)[] {
  return rows.map((r) => {
    const pg = r.status === "ok" ? sidakGlobalP(r.p0, nEff) : NaN;
    // p_local underflows beyond Z ≈ 37 (a known resonance's peak): the global Z from ln p instead
    const zg = !Number.isFinite(pg) ? NaN : pg > 0 ? zFromP(pg, true) : sidakGlobalZ(r.Z, nEff);
    return { ...r, n_eff: nEff, p_global_sidak: pg, Z_global_sidak: zg };
  });
}

/** Scan one spectrum at the given masses (rows in mass order; failures are rows). */
export function scanSpectrum(dataset: string, sp: Spectrum, masses: number[], built: BuiltSearch, onPoint?: (row: ResonanceRow) => void): ResonanceRow[] {
  return masses.map((m) => {
    const r = evaluatePoint(dataset, sp, m, built.settings);
    onPoint?.(r);
    return r;
  });
}

export interface ScanTaskArgs {
  dataset: string;
  spec: SearchSpec;
  edges: number[];
  counts: number[];
  masses: number[];
}

/** Worker factory (TaskExecutor recipe): build the search once per thread, evaluate masses by index. */
export function scanRunner(a: ScanTaskArgs): { run(index: number): ResonanceRow } {
  const sp = spectrumOf(a.edges, a.counts);
  const built = buildSearch(a.spec, sp);
  return { run: (index: number) => evaluatePoint(a.dataset, sp, a.masses[index], built.settings) };
}
