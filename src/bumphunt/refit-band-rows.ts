// The rows of ul_bands_<d>_refit_<mode>.csv (`bump bands-refit`, spec §11.1 mode B): per mass,
// the toy limits of all its chunks summarised into ±1σ/±2σ bands on A and ε², beside the
// observed limit and the settings, in hps_gpr's column order.
import { summariseBands } from "./bands.ts";
import type { RefitBandJob, RefitChunk } from "./full-toys.ts";

export type RefitBandRow = ReturnType<typeof refitBandRows>[number];

/** One row per mass of `r.job`; `parts` are the chunks in task order (mass-major, `nChunks` per mass). */
export function refitBandRows(r: RefitBandJob, parts: RefitChunk[], nChunks: number) {
  const j = r.job;
  const kB = j.options.blindNSigma ?? 1.64;
  return j.masses.map((m, i) => {
    const ch = parts.slice(i * nChunks, (i + 1) * nChunks);
    const ob = ch[0].observed;
    const lim = ch.flatMap((c) => c.limits);
    const s = summariseBands(lim, ob?.A_obs, ob?.K);
    const e2 = s.eps2 ?? { lo2: NaN, lo1: NaN, med: NaN, hi1: NaN, hi2: NaN, mean: NaN };
    return {
      dataset: j.dataset, mass_GeV: m, sigma_mass_res_GeV: ob?.sigma ?? NaN, cls_alpha: r.alpha, eps2_obs: ob ? ob.A_obs / ob.K : NaN, A_obs: ob?.A_obs ?? NaN, p0_analytic: ob?.p0 ?? NaN, Z_analytic: ob?.Z ?? NaN,
      eps2_lo2: e2.lo2, eps2_lo1: e2.lo1, eps2_med: e2.med, eps2_hi1: e2.hi1, eps2_hi2: e2.hi2, eps2_mean: e2.mean,
      A_lo2: s.A.lo2, A_lo1: s.A.lo1, A_med: s.A.med, A_hi1: s.A.hi1, A_hi2: s.A.hi2, A_mean: s.A.mean, p_strong: s.p_strong, p_weak: s.p_weak, p_two: s.p_two,
      n_toys: lim.length, n_failed: s.n_failed, n_refit_failed: ch.reduce((a, c) => a + c.refitFailed, 0), cls_statistic: "tilde_q_mu", cls_calibration: "asymptotic", global_method: "sidak_approx",
      bands_refit_gp_on_toy: "True", bands_train_exclude_nsigma: r.trainNSigma ?? kB, bands_refit_restarts: r.restarts, bands_refit_optimize: r.optimize ? "True" : "False", bands_full_toy_bkg_mode: r.mode,
      error: ch.find((c) => c.error)?.error ?? "",
    };
  });
}
