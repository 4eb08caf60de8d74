// Production restarts in a scan (#19 item 4): with n_restarts > 0 and n_restarts_mode adaptive
// (the default) each mass runs the kernel's θ, then its warm-start block's anchor optimum, and
// stops once two starts agree; the earliest start within 1e-3 in LML of the best wins, so the
// rows equal those of n_restarts 0 wherever the restarts find no better optimum. The rows must not depend on the executor, the number of workers or the order in
// which masses are run (the SLURM path runs them one by one), and they must reach the same
// optima as every start run (n_restarts_mode: all, hps_gpr's semantics).
import { describe, test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { needsShared, sharedPath } from "../shared.ts";
import { configFromObject, planFromConfig } from "../../src/bumphunt/config.ts";
import { poolTaskExecutor } from "../../src/batch/pool.ts";
import { planRunner, runScanPlan } from "../../src/bumphunt/scan-plan.ts";
import { SCAN_COLUMNS, WARM_SPAN, warmSpan } from "../../src/bumphunt/scan.ts";
import type { MassPointRow } from "../../src/bumphunt/mass-point.ts";

const BASE = {
  path_2015: sharedPath("hps/funcform_2015_toys.root"), hist_2015: "input_hist", range_2015: [0.02, 0.13],
  kernel_ls_res_upper_factor_by_dataset: { "2015": 8, "2016": 8, "2021": 9 }, kernel_ls_local_hi_floor_mode: "dataset_stat", kernel_ls_local_hi_floor_factor: 0.8, kernel_ls_res_npts: 300,
  neighborhood_rebin: 10, n_restarts: 10, make_ul_bands: false, save_plots: false, save_per_mass_folders: false,
};
// 12 masses: one full warm-start block (anchor 50 MeV) and the start of the next (anchor 60 MeV).
const RANGE = { massMin: 0.05, massMax: 0.061 };
const strip = (rows: MassPointRow[]) => JSON.stringify(rows.map((r) => ({ ...r })));

describe("scan with adaptive restarts", needsShared(), () => {
  const dir = mkdtempSync(join(tmpdir(), "sl-restarts-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const plan = (over: Record<string, unknown> = {}, range: { massMin: number; massMax: number } = RANGE) =>
    planFromConfig(configFromObject({ ...BASE, output_dir: dir, ...over }, join(dir, "c.yaml"), dir), range);
  let adaptive: MassPointRow[] = [];

  test("the same rows in this thread, on 1 and on 2 worker threads, and mass by mass in reverse order (the batch path)", async () => {
    const p = plan();
    assert.equal(p.jobs[0].options.gp?.restartMode, "adaptive", "adaptive is the default");
    assert.equal(warmSpan(p.jobs[0]), WARM_SPAN, "warm-start blocks apply with n_restarts > 0");
    const local = (await runScanPlan(p, { write: false })).single.get("2015")!;
    assert.equal(local.length, 12);
    for (const w of [1, 2]) {
      const pooled = (await runScanPlan(p, { executor: poolTaskExecutor(w), write: false })).single.get("2015")!;
      assert.equal(strip(pooled), strip(local), `${w} worker(s) against this thread`);
    }
    const r = await planRunner({ jobs: p.jobs, combine: false });
    const reversed: MassPointRow[] = [];
    for (let i = p.jobs[0].masses.length - 1; i >= 0; i--) reversed.unshift((await r.run({ d: 0, i })).row);
    assert.equal(strip(reversed), strip(local.map(({ p0_global: _a, Z_global: _b, n_eff: _c, global_method: _d, ...row }) => row)), "mass by mass, last first");
    for (const row of local) {
      assert.ok(row.ok, `${row.mass_GeV}: ${row.error}`);
      assert.ok(row.gp_starts >= 2 && row.gp_starts <= 11 && row.gp_starts_agree >= 2, `${row.mass_GeV}: ${row.gp_starts} starts, ${row.gp_starts_agree} agree`);
      assert.equal(row.gp_starts_disagree, 0, `${row.mass_GeV}: no start ends elsewhere on this stretch`);
    }
    assert.ok(local.reduce((a, r) => a + r.gp_starts, 0) <= 3 * 12, `fewer starts than 11 per mass: ${local.map((r) => r.gp_starts)}`);
    for (const c of ["gp_starts", "gp_starts_agree", "gp_starts_disagree"]) assert.ok((SCAN_COLUMNS as readonly string[]).includes(c), `results_single.csv column ${c}`);
    adaptive = local;
  });

  test("the same optima as every start (n_restarts_mode: all) at three masses: LML within 1e-6, hyperparameters within 1e-2 in log", async () => {
    assert.ok(adaptive.length > 0, "needs the previous test's rows");
    const p = plan({ n_restarts_mode: "all" }, { massMin: 0.05, massMax: 0.06 });
    p.jobs[0].masses = [0.05, 0.055, 0.06];
    assert.equal(warmSpan(p.jobs[0]), 1, "no blocks with every start run");
    const all = (await runScanPlan(p, { write: false })).single.get("2015")!;
    for (const r of all) {
      const a = adaptive.find((x) => x.mass_GeV === r.mass_GeV)!;
      assert.equal(r.gp_starts, 11, `${r.mass_GeV}: every start ran`);
      assert.ok(Math.abs(a.gp_lml - r.gp_lml) <= 1e-6, `${r.mass_GeV}: LML ${a.gp_lml} (adaptive) vs ${r.gp_lml} (all)`);
      assert.ok(Math.abs(Math.log(a.gp_constant / r.gp_constant)) <= 1e-2 && Math.abs(Math.log(a.gp_length_scale / r.gp_length_scale)) <= 1e-2, `${r.mass_GeV}: C ${a.gp_constant} vs ${r.gp_constant}, ℓ ${a.gp_length_scale} vs ${r.gp_length_scale}`);
      assert.ok(Math.abs(a.A_up - r.A_up) <= 1e-3 * r.A_up, `${r.mass_GeV}: A_up ${a.A_up} vs ${r.A_up} (1e-3 relative)`);
    }
  });

  test("the same rows as n_restarts 0 (the kernel's θ wins wherever the restarts only tie), but for the gp_starts columns", async () => {
    assert.ok(adaptive.length > 0, "needs the first test's rows");
    const none = (await runScanPlan(plan({ n_restarts: 0 }), { write: false })).single.get("2015")!;
    const noStarts = (rows: MassPointRow[]) => strip(rows.map(({ gp_starts: _a, gp_starts_agree: _b, gp_starts_disagree: _c, ...row }) => row as MassPointRow));
    assert.equal(noStarts(adaptive), noStarts(none), "every other column, bit for bit");
    for (const r of none) assert.equal(r.gp_starts, 1, `${r.mass_GeV}: one start without restarts`);
  });

  test("n_restarts_mode is checked: a wrong value is a one-line error naming the key", () => {
    assert.throws(() => plan({ n_restarts_mode: "some" }), (e: Error) => /n_restarts_mode/.test(e.message) && /adaptive/.test(e.message) && !e.message.includes("\n"), "one line naming the key and the choices");
  });
});
