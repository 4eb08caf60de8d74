// The self-contained bump-hunt example (README quick start): a generated spectrum with a known
// signal, scanned from the configuration the command writes; JSON histograms with bad fields are
// one-line errors naming the field.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exampleSpectrum } from "../../src/bumphunt/example-spectrum.ts";
import { readHistogram } from "../../src/io/histogram.ts";
import { InputError } from "../../src/io/errors.ts";

const BIN = new URL("../../bin/searchlight.mjs", import.meta.url).pathname;

test("bump example: the scan finds the injected 60 MeV signal (largest local Z within ±4 MeV, Z > 3), every row filled, figures written", () => {
  const dir = mkdtempSync(join(tmpdir(), "sl-example-"));
  try {
    const r = spawnSync(process.execPath, [BIN, "bump", "example", "--output-dir", dir, "--json"], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.equal(j.rows.length, 41);
    assert.equal(j.failed, 0);
    const best = j.rows.reduce((a: { Z_analytic: number }, x: { Z_analytic: number }) => (x.Z_analytic > a.Z_analytic ? x : a));
    assert.ok(Math.abs(best.mass_GeV - 0.06) <= 0.004 + 1e-9 && best.Z_analytic > 3, `largest Z ${best.Z_analytic} at ${best.mass_GeV}`);
    for (const f of ["spectrum.json", "example.yaml", "scan/results_single.csv", "scan/summary_plots/Z_local_global_2015.png", "scan/m060MeV/2015/numbers.json"]) assert.ok(existsSync(join(dir, f)), f);
    // The written configuration reproduces the scan.
    const again = spawnSync(process.execPath, [BIN, "bump", "scan", "--config", join(dir, "example.yaml"), "--mass-min", "0.06", "--mass-max", "0.06", "--json", "--output-dir", join(dir, "again")], { encoding: "utf8" });
    assert.equal(again.status, 0, again.stderr);
    assert.equal(JSON.parse(again.stdout).rows[0].A_up, j.rows.find((x: { mass_GeV: number }) => Math.abs(x.mass_GeV - 0.06) < 1e-9).A_up);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the generated spectrum is seeded and carries the signal: same seed same counts; signal events ≈ yield", () => {
  const a = exampleSpectrum(7), b = exampleSpectrum(7), none = exampleSpectrum(7, { mass: 0.06, yield: 0 });
  assert.deepEqual(a.counts, b.counts);
  assert.notDeepEqual(exampleSpectrum(8).counts, a.counts);
  assert.equal(a.edges.length, 3001);
  // Excess within ±2σ of 60 MeV over the same seed without signal (the streams differ, so allow Poisson noise).
  const s = a.truth.signal_sigma_GeV;
  let excess = 0, bkg = 0;
  a.counts.forEach((c, i) => { const m = 0.5 * (a.edges[i] + a.edges[i + 1]); if (Math.abs(m - 0.06) < 2 * s) { excess += c - none.counts[i]; bkg += none.counts[i]; } });
  assert.ok(Math.abs(excess - 0.954 * 3000) < 5 * Math.sqrt(2 * bkg), `excess ${excess}`);
});

test("JSON histograms: bad input names the file and field", async () => {
  const dir = mkdtempSync(join(tmpdir(), "sl-hjson-"));
  try {
    const f = join(dir, "h.json");
    const bad = async (doc: unknown, field: RegExp) => {
      writeFileSync(f, JSON.stringify(doc));
      await assert.rejects(readHistogram(f, "h"), (e: unknown) => e instanceof InputError && field.test(e.field));
    };
    await bad({}, /^histograms$/);
    await bad({ histograms: { g: {} } }, /^histograms\.h$/);
    await bad({ histograms: { h: { edges: [0, 1], counts: [1, 2] } } }, /^histograms\.h\.edges$/);
    await bad({ histograms: { h: { edges: [0, 2, 1], counts: [1, 2] } } }, /^histograms\.h\.edges$/);
    await bad({ histograms: { h: { edges: [0, 1, 2], counts: [1, "x"] } } }, /^histograms\.h\.counts$/);
    writeFileSync(f, JSON.stringify({ histograms: { h: { edges: [0, 1, 2], counts: [3, 4] } } }));
    const h = await readHistogram(f, "h");
    assert.deepEqual(Array.from(h.counts), [3, 4]);
    assert.equal(h.entries, 7);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
