// Region recipes (src/marginal/recipe.ts): the shipped recipes (examples/marginal/*.yaml) turn the
// published workspaces of ../shared/discovery into the stored region.json.gz of every region —
// the 17 compressed_2020 regions (merged channels, dropped clashes, merged normfactors, renamed
// fake-factor modifiers), hb_2019 (merged bins) and DVmuon — with the same channels, samples,
// bins and modifiers (numbers to 1e-12 relative) and the same NLL (1e-12 relative) at the best
// fit and at 5 random points. Bad recipes are one ConfigError naming the recipe key.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { compileModel, readWorkspace, type WorkspaceSpec } from "../../src/histfactory/index.ts";
import { readJsonFile } from "../../src/histfactory/load.ts";
import { parseConfigText, ConfigError } from "../../src/io/config.ts";
import { fit } from "../../src/likelihood/fit.ts";
import { Rng } from "../../src/math/rng.ts";
import { readRecipe, recipeFromSource, recipeRegions } from "../../src/marginal/recipe.ts";
import { needsShared, sharedPath } from "../shared.ts";

const EX = new URL("../../examples/marginal/", import.meta.url).pathname;
const S = "discovery/searches";
const JOBS: [string, string, number][] = [
  ["atlas_susy_compressed_2020/ewkinos_bkg.json.gz", "compressed_2020_ewkinos", 9],
  ["atlas_susy_compressed_2020/sleptons_bkg.json.gz", "compressed_2020_sleptons", 8],
  ["atlas_susy_hb_2019/a_bkg.json.gz", "hb_2019_a", 1],
  ["atlas_susy_hb_2019/b_bkg.json.gz", "hb_2019_b", 1],
  ["atlas_susy_hb_2019/c_bkg.json.gz", "hb_2019_c", 1],
  ["atlas_susy_DVmuon_2020/srmet_bkg.json.gz", "dvmuon_2020_srmet", 1],
  ["atlas_susy_DVmuon_2020/srmu_bkg.json.gz", "dvmuon_2020_srmu", 1],
];

