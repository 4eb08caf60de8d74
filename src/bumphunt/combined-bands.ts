// Expected ε² upper-limit bands of the combination (hps_gpr expected_ul_bands_for_combination;
// spec §11.2, conditional-GP mode): at each mass, every toy draws each active dataset's window
// independently, λ_d ~ MVN⁺(b_d, C_d) (§11.3) and n_d ~ Poisson(λ_d), concatenates the counts,
// and limits ε² with the nominal concatenated (b, C, K·w) model of the combination (§8). With
// one active dataset this is that dataset's ε² band. Toy t at grid mass i draws from
// Rng.forStream(seed·1000003 + i, t), so rows do not depend on how the masses are split.
// Every limit here (toys and eps2_obs) is the precise root of CLs = α (Brent), so p_strong
// compares like with like; results_combined.csv keeps hps_gpr's §7.8 stopping rule
// (|CLs − α| < 1e-2), so its eps2_up can differ from eps2_obs here by a few per cent.
import { nonNegativeMvn, samplingFactor, type TruncMethod } from "../math/mvn.ts";
import { Rng } from "../math/rng.ts";
import { mean } from "../math/stats.ts";
import { summariseBands, windowLimitSolver } from "./bands.ts";
import { combinedLikelihood, type DatasetWindow } from "./combine.ts";
import { discovery, windowFits } from "./limits.ts";
import type { MassPointInputs } from "./mass-point.ts";
import type { PreparedDataset, ScanJob } from "./scan.ts";

export interface CombinedBandTask {
  mass: number;
  /** Index of the mass on the scan grid (seeds the toys). */
  index: number;
  windows: DatasetWindow[];
  /** σ(m) of each window's dataset, GeV. */
  sigmas: number[];
  /** Observed ε² limit and p0 only when every active dataset is visible (spec §11.2). */
  observedVisible: boolean;
}

export interface CombinedBandRow {
  dataset_set: string;
  mass_GeV: number;
  sigma_mass_res_GeV: number;
  sigma_mass_res_min_GeV: number;
  cls_alpha: number;
  eps2_obs: number;
  p0_analytic: number;
  Z_analytic: number;
  eps2_lo2: number; eps2_lo1: number; eps2_med: number; eps2_hi1: number; eps2_hi2: number; eps2_mean: number;
  p_strong: number; p_weak: number; p_two: number;
  n_toys: number;
  n_failed: number;
  cls_statistic: string;
  cls_calibration: string;
  global_method: string;
  bands_refit_gp_on_toy: string;
  error: string;
}

export interface CombinedBandOptions {
  nToys: number;
  seed: number;
  alpha: number;
  truncMethod?: TruncMethod;
}

/** One row of ul_bands_combined_all.csv. */
export function combinedBandRow(t: CombinedBandTask, o: CombinedBandOptions): CombinedBandRow {
  const row: CombinedBandRow = {
    dataset_set: t.windows.map((w) => w.name).join("+"), mass_GeV: t.mass,
    sigma_mass_res_GeV: mean(t.sigmas), sigma_mass_res_min_GeV: Math.min(...t.sigmas), cls_alpha: o.alpha,
    eps2_obs: NaN, p0_analytic: NaN, Z_analytic: NaN, eps2_lo2: NaN, eps2_lo1: NaN, eps2_med: NaN, eps2_hi1: NaN, eps2_hi2: NaN, eps2_mean: NaN,
    p_strong: NaN, p_weak: NaN, p_two: NaN, n_toys: o.nToys, n_failed: 0,
    cls_statistic: "tilde_q_mu", cls_calibration: "asymptotic", global_method: "sidak_approx", bands_refit_gp_on_toy: "False", error: "",
  };
  try {
    const { lik, eps2Ref } = combinedLikelihood(t.windows);
    const B = lik.b.length;
    const solver = windowLimitSolver(lik, o.alpha);
    // Limit on the amplitude a = ε²/ε²_ref (fast Newton path, general fallback), in ε².
    const limit = (data: Float64Array) => solver.limit(data) * eps2Ref;
    if (t.observedVisible) {
      row.eps2_obs = limit(lik.observed);
      const d = discovery(windowFits(lik));
      row.p0_analytic = d.p0;
      row.Z_analytic = d.Z;
    }
    const factors = t.windows.map((w) => samplingFactor(w.C, w.b.length));
    const n = new Float64Array(2 * B); // toy counts, aux = 0
    const toyLimits: number[] = [];
    const seed = (o.seed * 1000003 + t.index) >>> 0;
    for (let k = 0; k < o.nToys; k++) {
      const rng = Rng.forStream(seed, k);
      let off = 0;
      t.windows.forEach((w, d) => {
        const lam = nonNegativeMvn(w.b, factors[d], 1, rng, o.truncMethod ?? "reject_then_clip");
        for (let i = 0; i < lam.length; i++) n[off + i] = rng.poisson(lam[i]);
        off += lam.length;
      });
      toyLimits.push(limit(n));
    }
    const r = summariseBands(toyLimits, t.observedVisible ? row.eps2_obs : undefined);
    Object.assign(row, {
      eps2_lo2: r.A.lo2, eps2_lo1: r.A.lo1, eps2_med: r.A.med, eps2_hi1: r.A.hi1, eps2_hi2: r.A.hi2, eps2_mean: r.A.mean,
      p_strong: r.p_strong, p_weak: r.p_weak, p_two: r.p_two, n_failed: r.n_failed,
    });
  } catch (e) {
    row.error = (e as Error).message.replace(/[\r\n,]+/g, " ");
  }
  return row;
}

