// The generic counting model: analytic gradient against central differences, the same −ln L as
// the equivalent pyhf workspace compiled by the HistFactory engine, Asimov data and sampling.
import { test } from "node:test";
import assert from "node:assert/strict";
import { countingModel, type CountingSpec } from "../../src/likelihood/counting.ts";
import { compileModel } from "../../src/histfactory/model.ts";
import type { WorkspaceSpec } from "../../src/histfactory/spec.ts";
import { fit } from "../../src/likelihood/fit.ts";
import { Rng } from "../../src/math/rng.ts";

const SPECS: [string, CountingSpec][] = [
  ["one bin, Poisson γ", { signal: [12], background: [40], relativeUncertainty: 0.15, observed: [47] }],
  ["three bins, shared Gaussian γ", { signal: [3, 8, 2], background: [30, 20, 5], relativeUncertainty: 0.1, constraint: "gaussian", observed: [33, 31, 4] }],
  ["three bins, per-bin Poisson γ", { signal: [3, 8, 2], background: [30, 20, 5], relativeUncertainty: [0.1, 0.2, 0.3], observed: [33, 31, 0] }],
  ["no nuisance", { signal: [5, 1], background: [10, 3], observed: [14, 2] }],
];

for (const [label, spec] of SPECS) {
  test(`counting model (${label}): analytic gradient = central differences`, () => {
    const m = countingModel(spec);
    const n = m.parameters.length;
    const pars = Float64Array.from(m.parameters, (_, i) => (i === 0 ? 0.7 : 1.05 - 0.04 * i));
    const g = new Float64Array(n);
    const f = m.nllGrad(pars, m.observed, g);
    assert.ok(Math.abs(f - m.nll(pars, m.observed)) < 1e-12);
    for (let i = 0; i < n; i++) {
      const h = 1e-6, p = Float64Array.from(pars), q = Float64Array.from(pars);
      p[i] += h; q[i] -= h;
      const fd = (m.nll(p, m.observed) - m.nll(q, m.observed)) / (2 * h);
      assert.ok(Math.abs(fd - g[i]) < 1e-6 * Math.max(1, Math.abs(g[i])), `∂/∂${m.parameters[i].name}: ${g[i]} vs ${fd}`);
    }
  });
}

test("counting model = pyhf shapesys workspace: same −ln L, expected data and best fit", () => {
  const spec: CountingSpec = { signal: [3, 8], background: [30, 20], relativeUncertainty: [0.1, 0.2], observed: [33, 31] };
  const ws: WorkspaceSpec = {
    channels: [{ name: "SR", samples: [
      { name: "signal", data: [3, 8], modifiers: [{ name: "mu", type: "normfactor", data: null }] },
      { name: "bkg", data: [30, 20], modifiers: [{ name: "unc", type: "shapesys", data: [3, 4] }] },
    ] }],
    observations: [{ name: "SR", data: [33, 31] }],
    measurements: [{ name: "m", config: { poi: "mu", parameters: [] } }],
    version: "1.0.0",
  };
  const c = countingModel(spec), h = compileModel(ws);
  for (const pars of [[1, 1, 1], [0.3, 0.9, 1.2], [2.5, 1.1, 0.8]]) {
    const p = Float64Array.from(pars);
    assert.ok(Math.abs(c.nll(p, c.observed) - h.nll(p, h.observed)) < 1e-9);
    assert.deepEqual(Array.from(c.expected(p)).map((x) => +x.toPrecision(12)), Array.from(h.expected(p)).map((x) => +x.toPrecision(12)));
  }
  const a = fit(c, c.observed), b = fit(h, h.observed);
  assert.ok(Math.abs(a.twiceNll - b.twiceNll) < 1e-7 && Math.abs(a.pars[0] - b.pars[0]) < 1e-4);
});

test("counting model: prefit σ, Asimov aux data, and the sample mean converges to the expectation", () => {
  const m = countingModel({ signal: [5], background: [50], relativeUncertainty: 0.1, constraint: "gaussian" });
  assert.deepEqual(m.parameters.map((p) => [p.name, p.prefitSigma]), [["mu", NaN], ["gamma", 0.1]]);
  const pars = Float64Array.from([2, 1.1]);
  assert.deepEqual(Array.from(m.expected(pars)), [2 * 5 + 1.1 * 50, 1.1]);
  const rng = new Rng(7);
  let sMain = 0, sAux = 0, s2Aux = 0;
  const N = 20000;
  for (let i = 0; i < N; i++) {
    const d = m.sample(pars, rng);
    sMain += d[0]; sAux += d[1]; s2Aux += d[1] * d[1];
  }
  assert.ok(Math.abs(sMain / N - 65) < 4 * Math.sqrt(65 / N));
  assert.ok(Math.abs(sAux / N - 1.1) < 4 * 0.1 / Math.sqrt(N));
  assert.ok(Math.abs(Math.sqrt(s2Aux / N - (sAux / N) ** 2) - 0.1) < 0.005);
});

test("counting model: zero counts and bad input", () => {
  const m = countingModel({ signal: [0, 1], background: [1, 2], observed: [0, 0] });
  assert.ok(Number.isFinite(m.nll(Float64Array.from([0]), m.observed)));
  assert.throws(() => countingModel({ signal: [1], background: [0] }), /b > 0/);
  assert.throws(() => countingModel({ signal: [1, 2], background: [3] }), /same/);
  assert.throws(() => countingModel({ signal: [1, 2], background: [3, 4], relativeUncertainty: [0.1] }), /one relative uncertainty per bin/);
});
