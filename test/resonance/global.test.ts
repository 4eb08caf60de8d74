// Global significance pieces: Gross–Vitells (EPJC 70 (2010) 525, eq. 2) and up-crossings
// (src/infer/look-elsewhere.ts), and the background-only toy calibration (seeded, executor-independent).
import { test } from "node:test";
import assert from "node:assert/strict";
import { grossVitellsGlobalP, upcrossings } from "../../src/infer/look-elsewhere.ts";
import { syntheticSpectrum } from "../../src/resonance/example.ts";
import { DEFAULT_SEARCH, type SearchSpec } from "../../src/resonance/search.ts";
import { calibrateGlobal, globalFromToys } from "../../src/resonance/toys.ts";

test("Gross–Vitells: p = ½erfc(√(q/2)) + ⟨N(u0)⟩e^{−(q−u0)/2} (q = 9, u0 = 1, N = 2: 0.0013499 + 0.0366313)", () => {
  const want = 0.0013498980316301 + 2 * Math.exp(-4);
  assert.ok(Math.abs(grossVitellsGlobalP(9, 1, 2) - want) < 1e-12);
  assert.equal(grossVitellsGlobalP(0.01, 1, 50), 1);
  assert.equal(upcrossings([0, 2, 0, 3, 3, 0.5, 2, NaN, 2], 1), 3);
});

test("toy calibration: same seed → same toys; global p from toys and Gross–Vitells are probabilities", async () => {
  const syn = syntheticSpectrum({ lo: 500, hi: 3000, nBins: 30, events: 5000, shape: "dijet", sqrtS: 13000, p1: 10, p2: 5, seed: 9 });
  const spec: SearchSpec = { ...DEFAULT_SEARCH, signal: { kind: "gaussian" }, resolution: { kind: "relative", fraction: 0.04 }, background: { model: "parametric", families: ["dijet"], npar: 3, orderSelection: "ftest", sqrtS: 13000 } };
  const masses = [700, 1000, 1400, 1800, 2400];
  const a = await calibrateGlobal(spec, syn.spectrum, masses, { nToys: 4, seed: 3 });
  const b = await calibrateGlobal(spec, syn.spectrum, masses, { nToys: 4, seed: 3 });
  assert.deepEqual(a.toyMaxZ, b.toyMaxZ);
  assert.equal(a.toyMaxZ.length, 4);
  const g = globalFromToys(2.5, a);
  for (const p of [g.p_global_toys, g.p_global_gv]) assert.ok(p > 0 && p <= 1, `${p}`);
});
