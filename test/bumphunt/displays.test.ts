// Displays and projections (hps_gpr §13): project-eps2-reach arithmetic (MeV auto-detection,
// aliases), observed-display numbers equal the scan row, extract-display is seeded.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { needsShared, SHARED } from "../shared.ts";
import { contextBins, projectReach } from "../../src/bumphunt/displays.ts";
import { parseCsv } from "../../src/io/csv.ts";
import { InputError } from "../../src/io/errors.ts";

const BIN = new URL("../../bin/searchlight.mjs", import.meta.url).pathname;
const run = (args: string[]) => spawnSync(process.execPath, [BIN, "bump", ...args], { encoding: "utf8" });

test("context figure bins: ±10σ around m, without the blind window when the dataset is blinded", () => {
  const centres = Array.from({ length: 100 }, (_, i) => 0.0005 + 0.001 * i);
  assert.deepEqual(contextBins(centres, 0.05, 0.001, null), Array.from({ length: 20 }, (_, k) => 40 + k));
  assert.deepEqual(contextBins(centres, 0.05, 0.001, [48, 49, 50, 51]), [40, 41, 42, 43, 44, 45, 46, 47, 52, 53, 54, 55, 56, 57, 58, 59]);
});

test("project-eps2-reach: current = (Σ v⁻²)^−½, projected = (Σ S v⁻²)^−½, MeV masses and toy_eps2 aliases", () => {
  const t = parseCsv("dataset,mass,toy_eps2_uls_q50\n2015,50,2e-6\n2016,50,3e-6\n2021,50,1e-5\n2015,60,2e-6\n");
  const r = projectReach(t.rows, t.columns, { "2015": 1, "2016": 10, "2021": 100 });
  assert.deepEqual(r.bands, ["med"]);
  const m50 = r.rows.find((x) => x.mass_GeV === 0.05)!;
  assert.ok(Math.abs(m50.current_med - 1 / Math.sqrt(1 / 4e-12 + 1 / 9e-12 + 1 / 1e-10)) < 1e-18);
  assert.ok(Math.abs(m50.projected_med - 1 / Math.sqrt(1 / 4e-12 + 10 / 9e-12 + 100 / 1e-10)) < 1e-18);
  assert.ok(Math.abs(m50.projected_med_2021 - 1e-6) < 1e-18);
  const m60 = r.rows.find((x) => x.mass_GeV === 0.06)!;
  assert.equal(m60.current_med, 2e-6);
  assert.ok(Number.isNaN(m60.med_2016));
  assert.throws(() => projectReach(t.rows, ["dataset", "mass"], {}, "x.csv"), (e: unknown) => e instanceof InputError && e.field === "eps2_med");
});

