// Coverage studies: the same records whichever executor and worker count, coverage of the
// profile interval inside the challenge's no-penalty band on the synthetic model, failed fits
// kept, and μ bounds that exclude the truth range refused. (The 1000-experiment acceptance runs
// live in bench/templates-coverage.ts; this file stays at a few seconds.)
import { test } from "node:test";
import assert from "node:assert/strict";
import { runCoverage, summarizeCoverage, type CoverageRecord } from "../../src/templates/coverage.ts";
import { syntheticModelSpec } from "../../src/templates/synthetic.ts";
import { coverageBand } from "../../src/templates/score.ts";
import { poolTaskExecutor } from "../../src/batch/pool.ts";
import { InputError } from "../../src/io/errors.ts";

const small = { bins: [10, 1, 1, 1] as [number, number, number, number], grid: { tes: [0.94, 1.06, 13] as [number, number, number], jes: [0.94, 1.06, 13] as [number, number, number], soft_met: [0, 5, 21] as [number, number, number] } };

test("the same records in this thread and on 2 worker threads (seeded per pseudo-experiment)", async () => {
  const o = { source: { kind: "synthetic" as const, synthetic: small, spec: syntheticModelSpec() }, seed: 7, sets: 3, perSet: 8, chunk: 5 };
  const a = await runCoverage(o);
  const b = await runCoverage(o, poolTaskExecutor(2));
  assert.equal(a.records.length, 24);
  assert.equal(JSON.stringify(b.records), JSON.stringify(a.records));
  assert.deepEqual(a.sets.map((s) => s.n), [8, 8, 8]);
  // A different seed gives different pseudo-data.
  const c = await runCoverage({ ...o, seed: 8 });
  assert.notEqual(c.records[0].mu_hat, a.records[0].mu_hat);
});

test("200 pseudo-experiments, μ ~ U(0.1, 3), challenge truths: coverage in the N = 200 no-penalty band, pulls ≈ N(0, 1)", async () => {
  const r = await runCoverage({ source: { kind: "synthetic", synthetic: small, spec: syntheticModelSpec() }, seed: 2026, sets: 10, perSet: 20 });
  const [lo, hi] = coverageBand(200);
  assert.equal(r.pooled.failed, 0);
  assert.ok(r.pooled.coverage >= lo && r.pooled.coverage <= hi, `coverage ${r.pooled.coverage} outside [${lo}, ${hi}]`);
  assert.ok(Math.abs(r.pooled.mean_pull) < 0.25 && Math.abs(r.pooled.std_pull - 1) < 0.2, `pulls ${r.pooled.mean_pull} ± ${r.pooled.std_pull}`);
  assert.equal(r.score.overall.n, 200);
  assert.ok(Number.isFinite(r.score.overall.quantiles_score) && r.score.bootstrap !== null);
  for (const s of r.sets) assert.ok(s.mu_true >= 0.1 && s.mu_true <= 3);
  for (const p of r.nuisance_pulls.filter((x) => x.name.endsWith("_scale") && x.name !== "diboson_scale")) assert.ok(Math.abs(p.mean) < 0.3, `${p.name} pull mean ${p.mean}`);
});

test("failed fits stay in the records and are counted, not scored", () => {
  const rec = (i: number, status: "ok" | "failed"): CoverageRecord => ({
    set: 0, pe: i, mu_true: 1, status, converged: status === "ok", mu_hat: status === "ok" ? 1 : NaN, p16: status === "ok" ? 0.9 : NaN, p84: status === "ok" ? 1.1 : NaN,
    half_width: 0.1, sigma_hesse: 0.1, covered: status === "ok", pull: 0, fits: 3, reason: status === "ok" ? "" : "boom", truth: { mu: 1 }, bestfit: { mu: 1 },
  });
  const s = summarizeCoverage([rec(0, "ok"), rec(1, "failed"), rec(2, "ok")], syntheticModelSpec(), { seed: 1, method: "profile" });
  assert.equal(s.records.length, 3);
  assert.equal(s.pooled.failed, 1);
  assert.equal(s.pooled.n, 2);
  assert.equal(s.score.overall.n, 2);
});

test("μ bounds that exclude the truth range are refused with one line", async () => {
  const spec = syntheticModelSpec();
  spec.poi.lower = 0.5;
  await assert.rejects(runCoverage({ source: { kind: "synthetic", synthetic: small, spec }, seed: 1, sets: 2, perSet: 2 }),
    (e: unknown) => e instanceof InputError && /poi: bounds \[0\.5, 10\] of "mu" exclude part of the truth range \[0\.1, 3\]/.test(e.message));
});
