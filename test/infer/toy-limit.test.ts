// Toy-based upper limits (src/infer/toy-limit.ts): each point is the toy hypotest with the same
// seed when fits are not warm-started; same bytes for any executor and worker count; limits
// within their MC errors of the asymptotic ones where asymptotics hold; the crossing and its
// error; the CLI verb.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { countingModel, type CountingSpec } from "../../src/likelihood/counting.ts";
import { toyUpperLimit, gridCrossing } from "../../src/infer/toy-limit.ts";
import { toyHypotest } from "../../src/infer/toys.ts";
import { upperLimit, interpolateCrossing } from "../../src/infer/upper-limit.ts";
import { poolTaskExecutor } from "../../src/batch/pool.ts";
import { inThread } from "../../src/infer/executor.ts";

const COUNTING = new URL("../../src/likelihood/counting.ts", import.meta.url).href;
const recipeOf = (spec: CountingSpec) => ({ module: COUNTING, factory: "countingModel", args: spec });

test("without warm starts and early stop, every μ point is exactly toyHypotest with the same seed (b toys shared, s+b streams common)", async () => {
  const spec: CountingSpec = { signal: [4, 7], background: [20, 12], relativeUncertainty: [0.1, 0.2], observed: [23, 15] };
  const m = countingModel(spec);
  const scan = [0.5, 1.5, 3];
  const r = await toyUpperLimit(m, { scan, ntoys: 150, seed: 9, warmStart: false, z: Infinity, bootstrap: 0 });
  assert.deepEqual(r.scan.map((p) => p.mu), scan, "the grid as given");
  for (const p of r.scan) {
    const h = await toyHypotest(m, p.mu, { ntoys: 150, seed: 9 });
    assert.equal(p.ntoys, 150, `μ = ${p.mu}: all toys run (z = ∞)`);
    assert.equal(p.cls_obs, h.cls_obs, `μ = ${p.mu}: CLs_obs ${p.cls_obs} vs toyHypotest ${h.cls_obs}`);
    assert.deepEqual(p.cls_exp, h.cls_exp, `μ = ${p.mu}: expected CLs`);
    assert.equal(p.test_statistic, h.test_statistic, `μ = ${p.mu}: q_obs`);
  }
  // warm starts move fits by their tolerance only: the same CLs to a few toys' worth
  const w = await toyUpperLimit(m, { scan, ntoys: 150, seed: 9, z: Infinity, bootstrap: 0 });
  w.scan.forEach((p, i) => assert.ok(Math.abs(p.cls_obs - r.scan[i].cls_obs) <= 2 / 150, `μ = ${p.mu}: warm ${p.cls_obs} vs cold ${r.scan[i].cls_obs}`));
});

test("same bytes in this thread and on 1, 2 and 3 pool workers, with early stopping", async () => {
  const spec: CountingSpec = { signal: [6], background: [30], relativeUncertainty: 0.1, observed: [33] };
  const m = countingModel(spec);
  // Points far above the limits resolve CLs < α early (the −2σ curve last: its CLs is CL_s+b/0.023,
  // resolved from 0 only after ~44/α toys, so z = 1 here); those near a crossing run all toys.
  const o = { ntoys: 2000, firstRound: 125, z: 1, seed: 4, scan: [1.5, 2.6, 9, 20], bootstrap: 20 };
  const rounds: number[][] = [];
  const local = await toyUpperLimit(m, { ...o, onRound: (i) => rounds.push(i.active) });
  const want = JSON.stringify(local);
  assert.ok(local.scan.some((p) => p.ntoys < 2000) && local.scan.some((p) => p.ntoys === 2000), `some points stop early, some run all toys: ${local.scan.map((p) => p.ntoys)}`);
  assert.ok(rounds.length >= 4 && rounds[rounds.length - 1].length === 0, `rounds until no point is left: ${JSON.stringify(rounds)}`);
  assert.equal(JSON.stringify(await toyUpperLimit(m, { ...o, executor: inThread, recipe: recipeOf(spec) })), want, "inThread executor");
  for (const workers of [1, 2, 3]) {
    const r = await toyUpperLimit(m, { ...o, executor: poolTaskExecutor(workers), recipe: recipeOf(spec), batch: 7 });
    assert.equal(JSON.stringify(r), want, `${workers} worker(s), batch 7`);
  }
  const other = await toyUpperLimit(m, { ...o, seed: 5 });
  assert.notEqual(other.obs, local.obs, "another seed, other toys");
});

