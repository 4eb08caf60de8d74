// The pyhf schemas 1.0.0: every workspace, patchset and patch file in ../shared/workspaces is
// valid (tarballs skipped), and violations come back as one line naming the JSON path.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { HAVE_SHARED, needsShared, SHARED, sharedPath } from "../shared.ts";
import { readJsonFile, readKindedFile, readPatch, readPatchSet, readWorkspace } from "../../src/histfactory/load.ts";
import { schemaProblem, validateSchema } from "../../src/histfactory/schema.ts";
import type { WorkspaceSpec } from "../../src/histfactory/spec.ts";

function jsonFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) jsonFiles(p, out);
    else if (/\.json(\.gz)?$/.test(name)) out.push(p);
  }
  return out;
}

function kindOf(doc: unknown): "workspace" | "patchset" | "patch" | "other" {
  const d = Array.isArray(doc) && doc.length === 1 && doc[0] && typeof doc[0] === "object" && "patches" in doc[0] ? doc[0] : doc;
  if (Array.isArray(d)) return d.every((x) => x && typeof x === "object" && "op" in x) ? "patch" : "other";
  // pyhf-validation/source/*.json are the validation suite's histogram inputs, not pyhf JSON
  if (d && typeof d === "object" && "channels" in d && ("measurements" in d || "observations" in d)) return "workspace";
  if (d && typeof d === "object" && "patches" in d) return "patchset";
  return "other";
}

describe("every file in ../shared/workspaces loads and validates", needsShared(), () => {
  const files = HAVE_SHARED ? jsonFiles(join(SHARED, "workspaces")) : [];
  const counts = { workspace: 0, patchset: 0, patch: 0, other: 0 };
  for (const f of files) {
    const kind = kindOf(readJsonFile(f));
    counts[kind]++;
    if (kind === "other") continue;
    test(`${kind}: ${relative(SHARED, f)}`, () => {
      if (kind === "workspace") {
        const ws = readWorkspace(f);
        assert.ok(ws.channels.length >= 1 && ws.observations.length >= 1);
      } else if (kind === "patchset") {
        const ps = readPatchSet(f);
        assert.ok(ps.patches.length >= 1);
      } else {
        const p = readPatch(f);
        assert.equal(p.name, null);
        assert.ok(p.ops.length >= 1);
      }
    });
  }
  test("counts: workspaces, patchsets, bare patches", () => {
    assert.ok(counts.workspace >= 45, JSON.stringify(counts));
    assert.ok(counts.patchset >= 14, JSON.stringify(counts));
    assert.ok(counts.patch >= 10, JSON.stringify(counts));
  });
});

