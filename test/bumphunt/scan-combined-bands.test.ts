// do_combined_bands inside a scan (spec §11.2): the scan runs the combined-band toys on the
// windows it combined, and its rows are exactly combinedBandRow on those windows. This path ran
// in no test (issue #23); combinedBandRow itself is tested in combined-bands.test.ts.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { needsShared, sharedPath } from "../shared.ts";
import { configFromObject, planFromConfig } from "../../src/bumphunt/config.ts";
import { runScanPlan } from "../../src/bumphunt/scan-plan.ts";
import { combinedBandRow } from "../../src/bumphunt/combined-bands.ts";
import { combinedLikelihood } from "../../src/bumphunt/combine.ts";
import { windowCalculator } from "../../src/bumphunt/limits.ts";

describe("do_combined_bands within the scan", needsShared(), () => {
  test("2015 + 2016 at 60 MeV, 40 toys: one ul_bands_combined_all row, ordered quantiles, equal to combinedBandRow on the scan's windows", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sl-cbands-"));
    try {
      const cfg = configFromObject({
        path_2015: sharedPath("hps/funcform_2015_toys.root"), path_2016: sharedPath("hps/funcform_2016_toys.root"), hist_2015: "input_hist", hist_2016: "input_hist",
        range_2015: [0.02, 0.13], range_2016: [0.035, 0.21], enable_2016: true, do_combined: true, do_combined_bands: true, combined_bands_n_toys: 40,
        neighborhood_rebin: 10, n_restarts: 0, make_ul_bands: false, save_plots: false, save_per_mass_folders: false, output_dir: dir,
      }, join(dir, "c.yaml"), dir);
      const plan = planFromConfig(cfg, { massMin: 0.06, massMax: 0.06 });
      assert.ok(plan.combinedBands, "the plan carries the combined bands");
      const out = await runScanPlan(plan);
      assert.equal(out.combinedBands.length, 1);
      const r = out.combinedBands[0];
      assert.equal(r.error, "", r.error);
      assert.equal(r.dataset_set, "2015+2016");
      assert.deepEqual([r.n_toys, r.n_failed], [40, 0]);
      assert.ok(r.eps2_lo2 <= r.eps2_lo1 && r.eps2_lo1 <= r.eps2_med && r.eps2_med <= r.eps2_hi1 && r.eps2_hi1 <= r.eps2_hi2, JSON.stringify(r));
      assert.ok(r.eps2_obs > 0 && r.p_two >= 0 && r.p_two <= 1, JSON.stringify(r));
      // The same windows the combination used, through the band function directly: the same row.
      const windows = out.windows.get(0.06)!;
      assert.equal(windows.length, 2);
      const sigmas = ["2015", "2016"].map((d) => out.single.get(d)!.find((x) => x.mass_GeV === 0.06)!.sigma_mass_res_GeV);
      const direct = combinedBandRow({ mass: 0.06, index: 0, windows, sigmas, observedVisible: true },
        { nToys: 40, seed: plan.combinedBands!.seed, alpha: plan.alpha, truncMethod: plan.combinedBands!.truncMethod });
      assert.deepEqual(r, direct);
      // The bands' observed limit solves CLs = α on the combined likelihood tightly (spec §7.8,
      // bands: tol 1e-8); the scan's combined limit stops at the coarse |CLs − α| < 1e-2 (measured
      // 1.1% apart here), so both are checked through CLs, not against each other.
      const { lik, eps2Ref } = combinedLikelihood(windows);
      const calc = windowCalculator(lik);
      const cls = (eps2: number) => calc.test(eps2 / eps2Ref).observed.cls;
      assert.ok(Math.abs(cls(r.eps2_obs) - 0.05) < 1e-6, `CLs at the bands' ε²_obs: ${cls(r.eps2_obs)}`);
      assert.ok(Math.abs(cls(out.combined[0].eps2_up) - 0.05) < 1e-2, `CLs at the scan's ε²_up: ${cls(out.combined[0].eps2_up)}`);
      const csv = join(dir, "ul_bands_combined_all.csv");
      assert.ok(existsSync(csv), "ul_bands_combined_all.csv written");
      assert.equal(readFileSync(csv, "utf8").trim().split("\n").length, 2, "header and one row");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
