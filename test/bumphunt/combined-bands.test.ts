// Expected ε² bands of the combination (spec §11.2): one active dataset reproduces that
// dataset's own band (same toys, limit in ε² = A/K); with two datasets the toy median agrees
// with the Asimov expected combined limit within MC error; rows are reproducible.
import { describe, test } from "node:test";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { needsShared, sharedPath } from "../shared.ts";
import assert from "node:assert/strict";
import { combinedBandRow } from "../../src/bumphunt/combined-bands.ts";
import { expectedBands } from "../../src/bumphunt/bands.ts";
import { combinedLikelihood, type DatasetWindow } from "../../src/bumphunt/combine.ts";
import { windowLimit } from "../../src/bumphunt/limits.ts";
import { WindowLikelihood } from "../../src/bumphunt/window-likelihood.ts";
import { caseC } from "./case-c.ts";

const BIN = new URL("../../bin/searchlight.mjs", import.meta.url).pathname;

function window(name: string, scale: number, sLog: number, K: number): DatasetWindow {
  const { b, C, w } = caseC(scale, sLog);
  // Observed counts: the background plus a 2% excess in the middle bins.
  const n = b.map((v, i) => Math.round(v * (i >= 4 && i < 8 ? 1.02 : 1)));
  return { name, n, b, C, sUnit: w.map((v) => v * K) };
}

test("one active dataset: the combined ε² band equals that dataset's A band / K (same toys; 1e-6)", () => {
  const K = 2.5e6;
  const win = window("2015", 400, 2e-3, K);
  const { b, C, sUnit } = win;
  const w = Array.from(sUnit, (v) => v / K);
  const index = 3, seed = 24680, nToys = 60;
  const row = combinedBandRow({ mass: 0.048, index, windows: [win], sigmas: [0.0025], observedVisible: true }, { nToys, seed, alpha: 0.05 });
  // bandRow seeds a mass with (seed·1000003 + index), as the combined rows do.
  const single = expectedBands({ b, C, w, nToys, seed: (seed * 1000003 + index) >>> 0, aPerEps2: K, observed: windowLimit(new WindowLikelihood({ n: win.n, b, C, w })).limit });
  assert.equal(row.n_failed, 0);
  assert.equal(row.dataset_set, "2015");
  for (const k of ["lo2", "lo1", "med", "hi1", "hi2", "mean"] as const) {
    const ours = row[`eps2_${k}`], ref = single.eps2![k];
    assert.ok(Math.abs(ours / ref - 1) < 1e-6, `eps2_${k}: ${ours} vs ${ref}`);
  }
  // Observed: Brent on CLs here, §7.8 bisection in windowLimit (tolerance ≈ 1e-5 relative).
  assert.ok(Math.abs(row.eps2_obs / (windowLimit(new WindowLikelihood({ n: win.n, b, C, w })).limit / K) - 1) < 1e-4);
  assert.equal(row.p_strong, single.p_strong);
});

test("two datasets: band median of 400 toys agrees with the Asimov combined limit within 3 MC errors", () => {
  const wins = [window("2015", 400, 2e-3, 2e6), window("2016", 900, 1e-3, 3e6)];
  const row = combinedBandRow({ mass: 0.048, index: 0, windows: wins, sigmas: [0.0025, 0.0027], observedVisible: true }, { nToys: 400, seed: 24680, alpha: 0.05 });
  assert.equal(row.n_failed, 0);
  assert.equal(row.dataset_set, "2015+2016");
  assert.equal(row.sigma_mass_res_min_GeV, 0.0025);
  assert.ok(Math.abs(row.sigma_mass_res_GeV - 0.0026) < 1e-15);
  const { lik, eps2Ref } = combinedLikelihood(wins.map((w) => ({ ...w, n: w.b })));
  const asimov = windowLimit(lik).limit * eps2Ref;
  const se = (1.2533 * ((row.eps2_hi1 - row.eps2_lo1) / 2)) / Math.sqrt(400);
  assert.ok(Math.abs(row.eps2_med - asimov) < 3 * se, `median ${row.eps2_med} vs Asimov ${asimov} (± ${se})`);
  assert.ok(row.eps2_lo2 < row.eps2_lo1 && row.eps2_lo1 < row.eps2_med && row.eps2_med < row.eps2_hi1 && row.eps2_hi1 < row.eps2_hi2);
  // The combination is stronger than either dataset alone.
  for (const w of wins) {
    const alone = combinedBandRow({ mass: 0.048, index: 0, windows: [w], sigmas: [0.0025], observedVisible: true }, { nToys: 100, seed: 24680, alpha: 0.05 });
    assert.ok(row.eps2_med < alone.eps2_med, `${w.name}: combined ${row.eps2_med} vs alone ${alone.eps2_med}`);
  }
  assert.ok(row.Z_analytic > 0 && row.p0_analytic > 0 && row.p0_analytic < 0.5, `Z ${row.Z_analytic}`);
});

