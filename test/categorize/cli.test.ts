// `searchlight categorize train|evaluate|export` end to end through the compiled CLI: a small
// three-class toy, --json output, the run folder, the workspace that `searchlight significance`
// reads unchanged, and bad input as one line with exit status 1.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const BIN = "bin/searchlight.mjs";
const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8" });

test("categorize train → evaluate → export → significance", () => {
  const dir = mkdtempSync(join(tmpdir(), "cat-cli-"));
  try {
    const cfg = join(dir, "toy.yaml");
    writeFileSync(cfg, [
      "toy: {kind: three-class, n_signal: 3000, n_bkg: 30000, seed: 42}",
      "model: {categories: 3}",
      "training: {epochs: 20, optimizer: adam, lr: {start: 0.05, end: 0.001}}",
    ].join("\n") + "\n");
    const out = join(dir, "run");
    const t = run("categorize", "train", "--config", cfg, "-o", out, "--categories", "3,4", "--json", "--workers", "2", "--seed", "1", "--no-figures");
    assert.equal(t.status, 0, t.stderr);
    const j = JSON.parse(t.stdout);
    assert.deepEqual(j.runs.map((r: { k: number }) => r.k), [3, 4]);
    assert.ok(j.runs[0].z.signal1 > 0 && j.runs[0].baselines.argmax["10"].length === 2);
    assert.equal(JSON.parse(readFileSync(join(out, "run.json"), "utf8")).status, "complete");
    for (const f of ["categories.json", "K3/history.csv", "K3/checkpoint.json", "K4/history.csv"]) assert.ok(existsSync(join(out, f)), f);
    const cf = JSON.parse(readFileSync(join(out, "categories.json"), "utf8"));
    assert.equal(cf.runs[0].bias.length, 3, "per-category bias at the final temperature");
    assert.equal(cf.runs[1].evaluation.categories.length, 4);
    // a second run into the same folder is refused without --overwrite
    const again = run("categorize", "train", "--config", cfg, "-o", out, "--no-figures");
    assert.equal(again.status, 1);
    assert.match(again.stderr.trim(), /--overwrite/);

    const e = run("categorize", "evaluate", join(out, "categories.json"), "--config", cfg, "--categories", "4", "--json");
    assert.equal(e.status, 0, e.stderr);
    assert.equal(JSON.parse(e.stdout).runs[0].z.signal1, j.runs[1].z.signal1, "same events, same Z");

    const ws = join(dir, "ws.json");
    const x = run("categorize", "export", join(out, "categories.json"), "-o", ws, "--normsys", "bkg1=0.05", "--json");
    assert.equal(x.status, 0, x.stderr);
    const xj = JSON.parse(x.stdout);
    const s = run("significance", ws, "--json");
    assert.equal(s.status, 0, s.stderr);
    assert.equal(JSON.parse(s.stdout).z_exp, xj.z_exp, "the exported workspace runs unchanged");
    const u = run("upper-limit", ws, "--json");
    assert.equal(u.status, 0, u.stderr);
    assert.ok(Math.abs(JSON.parse(u.stdout).exp[2] - xj.limit_exp[2]) < 1e-6 * xj.limit_exp[2]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("categorize: bad input is one line and exit status 1", () => {
  const dir = mkdtempSync(join(tmpdir(), "cat-bad-"));
  try {
    const cfg = join(dir, "bad.yaml");
    writeFileSync(cfg, "toy: {kind: three-class}\nmodel: {categoris: 3}\n");
    const r = run("categorize", "train", "--config", cfg, "-o", join(dir, "o"));
    assert.equal(r.status, 1);
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    assert.match(r.stderr, /bad\.yaml: line 2.*categoris.*categories/);
    const w = run("categorize", "train", "--config", cfg, "--workers", "0");
    assert.equal(w.status, 1);
    assert.match(w.stderr, /--workers/);
    const x = run("categorize", "export", cfg, "-o", join(dir, "ws.json"));
    assert.equal(x.status, 1);
    assert.match(x.stderr.trim(), /bad\.yaml: .*categories\.json/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
