// `searchlight marginal limits` end to end (spec §3.4, §6.4 A) and its bad-input path.
import { test, describe, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
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

  test("text table for the delta prior", () => {
    const r = run("marginal", "limits", srb, "--prior", "delta");
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
    assert.match(lines[0], /\/nonexistent\/region\/SRZ: region folder not found/);
    assert.doesNotMatch(r.err, /\n\s+at /);
  });
  test("a bad --prior", needsShared(), () => {
    const r = run("marginal", "limits", sharedPath("discovery/searches/atlas_susy_hb_2019/SRB"), "--prior", "flat");
    assert.equal(r.code, 1);
    assert.match(r.err.trim(), /^searchlight: --prior: "flat": expected one of normal, normal_log/);
  });
});
