// Full-range background pseudo-experiments of the bump hunt (hps_gpr toy_backgrounds.py /
// gp_toys.py; spec §11.1 mode B, §12.3 full refit, §13 gp-toy-scan): toy spectra drawn from a
// count-space mean over every bin ("poisson": independent Poisson per bin;
// "fixed_total_multinomial": Multinomial(round(Σ y_obs), μ/Σμ)), the one GP fitted on the whole
// histogram (no exclusion, global length-scale bounds), and the per-mass GP refit of a toy.
import { multinomial } from "../math/mvn.ts";
import { Rng } from "../math/rng.ts";
import { lsBoundsAt, defaultLsPolicy } from "./dataset.ts";
import { predictBackground, sigmaX } from "./gp-background.ts";
import { windowLimitSolver } from "./bands.ts";
import { discovery, windowLimit } from "./limits.ts";
import { massPointInputs, type MassPointInputs, type MassPointOptions } from "./mass-point.ts";
import type { PreparedDataset, ScanJob } from "./scan.ts";
import { WindowLikelihood } from "./window-likelihood.ts";
import type { Spectrum } from "./spectrum.ts";

export type FullToyMode = "poisson" | "fixed_total_multinomial";

export function parseFullToyMode(s: string): FullToyMode {
  const m = s === "fixed_total" || s === "multinomial" ? "fixed_total_multinomial" : s;
  if (m !== "poisson" && m !== "fixed_total_multinomial") throw new Error(`unknown full_toy_bkg_mode "${s}" (poisson or fixed_total_multinomial)`);
  return m;
}

/** Toy counts over the full range from the count-space mean μ (spec §11.1 mode B). */
export function fullRangeToyCounts(mu: ArrayLike<number>, mode: FullToyMode, total: number, rng: Rng, out: Float64Array = new Float64Array(mu.length)): Float64Array {
  if (mode === "poisson") {
    for (let i = 0; i < mu.length; i++) out[i] = rng.poisson(Math.max(0, mu[i]));
    return out;
  }
  return multinomial(Math.max(0, Math.round(total)), mu, rng, out);
}

/** gp-toy-scan seed of toy i (spec §13): (base + 1000003 i) mod (2³¹ − 1). */
export function gpToySeed(base: number, i: number): number {
  return Number((BigInt(Math.trunc(base)) + 1000003n * BigInt(i)) % 2147483647n);
}

/** A spectrum with the same binning and other counts. */
export function withCounts(sp: Spectrum, counts: Float64Array): Spectrum {
  return { edges: sp.edges, centres: sp.centres, counts };
}

export interface FullRangeGp {
  muFull: Float64Array;
  total: number;
  kernel: string;
  lml: number;
  lsBounds: [number, number, number];
}

/**
 * The GP on the whole prepared histogram (spec §13 gp-toy-scan): every bin trains, the
 * length-scale bounds follow the global policy (no mass), `restarts` extra starts.
 */
export function fitFullRangeGp(p: PreparedDataset, restarts: number, seed = 0): FullRangeGp {
  const sp = p.spectrum;
  const all = Array.from({ length: sp.counts.length }, (_, i) => i);
  const ls = { ...(p.job.ls ?? defaultLsPolicy(p.job.dataset)), policy: "resolution_scaled_global" as const };
  const mid = 0.5 * (p.model.range[0] + p.model.range[1]);
  const bounds = lsBoundsAt(p.model, ls, mid);
  const pred = predictBackground(sp.centres, sp.counts, all, [Math.floor(all.length / 2)], sigmaX(mid, p.sigma(mid)), { ...(p.job.options.gp ?? {}), lsExplicit: bounds, nRestarts: restarts, seed });
  let total = 0;
  for (const c of sp.counts) total += c;
  return { muFull: pred.muFull, total, kernel: pred.kernel, lml: pred.lml, lsBounds: pred.lsBounds };
}

export interface RefitOptions {
  restarts?: number;
  optimize?: boolean;
  trainNSigma?: number;
}

/** The per-mass inputs with the GP refitted on a toy spectrum's training bins (spec §11.1 mode B, §12.3). */
export function refitInputs(p: PreparedDataset, toy: Spectrum, m: number, o: RefitOptions = {}): MassPointInputs {
  const base: MassPointOptions = p.optionsAt(m, o.trainNSigma);
  const opts: MassPointOptions = { ...base, gp: { ...(base.gp ?? {}), nRestarts: o.restarts ?? 0, optimize: o.optimize ?? true } };
  return massPointInputs(toy, m, p.sigma(m), opts);
}

