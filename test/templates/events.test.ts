// The challenge's systematics on the real 1000-event sample (../shared/higgsml, read with
// hyparquet): the 12 derived features recomputed from the primary ones equal the file's own
// (float32 precision), counts after the post-selection at nominal and shifted tes/jes, the MET
// change under tes, the soft-MET noise law, and templates histogrammed on a small grid.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readChallengeEvents, applySystematics, derivedFeatures, eventTemplates, DER_FEATURES, UNDEFINED } from "../../src/templates/events.ts";
import { readEventTable } from "../../src/io/event-table.ts";
import { checkGrid } from "../../src/templates/grid.ts";
import { sharedPath } from "../shared.ts";

const file = sharedPath("higgsml/FAIR_Universe_HiggsML_data.parquet");
const evP = readChallengeEvents(file);

test("derived features recomputed from PRI_* equal the file's DER_* columns (1000 real events)", async () => {
  const ev = await evP;
  assert.equal(ev.n, 1000);
  const der = derivedFeatures(ev);
  const stored = await Promise.all(ev.processes.map((p) => readEventTable(file, { columns: [...DER_FEATURES], select: `detailed_labels == ${p}` })));
  DER_FEATURES.forEach((f, k) => {
    // Inputs are float32: ~1e-7 relative; m_T = √(a − b) of nearly equal squares loses more near 0.
    const tol = f === "DER_mass_transverse_met_lep" ? 2e-2 : 2e-4;
    let o = 0, worst = 0;
    for (const t of stored) for (let i = 0; i < t.n; i++, o++) worst = Math.max(worst, Math.abs(der[f][o] - t.columns[k][i]) / Math.max(1, Math.abs(t.columns[k][i])));
    assert.ok(worst < tol, `${f}: worst ${worst}`);
  });
  // Undefined jet quantities carry −25 exactly as in the file.
  const nj = ev.pri.PRI_n_jets;
  for (let i = 0; i < ev.n; i++) if (nj[i] < 2) assert.equal(der.DER_mass_jet_jet[i], UNDEFINED);
});

test("post-selection counts at nominal and shifted tes, jes (had pT ≥ 26, lep pT ≥ 20, jets ≤ 26 GeV removed)", async () => {
  const ev = await evP;
  const nominal = applySystematics(ev);
  // Independent count of the event cuts on the raw columns.
  let direct = 0;
  for (let i = 0; i < ev.n; i++) if (ev.pri.PRI_had_pt[i] >= 26 && ev.pri.PRI_lep_pt[i] >= 20) direct++;
  assert.equal(nominal.n, direct);
  const jets = (e: typeof ev) => e.pri.PRI_n_jets.reduce((a, b) => a + b, 0);
  let rawJetsAbove = 0;
  for (let i = 0; i < ev.n; i++) {
    if (!(ev.pri.PRI_had_pt[i] >= 26 && ev.pri.PRI_lep_pt[i] >= 20)) continue;
    if (ev.pri.PRI_n_jets[i] >= 1) rawJetsAbove += ev.pri.PRI_jet_leading_pt[i] > 26 ? 1 : 0;
    if (ev.pri.PRI_n_jets[i] >= 2) rawJetsAbove += ev.pri.PRI_jet_subleading_pt[i] > 26 ? 1 : 0;
    rawJetsAbove += Math.max(0, ev.pri.PRI_n_jets[i] - 2);
  }
  assert.equal(jets(nominal), rawJetsAbove);
  // Measured with this implementation (regression values) and ordered as physics says.
  const count = (o: Parameters<typeof applySystematics>[1]) => { const e = applySystematics(ev, o); return [e.n, jets(e)]; };
  assert.deepEqual([nominal.n, jets(nominal)], [925, 759]);
  assert.deepEqual(count({ tes: 1.05 }), [970, 788]);
  assert.deepEqual(count({ tes: 0.95 }), [884, 734]);
  assert.deepEqual(count({ jes: 1.05 }), [925, 793]);
  assert.deepEqual(count({ jes: 0.95 }), [925, 740]);
  for (let i = 0; i < nominal.n; i++) {
    const nj = nominal.pri.PRI_n_jets[i];
    if (nj < 1) assert.equal(nominal.pri.PRI_jet_leading_pt[i], UNDEFINED);
    if (nominal.pri.PRI_jet_leading_pt[i] !== UNDEFINED) assert.ok(nominal.pri.PRI_jet_leading_pt[i] > 26, `event ${i}: leading jet ${nominal.pri.PRI_jet_leading_pt[i]}`);
  }
});

