// One mass hypothesis of a resonance search on any spectrum: the signal window by containment,
// the signal's bin fractions (CDF differences), the background (GP on the sidebands, or a
// parametric family fitted to the whole spectrum, or the envelope of several families), the
// per-mass likelihood and its statistics through src/infer, and the checks that turn an
// unphysical background into a failed point with its reason instead of a number.
import { ProfileFits } from "../infer/test-statistics.ts";
import { WindowLikelihood } from "../bumphunt/index.ts";
import { CONST_BOUNDS, DEFAULT_GP, fitGpBackground, gpPrediction, lengthScaleBounds, type GpSettings } from "./gp-background.ts";
import { pickOrder, poissonDeviance, type BackgroundFit } from "./order.ts";
import { ParametricLikelihood } from "./parametric.ts";
import { binFractions, containmentInterval, overlappingBins, type SignalModel } from "./signal.ts";
import type { Spectrum } from "./spectrum.ts";
import { EnvelopeProfile, pointStatistics, type PointStatistics } from "./statistics.ts";

/** The background of a search: a GP on the sidebands of each mass, or fitted parametric families. */
export type BackgroundModel =
  | { kind: "gp"; gp: GpSettings }
  /**
   * One family (its background-only fit), or several profiled as an envelope. With `orders`
   * (per family, every fitted order, lowest first) the order is chosen at each mass instead
   * (parametricMembers); `fits` then holds the orders chosen on the whole spectrum, for reports.
   */
  | { kind: "parametric"; fits: BackgroundFit[]; envelopePenalty?: number; orders?: BackgroundFit[][]; orderSelection?: "ftest" | "aic" };

export interface PointSettings {
  signal: SignalModel;
  sigmaAt: (m: number) => number;
  /** Signal fraction inside the search window (default 0.9, ±1.645σ for a Gaussian). */
  containment: number;
  /** Signal fraction excluded from the GP training (default: the window's). */
  trainContainment: number;
  alpha: number;
  /** A point fails when the sideband counts differ from the background by more than this many standard deviations (default 5). */
  sidebandNSigma: number;
  /** A point fails when window background and observed counts differ by more than this factor (default 100). */
  windowRatio: number;
  background: BackgroundModel;
  /** Also the asymptotic ±1σ/±2σ band of the expected limit (default false). */
  bands?: boolean;
}

export interface ResonanceRow extends PointStatistics {
  dataset: string;
  mass: number;
  sigma: number;
  window_lo: number;
  window_hi: number;
  n_window_bins: number;
  n_train_bins: number;
  signal_in_window: number;
  obs_window: number;
  bkg_window: number;
  bkg_window_sd: number;
  sideband_pull: number;
  background: string;
  gp_length_scale: number;
  gp_ls_lo: number;
  gp_ls_hi: number;
  gp_constant: number;
  status: "ok" | "failed";
  warnings: string;
  error: string;
}

export const ROW_COLUMNS: (keyof ResonanceRow)[] = [
  "dataset", "mass", "sigma", "window_lo", "window_hi", "status", "A_hat", "sigma_A", "q0", "p0", "Z", "A_up", "A_up_expected", "A_up_exp_m2", "A_up_exp_m1", "A_up_exp_p1", "A_up_exp_p2", "converged",
  "n_window_bins", "n_train_bins", "signal_in_window", "obs_window", "bkg_window", "bkg_window_sd", "sideband_pull",
  "background", "gp_length_scale", "gp_ls_lo", "gp_ls_hi", "gp_constant", "warnings", "error",
];

function emptyRow(dataset: string, m: number, sigma: number, background: string): ResonanceRow {
  return {
    dataset, mass: m, sigma, window_lo: NaN, window_hi: NaN, n_window_bins: 0, n_train_bins: 0, signal_in_window: NaN, obs_window: NaN, bkg_window: NaN, bkg_window_sd: NaN,
    sideband_pull: NaN, background, gp_length_scale: NaN, gp_ls_lo: NaN, gp_ls_hi: NaN, gp_constant: NaN,
    A_hat: NaN, sigma_A: NaN, q0: NaN, p0: NaN, Z: NaN, A_up: NaN, A_up_expected: NaN, A_up_exp_m2: NaN, A_up_exp_m1: NaN, A_up_exp_p1: NaN, A_up_exp_p2: NaN, converged: false, status: "failed", warnings: "", error: "",
  };
}

