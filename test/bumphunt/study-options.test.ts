// The bump-hunt settings and summaries moved out of the CLI: the one-dataset plan defaults, the
// smoke-test mass, the injection settings a configuration gives (command-line values win), the
// rows of the refit bands, and the toy-scan accounting.
import { test } from "node:test";
import assert from "node:assert/strict";
import { resolve } from "node:path";
import { configFromObject } from "../../src/bumphunt/config.ts";
import { applyInjectionConfig, singleJobPlan, smokeTestMass, type InjectionSettings } from "../../src/bumphunt/study-options.ts";
import { refitBandRows } from "../../src/bumphunt/refit-band-rows.ts";
import { ensembleAccounts, toyAccounts } from "../../src/bumphunt/toy-scan-report.ts";
import type { RefitBandJob, RefitChunk } from "../../src/bumphunt/full-toys.ts";
import type { ScanJob, ScanRow } from "../../src/bumphunt/scan.ts";
import type { SummaryRow, ToyScanOutput } from "../../src/bumphunt/toy-scan.ts";

const scanJob = (o: Partial<ScanJob> = {}): ScanJob => ({ dataset: "2015", file: "x.root", hist: "h", rebin: 10, masses: [0.05, 0.06], options: {}, ...o }) as ScanJob;

test("singleJobPlan: hps_gpr's defaults (α 0.05, blind ±1.64 σ, out/bump); the job's own settings win", () => {
  const p = singleJobPlan(scanJob(), {});
  assert.equal(p.alpha, 0.05);
  assert.equal(p.blindNSigma, 1.64);
  assert.equal(p.outputDir, resolve("out/bump"));
  assert.deepEqual(p.grid, [0.05, 0.06]);
  assert.deepEqual(p.perMass, { folders: false, json: false, plots: false });
  const q = singleJobPlan(scanJob({ options: { alpha: 0.1, blindNSigma: 2 } as ScanJob["options"] }), { outputDir: "/tmp/x", perMassPlots: true });
  assert.equal(q.alpha, 0.1);
  assert.equal(q.blindNSigma, 2);
  assert.equal(q.outputDir, "/tmp/x");
  assert.deepEqual(q.perMass, { folders: true, json: true, plots: true });
});

test("smokeTestMass: middle of the common range to 1 MeV, else of the first range", () => {
  assert.equal(smokeTestMass([[0.02, 0.13], [0.035, 0.21]]), 0.083); // (0.035 + 0.13)/2 = 0.0825 → 83 MeV
  assert.equal(smokeTestMass([[0.02, 0.04], [0.05, 0.2]]), 0.03);
  assert.equal(smokeTestMass([[0.03, 0.11]]), 0.07);
});

const settings = (): InjectionSettings => ({
  dataset: "2015", strengths: "0,100", injMode: "poisson", toyMode: "conditional", shapeMode: "full", refitRestarts: "0", refitOptimize: true,
  sigmaASource: "asimov", aggregateEvery: "100", writeToyCsv: true,
});

test("applyInjectionConfig: keys the configuration sets become the settings, command-line ones win", () => {
  const cfg = configFromObject({
    inj_masses_gev: [0.04, 0.08], inj_dataset_key: "2016", inj_strength_mode: "sigmaA", inj_sigma_multipliers: [1, 3], inj_mode: "multinomial",
    inj_refit_gp_on_toy: true, funcform_closure_enable: true, inj_aggregate_every: 50, funcform_closure_root_by_dataset: { "2016": "toys16.root" },
  }, "/cfg/c.yaml");
  const s = settings();
  const explicit = applyInjectionConfig(cfg, s, (k) => k === "injMode", false);
  assert.equal(explicit, true);
  assert.equal(s.dataset, "2016");
  assert.equal(s.masses, "0.04,0.08");
  assert.equal(s.strengthMode, "sigmaA");
  assert.equal(s.strengths, "1,3");
  assert.equal(s.injMode, "poisson", "given on the command line: kept");
  assert.equal(s.toyMode, "funcform", "functional-form closure with GP refit");
  assert.equal(s.aggregateEvery, "50");
  assert.equal(s.toyRoot, resolve("/cfg", "toys16.root"));
  assert.deepEqual(s.combinedPolicy, { policy: "intersection", minContrib: 2 });
  // A dataset named on the command line stays; keys the file does not set change nothing.
  const t = settings();
  assert.equal(applyInjectionConfig(configFromObject({ inj_dataset_key: "2021" }, "/cfg/d.yaml"), t, () => false, true), true);
  assert.equal(t.dataset, "2015");
  assert.equal(t.masses, undefined);
  assert.equal(t.toyMode, "conditional");
  assert.equal(t.strengths, "0,100");
});

