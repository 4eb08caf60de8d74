// The fast calibration procedures of the global significance (src/resonance/fast-*.ts, toys.ts):
// the hand-written gradients and Hessians against central differences and against the
// likelihoods they restate (ParametricLikelihood, WindowLikelihood); the parametric refit's
// per-mass q0 against the full procedure (buildSearch + scanSpectrum) on toys; the frozen-GP
// rescan of the observed spectrum against its observed scan (same hyperparameters: same q0);
// failed points counted; the same toys on one thread and on two workers.
import { test } from "node:test";
import assert from "node:assert/strict";
import { poolTaskExecutor } from "../../src/batch/pool.ts";
import { WindowLikelihood } from "../../src/bumphunt/index.ts";
import { inThread } from "../../src/infer/executor.ts";
import { Rng } from "../../src/math/rng.ts";
import { lgamma } from "../../src/math/special.ts";
import { syntheticSpectrum } from "../../src/resonance/example.ts";
import { FastGpScan, WindowProblem } from "../../src/resonance/fast-gp.ts";
import { DenseNewton } from "../../src/optimize/dense-newton.ts";
import { FamilyProblem, FastParametricScan } from "../../src/resonance/fast-parametric.ts";
import { compileFamily, ParametricLikelihood, startingTheta } from "../../src/resonance/parametric.ts";
import { buildSearch, DEFAULT_SEARCH, scanSpectrum, type SearchSpec } from "../../src/resonance/search.ts";
import { binFractions } from "../../src/resonance/signal.ts";
import { spectrumOf } from "../../src/resonance/spectrum.ts";
import { backgroundExpectation, calibrateGlobal, calibrationProcedure, resolveCalibration } from "../../src/resonance/toys.ts";

const syn = syntheticSpectrum({ lo: 500, hi: 3000, nBins: 40, events: 20000, shape: "dijet", sqrtS: 13000, p1: 10, p2: 5, seed: 1 });
const search = (background: SearchSpec["background"]): SearchSpec => ({ ...DEFAULT_SEARCH, signal: { kind: "gaussian" }, resolution: { kind: "relative", fraction: 0.03 }, background });
const dijet = search({ model: "parametric", families: ["dijet"], npar: null, orderSelection: "ftest", sqrtS: 13000 });
const gp = search({ model: "gp" });
const masses = [600, 750, 900, 1100, 1300, 1500, 1750, 2000, 2300, 2550, 2700, 2800];

/** Central differences of f (gradient) and of the gradient (Hessian) against the problem's own, relative to the entry scale. */
function checkDerivatives(p: { n: number; evaluate(x: Float64Array, g: Float64Array | null, H: Float64Array | null): number }, x: Float64Array, label: string): void {
  const n = p.n, g = new Float64Array(n), H = new Float64Array(n * n);
  p.evaluate(x, g, H);
  const gp_ = new Float64Array(n), gm = new Float64Array(n), Hs = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    const h = 1e-5 * Math.max(1, Math.abs(x[k]));
    const xp = Float64Array.from(x), xm = Float64Array.from(x);
    xp[k] += h; xm[k] -= h;
    const fd = (p.evaluate(xp, null, null) - p.evaluate(xm, null, null)) / (2 * h);
    assert.ok(Math.abs(fd - g[k]) <= 1e-5 * Math.max(1, Math.abs(g[k])), `${label}: ∂f/∂x${k} = ${g[k]}, central difference ${fd}`);
    p.evaluate(xp, gp_, Hs); p.evaluate(xm, gm, Hs);
    for (let j = 0; j < n; j++) {
      const fdH = (gp_[j] - gm[j]) / (2 * h);
      assert.ok(Math.abs(fdH - H[j * n + k]) <= 1e-4 * Math.max(1, Math.abs(H[j * n + k])), `${label}: H[${j}][${k}] = ${H[j * n + k]}, central difference of the gradient ${fdH}`);
      assert.equal(H[j * n + k], H[k * n + j], `${label}: H symmetric at (${j}, ${k})`);
    }
  }
}

