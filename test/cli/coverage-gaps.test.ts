// Code paths the suite never ran before the src/ line-coverage measurement of issue #23
// (TESTING.md, "Line coverage of src/"): the `resonance` verbs through the compiled CLI (0% of
// src/cli/resonance before), and `categorize train` with its text summary and figures (the
// other categorize tests use --json --no-figures), and `templates example` with its figures
// (src/templates/coverage-output.ts). Each run is a few seconds.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const BIN = "bin/searchlight.mjs";
const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8" });

test("resonance example → test → inject: the generated 250-event Crystal Ball at 1800 GeV is found, fitted and recovered; bad options are one line with exit 1", () => {
  const dir = mkdtempSync(join(tmpdir(), "res-cli-"));
  try {
    const ex = run("resonance", "example", "-o", dir, "--workers", "1", "--json", "--quiet");
    assert.equal(ex.status, 0, `resonance example failed: ${ex.stderr}`);
    const j = JSON.parse(ex.stdout);
    assert.equal(j.datasets.length, 1, "one dataset in the example");
    const d = j.datasets[0];
    assert.equal(d.failed, 0, "no failed mass points");
    // the signal is at 1800 GeV with 3% resolution (σ = 54 GeV): the maximum within 2σ of it
    assert.ok(Math.abs(d.mass_at_max - 1800) <= 108, `max local Z at ${d.mass_at_max}, expected 1800 ± 108`);
    assert.ok(d.max_local_Z > 3, `max local Z ${d.max_local_Z} should exceed 3 for 250 events`);
    assert.ok(d.Z_global_sidak < d.max_local_Z, `global Z ${d.Z_global_sidak} must be below local ${d.max_local_Z}`);
    for (const f of ["example.yaml", "spectrum.json", "scan/run.json", "scan/mjj/results.csv", "scan/mjj/limits.png", "scan/mjj/local_z.svg", "scan/mjj/spectrum.pdf"])
      assert.ok(existsSync(join(dir, f)), `missing ${f}`);
    const cfg = join(dir, "example.yaml");

    const t = run("resonance", "test", "--config", cfg, "--mass", "1800", "--json", "--quiet");
    assert.equal(t.status, 0, `resonance test failed: ${t.stderr}`);
    const r = JSON.parse(t.stdout);
    // Â is the total signal yield (the window fraction is in the template): 250 within 3 σ_A
    assert.ok(Math.abs(r.A_hat - 250) <= 3 * r.sigma_A, `Â = ${r.A_hat} ± ${r.sigma_A}, generated 250`);
    assert.ok(r.A_up > r.A_hat, `upper limit ${r.A_up} above Â ${r.A_hat}`);
    assert.ok(Math.abs(r.Z - Math.sqrt(r.q0)) < 1e-9 * Math.max(1, r.Z), `Z = √q0: ${r.Z} vs ${Math.sqrt(r.q0)}`);
    const text = run("resonance", "test", "--config", cfg, "--mass", "1800", "--quiet");
    assert.equal(text.status, 0, `text output failed: ${text.stderr}`);
    assert.match(text.stdout, /1800/, "the text row names the mass");

    const out = join(dir, "inj");
    const ntoys = 20;
    const i = run("resonance", "inject", "--config", cfg, "--mass", "1800", "--yield", "250", "--toys", String(ntoys), "--workers", "1", "--json", "--quiet", "-o", out);
    assert.equal(i.status, 0, `resonance inject failed: ${i.stderr}`);
    const s = JSON.parse(i.stdout).summary[0];
    assert.equal(s.n_toys, ntoys, "every toy counted");
    assert.equal(s.n_failed, 0, "no failed toy");
    // toys are background + the injected signal: the mean fitted yield is the injected one within
    // 4 standard errors (sd/√n), two-sided (bias −6% measured with seed 1)
    assert.ok(Math.abs(s.mean_A_hat - 250) <= 4 * s.sd_A_hat / Math.sqrt(ntoys), `mean Â ${s.mean_A_hat} ± ${s.sd_A_hat / Math.sqrt(ntoys)} vs 250`);
    assert.ok(existsSync(join(out, "injection.csv")) && existsSync(join(out, "injection_toys.csv")), "injection tables written");
    const iz = run("resonance", "inject", "--config", cfg, "--mass", "1800", "--z", "3", "--toys", "4", "--workers", "1", "--json", "--quiet");
    assert.equal(iz.status, 0, `inject --z failed: ${iz.stderr}`);
    const sz = JSON.parse(iz.stdout).summary[0];
    assert.ok(Math.abs(sz.asimov_Z - 3) < 0.01, `--z 3 solves the yield for an Asimov Z of 3 (got ${sz.asimov_Z})`);

    const sc = run("resonance", "scan", "--config", cfg, "--no-figures", "--overwrite", "--workers", "1", "--quiet");
    assert.equal(sc.status, 0, `resonance scan failed: ${sc.stderr}`);
    assert.match(sc.stdout, /wrote .*summary\.json/, `the text summary names the outputs:\n${sc.stdout}`);

    const bad = run("resonance", "test", "--config", cfg, "--mass", "1800", "--dataset", "nope");
    assert.equal(bad.status, 1, "unknown dataset: exit 1");
    assert.equal(bad.stderr.trim().split("\n").length, 1, `one line: ${bad.stderr}`);
    assert.match(bad.stderr, /--dataset: no dataset "nope"/, "names the option and the value");
    const both = run("resonance", "inject", "--config", cfg, "--mass", "1800", "--toys", "5");
    assert.equal(both.status, 1, "no --yield/--z: exit 1");
    assert.match(both.stderr, /--yield\/--z/, "names the options");

    // signal keys of the configuration (src/resonance/config.ts): a Voigtian without a width, a
    // template shape without its file — one line naming the key
    const yaml = readFileSync(cfg, "utf8");
    assert.match(yaml, /shape: dscb/, "the example configuration has a dscb signal");
    for (const [shape, key, msg] of [["voigtian", "signal.width", "a Voigtian needs a natural width"], ["template", "signal.template_file", "a template signal needs template_file"]]) {
      const f = join(dir, `${shape}.yaml`);
      writeFileSync(f, yaml.replace("shape: dscb", `shape: ${shape}`));
      const e = run("resonance", "test", "--config", f, "--mass", "1800");
      assert.equal(e.status, 1, `${shape} without its keys: exit 1`);
      assert.equal(e.stderr.trim().split("\n").length, 1, `one line: ${e.stderr}`);
      assert.ok(e.stderr.startsWith(`searchlight: ${f}: ${key}: ${msg}`), `names ${key}: ${e.stderr}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("categorize train without --json: the text summary per K and the figures of the run", () => {
  const dir = mkdtempSync(join(tmpdir(), "cat-text-"));
  try {
    const cfg = join(dir, "toy.yaml");
    writeFileSync(cfg, [
      "toy: {kind: three-class, n_signal: 3000, n_bkg: 30000, seed: 42}",
      "model: {categories: 3}",
      "training: {epochs: 20, optimizer: adam, lr: {start: 0.05, end: 0.001}}",
    ].join("\n") + "\n");
    const out = join(dir, "run");
    const t = run("categorize", "train", "--config", cfg, "-o", out, "--workers", "1", "--seed", "1", "--quiet");
    assert.equal(t.status, 0, `categorize train failed: ${t.stderr}`);
    assert.match(t.stdout, /^K = 3: Z\(signal1\) = [0-9.]+, Z\(signal2\) = [0-9.]+, geometric mean [0-9.]+/m, "summary line of K = 3");
    assert.match(t.stdout, /argmax \+ equidistant: n = 2:/, "argmax baseline line");
    const rows = t.stdout.split("\n").filter((l) => /^\s+\d\s+[0-9.]+\s/.test(l));
    assert.equal(rows.length, 3, `three category rows in the table:\n${t.stdout}`);
    // the geometric mean printed is √(Z1·Z2) of the two printed Z's (6 significant digits)
    const m = /Z\(signal1\) = ([0-9.e-]+), Z\(signal2\) = ([0-9.e-]+), geometric mean ([0-9.e-]+)/.exec(t.stdout)!;
    assert.ok(Math.abs(Math.sqrt(+m[1] * +m[2]) - +m[3]) <= 1e-5 * +m[3], `geometric mean ${m[3]} vs √(${m[1]}·${m[2]})`);
    for (const f of ["significance_comparison.png", "K3/boundaries.pdf", "K3/history_loss.png", "K3/yield_vs_uncertainty.vl.json", "K3/history_temperature.png"])
      assert.ok(existsSync(join(out, f)), `missing figure ${f}`);
    const spec = JSON.parse(readFileSync(join(out, "K3", "yield_vs_uncertainty.vl.json"), "utf8"));
    assert.ok(typeof spec === "object" && spec !== null, "a Vega-Lite spec");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("templates example: sets pooled into the summary (coverage = covered/n, its binomial error), and the five figures", () => {
  const dir = mkdtempSync(join(tmpdir(), "tpl-ex-"));
  try {
    const t = run("templates", "example", "-o", dir, "--sets", "3", "--per-set", "10", "--workers", "1", "--quiet");
    assert.equal(t.status, 0, `templates example failed: ${t.stderr}`);
    const s = JSON.parse(readFileSync(join(dir, "summary.json"), "utf8"));
    assert.equal(s.sets.length, 3, "three sets");
    assert.equal(s.pooled.n, 30, "3 × 10 pseudo-experiments pooled");
    const covered = s.sets.reduce((a: number, x: { coverage: number; n: number }) => a + x.coverage * x.n, 0);
    // rounding only: counts are integers
    assert.ok(Math.abs(covered / s.pooled.n - s.pooled.coverage) < 1e-12, `pooled coverage ${s.pooled.coverage} vs ${covered}/${s.pooled.n}`);
    const c = s.pooled.coverage;
    assert.ok(Math.abs(s.pooled.coverage_error - Math.sqrt(c * (1 - c) / s.pooled.n)) < 1e-12, `binomial error ${s.pooled.coverage_error}`);
    for (const f of ["coverage_vs_mu", "width_vs_mu", "pulls", "caterpillar", "nuisance_pulls"])
      for (const ext of ["png", "pdf", "svg", "vl.json"]) assert.ok(existsSync(join(dir, `${f}.${ext}`)), `missing ${f}.${ext}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("bump project-eps2-reach through the CLI: the CSV holds (Σ S v⁻²)^−½, the text table printed, a bad --scale is one line", () => {
  const dir = mkdtempSync(join(tmpdir(), "reach-"));
  try {
    const csv = join(dir, "bands.csv");
    writeFileSync(csv, "dataset,mass,toy_eps2_uls_q50\n2015,50,2e-6\n2016,50,3e-6\n2021,50,1e-5\n");
    const base = join(dir, "reach");
    const j = run("bump", "project-eps2-reach", "-i", csv, "-o", base, "--json");
    assert.equal(j.status, 0, `project-eps2-reach failed: ${j.stderr}`);
    const r = JSON.parse(j.stdout);
    const want = 1 / Math.sqrt(1 / 4e-12 + 10 / 9e-12 + 100 / 1e-10); // default scales 1, 10, 100
    assert.ok(Math.abs(r.rows[0].projected_med - want) <= 1e-12 * want, `projected ${r.rows[0].projected_med} vs ${want}`);
    assert.ok(existsSync(`${base}.csv`), "CSV written");
    const t = run("bump", "project-eps2-reach", "-i", csv, "-o", base);
    assert.equal(t.status, 0, `text run failed: ${t.stderr}`);
    assert.match(t.stdout, /projected med/, `the text table has the projected median column:\n${t.stdout}`);
    const bad = run("bump", "project-eps2-reach", "-i", csv, "-o", base, "--scale-2016", "-1");
    assert.equal(bad.status, 1, "negative scale: exit 1");
    assert.match(bad.stderr.trim(), /^searchlight: .*--scale-2016/, `one line naming the option: ${bad.stderr}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// The package's entry points (package.json "exports") were loaded only from the packed copy
// that test/package installs in a temporary folder, so src/**/index.ts counted 0%.
test("every entry point of the package loads from src/ and exports no undefined name", async () => {
  const pkg = JSON.parse(readFileSync("package.json", "utf8"));
  const subpaths = Object.keys(pkg.exports).filter((k) => k !== "./package.json");
  assert.ok(subpaths.length >= 10, `entry points listed: ${subpaths.length}`);
  for (const k of subpaths) {
    const src = k === "." ? "../../src/index.ts" : `../../src/${k.slice(2)}/index.ts`;
    const m = await import(src);
    const names = Object.keys(m);
    assert.ok(names.length > 0, `${k} exports something`);
    const undef = names.filter((n) => m[n] === undefined);
    assert.deepEqual(undef, [], `${k}: names exported as undefined`);
  }
});

// Input-error branches of the workspace loader that no corpus entry reached (src/histfactory/
// input.ts, load.ts): each is one line naming the file and the fix, exit status 1.
test("workspace loader: a patchset given as the workspace and a truncated .json.gz are one-line errors", () => {
  const dir = mkdtempSync(join(tmpdir(), "ws-bad-"));
  try {
    const ps = join(dir, "p.json");
    writeFileSync(ps, JSON.stringify({ metadata: { references: {} }, version: "1.0.0", patches: [] }));
    const a = run("inspect", ps);
    assert.equal(a.status, 1, "patchset as workspace: exit 1");
    assert.equal(a.stderr.trim(), `searchlight: ${ps}: /: this is a patchset, not a workspace: pass it with --patchset`, "exact message");
    const gz = join(dir, "t.json.gz");
    const full = gzipSync(readFileSync("examples/two-channel/workspace.json"));
    writeFileSync(gz, full.subarray(0, 60));
    const b = run("inspect", gz);
    assert.equal(b.status, 1, "truncated gzip: exit 1");
    assert.match(b.stderr.trim(), new RegExp(`^searchlight: ${gz.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: corrupt gzip data: [^\\n]+$`), `one line: ${b.stderr}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
