// Hand-written reverse-mode gradients (specs/gato_sage.md §A12) against central finite
// differences, ≤ 1e-6 relative (issue #15 acceptance), for: d = 1 with sigmoid means, d = 2
// with softmax means, the geometric-mean loss with both penalties active, bump-mode reweighting,
// and the sigmoid model.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../src/math/rng.ts";
import { GmmModel } from "../../src/categorize/gmm.ts";
import { SigmoidModel } from "../../src/categorize/sigmoid.ts";
import { SoftPass } from "../../src/categorize/engine.ts";
import { GatoLoss, type LossOptions } from "../../src/categorize/loss.ts";
import { objective } from "../../src/categorize/train.ts";
import { buildEventSet, type ProcessEvents } from "../../src/categorize/events.ts";
import type { BinningModel } from "../../src/categorize/model.ts";

/** n events per process with d features: signals peaked near `centre`, backgrounds spread. */
function toyEvents(d: number, names: string[], n: number, seed: number, simplex: boolean, mass = false): ProcessEvents[] {
  const rng = new Rng(seed);
  return names.map((name, p) => {
    const x = new Float64Array(n * d), w = new Float64Array(n), m = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      if (simplex) {
        const e = Array.from({ length: d + 1 }, (_, j) => Math.exp(0.8 * rng.normal() + (j === p % (d + 1) ? 1 : 0)));
        const s = e.reduce((a, b) => a + b, 0);
        for (let j = 0; j < d; j++) x[i * d + j] = e[j] / s;
      } else {
        for (let j = 0; j < d; j++) x[i * d + j] = Math.min(0.999, Math.max(0.001, (p === 0 ? 0.7 : 0.35) + 0.2 * rng.normal()));
      }
      w[i] = (p === 0 ? 0.02 : p === 1 && names.length > 2 ? 0.01 : 1.5) * (0.5 + rng.uniform());
      m[i] = 100 + 80 * rng.uniform();
    }
    return { name, x, w, mass: mass ? m : undefined };
  });
}

async function check(model: BinningModel, evs: ProcessEvents[], signals: string[], lossO: LossOptions, o: { temp?: number; sharp?: number; f?: Float64Array; tol?: number; seed?: number } = {}) {
  const events = buildEventSet(model.d, evs, signals);
  const pass = new SoftPass(model, events, undefined, 997); // several chunks
  const loss = new GatoLoss(events.processes, model.k, lossO);
  const params = model.init(new Rng(o.seed ?? 3));
  if (model instanceof GmmModel) {
    // non-trivial Cholesky parameters
    const r = new Rng(11);
    for (let i = model.k * (1 + model.d); i < model.nParams; i++) params[i] = 0.3 * r.normal();
  }
  const temp = o.temp ?? 0.7, sharp = o.sharp ?? 8, f = o.f ?? null;
  const g = new Float64Array(model.nParams);
  const v = await objective(pass, model, loss, params, temp, sharp, f, g);
  let worst = 0, checked = 0;
  for (let i = 0; i < model.nParams; i++) {
    const h = 1e-5 * Math.max(1, Math.abs(params[i]));
    const p1 = params.slice(); p1[i] += h;
    const p0 = params.slice(); p0[i] -= h;
    const fd = ((await objective(pass, model, loss, p1, temp, sharp, f)).loss - (await objective(pass, model, loss, p0, temp, sharp, f)).loss) / (2 * h);
    // upper triangle of the raw Cholesky block is unused: both must be exactly zero
    if (fd === 0 && g[i] === 0) continue;
    const rel = Math.abs(fd - g[i]) / Math.max(Math.abs(fd), Math.abs(g[i]), 1e-3 * Math.abs(v.loss));
    worst = Math.max(worst, rel);
    checked++;
  }
  if (process.env.GRAD_DEBUG) console.log(`worst ${worst.toExponential(2)} over ${checked}`);
  assert.ok(checked > 0);
  assert.ok(worst <= (o.tol ?? 1e-6), `worst relative error ${worst.toExponential(2)} over ${checked} parameters`);
  return { v, worst };
}

test("GMM d = 1, sigmoid means, −Z of one signal: gradient = central differences ≤ 1e-6", async () => {
  const model = new GmmModel({ type: "gmm", k: 4, d: 1, meanNorm: "sigmoid", range: [[0, 1]], damping: 0.1 });
  const { v } = await check(model, toyEvents(1, ["signal", "bkg1", "bkg2"], 1500, 1, false), ["signal"],
    { kind: "single", lambdaYield: 0, lambdaUnc: 0, thrYield: 5, thrUnc: 0.2 });
  assert.ok(v.loss < 0);
});

test("GMM d = 2, softmax means, geometric-mean loss with both penalties active: gradient ≤ 1e-6", async () => {
  const model = new GmmModel({ type: "gmm", k: 4, d: 2, meanNorm: "softmax", range: [[0, 1]], damping: 0.1 });
  const { v } = await check(model, toyEvents(2, ["signal1", "signal2", "bkg1", "bkg2"], 800, 2, true), ["signal1", "signal2"],
    { kind: "geomean", lambdaYield: 0.01, lambdaUnc: 1, thrYield: 300, thrUnc: 0.05 });
  assert.ok(v.penYield > 0 && v.penUnc > 0, `both penalties active (${v.penYield}, ${v.penUnc})`);
});

test("GMM d = 2, bump-mode window factors on the backgrounds (f and f² variance): gradient ≤ 1e-6", async () => {
  const model = new GmmModel({ type: "gmm", k: 3, d: 2, meanNorm: "softmax", range: [[0, 1]], damping: 0.1 });
  const f = Float64Array.from([0.04, 0.05, 0.03]);
  for (const rv of ["f2", "f"] as const) {
    await check(model, toyEvents(2, ["signal1", "signal2", "bkg1"], 700, 4, true, true), ["signal1", "signal2"],
      { kind: "geomean", lambdaYield: 1, lambdaUnc: 1, thrYield: 40, thrUnc: 0.05, reweightVariance: rv }, { f, temp: 0.3 });
  }
});

test("sigmoid model, two variables (3 × 2 bins), −Z: gradient ≤ 1e-6", async () => {
  const model = new SigmoidModel({ type: "sigmoid", variables: [{ name: "a", bins: 3, range: [0, 1] }, { name: "b", bins: 2, range: [0, 1] }] });
  await check(model, toyEvents(2, ["signal", "bkg"], 1200, 5, false), ["signal"],
    { kind: "single", lambdaYield: 0.01, lambdaUnc: 0, thrYield: 400, thrUnc: 0.2 }, { sharp: 6 });
});

test("the temperature acts inside the step: the loss changes with T", async () => {
  const model = new GmmModel({ type: "gmm", k: 3, d: 1, meanNorm: "sigmoid", range: [[0, 1]], damping: 0.1 });
  const events = buildEventSet(1, toyEvents(1, ["signal", "bkg"], 500, 6, false), ["signal"]);
  const pass = new SoftPass(model, events);
  const loss = new GatoLoss(events.processes, 3, { kind: "single", lambdaYield: 0, lambdaUnc: 0, thrYield: 5, thrUnc: 0.2 });
  const p = model.init(new Rng(1));
  const a = await objective(pass, model, loss, p, 1, 0, null);
  const b = await objective(pass, model, loss, p, 0.05, 0, null);
  assert.notEqual(a.loss, b.loss);
});