test("parametric Newton problem: value equals ParametricLikelihood's nll; gradient and Hessian match central differences (dijet 4 and exponential 3, with and without A)", () => {
  const sp = syn.spectrum;
  for (const fs of [{ family: "dijet" as const, npar: 4, sqrtS: 13000 }, { family: "exponential" as const, npar: 3 }]) {
    const fam = compileFamily(sp, fs);
    const theta = startingTheta(fam, sp);
    const s = binFractions(sp.edges, { kind: "gaussian" }, 1200, 36);
    const lik = new ParametricLikelihood(fam, sp.counts, s, theta);
    let lg = 0;
    for (const v of sp.counts) lg += lgamma(v + 1);
    const prob = new FamilyProblem(fam);
    prob.setCounts(Float64Array.from(sp.counts), lg, lik.eps);
    prob.setSignal(s);
    const x = Float64Array.from([37.5, ...theta]);
    assert.ok(Math.abs(prob.evaluate(x, null, null) - lik.nll(x, lik.observed)) < 1e-9 * Math.abs(lik.nll(x, lik.observed)), `${fs.family}: f = nll`);
    checkDerivatives(prob, x, `${fs.family}${fs.npar} s+b`);
    prob.setSignal(null);
    checkDerivatives(prob, Float64Array.from(theta), `${fs.family}${fs.npar} b-only`);
  }
});

test("window Newton problem: value equals WindowLikelihood's nll; gradient and Hessian match central differences", () => {
  const C = [4, 1.5, 0.5, 1.5, 3, 1, 0.5, 1, 2.5];
  const lik = new WindowLikelihood({ n: [12, 30, 7], b: [10, 25, 9], C, w: [0.2, 0.5, 0.2] });
  const prob = new WindowProblem(3);
  prob.set(lik, true);
  const x = Float64Array.from([4.2, 0.3, -0.4, 0.1]);
  const want = lik.nll(x, lik.observed);
  assert.ok(Math.abs(prob.evaluate(x, null, null) - want) < 1e-10 * Math.abs(want), `f ${prob.evaluate(x, null, null)} = nll ${want}`);
  checkDerivatives(prob, x, "window s+b");
  prob.set(lik, false);
  checkDerivatives(prob, x.subarray(1), "window A = 0");
  // the minimum is the generic minimiser's: Newton's 2NLL never above it
  prob.set(lik, true);
  const y = new Float64Array(4);
  const r = new DenseNewton(4).minimize(prob, y);
  assert.ok(r.converged, "window fit converged");
  const g = new Float64Array(4);
  lik.nllGrad(y, lik.observed, g);
  assert.ok(Math.max(...g.map(Math.abs)) < 1e-6, `gradient at Newton's minimum ${Array.from(g)}`);
});

test("parametric-refit: per-mass q0 and status equal the full procedure's (buildSearch + scanSpectrum) on 3 toys, |Δq0| ≤ 1e-6 (toy 60: Â < 0 against empty bins at 2700–2800)", () => {
  const expected = backgroundExpectation(dijet, syn.spectrum);
  const fast = new FastParametricScan(dijet, syn.spectrum, masses);
  let compared = 0, positive = 0;
  for (const t of [0, 1, 60]) {
    const rng = Rng.forStream(1, t);
    const counts = Array.from(expected, (mu) => rng.poisson(mu));
    const sp = spectrumOf(syn.spectrum.edges, counts);
    const rows = scanSpectrum("toy", sp, masses, buildSearch(dijet, sp));
    const pts = fast.scan(counts);
    rows.forEach((r, k) => {
      assert.equal(pts[k].ok, r.status === "ok", `toy ${t} mass ${r.mass}: status ${r.status} (${r.error}) vs fast ${pts[k].error}`);
      assert.ok(Math.abs(pts[k].q0 - r.q0) <= 1e-6, `toy ${t} mass ${r.mass}: q0 full ${r.q0}, fast ${pts[k].q0}`);
      compared++;
      if (r.q0 > 0.1) positive++;
    });
  }
  assert.ok(compared === 3 * masses.length && positive >= 3, `compared ${compared} points, ${positive} with q0 > 0.1 (the test must see excesses)`);
});

test("parametric-refit: an envelope of two families and the AIC order equal the full procedure on a toy, |Δq0| ≤ 1e-6", () => {
  const env = search({ model: "parametric", families: ["dijet", "powerlaw"], npar: null, orderSelection: "aic", sqrtS: 13000 });
  const expected = backgroundExpectation(env, syn.spectrum);
  const rng = Rng.forStream(5, 0);
  const counts = Array.from(expected, (mu) => rng.poisson(mu));
  const sp = spectrumOf(syn.spectrum.edges, counts);
  const some = masses.slice(0, 6);
  const rows = scanSpectrum("toy", sp, some, buildSearch(env, sp));
  const pts = new FastParametricScan(env, syn.spectrum, some).scan(counts);
  rows.forEach((r, k) => {
    assert.equal(pts[k].ok, r.status === "ok", `mass ${r.mass}: status`);
    assert.ok(Math.abs(pts[k].q0 - r.q0) <= 1e-6, `mass ${r.mass}: q0 full ${r.q0}, fast ${pts[k].q0}`);
  });
});

