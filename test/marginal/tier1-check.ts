// Tier 1 validation (spec §6.1) of one region of ../shared/discovery against the stored scans:
// - every prior's expected data (ndata of down/central/up) to 1e-6;
// - integral_zero and sampled grid integrals: our [lower, upper] overlaps the stored bounds;
// - crossings: on every grid segment where a stored crossing lies, our crossing within 1e-6;
//   the crossing routine on the stored integrals reproduces the stored points exactly;
// - delta scans (closed form) to float precision, the profile-signal scan exactly;
// - n = 0: T2 = 2 and T3 = 3 for every prior.
// To keep the suite fast the grid is sampled (every SAMPLE_STRIDE-th point plus both ends of
// each segment holding a stored crossing: all levels for observed data, λ = −2, −3 for expected
// data); worked-*.test.ts run complete 201-point grids. The stored crossing lists are checked in
// full on the stored integrals either way.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { sharedPath } from "../shared.ts";
import { DATA_VARIANTS, mcmcLabel, readFitPrior, readNormalFit, readSignalFit, readStoredScan, storedScanPath, type PriorLabel, type StoredScan } from "../../src/marginal/fit-files.ts";
import { crossings } from "../../src/marginal/crossings.ts";
import { linspace } from "../../src/math/stats.ts";
import { expectedData, expectedDataDelta } from "../../src/marginal/expected-data.ts";
import { countLikelihood } from "../../src/marginal/likelihood-interval.ts";
import { Model } from "../../src/marginal/model.ts";
import { AddPrior, type Prior } from "../../src/marginal/prior-mass.ts";
import { scanDelta, scanFitSignal, type PriorScan } from "../../src/marginal/limit-scan.ts";

export const SAMPLE_STRIDE = 100;
export const CROSSING_ATOL = 1e-6;
export const NDATA_ATOL = 1e-6;

/** Worst deviations seen, printed by the test files (for the report). */
export const worst = { integralRel: 0, crossing: 0, ndata: 0, cells: 0 };

export function regionsOf(search: string): string[] {
  const dir = sharedPath(`discovery/searches/${search}`);
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((r) => existsSync(join(dir, r, "fit"))).sort();
}

export function fitDirOf(search: string, region: string): string {
  return sharedPath(`discovery/searches/${search}/${region}/fit`);
}

export function priorLabels(fitDir: string): PriorLabel[] {
  return ["normal", "normal_log", "cabinetry", "cabinetry_post", "linspace", mcmcLabel(fitDir)!];
}

const mid = (z: readonly number[]) => 0.5 * (z[0] + z[1]);

function assertOverlap(ours: [number, number], stored: [number, number], where: string): void {
  assert.ok(ours[0] <= stored[1] && stored[0] <= ours[1], `${where}: ours [${ours[0]}, ${ours[1]}] does not overlap stored [${stored[0]}, ${stored[1]}]`);
  const rel = Math.max(Math.abs(ours[0] - stored[0]) / stored[0], Math.abs(ours[1] - stored[1]) / stored[1]);
  worst.integralRel = Math.max(worst.integralRel, rel);
  worst.cells++;
}

/** Compare a complete scan of ours with the stored one: every cell overlaps, every level has the
 *  same number of crossings, each within CROSSING_ATOL. */