test("refitBandRows: per mass, the toy limits of its chunks as A and ε² bands beside the observed limit", () => {
  const r: RefitBandJob = { job: scanJob(), nToys: 4, seed: 1, mode: "poisson", restarts: 0, optimize: true, alpha: 0.05, chunk: 2 };
  const obs = { A_obs: 50, p0: 0.2, Z: 0.84, K: 1e6, sigma: 0.002 };
  const parts: RefitChunk[] = [
    { limits: [10, 20], refitFailed: 1, observed: obs }, { limits: [30, 40], refitFailed: 0 },
    { limits: [NaN, 5], refitFailed: 0, observed: obs, error: "" }, { limits: [5, 5], refitFailed: 2, error: "boom" },
  ];
  const rows = refitBandRows(r, parts, 2);
  assert.equal(rows.length, 2);
  assert.equal(rows[0].n_toys, 4);
  assert.equal(rows[0].A_med, 25); // numpy median of 10, 20, 30, 40
  assert.ok(Math.abs(rows[0].eps2_med - 25 / 1e6) < 1e-18);
  assert.equal(rows[0].eps2_obs, 50 / 1e6);
  assert.equal(rows[0].n_refit_failed, 1);
  assert.equal(rows[0].bands_train_exclude_nsigma, 1.64);
  assert.equal(rows[0].error, "");
  assert.equal(rows[1].n_failed, 1);
  assert.equal(rows[1].A_med, 5);
  assert.equal(rows[1].n_refit_failed, 2);
  assert.equal(rows[1].error, "boom");
  assert.deepEqual(Object.keys(rows[0]).slice(0, 3), ["dataset", "mass_GeV", "sigma_mass_res_GeV"]);
});

test("toy-scan accounting: largest finite Z per toy; per ensemble the numpy median of max Z", () => {
  const row = (m: number, z: number) => ({ mass_GeV: m, Z_analytic: z }) as ScanRow;
  const out = [
    { dir: "d0", toy: { index: 0, hist: "t0" }, rows: [row(0.05, 1.2), row(0.06, NaN), row(0.07, 2.5)], n_fail: 1 },
    { dir: "d1", toy: { index: 1, hist: "t1", seed: 7 }, rows: [row(0.05, NaN)], n_fail: 1 },
  ] as unknown as ToyScanOutput[];
  const a = toyAccounts(out);
  assert.equal(a[0].max_Z_analytic, 2.5);
  assert.equal(a[0].mass_at_max_Z, 0.07);
  assert.ok(Number.isNaN(a[1].max_Z_analytic));
  assert.equal(a[1].toy_seed, 7);
  const s = (tag: string, z: number, fail: number, status = "ok") => ({ dataset: "2015", function_tag: tag, container: "c", max_Z_analytic: z, n_fail: fail, status }) as unknown as SummaryRow;
  const e = ensembleAccounts([s("A", 1, 0), s("A", 2, 1), s("A", 4, 0), s("A", 3, 2, "no results"), s("B", NaN, 5)]);
  assert.deepEqual(e.map((x) => x.ensemble), ["2015 A", "2015 B"]);
  assert.equal(e[0].median_max_Z, 2.5);
  assert.equal(e[0].largest_max_Z, 4);
  assert.equal(e[0].with_results, 3);
  assert.equal(e[0].failed_masses, 3);
  assert.equal(e[0].toys_with_failures, 2);
  assert.ok(Number.isNaN(e[1].median_max_Z));
});
