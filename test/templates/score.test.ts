// The challenge score against every worked value of ../shared/specs/gato_sage.md §B5.
import { test } from "node:test";
import assert from "node:assert/strict";
import { sigma68, coverageBand, coveragePenalty, quantileScore, scoreRecords, challengeScore } from "../../src/templates/score.ts";

const close = (a: number, b: number, tol: number, what: string) => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b} (tol ${tol})`);

test("σ₆₈ and the no-penalty band for N = 100, 1000, 10000 (§B5 table, 5 decimals)", () => {
  const rows: [number, number, number, number][] = [[100, 0.04654, 0.58961, 0.77579], [1000, 0.01472, 0.65326, 0.71214], [10000, 0.00465, 0.67339, 0.69201]];
  for (const [n, s, lo, hi] of rows) {
    close(sigma68(n), s, 5e-6, `σ68(${n})`);
    const [a, b] = coverageBand(n);
    close(a, lo, 5e-6, `band lo ${n}`);
    close(b, hi, 5e-6, `band hi ${n}`);
  }
});

test("penalty and score at N = 1000, w = 0.2 (§B5 table: f to its printed digits, s at 1e-3)", () => {
  const rows: [number, number, number, number][] = [
    [0.6827, 1, 1e-12, 1.604], [0.64, 1.660, 5e-4, 1.098], [0.72, 1.153, 5e-4, 1.462],
    [0.75, 18.03, 5e-3, -1.287], [0.60, 172.5, 0.05, -3.546], [0.55, 2424, 0.5, -6.189],
  ];
  for (const [c, f, ftol, s] of rows) {
    close(coveragePenalty(c, 1000), f, ftol, `f(${c})`);
    close(quantileScore(0.2, c, 1000), s, 1e-3, `s(${c})`);
  }
  close(quantileScore(0.1, 0.6827, 1000), 2.293, 1e-3, "s(w = 0.1)");
  // The band edges are inclusive (f = 1 exactly on them); just outside, the penalty starts.
  const [lo, hi] = coverageBand(1000);
  assert.equal(coveragePenalty(lo, 1000), 1);
  assert.equal(coveragePenalty(hi, 1000), 1);
  assert.ok(coveragePenalty(lo - 1e-3, 1000) > 1 && coveragePenalty(hi + 1e-3, 1000) > 1);
  // Over-confidence costs more than under-confidence at the same distance from the band (quartic vs cubic, Δ > σ).
  assert.ok(coveragePenalty(lo - 0.03, 1000) > coveragePenalty(hi + 0.03, 1000));
});

test("N = 100 and N = 10000: the same formula with the N-dependent σ₆₈", () => {
  for (const n of [100, 10000]) {
    close(quantileScore(0.2, 0.6827, n), 1.604, 1e-3, `in-band s at N = ${n}`);
    const s = sigma68(n), lo = 0.6827 - 2 * s;
    close(coveragePenalty(lo - s, n), 2, 1e-12, `one σ below the band, N = ${n}`);
    close(coveragePenalty(0.6827 + 3 * s, n), 2, 1e-12, `one σ above the band, N = ${n}`);
  }
});

test("records: coverage inclusive at both ends, widths, RMSE and MAE per PE averaged", () => {
  const recs = [
    { mu_true: 1, mu_hat: 1.1, p16: 1, p84: 1.3 },   // covers (lower end inclusive)
    { mu_true: 1, mu_hat: 0.8, p16: 0.6, p84: 1 },   // covers (upper end inclusive)
    { mu_true: 1, mu_hat: 1.5, p16: 1.2, p84: 1.8 }, // misses
  ];
  const s = scoreRecords(recs);
  close(s.coverage, 2 / 3, 1e-15, "coverage");
  close(s.interval, (0.3 + 0.4 + 0.6) / 3, 1e-15, "width");
  const pe = (d: number, dm: number) => Math.sqrt(d * d + (d * d - dm * dm) ** 2);
  close(s.rmse, (pe(0.1, 0.3) + pe(-0.2, 0.4) + pe(0.5, 0.6)) / 3, 1e-12, "rmse");
  const ma = (d: number, dm: number) => Math.abs(d) + Math.abs(Math.abs(d) - dm);
  close(s.mae, (ma(0.1, 0.3) + ma(-0.2, 0.4) + ma(0.5, 0.6)) / 3, 1e-12, "mae");
  const cs = challengeScore([...recs.map((r) => ({ ...r, set: 0 })), ...recs.map((r) => ({ ...r, mu_true: 2, mu_hat: r.mu_hat + 1, p16: r.p16 + 1, p84: r.p84 + 1, set: 1 }))]);
  assert.equal(cs.sets.length, 2);
  close(cs.overall.coverage, 2 / 3, 1e-15, "pooled coverage");
  assert.equal(cs.overall.n, 6);
  assert.ok(cs.bootstrap && cs.bootstrap.scores.length === 10);
  // Both sets are identical in coverage and width, so every resample scores the same.
  for (const x of cs.bootstrap!.scores) close(x, quantileScore(s.interval, s.coverage, 6 * 50 / 2), 1e-12, "bootstrap");
});
