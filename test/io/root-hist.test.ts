// readTH1 on the real HPS spectra, bin by bin against the counts scikit-learn's reference was
// built from (../shared/reference/gp_reference.json: hps_gpr's rebinned histograms). A shifted,
// dropped or misread bin fails here; the bin count and the total alone would not catch it.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { HAVE_SHARED, needsShared, sharedPath } from "../shared.ts";
import { readTH1 } from "../../src/io/root-hist.ts";

interface HpsRef { id: string; kind: string; source: string; rebin: number; edges: number[]; counts: number[] }

function references(): HpsRef[] {
  if (!HAVE_SHARED) return [];
  const text = readFileSync(sharedPath("reference/gp_reference.json"), "utf8").replace(/"(-?Infinity|NaN)"/g, "null");
  const cases = (JSON.parse(text).cases as HpsRef[]).filter((c) => c.kind === "hps");
  // One reference per (file, rebin): the cases at different masses share their histogram.
  return [...new Map(cases.map((c) => [`${c.source.split(" ")[0]}@${c.rebin}`, c])).values()];
}

describe("readTH1 vs the reference spectra, bin by bin", needsShared(), () => {
  for (const c of references()) {
    const [file, hist] = c.source.split(" ")[0].split(":");
    test(`${file}:${hist} rebinned by ${c.rebin}: every count exact, every edge to 1e-15 (${c.counts.length} bins)`, async () => {
      const h = await readTH1(sharedPath(file), hist);
      assert.equal(h.counts.length, c.counts.length * c.rebin);
      for (let k = 0; k < c.counts.length; k++) {
        let s = 0;
        for (let i = k * c.rebin; i < (k + 1) * c.rebin; i++) s += h.counts[i];
        assert.equal(s, c.counts[k], `rebinned bin ${k} [${c.edges[k]}, ${c.edges[k + 1]}): ${s} vs ${c.counts[k]}`);
      }
      for (let k = 0; k <= c.counts.length; k++) {
        assert.ok(Math.abs(h.edges[k * c.rebin] - c.edges[k]) <= 1e-15 * Math.max(1, Math.abs(c.edges[k])), `edge ${k}: ${h.edges[k * c.rebin]} vs ${c.edges[k]}`);
      }
    });
  }
});