// ---------------------------------------------------------------------------------------------
// Expected bands with the GP refitted on every toy (spec §11.1 mode B, `ul_bands_refit_gp_on_toy`)

export interface RefitBandJob {
  job: ScanJob;
  nToys: number;
  seed: number;
  mode: FullToyMode;
  restarts: number;
  optimize: boolean;
  trainNSigma?: number;
  alpha: number;
  /** Toys per task. */
  chunk: number;
}

export interface RefitChunk {
  limits: number[];
  refitFailed: number;
  error?: string;
  /** With the first chunk of a mass: the observed limit, p0/Z, K and σ(m). */
  observed?: { A_obs: number; p0: number; Z: number; K: number; sigma: number };
}

/** Per-mass stream seed of the refit band toys: (seed·1000003 + mass index) as for the conditional bands. */
export const bandSeed = (seed: number, massIndex: number) => (seed * 1000003 + massIndex) >>> 0;

/**
 * Toys [t0, t1) of mass m: y ~ Poisson(μ_full) or Multinomial(round Σy_obs, μ_full/Σμ_full),
 * GP refitted on the toy's training bins ((b_t, C_t); the nominal ones if the refit fails),
 * asymptotic CLs limit with the nominal template. Toy t draws from Rng.forStream(seed, t).
 */
export function refitBandToys(p: PreparedDataset, m: number, nominal: MassPointInputs, o: Omit<RefitBandJob, "job" | "chunk">, seed: number, t0: number, t1: number): RefitChunk {
  let total = 0;
  for (const c of p.spectrum.counts) total += c;
  const limits: number[] = [];
  let refitFailed = 0;
  for (let t = t0; t < t1; t++) {
    const rng = Rng.forStream(seed, t);
    const y = fullRangeToyCounts(nominal.muFull, o.mode, total, rng);
    const n = nominal.blind.map((i) => y[i]);
    let b: ArrayLike<number> = nominal.b, C: ArrayLike<number> = nominal.C;
    try {
      const x = refitInputs(p, withCounts(p.spectrum, y), m, { restarts: o.restarts, optimize: o.optimize, trainNSigma: o.trainNSigma });
      b = x.b; C = x.C;
    } catch {
      refitFailed++;
    }
    let ul = NaN;
    try {
      const lik = new WindowLikelihood({ n, b, C, w: nominal.w });
      ul = windowLimitSolver(lik, o.alpha).limit(lik.observed);
    } catch {
      ul = NaN;
    }
    limits.push(ul);
  }
  return { limits, refitFailed };
}

/** Worker factory: task {mass index, chunk k} → the chunk's toy limits (nominal inputs cached per mass). */
export async function refitBandsRunner(r: RefitBandJob): Promise<{ run(task: { i: number; k: number }): RefitChunk }> {
  const { prepareDataset } = await import("./scan.ts");
  const p = await prepareDataset(r.job);
  const cache = new Map<number, MassPointInputs | Error>();
  return {
    run({ i, k }) {
      const m = r.job.masses[i];
      let x = cache.get(i);
      if (!x) {
        try { x = massPointInputs(p.spectrum, m, p.sigma(m), p.optionsAt(m, r.trainNSigma)); } catch (e) { x = e as Error; }
        cache.set(i, x);
        if (cache.size > 4) cache.delete(cache.keys().next().value!);
      }
      const t0 = k * r.chunk, t1 = Math.min(r.nToys, t0 + r.chunk);
      if (x instanceof Error) return { limits: new Array(t1 - t0).fill(NaN), refitFailed: 0, error: x.message };
      const out = refitBandToys(p, m, x, r, bandSeed(r.seed, i), t0, t1);
      if (k === 0) {
        const lim = windowLimit(new WindowLikelihood({ n: x.n, b: x.b, C: x.C, w: x.w }), { level: r.alpha, maxIter: 60, clsTol: 1e-8 });
        const d = discovery(lim.obs);
        out.observed = { A_obs: lim.limit, p0: d.p0, Z: d.Z, K: x.aPerEps2, sigma: p.sigma(m) };
      }
      return out;
    },
  };
}