test("gp-frozen-hyperparameters: rescanning the observed spectrum itself gives its observed scan's q0 (|Δq0| ≤ 1e-6) and status", () => {
  const rows = scanSpectrum("obs", syn.spectrum, masses, buildSearch(gp, syn.spectrum));
  const pts = new FastGpScan(gp, syn.spectrum, masses).scan(syn.spectrum.counts);
  let positive = 0;
  rows.forEach((r, k) => {
    assert.equal(pts[k].ok, r.status === "ok", `mass ${r.mass}: status ${r.status} (${r.error}) vs ${pts[k].error}`);
    assert.ok(Math.abs(pts[k].q0 - r.q0) <= 1e-6, `mass ${r.mass}: q0 observed scan ${r.q0}, frozen rescan ${pts[k].q0}`);
    if (r.q0 > 0.1) positive++;
  });
  assert.ok(positive >= 2, `${positive} masses with q0 > 0.1`);
});

test("procedures: auto → parametric-refit / gp-frozen-hyperparameters / full-rescan for Bernstein; a mass outside the spectrum is a failed point in every toy, counted", async () => {
  assert.equal(calibrationProcedure(dijet), "parametric-refit");
  assert.equal(calibrationProcedure(gp), "gp-frozen-hyperparameters");
  assert.equal(calibrationProcedure(dijet, "full"), "full-rescan");
  assert.equal(calibrationProcedure(search({ model: "parametric", families: ["bernstein"], npar: 4, orderSelection: "ftest" })), "full-rescan");
  for (const spec of [dijet, gp]) {
    const cal = await calibrateGlobal(spec, syn.spectrum, [900, 1500, 5000], { nToys: 3, seed: 2 });
    assert.equal(cal.failedPoints, 3, `${cal.procedure}: the mass 5000 outside 500–3000 fails in each of 3 toys (${cal.failedPoints})`);
    assert.equal(cal.toyMaxZ.length, 3, `${cal.procedure}: every toy kept`);
  }
});

test("same seed → same toys on this thread and on 2 workers (both fast procedures)", async () => {
  const ex = poolTaskExecutor(2);
  for (const spec of [dijet, gp]) {
    const a = await calibrateGlobal(spec, syn.spectrum, masses.slice(0, 5), { nToys: 6, seed: 4, executor: inThread });
    const b = await calibrateGlobal(spec, syn.spectrum, masses.slice(0, 5), { nToys: 6, seed: 4, executor: ex });
    assert.deepEqual(b.toyMaxZ, a.toyMaxZ, `${a.procedure}: max Z per toy`);
    assert.equal(b.meanUpcrossings, a.meanUpcrossings, `${a.procedure}: up-crossings`);
  }
});

test("auto calibration of a GP: frozen hyperparameters where the observed amplitude is negligible at every mass, the full rescan where it is active (a wiggle the trend cannot follow); fast forces freezing", () => {
  const some = [800, 1200, 1800];
  const smooth = resolveCalibration(gp, syn.spectrum, some);
  assert.equal(smooth.procedure, "gp-frozen-hyperparameters", `smooth spectrum: ${smooth.note}`);
  const rng = new Rng(1);
  const wiggly = spectrumOf(syn.spectrum.edges, Array.from(syn.expectedBackground, (b, i) => rng.poisson(b * (1 + 0.1 * Math.sin((2 * Math.PI * Math.log(syn.spectrum.centres[i] / 500)) / 0.6)))));
  const auto = resolveCalibration(gp, wiggly, some);
  assert.equal(auto.procedure, "full-rescan", `wiggly spectrum, auto: ${auto.note}`);
  assert.match(auto.note, /amplitude matters .* at [1-3] of 3 masses/, "the note says why");
  const fast = resolveCalibration(gp, wiggly, some, "fast");
  assert.equal(fast.procedure, "gp-frozen-hyperparameters", `wiggly spectrum, fast: ${fast.note}`);
  assert.equal(resolveCalibration(dijet, wiggly, some).procedure, "parametric-refit", "parametric: always the refit");
});