test("tes = 1.05 moves the MET vector by (1 − tes)·pT(τ) and scales PRI_had_pt; soft_met adds N(0, σ²) per component", async () => {
  const ev = await evP;
  // Same events at nominal and at tes = 1.05: compare only events kept by both (tes only adds events).
  const n0 = applySystematics(ev), n1 = applySystematics(ev, { tes: 1.05 });
  const key = (e: typeof ev, i: number) => `${e.pri.PRI_lep_pt[i]}|${e.pri.PRI_lep_eta[i]}|${e.pri.PRI_lep_phi[i]}`;
  const idx0 = new Map<string, number>();
  for (let i = 0; i < n0.n; i++) idx0.set(key(n0, i), i);
  let checked = 0;
  for (let i = 0; i < n1.n; i++) {
    const j = idx0.get(key(n1, i));
    if (j === undefined) continue;
    const pt0 = n0.pri.PRI_had_pt[j], phi = n0.pri.PRI_had_phi[j];
    assert.ok(Math.abs(n1.pri.PRI_had_pt[i] - pt0 * 1.05) <= 6e-4, "had pT × 1.05 (3 decimals)");
    const mx = (e: typeof ev, k: number) => e.pri.PRI_met[k] * Math.cos(e.pri.PRI_met_phi[k]), my = (e: typeof ev, k: number) => e.pri.PRI_met[k] * Math.sin(e.pri.PRI_met_phi[k]);
    const dx = mx(n1, i) - mx(n0, j), dy = my(n1, i) - my(n0, j);
    const ex = -0.05 * pt0 * Math.cos(phi), ey = -0.05 * pt0 * Math.sin(phi);
    // MET and φ are rounded to 1e-3 each: |Δ| ≤ ~1e-3·(1 + MET).
    const tol = 2e-3 * (1 + n0.pri.PRI_met[j]);
    assert.ok(Math.abs(dx - ex) < tol && Math.abs(dy - ey) < tol, `event ${i}: ΔMET (${dx}, ${dy}) vs (${ex}, ${ey})`);
    checked++;
  }
  assert.ok(checked >= 880, `${checked} events compared`);
  // soft_met = 3: the MET vector changes by two N(0, 9) components (kept events only; jets and τ unchanged).
  const s = applySystematics(ev, { soft_met: 3, seed: 7 });
  assert.equal(s.n, n0.n);
  let sum2 = 0, sum = 0;
  for (let i = 0; i < s.n; i++) {
    for (const [a, b] of [[s.pri.PRI_met[i] * Math.cos(s.pri.PRI_met_phi[i]) - n0.pri.PRI_met[i] * Math.cos(n0.pri.PRI_met_phi[i]), s.pri.PRI_met[i] * Math.sin(s.pri.PRI_met_phi[i]) - n0.pri.PRI_met[i] * Math.sin(n0.pri.PRI_met_phi[i])]]) {
      sum += a + b; sum2 += a * a + b * b;
    }
  }
  const m = sum / (2 * s.n), sd = Math.sqrt(sum2 / (2 * s.n) - m * m);
  assert.ok(Math.abs(m) < 3 * 3 / Math.sqrt(2 * s.n) && Math.abs(sd / 3 - 1) < 0.06, `noise mean ${m}, sd ${sd}`);
});

test("templates from events: weighted histograms per process and region at every grid point", async () => {
  const ev = await evP;
  const g = eventTemplates(ev, {
    axes: { tes: [0.98, 1, 1.02], jes: [1, 1.02], soft_met: [0, 2] },
    regions: [
      { name: "lowMT", select: (_p, d, i) => d.DER_mass_transverse_met_lep[i] < 70, edges: [0, 60, 80, 100, 130, 1000] },
      { name: "highMT", select: (_p, d, i) => d.DER_mass_transverse_met_lep[i] >= 70, edges: [0, 1000] },
    ],
    score: (_p, d, n) => Float64Array.from({ length: n }, (_, i) => d.DER_mass_vis[i]),
  });
  checkGrid(g);
  assert.equal(g.yields.length, 12 * 4 * 6);
  // At tes = 1, soft_met = 0 the total weight equals the post-selected sample's (every event lands in one region; m_vis < 1000).
  const nominal = applySystematics(ev);
  const w = nominal.weight.reduce((a, b) => a + b, 0);
  const pt = 1 * 4 + 0 * 2 + 0; // (tes index 1, jes index 0, soft_met index 0)
  let tot = 0;
  for (let s = 0; s < 24; s++) tot += g.yields[pt * 24 + s];
  assert.ok(Math.abs(tot - w) < 1e-6 * w, `${tot} vs ${w}`);
});
