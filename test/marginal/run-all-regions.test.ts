// Acceptance of issue #21 on every region of ../shared/discovery, in-process: from the published
// workspace with the shipped recipe, Searchlight's own normal fit and the automatic grid give
// T2 and T3 (observed data) equal to interval-evidence's stored scans to 1e-3 relative (measured
// worst 1.1e-4); the five small hb_2019/DVmuon regions also with the expected-data trio. The
// stored scans are read by the test only (compare.ts), never by the pipeline. (The same for every
// region with expected data, end to end on 2 workers: bench/marginal-run.bench.ts.)
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readWorkspace } from "../../src/histfactory/index.ts";
import { compareWithStored } from "../../src/marginal/compare.ts";
import { runRegion, RUN_DEFAULTS } from "../../src/marginal/pipeline.ts";
import { readRecipe, recipeRegions } from "../../src/marginal/recipe.ts";
import { needsShared, sharedPath } from "../shared.ts";

const EX = new URL("../../examples/marginal/", import.meta.url).pathname;
const JOBS: [string, string, boolean][] = [
  ["atlas_susy_hb_2019/a_bkg.json.gz", "hb_2019_a", true], ["atlas_susy_hb_2019/b_bkg.json.gz", "hb_2019_b", true], ["atlas_susy_hb_2019/c_bkg.json.gz", "hb_2019_c", true],
  ["atlas_susy_DVmuon_2020/srmet_bkg.json.gz", "dvmuon_2020_srmet", true], ["atlas_susy_DVmuon_2020/srmu_bkg.json.gz", "dvmuon_2020_srmu", true],
  ["atlas_susy_compressed_2020/ewkinos_bkg.json.gz", "compressed_2020_ewkinos", false], ["atlas_susy_compressed_2020/sleptons_bkg.json.gz", "compressed_2020_sleptons", false],
];

describe("marginal run on every stored region: T2/T3 equal the stored scans to 1e-3", needsShared(), () => {
  let regions = 0, worst = 0;
  for (const [ws, recipe, expected] of JOBS) {
    test(`${recipe}${expected ? " (observed and expected)" : " (observed)"}`, () => {
      const search = ws.split("/")[0];
      for (const { key, region } of recipeRegions(readWorkspace(sharedPath(`discovery/searches/${ws}`)), readRecipe(`${EX}${recipe}.yaml`))) {
        const { run } = runRegion(key, region, { ...RUN_DEFAULTS, observedOnly: !expected });
        assert.ok(run.converged, `${key}: blinded fit did not converge`);
        const rows = compareWithStored(run.priors, sharedPath(`discovery/searches/${search}/${key}/fit`)).filter((c) => c.level === -2 || c.level === -3);
        assert.equal(rows.length, expected ? 8 : 2, key);
        for (const c of rows) {
          assert.ok(c.rel !== null && c.rel < 1e-3, `${key} ${c.variant} λ = ${c.level}: ${c.ours} vs stored ${c.stored}`);
          worst = Math.max(worst, c.rel);
        }
        regions++;
      }
    });
  }
  test("22 regions checked", () => {
    assert.equal(regions, 22);
    process.stdout.write(`worst |T/T_stored − 1| over 22 regions: ${worst.toExponential(2)}\n`);
  });
});