/** Structural equality with numbers to 1e-12 relative; the first mismatches (paths). */
function diff(a: unknown, b: unknown, path = "", out: string[] = []): string[] {
  if (typeof a === "number" && typeof b === "number") {
    if (Math.abs(a - b) > 1e-12 * Math.max(1, Math.abs(b))) out.push(`${path}: ${a} vs ${b}`);
  } else if (Array.isArray(a) && Array.isArray(b)) {
    if (a.length !== b.length) out.push(`${path}: length ${a.length} vs ${b.length}`);
    else a.forEach((x, i) => diff(x, b[i], `${path}/${i}`, out));
  } else if (a && b && typeof a === "object" && typeof b === "object") {
    const ra = a as Record<string, unknown>, rb = b as Record<string, unknown>;
    for (const k of new Set([...Object.keys(ra), ...Object.keys(rb)])) diff(ra[k], rb[k], `${path}/${k}`, out);
  } else if (a !== b) out.push(`${path}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
  return out;
}

/** NLL of ours and the stored region at the stored model's best fit and 5 random in-bounds points. */
function nllPairs(ours: WorkspaceSpec, stored: WorkspaceSpec, seed: number): [number, number][] {
  const a = compileModel(ours, { poiName: "" }), b = compileModel(stored, { poiName: "" });
  assert.deepEqual(a.parameters.map((p) => p.name), b.parameters.map((p) => p.name));
  const best = fit(b, b.observed).pars;
  const rng = new Rng(seed);
  const points = [best, ...Array.from({ length: 5 }, () => Float64Array.from(b.parameters, (p, i) => {
    if (p.fixed) return best[i];
    const x = best[i] + 0.5 * rng.normal();
    return Math.min(p.upper, Math.max(p.lower, x));
  }))];
  return points.map((x) => [a.nll(x, a.observed), b.nll(x, b.observed)]);
}

describe("shipped recipes reproduce the stored regions", needsShared(), () => {
  let total = 0;
  for (const [ws, recipeName, count] of JOBS) {
    test(`${recipeName} (${count} region${count > 1 ? "s" : ""})`, () => {
      const file = sharedPath(`${S}/${ws}`);
      const regions = recipeRegions(readWorkspace(file), readRecipe(`${EX}${recipeName}.yaml`));
      assert.equal(regions.length, count);
      regions.forEach(({ key, region }, k) => {
        const stored = readJsonFile(sharedPath(`${S}/${ws.split("/")[0]}/${key}/region.json.gz`)) as { signal_region_name: string; workspace: WorkspaceSpec };
        assert.deepEqual(diff(region, stored).slice(0, 5), [], key);
        for (const [x, y] of nllPairs(region.workspace, stored.workspace, 100 + k)) {
          assert.ok(Number.isFinite(x) && Math.abs(x - y) <= 1e-12 * Math.max(1, Math.abs(y)), `${key}: nll ${x} vs stored ${y}`);
        }
        total++;
      });
    });
  }
  test("all 22 regions of ../shared/discovery were checked", () => assert.equal(total, 22));
});

// A small workspace: SR in two bins, two single-bin SR channels, one CR; a clash in SRa.
const WS: WorkspaceSpec = {
  channels: [
    { name: "CR", samples: [{ name: "bkg", data: [20], modifiers: [{ name: "mu_lo", type: "normfactor", data: null }, { name: "syst", type: "normsys", data: { hi: 1.1, lo: 0.9 } }] }] },
    { name: "SRa", samples: [{ name: "bkg", data: [4], modifiers: [
      { name: "mu_lo", type: "normfactor", data: null }, { name: "syst", type: "normsys", data: { hi: 1.2, lo: 0.8 } },
      { name: "syst", type: "histosys", data: { hi_data: [4], lo_data: [4] } }, { name: "FF_a", type: "normsys", data: { hi: 1.3, lo: 0.7 } },
    ] }] },
    { name: "SRb", samples: [{ name: "bkg", data: [6], modifiers: [{ name: "mu_hi", type: "normfactor", data: null }, { name: "FF_b", type: "normsys", data: { hi: 1.1, lo: 0.9 } }] }] },
    { name: "SRbins", samples: [{ name: "bkg", data: [1, 2, 3], modifiers: [{ name: "st", type: "staterror", data: [0.1, 0.2, 0.2] }] }] },
  ],
  observations: [{ name: "CR", data: [21] }, { name: "SRa", data: [5] }, { name: "SRb", data: [7] }, { name: "SRbins", data: [1, 1, 2] }],
  measurements: [{ name: "m", config: { poi: "mu_lo", parameters: [] } }],
  version: "1.0.0",
};

const recipeOf = (yaml: string) => recipeFromSource(parseConfigText(yaml, "r.yaml"));
const regionsOf = (yaml: string) => recipeRegions(WS, recipeOf(yaml));
/** Assert a ConfigError on one line naming `key`, whose text matches `re`. */
function throwsAt(f: () => unknown, key: string, re: RegExp): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof ConfigError, String(e));
    assert.equal(e.path, key);
    assert.match(e.message, re);
    assert.doesNotMatch(e.message, /\n/);
    assert.match(e.message, /^r\.yaml: line \d+, column \d+: /);
    return true;
  });
}

describe("recipe operations on a small workspace", () => {
  test("merge_channels: clash dropped, normfactors merged, FF renamed, SR appended last, POI cleared", () => {
    const [{ region }] = regionsOf(`
prepare:
  - drop_modifiers: [{flat_histosys_clash: true}]
  - merge_normfactors: {mu: [mu_lo, mu_hi]}
  - rename_modifiers: [{from: "FF_*", to: FF, used_in: "SR*"}]
regions:
  SR: {channels: [SRb, SRa]}
`);
    const ws = region.workspace;
    assert.equal(region.signal_region_name, "SR");
    assert.deepEqual(ws.channels.map((c) => c.name), ["CR", "SR"]);
    assert.deepEqual(ws.observations, [{ name: "CR", data: [21] }, { name: "SR", data: [12] }]);
    assert.equal(ws.measurements[0].config.poi, "");
    const sr = ws.channels[1].samples[0];
    assert.deepEqual(sr.data, [10]);
    // SRa comes first (workspace order); its syst normsys and histosys are both gone; one mu, last per channel.
    assert.deepEqual(sr.modifiers.map((m) => `${m.type}:${m.name}`), ["normsys:FF", "normfactor:mu"]);
    assert.deepEqual(sr.modifiers[0].data, { hi: (1.3 * 4 + 1.1 * 6) / 10, lo: (0.7 * 4 + 0.9 * 6) / 10 });
    assert.deepEqual(ws.channels[0].samples[0].modifiers.map((m) => m.name), ["syst", "mu"]);
  });

  test("merge_bins of a bin selection, staterror in quadrature, renamed SR", () => {
    const [{ region }] = regionsOf(`
control_regions: []
regions:
  X: {channel: SRbins, bins: [1, 2], name: SRX}
`);
    assert.deepEqual(region.workspace.channels.map((c) => c.name), ["SRX"]);
    const s = region.workspace.channels[0].samples[0];
    assert.deepEqual(s.data, [5]);
    assert.ok(Math.abs((s.modifiers[0].data as number[])[0] - Math.hypot(0.2, 0.2)) < 1e-15);
    assert.deepEqual(region.workspace.observations, [{ name: "SRX", data: [3] }]);
  });

  test("bad recipes: one line naming the recipe key", () => {
    throwsAt(() => regionsOf("regions:\n  SR: {channels: [SRa, SRzz]}\n"), "regions.SR.channels[1]", /no channel "SRzz" in the workspace \(closest: "SRa"/);
    throwsAt(() => regionsOf("regions:\n  SR: {channel: SRbins, bins: [0, 3]}\n"), "regions.SR.bins[1]", /bin 3 is out of range: channel "SRbins" has 3 bin\(s\), numbered 0 to 2/);
    throwsAt(() => regionsOf("prepare:\n  - rename_modifiers: [{from: FF_a, to: syst}]\nregions:\n  SR: {channel: SRa}\n"), "prepare[0].rename_modifiers[0].to", /"syst" is already a modifier of the workspace/);
    throwsAt(() => regionsOf("prepare:\n  - merge_normfactors: {syst: [mu_lo]}\nregions:\n  SR: {channel: SRa}\n"), "prepare[0].merge_normfactors.syst", /already a modifier/);
    throwsAt(() => regionsOf("prepare:\n  - merge_normfactors: {mu: [syst]}\nregions:\n  SR: {channel: SRa}\n"), "prepare[0].merge_normfactors.mu[0]", /"syst" is a normsys\/histosys modifier, not a normfactor/);
    throwsAt(() => regionsOf("prepare:\n  - drop_modifiers: [{name: nope}]\nregions:\n  SR: {channel: SRa}\n"), "prepare[0].drop_modifiers[0]", /matches no modifier/);
    throwsAt(() => regionsOf("regions:\n  SR: {channels: [SRa, SRbins]}\n"), "regions.SR.channels[1]", /has 3 bins; merge_channels needs one bin per channel/);
    throwsAt(() => regionsOf("regions:\n  CR: {channels: [SRa, SRb]}\n"), "regions.CR.channels", /"CR" is already the name of another channel/);
    throwsAt(() => regionsOf("regions:\n  SR: {channel: SRa, channels: [SRb]}\n"), "regions.SR", /exactly one of `channel`/);
    throwsAt(() => recipeOf("regoins:\n  SR: {channel: SRa}\n"), "regoins", /did you mean "regions"/);
    throwsAt(() => regionsOf("control_regions: [CRx]\nregions:\n  SR: {channel: SRa}\n"), "control_regions[0]", /no channel "CRx"/);
  });
});
