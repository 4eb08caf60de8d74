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
import { summaryLines } from "../../src/cli/resonance/scan.ts";
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

const ROOTFILES = join(import.meta.dirname, "..", "..", "..", "shared", "rootfiles");

test("inputs: events from a ROOT TTree branch (jsroot) and the same events from a CSV column give the same spectrum; a ROOT TH1 with variable bins", async () => {
  const zmumu = join(ROOTFILES, "uproot-Zmumu.root");
  // the TTree's M branch (CMS open-data Z→μμ, 2304 entries) written out as a CSV column through the event reader
  const { readEventTable } = await import("../../src/io/event-table.ts");
  const t = await readEventTable(zmumu, { columns: ["M"], tree: "events" });
  assert.equal(t.n, 2304, "the events TTree holds 2304 entries (../shared/rootfiles/SOURCE.md)");
  writeFileSync(join(dir, "zmumu.csv"), "M\n" + Array.from(t.columns[0], (v) => String(v)).join("\n") + "\n");
  writeFileSync(join(dir, "root.yaml"), `datasets:
  - name: tree
    file: ${zmumu}
    tree: events
    column: M
    binning: {lo: 60, hi: 120, n: 30, width_power: 1}
  - name: csv
    file: zmumu.csv
    column: M
    binning: {lo: 60, hi: 120, n: 30, width_power: 1}
  - name: th1
    file: ${join(ROOTFILES, "uproot-issue-707.root")}
    hist: raw_M1_enrAll
signal: {shape: gaussian}
resolution: {relative: 0.02}
`);
  const cfg = loadResonanceConfig(join(dir, "root.yaml"));
  const [tree, csv, th1] = await Promise.all(cfg.datasets.map((d) => loadDataset(d, cfg.file)));
  assert.deepEqual(Array.from(tree.counts), Array.from(csv.counts), "TTree branch and CSV column histogram identically");
  const inRange = Array.from(t.columns[0]).filter((m) => m >= 60 && m <= 120).length;
  assert.equal(tree.counts.reduce((a, v) => a + v, 0), inRange, "every event inside [60, 120] GeV is counted once");
  const peak = tree.counts.indexOf(Math.max(...tree.counts));
  // (the reconstructed dimuon peak sits a little below m_Z = 91.19 GeV: final-state radiation)
  assert.ok(Math.abs(tree.centres[peak] - 91.19) < 2.5, `the fullest bin lies at the Z mass (bin ${tree.edges[peak]}–${tree.edges[peak + 1]})`);
  // TH1D with 203 variable bins (uproot's reading, SOURCE.md): edges 40.5, 41, 63, … 2606.5, sum 4854732.175
  assert.equal(th1.counts.length, 203, "203 bins");
  assert.deepEqual([th1.edges[0], th1.edges[1], th1.edges[2], th1.edges[203]], [40.5, 41, 63, 2606.5], "variable edges");
  assert.ok(Math.abs(th1.counts.reduce((a, v) => a + v, 0) - 4854732.175) < 1e-3, "sum of the bins");
});

test("inputs: event mistakes are one line naming the key or the branch", async () => {
  const zmumu = join(ROOTFILES, "uproot-Zmumu.root");
  const base = (ds: string) => `datasets:\n${ds}\nsignal: {shape: gaussian}\nresolution: {relative: 0.02}\n`;
  const bad = (ds: string, re: RegExp) => {
    writeFileSync(join(dir, "e.yaml"), base(ds));
    assert.throws(() => loadResonanceConfig(join(dir, "e.yaml")), (e: unknown) => e instanceof InputError && re.test(e.message) && !e.message.includes("\n"), `expected ${re}`);
  };
  bad(`  - {name: a, file: ${zmumu}, tree: events, hist: M}`, /tree/);
  bad(`  - {name: a, file: ${zmumu}, column: M, hist: h, edges: [60, 90, 120]}`, /either hist .* or column/);
  bad(`  - {name: a, file: ${zmumu}, column: M}`, /edges/);
  bad(`  - {name: a, file: x.json, column: M, edges: [60, 90, 120]}`, /\.root \(TTree\)/);
  writeFileSync(join(dir, "e.yaml"), base(`  - {name: a, file: ${zmumu}, column: Mass, edges: [60, 90, 120]}`));
  const cfg = loadResonanceConfig(join(dir, "e.yaml"));
  await assert.rejects(loadDataset(cfg.datasets[0], cfg.file), (e: unknown) => e instanceof InputError && /Mass/.test(e.message) && /did you mean "M"/.test(e.message) && !e.message.includes("\n"), "an unknown branch names the closest one");
});

