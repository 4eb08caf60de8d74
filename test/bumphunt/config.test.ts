// hps-gpr YAML configuration (spec §16): code defaults, strict keys with a "did you mean",
// type/range checks naming the key, unsupported values rejected, paths relative to the file,
// and the mapping onto the scan plan (σ(m) tail, length-scale policy numbers of §18.2).
import { describe, test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CONFIG_KEYS, configFromObject, isActive, loadConfig, planFromConfig } from "../../src/bumphunt/config.ts";
import { closestKey, editDistance } from "../../src/io/config.ts";
import { lsBoundsAt, sigmaFunction } from "../../src/bumphunt/dataset.ts";
import { InputError } from "../../src/io/errors.ts";

const rel = (a: number, b: number) => Math.abs(a - b) / Math.abs(b);
const fails = (data: unknown, re: RegExp) =>
  assert.throws(() => configFromObject(data, "c.yaml", "/cfg"), (e: unknown) => e instanceof InputError && re.test(e.message), `expected ${re}`);

const PRODUCTION = {
  kernel_ls_res_upper_factor_by_dataset: { "2015": 8, "2016": 8, "2021": 9 },
  kernel_ls_res_lower_factor_by_dataset: { "2015": 0.5, "2016": 0.5, "2021": 0.5 },
  kernel_ls_local_hi_floor_mode: "dataset_stat", kernel_ls_local_hi_floor_factor: 0.8, kernel_ls_res_npts: 300,
  range_2015: [0.02, 0.13], range_2016: [0.035, 0.21], range_2021: [0.03, 0.25],
};

