// pyhf workspace digests: every reference case with `patchset_digest_verified: true`, and every
// patchset shipped in ../shared/workspaces, must verify against its background-only workspace.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { HAVE_SHARED, needsShared, SHARED, sharedPath } from "../shared.ts";
import { canonicalJson, digestOf } from "../../src/histfactory/digest.ts";
import { readPatchSet, readWorkspace } from "../../src/histfactory/load.ts";
import { parseJsonText, PyFloat } from "../../src/histfactory/jsontext.ts";

interface RefCase { name: string; workspace_file: string; patch_file?: string; patch_name?: string; patchset_digest_verified?: boolean }

describe("digests of the pyhf reference cases verify", needsShared(), () => {
  const cases: RefCase[] = HAVE_SHARED
    ? JSON.parse(readFileSync(sharedPath("reference/pyhf_reference.json"), "utf8").replace(/\bNaN\b/g, "null")).cases
    : [];
  const verified = cases.filter((c) => c.patchset_digest_verified === true);
  test("there are verified cases", () => assert.ok(verified.length >= 10, `${verified.length}`));
  for (const c of verified) {
    test(c.name, () => {
      const ps = readPatchSet(sharedPath(c.patch_file!));
      const ws = readWorkspace(sharedPath(c.workspace_file));
      assert.equal(digestOf(ws), ps.digests.sha256);
      ps.verify(ws);
      assert.ok(ps.find(c.patch_name!), `patch ${c.patch_name}`);
    });
  }
});

describe("every shared patchset verifies against its workspace", needsShared(), () => {
  const pairs: [string, string][] = [
    ["pyhf-tests-patchset/example_patchset.json", "pyhf-tests-patchset/example_bkgonly.json"],
    ["atlas-susy-2019-08-1lbb/patchset_subset.json", "atlas-susy-2019-08-1lbb/BkgOnly.json"],
    ["atlas-susy-2019-08-1lbb/patchsets_v1.json.gz", "atlas-susy-2019-08-1lbb/BkgOnly.json"],
    ["atlas-susy-2019-08-1lbb/patchsets_v1.json.gz", "atlas-susy-2019-08-1lbb/workspace_v1.json.gz"],
    ["atlas-susy-2018-06-3l-erjr/patchset.json", "atlas-susy-2018-06-3l-erjr/BkgOnly.json"],
  ];
  if (HAVE_SHARED) {
    for (const dir of readdirSync(join(SHARED, "workspaces")).sort()) {
      for (const f of readdirSync(join(SHARED, "workspaces", dir)).sort()) {
        const m = /^(.*)\.synthetic_signal_patchset\.json$/.exec(f);
        if (m) pairs.push([`${dir}/${f}`, `${dir}/${m[1]}.json`]);
      }
    }
  }
  test("the list covers the 10 synthetic patchsets", () => assert.ok(pairs.length >= 15, `${pairs.length}`));
  for (const [psFile, wsFile] of pairs) {
    test(`${psFile} ← ${wsFile}`, () => {
      const ps = readPatchSet(sharedPath(`workspaces/${psFile}`));
      const ws = readWorkspace(sharedPath(`workspaces/${wsFile}`));
      assert.equal(digestOf(ws), ps.digests.sha256);
      assert.doesNotThrow(() => ps.verify(ws));
    });
  }
  test("the kinds matter: hashing the same workspace through JSON.parse does not verify", () => {
    const text = readFileSync(sharedPath("workspaces/atlas-susy-2019-08-1lbb/BkgOnly.json"), "utf8");
    const ps = readPatchSet(sharedPath("workspaces/atlas-susy-2019-08-1lbb/patchset_subset.json"));
    assert.notEqual(digestOf(JSON.parse(text)), ps.digests.sha256);
    assert.equal(digestOf(parseJsonText(text, "BkgOnly.json")), ps.digests.sha256);
  });
});

test("digestOf: plain values hash integral numbers as ints, PyFloat as floats; algorithms", () => {
  assert.equal(canonicalJson({ b: [1, 2.5], a: "x" }), '{"a": "x", "b": [1, 2.5]}');
  assert.equal(canonicalJson({ a: new PyFloat(1) }), '{"a": 1.0}');
  // python3 -c 'import hashlib; print(hashlib.sha256(b"{\"a\": 1}").hexdigest())' etc.
  assert.equal(digestOf({ a: 1 }), "f9d86028c6e0d64e225186f96acb69338b2c59764df79162107f5c4bb34d1310");
  assert.equal(digestOf({ a: new PyFloat(1) }), "742609b207f0900a8e2dff3ae83ac47941af5c29bb6ebfb297f4ca7dd63d8354");
  assert.equal(digestOf(parseJsonText('{"a": 1.0}', "x.json")), "742609b207f0900a8e2dff3ae83ac47941af5c29bb6ebfb297f4ca7dd63d8354");
  assert.equal(digestOf({ a: 1 }, "md5"), "42b7b4f2921788ea14dac5566e6f06d0");
  assert.throws(() => digestOf({}, "nope"), /unsupported digest algorithm "nope"/);
});

test("a spec edited after reading hashes its new content", needsShared(), () => {
  const ws = readWorkspace(sharedPath("workspaces/pyhf-tests-patchset/example_bkgonly.json"));
  const before = digestOf(ws);
  ws.observations[0].data[0] += 1;
  assert.notEqual(digestOf(ws), before);
  ws.observations[0].data[0] -= 1;
  assert.equal(digestOf(ws), before);
});