const sum = (v: ArrayLike<number>, idx?: number[]) => {
  let s = 0;
  if (idx) for (const i of idx) s += v[i];
  else for (let i = 0; i < v.length; i++) s += v[i];
  return s;
};

const BOUNDARY = "Â lies where a bin's expectation reaches zero (a deficit): σ_A from the Hessian is not meaningful there";

/** True when some expected count sits at the likelihood's floor ε. */
function atFloor(e: ArrayLike<number>, eps: number, n: number): boolean {
  for (let i = 0; i < n; i++) if (e[i] <= eps * (1 + 1e-9)) return true;
  return false;
}

/** How far beyond the window the GP's training exclusion may reach, in window widths (trainingExclusion). */
export const TRAIN_MARGIN = 0.3;

/**
 * The interval kept out of the GP's training at mass m: the central interval holding
 * `trainContainment` of the signal, reaching at most TRAIN_MARGIN window widths beyond either edge of
 * the window. For a Gaussian at 90%/99% the cap does not bind (±2.576σ against ±2.63σ); a power-law
 * tail (a Crystal Ball's n = 4 low tail) would otherwise exclude most of one side — measured: a 6% wide
 * Crystal Ball at 2·10³ events then fitted at −108% of the truth.
 */
export function trainingExclusion(s: Pick<PointSettings, "signal" | "containment" | "trainContainment">, m: number, sigma: number, window: [number, number]): [number, number] {
  if (!(s.trainContainment > s.containment)) return window;
  const [a, b] = containmentInterval(s.signal, m, sigma, s.trainContainment);
  const w = window[1] - window[0];
  return [Math.max(a, window[0] - TRAIN_MARGIN * w), Math.min(b, window[1] + TRAIN_MARGIN * w)];
}

/** Sideband bins: those outside the window within one window width on either side. */
export function sidebandBins(sp: Spectrum, lo: number, hi: number, exclude: Set<number>): number[] {
  const w = hi - lo, out: number[] = [];
  for (let i = 0; i < sp.counts.length; i++) {
    if (exclude.has(i)) continue;
    if (sp.edges[i + 1] > lo - w && sp.edges[i] < hi + w) out.push(i);
  }
  return out;
}

/** One family of a parametric background at one mass: its background-only fit and the profile fits with the signal. */
interface FamilyAtMass {
  f: BackgroundFit;
  lik: ParametricLikelihood;
  obs: ProfileFits;
  asimov: ProfileFits;
}

function familyAtMass(f: BackgroundFit, sp: Spectrum, wFull: Float64Array): FamilyAtMass {
  const lik = new ParametricLikelihood(f.lik.family, sp.counts, wFull, f.pars.subarray(1));
  const start = (d: Float64Array) => { const x = Float64Array.from(f.pars); x[0] = 0; void d; return x; };
  const obs = new ProfileFits(lik, lik.observed, {}, { warmStart: true, start });
  const asimovData = Float64Array.from(f.yields, (v) => Math.max(v, 0));
  const asimov = new ProfileFits(lik, asimovData, {}, { warmStart: true, start });
  return { f, lik, obs, asimov };
}

/**
 * The families of a parametric background at mass m. With per-mass orders (BackgroundModel
 * `orders`) each family's order is chosen by chooseOrder's rule (F-test between consecutive
 * orders, or AIC) on the deviances of the signal + background fits with the signal at m, not of
 * background-only fits: on a spectrum that holds a signal, a background-only choice takes the
 * order that absorbs it (a 6%-wide 5σ signal on 2·10³ events: median Z 5.89 for a Gaussian and
 * 4.52 for a Crystal Ball, against 5; bench/resonance-calibration.md). Under the null both choices
 * test the same background shapes; the signal term only keeps a localised excess at m from
 * raising the order at m. Orders whose fit is not finite are not candidates.
 */
