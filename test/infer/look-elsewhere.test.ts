// Look-elsewhere helpers against hps_gpr's numbers (spec §18.1, §18.2).
import { test } from "node:test";
import assert from "node:assert/strict";
import { effectiveTrials, globalPFromMaxQ0Toys, pTwoSided, q0FromLocalP0, sidakGlobalP, sidakLocalP } from "../../src/infer/look-elsewhere.ts";

// σ_2015(m) = −9.22283032152e-5 + 0.0532190838657·m [GeV] (spec §2.2)
const sigma2015 = (m: number) => -9.22283032152e-5 + 0.0532190838657 * m;
const grid = Array.from({ length: 111 }, (_, i) => (20 + i) / 1000);

test("N_eff on the 2015 20–130 MeV grid: 22.3294 (W = 1.64) and 18.6838 (W = 1.96)", () => {
  assert.ok(Math.abs(effectiveTrials(grid, sigma2015, 1.64) - 22.3294) < 1e-4);
  assert.ok(Math.abs(effectiveTrials(grid, sigma2015, 1.96) - 18.6838) < 1e-4);
});

test("Šidák(p = 1e-3, N = 20) = 0.0198111, inverse recovers p, and p_global ≥ p_local", () => {
  const g = sidakGlobalP(1e-3, 20);
  assert.ok(Math.abs(g - 0.0198111) < 1e-7);
  assert.ok(Math.abs(sidakLocalP(g, 20) - 1e-3) < 1e-15);
  for (const p of [1e-9, 1e-4, 0.01, 0.3]) assert.ok(sidakGlobalP(p, 22.3) >= p);
});

test("q0_from_local_p0([0.5, 0.158655, 0.0227501]) = [0, 1, 4]", () => {
  const q = [0.5, 0.158655, 0.0227501].map(q0FromLocalP0);
  [0, 1, 4].forEach((v, i) => assert.ok(Math.abs(q[i] - v) < 1e-4, `${q[i]} vs ${v}`));
});

test("global_p_from_max_q0_toys(9, [0.1, 4, 9, 12, 20]) = 4/6; p_two(0.08, 0.92) = 0.16", () => {
  assert.equal(globalPFromMaxQ0Toys(9, [0.1, 4, 9, 12, 20]), 4 / 6);
  assert.ok(Math.abs(pTwoSided(0.08, 0.92) - 0.16) < 1e-15);
});
