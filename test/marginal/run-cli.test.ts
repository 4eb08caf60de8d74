// `searchlight marginal run WS --region-recipe R.yaml -o DIR` end to end, from copies of the
// published workspaces in an empty folder (so no stored output of interval-evidence is anywhere
// near): the limits with Searchlight's own normal fit equal interval-evidence's stored scans to
// 1e-3 relative (observed and expected data); regions on 2 worker threads give the same results
// as in-thread; --resume keeps complete regions; a second run into the folder is refused; a bad
// recipe is one line naming its key. (Every one of the 22 regions: bench/marginal-run.ts.)
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseCsv } from "../../src/io/csv.ts";
import { needsShared, sharedPath } from "../shared.ts";

const MAIN = new URL("../../src/cli/main.ts", import.meta.url).pathname;
const EX = new URL("../../examples/marginal/", import.meta.url).pathname;
const run = (...args: string[]) => {
  const r = spawnSync(process.execPath, ["--import", "tsx", MAIN, ...args], { encoding: "utf8" });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
const S = "discovery/searches";

function stored(region: string, label: string, variant: string, level: number): number {
  const st = JSON.parse(readFileSync(sharedPath(`${S}/${region}/fit/limit/scan_${label}_${variant}.json`), "utf8")) as { levels: number[]; points: number[][] };
  return st.points[st.levels.indexOf(level)].at(-1)!;
}
const rel = (a: number, b: number) => Math.abs(a / b - 1);
/** limits.json without its timings (which differ between runs). */
const limitsOf = (dir: string, region: string) => {
  const o = JSON.parse(readFileSync(join(dir, region, "limits.json"), "utf8"));
  delete o.seconds;
  return o;
};

describe("marginal run", needsShared(), () => {
  const tmp = mkdtempSync(join(tmpdir(), "sl-mrun-"));
  after(() => rmSync(tmp, { recursive: true, force: true }));
  copyFileSync(sharedPath(`${S}/atlas_susy_hb_2019/b_bkg.json.gz`), join(tmp, "b_bkg.json.gz"));
  copyFileSync(sharedPath(`${S}/atlas_susy_compressed_2020/sleptons_bkg.json.gz`), join(tmp, "sleptons_bkg.json.gz"));

  test("hb_2019 SRB from the published workspace: stored T2/T3 to 1e-3, folders, summary, figures, run.json", () => {
    const out = join(tmp, "srb");
    const r = run("marginal", "run", join(tmp, "b_bkg.json.gz"), "--region-recipe", `${EX}hb_2019_b.yaml`, "-o", out, "--json");
    assert.equal(r.code, 0, r.err);
    const o = JSON.parse(r.out);
    assert.equal(o.status, "complete");
    const [row] = o.rows;
    assert.equal(row.region, "SRB");
    assert.equal(row.n, 3);
    const want = (variant: string, level: number) => stored("atlas_susy_hb_2019/SRB", "normal", variant, level);
    for (const [got, variant, level] of [[row.limit_2obs, "observed", -2], [row.limit_3obs, "observed", -3], [row.limit_2exp, "central", -2], [row.limit_3exp, "central", -3], [row.limit_3exp_hi, "up", -3], [row.limit_3exp_lo, "down", -3]] as const) {
      assert.ok(rel(got, want(variant, level)) < 1e-3, `${variant} ${level}: ${got} vs stored ${want(variant, level)}`);
    }
    for (const f of ["run.json", "summary.csv", "summary.json", "summary.png", "summary.pdf", "SRB/region.json.gz", "SRB/fit/normal.json", "SRB/limits.json", "SRB/limits.png", "SRB/limits.pdf", "SRB/limits.svg"]) {
      assert.ok(existsSync(join(out, f)), f);
    }
    const csv = parseCsv(readFileSync(join(out, "summary.csv"), "utf8"));
    assert.equal(csv.rows[0].limit_3obs, String(row.limit_3obs));
    const manifest = JSON.parse(readFileSync(join(out, "run.json"), "utf8"));
    assert.equal(manifest.status, "complete");
    assert.equal(manifest.command, "marginal run");
    assert.deepEqual(manifest.regions, ["SRB"]);

    // A second run into the same folder is refused; --resume keeps the complete region.
    const again = run("marginal", "run", join(tmp, "b_bkg.json.gz"), "--region-recipe", `${EX}hb_2019_b.yaml`, "-o", out);
    assert.equal(again.code, 1);
    assert.match(again.err.trim(), /--output-dir: the folder holds a complete "marginal run" run from .*: add --overwrite to replace it, --resume to finish it, or choose another folder$/);
    assert.equal(again.err.trim().split("\n").length, 1);
    const before = limitsOf(out, "SRB");
    const resumed = run("marginal", "run", join(tmp, "b_bkg.json.gz"), "--region-recipe", `${EX}hb_2019_b.yaml`, "-o", out, "--resume", "--json", "--no-figures");
    assert.equal(resumed.code, 0, resumed.err);
    assert.equal(JSON.parse(resumed.out).resumed, 1);
    assert.deepEqual(limitsOf(out, "SRB"), before);
  });

  test("two compressed_2020 regions, observed only: 2 workers = in-thread, stored T2/T3 to 1e-3", () => {
    const args = (out: string, w: string) => ["marginal", "run", join(tmp, "sleptons_bkg.json.gz"), "--region-recipe", `${EX}compressed_2020_sleptons.yaml`, "-o", out,
      "--regions", "SR_S_100p5,SR_S_101", "--observed-only", "--no-figures", "--json", "--workers", w];
    const a = run(...args(join(tmp, "s1"), "1"));
    assert.equal(a.code, 0, a.err);
    const b = run(...args(join(tmp, "s2"), "2"));
    assert.equal(b.code, 0, b.err);
    for (const region of ["SR_S_100p5", "SR_S_101"]) assert.deepEqual(limitsOf(join(tmp, "s2"), region), limitsOf(join(tmp, "s1"), region));
    for (const row of JSON.parse(a.out).rows) {
      assert.equal(row.limit_3exp, null);
      assert.ok(rel(row.limit_2obs, stored(`atlas_susy_compressed_2020/${row.region}`, "normal", "observed", -2)) < 1e-3, `${row.region} T2 ${row.limit_2obs}`);
      assert.ok(rel(row.limit_3obs, stored(`atlas_susy_compressed_2020/${row.region}`, "normal", "observed", -3)) < 1e-3, `${row.region} T3 ${row.limit_3obs}`);
    }
  });

  test("a bad recipe, an unknown region, a missing -o: one line, exit 1", () => {
    const bad = join(tmp, "bad.yaml");
    writeFileSync(bad, "regions:\n  SRB:\n    channel: SR_cut\n");
    let r = run("marginal", "run", join(tmp, "b_bkg.json.gz"), "--region-recipe", bad, "-o", join(tmp, "bad"));
    assert.equal(r.code, 1);
    assert.match(r.err.trim(), /bad\.yaml: line 3, column 14: regions\.SRB\.channel: no channel "SR_cut" in the workspace \(closest: "SR_cuts"/);
    assert.equal(r.err.trim().split("\n").length, 1);
    assert.ok(!existsSync(join(tmp, "bad", "run.json")), "nothing is started before the recipe is checked");
    r = run("marginal", "run", join(tmp, "b_bkg.json.gz"), "--region-recipe", `${EX}hb_2019_b.yaml`, "-o", join(tmp, "bad"), "--regions", "SRX");
    assert.equal(r.code, 1);
    assert.match(r.err.trim(), /--regions: "SRX" is not a region of .*hb_2019_b\.yaml \(regions: SRB\)$/);
    r = run("marginal", "run", join(tmp, "b_bkg.json.gz"), "--region-recipe", `${EX}hb_2019_b.yaml`);
    assert.equal(r.code, 1);
    assert.match(r.err.trim(), /--output-dir: required/);
  });
});