describe("config: defaults and mapping", () => {
  test("an empty file gives hps-gpr's code defaults for every key", () => {
    const c = configFromObject(null, "c.yaml", "/cfg");
    for (const [k, s] of Object.entries(CONFIG_KEYS)) assert.deepEqual(c.values[k], s.def, k);
    assert.equal(Object.keys(CONFIG_KEYS).length, 155, "every field of hps_gpr's Config dataclass");
    assert.equal(c.values.enable_2015, true);
    assert.equal(c.values.hist_2016, "h_Minv_General_Final_1");
    assert.deepEqual(c.values.range_2016, [0.035, 0.19]);
    assert.equal(c.values.neighborhood_rebin, 5);
    assert.equal(c.values.n_restarts, 12);
    assert.equal(c.values.make_ul_bands, true);
    assert.deepEqual(c.values.kernel_ls_res_upper_factor_by_dataset, { "2021": 9 });
  });

  test("default plan: 2015 only, 15–140 MeV in 1 MeV steps, rebin 5, serial, output_dir relative to the config folder", () => {
    const p = planFromConfig(configFromObject({ path_2015: "data/x.root" }, "/cfg/c.yaml", "/cfg"));
    assert.equal(p.jobs.length, 1);
    const j = p.jobs[0];
    assert.equal(j.dataset, "2015");
    assert.equal(j.file, "/cfg/data/x.root");
    assert.equal(j.hist, "invariant_mass");
    assert.equal(j.rebin, 5);
    assert.equal(j.masses.length, 126);
    assert.equal(j.masses[0], 0.015);
    assert.equal(j.masses[125], 0.14);
    assert.equal(j.options.blindNSigma, 1.64);
    assert.equal(j.options.trainNSigma, 1.64, "gp_train_exclude_nsigma null → blind_nsigma");
    assert.equal(j.options.gp!.nRestarts, 12);
    assert.equal(p.workers, 1);
    assert.equal(p.outputDir, "/cfg/outputs/hps_gpr");
    assert.equal(p.doCombined, false);
    assert.deepEqual(j.bands, { nToys: 100, seed: 12345, trainNSigma: 1.64, truncMethod: "reject_then_clip" }, "make_ul_bands defaults to true for run_limit_bands_on 2015");
    assert.equal(j.ls!.upper, 8);
    assert.equal(j.ls!.floorMode, "none");
  });

  test("three datasets: union grid, active masses, 2021 upper factor 9, visibility, overrides from the CLI", () => {
    const c = configFromObject({ enable_2016: true, enable_2021: true, do_combined: true, scan_parallel: true, scan_n_workers: 2, data_visibility: { "2016": "expected_only" }, ...PRODUCTION }, "/cfg/c.yaml", "/cfg");
    const p = planFromConfig(c, { massMin: 0.1, massMax: 0.14, rebin: 10, restarts: 0, outputDir: "/o" });
    assert.deepEqual(p.jobs.map((j) => j.dataset), ["2015", "2016", "2021"]);
    assert.equal(p.grid.length, 41);
    assert.deepEqual(p.jobs.map((j) => j.masses.length), [31, 41, 41]);
    assert.deepEqual(p.jobs.map((j) => j.ls!.upper), [8, 8, 9]);
    assert.equal(p.jobs[1].options.visibility, "expected_only");
    assert.equal(p.jobs[0].rebin, 10);
    assert.equal(p.jobs[0].options.gp!.nRestarts, 0);
    assert.equal(p.workers, 2);
    assert.equal(p.outputDir, "/o");
    assert.equal(p.doCombined, true);
  });

  test("2016 σ(m): polynomial below 0.18 GeV, continuous linear tail of slope 0.0239 above (spec §2.2, §18.1–18.2)", () => {
    const p = planFromConfig(configFromObject({ enable_2015: false, enable_2016: true }, "c.yaml", "/cfg"));
    const s = sigmaFunction(p.jobs[0].model!);
    assert.ok(Math.abs(s(0.18 + 1e-9) - s(0.18 - 1e-9)) < 1e-10);
    assert.ok(rel((s(0.25) - s(0.2)) / 0.05, 0.0239) < 1e-9);
    for (const [m, v] of [[0.02, 0.00111814], [0.12, 0.00513895], [0.2, 0.00818085], [0.25, 0.00937585]]) assert.ok(rel(s(m), v) < 1e-5, `σ_2016(${m})`);
    const noTail = planFromConfig(configFromObject({ enable_2015: false, enable_2016: true, sigma_tail_m0_2016: null }, "c.yaml", "/cfg"));
    assert.ok(Math.abs(sigmaFunction(noTail.jobs[0].model!)(0.25) - s(0.25)) > 1e-4, "no tail without sigma_tail_m0_2016");
  });

  test("length-scale bounds with production settings equal spec §18.2 (rel 1e-5)", () => {
    const c = configFromObject({ enable_2016: true, enable_2021: true, ...PRODUCTION }, "c.yaml", "/cfg");
    const p = planFromConfig(c);
    const at = (d: number, m: number) => lsBoundsAt(p.jobs[d].model!, p.jobs[d].ls!, m);
    const cases: [number, number, number, number][] = [[0, 0.03, 0.024464, 0.391425], [0, 0.1, 0.0254876, 0.407802], [1, 0.06, 0.0202338, 0.323741], [1, 0.2, 0.0200449, 0.320718],
      [2, 0.03, 0.024513, 0.441234], [2, 0.06, 0.0136448, 0.245606], [2, 0.1, 0.0101738, 0.183128], [2, 0.2, 0.00991749, 0.178515]];
    for (const [d, m, lo, hi] of cases) {
      const b = at(d, m);
      assert.ok(rel(b[0], lo) < 1e-5 && rel(b[1], hi) < 1e-5, `${p.jobs[d].dataset} m=${m}: ${b}`);
    }
    assert.ok(rel(at(0, 0.03)[2], 0.0978561) < 1e-5, "init = geometric mean");
    const glob = planFromConfig(configFromObject({ enable_2016: true, enable_2021: true, ...PRODUCTION, kernel_ls_policy: "resolution_scaled_global" }, "c.yaml", "/cfg"));
    for (const [d, lo, hi] of [[0, 0.0253415, 0.405464], [1, 0.0207382, 0.331811], [2, 0.0101169, 0.182104]]) {
      const b = lsBoundsAt(glob.jobs[d].model!, glob.jobs[d].ls!, 0.05);
      assert.ok(rel(b[0], lo) < 1e-5 && rel(b[1], hi) < 1e-5, `global ${d}: ${b}`);
    }
    const def = planFromConfig(configFromObject({}, "c.yaml", "/cfg"));
    const b = lsBoundsAt(def.jobs[0].model!, def.jobs[0].ls!, 0.05);
    assert.ok(rel(b[0], 0.0250492) < 1e-5 && rel(b[1], 0.400787) < 1e-5, `code defaults 2015 m=0.05: ${b}`);
    const man = planFromConfig(configFromObject({ kernel_ls_policy: "manual", kernel_ls_bounds: [0.01, 0.5], kernel_ls_init: 3 }, "c.yaml", "/cfg"));
    assert.deepEqual(lsBoundsAt(man.jobs[0].model!, man.jobs[0].ls!, 0.05), [0.01, 0.5, 0.5], "manual: init clamped into the bounds");
    const byDs = planFromConfig(configFromObject({ kernel_ls_bounds_by_dataset: { "2015": [0.02, 0.2] } }, "c.yaml", "/cfg"));
    assert.deepEqual(lsBoundsAt(byDs.jobs[0].model!, byDs.jobs[0].ls!, 0.05), [0.02, 0.2, Math.sqrt(0.004)]);
    const cap = planFromConfig(configFromObject({ kernel_ls_local_hi_cap_xrange_frac: 0.1 }, "c.yaml", "/cfg"));
    assert.ok(rel(lsBoundsAt(cap.jobs[0].model!, cap.jobs[0].ls!, 0.05)[1], 0.1 * Math.log(0.14 / 0.015)) < 1e-12, "cap = frac·|ln m_high − ln m_low|");
  });

  test("only_2021_mc, f_rad penalty, two-sideband requirement, Python-style `or` fallbacks", () => {
    const mc = planFromConfig(configFromObject({ only_2021_mc: true, path_2021_mc: "mc.root", path_2021: "data.root" }, "/cfg/c.yaml", "/cfg"));
    assert.deepEqual(mc.jobs.map((j) => [j.dataset, j.file, j.model!.label]), [["2021", "/cfg/mc.root", "HPS 2021 (MC)"]]);
    const pen = planFromConfig(configFromObject({ radiative_penalty_on: true, radiative_penalty_frac_2015: 0.1 }, "c.yaml", "/cfg"));
    assert.equal(pen.jobs[0].model!.fradPenalty, 0.1);
    const c = configFromObject({ scan_require_two_sidebands: true, gp_train_exclude_nsigma: 0, scan_edge_guard_nsigma: 3 }, "c.yaml", "/cfg");
    // g = 3 σ: at 16 MeV, 16 − 3·0.76 MeV < 15 MeV → inactive; at 30 MeV active.
    assert.equal(isActive(c, "2015", 0.016, 1.64), false);
    assert.equal(isActive(c, "2015", 0.03, 1.64), true);
    assert.equal(planFromConfig(c).jobs[0].options.trainNSigma, 1.64, "gp_train_exclude_nsigma: 0 behaves as unset");
  });
});

