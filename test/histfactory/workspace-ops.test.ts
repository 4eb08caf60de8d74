// Workspace operations against pyhf's semantics: digests of the results compared with an
// independent Python transcription of pyhf's Workspace.sorted/_prune_and_rename/combine (run once
// with CPython 3 json + hashlib; constants below), and the refusals pyhf makes.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { needsShared, sharedPath } from "../shared.ts";
import { digestOf } from "../../src/histfactory/digest.ts";
import { readWorkspace } from "../../src/histfactory/load.ts";
import { combineWorkspaces, pruneWorkspace, renameWorkspace, sortWorkspace, workspaceSummary } from "../../src/histfactory/workspace-ops.ts";
import type { WorkspaceSpec } from "../../src/histfactory/spec.ts";
import { InputError } from "../../src/io/errors.ts";

// sha256 of json.dumps(result, sort_keys=True, ensure_ascii=False) from the Python transcription.
const PY = {
  sorted_1lbb: "ebe43e222758e8471ab90acb929726b2a1b1113e39ffe0dbce9e24a049b0f8b9",
  sorted_fullexample: "362856de79aebbd8f1fc2206bab247e1b909319c259bc706b0b0c2415bbd3aa6",
  prune_example_staterror_syst2: "62b7cd5991529f9c1ee0a47bcf002a586ea99c24cb803d34d70c3c21226e41c8",
  prune_example_bkg2_meas: "d8b8970032cc36f16d57d50c18a7e147e2cfe74937634746ccc961db30484ca5",
  prune_1lbb_channels_histosys: "bfd1c67e46ab0149b8e7303126679821e91b683bfebed03e2079f4df699aba1b",
  rename_example: "f0a17258d4edd478dab0b0b89dc9aab285d4c6d6f68325d2b68b50b52edfa52b",
  combine_none_2ch_example: "ca7b68f0a9f88751c1ee7083fdbd361b9e5791deaaf1a36ce9a88b759e4fd484",
  combine_outer_example_renamed: "46b5195e13aee0c985338b5eadd40399a70a4a10957e1d6891f445a96592ad2e",
  combine_outer_example_self: "7c32ca3b8db75cbafcf5cd7ed4672fa2b1fa69e391c9b89068dd947a521866ec",
  combine_leftouter_1lbb_pruned: "2563672e1a165384faf49f1431e921d88c9c07ec10f150d5045576564f98f820",
  combine_rightouter_1lbb_pruned: "301a2cc0786e18860d04c843dee4571b6effaa7ba5928e3e27eda0fc5ca4f3d9",
  combine_outer_merge_1lbb: "f7e44cb7707f28ada7458b285098b22081f1487dde278cf1fa7e69e49845b9a5",
};