test("counting model with large counts: toy limits (observed and band) within 3 MC errors of the asymptotic ones", async () => {
  const m = countingModel({ signal: [30], background: [200], relativeUncertainty: 0.05, observed: [210] });
  const a = upperLimit(m);
  const r = await toyUpperLimit(m, { ntoys: 2000, seed: 21 });
  assert.equal(r.failed_toys, 0, "no failed toys");
  const toy = [r.obs, ...r.exp], err = [r.obs_mc_error, ...r.exp_mc_error], asym = [a.obs, ...a.exp];
  for (let k = 0; k < 6; k++) {
    // the −2σ curve (k = 1) is CL_s+b/0.023 at the b toys' 2.3% quantile: far noisier at 2000 toys
    assert.ok(err[k] > 0 && err[k] < (k === 1 ? 0.5 : 0.1) * asym[k], `curve ${k}: MC error ${err[k]} is informative (limit ${asym[k]})`);
    assert.ok(Math.abs(toy[k] - asym[k]) < 3 * err[k], `curve ${k}: toys ${toy[k]} ± ${err[k]} vs asymptotic ${asym[k]}`);
  }
  assert.ok(r.exp.every((x, k) => k === 0 || x > r.exp[k - 1]), `expected limits ascending: ${r.exp}`);
});

test("gridCrossing: ln-CLs interpolation is exact for an exponential curve, linear is pyhf's np.interp; MC error by the delta method; NaN when not bracketed", () => {
  const mu = [0, 1, 2, 3, 4];
  const c = mu.map((x) => Math.exp(-1.2 * x));
  const s = mu.map(() => 0.01);
  const g = gridCrossing(mu, c, s, 0.05, "log");
  assert.ok(Math.abs(g.x - Math.log(20) / 1.2) < 1e-12, `log crossing ${g.x} vs ${Math.log(20) / 1.2}`);
  assert.ok(g.bracketed, "bracketed");
  const l = gridCrossing(mu, c, s, 0.05, "linear");
  assert.equal(l.x, interpolateCrossing(mu, c, 0.05), "linear: pyhf's crossing");
  // delta method against finite differences of the crossing in each bracketing value
  const i = mu.findIndex((_, j) => c[j] < 0.05);
  const h = 1e-7, fd = (j: number) => {
    const up = [...c], dn = [...c];
    up[j] += h; dn[j] -= h;
    return (gridCrossing(mu, up, s, 0.05, "log").x - gridCrossing(mu, dn, s, 0.05, "log").x) / (2 * h);
  };
  const want = Math.abs(fd(i - 1)) * s[i - 1] + Math.abs(fd(i)) * s[i];
  assert.ok(Math.abs(g.err - want) < 1e-5 * want, `error ${g.err} vs finite differences ${want}`);
  const nb = gridCrossing(mu, mu.map(() => 0.5), s, 0.05);
  assert.ok(!nb.bracketed && Number.isNaN(nb.x) && Number.isNaN(nb.err), "a curve above α everywhere: NaN");
});

test("CLI: upper-limit --calculator toys --json keeps the asymptotic keys and adds the toy ones; bad flags are one line, status 1", () => {
  const BIN = new URL("../../bin/searchlight.mjs", import.meta.url).pathname;
  const WS = new URL("../../examples/two-channel/workspace.json", import.meta.url).pathname;
  const run = (...args: string[]) => spawnSync(process.execPath, [BIN, "upper-limit", WS, ...args], { encoding: "utf8" });
  const asym = JSON.parse(run("--json").stdout);
  const r = run("--calculator", "toys", "--ntoys", "300", "--points", "5", "--workers", "2", "--json");
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  for (const k of Object.keys(asym)) assert.ok(k in j, `asymptotic key ${k} present`);
  for (const k of ["calculator", "ntoys", "seed", "obs_mc_error", "exp_mc_error", "bracketed", "toys_run", "failed_toys", "scan"]) assert.ok(k in j, `toy key ${k} present`);
  assert.equal(j.calculator, "toys");
  assert.equal(j.exp.length, 5, "five expected limits");
  assert.ok(Number.isFinite(j.obs) && j.obs_mc_error > 0, `observed ${j.obs} ± ${j.obs_mc_error}`);
  // 300 toys per point: the observed and median expected limits within 3 MC errors of the asymptotic ones (measured 0.9 and 0.5)
  assert.ok(Math.abs(j.obs - asym.obs) < 3 * j.obs_mc_error, `toy ${j.obs} ± ${j.obs_mc_error} vs asymptotic ${asym.obs}`);
  assert.ok(Math.abs(j.exp[2] - asym.exp[2]) < 3 * j.exp_mc_error[2], `median expected ${j.exp[2]} ± ${j.exp_mc_error[2]} vs asymptotic ${asym.exp[2]}`);
  const one = run("--calculator", "toys", "--ntoys", "300", "--points", "5", "--workers", "1", "--json");
  assert.equal(one.stdout, r.stdout, "same bytes on 1 and 2 workers");
  for (const [flag, v] of [["--calculator", "toy"], ["--ntoys", "0"], ["--interpolation", "cubic"]]) {
    const bad = run("--calculator", "toys", flag, v);
    assert.equal(bad.status, 1, `${flag} ${v}: status`);
    assert.equal(bad.stderr.trim().split("\n").length, 1, `${flag} ${v}: one line: ${bad.stderr}`);
    assert.match(bad.stderr, new RegExp(flag), `${flag} named`);
  }
});