test("inputs: a spectrum with no events (in its range) is a one-line error naming the dataset, not a scan of artefacts", async () => {
  writeFileSync(join(dir, "empty.json"), JSON.stringify({ histograms: { m: { edges: [100, 110, 120, 130], counts: [0, 0, 0] } } }));
  writeFileSync(join(dir, "z.yaml"), `datasets:\n  - {name: quiet, file: empty.json, hist: m}\n  - {name: cut, file: h.json, hist: mass, range: [1300, 1400]}\nsignal: {shape: gaussian}\nresolution: {relative: 0.02}\n`);
  const cfg = loadResonanceConfig(join(dir, "z.yaml"));
  await assert.rejects(loadDataset(cfg.datasets[0], cfg.file), (e: unknown) => e instanceof InputError && /datasets\[quiet\]/.test(e.message) && /no events/.test(e.message) && !e.message.includes("\n"));
  await assert.rejects(loadDataset(cfg.datasets[1], cfg.file), (e: unknown) => e instanceof InputError && /datasets\[cut\]/.test(e.message) && !e.message.includes("\n"), "a range outside the spectrum");
});

test("summary: a scan range beyond the spectrum is clipped and said (summary notes, console); per-mass orders are summarised as chosen", async () => {
  writeFileSync(join(dir, "clip.yaml"), `datasets:\n  - {name: hist, file: h.json, hist: mass}\nsignal: {shape: gaussian}\nresolution: {relative: 0.03}\nbackground: {model: exponential}\nscan: {range: [100, 1500], points: 3}\n`);
  const cfg = loadResonanceConfig(join(dir, "clip.yaml"));
  const [r] = await runResonance(cfg);
  assert.deepEqual(r.rows.map((x) => x.mass), [200, 700, 1200], "masses inside the spectrum");
  assert.equal(r.summary.notes.length, 1);
  assert.match(r.summary.notes[0], /scan\.range \[100, 1500\] reaches beyond the spectrum \(200–1200 GeV\)/);
  assert.match(summaryLines(cfg, [r]).join("\n"), /\n {2}note: scan\.range/);
  assert.match(r.summary.background, /^order chosen per mass: exponential\d at \d masses?/);
  writeFileSync(join(dir, "inside.yaml"), yaml());
  const [inside] = await runResonance(loadResonanceConfig(join(dir, "inside.yaml")));
  assert.deepEqual(inside.summary.notes, [], "no note when the range lies inside");
  assert.equal(inside.summary.background, "exponential (3 parameters)", "a fixed order is named as such");
  writeFileSync(join(dir, "outside.yaml"), `datasets:\n  - {name: hist, file: h.json, hist: mass}\nsignal: {shape: gaussian}\nresolution: {relative: 0.03}\nscan: {range: [1300, 1500], points: 3}\n`);
  await assert.rejects(runResonance(loadResonanceConfig(join(dir, "outside.yaml"))), (e: unknown) => e instanceof InputError && /scan\.range/.test(e.message) && /does not overlap dataset "hist"/.test(e.message) && !e.message.includes("\n"), "a range outside the spectrum is an error, not an empty scan");
});

test("a histogram that is not of event counts (real TH1D of averaged contents, 203 variable bins): every mass fails with its reason, the contents are noted, nothing infinite", async () => {
  writeFileSync(join(dir, "avg.yaml"), `datasets:\n  - {name: m1, file: ${join(ROOTFILES, "uproot-issue-707.root")}, hist: raw_M1_enrAll}\nsignal: {shape: gaussian}\nresolution: {relative: 0.02}\nscan: {range: [60, 600], points: 12}\n`);
  const [r] = await runResonance(loadResonanceConfig(join(dir, "avg.yaml")));
  assert.match(r.summary.notes.join(" "), /136 of 203 bins hold non-integer contents/);
  for (const row of r.rows) {
    assert.equal(row.status, "failed", `${row.mass}: ${row.error}`);
    assert.ok(row.error.length > 0 && !/not finite$/.test(row.error), `${row.mass}: a reason, not a bare numerical error: ${row.error}`);
    assert.ok(!Number.isFinite(row.Z_global_sidak) || row.Z_global_sidak < 1e3, "no infinite global Z");
  }
  assert.ok(r.rows.some((x) => /GP amplitude reached its upper bound/.test(x.error)), r.rows.map((x) => x.error).join(" | "));
});

test("summary: the largest local Z carries its mass's warnings (real Z→μμ events, where the GP cannot follow the Z peak)", async () => {
  writeFileSync(join(dir, "zmm.yaml"), `datasets:\n  - {name: zmm, file: ${join(ROOTFILES, "uproot-Zmumu.root")}, tree: events, column: M, binning: {lo: 60, hi: 120, n: 60, width_power: 0}}\nsignal: {shape: gaussian}\nresolution: {relative: 0.02}\nscan: {range: [100, 115], points: 26}\n`);
  const cfg = loadResonanceConfig(join(dir, "zmm.yaml"));
  const [r] = await runResonance(cfg);
  const top = r.rows.find((x) => x.mass === r.summary.mass_at_max)!;
  assert.ok(top.warnings.length > 0, "the GP warns at the largest local Z here");
  assert.equal(r.summary.warnings_at_max, top.warnings);
  assert.match(summaryLines(cfg, [r]).join("\n"), /\n {2}the largest local Z comes with warnings at that mass: GP length scale at its lower bound/);
});
