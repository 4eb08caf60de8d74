// Property-based fuzzing of the loaders with fast-check (#20): every loader, given a valid
// document with any one node replaced by an arbitrary JSON value that fast-check generates (and
// shrinks on failure), either loads or fails with an InputError of one line; nothing else is
// thrown, and no case takes a second. 10⁴ runs per loader under CI (SEARCHLIGHT_FUZZ_N), seeded:
// a failure prints fast-check's seed, path and shrunk counterexample for replay. Complements
// fuzz.test.ts (mutations of the text and tree from a seeded stream).
import { describe, test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { parse as parseYaml } from "yaml";
import { InputError } from "../../src/io/errors.ts";
import { readHistogram } from "../../src/io/histogram.ts";
import { workspaceFromJson, readPatchSet } from "../../src/histfactory/load.ts";
import { compileModel } from "../../src/histfactory/model.ts";
import { configFromObject, planFromConfig } from "../../src/bumphunt/config.ts";

const N = Number(process.env.SEARCHLIGHT_FUZZ_N ?? (process.env.CI ? 10_000 : 1_000));
const dir = mkdtempSync(join(tmpdir(), "sl-prop-"));
after(() => rmSync(dir, { recursive: true, force: true }));

type Json = unknown;
/** Every node's path in a JSON document (the root excluded). */
function paths(x: Json, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (at.length) out.push(at);
  if (Array.isArray(x)) x.forEach((v, i) => paths(v, [...at, i], out));
  else if (x && typeof x === "object") for (const k of Object.keys(x)) paths((x as Record<string, Json>)[k], [...at, k], out);
  return out;
}
function replaced(doc: Json, path: (string | number)[], value: Json): Json {
  const root = structuredClone(doc);
  const parent = path.slice(0, -1).reduce<any>((o, k) => o[k], root);
  parent[path[path.length - 1]] = value;
  return root;
}

/** Values fast-check draws for a node: any JSON value, and the numbers loaders trip on. */
const VALUE = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(0, -1, 1e308, -1e308, 5e-324, 2 ** 53 + 1, 1e-300, 0.5),
  fc.double(),
  fc.string(),
);

async function property(name: string, doc: Json, load: (d: Json) => unknown | Promise<unknown>, seed: number): Promise<{ ok: number; rejected: number }> {
  const ps = paths(doc);
  const tally = { ok: 0, rejected: 0 };
  await fc.assert(
    fc.asyncProperty(fc.nat({ max: ps.length - 1 }), VALUE, async (i, value) => {
      const d = replaced(doc, ps[i], value);
      const t0 = performance.now();
      try {
        await load(d);
        tally.ok++;
      } catch (e) {
        if (!(e instanceof InputError)) throw new Error(`${name}: ${ps[i].join("/")} = ${JSON.stringify(value)?.slice(0, 200)} threw ${(e as Error)?.stack ?? e}`);
        assert.equal(e.message.includes("\n"), false, `one line: ${e.message}`);
        tally.rejected++;
      }
      assert.ok(performance.now() - t0 < 1000, `${name}: ${ps[i].join("/")} took over 1 s`);
    }),
    { numRuns: N, seed },
  );
  return tally;
}

describe(`property-based fuzzing (fast-check): ${N} generated node replacements per loader`, () => {
  test("workspace: validate, check and compile", async () => {
    const doc = JSON.parse(readFileSync(new URL("../../examples/two-channel/workspace.json", import.meta.url), "utf8"));
    const r = await property("workspace", doc, (d) => compileModel(workspaceFromJson(d, "ws.json"), { file: "ws.json" }), 11);
    assert.ok(r.ok > 0 && r.rejected > N / 10, `both outcomes occur: ${JSON.stringify(r)}`);
  });

  test("patchset files", async () => {
    const doc = {
      metadata: { description: "fuzz", digests: { sha256: "a".repeat(64) }, labels: ["m1", "m2"], references: { hepdata: "ins1234567" } },
      version: "1.0.0",
      patches: [{ metadata: { name: "p1", values: [100, 50] }, patch: [{ op: "replace", path: "/observations/0/data", value: [7, 9, 3] }] }],
    };
    const p = join(dir, "ps.json");
    const r = await property("patchset", doc, (d) => { writeFileSync(p, JSON.stringify(d)); return readPatchSet(p); }, 12);
    assert.ok(r.ok > 0 && r.rejected > N / 10, `both outcomes occur: ${JSON.stringify(r)}`);
  });

  test("YAML configuration: validate and plan", async () => {
    const file = new URL("../../examples/bump/hps2015.yaml", import.meta.url).pathname;
    const doc = parseYaml(readFileSync(file, "utf8"));
    const r = await property("yaml config", doc, (d) => planFromConfig(configFromObject(d, file)), 13);
    assert.ok(r.ok > 0 && r.rejected > N / 10, `both outcomes occur: ${JSON.stringify(r)}`);
  });

  test("JSON histogram files", async () => {
    const doc = { histograms: { input_hist: { edges: [0, 1, 2, 3, 4], counts: [5, 6, 7, 8] } } };
    const p = join(dir, "h.json");
    const r = await property("histogram", doc, (d) => { writeFileSync(p, JSON.stringify(d)); return readHistogram(p, "input_hist"); }, 14);
    assert.ok(r.ok > 0 && r.rejected > N / 10, `both outcomes occur: ${JSON.stringify(r)}`);
  });
});