describe("workspace operations reproduce pyhf's results (digests)", needsShared(), () => {
  const ex = () => readWorkspace(sharedPath("workspaces/pyhf-tests-patchset/example_bkgonly.json"));
  const lbb = () => readWorkspace(sharedPath("workspaces/atlas-susy-2019-08-1lbb/BkgOnly.json"));
  const two = () => readWorkspace(sharedPath("workspaces/pyhf-validation/ws_2bin_2channel.json"));
  const full = () => readWorkspace(sharedPath("workspaces/atlaspyhftutorial/fullexample.json"));

  test("sorted", () => {
    assert.equal(digestOf(sortWorkspace(lbb())), PY.sorted_1lbb);
    assert.equal(digestOf(sortWorkspace(full())), PY.sorted_fullexample);
  });
  test("prune by modifier type and name, by sample and measurement, by channel", () => {
    assert.equal(digestOf(pruneWorkspace(ex(), { modifierTypes: ["staterror"], modifiers: ["syst2"] })), PY.prune_example_staterror_syst2);
    assert.equal(digestOf(pruneWorkspace(ex(), { samples: ["background2"], measurements: ["GammaExample", "ConstExample"] })), PY.prune_example_bkg2_meas);
    assert.equal(digestOf(pruneWorkspace(lbb(), { channels: ["SRHMEM_mct2", "WREM_cuts"], modifierTypes: ["histosys"] })), PY.prune_1lbb_channels_histosys);
  });
  test("rename modifiers (with parameter configs and POI), samples, channels (with observations), measurements", () => {
    const r = renameWorkspace(ex(), { modifiers: { SigXsecOverSM: "mu", syst1: "alpha_one" }, samples: { signal: "sig" }, channels: { channel1: "SR" }, measurements: { GaussExample: "Gauss" } });
    assert.equal(digestOf(r), PY.rename_example);
    assert.equal(r.measurements[0].config.poi, "mu");
    assert.equal(r.observations[0].name, "SR");
  });
  test("combine: none, outer (identical items kept once), left/right outer, outer with merged channels", () => {
    assert.equal(digestOf(combineWorkspaces(two(), ex())), PY.combine_none_2ch_example);
    assert.equal(digestOf(combineWorkspaces(ex(), renameWorkspace(ex(), { channels: { channel1: "channel2" } }), { join: "outer" })), PY.combine_outer_example_renamed);
    assert.equal(digestOf(combineWorkspaces(ex(), ex(), { join: "outer" })), PY.combine_outer_example_self);
    const noTtbar = () => pruneWorkspace(lbb(), { samples: ["ttbar"] });
    assert.equal(digestOf(combineWorkspaces(lbb(), noTtbar(), { join: "left outer" })), PY.combine_leftouter_1lbb_pruned);
    assert.equal(digestOf(combineWorkspaces(lbb(), noTtbar(), { join: "right outer" })), PY.combine_rightouter_1lbb_pruned);
    assert.equal(digestOf(combineWorkspaces(noTtbar(), pruneWorkspace(lbb(), { samples: ["wjets"] }), { join: "outer", mergeChannels: true })), PY.combine_outer_merge_1lbb);
  });

  test("combine refuses what pyhf refuses", () => {
    const e = ex();
    assert.throws(() => combineWorkspaces(e, e, { files: ["a.json", "b.json"] }), (err: unknown) => err instanceof InputError && /a\.json \+ b\.json: \/channels: .*same name: "channel1"/.test(err.message));
    const other = renameWorkspace(e, { channels: { channel1: "channel1" } });
    other.channels[0].samples[0].data[0] += 1;
    assert.throws(() => combineWorkspaces(e, other, { join: "outer" }), /same-named channels with different content: "channel1"/);
    const renamed = renameWorkspace(e, { channels: { channel1: "c2" } });
    renamed.measurements[0].config.poi = "syst1";
    assert.throws(() => combineWorkspaces(e, renamed, { join: "outer" }), /same-named measurements with different POIs: "GaussExample"/);
    const params = renameWorkspace(e, { channels: { channel1: "c3" } });
    params.measurements[0].config.parameters[0].sigmas = [0.5];
    assert.throws(() => combineWorkspaces(e, params, { join: "outer" }), /measurement "GaussExample" has incompatible parameter configs in the two workspaces: "lumi"/);
    assert.throws(() => combineWorkspaces(e, e, { join: "none", mergeChannels: true }), /--merge-channels/);
    assert.throws(() => combineWorkspaces(e, { ...e, version: "1.0.1" } as WorkspaceSpec, { join: "outer" }), /different versions/);
    // left outer silently keeps the left channel
    const lo = combineWorkspaces(e, other, { join: "left outer" });
    assert.deepEqual(lo.channels, e.channels);
  });

  test("prune/rename refuse unknown names and results that are not valid workspaces", () => {
    const e = ex();
    assert.throws(() => pruneWorkspace(e, { samples: ["nope"] }, "ex.json"), /ex\.json: --sample: "nope" is not one of the samples in this workspace/);
    assert.throws(() => pruneWorkspace(e, { modifierTypes: ["histosys"] }, "ex.json"), /--modifier-type: "histosys" is not one of the modifier types/);
    assert.throws(() => renameWorkspace(e, { modifiers: { zzz: "a" } }, "ex.json"), /--modifier: "zzz" is not one of the modifiers/);
    assert.throws(() => pruneWorkspace(e, { channels: ["channel1"] }, "ex.json"), /ex\.json \(after prune\): \/channels: expected at least 1 item, got 0/);
    // inputs are left alone
    assert.equal(digestOf(e), "7c32ca3b8db75cbafcf5cd7ed4672fa2b1fa69e391c9b89068dd947a521866ec");
  });
});

test("operations work on plain specs built in code", () => {
  const ws: WorkspaceSpec = {
    channels: [{ name: "b", samples: [{ name: "s", data: [1, 2], modifiers: [{ name: "mu", type: "normfactor", data: null }, { name: "lumi", type: "lumi", data: null }] }] },
      { name: "a", samples: [{ name: "s", data: [3], modifiers: [] }] }],
    measurements: [{ name: "m", config: { poi: "mu", parameters: [{ name: "lumi", auxdata: [1], sigmas: [0.02] }] } }],
    observations: [{ name: "b", data: [1, 2] }, { name: "a", data: [3] }],
    version: "1.0.0",
  };
  const s = sortWorkspace(ws);
  assert.deepEqual(s.channels.map((c) => c.name), ["a", "b"]);
  assert.deepEqual(s.channels[1].samples[0].modifiers.map((m) => m.name), ["lumi", "mu"]);
  assert.deepEqual(ws.channels.map((c) => c.name), ["b", "a"], "input unchanged");
  const p = pruneWorkspace(ws, { modifiers: ["lumi"] });
  assert.deepEqual(p.measurements[0].config.parameters, []);
  assert.deepEqual(workspaceSummary(ws).modifiers, [["lumi", "lumi"], ["mu", "normfactor"]]);
});
