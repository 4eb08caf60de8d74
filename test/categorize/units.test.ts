// Unit checks of the GATO pieces against specs/gato_sage.md: σ_base (§A2), the Asimov branches
// (§A4), the schedulers (§A6), one RMSprop and Adam step (§A7), the toy yields (§A9), the DP
// binning against brute force (§A10), the exponential fit and window factors (§A11.4).
import { test } from "node:test";
import assert from "node:assert/strict";
import { sigmaBase } from "../../src/categorize/gmm.ts";
import { asimovZ, asimovZ2Grad } from "../../src/categorize/asimov.ts";
import { scheduleValue } from "../../src/categorize/schedule.ts";
import { FirstOrderOptimizer } from "../../src/optimize/adam.ts";
import { backgroundCounts, toy1d, toy3class, toyResonance } from "../../src/categorize/toys.ts";
import { bestContiguousBinning } from "../../src/categorize/baselines.ts";
import { expIntegral, fitExponential, windowFactors, DEFAULT_BUMP } from "../../src/categorize/bump.ts";
import { Rng } from "../../src/math/rng.ts";

const close = (a: number, b: number, tol: number, what: string) => assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b} (tol ${tol})`);

test("σ_base: d=1 1/(2K), d=2 0.7071/K, d=3 0.5250/√K (§A2)", () => {
  for (const k of [2, 5, 10]) {
    close(sigmaBase(k, 1), 1 / (2 * k), 1e-15, `d=1 K=${k}`);
    close(sigmaBase(k, 2), 0.70711 / k, 1e-5 / k, `d=2 K=${k}`);
    close(sigmaBase(k, 3), 0.5250 / Math.sqrt(k), 1e-4 / Math.sqrt(k), `d=3 K=${k}`);
  }
});

test("Asimov Z: simple branch below S/B = 0.1, the full formula above, B floored at 1e-9 (§A4)", () => {
  close(asimovZ(5, 100), 5 / 10, 1e-15, "r = 0.05");
  close(asimovZ(20, 100), Math.sqrt(2 * (120 * Math.log(1.2) - 20)), 1e-14, "r = 0.2");
  close(asimovZ(1e-12, 0), 1e-12 / Math.sqrt(1e-9), 1e-20, "B = 0 floored");
  const g = new Float64Array(3);
  asimovZ2Grad(3, 0, g);
  assert.equal(g[2], 0, "no gradient through B below eps");
});

test("schedulers: τ = e/max(1,E); exponential and cosine end points (§A6)", () => {
  close(scheduleValue({ mode: "cosine", start: 1, end: 0.05 }, 0, 250), 1, 1e-15, "cosine start");
  close(scheduleValue({ mode: "cosine", start: 1, end: 0.05 }, 125, 250), 0.525, 1e-12, "cosine middle");
  close(scheduleValue({ mode: "exponential", start: 1, end: 0.01 }, 50, 100), 0.1, 1e-12, "exponential middle");
  assert.ok(scheduleValue({ mode: "cosine", start: 1, end: 0.05 }, 249, 250) > 0.05, "τ never reaches 1");
});

test("RMSprop: v ← ρv + (1−ρ)g², θ ← θ − lr g/√(v + ε) (Keras defaults); Adam's first step is −lr·sign(g)", () => {
  const r = new FirstOrderOptimizer("rmsprop", 1);
  const th = Float64Array.from([1]);
  r.step(th, Float64Array.from([2]), 0.1);
  close(th[0], 1 - (0.1 * 2) / Math.sqrt(0.1 * 4 + 1e-7), 1e-15, "rmsprop step");
  const a = new FirstOrderOptimizer("adam", 1);
  const ta = Float64Array.from([1]);
  a.step(ta, Float64Array.from([-3]), 0.01);
  close(ta[0], 1.01, 1e-8, "adam step");
  const b = new FirstOrderOptimizer("adam", 1);
  b.restore(a.state());
  assert.deepEqual(b.state(), a.state());
});

test("toys: yields 50 / 10 / 26000 and the floor split of n_bkg (§A9); resonance masses in [100, 180] (§A11)", () => {
  assert.deepEqual(backgroundCounts(1000), [384, 307, 192, 76, 41]);
  const t = toy3class(2000, 1000, 10000);
  const sum = (i: number) => t[i].w.reduce((a, b) => a + b, 0);
  close(sum(0), 50, 1e-9, "signal1");
  close(sum(1), 10, 1e-9, "signal2");
  close(t.slice(2).reduce((a, _, i) => a + sum(i + 2), 0), 26000, 1e-6, "backgrounds");
  for (const p of t) for (let i = 0; i < p.x.length; i += 2) assert.ok(p.x[i] >= 0 && p.x[i] + p.x[i + 1] <= 1 + 1e-12);
  const d1 = toy1d(1000, 3000);
  assert.ok(d1[0].x.every((v) => v >= 0 && v <= 1));
  const r = toyResonance(500, 5000);
  for (const p of r) assert.ok(p.mass!.every((m) => m >= 100 && m <= 180));
  // signal1 within ±1.5 GeV of 125: 68% ± 3σ of a binomial
  const inWin = r[0].mass!.filter((m) => m >= 123.5 && m <= 126.5).length / 500;
  assert.ok(Math.abs(inWin - 0.6827) < 3 * Math.sqrt(0.68 * 0.32 / 500), `fraction in window ${inWin}`);
  // same seed, same bytes
  assert.deepEqual(toy3class(50, 50, 200)[3].x, toy3class(50, 50, 200)[3].x);
});

test("DP best contiguous binning = brute force over every 3-bin split of a 40-bin grid", () => {
  const rng = new Rng(5);
  const s = Float64Array.from({ length: 40 }, (_, j) => 0.05 * j * rng.uniform());
  const b = Float64Array.from({ length: 40 }, (_, j) => 200 * Math.exp(-j / 8) * (0.5 + rng.uniform()));
  let best = 0;
  const seg = (a: number, c: number) => { let ss = 0, bb = 0; for (let q = a; q < c; q++) { ss += s[q]; bb += b[q]; } return asimovZ(ss, bb) ** 2; };
  for (let i = 1; i < 40; i++) for (let j = i + 1; j < 40; j++) best = Math.max(best, seg(0, i) + seg(i, j) + seg(j, 40));
  const dp = bestContiguousBinning(s, b, 3);
  close(dp.z, Math.sqrt(best), 1e-12, "DP vs brute force");
  assert.equal(dp.edges.length, 4);
});

test("exponential fit recovers A e^{Bx}; window factor = ∫window/∫range; flat 3/80 fallbacks (§A11.4)", () => {
  const x = Array.from({ length: 10 }, (_, j) => 104 + 8 * j);
  const y = x.map((v) => 5e4 * Math.exp(-0.04 * v));
  const f = fitExponential(x, y, Math.max(y[0], 1e-6), -0.03);
  assert.ok(f.ok);
  close(f.b, -0.04, 1e-8, "slope");
  close(f.a, 5e4, 5e4 * 1e-6, "amplitude");
  const K = 3, hist = new Float64Array(K * 10);
  hist.set(y, 0);
  hist.set(y.map((v) => v * 2), 10);
  const wf = windowFactors(hist, [5, 0, 0], DEFAULT_BUMP);
  close(wf[0].f, expIntegral(1, -0.04, 123.5, 126.5) / expIntegral(1, -0.04, 100, 180), 1e-8, "fitted factor");
  assert.equal(wf[1].source, "no background in window");
  assert.equal(wf[2].source, "empty histogram");
  close(wf[2].f, 3 / 80, 1e-15, "flat fallback");
});