describe("displays on the 2015 spectrum", needsShared(), () => {
  test("observed-display equals bump test at the same mass; extract-display is reproducible; files written", () => {
    const dir = mkdtempSync(join(tmpdir(), "sl-disp-"));
    try {
      const o = run(["observed-display", "--shared", SHARED, "--mass", "0.07", "-o", dir, "--json"]);
      assert.equal(o.status, 0, o.stderr);
      const od = JSON.parse(o.stdout);
      const t = run(["test", "--shared", SHARED, "--mass", "0.07", "--json"]);
      assert.equal(t.status, 0, t.stderr);
      const tr = JSON.parse(t.stdout);
      assert.equal(od.A_up, tr.A_up);
      assert.equal(od.Z_analytic, tr.Z_analytic);
      for (const f of ["observed_context_2015.png", "observed_zoom_2015.pdf", "observed_display_2015.json"]) assert.ok(existsSync(join(dir, "m070MeV", f)), f);
      const ex = [0, 1].map(() => {
        const r = run(["extract-display", "--shared", SHARED, "--masses", "0.07", "--strengths", "5", "--no-refit", "-o", join(dir, "ex"), "--json"]);
        assert.equal(r.status, 0, r.stderr);
        return JSON.parse(r.stdout)[0];
      });
      assert.deepEqual(ex[0], ex[1]);
      assert.ok(Math.abs(ex[0].A_inj / ex[0].sigmaA_ref - 5) < 1e-12);
      assert.ok(ex[0].success && Number.isFinite(ex[0].pull));
      assert.equal(JSON.parse(readFileSync(join(dir, "ex", "2015", "extract_display_2015_m070MeV_z5.json"), "utf8")).A_hat, ex[0].A_hat);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("observed-display of a blinded dataset (data_visibility expected_only): no observed numbers, no window data or figure", () => {
    const dir = mkdtempSync(join(tmpdir(), "sl-disp-b-"));
    try {
      const example = readFileSync(new URL("../../examples/bump/hps2015.yaml", import.meta.url), "utf8");
      const cfg = join(dir, "blinded.yaml");
      writeFileSync(cfg, example.replace(/^path_2015: .*$/m, `path_2015: ${join(SHARED, "hps", "funcform_2015_toys.root")}`) + '\ndata_visibility: {"2015": expected_only}\n');
      const o = run(["observed-display", "--config", cfg, "--mass", "0.07", "-o", dir, "--json"]);
      assert.equal(o.status, 0, o.stderr);
      const [d] = JSON.parse(o.stdout).single;
      assert.equal(d.blinded, true);
      assert.equal(d.A_up, null); // NaN in JSON: the observed limit is not computed
      assert.deepEqual(d.files.map((f: string) => f.split("/").pop()), ["observed_context_2015.png", "observed_context_2015.pdf", "observed_display_2015.json"]);
      const text = run(["observed-display", "--config", cfg, "--mass", "0.07", "-o", dir]);
      assert.match(text.stdout, /2015 m = 0\.07 GeV: blinded/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("observed-display with a 3-dataset config: each dataset and the combination equal `bump test --config` at the same mass", () => {
    const dir = mkdtempSync(join(tmpdir(), "sl-disp-c-"));
    try {
      const cfg = new URL("../../examples/bump/hps_combined.yaml", import.meta.url).pathname;
      const o = run(["observed-display", "--config", cfg, "--mass", "0.06", "-o", dir, "--json"]);
      assert.equal(o.status, 0, o.stderr);
      const od = JSON.parse(o.stdout);
      const t = run(["test", "--config", cfg, "--mass", "0.06", "--json"]);
      assert.equal(t.status, 0, t.stderr);
      const tr = JSON.parse(t.stdout);
      assert.deepEqual(od.single.map((r: { dataset: string }) => r.dataset), ["2015", "2016", "2021"]);
      for (const r of od.single) assert.equal(r.A_up, tr.rows.find((x: { dataset: string }) => x.dataset === r.dataset).A_up, r.dataset);
      assert.equal(od.combined.datasets, "2015+2016+2021");
      assert.equal(od.combined.eps2_up, tr.combined[0].eps2_up);
      assert.equal(od.combined.Z_analytic, tr.combined[0].Z_analytic);
      assert.ok(od.combined.eps2_up < Math.min(...od.single.map((r: { eps2_up: number }) => r.eps2_up)), "the combination is stronger than any dataset");
      for (const f of ["observed_display_combined.png", "observed_display_combined.json", "observed_display_2021.json"]) assert.ok(existsSync(join(dir, "m060MeV", f)), f);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("extract-display -d combined: ε²_inj = z·σ_ε², A_inj,d = K_d·ε²_inj, ε̂² the inverse-variance combination; files", () => {
    const dir = mkdtempSync(join(tmpdir(), "sl-exd-c-"));
    try {
      const cfg = new URL("../../examples/bump/hps_combined.yaml", import.meta.url).pathname;
      const r = run(["extract-display", "--config", cfg, "-d", "combined", "--masses", "0.06", "--strengths", "5", "--no-refit", "-o", dir, "--json"]);
      assert.equal(r.status, 0, r.stderr);
      const [c] = JSON.parse(r.stdout);
      assert.equal(c.datasets, "2015+2016+2021");
      assert.ok(Math.abs(c.eps2_inj / c.sigma_eps2 - 5) < 1e-12);
      const K = c.per_dataset.map((d: { A_inj: number }) => d.A_inj / c.eps2_inj);
      // σ_ε² = (Σ K_d² / σ²_A,ref,d)^−½ from the per-dataset σ_A,ref.
      const info = c.per_dataset.reduce((a: number, d: { sigmaA_ref: number }, k: number) => a + (K[k] * K[k]) / (d.sigmaA_ref * d.sigmaA_ref), 0);
      assert.ok(Math.abs(c.sigma_eps2 * Math.sqrt(info) - 1) < 1e-12);
      let num = 0, den = 0;
      c.per_dataset.forEach((d: { A_hat: number; sigma_A: number }, k: number) => { num += (K[k] / d.sigma_A ** 2) * d.A_hat; den += K[k] ** 2 / d.sigma_A ** 2; });
      assert.ok(Math.abs(c.eps2_hat / (num / den) - 1) < 1e-12);
      assert.ok(Math.abs(c.pull - (c.eps2_hat - c.eps2_inj) / c.sigma_eps2_hat) < 1e-12);
      assert.ok(c.eps2_obs_up > 0);
      for (const f of ["extract_display_combined_m060MeV_z5.png", "extract_display_combined_m060MeV_z5.json", "extract_display_2021_m060MeV_z5.json"]) assert.ok(existsSync(join(dir, "combined", f)), f);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