/** Worker factory: one mass per task. */
export function combinedBandsRunner(o: CombinedBandOptions): { run(t: CombinedBandTask): CombinedBandRow } {
  return { run: (t) => combinedBandRow(t, o) };
}

/** ul_bands_combined_all.csv columns, hps_gpr's names first, then the aliases it writes. */
export const COMBINED_BAND_COLUMNS = [
  "dataset_set", "mass_GeV", "sigma_mass_res_GeV", "sigma_mass_res_min_GeV", "cls_alpha", "eps2_obs", "p0_analytic", "Z_analytic",
  "eps2_lo2", "eps2_lo1", "eps2_med", "eps2_hi1", "eps2_hi2", "eps2_mean",
  "ul_eps2_obs", "toy_eps2_uls_q02", "toy_eps2_uls_q16", "toy_eps2_uls_q50", "toy_eps2_uls_q84", "toy_eps2_uls_q97", "toy_eps2_uls_mean",
  "p_strong", "p_weak", "p_two", "n_toys", "n_failed", "cls_statistic", "cls_calibration", "global_method", "bands_refit_gp_on_toy", "error",
] as const;

/** A CSV record with hps_gpr's alias columns filled. */
export function combinedBandRecord(r: CombinedBandRow): Record<string, unknown> {
  return {
    ...r, ul_eps2_obs: r.eps2_obs, toy_eps2_uls_q02: r.eps2_lo2, toy_eps2_uls_q16: r.eps2_lo1, toy_eps2_uls_q50: r.eps2_med,
    toy_eps2_uls_q84: r.eps2_hi1, toy_eps2_uls_q97: r.eps2_hi2, toy_eps2_uls_mean: r.eps2_mean,
  };
}

// ---------------------------------------------------------------------------------------------
// Refit mode of the combined bands (spec §11.2 "refit mode"): per toy, every active dataset's
// full range is drawn as Poisson(μ_full,d) (always Poisson here, as hps_gpr), its GP refitted on
// the toy's training bins ((b_t,d, C_t,d); the nominal ones if a refit fails), and the combined
// ε² limit computed with the refitted backgrounds and the nominal K_d·w_d.

export interface CombinedRefitJob {
  /** One scan job per enabled dataset (its masses: where it is active). */
  jobs: ScanJob[];
  /** The union mass grid (toy streams are seeded by grid index). */
  grid: number[];
  nToys: number;
  seed: number;
  restarts: number;
  optimize: boolean;
  trainNSigma?: number;
  alpha: number;
  chunk: number;
}

export interface CombinedRefitChunk {
  /** ε² limits of toys [t0, t1) in toy order (NaN: failed). */
  limits: number[];
  refitFailed: number;
  /** The datasets active at the mass whose nominal prediction succeeded. */
  datasets: string[];
  sigmas: number[];
  error?: string;
  /** First chunk of a mass: the observed combined limit and p0/Z (nominal inputs). */
  observed?: { eps2_obs: number; p0: number; Z: number };
}

