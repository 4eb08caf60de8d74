// Mass points of the general resonance search on seeded synthetic spectra (not real data):
// windows narrower than a bin, failures recorded with their reasons, the look-elsewhere N_eff,
// and the envelope of background families.
import { test } from "node:test";
import assert from "node:assert/strict";
import { syntheticSpectrum } from "../../src/resonance/example.ts";
import { buildSearch, DEFAULT_SEARCH, effectiveWindows, scanSpectrum, sidakColumns, type SearchSpec } from "../../src/resonance/search.ts";
import { evaluatePoint } from "../../src/resonance/point.ts";
import { spectrumOf } from "../../src/resonance/spectrum.ts";

const gauss = { kind: "gaussian" as const };
const spec = (background: SearchSpec["background"], o: Partial<SearchSpec> = {}): SearchSpec => ({ ...DEFAULT_SEARCH, signal: gauss, resolution: { kind: "relative", fraction: 0.02 }, background, ...o });
const GP: SearchSpec["background"] = { model: "gp" };
const DIJET: SearchSpec["background"] = { model: "parametric", families: ["dijet"], npar: 3, orderSelection: "ftest", sqrtS: 13000 };

test("a window narrower than a bin gives a valid result (coarse bins, narrow signal), with GP and dijet backgrounds", () => {
  // 25 bins of ~8% width; the signal window (±1.645 × 0.5%) is ~1.6% wide.
  const syn = syntheticSpectrum({ lo: 500, hi: 3000, nBins: 25, events: 50000, shape: "dijet", sqrtS: 13000, p1: 10, p2: 5, seed: 5, signal: { model: gauss, mass: 1234, sigma: 6.17, yield: 400 } });
  for (const bg of [GP, DIJET]) {
    const s = spec(bg, { resolution: { kind: "relative", fraction: 0.005 } });
    const r = evaluatePoint("coarse", syn.spectrum, 1234, buildSearch(s, syn.spectrum).settings);
    assert.equal(r.status, "ok", `${bg.model}: ${r.error}`);
    assert.ok(r.window_hi - r.window_lo < 0.5 * (syn.spectrum.widths[Math.floor(syn.spectrum.counts.length / 2)]), "the window is narrower than a bin");
    assert.ok(r.n_window_bins >= 1 && r.n_window_bins <= 2);
    assert.ok(Number.isFinite(r.Z) && r.sigma_A > 0 && Number.isFinite(r.A_up));
    assert.ok(Math.abs(r.A_hat - 400) < 4 * r.sigma_A, `${bg.model}: Â = ${r.A_hat} ± ${r.sigma_A} for 400 injected`);
  }
});

test("an unphysical background is a failed point with its reason, never a number", () => {
  const syn = syntheticSpectrum({ lo: 500, hi: 3000, nBins: 50, events: 40000, shape: "dijet", sqrtS: 13000, p1: 10, p2: 5, seed: 2 });
  // A spike of 5000 events just outside the window at 1500 GeV: the fitted background misses the sidebands.
  const counts = Float64Array.from(syn.spectrum.counts);
  const k = syn.spectrum.edges.findIndex((e) => e > 1600) - 1;
  counts[k] += 5000;
  const sp = spectrumOf(syn.spectrum.edges, counts);
  const r = evaluatePoint("spike", sp, 1500, buildSearch(spec(DIJET), sp).settings);
  assert.equal(r.status, "failed");
  assert.match(r.error, /sidebands/);
  // A mass far outside the spectrum: failed with the reason, not an exception.
  const out = evaluatePoint("spike", sp, 9000, buildSearch(spec(DIJET), sp).settings);
  assert.equal(out.status, "failed");
  assert.match(out.error, /outside the spectrum/);
  // Šidák never turns a failed point into a global significance.
  const g = sidakColumns([r, out], 10);
  assert.ok(g.every((x) => Number.isNaN(x.p_global_sidak)));
});

test("Šidák N_eff is the number of window widths in the range: independent of the scan step (1e-9), = Δm/(1.645σ) for constant σ (half-windows)", () => {
  const s = spec(GP, { resolution: { kind: "polynomial", coeffs: [5] } });
  const n = effectiveWindows(s, 100, 400);
  assert.ok(Math.abs(n - 300 / (1.6448536269514722 * 5)) < 1e-9 * n, `${n}`);
  // Rows from two grids of different steps over the same range carry the same N_eff.
  const syn = syntheticSpectrum({ lo: 500, hi: 3000, nBins: 40, events: 20000, shape: "dijet", sqrtS: 13000, p1: 10, p2: 5, seed: 4 });
  const b = buildSearch(spec(DIJET), syn.spectrum);
  const coarse = scanSpectrum("d", syn.spectrum, [1000, 1500, 2000], b), fine = scanSpectrum("d", syn.spectrum, [1000, 1250, 1500, 1750, 2000], b);
  const ne = effectiveWindows(spec(DIJET), 1000, 2000);
  assert.equal(sidakColumns(coarse, ne)[0].n_eff, sidakColumns(fine, ne)[0].n_eff);
  assert.ok(Math.abs(ne - Math.log(2) / (1.6448536269514722 * 0.02)) < 1e-6 * ne, `relative σ: N_eff = ln(2)/(1.645·0.02) = ${Math.log(2) / (1.6448536269514722 * 0.02)}, got ${ne}`);
});

