// `searchlight templates build|fit|coverage|score` end to end on a small synthetic grid, and the
// bad-input paths: one line on stderr naming the file and field, exit status 1, no stack trace.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const BIN = new URL("../../bin/searchlight.mjs", import.meta.url).pathname;
const run = (...args: string[]) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8" });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
const dir = mkdtempSync(join(tmpdir(), "sl-templates-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const model = join(dir, "m", "model.yaml");

test("build → fit → coverage (2 workers) → score", () => {
  let r = run("templates", "build", "-o", join(dir, "m"), "--nodes", "5,5,6", "--bins", "8,1,1,1", "--json");
  assert.equal(r.code, 0, r.err);
  assert.equal(JSON.parse(r.out).points, 150);
  r = run("templates", "fit", model, "--data", join(dir, "m", "observed.json"), "--json");
  assert.equal(r.code, 0, r.err);
  const f = JSON.parse(r.out);
  assert.equal(f.status, "ok");
  assert.ok(f.p16 < f.mu_hat && f.mu_hat < f.p84 && f.converged);
  r = run("templates", "coverage", model, "-o", join(dir, "cov"), "--sets", "2", "--per-set", "6", "--workers", "2", "--no-figures", "--json");
  assert.equal(r.code, 0, r.err);
  const c = JSON.parse(r.out);
  assert.equal(c.pooled.n + c.pooled.failed, 12);
  assert.equal(JSON.parse(readFileSync(join(dir, "cov", "run.json"), "utf8")).status, "complete");
  assert.ok(existsSync(join(dir, "cov", "records.csv")));
  r = run("templates", "score", join(dir, "cov", "records.csv"), "--json");
  assert.equal(r.code, 0, r.err);
  assert.ok(Math.abs(JSON.parse(r.out).overall.coverage - c.score.overall.coverage) < 1e-12);
  // The folder holds a finished run: refused without --overwrite.
  r = run("templates", "coverage", model, "-o", join(dir, "cov"), "--sets", "1", "--per-set", "1", "--no-figures");
  assert.equal(r.code, 1);
  assert.match(r.err, /--output-dir: the folder holds a complete "templates coverage" run/);
});

test("bad input: one line naming file and field, exit 1", () => {
  const text = readFileSync(model, "utf8");
  const variant = (name: string, from: string | RegExp, to: string) => { const p = join(dir, "m", name); writeFileSync(p, text.replace(from, to)); return p; };
  const cases: [string[], RegExp][] = [
    [["templates", "fit", variant("a.yaml", "  jes:", "  jes_scale:")], /a\.yaml: shapes\.jes_scale: nuisance "jes_scale" is not an axis of the template grid/],
    [["templates", "coverage", variant("b.yaml", "lower: -2, upper: 10", "lower: 0.5, upper: 10"), "-o", join(dir, "x")], /b\.yaml: poi: bounds \[0\.5, 10\] of "mu" exclude part of the truth range \[0\.1, 3\]/],
    [["templates", "fit", variant("c.yaml", "interpolation: linear", "interpolaton: linear")], /c\.yaml: line \d+, column 1: interpolaton: unknown key; did you mean "interpolation"\?/],
    [["templates", "fit", variant("d.yaml", "templates.bin", "missing.bin")], /missing\.bin: .*templates: cannot read the template grid file/],
    [["templates", "fit", model, "--method", "newton"], /--method: "newton": expected one of profile, scan, hesse/],
    [["templates", "fit", model, "--clip", "3,0.1"], /--clip: "3,0\.1": expected two numbers a,b with a < b/],
    [["templates", "score", join(dir, "m", "observed.json")], /observed\.json: .*/],
  ];
  for (const [args, re] of cases) {
    const r = run(...args);
    assert.equal(r.code, 1, `${args.join(" ")}: ${r.err}`);
    assert.match(r.err, re);
    assert.equal(r.err.trim().split("\n").length, 1, r.err);
    assert.doesNotMatch(r.err, /    at /);
  }
  // A grid with NaN yields, written as JSON.
  const g = JSON.parse(run("templates", "build", "-o", join(dir, "j"), "--nodes", "2,2,2", "--bins", "2,1,1,1", "--format", "json").code === 0 ? readFileSync(join(dir, "j", "templates.json"), "utf8") : "{}");
  g.yields[3] = null;
  writeFileSync(join(dir, "j", "templates.json"), JSON.stringify(g));
  const r = run("templates", "fit", join(dir, "j", "model.yaml"));
  assert.equal(r.code, 1);
  assert.match(r.err, /templates\.json: yields\[3\]: NaN at tes = 0\.96, jes = 0\.96, soft_met = 0, process "htautau", bin 3: yields must be finite and ≥ 0/);
});