/** Worker factory: task {grid index i, chunk k}; nominal inputs cached per (dataset, mass). */
export async function combinedRefitBandsRunner(r: CombinedRefitJob): Promise<{ run(task: { i: number; k: number }): Promise<CombinedRefitChunk> }> {
  const { prepareDataset } = await import("./scan.ts");
  const { massPointInputs } = await import("./mass-point.ts");
  const { fullRangeToyCounts, refitInputs, withCounts, bandSeed } = await import("./full-toys.ts");
  const prepared = new Map<number, Promise<PreparedDataset>>();
  const prep = (d: number) => prepared.get(d) ?? prepared.set(d, prepareDataset(r.jobs[d])).get(d)!;
  const nominal = new Map<string, MassPointInputs | Error>();
  return {
    async run({ i, k }) {
      const m = r.grid[i];
      const t0 = k * r.chunk, t1 = Math.min(r.nToys, t0 + r.chunk);
      const active: { p: PreparedDataset; x: MassPointInputs }[] = [];
      const errors: string[] = [];
      for (let d = 0; d < r.jobs.length; d++) {
        if (!r.jobs[d].masses.some((x) => Math.abs(x - m) < 1e-12)) continue;
        const p = await prep(d);
        const key = `${d}|${m}`;
        let x = nominal.get(key);
        if (!x) {
          try { x = massPointInputs(p.spectrum, m, p.sigma(m), p.optionsAt(m, r.trainNSigma)); } catch (e) { x = e as Error; }
          nominal.set(key, x);
          if (nominal.size > 8) nominal.delete(nominal.keys().next().value!);
        }
        if (x instanceof Error) errors.push(`${r.jobs[d].dataset}: ${x.message}`);
        else active.push({ p, x });
      }
      const datasets = active.map((a) => a.p.job.dataset), sigmas = active.map((a) => a.p.sigma(m));
      if (active.length === 0) return { limits: new Array(t1 - t0).fill(NaN), refitFailed: 0, datasets, sigmas, error: errors.join("; ") || "no dataset active" };
      const window = (a: { p: PreparedDataset; x: MassPointInputs }, n: ArrayLike<number>, b: ArrayLike<number>, C: ArrayLike<number>): DatasetWindow =>
        ({ name: a.p.job.dataset, n, b, C, sUnit: a.x.w.map((w) => w * a.x.aPerEps2) });
      const seed = bandSeed(r.seed, i);
      const limits: number[] = [];
      let refitFailed = 0;
      for (let t = t0; t < t1; t++) {
        const rng = Rng.forStream(seed, t);
        const ws: DatasetWindow[] = [];
        for (const a of active) {
          const y = fullRangeToyCounts(a.x.muFull, "poisson", 0, rng);
          const n = a.x.blind.map((j) => y[j]);
          let b: ArrayLike<number> = a.x.b, C: ArrayLike<number> = a.x.C;
          try {
            const fx = refitInputs(a.p, withCounts(a.p.spectrum, y), m, { restarts: r.restarts, optimize: r.optimize, trainNSigma: r.trainNSigma });
            b = fx.b; C = fx.C;
          } catch {
            refitFailed++;
          }
          ws.push(window(a, n, b, C));
        }
        limits.push(limitOf(ws, r.alpha));
      }
      const out: CombinedRefitChunk = { limits, refitFailed, datasets, sigmas, ...(errors.length ? { error: errors.join("; ") } : {}) };
      if (k === 0) {
        const ws = active.map((a) => window(a, a.x.n, a.x.b, a.x.C));
        const { lik } = combinedLikelihood(ws);
        const d = discovery(windowFits(lik));
        out.observed = { eps2_obs: limitOf(ws, r.alpha), p0: d.p0, Z: d.Z };
      }
      return out;
    },
  };
}

/** Precise combined ε² limit of windows with their own counts (fast Newton path, L-BFGS fallback). */
function limitOf(ws: DatasetWindow[], alpha: number): number {
  try {
    const { lik, eps2Ref } = combinedLikelihood(ws);
    return windowLimitSolver(lik, alpha).limit(lik.observed) * eps2Ref;
  } catch {
    return NaN;
  }
}

/** ul_bands_combined_all_refit_poisson.csv rows from the chunks of each grid mass. */
export function combinedRefitRows(r: CombinedRefitJob, parts: CombinedRefitChunk[]): (CombinedBandRow & { n_refit_failed: number })[] {
  const nChunks = Math.ceil(r.nToys / r.chunk);
  return r.grid.map((m, i) => {
    const ch = parts.slice(i * nChunks, (i + 1) * nChunks);
    const lim = ch.flatMap((c) => c.limits);
    const ob = ch[0].observed;
    const s = summariseBands(lim, ob?.eps2_obs);
    const sig = ch[0].sigmas;
    return {
      dataset_set: ch[0].datasets.join("+"), mass_GeV: m, sigma_mass_res_GeV: mean(sig),
      sigma_mass_res_min_GeV: sig.length ? Math.min(...sig) : NaN, cls_alpha: r.alpha, eps2_obs: ob?.eps2_obs ?? NaN, p0_analytic: ob?.p0 ?? NaN, Z_analytic: ob?.Z ?? NaN,
      eps2_lo2: s.A.lo2, eps2_lo1: s.A.lo1, eps2_med: s.A.med, eps2_hi1: s.A.hi1, eps2_hi2: s.A.hi2, eps2_mean: s.A.mean,
      p_strong: s.p_strong, p_weak: s.p_weak, p_two: s.p_two, n_toys: lim.length, n_failed: s.n_failed, n_refit_failed: ch.reduce((a, c) => a + c.refitFailed, 0),
      cls_statistic: "tilde_q_mu", cls_calibration: "asymptotic", global_method: "sidak_approx", bands_refit_gp_on_toy: "True", error: ch.find((c) => c.error)?.error ?? "",
    };
  });
}
