// The bump-hunt chain on the real 2015 HPS spectrum: ROOT input, per-mass GP + profiled
// likelihood, and a short scan through the CLI with every row filled.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { needsShared, sharedPath, SHARED } from "../shared.ts";
import { readTH1 } from "../../src/io/root-hist.ts";
import { InputError } from "../../src/io/errors.ts";

const BIN = new URL("../../bin/searchlight.mjs", import.meta.url).pathname;

describe("HPS 2015 spectrum", needsShared(), () => {
  test("readTH1: 3000 bins over 0–0.15 GeV, ~21.5 M entries; a missing histogram names the file and the keys", async () => {
    const h = await readTH1(sharedPath("hps/funcform_2015_toys.root"), "input_hist");
    assert.equal(h.counts.length, 3000);
    assert.equal(h.edges[0], 0);
    assert.ok(Math.abs(h.edges[3000] - 0.15) < 1e-12);
    const total = h.counts.reduce((a, v) => a + v, 0);
    assert.ok(total > 2e7 && total < 2.3e7, `total ${total}`);
    await assert.rejects(readTH1(sharedPath("hps/funcform_2015_toys.root"), "no_such_hist"), (e: unknown) => e instanceof InputError && /input_hist/.test(e.detail));
  });

  test("bump scan 48–52 MeV: every row filled, GP optimum as scikit-learn's at 50 MeV, global p ≥ local p", () => {
    const dir = mkdtempSync(join(tmpdir(), "sl-bump-"));
    try {
      const r = spawnSync(process.execPath, [BIN, "bump", "scan", "--dataset", "2015", "--shared", SHARED, "--mass-min", "0.048", "--mass-max", "0.052", "--output-dir", dir, "--workers", "2", "--json"], { encoding: "utf8" });
      assert.equal(r.status, 0, r.stderr);
      const out = JSON.parse(r.stdout);
      assert.equal(out.rows.length, 5);
      assert.equal(out.failed, 0);
      for (const row of out.rows) {
        for (const k of ["A_up", "eps2_up", "sigma_A", "p0_analytic", "p0_global"]) assert.ok(Number.isFinite(row[k]), `${row.mass_GeV} ${k}`);
        assert.ok(row.p0_global >= row.p0_analytic);
        assert.ok(row.A_up > 0 && row.eps2_up > 0);
      }
      const m50 = out.rows.find((x: { mass_GeV: number }) => x.mass_GeV === 0.05);
      // scikit-learn's 10-restart optimum on this spectrum and window (gp_reference.json hps2015_m050)
      assert.ok(m50.gp_lml >= 534.9977897457671 - 1e-6, `LML ${m50.gp_lml}`);
      const csv = readFileSync(join(dir, "results_single.csv"), "utf8").trim().split("\n");
      assert.equal(csv.length, 6);
      assert.ok(csv[0].startsWith("dataset,mass_GeV,sigma_val,blind_lo,blind_hi,A_up,eps2_up,p0_analytic,Z_analytic,A_hat,sigma_A,extract_success"), "hps_gpr columns (spec §10)");
      assert.ok(existsSync(join(dir, "summary_plots", "eps2_ul_2015.png")) && existsSync(join(dir, "summary_plots", "p0_2015.pdf")));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("bump bands: ul_bands_2015.csv with ordered quantiles, the observed limit and no failed toys", () => {
    const dir = mkdtempSync(join(tmpdir(), "sl-bands-"));
    try {
      const r = spawnSync(process.execPath, [BIN, "bump", "bands", "--shared", SHARED, "--mass-min", "0.05", "--mass-max", "0.051", "--toys", "40", "--output-dir", dir, "--workers", "2", "--json"], { encoding: "utf8" });
      assert.equal(r.status, 0, r.stderr);
      const out = JSON.parse(r.stdout);
      assert.equal(out.rows.length, 2);
      assert.equal(out.failed_toys, 0);
      for (const row of out.rows) {
        assert.ok(row.A_lo2 <= row.A_lo1 && row.A_lo1 <= row.A_med && row.A_med <= row.A_hi1 && row.A_hi1 <= row.A_hi2);
        assert.ok(Math.abs(row.eps2_med * (row.A_obs / row.eps2_obs) - row.A_med) < 1e-6 * row.A_med);
        assert.ok(row.p_two >= 0 && row.p_two <= 1);
      }
      assert.ok(existsSync(join(dir, "ul_bands_2015.csv")) && existsSync(join(dir, "summary_plots", "ul_bands_eps2_2015.png")));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("bad input: an unknown dataset and a mass outside the scan range are one-line errors", () => {
    const bad = spawnSync(process.execPath, [BIN, "bump", "test", "--dataset", "2017", "--mass", "0.05"], { encoding: "utf8" });
    assert.equal(bad.status, 1);
    assert.match(bad.stderr.trim(), /^searchlight: --dataset: "2017": expected one of 2015, 2016, 2021$/);
    const out = spawnSync(process.execPath, [BIN, "bump", "scan", "--shared", SHARED, "--mass-min", "0.3", "--mass-max", "0.4"], { encoding: "utf8" });
    assert.equal(out.status, 1);
    assert.match(out.stderr, /no grid mass inside the 2015 scan range/);
  });
});