test("envelope of families: valid statistics at a signal, Z no smaller than the worst single family minus 0.5", () => {
  const syn = syntheticSpectrum({ lo: 500, hi: 3000, nBins: 50, events: 20000, shape: "dijet", sqrtS: 13000, p1: 10, p2: 5, seed: 8, signal: { model: gauss, mass: 1500, sigma: 30, yield: 120 } });
  const env = spec({ model: "parametric", families: ["dijet", "powerlaw", "exponential"], npar: null, orderSelection: "ftest", sqrtS: 13000 });
  const r = evaluatePoint("env", syn.spectrum, 1500, buildSearch(env, syn.spectrum).settings);
  assert.equal(r.status, "ok", r.error);
  assert.match(r.background, /^envelope:/);
  const single = ["dijet", "powerlaw", "exponential"].map((f) => evaluatePoint("one", syn.spectrum, 1500, buildSearch(spec({ model: "parametric", families: [f as "dijet"], npar: null, orderSelection: "ftest", sqrtS: 13000 }), syn.spectrum).settings).Z);
  assert.ok(r.Z >= Math.min(...single) - 0.5 && r.Z <= Math.max(...single) + 0.5, `envelope Z ${r.Z}, single ${single}`);
});

test("a large resonance the GP partly absorbs (J/ψ-like peak on a dimuon-like spectrum) is said, not reported as a plain null", () => {
  const syn = syntheticSpectrum({ lo: 2, hi: 5, nBins: 120, widthPower: 0, events: 200000, shape: "exponential", slope: 0.8, seed: 3, signal: { model: gauss, mass: 3.097, sigma: 0.031, yield: 60000 } });
  // default training (the bins outside the 90% window): the peak's tails left in the sidebands pull
  // the GP up; measured Â ≈ 25 000 of the 60 000; the row carries the warning
  const r = evaluatePoint("jpsi", syn.spectrum, 3.097, buildSearch(spec(GP, { resolution: { kind: "relative", fraction: 0.01 } }), syn.spectrum).settings);
  assert.ok(r.A_hat < 0.8 * 54000, `Â = ${r.A_hat}`);
  assert.match(r.warnings, /may absorb a structure/);
  // training outside 99% of the signal (window.train_containment: 0.99): the peak is measured, not absorbed
  const out = evaluatePoint("jpsi", syn.spectrum, 3.097, buildSearch(spec(GP, { resolution: { kind: "relative", fraction: 0.01 }, trainContainment: 0.99 }), syn.spectrum).settings);
  assert.ok(Math.abs(out.A_hat - 60000) < 0.05 * 60000, `train_containment 0.99: Â = ${out.A_hat} of 60 000`);
});

test("expected-limit bands: −2σ < −1σ < median < +1σ < +2σ, and the median equals the row's A_up_expected", () => {
  const syn = syntheticSpectrum({ lo: 500, hi: 3000, nBins: 40, events: 20000, shape: "dijet", sqrtS: 13000, p1: 10, p2: 5, seed: 6 });
  for (const bg of [DIJET, GP]) {
    const r = evaluatePoint("b", syn.spectrum, 1500, buildSearch({ ...spec(bg), bands: true }, syn.spectrum).settings);
    assert.equal(r.status, "ok", r.error);
    const b = [r.A_up_exp_m2, r.A_up_exp_m1, r.A_up_expected, r.A_up_exp_p1, r.A_up_exp_p2];
    for (let k = 1; k < 5; k++) assert.ok(b[k] > b[k - 1], `${bg.model}: ${b}`);
    // Gaussian asymptotics: the ±1σ band spans ≈ σ_A on each side of the median (Cowan et al. eq. 89), loosely
    assert.ok(b[3] - b[2] > 0.5 * r.sigma_A && b[3] - b[2] < 2 * r.sigma_A, `${bg.model}: +1σ − median = ${b[3] - b[2]}, σ_A = ${r.sigma_A}`);
  }
});
