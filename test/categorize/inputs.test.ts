// Events as physicists have them (issue #15 item 6): a ROOT TTree with flat branches
// (uproot-Zmumu.root) and jagged ones (uproot-HZZ.root), the HiggsML Parquet sample, CSV; and
// one line naming the file and the column for each kind of bad input.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { categorizeConfig, loadEvents } from "../../src/categorize/config.ts";
import { configSource, parseConfigText } from "../../src/io/config.ts";
import { InputError } from "../../src/io/errors.ts";
import { processTotals } from "../../src/categorize/events.ts";

const SHARED = resolve("../shared");
const ZMUMU = join(SHARED, "rootfiles/uproot-Zmumu.root");
const HZZ = join(SHARED, "rootfiles/uproot-HZZ.root");
const PARQUET = join(SHARED, "higgsml/FAIR_Universe_HiggsML_data.parquet");

const cfg = (o: Record<string, unknown>, file = join(SHARED, "x.yaml")) => categorizeConfig(configSource(o, file));

async function rejects(o: Record<string, unknown>, re: RegExp) {
  await assert.rejects(loadEvents(cfg(o)), (e: unknown) => {
    assert.ok(e instanceof InputError, `InputError, got ${e}`);
    assert.ok(!e.message.includes("\n"), "one line");
    assert.match(e.message, re);
    return true;
  });
}

test("ROOT TTree, flat branches: Zmumu dimuon mass M, processes selected by the charge Q1", async () => {
  const ev = await loadEvents(cfg({
    processes: { plus: { files: [ZMUMU], tree: "events", select: "Q1 == 1" }, minus: { files: [ZMUMU], weight: "0.5", select: "Q1 == -1" } },
    signals: ["plus"], scores: ["M"], score_range: [0, 200],
  }));
  assert.equal(ev.n, 2304);
  const t = processTotals(ev);
  assert.equal(t[0] + 2 * t[1], 2304);
  assert.ok(ev.x.every((m) => m > 0 && m < 1));
});

test("ROOT TTree, jagged branches: len(Muon_Px) and Muon_Px[0] with EventWeight (HZZ)", async () => {
  const ev = await loadEvents(cfg({
    processes: { hzz: { files: [HZZ], weight: "EventWeight * 2" } }, signals: ["hzz"], scores: ["len(Muon_Px)"], score_range: [0, 10],
  }));
  assert.equal(ev.n, 2421);
  // scores are stored mapped from score_range onto [0, 1]
  assert.deepEqual(Array.from(ev.x.subarray(0, 3)), [0.2, 0.1, 0.2]);
  assert.deepEqual(ev.scoreRange, [0, 10]);
  assert.ok(Math.abs(ev.w[0] - 2 * 0.009271008893847466) < 1e-12);
  // an event without a muon has no Muon_Px[0]: NaN, named with file and column
  await rejects({ processes: { hzz: { files: [HZZ] } }, signals: ["hzz"], scores: ["Muon_Px[0]"], score_range: [-1000, 1000] },
    /uproot-HZZ\.root: Muon_Px\[0\]: NaN at entry \d+/);
});

test("Parquet (HiggsML sample): processes by detailed_labels, weights column; htautau sums to 1038.6", async () => {
  const ev = await loadEvents(cfg({
    processes: {
      htautau: { files: [PARQUET], weight: "weights", select: "detailed_labels == htautau" },
      ztautau: { files: [PARQUET], weight: "weights", select: "detailed_labels == ztautau" },
    },
    signals: ["htautau"], scores: ["DER_deltar_had_lep"], score_range: [0, 10],
  }));
  const t = processTotals(ev);
  assert.equal(ev.n, 336 + 634);
  assert.ok(Math.abs(t[0] - 1038.63) < 0.01, `htautau ${t[0]}`);
  assert.ok(Math.abs(t[1] / 1.003e6 - 1) < 0.001, `ztautau ${t[1]}`);
});

