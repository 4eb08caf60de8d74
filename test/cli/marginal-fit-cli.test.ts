// `searchlight marginal region|prior`: the extracted hb_2019 SRB region and its fit files in
// the stored formats; bad input exits 1 with one line naming the file/field.
import { describe, test, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { needsShared, sharedPath } from "../shared.ts";

const BIN = new URL("../../bin/searchlight.mjs", import.meta.url).pathname;
const run = (...args: string[]) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8" });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

describe("searchlight marginal region / prior", needsShared(), () => {
  const dir = mkdtempSync(join(tmpdir(), "sl-marg-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const S = sharedPath("discovery/searches/atlas_susy_hb_2019");

  test("region + prior normal/mcmc write the stored formats", () => {
    const region = join(dir, "region.json.gz");
    let r = run("marginal", "region", `${S}/b_bkg.json.gz`, "--sr", "SR_cuts", "-o", region);
    assert.equal(r.code, 0, r.err);
    const ours = JSON.parse(gunzipSync(readFileSync(region)).toString());
    const stored = JSON.parse(gunzipSync(readFileSync(`${S}/SRB/region.json.gz`)).toString());
    assert.deepEqual(ours, stored);
    r = run("marginal", "prior", region, "--kind", "normal", "mcmc", "--stop", "20", "--samples", "300", "--chains", "2", "--output-dir", join(dir, "fit"), "--json");
    assert.equal(r.code, 0, r.err);
    const normal = JSON.parse(readFileSync(join(dir, "fit", "normal.json"), "utf8"));
    assert.ok(Math.abs(normal.yield_linear / 3.296617178462337 - 1) < 1e-4);
    const mcmc = JSON.parse(readFileSync(join(dir, "fit", "mcmc_mix.json"), "utf8"));
    assert.deepEqual(Object.keys(mcmc), Object.keys(JSON.parse(readFileSync(`${S}/SRB/fit/mcmc_mix.json`, "utf8"))));
    assert.deepEqual(mcmc.range_, [0, 20]);
    assert.equal(JSON.parse(r.out).region, "SR_cuts");
  });

  test("bad input: one line naming the file and field, exit 1", () => {
    const bad = join(dir, "bad-region.json");
    writeFileSync(bad, JSON.stringify({ workspace: {} }));
    let r = run("marginal", "prior", bad, "--output-dir", join(dir, "x"));
    assert.equal(r.code, 1);
    assert.equal(r.err.trim().split("\n").length, 1);
    assert.match(r.err, /bad-region\.json: \/signal_region_name/);
    r = run("marginal", "region", `${S}/b_bkg.json.gz`, "--sr", "SR_nope", "-o", join(dir, "y.json.gz"));
    assert.equal(r.code, 1);
    assert.match(r.err, /b_bkg\.json\.gz: \/channels: no channel "SR_nope"/);
    // The mcmc/linspace range defaults to the normal fit's (b̂ + 7σ_b); a stop below the start is refused.
    r = run("marginal", "prior", `${S}/SRB/region.json.gz`, "--kind", "mcmc", "--start", "5", "--stop", "1", "--output-dir", join(dir, "z"));
    assert.equal(r.code, 1);
    assert.match(r.err, /--stop: must be above --start \(5\), got 1/);
  });
});
