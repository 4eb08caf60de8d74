// The dataset combination with a shared ε² against hps_gpr (spec §18.1, §18.2).
import { test } from "node:test";
import assert from "node:assert/strict";
import { combinedLimit, inverseVarianceEps2 } from "../../src/bumphunt/combine.ts";
import { WindowLikelihood } from "../../src/bumphunt/window-likelihood.ts";
import { windowCalculator, windowFits, windowLimit } from "../../src/bumphunt/limits.ts";

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

test("§18.1: a one-dataset 'combination' equals the single-channel limit in ε² units (rtol 1e-3 → 1e-2 with the coarse bisection)", () => {
  const n = [21, 19, 20, 18], b = [20, 20, 20, 20];
  const C = new Float64Array(16); for (let i = 0; i < 4; i++) C[i * 5] = 2;
  const sUnit = [2.5e10, 7.5e10, 1e11, 5e10];
  const comb = combinedLimit([{ name: "d", n, b, C, sUnit }]);
  const total = sUnit.reduce((a, v) => a + v, 0);
  const single = windowLimit(new WindowLikelihood({ n, b, C, w: sUnit.map((v) => v / total) }));
  // The combined bisection stops at |CLs − α| < 1e-2 (spec §7.8): agreement to ~0.5%.
  assert.ok(rel(comb.eps2Up, single.limit / total) < 1e-2, `${comb.eps2Up} vs ${single.limit / total}`);
});

test("§18.2 one-dataset combination pinned to the spec: combined ε²_up 6.7082e-11 (1e-5); single-template 6.69305e-11, 0.30% above the spec's 6.67305e-11 (explained below)", () => {
  const n = [21, 19, 20, 18], b = [20, 20, 20, 20];
  const C = new Float64Array(16); for (let i = 0; i < 4; i++) C[i * 5] = 2;
  const sUnit = [2.5e10, 7.5e10, 1e11, 5e10];
  const total = sUnit.reduce((a, v) => a + v, 0);
  // The combined bisection (§7.8: |CLs − α| < 1e-2 or relative width 1e-3) stops on the same
  // midpoint as hps_gpr's: measured 5.9e-7 from the spec's 5-digit number (its rounding: 7.5e-6).
  const comb = combinedLimit([{ name: "d", n, b, C, sUnit }]);
  assert.ok(rel(comb.eps2Up, 6.7082e-11) < 1e-5, `combined ${comb.eps2Up}`);
  // The single-template limit solves CLs(A) = 0.05 exactly (§7.8 bands: tol_c 1e-8): A_up = 16.7326,
  // ε² = 6.69305e-11. The spec's 6.67305e-11 (A = 16.6826) is not a root of §7.7's CLs: our
  // calculator, which reproduces §18.2 case A's CLs, q_obs and q_A to 1e-6, gives CLs = 0.0506 there.
  // Neither q with the free Â (−0.19%) nor pyhf-style Asimov data (+0.26%) reproduces it; the spec
  // gives no inputs beyond these vectors, so the 0.30% is recorded here, not tuned away.
  const lik = new WindowLikelihood({ n, b, C, w: sUnit.map((v) => v / total) });
  const single = windowLimit(lik);
  const calc = windowCalculator(lik);
  assert.ok(Math.abs(calc.test(single.limit).observed.cls - 0.05) < 1e-6, "Math.abs(calc.test(single.limit).observed.cls - 0.05) < 1e-6");
  assert.ok(rel(single.limit / total, 6.69305e-11) < 1e-5, `single ${single.limit / total}`);
  assert.ok(Math.abs(rel(single.limit / total, 6.67305e-11) - 0.0030) < 1e-4, "Math.abs(rel(single.limit / total, 6.67305e-11) - 0.0030) < 1e-4");
  assert.ok(Math.abs(calc.test(6.67305e-11 * total).observed.cls - 0.0506) < 1e-4, "Math.abs(calc.test(6.67305e-11 * total).observed.cls - 0.0506) < 1e-4");
});

test("§18.2 two-dataset combination: ε²_up 2.24605e-6, p0 0.166782, Z 0.966959, q0 0.935009; ε̂² = 7.910e-7 ± 8.320e-7", () => {
  const C2 = new Float64Array(16);
  for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) C2[i * 4 + j] = 4 * Math.exp(-((i - j) ** 2) / (2 * 1.5 ** 2)) + (i === j ? 1e-6 : 0);
  const C1 = new Float64Array(9); for (let i = 0; i < 3; i++) C1[i * 4] = 9;
  const d1 = { name: "2015", n: [105, 98, 110], b: [100, 100, 100], C: C1, sUnit: [5e6, 8e6, 5e6] };
  const d2 = { name: "2016", n: [51, 49, 60, 55], b: [50, 50, 50, 50], C: C2, sUnit: [1.5e6, 3.5e6, 3.5e6, 1.5e6] };
  const r = combinedLimit([d1, d2]);
  assert.equal(r.datasets, "2015+2016");
  assert.ok(rel(r.eps2Up, 2.24605e-6) < 1e-3, `ε²_up ${r.eps2Up}`);
  assert.ok(rel(r.discovery.q0, 0.935009) < 1e-4, `q0 ${r.discovery.q0}`);
  assert.ok(rel(r.discovery.p0, 0.166782) < 1e-4, `p0 ${r.discovery.p0}`);
  assert.ok(rel(r.discovery.Z, 0.966959) < 1e-4, `Z ${r.discovery.Z}`);
  // Display estimate from per-dataset unconstrained fits, K1 = 2e7, K2 = 1e7.
  const parts = [{ d: d1, K: 2e7 }, { d: d2, K: 1e7 }].map(({ d, K }) => {
    const lik = new WindowLikelihood({ n: d.n, b: d.b, C: d.C, w: d.sUnit.map((v) => v / K) });
    const f = windowFits(lik);
    return { aHat: f.muHat, sigmaA: f.poiError(), K };
  });
  const e = inverseVarianceEps2(parts);
  // Our per-dataset fits give Â = 10.3948 ± 19.9633 and 13.8598 ± 14.9664 (converged to 1e-7
  // in the gradient), hence ε̂² = 7.864e-7 ± 8.304e-7: 0.6% and 0.2% from the spec's display
  // numbers, whose per-dataset inputs the spec does not list. Held to 1% until they are known.
  assert.ok(rel(e.eps2Hat, 7.91e-7) < 1e-2, `ε̂² ${e.eps2Hat}`);
  assert.ok(rel(e.sigma, 8.32e-7) < 1e-2, `σ ${e.sigma}`);
});
