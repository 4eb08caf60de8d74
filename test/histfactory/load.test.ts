// loadWorkspaceInput, the reader behind every command: --patch (bare JSON Patch or patchset),
// --patchset + --patch-name (digest verified), gzip, and the structural checks after patching.
import { describe, test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { needsShared, sharedPath } from "../shared.ts";
import { digestOf } from "../../src/histfactory/digest.ts";
import { loadWorkspaceInput, readPatch, readWorkspace } from "../../src/histfactory/load.ts";
import { checkWorkspace } from "../../src/histfactory/checks.ts";
import { parseJsonText } from "../../src/histfactory/jsontext.ts";
import type { WorkspaceSpec } from "../../src/histfactory/spec.ts";

const ws = (): WorkspaceSpec => ({
  channels: [{ name: "SR", samples: [
    { name: "sig", data: [1, 2], modifiers: [{ name: "mu", type: "normfactor", data: null }] },
    { name: "bkg", data: [5, 6], modifiers: [{ name: "h", type: "histosys", data: { hi_data: [5, 7], lo_data: [5, 5] } }, { name: "st", type: "staterror", data: [1, 1] }] },
  ] }],
  observations: [{ name: "SR", data: [6, 8] }],
  measurements: [{ name: "m", config: { poi: "mu", parameters: [] } }],
  version: "1.0.0",
});

describe("structural checks", () => {
  const msg = (f: (w: any) => void) => { const w = ws(); f(w); try { checkWorkspace(w, "w.json"); return ""; } catch (e) { return (e as Error).message; } };
  test("a valid workspace passes", () => assert.equal(msg(() => {}), ""));
  test("sample bins", () => assert.equal(msg((w) => w.channels[0].samples[1].data.push(1)), 'w.json: /channels/0/samples/1/data: sample "bkg" has 3 bins but channel "SR" has 2 observed bins'));
  test("histosys bins", () => assert.match(msg((w) => w.channels[0].samples[1].modifiers[0].data.lo_data.pop()), /^w\.json: \/channels\/0\/samples\/1\/modifiers\/0\/data\/lo_data: modifier "h" \(histosys\) of sample "bkg" has 1 bins, expected 2/));
  test("staterror bins", () => assert.match(msg((w) => w.channels[0].samples[1].modifiers[1].data.push(1)), /\/modifiers\/1\/data: modifier "st" \(staterror\) .* has 3 bins, expected 2/));
  test("negative yield", () => assert.match(msg((w) => { w.channels[0].samples[0].data[1] = -1; }), /^w\.json: \/channels\/0\/samples\/0\/data\/1: sample "sig" in channel "SR" has yield -1 in bin 1: yields must be finite and ≥ 0$/));
  test("NaN yield (built in code)", () => assert.match(msg((w) => { w.channels[0].samples[0].data[0] = NaN; }), /\/data\/0: .* has yield NaN in bin 0/));
  test("missing observation", () => assert.match(msg((w) => { w.observations[0].name = "CR"; }), /^w\.json: \/observations: no observation for channel "SR"/));
});

describe("loadWorkspaceInput", () => {
  const dir = mkdtempSync(join(tmpdir(), "sl-load-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const put = (name: string, v: unknown, gz = false) => {
    const p = join(dir, name);
    const text = typeof v === "string" ? v : JSON.stringify(v);
    writeFileSync(p, gz ? gzipSync(text) : text);
    return p;
  };
  test("plain and gzipped workspace", () => {
    const a = loadWorkspaceInput({ workspace: put("w.json", ws()) });
    const b = loadWorkspaceInput({ workspace: put("w.json.gz", ws(), true) });
    assert.deepEqual(a.spec, b.spec);
    assert.equal(a.patchLabel, null);
  });
  test("--patch with a bare JSON Patch, then checks on the result", () => {
    const w = put("w2.json", ws());
    const p = put("p.json", [{ op: "replace", path: "/observations/0/data", value: [7, 9] }]);
    const r = loadWorkspaceInput({ workspace: w, patch: p });
    assert.deepEqual(r.spec.observations[0].data, [7, 9]);
    assert.equal(r.patchLabel, p);
    const bad = put("bad.json", [{ op: "add", path: "/channels/0/samples/0/data/-", value: 3 }]);
    assert.throws(() => loadWorkspaceInput({ workspace: w, patch: bad }), { message: /w2\.json \(patched by .*bad\.json\): \/channels\/0\/samples\/0\/data: sample "sig" has 3 bins/ });
    const bad2 = put("bad2.json", [{ op: "replace", path: "/channels/0/samples/0/modifiers/0/type", value: "normsyss" }]);
    assert.throws(() => loadWorkspaceInput({ workspace: w, patch: bad2 }), { message: /\(patched by .*bad2\.json\): \/channels\/0\/samples\/0\/modifiers\/0\/type: unknown modifier type "normsyss"/ });
  });
  test("--patchset + --patch-name verifies the digest first; --patch with a single-patch patchset", () => {
    const w = put("w3.json", ws());
    const spec = readWorkspace(w);
    const ps = { metadata: { description: "d", digests: { sha256: digestOf(spec) }, labels: ["x"], references: { hepdata: "ins1234567" } }, version: "1.0.0",
      patches: [{ metadata: { name: "one", values: [1] }, patch: [{ op: "replace", path: "/measurements/0/name", value: "m1" }] },
        { metadata: { name: "two", values: [2] }, patch: [{ op: "replace", path: "/measurements/0/name", value: "m2" }] }] };
    const psFile = put("ps.json", ps);
    assert.equal(loadWorkspaceInput({ workspace: w, patchset: psFile, patchName: "two" }).spec.measurements[0].name, "m2");
    assert.equal(loadWorkspaceInput({ workspace: w, patch: psFile, patchName: "one" }).patchLabel, "one");
    assert.throws(() => loadWorkspaceInput({ workspace: w, patchset: psFile }), { message: /ps\.json: --patch-name: the patchset has 2 patches/ });
    const single = put("single.json", { ...ps, patches: [ps.patches[0]] });
    assert.equal(loadWorkspaceInput({ workspace: w, patch: single }).spec.measurements[0].name, "m1");
    assert.equal(readPatch(single).name, "one");
    const other = put("other.json", { ...ws(), observations: [{ name: "SR", data: [1, 1] }] });
    assert.throws(() => loadWorkspaceInput({ workspace: other, patchset: psFile, patchName: "one" }), { message: /ps\.json: \/metadata\/digests\/sha256: digest mismatch: .* got [0-9a-f]{64} for .*other\.json/ });
  });
  test("wrong kinds of file", () => {
    const p = put("p2.json", [{ op: "remove", path: "/x" }]);
    assert.throws(() => readWorkspace(p), { message: /this is a JSON Patch, not a workspace/ });
    assert.throws(() => loadWorkspaceInput({ workspace: join(dir, "missing.json") }), { message: /missing\.json: file not found/ });
  });
});

test("sbottom RegionA + a HEPData bare patch file", needsShared(), () => {
  const r = loadWorkspaceInput({ workspace: sharedPath("workspaces/atlas-susy-2018-31-sbottom/RegionA/BkgOnly.json"), patch: sharedPath("workspaces/atlas-susy-2018-31-sbottom/RegionA/patch.sbottom_1300_205_60.json") });
  assert.ok(r.spec.channels.every((c) => c.samples.some((s) => s.modifiers.some((m) => m.type === "normfactor"))));
});

describe("JSON.parse fast path keeps exact digests and the kinded parser's errors", () => {
  const dir = mkdtempSync(join(tmpdir(), "sl-fast-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const ws = (obs: string) => `{"channels":[{"name":"c","samples":[{"name":"s","data":[1.0,2.5e0],"modifiers":[{"name":"mu","type":"normfactor","data":null}]}]}],` +
    `"observations":[{"name":"c","data":${obs}}],"measurements":[{"name":"m","config":{"poi":"mu","parameters":[]}}],"version":"1.0.0"}`;

  test("integral floats written 1.0 / 2.5e0 hash as floats, as the kinded parser does", () => {
    const f = join(dir, "ws.json");
    writeFileSync(f, ws("[3.0, 4]"));
    const spec = readWorkspace(f);
    assert.equal(spec.observations[0].data[0], 3);
    // canonical Python text has 1.0, 2.5, 3.0 and 4: the kinded tree was built from the text
    assert.equal(digestOf(spec), digestOf(parseJsonText(ws("[3.0, 4]"), f)));
    assert.notEqual(digestOf(spec), digestOf(JSON.parse(ws("[3.0, 4]"))));
  });

  test("a bare JSON Patch: the patched workspace's digest equals the kinded patch's", () => {
    const f = join(dir, "ws2.json");
    const p = join(dir, "p.json");
    writeFileSync(f, ws("[3.0, 4]"));
    writeFileSync(p, `[{"op":"replace","path":"/observations/0/data","value":[5.0, 6]}]`);
    const r = loadWorkspaceInput({ workspace: f, patch: p });
    assert.deepEqual(r.spec.observations[0].data, [5, 6]);
    assert.equal(digestOf(r.spec), digestOf(parseJsonText(ws("[5.0, 6]"), f)));
  });

  test("a number that overflows a double is refused naming the field, not read as Infinity", () => {
    const f = join(dir, "ws3.json");
    writeFileSync(f, ws("[1e400, 4]"));
    assert.throws(() => readWorkspace(f), (e: Error) => /ws3\.json/.test(e.message) && /overflows a double/.test(e.message) && /observations\/0\/data\/0/.test(e.message));
  });

  test("a syntax error still names line and column", () => {
    const f = join(dir, "ws4.json");
    writeFileSync(f, ws("[3.0, 4]").replace('"version"', '\n "version" 1'));
    assert.throws(() => readWorkspace(f), (e: Error) => /ws4\.json/.test(e.message) && /line 2, column/.test(e.message));
  });
});
