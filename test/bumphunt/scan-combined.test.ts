// Multi-dataset scans from hps-gpr configurations on the real HPS spectra (../shared/hps):
// validation errors for bad inputs, error rows for empty windows, a short three-way combined
// scan with every row filled and the combined columns equal to combinedLimit on the same
// windows, and the CLI (`bump scan|test --config`) with its output files.
import { describe, test, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { needsShared, sharedPath } from "../shared.ts";
import { configFromObject, planFromConfig } from "../../src/bumphunt/config.ts";
import { combinedLimit } from "../../src/bumphunt/combine.ts";
import { poolTaskExecutor } from "../../src/batch/pool.ts";
import { runScanPlan } from "../../src/bumphunt/scan-plan.ts";
import { SCAN_COLUMNS } from "../../src/bumphunt/scan.ts";
import { CONFIG_FIELDS, validatePlan } from "../../src/bumphunt/validation.ts";
import { InputError } from "../../src/io/errors.ts";

const MAIN = new URL("../../src/cli/main.ts", import.meta.url).pathname;
const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
const BASE = {
  path_2015: sharedPath("hps/funcform_2015_toys.root"), path_2016: sharedPath("hps/funcform_2016_toys.root"), path_2021: sharedPath("hps/funcform_2021_toys.root"),
  hist_2015: "input_hist", hist_2016: "input_hist", hist_2021: "input_hist",
  range_2015: [0.02, 0.13], range_2016: [0.035, 0.21], range_2021: [0.03, 0.25], frad_coeffs_2021: [0.05],
  kernel_ls_res_upper_factor_by_dataset: { "2015": 8, "2016": 8, "2021": 9 }, kernel_ls_local_hi_floor_mode: "dataset_stat", kernel_ls_local_hi_floor_factor: 0.8, kernel_ls_res_npts: 300,
  n_restarts: 0, make_ul_bands: false, save_plots: false, save_per_mass_folders: false,
};

describe("scan from a configuration: bad inputs", needsShared(), () => {
  const dir = mkdtempSync(join(tmpdir(), "sl-badcfg-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const validateFails = async (over: Record<string, unknown>, re: RegExp) => {
    const cfg = configFromObject({ ...BASE, output_dir: dir, ...over }, join(dir, "c.yaml"), dir);
    await assert.rejects(validatePlan(planFromConfig(cfg), CONFIG_FIELDS(cfg.file)), (e: unknown) => e instanceof InputError && re.test(e.message), `expected ${re}`);
    const report = JSON.parse(readFileSync(join(dir, "validation_report.json"), "utf8"));
    assert.equal(report.ok, false, "validation_report.json records the failure");
  };

  test("a missing file, a missing histogram, a range outside the histogram, a non-positive f_rad: one line naming the config key", async () => {
    await validateFails({ path_2015: "nope.root" }, /c\.yaml: path_2015: ROOT file not found: .*nope\.root$/);
    await validateFails({ path_2015: "" }, /c\.yaml: path_2015: no ROOT file given for dataset 2015/);
    await validateFails({ hist_2015: "invariant_mass" }, /c\.yaml: hist_2015: histogram "invariant_mass" not readable from .*funcform_2015_toys\.root: no such histogram; top-level keys: input_hist/);
    await validateFails({ range_2015: [0.1, 0.2] }, /c\.yaml: range_2015: scan range \[0\.1, 0\.2\] GeV is not inside the histogram's \[0, 0\.15\] GeV/);
    await validateFails({ data_range_2015: [0.03, 0.12] }, /range_2015: scan range \[0\.02, 0\.13\] GeV is not inside the histogram's \[0\.03, 0\.12\] GeV \(after data_range and rebin\)/);
    await validateFails({ enable_2015: false, enable_2021: true, frad_coeffs_2021: [-0.211, 10.5, -161.8, 1189.0, -4165.0, 5565.0] },
      /c\.yaml: frad_coeffs_2021: f_rad\(0\.03 GeV\) = -0\.0127554 is not positive/);
    await validateFails({ sigma_coeffs_2015: [-0.01, 0.05] }, /sigma_coeffs_2015: σ\(0\.02 GeV\) = -0\.009 is not positive/);
  });

  test("windows without bins: a warning in validation_report.json and error rows in the scan, never a crash or a gap (fail_fast makes it an error)", async () => {
    // 10 MeV bins (rebin 200): the 1.64σ window at 30 MeV (σ = 1.5 MeV) holds no bin centre.
    const cfg = configFromObject({ ...BASE, neighborhood_rebin: 200, output_dir: dir }, join(dir, "c.yaml"), dir);
    const plan = planFromConfig(cfg, { massMin: 0.03, massMax: 0.03 });
    const rep = await validatePlan(plan, CONFIG_FIELDS(cfg.file));
    assert.equal(rep.ok, true);
    assert.deepEqual(rep.datasets[0].empty_window_masses, [0.03]);
    assert.match(rep.datasets[0].warnings[0], /1 mass \(0\.03 GeV\) have a blind window without bins/);
    const out = await runScanPlan(plan, { write: false });
    const rows = out.single.get("2015")!;
    assert.equal(rows.length, 1);
    assert.equal(rows[0].visibility, "error");
    assert.match(rows[0].error, /the blind window contains no bins/);
    assert.ok(Number.isNaN(rows[0].A_up));
    await assert.rejects(validatePlan(plan, CONFIG_FIELDS(cfg.file), { failFast: true }), /neighborhood_rebin: 1 mass .* \(fail_fast\)/);
  });
});

describe("make_ul_bands within the scan (hps-gpr default true)", needsShared(), () => {
  test("2015 at 60 MeV, 30 toys, bands with their own training exclusion: ul_bands_2015.csv with ordered quantiles and the scan's observed limit", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sl-cfgbands-"));
    try {
      const cfg = configFromObject({ ...BASE, neighborhood_rebin: 10, make_ul_bands: true, ul_bands_toys: 30, ul_bands_train_exclude_nsigma: 1.96, output_dir: dir }, join(dir, "c.yaml"), dir);
      const plan = planFromConfig(cfg, { massMin: 0.06, massMax: 0.06 });
      assert.equal(plan.jobs[0].bands!.trainNSigma, 1.96);
      const out = await runScanPlan(plan);
      const b = out.bands.get("2015")!;
      assert.equal(b.length, 1);
      const r = b[0];
      assert.equal(r.error, "");
      assert.equal(r.n_toys, 30);
      assert.equal(r.n_failed, 0);
      assert.ok(r.A_lo2 <= r.A_lo1 && r.A_lo1 <= r.A_med && r.A_med <= r.A_hi1 && r.A_hi1 <= r.A_hi2);
      assert.ok(r.eps2_med > 0 && r.p_two >= 0 && r.p_two <= 1);
      // The bands' GP excludes ±1.96σ, the scan's ±1.64σ: same data, slightly different observed limit.
      const single = out.single.get("2015")![0];
      assert.ok(rel(r.A_obs, single.A_up) < 0.5, `${r.A_obs} vs ${single.A_up}`);
      assert.ok(existsSync(join(dir, "ul_bands_2015.csv")));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("the scan on an executor (ARCHITECTURE.md, Executors)", needsShared(), () => {
  test("2015 + 2016 at 60–61 MeV with 20-toy bands and the combination: the same outcome in this thread and on 2 worker threads", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sl-exec-"));
    try {
      const cfg = configFromObject({ ...BASE, enable_2016: true, do_combined: true, neighborhood_rebin: 10, make_ul_bands: true, ul_bands_toys: 20, output_dir: dir }, join(dir, "c.yaml"), dir);
      const plan = planFromConfig(cfg, { massMin: 0.06, massMax: 0.061 });
      const strip = (o: Awaited<ReturnType<typeof runScanPlan>>) => JSON.stringify({ single: [...o.single], combined: o.combined, bands: [...o.bands] });
      const local = await runScanPlan(plan, { write: false });
      const pooled = await runScanPlan(plan, { executor: poolTaskExecutor(2), write: false });
      assert.equal(local.single.get("2015")!.length, 2);
      assert.equal(local.combined.length, 2);
      assert.ok(local.combined.every((r) => Number.isFinite(r.eps2_up)), JSON.stringify(local.combined));
      assert.equal(strip(pooled), strip(local));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("three-way combined scan (2015 + 2016 + 2021, rebin 5)", needsShared(), () => {
  test("50–51 MeV: every single and combined row filled; combined ε²_up, p0, Z equal combinedLimit on the same windows", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sl-comb-"));
    try {
      const cfg = configFromObject({ ...BASE, enable_2016: true, enable_2021: true, do_combined: true, output_dir: dir, save_per_mass_folders: true }, join(dir, "c.yaml"), dir);
      const plan = planFromConfig(cfg, { massMin: 0.05, massMax: 0.051 });
      await validatePlan(plan, CONFIG_FIELDS(cfg.file));
      const out = await runScanPlan(plan, { executor: poolTaskExecutor(2) });
      for (const d of ["2015", "2016", "2021"]) {
        const rows = out.single.get(d)!;
        assert.deepEqual(rows.map((r) => r.mass_GeV), [0.05, 0.051], d);
        for (const r of rows) {
          assert.equal(r.visibility, "observed", `${d} ${r.mass_GeV}: ${r.error}`);
          for (const k of ["A_up", "eps2_up", "A_hat", "sigma_A", "p0_analytic", "Z_analytic", "p0_global", "gp_lml", "sigma_x", "blind_lo"] as const) assert.ok(Number.isFinite(r[k]), `${d} ${r.mass_GeV} ${k}`);
          assert.ok(r.A_up > 0 && r.eps2_up > 0 && r.p0_global >= r.p0_analytic);
        }
      }
      assert.equal(out.combined.length, 2);
      for (const c of out.combined) {
        assert.equal(c.datasets, "2015+2016+2021");
        assert.equal(c.n_datasets, 3);
        assert.equal(c.visibility, "observed", c.error);
        const w = out.windows.get(c.mass_GeV)!;
        // s_unit = K_d · w_d: its sum over the window is K_d · f_blind of the single row.
        for (const win of w) {
          const r = out.single.get(win.name)!.find((x) => x.mass_GeV === c.mass_GeV)!;
          const s = Array.from(win.sUnit).reduce((a, v) => a + v, 0);
          assert.ok(rel(s, r.A_per_eps2 * r.f_blind) < 1e-12, `${win.name} s_unit`);
        }
        const ref = combinedLimit(w, 0.05);
        assert.ok(rel(c.eps2_up, ref.eps2Up) < 1e-9, `ε²_up ${c.eps2_up} vs ${ref.eps2Up}`);
        assert.ok(Math.abs(c.p0_analytic - ref.discovery.p0) < 1e-9 && Math.abs(c.Z_analytic - ref.discovery.Z) < 1e-6);
        assert.ok(c.p0_global >= c.p0_analytic && c.n_eff >= 1);
        // A one-dataset "combination" reproduces that dataset's ε² limit up to the combined
        // bisection's coarse stop |CLs − α| < 1e-2 (spec §7.8): within 5%.
        for (const win of w) {
          const r = out.single.get(win.name)!.find((x) => x.mass_GeV === c.mass_GeV)!;
          const alone = combinedLimit([win]).eps2Up;
          assert.ok(rel(alone, r.eps2_up) < 5e-2, `${win.name} alone: ${alone} vs ${r.eps2_up}`);
        }
      }
      const csv = readFileSync(join(dir, "results_combined.csv"), "utf8");
      assert.equal(csv, readFileSync(join(dir, "combined.csv"), "utf8"));
      assert.ok(csv.startsWith("mass_GeV,datasets,n_datasets,eps2_up,p0_analytic,Z_analytic,cls_statistic,cls_calibration,global_method"));
      assert.equal(csv.trim().split("\n").length, 3);
      const single = readFileSync(join(dir, "results_single.csv"), "utf8").trim().split("\n");
      assert.equal(single[0], SCAN_COLUMNS.join(","));
      assert.equal(single.length, 7);
      assert.deepEqual(single.slice(1).map((l) => l.split(",")[0]), ["2015", "2015", "2016", "2016", "2021", "2021"], "sorted by dataset, then mass");
      const n = JSON.parse(readFileSync(join(dir, "m050MeV", "2016", "numbers.json"), "utf8"));
      assert.equal(n.dataset, "2016");
      assert.equal(n.visibility, "observed");
      assert.ok(n.A_up > 0);
      const nc = JSON.parse(readFileSync(join(dir, "m051MeV", "combined", "numbers.json"), "utf8"));
      assert.equal(nc.datasets, "2015+2016+2021");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("CLI: bump scan|test --config", needsShared(), () => {
  const dir = mkdtempSync(join(tmpdir(), "sl-cfgcli-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const yaml = (name: string, lines: Record<string, unknown>) => {
    const p = join(dir, name);
    writeFileSync(p, Object.entries(lines).map(([k, v]) => `${k}: ${JSON.stringify(v)}`).join("\n") + "\n");
    return p;
  };
  const cli = (...args: string[]) => spawnSync(process.execPath, ["--import", "tsx", MAIN, ...args], { encoding: "utf8" });

  test("scan 2015 + 2016 (rebin 10) at 50 MeV: results_single.csv, results_combined.csv, validation report, per-mass folder, summary plots", () => {
    const cfg = yaml("two.yaml", { ...BASE, enable_2016: true, do_combined: true, neighborhood_rebin: 10, save_plots: true, save_per_mass_folders: true, output_dir: "out-two" });
    const r = cli("bump", "scan", "--config", cfg, "--mass-min", "0.05", "--mass-max", "0.05", "--workers", "2", "--json");
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.rows.length, 2);
    assert.equal(out.failed, 0);
    assert.equal(out.combined.length, 1);
    assert.equal(out.combined[0].datasets, "2015+2016");
    assert.ok(out.combined[0].eps2_up > 0);
    const o = join(dir, "out-two");
    assert.equal(out.output_dir, o, "output_dir relative to the config file");
    for (const f of ["results_single.csv", "results_combined.csv", "combined.csv", "validation_report.json", "m050MeV/2015/numbers.json", "m050MeV/combined/numbers.json",
      "summary_plots/eps2_ul_overlay.png", "summary_plots/eps2_ul_overlay.pdf", "summary_plots/A_hat_2016.png", "summary_plots/Z_local_global_2015.pdf", "summary_plots/p0_combined.png",
      "summary_plots/gp_hyperparameters/gp_ls_ratio_2015.png", "summary_plots/gp_hyperparameters/gp_lml_2016.png"]) assert.ok(existsSync(join(o, f)), f);
    const rep = JSON.parse(readFileSync(join(o, "validation_report.json"), "utf8"));
    assert.equal(rep.ok, true);
    assert.deepEqual(rep.datasets.map((d: { dataset: string; hist_edges: number[] }) => [d.dataset, d.hist_edges]), [["2015", [0, 0.15]], ["2016", [0, 0.3]]]);
  });

  test("cls_mode: toys: the 2015 row at 50 MeV says cls_calibration toys, same Â, A_up within 15% of the asymptotic one", () => {
    const get = (over: Record<string, unknown>, name: string) => {
      const r = cli("bump", "test", "--config", yaml(name, { ...BASE, neighborhood_rebin: 10, ...over }), "--mass", "0.05", "--json");
      assert.equal(r.status, 0, r.stderr);
      return JSON.parse(r.stdout).rows[0];
    };
    const asym = get({}, "asym.yaml");
    const toys = get({ cls_mode: "toys", cls_num_toys: 300 }, "toys.yaml");
    assert.equal(asym.cls_calibration, "asymptotic");
    assert.equal(toys.cls_calibration, "toys");
    assert.equal(toys.A_hat, asym.A_hat);
    assert.equal(toys.visibility, "observed");
    assert.ok(Math.abs(toys.A_up / asym.A_up - 1) < 0.15, `toys ${toys.A_up} vs asymptotic ${asym.A_up}`);
  });

  test("test --config --mass: every enabled dataset and the combination", () => {
    const cfg = yaml("smoke.yaml", { ...BASE, enable_2016: true, do_combined: true, neighborhood_rebin: 10 });
    const r = cli("bump", "test", "--config", cfg, "--mass", "0.06");
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^2015 m = 0\.06 GeV .*: observed$/m);
    assert.match(r.stdout, /^2016 m = 0\.06 GeV .*: observed$/m);
    assert.match(r.stdout, /^combined 2015\+2016: ε²_up = \S+, p0 = /m);
  });

  test("bad configurations: exit 1, one stderr line naming the file and the key", () => {
    const cases: [Record<string, unknown>, RegExp, string?][] = [
      [{ ...BASE, kernel_ls_polcy: "manual" }, /^searchlight: .*bad1\.yaml: line \d+, column \d+: kernel_ls_polcy: unknown key; did you mean "kernel_ls_policy"\?$/],
      [{ ...BASE, path_2015: "missing.root" }, /^searchlight: .*bad2\.yaml: path_2015: ROOT file not found: .*missing\.root$/],
      [{ ...BASE, range_2015: [0.1, 0.2] }, /^searchlight: .*bad3\.yaml: range_2015: scan range \[0\.1, 0\.2\] GeV is not inside the histogram/, "0.1"],
      [{ ...BASE, ul_bands_refit_gp_on_toy: true }, /^searchlight: .*bad4\.yaml: line \d+, column \d+: ul_bands_refit_gp_on_toy: not supported yet/],
    ];
    cases.forEach(([c, re, m = "0.05"], i) => {
      const r = cli("bump", "scan", "--config", yaml(`bad${i + 1}.yaml`, { ...c, output_dir: `out-bad${i + 1}` }), "--mass-min", m, "--mass-max", m);
      assert.equal(r.status, 1, r.stderr);
      const lines = r.stderr.trim().split("\n");
      assert.equal(lines.length, 1, r.stderr);
      assert.match(lines[0], re);
    });
  });
});
