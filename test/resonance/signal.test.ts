// Signal shapes against scipy 1.17.1 (quad integration of the densities; the reference script is
// in the comments), bin fractions on variable bins, and windows narrower than a bin.
import { test } from "node:test";
import assert from "node:assert/strict";
import { binFractions, containmentInterval, dscbCdf, overlappingBins, resolutionFunction, signalCdf, voigtCdf } from "../../src/resonance/signal.ts";
import { betaInc, fSurvival } from "../../src/resonance/order.ts";

// scipy: quad of the DSCB density (αL 1.2, nL 4, αH 1.8, nH 6), normalised, from −∞ to t.
const DSCB_REF: [number, number][] = [[-5, 0.019702766061905574], [-1.5, 0.14910390821997027], [-0.3, 0.4320592756102742], [1.0, 0.8430651124477164], [2.5, 0.9818394964663378], [8, 0.9997538359820781]];
// scipy: quad of special.voigt_profile(x − 100, σ = 2, HWHM = 1.5) from −∞ to x.
const VOIGT_REF: [number, number][] = [[90, 0.04947520911531053], [98, 0.28093703411448867], [100, 0.5], [101, 0.6170212201851193], [104, 0.8521828381601593], [130, 0.9840264130070692]];

test("double-sided Crystal Ball CDF equals scipy's integral of its density to 1e-10", () => {
  for (const [t, want] of DSCB_REF) assert.ok(Math.abs(dscbCdf(t, 1.2, 4, 1.8, 6) - want) < 1e-10, `t = ${t}: ${dscbCdf(t, 1.2, 4, 1.8, 6)} vs ${want}`);
  // continuous at the tail junctions
  for (const t of [-1.2, 1.8]) assert.ok(Math.abs(dscbCdf(t - 1e-9, 1.2, 4, 1.8, 6) - dscbCdf(t + 1e-9, 1.2, 4, 1.8, 6)) < 1e-8);
});

test("Voigtian CDF (Breit–Wigner Γ = 3 ⊗ Gaussian σ = 2) equals scipy's voigt_profile integral to 1e-9", () => {
  for (const [x, want] of VOIGT_REF) assert.ok(Math.abs(voigtCdf(x, 100, 2, 3) - want) < 1e-9, `x = ${x}: ${voigtCdf(x, 100, 2, 3)} vs ${want}`);
});

test("F-distribution survival and the incomplete beta equal scipy to 1e-12", () => {
  assert.ok(Math.abs(fSurvival(2.5, 1, 50) - 0.120152228181086) < 1e-12);
  assert.ok(Math.abs(fSurvival(0.3, 2, 20) - 0.7440939148967252) < 1e-12);
  assert.ok(Math.abs(fSurvival(7.1, 1, 100) - 0.008987722288302304) < 1e-12);
  assert.ok(Math.abs(betaInc(0.3, 2.5, 1.5) - 0.08894372317066562) < 1e-12);
  assert.ok(Math.abs(betaInc(0.9, 10, 0.5) - 0.15164090963470994) < 1e-12);
});

test("bin fractions are CDF differences on variable bins, normalised over the range", () => {
  const edges = [100, 103, 110, 112, 130, 200];
  for (const model of [{ kind: "gaussian" as const }, { kind: "dscb" as const, alphaLow: 1.2, nLow: 4, alphaHigh: 1.8, nHigh: 6 }, { kind: "voigtian" as const, width: 3, relativeWidth: 0 }]) {
    const w = binFractions(edges, model, 111, 4);
    const F = signalCdf(model, 111, 4);
    const tot = F(200) - F(100);
    assert.ok(Math.abs(w.reduce((a, b) => a + b, 0) - 1) < 1e-12);
    for (let i = 0; i < 5; i++) assert.ok(Math.abs(w[i] - (F(edges[i + 1]) - F(edges[i])) / tot) < 1e-12, `${model.kind} bin ${i}`);
  }
});

test("the window holds the requested containment; a window narrower than a bin keeps the bin it falls in", () => {
  const [lo, hi] = containmentInterval({ kind: "gaussian" }, 50, 2, 0.9);
  assert.ok(Math.abs((hi - 50) / 2 - 1.6448536269514722) < 1e-12 && Math.abs((50 - lo) / 2 - 1.6448536269514722) < 1e-12);
  const d = { kind: "dscb" as const, alphaLow: 1.2, nLow: 4, alphaHigh: 1.8, nHigh: 6 };
  const [a, b] = containmentInterval(d, 50, 2, 0.8);
  const F = signalCdf(d, 50, 2);
  assert.ok(Math.abs(F(b) - F(a) - 0.8) < 1e-9 && Math.abs(F(a) - 0.1) < 1e-9);
  // 10-wide bins, window ±1.6 around 47: only the bin [40, 50)
  assert.deepEqual(overlappingBins([0, 10, 20, 30, 40, 50, 60], 45.4, 48.6), [4]);
  // straddling an edge: both bins
  assert.deepEqual(overlappingBins([0, 10, 20, 30, 40, 50, 60], 48.4, 51.6), [4, 5]);
});

test("resolution: polynomial Σ c_i m^i and relative r·m ⊕ c", () => {
  assert.ok(Math.abs(resolutionFunction({ kind: "polynomial", coeffs: [1, 0.5, 0.01] })(10) - 7) < 1e-12);
  assert.ok(Math.abs(resolutionFunction({ kind: "relative", fraction: 0.02, constant: 1.5 })(100) - 2.5) < 1e-12);
});