export function compareFullScan(ours: PriorScan, st: StoredScan): void {
  const where = st.file.replace(/.*searches\//, "");
  assert.equal(ours.integrals.length, st.integrals!.length, `${where}: grid size`);
  assert.equal(ours.ndata, st.ndata);
  assertOverlap(ours.integralZero, st.integralZero!, `${where} integral_zero`);
  ours.integrals.forEach((z, j) => assertOverlap(z, st.integrals![j], `${where} integrals[${j}]`));
  st.levels.forEach((level, k) => {
    const got = ours.crossings[ours.levels.indexOf(level)].points;
    assert.equal(got.length, st.points[k].length, `${where}: level ${level}: ${JSON.stringify(got)} vs stored ${JSON.stringify(st.points[k])}`);
    got.forEach((x, i) => {
      const d = Math.abs(x - st.points[k][i]);
      worst.crossing = Math.max(worst.crossing, d);
      assert.ok(d <= CROSSING_ATOL, `${where}: level ${level}: ${x} vs stored ${st.points[k][i]}`);
    });
  });
}

/** Check one stored prior scan on a sample of grid points (`full`: all of them). Crossings are
 *  checked for `crossingLevels` (default all stored levels). */
export function checkPriorScan(prior: Prior, st: StoredScan, full = false, crossingLevels: readonly number[] = st.levels): void {
  const where = st.file.replace(/.*searches\//, "");
  const signals = linspace(st.start, st.stop, st.integrals!.length);
  const lik = countLikelihood(st.ndata!);
  const rtol = st.rtol!;
  const zero = new Model(lik, new AddPrior(0, prior)).integrate(rtol / 10);
  assertOverlap(zero, st.integralZero!, `${where} integral_zero`);
  const logZero = Math.log(mid(zero));
  const storedLogZero = Math.log(mid(st.integralZero!));
  const storedCurve = st.integrals!.map((z) => Math.log(mid(z)) - storedLogZero);

  // Which grid points to compute.
  const wanted = new Set<number>();
  for (let j = 0; j < signals.length; j += full ? 1 : SAMPLE_STRIDE) wanted.add(j);
  wanted.add(signals.length - 1);
  const segments: { level: number; j: number; stored: number }[] = [];
  st.levels.forEach((level, k) => {
    // The routine on the stored integrals must give the stored points exactly.
    // (Not bit for bit: numpy's log and Math.log may differ in the last bit.)
    const again = crossings(signals, storedCurve, level);
    assert.equal(again.points.length, st.points[k].length, `${where}: crossing routine on the stored integrals, level ${level}`);
    again.points.forEach((x, i) => assert.ok(Math.abs(x - st.points[k][i]) <= 1e-12 * Math.max(1, x), `${where}: level ${level}: ${x} vs stored ${st.points[k][i]}`));
    assert.equal(again.flat.length, 0);
    if (!crossingLevels.includes(level)) return;
    for (let j = 0; j + 1 < signals.length; j++) {
      const y1 = storedCurve[j], y2 = storedCurve[j + 1];
      if (Math.min(y1, y2) <= level && level <= Math.max(y1, y2)) {
        segments.push({ level, j, stored: signals[j] + ((level - y1) * (signals[j + 1] - signals[j])) / (y2 - y1) });
        wanted.add(j);
        wanted.add(j + 1);
      }
    }
  });
  const ours = new Map<number, number>();
  for (const j of [...wanted].sort((a, b) => a - b)) {
    const z = signals[j] === 0 ? zero : new Model(lik, new AddPrior(signals[j], prior)).integrate(rtol);
    assertOverlap(z, st.integrals![j], `${where} integrals[${j}] (s = ${signals[j]})`);
    ours.set(j, Math.log(mid(z)) - logZero);
  }
  for (const { level, j, stored } of segments) {
    const c = crossings([signals[j], signals[j + 1]], [ours.get(j)!, ours.get(j + 1)!], level);
    assert.equal(c.points.length, 1, `${where}: level ${level} on segment ${j}: ours has ${c.points.length} crossings there`);
    const d = Math.abs(c.points[0] - stored);
    worst.crossing = Math.max(worst.crossing, d);
    assert.ok(d <= CROSSING_ATOL, `${where}: level ${level} crossing ours ${c.points[0]} vs stored ${stored}`);
  }
}

/** Register the Tier 1 tests of one region (one test per prior label, plus delta/signal). */
export function tier1Region(search: string, region: string): void {
  const dir = fitDirOf(search, region);
  for (const label of priorLabels(dir)) {
    test(`${search}/${region}: ${label} (observed, down, central, up)`, () => {
      const { prior } = readFitPrior(dir, label);
      const ex = expectedData(prior);
      for (const v of DATA_VARIANTS) {
        const st = readStoredScan(storedScanPath(dir, label, v));
        if (v === "observed") {
          assert.ok(Number.isInteger(st.ndata));
        } else {
          const d = Math.abs(ex[v] - st.ndata!);
          worst.ndata = Math.max(worst.ndata, d);
          assert.ok(d <= NDATA_ATOL, `${label} ${v}: expected data ${ex[v]} vs stored ${st.ndata}`);
        }
        // Observed data: every level; expected data: the limits T2, T3 (λ = −2, −3), to save time.
        checkPriorScan(prior, st, false, v === "observed" ? st.levels : [-2, -3]);
        if (v === "observed" && st.ndata === 0) checkZeroCountInvariant(prior, st);
      }
    });
  }
  test(`${search}/${region}: delta scans and the profile-signal scan`, () => {
    const fit = readNormalFit(dir);
    const trio = expectedDataDelta(fit.yieldLinear);
    const observed = readStoredScan(storedScanPath(dir, "delta", "observed"));
    for (const v of DATA_VARIANTS) {
      const st = readStoredScan(storedScanPath(dir, "delta", v));
      const n = v === "observed" ? observed.ndata! : trio[v];
      assert.ok(Math.abs(n - st.ndata!) <= 1e-12 * Math.max(1, n), `delta ${v}: ndata ${n} vs ${st.ndata}`);
      const ours = scanDelta(fit.yieldLinear, st.ndata!, { start: st.start, stop: st.stop, num: 201 });
      st.points.forEach((pts, k) => {
        const got = ours.crossings[k].points;
        assert.equal(got.length, pts.length, `delta ${v} level ${st.levels[k]}: ${JSON.stringify(got)} vs ${JSON.stringify(pts)}`);
        pts.forEach((x, i) => assert.ok(Math.abs(got[i] - x) <= 1e-9 * Math.max(1, x), `delta ${v} level ${st.levels[k]}: ${got[i]} vs ${x}`));
      });
    }
    const sig = readStoredScan(join(dir, "limit", "scan_fit_signal_observed.json"));
    const ours = scanFitSignal(readSignalFit(dir));
    assert.deepEqual(ours.crossings.map((c) => c.points), sig.points);
  });
}

/** n = 0: L̃(s + b) = e^{−s}L̃(b), so ℓ(s) = −s for every prior: T2 = 2, T3 = 3 (spec §6.1). */
function checkZeroCountInvariant(prior: Prior, st: StoredScan): void {
  const lik = countLikelihood(0);
  const zero = new Model(lik, new AddPrior(0, prior)).integrate(st.rtol! / 10);
  for (const level of [-2, -3]) {
    // The segments around s = −level (it may be a grid point; ℓ there is −s within rtol).
    const signals = linspace(st.start, st.stop, 201);
    const j = signals.findIndex((s, i) => s <= -level && -level <= signals[i + 1]);
    const around = [j - 1, j, j + 1, j + 2].map((i) => signals[i]);
    const ell = around.map((s) => Math.log(mid(new Model(lik, new AddPrior(s, prior)).integrate(st.rtol!))) - Math.log(mid(zero)));
    const c = crossings(around, ell, level);
    const limit = c.points.at(-1)!;
    assert.ok(Math.abs(limit + level) <= 2e-3, `n = 0: level ${level} limit ${limit}, expected ${-level}`);
    const stored = st.points[st.levels.indexOf(level)].at(-1)!;
    assert.ok(Math.abs(stored + level) <= 2e-3, `n = 0: stored level ${level} limit ${stored}`);
  }
}
