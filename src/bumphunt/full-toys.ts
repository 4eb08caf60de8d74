// Full-range background pseudo-experiments of the bump hunt (hps_gpr toy_backgrounds.py /
// gp_toys.py; spec §11.1 mode B, §12.3 full refit, §13 gp-toy-scan): toy spectra drawn from a
// count-space mean over every bin ("poisson": independent Poisson per bin;
// "fixed_total_multinomial": Multinomial(round(Σ y_obs), μ/Σμ)), the one GP fitted on the whole
// histogram (no exclusion, global length-scale bounds), and the per-mass GP refit of a toy.
import { multinomial } from "../math/mvn.ts";
import { Rng } from "../math/rng.ts";
import { lsBoundsAt, defaultLsPolicy } from "./dataset.ts";
import { predictBackground, sigmaX } from "./gp-background.ts";
import { massPointInputs, type MassPointInputs, type MassPointOptions } from "./mass-point.ts";
import type { PreparedDataset } from "./scan.ts";
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
