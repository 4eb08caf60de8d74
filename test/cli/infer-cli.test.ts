// The inference commands as a user runs them, with the JSON keys of DESIGN.md.
import { describe, test } from "node:test";
import { needsShared, sharedPath } from "../shared.ts";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const BIN = new URL("../../bin/searchlight.mjs", import.meta.url).pathname;
const EXAMPLE = new URL("../../examples/two-channel/workspace.json", import.meta.url).pathname;
const run = (...args: string[]) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8" });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
const json = (...args: string[]) => {
  const r = run(...args, "--json");
  assert.equal(r.code, 0, r.err);
  return JSON.parse(r.out);
};

test("cls --json: cls_obs, cls_exp[5] ascending, clsb_obs, clb_obs; CLs = CLs+b / CLb", () => {
  const j = json("cls", EXAMPLE, "--poi", "1.5");
  assert.equal(j.cls_exp.length, 5);
  for (let i = 1; i < 5; i++) assert.ok(j.cls_exp[i] >= j.cls_exp[i - 1]);
  assert.ok(Math.abs(j.cls_obs - j.clsb_obs / j.clb_obs) < 1e-12);
});

test("cls with toys: seeded and reproducible", () => {
  const a = json("cls", EXAMPLE, "--calculator", "toys", "--ntoys", "200", "--seed", "3", "--workers", "1");
  const b = json("cls", EXAMPLE, "--calculator", "toys", "--ntoys", "200", "--seed", "3", "--workers", "2");
  assert.equal(a.cls_obs, b.cls_obs);
  assert.deepEqual(a.cls_exp, b.cls_exp);
  assert.equal(a.failed_toys, 0);
});

test("upper-limit --json: obs and exp[5]; CLs at the observed limit is α; figure written", () => {
  const dir = mkdtempSync(join(tmpdir(), "sl-ul-"));
  try {
    const j = json("upper-limit", EXAMPLE, "--cl", "0.95", "--figure", join(dir, "cls"));
    assert.equal(j.exp.length, 5);
    assert.ok(j.exp[0] < j.exp[2] && j.exp[2] < j.exp[4]);
    const c = json("cls", EXAMPLE, "--poi", String(j.obs));
    assert.ok(Math.abs(c.cls_obs - 0.05) < 1e-5, `CLs at the limit: ${c.cls_obs}`);
    assert.ok(existsSync(join(dir, "cls.png")) && existsSync(join(dir, "cls.pdf")));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("significance --json: p0_obs, z_obs, p0_exp, z_exp with Z = Φ⁻¹(1 − p0)", () => {
  const j = json("significance", EXAMPLE);
  for (const k of ["p0_obs", "z_obs", "p0_exp", "z_exp"]) assert.ok(Number.isFinite(j[k]), k);
  assert.ok(j.z_exp > j.z_obs); // the example's data fluctuate below the signal hypothesis
});

test("scan and ranking --json; bad option values are one-line errors", () => {
  const s = json("scan", EXAMPLE, "--parameter", "jes", "--npoints", "5");
  assert.equal(s.parameter, "jes");
  assert.equal(s.points.length, 5);
  const r = json("ranking", EXAMPLE, "--top", "3");
  assert.equal(r.impacts.length, 3);
  const bad = run("cls", EXAMPLE, "--test-stat", "qq");
  assert.equal(bad.code, 1);
  assert.match(bad.err.trim(), /^searchlight: --test-stat: "qq": expected qtilde or q$/);
  const nopar = run("scan", EXAMPLE, "--parameter", "nope");
  assert.equal(nopar.code, 1);
  assert.match(nopar.err, /--parameter: no parameter "nope"/);
});

describe("inference commands on a shared workspace with a patchset", needsShared(), () => {
  const WS = sharedPath("workspaces/pyhf-tests-patchset/example_bkgonly.json");
  const PS = sharedPath("workspaces/pyhf-tests-patchset/example_patchset.json");
  const patch = ["--patchset", PS, "--patch-name", "patch_channel1_signal_syst1"];
  test("cls, upper-limit and significance reproduce pyhf (CLs 0.52998, limit 2.42739, p0 0.029423)", () => {
    const c = json("cls", WS, ...patch);
    assert.ok(Math.abs(c.cls_obs - 0.5299782469432854) < 1e-3);
    const u = json("upper-limit", WS, ...patch);
    assert.ok(Math.abs(u.obs - 2.427386844092002) < 0.01 * 2.427386844092002);
    const s = json("significance", WS, ...patch);
    assert.ok(Math.abs(s.p0_obs - 0.02942332072755754) < 1e-3 * 0.0294);
  });
  test("a limit above the POI bound is reported in the human output (bound extended); a POI-less workspace is a one-line input error", () => {
    const r = run("upper-limit", sharedPath("workspaces/atlas-susy-2018-14-smodels/Comb_bkgonly.json"),
      "--patchset", sharedPath("workspaces/atlas-susy-2018-14-smodels/Comb_bkgonly.synthetic_signal_patchset.json"), "--patch-name", "synthetic_signal");
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /above the POI's upper bound 10; the bound was extended to 20/);
    const nopoi = run("cls", sharedPath("workspaces/pyhf-tests-misc/poiless.json"));
    assert.equal(nopoi.code, 1);
    assert.match(nopoi.err, /^searchlight: .*poiless\.json: .*no POI/);
    assert.equal(nopoi.err.trim().split("\n").length, 1);
  });
});