test("CSV, a YAML configuration with paths relative to it, bump-mode mass column", async () => {
  const dir = mkdtempSync(join(tmpdir(), "cat-in-"));
  try {
    writeFileSync(join(dir, "sig.csv"), "s1,s2,w,m\n0.7,0.2,0.1,125\n0.6,0.1,0.1,124\n");
    writeFileSync(join(dir, "bkg.csv"), "s1,s2,w,m\n0.1,0.2,2,110\n0.2,0.3,2,150\n0.3,0.1,1.5,125\n");
    const yaml = "processes:\n  sig: {files: [sig.csv], weight: w}\n  bkg: {files: [bkg.csv], weight: w * 2}\nsignals: [sig]\nscores: [s1, s2]\nmass: m\nbump: {enabled: true}\n";
    writeFileSync(join(dir, "c.yaml"), yaml);
    const c = categorizeConfig(parseConfigText(yaml, join(dir, "c.yaml")));
    const ev = await loadEvents(c);
    assert.equal(ev.n, 5);
    assert.equal(ev.d, 2);
    assert.deepEqual(Array.from(ev.mass!), [125, 124, 110, 150, 125]);
    assert.deepEqual(processTotals(ev), [0.2, 11]);

    // bad inputs, one line each, naming file and column
    writeFileSync(join(dir, "nan.csv"), "s1,s2,w,m\n0.7,,0.1,125\n");
    writeFileSync(join(dir, "neg.csv"), "s1,s2,w,m\n0.7,0.1,-0.1,125\n");
    writeFileSync(join(dir, "out.csv"), "s1,s2,w,m\n1.7,0.1,0.1,125\n");
    const base = (file: string, extra: Record<string, unknown> = {}) => ({
      processes: { sig: { files: [join(dir, "sig.csv")], weight: "w" }, bkg: { files: [join(dir, file)], weight: "w" } },
      signals: ["sig"], scores: ["s1", "s2"], ...extra,
    });
    await rejects(base("nan.csv"), /nan\.csv: s2: NaN at entry 0 \(process bkg\)/);
    await rejects(base("neg.csv"), /neg\.csv: w: negative weight -0\.1 at entry 0 .*allow_negative_weights/);
    const ok = await loadEvents(cfg(base("neg.csv", { allow_negative_weights: true })));
    assert.equal(ok.w[2], -0.1);
    await rejects(base("out.csv"), /out\.csv: s1: value 1\.7 at entry 0 is outside score_range \[0, 1\]/);
    await rejects(base("bkg.csv", { scores: ["s1", "s3"] }), /bkg\.csv: s3: no such column \(did you mean "s1"\?\)|sig\.csv: s3: no such column/);
    await rejects({ ...base("bkg.csv"), processes: { sig: { files: [join(dir, "sig.csv")], weight: "w" }, bkg: { files: [join(dir, "bkg.csv")], select: "s1 == 9" } } },
      /processes\.bkg: no events/);
    await rejects(base("missing.csv"), /missing\.csv: event file not found/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("ROOT: a missing branch names the closest one; a missing tree lists the trees", async () => {
  await rejects({ processes: { z: { files: [ZMUMU] } }, signals: ["z"], scores: ["Mass"], score_range: [0, 200] }, /uproot-Zmumu\.root: Mass: no such branch \(did you mean "M"\?\)/);
  await rejects({ processes: { z: { files: [ZMUMU], tree: "tree" } }, signals: ["z"], scores: ["M"], score_range: [0, 200] }, /tree "tree": no such TTree \(TTrees here: events\)/);
});

test("configuration mistakes: unknown key with a suggestion, a signal that is not a process", () => {
  assert.throws(() => cfg({ procesess: {} }), /procesess.*processes/);
  assert.throws(() => cfg({ processes: { a: { files: ["a.csv"] } }, signals: ["b"], scores: ["x"] }), /signals\[0\]: "b" is not a process/);
  assert.throws(() => cfg({ toy: { kind: "three-class" }, training: { optimiser: "adam" } }), /training\.optimiser.*optimizer/);
});
