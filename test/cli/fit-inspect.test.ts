// `searchlight fit` and `inspect` as a user runs them: the README quick start, the JSON keys of
// DESIGN.md, patches, and bad input (exit 1, one stderr line naming file and field, no stack).
import { test, describe, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { needsShared, sharedPath } from "../shared.ts";

const BIN = new URL("../../bin/searchlight.mjs", import.meta.url).pathname;
const EXAMPLE = new URL("../../examples/two-channel/workspace.json", import.meta.url).pathname;

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8" });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test("quick start: fit of the shipped example converges and prints the DESIGN.md keys", () => {
  const r = run("fit", EXAMPLE, "--json");
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  for (const k of ["bestfit", "uncertainties", "twice_nll", "converged"]) assert.ok(k in j, `missing key ${k}`);
  assert.equal(j.converged, true);
  assert.ok(j.bestfit.mu_SIG > 0 && j.uncertainties.mu_SIG > 0);
  assert.ok(Number.isFinite(j.twice_nll));
});

test("fit --fix holds a parameter and raises 2NLL", () => {
  const free = JSON.parse(run("fit", EXAMPLE, "--json").out);
  const fixed = JSON.parse(run("fit", EXAMPLE, "--json", "--fix", "mu_SIG=3").out);
  assert.equal(fixed.bestfit.mu_SIG, 3);
  assert.ok(fixed.twice_nll > free.twice_nll);
});

test("inspect --json summarises channels, parameters and interpolation codes", () => {
  const r = run("inspect", EXAMPLE, "--json");
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  assert.deepEqual(j.channels.map((c: { name: string }) => c.name), ["CR_ttbar", "SR"]);
  assert.equal(j.poi, "mu_SIG");
  assert.equal(j.n_parameters, 13);
  assert.deepEqual(j.interpolation, { normsys: "code4", histosys: "code4p" });
});

describe("fit with a patchset patch agrees with the pyhf reference", needsShared(), () => {
  test("pyhf-tests-patchset/patch_channel1_signal_syst1: 2NLL within 1e-6 relative", () => {
    const ref = JSON.parse(readFileSync(sharedPath("reference/pyhf_reference.json"), "utf8").replace(/\bNaN\b/g, "null"))
      .cases.find((c: { name: string }) => c.name === "pyhf-tests-patchset/patch_channel1_signal_syst1");
    const r = run("fit", sharedPath(ref.workspace_file), "--patchset", sharedPath(ref.patch_file), "--patch-name", ref.patch_name, "--json");
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out);
    assert.ok(Math.abs(j.twice_nll - ref.mle_obs.twice_nll) <= 1e-6 * ref.mle_obs.twice_nll, `${j.twice_nll} vs ${ref.mle_obs.twice_nll}`);
  });
});

describe("bad input: exit 1, one line naming the file and the field, no stack trace", () => {
  const dir = mkdtempSync(join(tmpdir(), "sl-bad-"));
  const base = JSON.parse(readFileSync(EXAMPLE, "utf8"));
  const write = (name: string, content: string | object) => {
    const p = join(dir, name);
    writeFileSync(p, typeof content === "string" ? content : JSON.stringify(content));
    return p;
  };
  const variant = (f: (w: typeof base) => void) => { const w = structuredClone(base); f(w); return w; };
  const cases: [string, string[], RegExp][] = [
    ["invalid JSON", [write("bad.json", '{"channels": [1,}')], /bad\.json: line 1, column 17: invalid JSON/],
    ["a missing file", [join(dir, "missing.json")], /missing\.json: file not found/],
    ["an unknown modifier type", [write("mod.json", variant((w) => { w.channels[0].samples[0].modifiers[2].type = "normsyss"; }))], /mod\.json: \/channels\/0\/samples\/0\/modifiers\/2\/type: unknown modifier type "normsyss"/],
    ["a sample with the wrong number of bins", [write("bins.json", variant((w) => { w.channels[0].samples[1].data.push(3); }))], /bins\.json: \/channels\/0\/samples\/1\/data: sample "ttbar" has 4 bins but channel "SR" has 3/],
    ["a negative yield", [write("neg.json", variant((w) => { w.channels[0].samples[2].data[1] = -2; }))], /neg\.json: \/channels\/0\/samples\/2\/data\/1: .*yields must be finite and ≥ 0/],
    ["a NaN yield", [write("nan.json", JSON.stringify(base).replace("[6,3.1,1.4]", "[6,NaN,1.4]"))], /nan\.json: line \d+, column \d+: invalid JSON: NaN\/Infinity/],
    ["a patch on a missing path", [EXAMPLE, "--patch", write("p.json", [{ op: "replace", path: "/channels/9/samples/0/data", value: [1] }])], /p\.json: \/0 \(replace \/channels\/9\/samples\/0\/data\): cannot apply/],
    ["a POI not in the model", [write("poi.json", variant((w) => { w.measurements[0].config.poi = "mu_X"; }))], /poi\.json: \/measurements\/0\/config\/poi: the POI "mu_X" is not a parameter/],
    ["a patch name not in the patchset", [EXAMPLE, "--patchset", write("ps.json", { patches: [{ metadata: { name: "a" }, patch: [] }, { metadata: { name: "b" }, patch: [] }] }), "--patch-name", "c"], /ps\.json: --patch-name: no patch named "c"/],
  ];
  for (const [what, args, want] of cases) {
    test(what, () => {
      const r = run("fit", ...args);
      assert.equal(r.code, 1, `exit ${r.code}: ${r.err}`);
      const lines = r.err.trimEnd().split("\n");
      assert.equal(lines.length, 1, `stderr has ${lines.length} lines: ${r.err}`);
      assert.match(lines[0], want);
      assert.doesNotMatch(r.err, /\n\s+at /);
    });
  }
  after(() => rmSync(dir, { recursive: true, force: true }));
});
