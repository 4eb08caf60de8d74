// The HiggsML Uncertainty Challenge score (FAIR-Universe/HEP-Challenge, scoring_program/score.py;
// ../shared/specs/gato_sage.md §B5), reproduced exactly:
//   width w = mean |p84 − p16|, coverage c = mean 1[p16 ≤ μ ≤ p84] (both ends inclusive),
//   σ₆₈ = √(0.6827·(1 − 0.6827)·N)/N, penalty f = 1 inside [0.6827 ± 2σ₆₈], 1 + |Δ/σ₆₈|⁴ below
//   (over-confident), 1 + |Δ/σ₆₈|³ above, with Δ the distance to the band edge;
//   score s = −ln((w + ε)·f(c)), ε = 1e-3.
// RMSE and MAE are per pseudo-experiment quantities averaged within a set, then over sets
// (score.py's RMSE_score/MAE_score called with scalar μ̂ and Δμ̂).
import { Rng } from "../math/rng.ts";

/** The one-sigma coverage score.py hard-codes (the evaluation page rounds it to 0.68). */
export const ONE_SIGMA = 0.6827;
/** ε added to the width inside the logarithm. */
export const SCORE_EPS = 1e-3;

/** σ₆₈ = √(0.6827·0.3173·N)/N, the binomial error of a 68.27% coverage measured with N trials. */
export function sigma68(n: number): number {
  return Math.sqrt((1 - ONE_SIGMA) * ONE_SIGMA * n) / n;
}

/** The no-penalty band [0.6827 − 2σ₆₈, 0.6827 + 2σ₆₈]. */
export function coverageBand(n: number): [number, number] {
  const s = sigma68(n);
  return [ONE_SIGMA - 2 * s, ONE_SIGMA + 2 * s];
}

/** The coverage penalty f(c; N): 1 in the band, quartic below, cubic above. */
export function coveragePenalty(c: number, n: number): number {
  const s = sigma68(n);
  const lo = ONE_SIGMA - 2 * s, hi = ONE_SIGMA + 2 * s;
  if (c >= lo && c <= hi) return 1;
  if (c < lo) return 1 + Math.abs((c - lo) / s) ** 4;
  return 1 + Math.abs((c - hi) / s) ** 3;
}

/** s = −ln((w + ε)·f(c; N)). */
export function quantileScore(width: number, coverage: number, n: number): number {
  return -Math.log((width + SCORE_EPS) * coveragePenalty(coverage, n));
}

/** One pseudo-experiment's answer: the truth, the estimate and its 68.27% interval. */
export interface IntervalRecord {
  mu_true: number;
  mu_hat: number;
  p16: number;
  p84: number;
  /** Δμ̂ as submissions report it; default p84 − p16 (the official baseline returns 2σ_μ). */
  delta_mu_hat?: number;
}

export interface ScoreSummary {
  n: number;
  /** Mean |p84 − p16|. */
  interval: number;
  coverage: number;
  /** √(c(1 − c)/N). */
  coverage_error: number;
  penalty: number;
  quantiles_score: number;
  /** Mean over PEs of √((μ̂−μ)² + ((μ̂−μ)² − Δμ̂²)²). */
  rmse: number;
  /** Mean over PEs of |μ̂−μ| + ||μ̂−μ| − Δμ̂|. */
  mae: number;
}

const deltaOf = (r: IntervalRecord): number => r.delta_mu_hat ?? r.p84 - r.p16;

/** Interval, coverage and score of a list of records pooled together (score.py's Quantiles_Score). */
export function scoreRecords(records: readonly IntervalRecord[]): ScoreSummary {
  const n = records.length;
  let w = 0, cov = 0, rmse = 0, mae = 0;
  for (const r of records) {
    w += Math.abs(r.p84 - r.p16);
    if (r.mu_true >= r.p16 && r.mu_true <= r.p84) cov++;
    const d = r.mu_hat - r.mu_true, dm = deltaOf(r);
    rmse += Math.sqrt(d * d + (d * d - dm * dm) ** 2);
    mae += Math.abs(d) + Math.abs(Math.abs(d) - dm);
  }
  const interval = w / n, coverage = cov / n;
  return {
    n, interval, coverage, coverage_error: Math.sqrt((coverage * (1 - coverage)) / n),
    penalty: coveragePenalty(coverage, n), quantiles_score: quantileScore(interval, coverage, n),
    rmse: rmse / n, mae: mae / n,
  };
}

export interface ChallengeScore {
  /** Per set (records grouped by `set`), in order of first appearance. */
  sets: (ScoreSummary & { set: number; mu_true: number })[];
  /** All PEs pooled: the leaderboard quantity (its rmse/mae are the means of the per-set values, as score.py reports). */
  overall: ScoreSummary;
  /** Bootstrap over sets (see `bootstrapScore`), or null with fewer than 2 sets. */
  bootstrap: BootstrapScore | null;
}

export interface BootstrapScore {
  resamples: number;
  sets_per_resample: number;
  scores: number[];
  mean: number;
  std: number;
}

/**
 * The bootstrap variant of §B5: `resamples` times (default 10, seeds 42 + i), draw
 * `setsPerResample` sets (default 50) with replacement, and score the mean of their per-set
 * coverages and widths with N = Σ set sizes. The resampling stream is Searchlight's seeded
 * xoshiro256** (Rng(42 + i)), not numpy's RandomState, so individual resamples differ from
 * the Python tool; the statistic is the same.
 */
export function bootstrapScore(sets: readonly ScoreSummary[], o: { resamples?: number; setsPerResample?: number } = {}): BootstrapScore {
  const R = o.resamples ?? 10, K = o.setsPerResample ?? 50;
  const scores: number[] = [];
  for (let i = 0; i < R; i++) {
    const rng = new Rng(42 + i);
    let c = 0, w = 0, n = 0;
    for (let k = 0; k < K; k++) {
      const s = sets[Math.floor(rng.uniform() * sets.length)];
      c += s.coverage; w += s.interval; n += s.n;
    }
    scores.push(quantileScore(w / K, c / K, n));
  }
  const mean = scores.reduce((a, b) => a + b, 0) / R;
  const std = Math.sqrt(scores.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, R - 1));
  return { resamples: R, sets_per_resample: K, scores, mean, std };
}

/** The challenge's scores for records carrying a set index: per set, pooled, and the bootstrap. */
export function challengeScore(records: readonly (IntervalRecord & { set: number })[], o: { resamples?: number; setsPerResample?: number } = {}): ChallengeScore {
  const bySet = new Map<number, IntervalRecord[]>();
  for (const r of records) {
    let l = bySet.get(r.set);
    if (!l) bySet.set(r.set, (l = []));
    l.push(r);
  }
  const sets = [...bySet].map(([set, rs]) => ({ set, mu_true: rs[0].mu_true, ...scoreRecords(rs) }));
  const pooled = scoreRecords(records);
  const overall = {
    ...pooled,
    rmse: sets.reduce((a, s) => a + s.rmse, 0) / sets.length,
    mae: sets.reduce((a, s) => a + s.mae, 0) / sets.length,
  };
  return { sets, overall, bootstrap: sets.length >= 2 ? bootstrapScore(sets, o) : null };
}
