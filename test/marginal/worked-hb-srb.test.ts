// Worked reference numbers of spec §6.4 A (hb_2019 SRB) on complete 201-point grids: every stored
// cell overlaps ours and every stored crossing is reproduced to 1e-6 (Tier 1 without sampling).
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { needsShared } from "../shared.ts";
import { fitDirOf, compareFullScan, CROSSING_ATOL } from "./tier1-check.ts";
import { readFitPrior, readNormalFit, readSignalFit, readStoredScan, storedScanPath, type PriorLabel } from "../../src/marginal/fit-files.ts";
import { expectedData } from "../../src/marginal/expected-data.ts";
import { scanDelta, scanFitSignal, scanPrior, upperLimit } from "../../src/marginal/limit-scan.ts";

const near = (got: number | null, want: number, tol: number, what: string) =>
  assert.ok(got !== null && Math.abs(got - want) <= tol, `${what}: ${got} vs ${want} (±${tol})`);

describe("§6.4 A: hb_2019 SRB", needsShared(), () => {
  const dir = fitDirOf("atlas_susy_hb_2019", "SRB");
  const grid = { start: 0, stop: 20, num: 201 };

  test("normal prior: bounds, quad values, crossings, expected data", () => {
    const { prior } = readFitPrior(dir, "normal");
    const s = scanPrior(prior, 3, grid);
    const rel = (a: number, b: number) => Math.abs(a - b) / b;
    assert.ok(rel(s.integralZero[0], 0.8645517120013) < 1e-12 && rel(s.integralZero[1], 0.8645927598530274) < 1e-12, `Z(0) ${s.integralZero}`);
    assert.ok(s.integralZero[0] <= 0.864571817545 && 0.864571817545 <= s.integralZero[1]);
    const at = (x: number) => s.integrals[Math.round(x * 10)];
    assert.ok(rel(at(1)[0], 0.7641208396364579) < 1e-12 && rel(at(1)[1], 0.7644874141075892) < 1e-12, `Z(1) ${at(1)}`);
    assert.ok(rel(at(5)[0], 0.1249421059) < 1e-9 && rel(at(5)[1], 0.1250100490) < 1e-9 && at(5)[0] <= 0.1249770967 && 0.1249770967 <= at(5)[1]);
    assert.ok(rel(at(10)[0], 0.0038746294) < 1e-8 && rel(at(10)[1], 0.0038768152) < 1e-8 && at(10)[0] <= 0.003875733684 && 0.003875733684 <= at(10)[1]);
    for (const [level, want] of [[-0.5, 2.2022], [-2, 5.1085], [-3, 6.6616], [-4.5, 8.7858]]) near(upperLimit(s, level), want, 5e-5, `λ = ${level}`);
    const ex = expectedData(prior);
    near(ex.central, 3.2979473, 1e-7, "central n");
    near(ex.up, 5.3638895, 1e-7, "up n");
    near(ex.down, 1.2320052, 1e-7, "down n");
    for (const [v, want] of [["central", 7.1474], ["up", 11.1235], ["down", 4.2555]] as const) {
      const st = readStoredScan(storedScanPath(dir, "normal", v));
      const e = scanPrior(prior, st.ndata!, grid); // stored ndata: equal to ours within 1e-7 (above)
      near(upperLimit(e, -3), want, 5e-5, `T3 ${v}`);
      compareFullScan(e, st);
    }
    compareFullScan(s, readStoredScan(storedScanPath(dir, "normal", "observed")));
  });

  const byPrior: [PriorLabel, number, number][] = [
    ["normal_log", 4.9520, 6.4962], ["cabinetry", 5.1043, 6.6572], ["cabinetry_post", 5.0383, 6.5850], ["linspace", 4.6671, 6.2146], ["mcmc_mix", 4.5988, 6.1408],
  ];
  for (const [label, t2, t3] of byPrior) {
    test(`${label}: observed T2 ${t2}, T3 ${t3}; full-grid Tier 1`, () => {
      const { prior } = readFitPrior(dir, label);
      const s = scanPrior(prior, 3, grid);
      near(upperLimit(s, -2), t2, 5e-5, "T2");
      near(upperLimit(s, -3), t3, 5e-5, "T3");
      compareFullScan(s, readStoredScan(storedScanPath(dir, label, "observed")));
    });
  }
  test("Z(0) of the other priors", () => {
    for (const [label, lo, hi] of [["normal_log", 0.8690015794, 0.8690354622], ["linspace", 0.7464849909, 0.7465161452], ["mcmc_mix", 0.8040958720, 0.8041325258]] as const) {
      const s = scanPrior(readFitPrior(dir, label).prior, 3, { start: 0, stop: 1, num: 2 });
      assert.ok(Math.abs(s.integralZero[0] - lo) < 1e-10 && Math.abs(s.integralZero[1] - hi) < 1e-10, `${label}: ${s.integralZero}`);
    }
  });
  test("delta and profile-signal: T2, T3", () => {
    const d = scanDelta(readNormalFit(dir).yieldLinear, 3, grid);
    near(upperLimit(d, -2), 4.6331, 5e-5, "delta T2");
    near(upperLimit(d, -3), 6.1621, 5e-5, "delta T3");
    const p = scanFitSignal(readSignalFit(dir));
    near(upperLimit(p, -2), 4.8766, 5e-5, "profile T2");
    near(upperLimit(p, -3), 6.4317, 5e-5, "profile T3");
    assert.ok(CROSSING_ATOL <= 1e-6);
  });
});