export function parametricMembers(bg: Extract<BackgroundModel, { kind: "parametric" }>, sp: Spectrum, wFull: Float64Array): FamilyAtMass[] {
  if (!bg.orders) return bg.fits.map((f) => familyAtMass(f, sp, wFull));
  return bg.orders.map((fits) => {
    const all = fits.map((f) => familyAtMass(f, sp, wFull));
    if (all.length === 1) return all[0];
    const tests = all.map((c) => {
      const fr = c.obs.free;
      return { spec: c.f.spec, deviance: Number.isFinite(fr.twiceNll) ? poissonDeviance(sp.counts, c.lik.expected(fr.pars)) : NaN, converged: fr.converged, ndf: sp.counts.length - c.f.spec.npar - 1 };
    });
    const ok = all.filter((_, k) => Number.isFinite(tests[k].deviance));
    if (ok.length === 0) throw new Error(`no order of the ${fits[0].spec.family} family could be fitted with the signal at this mass`);
    return ok[pickOrder(tests.filter((t) => Number.isFinite(t.deviance)), bg.orderSelection ?? "ftest").index];
  });
}

const memberLabel = (f: BackgroundFit) => `${f.spec.family}${f.spec.npar}`;

/** Evaluate one mass; never throws (a failure is a row with status "failed" and the reason). */
export function evaluatePoint(dataset: string, sp: Spectrum, m: number, s: PointSettings): ResonanceRow {
  const sigma = s.sigmaAt(m);
  const bg = s.background;
  const label = bg.kind === "gp" ? "gp" : bg.fits.length > 1 ? `envelope(${bg.fits.map(memberLabel).join(",")})` : memberLabel(bg.fits[0]);
  const row = emptyRow(dataset, m, sigma, label);
  const warnings: string[] = [];
  try {
    if (!(sigma > 0) || !Number.isFinite(sigma)) throw new Error(`the resolution σ(${m}) = ${sigma} is not positive`);
    const [lo, hi] = containmentInterval(s.signal, m, sigma, s.containment);
    row.window_lo = lo; row.window_hi = hi;
    const window = overlappingBins(sp.edges, lo, hi);
    if (window.length === 0) throw new Error(`the signal window [${lo}, ${hi}] lies outside the spectrum`);
    const wFull = binFractions(sp.edges, s.signal, m, sigma);
    row.n_window_bins = window.length;
    row.signal_in_window = sum(wFull, window);
    row.obs_window = sum(sp.counts, window);
    let stats: PointStatistics;
    let sideband: number[] = [], sbB = 0, sbVar = 0, gpUnbounded = false;
    if (bg.kind === "gp") {
      const tInt = trainingExclusion(s, m, sigma, [lo, hi]);
      const excluded = new Set(overlappingBins(sp.edges, tInt[0], tInt[1]));
      for (const i of window) excluded.add(i);
      const train = [...Array(sp.counts.length).keys()].filter((i) => !excluded.has(i));
      row.n_train_bins = train.length;
      const g = fitGpBackground(sp, train, lengthScaleBounds(sp, [lo, hi], bg.gp ?? DEFAULT_GP), bg.gp ?? DEFAULT_GP);
      warnings.push(...g.warnings);
      Object.assign(row, { gp_length_scale: g.lengthScale, gp_ls_lo: g.lsBounds[0], gp_ls_hi: g.lsBounds[1], gp_constant: g.constant });
      // C at its cap: ln rate varies by ±100 about the trend, i.e. the sidebands do not determine the background
      gpUnbounded = g.constant >= CONST_BOUNDS[1] * (1 - 1e-6);
      const { b, C } = gpPrediction(sp, g, window, bg.gp);
      row.bkg_window = sum(b);
      row.bkg_window_sd = Math.sqrt(Math.max(sum(C), 0));
      sideband = sidebandBins(sp, lo, hi, excluded);
      if (sideband.length) {
        const p = gpPrediction(sp, g, sideband, bg.gp);
        sbB = sum(p.b); sbVar = sbB + Math.max(sum(p.C), 0);
      }
      const lik = new WindowLikelihood({ n: window.map((i) => sp.counts[i]), b, C, w: window.map((i) => wFull[i]) });
      const fitsOpt = { warmStart: true, start: (d: Float64Array) => lik.startingPoint(d) };
      const obs = new ProfileFits(lik, lik.observed, {}, fitsOpt);
      const asimov = new ProfileFits(lik, lik.dataWithCounts(lik.b), {}, fitsOpt);
      stats = pointStatistics(obs, asimov, () => obs.poiError(), { alpha: s.alpha, start: 3 * Math.sqrt(Math.max(row.bkg_window, 1)), bands: s.bands });
      stats.converged = stats.converged && obs.free.converged;
      if (atFloor(lik.expected(obs.free.pars), lik.eps, lik.nMain)) warnings.push(BOUNDARY);
      if (g.warnings.some((x) => x.includes("lower bound")) && row.bkg_window_sd > 2 * Math.sqrt(Math.max(row.bkg_window, 1)))
        warnings.push(`the GP may absorb a structure here: its length scale is at the window width and the window background is uncertain by ${(row.bkg_window_sd / Math.sqrt(Math.max(row.bkg_window, 1))).toFixed(1)}× its Poisson error`);
    } else {
      const members = parametricMembers(bg, sp, wFull);
      row.background = members.length > 1 ? `envelope(${members.map((x) => memberLabel(x.f)).join(",")})` : memberLabel(members[0].f);
      row.n_train_bins = sp.counts.length - window.length;
      const best = members.reduce((a, x) => (x.f.twiceNll + (bg.envelopePenalty ?? 1) * x.f.spec.npar < a.f.twiceNll + (bg.envelopePenalty ?? 1) * a.f.spec.npar ? x : a));
      row.bkg_window = sum(best.f.yields, window);
      row.bkg_window_sd = NaN;
      const start = 3 * Math.sqrt(Math.max(row.bkg_window, 1));
      if (members.length === 1) {
        const x = members[0];
        stats = pointStatistics(x.obs, x.asimov, () => x.obs.poiError(), { alpha: s.alpha, start, bands: s.bands });
        stats.converged = stats.converged && x.obs.free.converged;
        if (atFloor(x.lik.expected(x.obs.free.pars), x.lik.eps, x.lik.nMain)) warnings.push(BOUNDARY);
      } else {
        const env = new EnvelopeProfile(members.map((x) => ({ fits: x.obs, npar: x.f.spec.npar })), bg.envelopePenalty ?? 1);
        const envA = new EnvelopeProfile(members.map((x) => ({ fits: x.asimov, npar: x.f.spec.npar })), bg.envelopePenalty ?? 1);
        stats = pointStatistics(env, envA, () => members[env.best].obs.poiError(), { alpha: s.alpha, start, bands: s.bands });
        stats.converged = stats.converged && members.every((x) => x.obs.free.converged);
        row.background = `envelope:${memberLabel(members[env.best].f)}`;
      }
      const excluded = new Set(window);
      sideband = sidebandBins(sp, lo, hi, excluded);
      sbB = sum(best.f.yields, sideband); sbVar = sbB;
    }
    Object.assign(row, stats);
    row.sideband_pull = sideband.length ? (sum(sp.counts, sideband) - sbB) / Math.sqrt(Math.max(sbVar, 1e-300)) : NaN;
    // Unphysical backgrounds and broken statistics are failures, with the reason.
    const reasons: string[] = [];
    if (!(row.sigma_A > 0) || !Number.isFinite(row.sigma_A)) reasons.push(`σ_A = ${row.sigma_A}: the likelihood does not constrain the signal yield`);
    if (!Number.isFinite(row.Z)) reasons.push(`Z = ${row.Z} is not finite`);
    if (!Number.isFinite(row.A_up)) reasons.push("no upper limit found (CLs never fell below α)");
    if (Math.abs(row.sideband_pull) > s.sidebandNSigma) reasons.push(`the background is off by ${row.sideband_pull.toFixed(1)} standard deviations in the sidebands (limit ${s.sidebandNSigma})`);
    if (row.obs_window > 0 && (row.bkg_window * s.windowRatio < row.obs_window || row.bkg_window > s.windowRatio * Math.max(row.obs_window, 1)))
      reasons.push(`background prediction ${row.bkg_window.toPrecision(3)} against ${row.obs_window} observed in the window`);
    if (!stats.converged) reasons.push("a fit or the limit search did not converge");
    if (gpUnbounded) reasons.push(`the GP amplitude reached its upper bound ${CONST_BOUNDS[1]}: the sidebands do not determine the background (is the input a histogram of event counts?)`);
    if (reasons.length) throw new Error(reasons.join("; "));
    row.status = "ok";
  } catch (e) {
    row.status = "failed";
    row.error = (e as Error).message.replace(/[\r\n,]+/g, " ");
  }
  row.warnings = warnings.join("; ").replace(/,/g, " ");
  return row;
}
