// The resonance configuration and a whole (small) run: named datasets of any number with
// labels, events from a CSV column histogrammed with given edges, any unit with unrounded
// masses, one-line errors naming the key; results.csv and summary.json written (seeded
// synthetic spectra, not real data).
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InputError } from "../../src/io/errors.ts";
import { loadResonanceConfig, loadDataset } from "../../src/resonance/config.ts";
import { runResonance, writeResonanceOutputs } from "../../src/resonance/run.ts";
import { syntheticSpectrum } from "../../src/resonance/example.ts";
import { Rng } from "../../src/math/rng.ts";

const dir = mkdtempSync(join(tmpdir(), "resonance-config-"));
const syn = syntheticSpectrum({ lo: 200, hi: 1200, nBins: 40, events: 30000, shape: "exponential", slope: 250, seed: 3 });
writeFileSync(join(dir, "h.json"), JSON.stringify({ histograms: { mass: { edges: Array.from(syn.spectrum.edges), counts: Array.from(syn.spectrum.counts) } } }));
// 3000 events drawn from an exponential, as a CSV column
const rng = new Rng(5);
writeFileSync(join(dir, "events.csv"), "run,m\n" + Array.from({ length: 3000 }, (_, i) => `${i},${(200 - 300 * Math.log(rng.uniformOpen())).toFixed(4)}`).join("\n") + "\n");

const yaml = (extra = "") => `experiment: "Test"
unit: MeV
datasets:
  - name: hist
    label: "histogram input"
    file: h.json
    hist: mass
  - name: events
    file: events.csv
    column: m
    binning: {lo: 200, hi: 1200, n: 25, width_power: 0}
signal: {shape: gaussian}
resolution: {relative: 0.03}
background: {model: exponential, npar: 3}
scan: {range: [400.123456, 900.123456], points: 4}
${extra}`;

test("two named datasets, one from a JSON histogram and one from CSV events with given edges; MeV masses unrounded", async () => {
  writeFileSync(join(dir, "a.yaml"), yaml());
  const cfg = loadResonanceConfig(join(dir, "a.yaml"));
  assert.equal(cfg.unit, "MeV");
  assert.deepEqual(cfg.datasets.map((d) => [d.name, d.label]), [["hist", "histogram input"], ["events", "events"]]);
  const ev = await loadDataset(cfg.datasets[1], cfg.file);
  assert.equal(ev.counts.length, 25);
  const inRange = readFileSync(join(dir, "events.csv"), "utf8").trim().split("\n").slice(1).map((l) => Number(l.split(",")[1])).filter((m) => m >= 200 && m <= 1200).length;
  assert.equal(ev.counts.reduce((a, b) => a + b, 0), inRange);
  const res = await runResonance(cfg);
  await writeResonanceOutputs(cfg, res, { figures: false });
  for (const r of res) {
    assert.equal(r.rows.length, 4);
    assert.equal(r.rows[0].mass, 400.123456);
    assert.equal(r.rows[3].mass, 900.123456);
    assert.ok(r.rows.every((x) => x.status === "ok"), r.rows.map((x) => x.error).join("; "));
  }
  const csv = readFileSync(join(cfg.outputDir, "hist", "results.csv"), "utf8").split("\n");
  assert.ok(csv[1].startsWith("hist,400.123456,"), csv[1]);
  assert.ok(!/eps2|f_rad|alpha_em/i.test(csv[0]), "no dark-photon columns in a general search");
  const summary = JSON.parse(readFileSync(join(cfg.outputDir, "summary.json"), "utf8"));
  assert.equal(summary.unit, "MeV");
  assert.deepEqual(summary.datasets.map((d: { dataset: string }) => d.dataset), ["hist", "events"]);
  assert.ok(existsSync(join(cfg.outputDir, "events", "results.csv")));
});

test("configuration mistakes are one-line InputErrors naming the key", () => {
  const bad = (extra: string, re: RegExp, base = yaml()) => {
    writeFileSync(join(dir, "b.yaml"), base + extra);
    assert.throws(() => loadResonanceConfig(join(dir, "b.yaml")), (e: unknown) => e instanceof InputError && re.test(e.message) && !e.message.includes("\n"));
  };
  bad("cls_alfa: 0.05\n", /cls_alpha/);
  bad("", /sqrt_s/, yaml().replace("model: exponential, npar: 3", "model: dijet"));
  bad("", /resolution/, yaml().replace("resolution: {relative: 0.03}", "resolution: {}"));
  bad("", /column/, yaml().replace("    column: m\n", ""));
});
