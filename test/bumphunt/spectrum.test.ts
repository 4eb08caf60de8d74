// Spectrum geometry and conversions against hps_gpr's numbers (spec §18.1, §18.2).
import { test } from "node:test";
import assert from "node:assert/strict";
import { HPS_DATASETS, fullTemplate, massGrid, prepareSpectrum, windows, yieldPerEps2 } from "../../src/bumphunt/spectrum.ts";

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);

test("σ(m) of 2015, 2016 (with its linear tail) and 2021 at 20…250 MeV (1e-5)", () => {
  const masses = [0.02, 0.03, 0.05, 0.08, 0.12, 0.18, 0.2, 0.25];
  const want: Record<string, number[]> = {
    "2015": [0.000972153, 0.00150434, 0.00256873, 0.0041653, 0.00629406, 0.00948721, 0.0105516, 0.0132125],
    "2016": [0.00111814, 0.00145223, 0.00212181, 0.00326381, 0.00513895, 0.00770285, 0.00818085, 0.00937585],
    "2021": [0.00148408, 0.00150743, 0.00159535, 0.00183028, 0.00233588, 0.00350648, 0.0040066, 0.00549735],
  };
  for (const [d, vals] of Object.entries(want)) masses.forEach((m, i) => assert.ok(rel(HPS_DATASETS[d].sigma(m), vals[i]) < 1e-5, `${d} σ(${m})`));
  // §18.1: continuous at 0.18 and slope 0.0239 above
  const s = HPS_DATASETS["2016"].sigma;
  assert.ok(Math.abs(s(0.18 + 1e-9) - s(0.18)) < 1e-9);
  assert.ok(Math.abs((s(0.25) - s(0.2)) / 0.05 - 0.0239) < 1e-12);
});

test("ε² conversion: K_2015(0.05, ρ = 1e7) = 2.74379e7 and ε²(A = 100) = 3.6446e-6", () => {
  const K = yieldPerEps2(0.05, 0.085, 1e7);
  assert.ok(rel(K, 2.74379e7) < 1e-5);
  assert.ok(rel(100 / K, 3.6446e-6) < 1e-4);
  assert.ok(Number.isNaN(yieldPerEps2(0.05, 0, 1e7)));
});

test("2015 template at 50 MeV with 0.25 MeV bins: 34 blind bins, f_blind = 0.901977", () => {
  const edges = Array.from({ length: 601 }, (_, i) => i * 0.00025);
  const sp = prepareSpectrum(edges, new Float64Array(600), { rebin: 1 });
  const s = HPS_DATASETS["2015"].sigma(0.05);
  const { blind } = windows(sp.centres, 0.05, s, 1.64);
  const w = fullTemplate(sp.edges, 0.05, s);
  assert.equal(blind.length, 34);
  assert.ok(Math.abs(blind.reduce((a, i) => a + w[i], 0) - 0.901977) < 1e-6);
});

test("rebinning drops the leftover bins at the upper end; the mass grid has 111 points for 20–130 MeV", () => {
  const edges = Array.from({ length: 12 }, (_, i) => i);
  const sp = prepareSpectrum(edges, Array.from({ length: 11 }, (_, i) => i), { rebin: 3 });
  assert.deepEqual(Array.from(sp.counts), [3, 12, 21]);
  assert.deepEqual(Array.from(sp.edges), [0, 3, 6, 9]);
  const g = massGrid(0.02, 0.13);
  assert.equal(g.length, 111);
  assert.equal(g[110], 0.13);
});
