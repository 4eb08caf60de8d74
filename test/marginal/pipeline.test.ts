// The pieces of `marginal run` that need no ../shared: the first grid stop, the extension of a
// grid that ends too early, the refined limits (delta prior: ℓ in closed form, so the exact
// crossing is known), observed-only scans, and a region that fails (kept with its reason, no
// limits.json written).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brent } from "../../src/math/roots.ts";
import { initialStop, roundUp2, scanVariant, scanVariants } from "../../src/marginal/auto-scan.ts";
import { poissonLogRatio } from "../../src/marginal/likelihood-interval.ts";
import { truncNormalPrior } from "../../src/marginal/prior-mass.ts";
import { RUN_DEFAULTS } from "../../src/marginal/pipeline.ts";
import { regionRunner } from "../../src/marginal/run-task.ts";

describe("automatic grids", () => {
  test("roundUp2 and the first stop (n = 0: ℓ(s) = −s, so the stop is ≥ |λ|)", () => {
    assert.equal(roundUp2(37.2), 38);
    assert.equal(roundUp2(0.431), 0.44);
    assert.equal(roundUp2(200), 200);
    assert.ok(initialStop({ mean: 0.4, sd: 0.2 }, 0, -4.5) >= 4.5);
    // Gaussian approximation for n = 100, b = 100 ± 10: s = √(2·(100 + 100)·4.5) = 42.4, +10 %.
    assert.equal(initialStop({ mean: 100, sd: 10 }, 100, -4.5), 47);
  });

  test("delta prior: a too-short grid is extended until the lowest level is crossed; the limits are the exact crossings", () => {
    const b = 5, n = 9;
    const ell = (s: number) => poissonLogRatio(n, b + s) - poissonLogRatio(n, b);
    // A background scale far above the truth puts the first stop (6.7) far too low: the grid must grow.
    const v = scanVariant({ delta: b }, n, { mean: 1000, sd: 0 }, { levels: [-2, -3, -6], num: 11 });
    assert.equal(v.extended, true);
    assert.deepEqual(v.beyond_grid, []);
    assert.ok(v.log_ratio[v.log_ratio.length - 1] < -6);
    assert.equal(v.refined, true);
    for (const [level, got] of [[-2, v.limit_2], [-3, v.limit_3], [-6, v.crossings[2].points.at(-1)!]] as const) {
      const exact = brent((s) => ell(s) - level, 0, 100, { xtol: 1e-13 }).x;
      assert.ok(Math.abs(got! - exact) <= 1e-6 * exact, `λ = ${level}: ${got} vs exact ${exact}`);
    }
    // The interpolated crossing on the same coarse grid is much further off.
    const coarse = scanVariant({ delta: b }, n, { mean: 1000, sd: 0 }, { levels: [-3], num: 11, refine: false });
    const exact3 = brent((s) => ell(s) + 3, 0, 100, { xtol: 1e-13 }).x;
    assert.ok(Math.abs(coarse.limit_3! - exact3) > 10 * Math.abs(v.limit_3! - exact3));
  });

  test("a fixed grid is neither extended nor refined; an unreached level is reported beyond the grid", () => {
    const v = scanVariant({ delta: 5 }, 9, { mean: 5, sd: 1 }, { levels: [-2, -30], grid: { start: 0, stop: 40, num: 21 } });
    assert.equal(v.extended, false);
    assert.equal(v.refined, false);
    assert.equal(v.grid.num, 21);
    assert.deepEqual(v.beyond_grid, [-30]);
    assert.equal(v.crossings[1].points.length, 0);
  });

  test("observed-only: one data variant; otherwise the expected trio too", () => {
    const prior = truncNormalPrior(3, 1);
    assert.deepEqual(Object.keys(scanVariants(prior, 3, { mean: 3, sd: 1 }, { levels: [-3], observedOnly: true })), ["observed"]);
    assert.deepEqual(Object.keys(scanVariants({ delta: 3 }, 3, { mean: 3, sd: 1 }, { levels: [-3] })), ["observed", "down", "central", "up"]);
  });
});

test("a region that cannot be fitted fails with its reason and writes no limits.json", () => {
  const dir = mkdtempSync(join(tmpdir(), "sl-mrun-fail-"));
  try {
    const region = {
      signal_region_name: "SR",
      workspace: {
        channels: [{ name: "SR", samples: [{ name: "b", data: [1, 2], modifiers: [{ name: "mu", type: "normfactor" as const, data: null }] }] }],
        observations: [{ name: "SR", data: [1, 2] }], measurements: [{ name: "m", config: { poi: "", parameters: [] } }], version: "1.0.0",
      },
    };
    const out = regionRunner(RUN_DEFAULTS).run({ key: "X", region, dir: join(dir, "X"), digest: "d" });
    assert.equal(out.status, "failed");
    assert.match(out.status === "failed" ? out.reason : "", /exactly one bin/);
    assert.ok(!existsSync(join(dir, "X", "limits.json")));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
