// Readers of fit/*.json and fit/limit/scan_*.json (spec §4): priors from good files, InputError
// naming file, field and expectation for bad ones.
import { test, describe, after } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InputError } from "../../src/io/errors.ts";
import { readFitPrior, readStoredScan, mcmcLabel } from "../../src/marginal/fit-files.ts";

describe("fit-file readers", () => {
  const dir = mkdtempSync(join(tmpdir(), "sl-fitfiles-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const put = (name: string, content: unknown) => writeFileSync(join(dir, name), typeof content === "string" ? content : JSON.stringify(content));
  const fails = (f: () => unknown, re: RegExp) => assert.throws(f, (e: unknown) => e instanceof InputError && re.test(e.message));

  test("good files give the §3.3 priors", () => {
    put("normal.json", { yield_linear: 3, error_linear: 1, error_log: 0.3 });
    put("cabinetry.json", { yield_pre: 3, error_pre: 1 });
    put("linspace.json", { start: 0, stop: 4, anchors: [], levels: [10, 9, 8, 9, 10] });
    put("mcmc_mix.json", { nbins: 4, range_: [0, 4], yields: [0, 1, 2, 1], errors: [0, 1, 1, 1] });
    assert.ok(Math.abs(readFitPrior(dir, "normal").prior.between(0, Infinity) - 1) < 1e-15);
    assert.ok(Math.abs(readFitPrior(dir, "normal_log").prior.between(0, 3) - 0.5) < 1e-15);
    assert.ok(Math.abs(readFitPrior(dir, "cabinetry").prior.between(-1, 3) - readFitPrior(dir, "normal").prior.between(0, 3)) < 1e-15);
    assert.ok(Math.abs(readFitPrior(dir, "mcmc_mix").prior.between(2, 3) - 0.5) < 1e-15);
    const lin = readFitPrior(dir, "linspace");
    assert.deepEqual(lin.support, [0, 4]);
    assert.ok(Math.abs(lin.prior.between(0, 2) - 0.5) < 1e-15);
    assert.equal(mcmcLabel(dir), "mcmc_mix");
  });
  test("bad files: InputError with file, field and expectation", () => {
    fails(() => readFitPrior(dir, "cabinetry_post"), /cabinetry_post\.json: file not found/);
    put("normal.json", { yield_linear: 3, error_linear: -1, error_log: 0.3 });
    fails(() => readFitPrior(dir, "normal"), /normal\.json: \/error_linear: expected a finite number > 0, got -1/);
    put("normal.json", { yield_linear: 3, error_log: 0.3 });
    fails(() => readFitPrior(dir, "normal"), /\/error_linear: expected .* got nothing \(missing field\)/);
    put("normal.json", '{"yield_linear": 3,');
    fails(() => readFitPrior(dir, "normal"), /normal\.json: line 1, column \d+: invalid JSON/);
    put("mcmc_mix.json", { nbins: 4, range_: [0, 4], yields: [0, 1, 2], errors: [] });
    fails(() => readFitPrior(dir, "mcmc_mix"), /mcmc_mix\.json: \/yields: expected 4 numbers, got 3/);
    put("linspace.json", { start: 0, stop: 4, levels: [1, "x"] });
    fails(() => readFitPrior(dir, "linspace"), /linspace\.json: \/levels\/1: expected a finite number/);
    mkdirSync(join(dir, "limit"), { recursive: true });
    const scan = join(dir, "limit", "scan_normal_observed.json");
    writeFileSync(scan, JSON.stringify({ ndata: 3, start: 0, stop: 20, rtol: 0.001, levels: [-2, -3], points: [[5.1]], integral_zero: [0.8, 0.9], integrals: [] }));
    fails(() => readStoredScan(scan), /scan_normal_observed\.json: \/points: expected 2 lists \(one per level\), got 1/);
    writeFileSync(scan, JSON.stringify({ ndata: 3, start: 0, stop: 20, rtol: 0.001, levels: [-2], points: [[5.1]], integral_zero: [0.9, 0.8], integrals: [] }));
    fails(() => readStoredScan(scan), /\/integral_zero: expected \[lower, upper\] with finite lower ≤ upper/);
  });
});
