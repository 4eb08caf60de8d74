// Region extraction (specs/interval_evidence.md §3.1): our single-SR workspaces equal the stored
// region.json.gz where the recipe is known (hb_2019: merge SR bins; DVmuon: POI "" only).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readJsonFile, workspaceFromJson } from "../../src/histfactory/load.ts";
import { extractRegion, mergeChannels, type RegionRecipe } from "../../src/marginal/region.ts";
import { InputError } from "../../src/io/errors.ts";
import type { Channel } from "../../src/histfactory/spec.ts";
import { needsShared, sharedPath } from "../shared.ts";

/** Deep equality with numbers compared to 1e-9 relative; returns the first mismatches. */
function diff(a: unknown, b: unknown, path = "", out: string[] = []): string[] {
  if (typeof a === "number" && typeof b === "number") {
    if (Math.abs(a - b) > 1e-9 * Math.max(1, Math.abs(b))) out.push(`${path}: ${a} vs ${b}`);
  } else if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) out.push(`${path}: length ${a.length} vs ${b.length}`);
    else a.forEach((x, i) => diff(x, b[i], `${path}/${i}`, out));
  } else if (a && b && typeof a === "object" && typeof b === "object") {
    const ra = a as Record<string, unknown>, rb = b as Record<string, unknown>;
    for (const k of new Set([...Object.keys(ra), ...Object.keys(rb)])) diff(ra[k], rb[k], `${path}/${k}`, out);
  } else if (a !== b) out.push(`${path}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
  return out;
}

const S = "discovery/searches";
const CASES: [string, string, RegionRecipe][] = [
  ["atlas_susy_hb_2019/a_bkg.json.gz", "atlas_susy_hb_2019/SRA", { signalChannels: ["SR_meff"] }],
  ["atlas_susy_hb_2019/b_bkg.json.gz", "atlas_susy_hb_2019/SRB", { signalChannels: ["SR_cuts"] }],
  ["atlas_susy_hb_2019/c_bkg.json.gz", "atlas_susy_hb_2019/SRC", { signalChannels: ["SR_metsigST"] }],
  ["atlas_susy_DVmuon_2020/srmet_bkg.json.gz", "atlas_susy_DVmuon_2020/SRMET", { signalChannels: ["SRMET_cuts"] }],
  ["atlas_susy_DVmuon_2020/srmu_bkg.json.gz", "atlas_susy_DVmuon_2020/SRMU", { signalChannels: ["SRMU_cuts"] }],
];

describe("extractRegion reproduces the stored region workspaces", needsShared(), () => {
  for (const [bkg, region, recipe] of CASES) {
    test(region, () => {
      const file = sharedPath(`${S}/${bkg}`);
      const ours = extractRegion(workspaceFromJson(readJsonFile(file), file), recipe, file);
      const stored = readJsonFile(sharedPath(`${S}/${region}/region.json.gz`));
      assert.deepEqual(diff(ours, stored).slice(0, 5), []);
    });
  }
});

describe("merge rules", () => {
  const chan = (name: string, samples: Channel["samples"]): Channel => ({ name, samples });
  test("merge_channels: weighted normsys, neutral missing modifiers, staterror/shapesys in quadrature", () => {
    const a = chan("A", [{ name: "bkg", data: [10], modifiers: [
      { name: "n1", type: "normsys", data: { hi: 1.2, lo: 0.9 } },
      { name: "h1", type: "histosys", data: { hi_data: [11], lo_data: [9] } },
      { name: "staterror_A", type: "staterror", data: [3] },
      { name: "mu", type: "normfactor", data: null },
    ] }]);
    const b = chan("B", [
      { name: "bkg", data: [30], modifiers: [{ name: "staterror_B", type: "staterror", data: [4] }, { name: "s1", type: "shapesys", data: [2] }] },
      { name: "other", data: [5], modifiers: [] },
    ]);
    const m = mergeChannels([a, b], "SR");
    assert.equal(m.name, "SR");
    assert.deepEqual(m.samples.map((s) => s.name), ["bkg", "other"]);
    const bkg = m.samples[0];
    assert.deepEqual(bkg.data, [40]);
    const byName = new Map(bkg.modifiers.map((x) => [x.name, x]));
    assert.deepEqual(byName.get("n1")!.data, { hi: (1.2 * 10 + 30) / 40, lo: (0.9 * 10 + 30) / 40 });
    assert.deepEqual(byName.get("h1")!.data, { hi_data: [41], lo_data: [39] });
    assert.deepEqual(byName.get("s1")!.data, [2]);
    assert.deepEqual(byName.get("staterror_SR")!.data, [5]);
    assert.equal(bkg.modifiers.at(-1)!.name, "staterror_SR");
  });

  test("bad recipes are InputErrors naming the field", () => {
    const ws = { channels: [chan("SR", [{ name: "b", data: [1, 2], modifiers: [{ name: "g", type: "shapesys", data: [0.1, 0.2] }] }])],
      observations: [{ name: "SR", data: [1, 2] }], measurements: [{ name: "m", config: { poi: "", parameters: [] } }], version: "1.0.0" };
    assert.throws(() => extractRegion(ws, { signalChannels: ["SRX"] }, "ws.json"), (e: unknown) => e instanceof InputError && /no channel "SRX"/.test(e.message));
    assert.throws(() => extractRegion(ws, { signalChannels: ["SR"] }, "ws.json"), (e: unknown) => e instanceof InputError && /shapesys/.test(e.message));
  });
});
