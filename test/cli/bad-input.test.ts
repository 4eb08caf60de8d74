// Bad pyhf JSON input through the CLI: exit status 1 and exactly one stderr line naming the file
// and the field, no stack trace. Small bad files are written to a temp dir.
import { describe, test, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { digestOf } from "../../src/histfactory/digest.ts";

const BIN = new URL("../../bin/searchlight.mjs", import.meta.url).pathname;
const run = (...args: string[]) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8" });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

const base = () => ({
  channels: [{ name: "SR", samples: [
    { name: "signal", data: [1.0, 2.0], modifiers: [{ name: "mu", type: "normfactor", data: null }] },
    { name: "bkg", data: [5.0, 6.0], modifiers: [{ name: "lumi", type: "lumi", data: null }, { name: "sys", type: "normsys", data: { hi: 1.1, lo: 0.9 } }, { name: "h", type: "histosys", data: { hi_data: [5.5, 7.0], lo_data: [4.5, 5.0] } }] },
  ] }],
  observations: [{ name: "SR", data: [6, 8] }],
  measurements: [{ name: "m", config: { poi: "mu", parameters: [{ name: "lumi", auxdata: [1.0], sigmas: [0.02], bounds: [[0.9, 1.1]] }] } }],
  version: "1.0.0",
});
type Ws = ReturnType<typeof base>;

describe("bad input: exit 1, one stderr line naming file and field, no stack trace", () => {
  const dir = mkdtempSync(join(tmpdir(), "sl-badin-"));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const put = (name: string, content: string | object) => {
    const p = join(dir, name);
    writeFileSync(p, typeof content === "string" ? content : JSON.stringify(content, null, 1));
    return p;
  };
  const variant = (f: (w: Ws) => void) => { const w = base(); f(w); return w; };
  const good = put("good.json", base());
  const patchset = (digest: string) => ({ metadata: { description: "d", digests: { sha256: digest }, labels: ["m"], references: { hepdata: "ins1234567" } }, version: "1.0.0",
    patches: [{ metadata: { name: "sig", values: [1] }, patch: [{ op: "replace", path: "/observations/0/data", value: [7, 9] }] }] });

  const cases: [string, string[], RegExp][] = [
    ["invalid JSON", ["workspace", "digest", put("syntax.json", '{\n  "channels": [1,}\n')], /syntax\.json: line 2, column 18: invalid JSON: unexpected "}"/],
    ["invalid JSON in a gzipped file", ["workspace", "sort", (() => { const p = join(dir, "syntax.json.gz"); writeFileSync(p, gzipSync('{"a": tru}')); return p; })()], /syntax\.json\.gz: line 1, column 7: invalid JSON/],
    ["a missing file", ["workspace", "sort", join(dir, "nope.json")], /nope\.json: file not found/],
    ["schema violation (missing field)", ["workspace", "sort", put("schema.json", variant((w) => { delete (w as Partial<Ws>).observations; }))], /schema\.json: \/observations: missing required field "observations"/],
    ["schema violation (wrong type)", ["workspace", "digest", put("type.json", variant((w) => { (w.channels[0].samples[0] as { data: unknown }).data = "1,2"; }))], /type\.json: \/channels\/0\/samples\/0\/data: expected array, got the string "1,2"/],
    ["unknown modifier type", ["workspace", "sort", put("mod.json", variant((w) => { w.channels[0].samples[1].modifiers[1].type = "normsyss"; }))],
      /mod\.json: \/channels\/0\/samples\/1\/modifiers\/1\/type: unknown modifier type "normsyss": expected one of histosys, lumi, normfactor, normsys, shapefactor, shapesys, staterror/],
    ["a sample with the wrong number of bins", ["workspace", "prune", put("bins.json", variant((w) => { w.channels[0].samples[1].data.push(3); })), "--sample", "signal"],
      /bins\.json: \/channels\/0\/samples\/1\/data: sample "bkg" has 3 bins but channel "SR" has 2 observed bins/],
    ["a histosys with the wrong number of bins", ["workspace", "sort", put("hbins.json", variant((w) => { (w.channels[0].samples[1].modifiers[2].data as { lo_data: number[] }).lo_data.pop(); }))],
      /hbins\.json: \/channels\/0\/samples\/1\/modifiers\/2\/data\/lo_data: modifier "h" \(histosys\) of sample "bkg" has 1 bins, expected 2/],
    ["a negative yield", ["workspace", "sort", put("neg.json", variant((w) => { w.channels[0].samples[1].data[1] = -2; }))], /neg\.json: \/channels\/0\/samples\/1\/data\/1: sample "bkg" in channel "SR" has yield -2 in bin 1: yields must be finite and ≥ 0/],
    ["a NaN yield (as Python writes it)", ["workspace", "sort", put("nan.json", JSON.stringify(base()).replace('"data":[5,6]', '"data":[5,NaN]'))], /nan\.json: line 1, column \d+: invalid JSON: NaN\/Infinity: NaN is not a valid JSON value; bad value for \/channels\/0\/samples\/1\/data\/1/],
    ["an Infinity in a normsys", ["workspace", "digest", put("inf.json", JSON.stringify(base()).replace('"hi":1.1', '"hi":Infinity'))], /inf\.json: line 1, column \d+: invalid JSON: NaN\/Infinity: Infinity .*bad value for \/channels\/0\/samples\/1\/modifiers\/1\/data\/hi/],
    ["a digest mismatch", ["patchset", "verify", put("ps-bad.json", patchset("a".repeat(64))), good], new RegExp(`ps-bad\\.json: /metadata/digests/sha256: digest mismatch: the patchset was made for a workspace with sha256 ${"a".repeat(64)}, got [0-9a-f]{64} for .*good\\.json`)],
    ["a digest mismatch on apply", ["patchset", "apply", put("ps-bad2.json", patchset("b".repeat(64))), good, "--name", "sig"], /ps-bad2\.json: \/metadata\/digests\/sha256: digest mismatch/],
    ["a patch on a missing path", ["fit", good, "--patch", put("p.json", [{ op: "replace", path: "/channels/3/samples/0/data", value: [1, 1] }])], /p\.json: \/0 \(replace \/channels\/3\/samples\/0\/data\): cannot apply: the path does not exist in the workspace/],
    ["a patchset patch on a missing path", ["patchset", "apply", put("ps-path.json", { ...patchset(digestOf(base())), patches: [{ metadata: { name: "sig", values: [1] }, patch: [{ op: "remove", path: "/channels/0/samples/5" }] }] }), good, "--values", "1"],
      /ps-path\.json: \/patches\/0\/patch\/0 \(remove \/channels\/0\/samples\/5\): cannot apply: the path does not exist/],
    ["a patch value unknown to the patchset", ["patchset", "apply", put("ps-ok.json", patchset("c".repeat(64))), good, "--values", "2"], /ps-ok\.json: --values: no patch with values \(2\) for labels \(m\)/],
    ["a patchset schema violation", ["patchset", "inspect", put("ps-schema.json", { ...patchset("d".repeat(64)), version: "2.0.0" })], /ps-schema\.json: \/version: expected "1\.0\.0", got the string "2\.0\.0"/],
    ["an unknown name to prune", ["workspace", "prune", good, "--channel", "CR"], /good\.json: --channel: "CR" is not one of the channels in this workspace \("SR"\)/],
    ["a bad rename", ["workspace", "rename", good, "--sample", "bkg"], /--sample: "bkg" is not of the form old=new/],
  ];
  for (const [what, args, want] of cases) {
    test(what, () => {
      const r = run(...args);
      assert.equal(r.code, 1, `exit ${r.code}: ${r.err}`);
      const lines = r.err.split("\n").filter((l) => l.length > 0);
      assert.equal(lines.length, 1, r.err);
      assert.match(lines[0], /^searchlight: /);
      assert.match(lines[0], want);
      assert.doesNotMatch(r.err, /\n\s+at /, "no stack trace");
      assert.equal(r.out, "");
    });
  }
  test("the good file passes (control)", () => {
    const r = run("workspace", "digest", good, "--json");
    assert.equal(r.code, 0, r.err);
    // floats written by JSON.stringify lose their ".0": the digest hashes them as ints
    assert.equal(JSON.parse(r.out).sha256, digestOf(base()));
  });
});
