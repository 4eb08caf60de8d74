// Expected bands with the GP refitted on every full-range toy (spec §11.1 mode B): every toy
// is accounted for (finite limit or counted failure), the CLI rows equal the in-process toys
// of the same seed (worker-count independent), and the fixed-total mode keeps the total.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { needsShared, SHARED } from "../shared.ts";
import { bandSeed, fullRangeToyCounts, refitBandToys } from "../../src/bumphunt/full-toys.ts";
import { summariseBands } from "../../src/bumphunt/bands.ts";
import { massPointInputs } from "../../src/bumphunt/mass-point.ts";
import { hpsScanJob, prepareDataset } from "../../src/bumphunt/scan.ts";
import { Rng } from "../../src/math/rng.ts";

const BIN = new URL("../../bin/searchlight.mjs", import.meta.url).pathname;

test("fixed-total multinomial toys keep the total; Poisson toys have mean μ", () => {
  const mu = [100, 2000, 30000, 5];
  const t = fullRangeToyCounts(mu, "fixed_total_multinomial", 32105, new Rng(1));
  assert.equal(t.reduce((a, v) => a + v, 0), 32105);
  let s = 0;
  for (let k = 0; k < 200; k++) s += fullRangeToyCounts(mu, "poisson", 0, new Rng(k))[2];
  assert.ok(Math.abs(s / 200 - 30000) < 4 * Math.sqrt(30000 / 200));
});

describe("refit bands on the 2015 spectrum", needsShared(), () => {
  test("bands-refit: 4 toys at 60 MeV, every toy accounted, CLI (2 workers, chunks of 2) = in-process toys", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sl-refit-"));
    try {
      const r = spawnSync(process.execPath, [BIN, "bump", "bands-refit", "--shared", SHARED, "--mass-min", "0.06", "--mass-max", "0.06", "--toys", "4", "--chunk", "2", "--seed", "5", "--output-dir", dir, "--workers", "2", "--json"], { encoding: "utf8" });
      assert.equal(r.status, 0, r.stderr);
      const out = JSON.parse(r.stdout);
      const row = out.rows[0];
      assert.equal(row.n_toys, 4);
      assert.equal(row.bands_full_toy_bkg_mode, "poisson");
      assert.ok(row.A_obs > 0 && Number.isFinite(row.p0_analytic));
      const p = await prepareDataset(hpsScanJob("2015", SHARED, { massMin: 0.06, massMax: 0.06 }));
      const x = massPointInputs(p.spectrum, 0.06, p.sigma(0.06), p.optionsAt(0.06));
      const local = refitBandToys(p, 0.06, x, { nToys: 4, seed: 5, mode: "poisson", restarts: 0, optimize: true, alpha: 0.05 }, bandSeed(5, 0), 0, 4);
      const s = summariseBands(local.limits, row.A_obs, x.aPerEps2);
      assert.equal(row.n_failed, s.n_failed);
      assert.equal(row.n_failed + local.limits.filter(Number.isFinite).length, 4);
      if (s.n_failed < 4) assert.equal(row.A_med, s.A.med);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
