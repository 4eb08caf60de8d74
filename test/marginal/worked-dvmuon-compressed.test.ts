// Worked reference numbers of spec §6.4 B (DVmuon SRMET, n = 0) and C (compressed SR_E_mll_20, an
// excess with positive-evidence intervals), on complete 201-point grids.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { needsShared } from "../shared.ts";
import { fitDirOf, priorLabels, compareFullScan } from "./tier1-check.ts";
import { readFitPrior, readNormalFit, readStoredScan, storedScanPath } from "../../src/marginal/fit-files.ts";
import { expectedData } from "../../src/marginal/expected-data.ts";
import { scanPrior, upperLimit } from "../../src/marginal/limit-scan.ts";
import { normalCdf } from "../../src/math/special.ts";

const near = (got: number | null | undefined, want: number, tol: number, what: string) =>
  assert.ok(got !== null && got !== undefined && Math.abs(got - want) <= tol, `${what}: ${got} vs ${want} (±${tol})`);

describe("§6.4 B: DVmuon_2020 SRMET (n = 0)", needsShared(), () => {
  const dir = fitDirOf("atlas_susy_DVmuon_2020", "SRMET");
  const grid = { start: 0, stop: 10, num: 201 };
  test("normal prior: Z(0) brackets the analytic E[e^{−b}]; expected-data limits", () => {
    const fit = readNormalFit(dir);
    near(fit.yieldLinear, 0.43, 1e-12, "b̂");
    const { prior } = readFitPrior(dir, "normal");
    const s = scanPrior(prior, 0, grid);
    const [mu, sd] = [fit.yieldLinear, fit.errorLinear];
    const analytic = (Math.exp(-mu + (sd * sd) / 2) * normalCdf((mu - sd * sd) / sd)) / normalCdf(mu / sd);
    near(analytic, 0.6547591728, 1e-10, "analytic");
    assert.ok(s.integralZero[0] <= analytic && analytic <= s.integralZero[1], `Z(0) ${s.integralZero}`);
    near(s.integralZero[0], 0.6547418953, 1e-10, "Z(0) lower");
    near(s.integralZero[1], 0.6547736729, 1e-10, "Z(0) upper");
    const ex = expectedData(prior);
    for (const [v, n, t3] of [["central", 0.445054, 4.1167], ["up", 1.144426, 6.1761], ["down", 0, 3.0]] as const) {
      near(ex[v], n, 1e-6, `${v} n`);
      near(upperLimit(scanPrior(prior, ex[v], grid), -3), t3, 1e-4, `${v} T3`);
    }
  });
  test("every prior: T2 = 2 and T3 = 3 (±1e-4), full-grid Tier 1", () => {
    for (const label of priorLabels(dir)) {
      const { prior } = readFitPrior(dir, label);
      const s = scanPrior(prior, 0, grid);
      near(upperLimit(s, -2), 2, 1e-4, `${label} T2`);
      near(upperLimit(s, -3), 3, 1e-4, `${label} T3`);
      compareFullScan(s, readStoredScan(storedScanPath(dir, label, "observed")));
    }
  });
});

describe("§6.4 C: compressed_2020 SR_E_mll_20 (n = 383, excess)", needsShared(), () => {
  const dir = fitDirOf("atlas_susy_compressed_2020", "SR_E_mll_20");
  const grid = { start: 0, stop: 300, num: 201 };
  test("normal prior: ln Z(0), positive-evidence intervals, T2, T3; expected T3", () => {
    const fit = readNormalFit(dir);
    near(fit.yieldLinear, 306.7412, 1e-4, "b̂");
    near(fit.errorLinear, 20.9180, 1e-4, "σ_b");
    const { prior } = readFitPrior(dir, "normal");
    const s = scanPrior(prior, 383, grid);
    near(Math.log(0.5 * (s.integralZero[0] + s.integralZero[1])), -4.078087, 1e-6, "ln Z(0)");
    near(s.integralZero[0], 0.01693938789, 2e-11, "Z(0) lower"); // the spec quotes 10 digits
    near(s.integralZero[1], 0.01694030002, 2e-11, "Z(0) upper");
    const points = (level: number) => s.crossings[s.levels.indexOf(level)].points;
    for (const [level, lo, hi] of [[3, 43.187, 110.833], [2, 24.535, 130.106], [0.5, 5.316, 150.26]]) {
      const p = points(level);
      assert.equal(p.length, 2, `λ = ${level}: ${p}`);
      near(p[0], lo, 1e-3, `λ = ${level} low`);
      near(p[1], hi, 1e-3, `λ = ${level} high`);
    }
    near(points(0).at(-1), 155.884, 1e-3, "ℓ back to 0");
    near(upperLimit(s, -2), 175.352, 1e-3, "T2");
    near(upperLimit(s, -3), 183.831, 1e-3, "T3");
    compareFullScan(s, readStoredScan(storedScanPath(dir, "normal", "observed")));
    const ex = expectedData(prior);
    near(ex.central, 306.741, 1e-3, "central n");
    near(upperLimit(scanPrior(prior, ex.central, grid), -3), 68.28, 5e-3, "expected T3");
  });
});