describe("config: bad input is one line naming the file and the key", () => {
  test("unknown key with the closest valid key", () => {
    fails({ kernel_ls_polcy: "manual" }, /^c\.yaml: kernel_ls_polcy: unknown key; did you mean "kernel_ls_policy"\?$/);
    fails({ blind_sigma: 1.64 }, /blind_sigma: unknown key; did you mean "blind_nsigma"\?/);
    fails({ enable_2017: true }, /enable_2017: unknown key; did you mean "enable_2015"\?/);
    assert.equal(editDistance("kitten", "sitting"), 3);
    assert.equal(closestKey("neighbourhood_rebin", Object.keys(CONFIG_KEYS)), "neighborhood_rebin");
  });

  test("types and ranges name the key and what was expected", () => {
    fails({ blind_nsigma: "wide" }, /^c\.yaml: blind_nsigma: expected a number > 0, got "wide"$/);
    fails({ blind_nsigma: -1 }, /blind_nsigma: expected a number > 0, got -1/);
    fails({ neighborhood_rebin: 2.5 }, /neighborhood_rebin: expected an integer ≥ 1, got 2\.5/);
    fails({ range_2015: [0.13, 0.02] }, /range_2015: expected \[low, high\] with low < high, both > 0, got \[0\.13,0\.02\]/);
    fails({ range_2016: 0.05 }, /range_2016: expected \[low, high\]/);
    fails({ enable_2016: "yes" }, /enable_2016: expected true or false, got "yes"/);
    fails({ kernel_ls_policy: "auto" }, /kernel_ls_policy: expected one of resolution_scaled_local, resolution_scaled, resolution_scaled_global, manual, got "auto"/);
    fails({ data_visibility: { "2017": "observed" } }, /data_visibility: unknown dataset key "2017"/);
    fails({ data_visibility: { "2015": "hidden" } }, /^c\.yaml: data_visibility\.2015: expected one of observed, expected_only, got "hidden"$/);
    fails({ frad_coeffs_2021: [] }, /frad_coeffs_2021: expected a list of numbers \(at least 1\)/);
    fails({ mass_step_gev: 0.0005 }, /mass_step_gev: expected a number ≥ 0\.001/);
    fails([1, 2], /^c\.yaml: the configuration must be a YAML mapping/);
  });

  test("features Searchlight does not have yet are rejected unless at their default; no-effect keys are accepted", () => {
    fails({ ul_bands_cls_mode: "toys" }, /^c\.yaml: ul_bands_cls_mode: not supported yet: toy-calibrated CLs in the bands .* \(remove the key or set it to null\)$/);
    fails({ inj_write_qmu: true }, /inj_write_qmu: not supported yet: this injection setting is not implemented/);
    fails({ ul_bands_refit_gp_on_toy: true }, /ul_bands_refit_gp_on_toy: not supported yet/);
    fails({ pre_log: false }, /pre_log: not supported yet/);
    fails({ scan_diagnostic_plot_every_n: 5 }, /scan_diagnostic_plot_every_n: not supported yet/);
    const ok = configFromObject({ cls_mode: "asymptotic", inj_mode: "poisson", scan_parallel_backend: "threading", cls_num_toys: 10000, eps2_lrt_scale: 1e8, ul_bands_cls_mode: null }, "c.yaml", "/cfg");
    assert.equal(ok.values.scan_parallel_backend, "threading");
  });

  test("loadConfig: YAML syntax errors give the line and column; a missing file names it; no dataset enabled", () => {
    const dir = mkdtempSync(join(tmpdir(), "sl-cfg-"));
    after(() => rmSync(dir, { recursive: true, force: true }));
    const p = join(dir, "bad.yaml");
    writeFileSync(p, "enable_2015: true\nrange_2015: [0.02, 0.13\n");
    assert.throws(() => loadConfig(p), (e: unknown) => e instanceof InputError && /bad\.yaml: line \d+, column \d+: invalid YAML/.test(e.message));
    assert.throws(() => loadConfig(join(dir, "none.yaml")), (e: unknown) => e instanceof InputError && /none\.yaml: --config: configuration file not found/.test(e.message));
    mkdirSync(join(dir, "sub"));
    const q = join(dir, "sub", "c.yaml");
    writeFileSync(q, "enable_2015: false\n");
    assert.throws(() => planFromConfig(loadConfig(q)), (e: unknown) => e instanceof InputError && /enable_2015\/enable_2016\/enable_2021: no dataset is enabled/.test(e.message));
    writeFileSync(q, "path_2015: ../data/h.root\noutput_dir: out\n");
    const plan = planFromConfig(loadConfig(q));
    assert.equal(plan.jobs[0].file, join(dir, "data", "h.root"));
    assert.equal(plan.outputDir, join(dir, "sub", "out"));
  });
});
