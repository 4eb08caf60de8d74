// PatchSets and JSON Patch: look-up by name and by values, digest verification, application
// equal to fast-json-patch's on plain JSON, pyhf's consistency rules, and failing operations.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import fjp from "fast-json-patch";
import { needsShared, sharedPath } from "../shared.ts";
import { digestOf } from "../../src/histfactory/digest.ts";
import { readPatchSet, readWorkspace } from "../../src/histfactory/load.ts";
import { applyJsonPatch } from "../../src/histfactory/patch.ts";
import { parseValues, PatchSet } from "../../src/histfactory/patchset.ts";
import { parseJsonText, PyFloat, pyJsonDumps } from "../../src/histfactory/jsontext.ts";

const doc = () => ({ metadata: { description: "d", digests: { sha256: "0".repeat(64) }, labels: ["m1", "m2"], references: { hepdata: "ins1234567" } }, version: "1.0.0",
  patches: [
    { metadata: { name: "a_1000_0", values: [1000, 0] }, patch: [{ op: "add", path: "/x", value: 1 }] },
    { metadata: { name: "b_500_50p5", values: [500, 50.5] }, patch: [{ op: "add", path: "/x", value: 2 }] },
    { metadata: { name: "c_str", values: ["low", 1] }, patch: [] },
  ] });

describe("PatchSet look-up", () => {
  const ps = new PatchSet(doc(), "ps.json");
  test("by name", () => assert.equal(ps.get("b_500_50p5").index, 1));
  test("by values: tuple match, numbers compared numerically (1000 == 1000.0)", () => {
    assert.equal(ps.get([1000, 0]).name, "a_1000_0");
    assert.equal(ps.get(parseValues("1000.0, 0")).name, "a_1000_0");
    assert.equal(ps.get(parseValues("500,50.5")).name, "b_500_50p5");
    assert.equal(ps.get(parseValues("low,1")).name, "c_str");
    assert.equal(ps.find([1000]), undefined);
    assert.equal(ps.find(["1000", 0]), undefined);
  });
  test("values kept as written in the file (PyFloat) still match", () => {
    const kinded = parseJsonText(JSON.stringify(doc()).replace("[1000,0]", "[1000.0,0.0]"), "ps.json");
    assert.equal(new PatchSet(kinded, "ps.json").get([1000, 0]).name, "a_1000_0");
  });
  test("a missing key names the option and lists choices", () => {
    assert.throws(() => ps.get("zz"), { message: 'ps.json: --name: no patch named "zz" (available: a_1000_0, b_500_50p5, c_str)' });
    assert.throws(() => ps.get([1, 2]), { message: "ps.json: --values: no patch with values (1, 2) for labels (m1, m2) (available: (1000, 0), (500, 50.5), (\"low\", 1))" });
  });
  test("pyhf's rules: unique names, unique values, one value per label", () => {
    const d1 = doc(); d1.patches[1].metadata.name = "a_1000_0";
    assert.throws(() => new PatchSet(d1, "ps.json"), /ps\.json: \/patches\/1\/metadata\/name: patch name "a_1000_0" is used twice/);
    const d2 = doc(); d2.patches[1].metadata.values = [1000, 0];
    assert.throws(() => new PatchSet(d2, "ps.json"), /\/patches\/1\/metadata\/values: patch "b_500_50p5" has the same values \(1000, 0\) as patch "a_1000_0"/);
    const d3 = doc(); d3.patches[2].metadata.values = ["low"];
    assert.throws(() => new PatchSet(d3, "ps.json"), /\/patches\/2\/metadata\/values: patch "c_str" has 1 values but the patchset has 2 labels/);
  });
  test("verify refuses a digest mismatch, saying expected and got", () => {
    const ws = { a: 1 };
    assert.throws(() => ps.verify(ws, "ws.json"), {
      message: `ps.json: /metadata/digests/sha256: digest mismatch: the patchset was made for a workspace with sha256 ${"0".repeat(64)}, got ${digestOf(ws)} for ws.json`,
    });
    assert.throws(() => ps.apply(ws, "a_1000_0"), /digest mismatch/);
  });
});

