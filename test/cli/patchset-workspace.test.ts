// `searchlight patchset …` and `searchlight workspace …` as a user runs them.
import { describe, test, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { needsShared, sharedPath } from "../shared.ts";

const BIN = new URL("../../bin/searchlight.mjs", import.meta.url).pathname;
const run = (...args: string[]) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", maxBuffer: 64 << 20 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

describe("patchset and workspace commands", needsShared(), () => {
  const dir = mkdtempSync(join(tmpdir(), "sl-psws-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const W = (p: string) => sharedPath(`workspaces/${p}`);
  const LBB = W("atlas-susy-2019-08-1lbb/BkgOnly.json");
  const SUB = W("atlas-susy-2019-08-1lbb/patchset_subset.json");
  const EX = W("pyhf-tests-patchset/example_bkgonly.json");

  test("patchset inspect --json and the human table", () => {
    const r = run("patchset", "inspect", SUB, "--json");
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out);
    assert.deepEqual(j.labels, ["m1", "m2"]);
    assert.equal(j.n_patches, 5);
    assert.deepEqual(j.patches[0], { name: "C1N2_Wh_hbb_1000_0", values: [1000, 0], n_operations: 8 });
    assert.equal(j.digests.sha256, "2563672e1a165384faf49f1431e921d88c9c07ec10f150d5045576564f98f820");
    const h = run("patchset", "inspect", SUB);
    assert.match(h.out, /labels:\s+m1, m2/);
    assert.match(h.out, /C1N2_Wh_hbb_750_100\s+750\s+100\s+8/);
  });
  test("patchset verify: gzipped HEPData patchset against the workspace", () => {
    const r = run("patchset", "verify", W("atlas-susy-2019-08-1lbb/patchsets_v1.json.gz"), LBB, "--json");
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(JSON.parse(r.out).digests, { sha256: "2563672e1a165384faf49f1431e921d88c9c07ec10f150d5045576564f98f820" });
  });
  test("patchset apply --values writes the patched workspace, byte-identical to Python's json.dump(indent=4, sort_keys=True)", () => {
    const out = join(dir, "patched.json");
    const r = run("patchset", "apply", SUB, LBB, "--values", "1000,0", "--output", out, "--json");
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out);
    assert.equal(j.digest.sha256, "a06d5bbbda87790daa0f035a8eb7cf0f274e3d1fe386e665e3855efe8bbdbdb7");
    // sha256 of the file CPython writes with json.dump(ws, f, indent=4, sort_keys=True) + "\n"
    const text = readFileSync(out, "utf8");
    assert.ok(text.startsWith('{\n    "channels": [\n        {\n            "name": "WREM_cuts",'));
    assert.equal(createHash("sha256").update(text).digest("hex"), "6c0224d597452ca4af2ece874aa9d2308296966031c2a278db8a7100018603a2");
    const d = run("workspace", "digest", out, "--json");
    assert.equal(JSON.parse(d.out).sha256, j.digest.sha256);
    const s = run("patchset", "apply", SUB, LBB, "--name", "C1N2_Wh_hbb_1000_0");
    assert.equal(s.out, text, "stdout equals the --output file");
  });
  test("workspace digest: human and JSON, several algorithms", () => {
    const r = run("workspace", "digest", EX, "--algorithm", "sha256", "--algorithm", "md5");
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^sha256:7c32ca3b8db75cbafcf5cd7ed4672fa2b1fa69e391c9b89068dd947a521866ec\nmd5:[0-9a-f]{32}\n$/);
  });
  test("workspace sort / prune / rename / combine give pyhf's digests", () => {
    const digestOfOut = (args: string[]) => {
      const r = run("workspace", ...args);
      assert.equal(r.code, 0, r.err);
      return JSON.parse(run("workspace", "digest", save(r.out), "--json").out).sha256;
    };
    let n = 0;
    const save = (text: string) => { const p = join(dir, `o${n++}.json`); writeFileSync(p, text); return p; };
    assert.equal(digestOfOut(["sort", LBB]), "ebe43e222758e8471ab90acb929726b2a1b1113e39ffe0dbce9e24a049b0f8b9");
    assert.equal(digestOfOut(["prune", EX, "--modifier-type", "staterror", "--modifier", "syst2"]), "62b7cd5991529f9c1ee0a47bcf002a586ea99c24cb803d34d70c3c21226e41c8");
    assert.equal(digestOfOut(["prune", LBB, "--channel", "SRHMEM_mct2,WREM_cuts", "--modifier-type", "histosys"]), "bfd1c67e46ab0149b8e7303126679821e91b683bfebed03e2079f4df699aba1b");
    assert.equal(digestOfOut(["rename", EX, "--modifier", "SigXsecOverSM=mu", "--modifier", "syst1=alpha_one", "--sample", "signal=sig", "--channel", "channel1=SR", "--measurement", "GaussExample=Gauss"]), "f0a17258d4edd478dab0b0b89dc9aab285d4c6d6f68325d2b68b50b52edfa52b");
    assert.equal(digestOfOut(["combine", W("pyhf-validation/ws_2bin_2channel.json"), EX]), "ca7b68f0a9f88751c1ee7083fdbd361b9e5791deaaf1a36ce9a88b759e4fd484");
    assert.equal(digestOfOut(["combine", EX, EX, "--join", "outer"]), "7c32ca3b8db75cbafcf5cd7ed4672fa2b1fa69e391c9b89068dd947a521866ec");
  });
  test("workspace combine --output prints a summary; clashes exit 1 with one line", () => {
    const out = join(dir, "comb.json");
    const r = run("workspace", "combine", W("pyhf-validation/ws_2bin_2channel.json"), EX, "--output", out);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^combine: wrote .*comb\.json \(3 channels, /);
    const bad = run("workspace", "combine", EX, EX);
    assert.equal(bad.code, 1);
    assert.equal(bad.err.trim().split("\n").length, 1);
    assert.match(bad.err, /example_bkgonly\.json \+ .*example_bkgonly\.json: \/channels: the workspaces have channels with the same name: "channel1"/);
    const badJoin = run("workspace", "combine", EX, EX, "--join", "inner");
    assert.equal(badJoin.code, 1);
    assert.match(badJoin.err, /--join: unknown join "inner"/);
  });
});