test("combined rows are reproducible; no observed limit unless every dataset is visible", () => {
  const wins = [window("2015", 400, 2e-3, 2e6), window("2021", 300, 3e-3, 1e6)];
  const t = { mass: 0.05, index: 7, windows: wins, sigmas: [0.0025, 0.002], observedVisible: true };
  const a = combinedBandRow(t, { nToys: 20, seed: 1, alpha: 0.05 });
  const b = combinedBandRow(t, { nToys: 20, seed: 1, alpha: 0.05 });
  assert.deepEqual(a, b);
  const hidden = combinedBandRow({ ...t, observedVisible: false }, { nToys: 20, seed: 1, alpha: 0.05 });
  assert.ok(Number.isNaN(hidden.eps2_obs) && Number.isNaN(hidden.p_strong));
  assert.equal(hidden.eps2_med, a.eps2_med);
  const other = combinedBandRow({ ...t, index: 8 }, { nToys: 20, seed: 1, alpha: 0.05 });
  assert.notEqual(other.eps2_med, a.eps2_med);
});

describe("combined refit bands on the real spectra (bands-refit -d combined)", needsShared(), () => {
  test("2015+2016 at 60 MeV: Poisson toys with per-dataset GP refits; same bytes with 1 and 2 workers; observed ε² as the combined scan", () => {
    const dir = mkdtempSync(join(tmpdir(), "sl-cbr-"));
    try {
      const cfg = join(dir, "c.yaml");
      writeFileSync(cfg, [
        `path_2015: ${sharedPath("hps/funcform_2015_toys.root")}`, `path_2016: ${sharedPath("hps/funcform_2016_toys.root")}`,
        "hist_2015: input_hist", "hist_2016: input_hist", "enable_2015: true", "enable_2016: true", "enable_2021: false", "do_combined: true", "neighborhood_rebin: 10", "n_restarts: 0", "make_ul_bands: false",
        "save_plots: false", "save_per_mass_folders: false", "output_dir: out", "",
      ].join("\n"));
      const files = [1, 2].map((w) => {
        const r = spawnSync(process.execPath, [BIN, "bump", "bands-refit", "--config", cfg, "-d", "combined", "--mass-min", "0.06", "--mass-max", "0.06", "--toys", "4", "--chunk", "2", "--workers", String(w), "--output-dir", join(dir, `w${w}`), "--json"], { encoding: "utf8" });
        assert.equal(r.status, 0, r.stderr);
        const j = JSON.parse(r.stdout);
        assert.equal(j.rows.length, 1);
        const row = j.rows[0];
        assert.equal(row.dataset_set, "2015+2016");
        assert.equal(row.n_toys, 4);
        assert.equal(row.n_failed, 0);
        assert.ok(row.eps2_lo2 <= row.eps2_med && row.eps2_med <= row.eps2_hi2 && row.eps2_med > 0);
        return { csv: readFileSync(j.file, "utf8"), eps2Obs: row.eps2_obs as number };
      });
      assert.equal(files[0].csv, files[1].csv);
      const t = spawnSync(process.execPath, [BIN, "bump", "test", "--config", cfg, "--mass", "0.06", "--json"], { encoding: "utf8" });
      assert.equal(t.status, 0, t.stderr);
      // The scan's combined limit stops at |CLs − α| < 1e-2 (hps_gpr §7.8); the bands' is the precise root.
      const scan = JSON.parse(t.stdout).combined[0].eps2_up;
      assert.ok(Math.abs(files[0].eps2Obs / scan - 1) < 0.05, `bands ε²_obs ${files[0].eps2Obs} vs scan ${scan}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
