// The per-mass statistics of a resonance search, for any background model, through src/infer:
// Â and σ_A (Hessian), q0 → p0, Z (Cowan et al. eqs. 12, 52–53), the asymptotic CLs upper limit
// on A with Cowan's q̃ for an unbounded yield (eq. 16) and its median expected value from the
// background-only Asimov data, and the CMS envelope (discrete profiling over background
// families, Dauncey et al., JINST 10 (2015) P04015) as one more profile of the same interface.
import { asymptoticCls, tailProbabilities } from "../infer/asymptotic.ts";
import { localSignificance } from "../infer/significance.ts";
import { qtildeUnbounded, type ProfileFits, type ProfileSource } from "../infer/test-statistics.ts";
import { limitFromCls } from "../infer/upper-limit.ts";

export interface PointStatistics {
  A_hat: number;
  sigma_A: number;
  q0: number;
  p0: number;
  Z: number;
  A_up: number;
  A_up_expected: number;
  /** Asymptotic expected-limit band (Cowan et al. eq. 89 with the Asimov q_A): −2σ, −1σ, +1σ, +2σ; NaN unless asked for. */
  A_up_exp_m2: number;
  A_up_exp_m1: number;
  A_up_exp_p1: number;
  A_up_exp_p2: number;
  converged: boolean;
}

/**
 * Statistics of one mass from the observed and the background-only Asimov profiles. `start`
 * is the first trial of the limit's bracket (e.g. 3√Σb).
 */
export function pointStatistics(obs: ProfileSource, asimov: ProfileSource, sigmaA: () => number, o: { alpha: number; start: number; bands?: boolean }): PointStatistics {
  const d = localSignificance(obs);
  const opts = { level: o.alpha, start: Math.max(o.start, 1e-9), maxSteps: 60, method: "brent" as const, rtol: 1e-6 };
  const obsLimit = limitFromCls((A) => asymptoticCls("qtilde_unbounded", obs, asimov, A).observed.cls, opts);
  const expected = (n: number) => limitFromCls((A) => tailProbabilities(n, Math.sqrt(qtildeUnbounded(asimov, A).q)).cls, opts).limit;
  const expLimit = { limit: expected(0) };
  // EXPECTED_SIGMAS order is +2 … −2 in the CLs convention: t = +2 gives the lower (−2σ) limit.
  const band = o.bands ? [expected(2), expected(1), expected(-1), expected(-2)] : [NaN, NaN, NaN, NaN];
  let sA = NaN;
  try { sA = sigmaA(); } catch { /* a singular Hessian is reported as σ_A = NaN */ }
  return {
    A_hat: obs.muHat, sigma_A: sA, q0: d.q0, p0: d.p0, Z: d.Z, A_up: obsLimit.limit, A_up_expected: expLimit.limit,
    A_up_exp_m2: band[0], A_up_exp_m1: band[1], A_up_exp_p1: band[2], A_up_exp_p2: band[3], converged: obsLimit.converged,
  };
}

/**
 * The envelope of several background families' profiles: 2NLL_env(A) = min_f [2NLL_f(A) + c·P_f]
 * with P_f the family's number of parameters and c the per-parameter penalty (1, as CMS).
 */
export class EnvelopeProfile implements ProfileSource {
  constructor(readonly members: { fits: ProfileFits; npar: number }[], readonly penalty = 1) {
    if (members.length === 0) throw new Error("an envelope needs at least one background family");
  }

  private score(k: number, twiceNll: number): number {
    return twiceNll + this.penalty * this.members[k].npar;
  }

  /** The member with the lowest penalised minimum. */
  get best(): number {
    let b = 0, v = Infinity;
    this.members.forEach((m, k) => {
      const s = this.score(k, m.fits.twiceNllFree);
      if (s < v) { v = s; b = k; }
    });
    return b;
  }

  get muHat(): number {
    return this.members[this.best].fits.muHat;
  }

  get twiceNllFree(): number {
    const k = this.best;
    return this.score(k, this.members[k].fits.twiceNllFree);
  }

  twiceNllAt(mu: number): number {
    let v = Infinity;
    this.members.forEach((m, k) => { v = Math.min(v, this.score(k, m.fits.twiceNllAt(mu))); });
    return v;
  }
}