describe("schema violations: one line with the JSON path and what was expected", () => {
  const base = (): WorkspaceSpec => ({
    channels: [{ name: "SR", samples: [
      { name: "sig", data: [1, 2], modifiers: [{ name: "mu", type: "normfactor", data: null }] },
      { name: "bkg", data: [5, 6], modifiers: [{ name: "lumi", type: "lumi", data: null }, { name: "sys", type: "normsys", data: { hi: 1.1, lo: 0.9 } }, { name: "h", type: "histosys", data: { hi_data: [5, 7], lo_data: [5, 5] } }] },
    ] }],
    observations: [{ name: "SR", data: [6, 8] }],
    measurements: [{ name: "m", config: { poi: "mu", parameters: [{ name: "lumi", auxdata: [1], sigmas: [0.02], bounds: [[0.9, 1.1]] }] } }],
    version: "1.0.0",
  });
  const problem = (f: (w: any) => void) => { const w = base(); f(w); return schemaProblem(w, "workspace"); };
  test("valid", () => assert.equal(schemaProblem(base(), "workspace"), null));
  const cases: [string, (w: any) => void, string, RegExp][] = [
    ["unknown modifier type", (w) => { w.channels[0].samples[1].modifiers[1].type = "normsyss"; }, "/channels/0/samples/1/modifiers/1/type",
      /^unknown modifier type "normsyss": expected one of histosys, lumi, normfactor, normsys, shapefactor, shapesys, staterror$/],
    ["normsys without lo", (w) => { delete w.channels[0].samples[1].modifiers[1].data.lo; }, "/channels/0/samples/1/modifiers/1/data/lo", /^normsys modifier: missing required field "lo"$/],
    ["histosys data null", (w) => { w.channels[0].samples[1].modifiers[2].data = null; }, "/channels/0/samples/1/modifiers/2/data", /^histosys modifier: expected object, got null$/],
    ["lumi with another name", (w) => { w.channels[0].samples[1].modifiers[0].name = "lumi2"; }, "/channels/0/samples/1/modifiers/0/name", /must be named "lumi"/],
    ["normfactor with data", (w) => { w.channels[0].samples[0].modifiers[0].data = [1]; }, "/channels/0/samples/0/modifiers/0/data", /^normfactor modifier: expected null, got an array of 1$/],
    ["modifier extra field", (w) => { w.channels[0].samples[0].modifiers[0].extra = 1; }, "/channels/0/samples/0/modifiers/0/extra", /^normfactor modifier: unknown field "extra" \(allowed: name, type, data\)$/],
    ["string in data", (w) => { w.channels[0].samples[0].data[1] = "2"; }, "/channels/0/samples/0/data/1", /^expected number, got the string "2"$/],
    ["missing version", (w) => { delete w.version; }, "/version", /^missing required field "version"$/],
    ["wrong version", (w) => { w.version = "1.0"; }, "/version", /^expected "1.0.0", got the string "1.0"$/],
    ["empty samples", (w) => { w.channels[0].samples = []; }, "/channels/0/samples", /^expected at least 1 item, got 0$/],
    ["bounds pair of 3", (w) => { w.measurements[0].config.parameters[0].bounds = [[0, 1, 2]]; }, "/measurements/0/config/parameters/0/bounds/0", /^expected at most 2 items, got 3$/],
    ["poi not a string", (w) => { w.measurements[0].config.poi = null; }, "/measurements/0/config/poi", /^expected string, got null$/],
    ["unknown top-level key", (w) => { w.data = {}; }, "/data", /^unknown field "data" \(allowed: channels, measurements, observations, version\)$/],
  ];
  for (const [what, f, path, detail] of cases) {
    test(what, () => {
      const p = problem(f);
      assert.ok(p, "expected a problem");
      assert.equal(p!.path, path);
      assert.match(p!.detail, detail);
    });
  }
  test("validateSchema throws an InputError naming the file", () => {
    const w = base() as any;
    w.channels[0].samples[1].modifiers[1].type = "normsyss";
    assert.throws(() => validateSchema(w, "workspace", "ws.json"), { name: "InputError", message: /^ws\.json: \/channels\/0\/samples\/1\/modifiers\/1\/type: unknown modifier type "normsyss"/ });
  });
  test("patchset schema: values per patch, hepdata reference pattern, JSON Patch operations", () => {
    const ps = () => ({ metadata: { description: "d", digests: { sha256: "a".repeat(64) }, labels: ["m"], references: { hepdata: "ins1234567" } }, version: "1.0.0", patches: [{ metadata: { name: "p", values: [1] }, patch: [{ op: "add", path: "/channels/0", value: {} }] }] });
    assert.equal(schemaProblem(ps(), "patchset"), null);
    const a = ps(); (a.metadata.references as any).hepdata = "1234567";
    assert.deepEqual(schemaProblem(a, "patchset"), { path: "/metadata/references/hepdata", detail: 'the string "1234567" does not match the pattern ^ins[0-9]{7}$' });
    const b = ps(); (b.patches[0].patch[0] as any).op = "ad";
    assert.equal(schemaProblem(b, "patchset")!.path, "/patches/0/patch/0/op");
    const c = ps(); delete (c.patches[0].metadata as any).values;
    assert.equal(schemaProblem(c, "patchset")!.path, "/patches/0/metadata/values");
    const d = ps(); d.metadata.digests.sha256 = "xyz";
    assert.equal(schemaProblem(d, "patchset")!.path, "/metadata/digests/sha256");
    assert.equal(schemaProblem([{ op: "remove", path: "/channels/0" }], "patch"), null);
    assert.deepEqual(schemaProblem([{ op: "remove" }], "patch"), { path: "/0/path", detail: 'missing required field "path"' });
  });
});

test("validation of the 1Lbb workspace is fast once compiled", needsShared(), () => {
  const doc = readJsonFile(sharedPath("workspaces/atlas-susy-2019-08-1lbb/BkgOnly.json"));
  schemaProblem(doc, "workspace");
  const t0 = performance.now();
  for (let i = 0; i < 5; i++) assert.equal(schemaProblem(doc, "workspace"), null);
  const ms = (performance.now() - t0) / 5;
  assert.ok(ms < 200, `${ms.toFixed(1)} ms per validation`);
  void readKindedFile;
});
