// `searchlight marginal limits` end to end (spec §3.4, §6.4 A) and its bad-input path; a region
// file or its folder, the observed count from the region file, the grid from the prior, and no
// stored scan read (copies without fit/limit/ give the stored limits to 1e-3).
import { test, describe, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { gunzipSync } from "node:zlib";
import { join } from "node:path";
import { needsShared, sharedPath } from "../shared.ts";

const MAIN = new URL("../../src/cli/main.ts", import.meta.url).pathname;
const run = (...args: string[]) => {
  const r = spawnSync(process.execPath, ["--import", "tsx", MAIN, ...args], { encoding: "utf8" });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

describe("marginal limits CLI", needsShared(), () => {
  const srb = sharedPath("discovery/searches/atlas_susy_hb_2019/SRB");
  const dir = mkdtempSync(join(tmpdir(), "sl-mlimits-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test("hb_2019 SRB, normal prior, coarse grid: JSON limits near §6.4 and a figure", () => {
    const r = run("marginal", "limits", srb, "--prior", "normal", "--grid", "0:20:41", "--json", "--output-dir", dir);
    assert.equal(r.code, 0, r.err);
    const o = JSON.parse(r.out);
    assert.equal(o.n_observed, 3);
    assert.deepEqual(o.grid, { start: 0, stop: 20, num: 41 });
    const p = o.priors[0];
    assert.equal(p.prior, "normal");
    // §6.4 A on the 201-point grid: T2 5.1085, T3 6.6616; expected central/up/down T3 7.1474 / 11.1235 / 4.2555.
    // A 41-point grid moves the interpolated crossings by < 0.02.
    assert.ok(Math.abs(p.observed.limit_2 - 5.1085) < 0.02, `T2 ${p.observed.limit_2}`);
    assert.ok(Math.abs(p.observed.limit_3 - 6.6616) < 0.02, `T3 ${p.observed.limit_3}`);
    assert.ok(Math.abs(p.central.limit_3 - 7.1474) < 0.02 && Math.abs(p.up.limit_3 - 11.1235) < 0.03 && Math.abs(p.down.limit_3 - 4.2555) < 0.02);
    assert.ok(Math.abs(p.central.ndata - 3.2979473) < 1e-6 && Math.abs(p.up.ndata - 5.3638895) < 1e-6 && Math.abs(p.down.ndata - 1.2320052) < 1e-6);
    assert.ok(p.observed.integral_zero[0] <= 0.864571817545 && 0.864571817545 <= p.observed.integral_zero[1]);
    assert.equal(p.observed.log_ratio.length, 41);
    for (const ext of ["png", "pdf", "svg"]) assert.ok(existsSync(join(dir, `marginal_limits_SRB.${ext}`)), ext);
  });

  test("text table for the delta prior on the stored scans' grid", () => {
    const r = run("marginal", "limits", srb, "--prior", "delta", "--grid", "0:20:201");
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /T2 obs\s+T3 obs\s+T2 exp\s+T3 exp\s+T3 exp up\s+T3 exp down/);
    // Stored scan_delta_observed: T2 4.63311429745927, T3 6.162071049288303.
    assert.match(r.out, /^delta\s+4\.63311\s+6\.16207\s/m);
  });
});

describe("marginal limits CLI: bad input", () => {
  test("a missing region folder: one line, exit 1, no stack trace", () => {
    const r = run("marginal", "limits", "/nonexistent/region/SRZ");
    assert.equal(r.code, 1);
    const lines = r.err.trim().split("\n");
    assert.equal(lines.length, 1, r.err);
    assert.match(lines[0], /\/nonexistent\/region\/SRZ: not found: expected a region file \(region.json.gz\) or its folder/);
    assert.doesNotMatch(r.err, /\n\s+at /);
  });
  test("a bad --prior", needsShared(), () => {
    const r = run("marginal", "limits", sharedPath("discovery/searches/atlas_susy_hb_2019/SRB"), "--prior", "flat");
    assert.equal(r.code, 1);
    assert.match(r.err.trim(), /^searchlight: --prior: "flat": expected a comma-separated list of normal, normal_log/);
  });
});

/** Last crossing of `level` in a stored scan of ../shared (read by the test only). */
function stored(region: string, label: string, variant: string, level: number): number {
  const st = JSON.parse(readFileSync(sharedPath(`discovery/searches/${region}/fit/limit/scan_${label}_${variant}.json`), "utf8")) as { levels: number[]; points: number[][] };
  return st.points[st.levels.indexOf(level)].at(-1)!;
}
const rel = (a: number, b: number) => Math.abs(a / b - 1);

describe("marginal limits from inputs only", needsShared(), () => {
  const dir = mkdtempSync(join(tmpdir(), "sl-mlimits-inputs-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const src = sharedPath("discovery/searches/atlas_susy_hb_2019/SRB");
  // A copy of the region with its fit files but no fit/limit/, and one with the region file only.
  mkdirSync(join(dir, "SRB", "fit"), { recursive: true });
  copyFileSync(join(src, "region.json.gz"), join(dir, "SRB", "region.json.gz"));
  copyFileSync(join(src, "fit", "normal.json"), join(dir, "SRB", "fit", "normal.json"));
  copyFileSync(join(src, "fit", "mcmc_mix.json"), join(dir, "SRB", "fit", "mcmc_mix.json"));
  mkdirSync(join(dir, "only"));
  copyFileSync(join(src, "region.json.gz"), join(dir, "only", "region.json.gz"));

  test("a folder without fit/limit: n from the region file, automatic grid, limits equal to the stored ones to 1e-3", () => {
    const r = run("marginal", "limits", join(dir, "SRB"), "--prior", "normal,mcmc", "--json");
    assert.equal(r.code, 0, r.err);
    const o = JSON.parse(r.out);
    assert.equal(o.n_observed, 3);
    assert.equal(o.grid, null);
    assert.deepEqual(o.priors.map((p: { prior: string }) => p.prior), ["normal", "mcmc_mix"]);
    for (const p of o.priors) {
      for (const v of ["observed", "down", "central", "up"]) {
        assert.ok(rel(p[v].limit_2, stored("atlas_susy_hb_2019/SRB", p.prior, v, -2)) < 1e-3, `${p.prior} ${v} T2 ${p[v].limit_2}`);
        assert.ok(rel(p[v].limit_3, stored("atlas_susy_hb_2019/SRB", p.prior, v, -3)) < 1e-3, `${p.prior} ${v} T3 ${p[v].limit_3}`);
        assert.deepEqual(p[v].beyond_grid, []);
        assert.equal(p[v].signals.length, p[v].grid.num);
      }
    }
  });

  test("a region file alone: the normal prior is fitted here; --observed-only scans observed data only", () => {
    const r = run("marginal", "limits", join(dir, "only", "region.json.gz"), "--prior", "normal,delta", "--observed-only", "--json");
    assert.equal(r.code, 0, r.err);
    const o = JSON.parse(r.out);
    assert.equal(o.n_observed, 3);
    for (const p of o.priors) {
      assert.deepEqual(Object.keys(p).filter((k) => ["observed", "down", "central", "up"].includes(k)), ["observed"]);
      assert.ok(rel(p.observed.limit_3, stored("atlas_susy_hb_2019/SRB", p.prior, "observed", -3)) < 1e-3, `${p.prior} T3 ${p.observed.limit_3}`);
    }
  });

  test("a grid that ends before the crossings is extended; --compare-with prints the stored differences", () => {
    const r = run("marginal", "limits", join(dir, "SRB"), "--prior", "normal", "--observed-only", "--num", "11", "--levels", "-2,-3,-8", "--compare-with", src);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /Compared with the stored scans/);
    assert.match(r.out, /^normal\s+observed\s+-3\s+6\.6\d*\s+6\.66155/m);
    const j = JSON.parse(run("marginal", "limits", join(dir, "SRB"), "--prior", "normal", "--observed-only", "--num", "11", "--levels", "-2,-3,-8", "--json").out);
    const obs = j.priors[0].observed;
    assert.equal(obs.extended, true);
    assert.ok(obs.log_ratio.at(-1) < -8 && obs.crossings[2].points.length === 1, "the −8 crossing is bracketed");
  });

  test("prior and region take the same kinds: prior fits a folder into <folder>/fit, region --region-recipe writes <dir>/<region>/region.json.gz", () => {
    const f = join(dir, "pf");
    mkdirSync(f);
    copyFileSync(join(src, "region.json.gz"), join(f, "region.json.gz"));
    let r = run("marginal", "prior", f, "--json");
    assert.equal(r.code, 0, r.err);
    const fitted = JSON.parse(readFileSync(join(f, "fit", "normal.json"), "utf8"));
    const ref = JSON.parse(readFileSync(join(src, "fit", "normal.json"), "utf8"));
    assert.ok(rel(fitted.yield_linear, ref.yield_linear) < 1e-4 && rel(fitted.error_linear, ref.error_linear) < 1e-3);
    r = run("marginal", "region", sharedPath("discovery/searches/atlas_susy_hb_2019/b_bkg.json.gz"), "--region-recipe", new URL("../../examples/marginal/hb_2019_b.yaml", import.meta.url).pathname, "-o", join(dir, "regions"));
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(JSON.parse(gunzipSync(readFileSync(join(dir, "regions", "SRB", "region.json.gz"))).toString()), JSON.parse(gunzipSync(readFileSync(join(src, "region.json.gz"))).toString()));
  });

  test("--prior mcmc without an MCMC file, and an unknown prior in a list: one line", () => {
    let r = run("marginal", "limits", join(dir, "only"), "--prior", "mcmc");
    assert.equal(r.code, 1);
    assert.match(r.err.trim(), /^searchlight: --prior: "mcmc": no MCMC prior file/);
    r = run("marginal", "limits", join(dir, "SRB"), "--prior", "normal,flat");
    assert.equal(r.code, 1);
    assert.match(r.err.trim(), /--prior: "flat": expected a comma-separated list/);
  });
});
