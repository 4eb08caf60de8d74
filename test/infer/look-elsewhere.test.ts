// Look-elsewhere helpers against hps_gpr's numbers (spec §18.1, §18.2).
import { test } from "node:test";
import assert from "node:assert/strict";
import { effectiveTrials, globalPFromMaxQ0Toys, grossVitellsGlobalP, grossVitellsGlobalZ, pTwoSided, q0FromLocalP0, sidakGlobalP, sidakGlobalZ, sidakLocalP, zFromP } from "../../src/infer/look-elsewhere.ts";
import { logNormalSf, normalIsfLog, normalSf } from "../../src/math/special.ts";

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

test("tails beyond float range: ln(1 − Φ) by its asymptotic series matches the exact value where both exist, and inverts", () => {
  for (const x of [30, 32, 35, 37]) {
    const exact = Math.log(normalSf(x));
    const u = 1 / (x * x);
    const series = -0.5 * x * x - Math.log(x) - 0.5 * Math.log(2 * Math.PI) + Math.log1p(u * (-1 + u * (3 - 15 * u)));
    assert.ok(Math.abs(series - exact) < 1e-9 * Math.abs(exact), `x = ${x}: series ${series} vs exact ${exact}`);
    assert.ok(Math.abs(logNormalSf(x) - exact) < 1e-9 * Math.abs(exact), `x = ${x}: logNormalSf`);
  }
  assert.ok(Math.abs(logNormalSf(29.999) - logNormalSf(30.001)) < 0.07, "continuous at the switch");
  for (const z of [0.5, 3, 10, 36, 40, 100, 402.7]) assert.ok(Math.abs(normalIsfLog(logNormalSf(z)) - z) < 1e-9 * z, `inverse at ${z}: ${normalIsfLog(logNormalSf(z))}`);
});

test("global Z stays finite for a local Z whose p underflows (a known resonance's peak), and equals the p-space value elsewhere", () => {
  for (const z of [2, 4, 6]) {
    assert.ok(Math.abs(sidakGlobalZ(z, 30) - zFromP(sidakGlobalP(normalSf(z), 30), true)) < 1e-9, `Šidák at Z = ${z}`);
    assert.ok(Math.abs(grossVitellsGlobalZ(z * z, 1, 3) - zFromP(grossVitellsGlobalP(z * z, 1, 3), true)) < 1e-12, `Gross–Vitells at Z = ${z}`);
  }
  const zl = 402.7, n = 126.6;
  const zs = sidakGlobalZ(zl, n);
  assert.equal(sidakGlobalP(normalSf(zl), n), 0, "p-space gives 0 (Z = ∞) here");
  // ln p_g = ln N + ln p_l  ⇒  Z_g ≈ Z_l − ln N / Z_l
  assert.ok(Number.isFinite(zs) && Math.abs(zs - (zl - Math.log(n) / zl)) < 1e-4, `Šidák global Z ${zs}`);
  const zg = grossVitellsGlobalZ(zl * zl, 1, 3);
  assert.ok(Number.isFinite(zg) && zg < zl, `Gross–Vitells global Z ${zg}`);
});