describe("JSON Patch application", () => {
  const base = () => ({ channels: [{ name: "c", samples: [{ name: "s", data: [1, 2] }] }] });
  test("agrees with fast-json-patch on plain JSON for every operation", () => {
    const ops = [
      { op: "add", path: "/channels/0/samples/1", value: { name: "t", data: [3, 4] } },
      { op: "replace", path: "/channels/0/samples/0/data/0", value: 7 },
      { op: "copy", from: "/channels/0/samples/1", path: "/channels/0/samples/-" },
      { op: "move", from: "/channels/0/samples/2", path: "/channels/0/samples/0" },
      { op: "remove", path: "/channels/0/samples/1/data/1" },
      { op: "test", path: "/channels/0/name", value: "c" },
      { op: "add", path: "/version", value: "1.0.0" },
    ] as const;
    const want = fjp.applyPatch(base(), ops as unknown as fjp.Operation[], true, false).newDocument;
    const b = base();
    assert.deepEqual(applyJsonPatch(b, ops as never, "p.json"), want);
    assert.deepEqual(b, base(), "input unchanged");
  });
  test("number kinds survive add, replace and copy; test compares 1 == 1.0", () => {
    const ws = parseJsonText('{"d": [1.0, 2], "e": {"hi": 1.0}}', "ws.json");
    const ops = parseJsonText('[{"op": "replace", "path": "/d/1", "value": 3.0}, {"op": "copy", "from": "/e", "path": "/f"}, {"op": "test", "path": "/d/0", "value": 1}, {"op": "add", "path": "/g", "value": [5.0, 5]}]', "p.json");
    const out = applyJsonPatch(ws, ops as never, "p.json");
    assert.equal(pyJsonDumps(out), '{"d": [1.0, 3.0], "e": {"hi": 1.0}, "f": {"hi": 1.0}, "g": [5.0, 5]}');
    assert.ok((out as { d: unknown[] }).d[0] instanceof PyFloat);
  });
  const fails: [string, object, RegExp][] = [
    ["replace on a missing path", { op: "replace", path: "/channels/3/name", value: "x" }, /^p\.json: \/0 \(replace \/channels\/3\/name\): cannot apply: the path does not exist in the workspace$/],
    ["remove on a missing key", { op: "remove", path: "/channels/0/nokey" }, /\/0 \(remove \/channels\/0\/nokey\): cannot apply: the path does not exist/],
    ["add past the end of an array", { op: "add", path: "/channels/5", value: {} }, /\/0 \(add \/channels\/5\): cannot apply: the array index is past the end of the array/],
    ["add under a missing parent", { op: "add", path: "/nope/x", value: 1 }, /\/0 \(add \/nope\/x\): cannot apply: the parent of the path does not exist/],
    ["a failing test", { op: "test", path: "/channels/0/name", value: "d" }, /\/0 \(test \/channels\/0\/name\): cannot apply: test failed/],
    ["move from a missing path", { op: "move", from: "/zz", path: "/a" }, /the "from" path does not exist/],
  ];
  for (const [what, op, re] of fails) {
    test(what, () => assert.throws(() => applyJsonPatch(base(), [op as never], "p.json"), { message: re }));
  }
  test("the index of the failing operation and a prefix (patchset patches)", () => {
    assert.throws(() => applyJsonPatch(base(), [{ op: "add", path: "/a", value: 1 }, { op: "remove", path: "/b" }], "ps.json", "/patches/4/patch"), { message: /^ps\.json: \/patches\/4\/patch\/1 \(remove \/b\): cannot apply/ });
  });
});

describe("real patchsets", needsShared(), () => {
  test("1Lbb: patch by values from the gzipped HEPData list equals the subset's patch; result digest matches Python", () => {
    const full = readPatchSet(sharedPath("workspaces/atlas-susy-2019-08-1lbb/patchsets_v1.json.gz"));
    const sub = readPatchSet(sharedPath("workspaces/atlas-susy-2019-08-1lbb/patchset_subset.json"));
    assert.equal(full.patches.length, 125);
    assert.deepEqual(full.labels, ["m1", "m2"]);
    const ws = readWorkspace(sharedPath("workspaces/atlas-susy-2019-08-1lbb/BkgOnly.json"));
    const a = full.apply(ws, [1000, 0]);
    const b = sub.apply(ws, "C1N2_Wh_hbb_1000_0");
    // sha256 of json.dumps(jsonpatch.apply_patch(BkgOnly, patch)) computed with CPython
    assert.equal(digestOf(a), "a06d5bbbda87790daa0f035a8eb7cf0f274e3d1fe386e665e3855efe8bbdbdb7");
    assert.equal(digestOf(b), digestOf(a));
    assert.equal(a.channels[0].samples.length, ws.channels[0].samples.length + 1);
  });
  test("3L eRJR: values written as floats (100.0, 20.0) are found with integers", () => {
    const ps = readPatchSet(sharedPath("workspaces/atlas-susy-2018-06-3l-erjr/patchset.json"));
    assert.equal(ps.get([100, 20]).name, "ERJR_100p0_20p0");
    assert.equal(ps.metadata.analysis_id, "ANA-SUSY-2018-06");
  });
  test("patch applied to the plain spec equals fast-json-patch on JSON.parse", () => {
    const wsFile = sharedPath("workspaces/pyhf-tests-patchset/example_bkgonly.json");
    const psFile = sharedPath("workspaces/pyhf-tests-patchset/example_patchset.json");
    const ps = readPatchSet(psFile);
    const out = ps.apply(readWorkspace(wsFile), "patch_channel1_signal_syst1");
    const raw = JSON.parse(readFileSync(psFile, "utf8"));
    const want = fjp.applyPatch(JSON.parse(readFileSync(wsFile, "utf8")), raw.patches[0].patch, true, false).newDocument;
    assert.deepEqual(out, want);
  });
});
