// The compiled package validates pyhf documents with validators precompiled at build time
// (dist/histfactory/schema-validators.cjs, ajv standalone code), the sources with ajv compiling
// the schemas at run time. Both must report the same problem for every document, and the
// compiled path must not load ajv at all. `npm test` builds dist/ first.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { schemaProblem as sourceProblem, type SchemaName } from "../../src/histfactory/schema.ts";

const DIST_SCHEMA = fileURLToPath(new URL("../../dist/histfactory/schema.js", import.meta.url));
const EXAMPLE = fileURLToPath(new URL("../../examples/two-channel/workspace.json", import.meta.url));

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const base = (): Doc => JSON.parse(readFileSync(EXAMPLE, "utf8"));
const edit = (f: (w: Doc) => void): Doc => {
  const w = base();
  f(w);
  return w;
};

// One valid document per kind and a spread of violations: missing and unknown fields, wrong
// types, each modifier type's own definition (the anyOf branch), lumi's fixed name, patches.
const cases: [string, SchemaName, unknown][] = [
  ["valid workspace", "workspace", base()],
  ["valid measurement", "measurement", base().measurements[0]],
  ["valid patch", "patch", [{ op: "replace", path: "/measurements/0/name", value: "m" }]],
  ["valid patchset", "patchset", { metadata: { references: { hepdata: "ins1234567" }, description: "d", digests: { sha256: "0".repeat(64) }, labels: ["m"] }, version: "1.0.0", patches: [{ metadata: { name: "p", values: [1] }, patch: [] }] }],
  ["missing channels", "workspace", edit((w) => delete w.channels)],
  ["unknown top-level field", "workspace", edit((w) => (w.extra = 1))],
  ["sample data a string", "workspace", edit((w) => (w.channels[0].samples[0].data = "1,2"))],
  ["unknown modifier type", "workspace", edit((w) => (w.channels[0].samples[0].modifiers[0].type = "bogus"))],
  ["normsys without data", "workspace", edit((w) => {
    for (const c of w.channels) for (const s of c.samples) for (const m of s.modifiers) if (m.type === "normsys") delete m.data;
  })],
  ["histosys data hi_data not an array", "workspace", edit((w) => {
    for (const c of w.channels) for (const s of c.samples) for (const m of s.modifiers) if (m.type === "histosys") m.data.hi_data = 3;
  })],
  ["lumi modifier with another name", "workspace", edit((w) => {
    for (const c of w.channels) for (const s of c.samples) for (const m of s.modifiers) if (m.type === "lumi") m.name = "luminosity";
  })],
  ["staterror data null", "workspace", edit((w) => {
    for (const c of w.channels) for (const s of c.samples) for (const m of s.modifiers) if (m.type === "staterror") m.data = null;
  })],
  ["observation without name", "workspace", edit((w) => delete w.observations[0].name)],
  ["measurement config poi a number", "measurement", edit((w) => (w.measurements[0].config.poi = 3)).measurements[0]],
  ["patch operation without path", "patch", [{ op: "replace", value: 1 }]],
  ["patchset without version", "patchset", { metadata: { references: {}, description: "d", digests: { sha256: "0" }, labels: [] }, patches: [] }],
];

test("precompiled validators report exactly what ajv compiled at run time reports", async () => {
  assert.ok(existsSync(DIST_SCHEMA.replace(/schema\.js$/, "schema-validators.cjs")), "dist/histfactory/schema-validators.cjs missing: run npm run build");
  const { schemaProblem: builtProblem } = (await import(DIST_SCHEMA)) as { schemaProblem: typeof sourceProblem };
  let invalid = 0;
  for (const [name, kind, doc] of cases) {
    const expected = sourceProblem(doc, kind);
    assert.deepEqual(builtProblem(doc, kind), expected, name);
    if (name.startsWith("valid")) assert.equal(expected, null, `${name} should be valid`);
    else {
      assert.ok(expected, `${name} should be invalid`);
      invalid++;
    }
  }
  assert.equal(invalid, cases.length - 4);
});

test("validating from the compiled package loads no ajv", () => {
  const script = `
    import { createRequire } from "node:module";
    import { readFileSync } from "node:fs";
    const { schemaProblem } = await import(${JSON.stringify(DIST_SCHEMA)});
    const w = JSON.parse(readFileSync(${JSON.stringify(EXAMPLE)}, "utf8"));
    const ok = schemaProblem(w, "workspace") === null;
    w.channels[0].samples[0].modifiers[0].type = "bogus";
    const bad = schemaProblem(w, "workspace");
    const loaded = Object.keys(createRequire(import.meta.url).cache).filter((f) => /node_modules[\\\\/]ajv[\\\\/]/.test(f));
    console.log(JSON.stringify({ ok, bad, loaded }));`;
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.equal(j.ok, true);
  assert.ok(j.bad && /modifier/.test(j.bad.detail + j.bad.path), JSON.stringify(j.bad));
  assert.deepEqual(j.loaded, []);
});
