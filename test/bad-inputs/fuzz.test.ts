// Mutation fuzzing of the loaders (#20): 10⁴ mutated inputs each (in CI) for the workspace (load and
// compile), patchset, YAML configuration (load and plan) and JSON histogram loaders. Every input
// either loads or fails with an InputError (the one-line user error); none throws anything else,
// and none takes longer than a second. Mutations are drawn from a seeded stream (src/math Rng):
// a failure prints the loader, the case number and the input, so it can be replayed exactly.
// Half the mutations edit the parsed tree (delete a key, replace a value by another type or an
// extreme number, duplicate or drop an array element, rename a key), half the text (delete,
// insert or replace a character, truncate). Found so far: a YAML alias before its anchor (an
// internal error) and a config range of 10³⁰⁸ GeV (a V8 crash allocating the mass grid).
import { describe, test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse as parseYaml } from "yaml";
import { Rng } from "../../src/math/rng.ts";
import { InputError } from "../../src/io/errors.ts";
import { readHistogram } from "../../src/io/histogram.ts";
import { parseConfigText } from "../../src/io/config.ts";
import { workspaceFromJson, readPatchSet } from "../../src/histfactory/load.ts";
import { parseJsonDocument } from "../../src/histfactory/input.ts";
import { compileModel } from "../../src/histfactory/model.ts";
import { configFromObject, planFromConfig } from "../../src/bumphunt/config.ts";

// 10⁴ per loader in CI (≈ 20 s CPU for the four); 2000 in a developer's `npm test` unless SEARCHLIGHT_FUZZ_N says otherwise.
const N = Number(process.env.SEARCHLIGHT_FUZZ_N ?? (process.env.CI ? 10_000 : 2_000));
const dir = mkdtempSync(join(tmpdir(), "sl-fuzz-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const WS_TEXT = readFileSync(new URL("../../examples/two-channel/workspace.json", import.meta.url), "utf8");
const YAML_FILE = new URL("../../examples/bump/hps2015.yaml", import.meta.url).pathname;
const YAML_TEXT = readFileSync(YAML_FILE, "utf8");
const PATCHSET = {
  metadata: { description: "fuzz", digests: { sha256: "a".repeat(64) }, labels: ["m1", "m2"], references: { hepdata: "ins1234567" } },
  version: "1.0.0",
  patches: [
    { metadata: { name: "p1", values: [100, 50] }, patch: [{ op: "replace", path: "/observations/0/data", value: [7, 9, 3] }] },
    { metadata: { name: "p2", values: [200, 50] }, patch: [{ op: "add", path: "/channels/0/samples/0/modifiers/-", value: { name: "x", type: "normfactor", data: null } }] },
  ],
};
const HIST = { histograms: { input_hist: { edges: [0, 1, 2, 3, 4], counts: [5, 6, 7, 8] }, other: { edges: [0, 0.5, 1], counts: [1, 2] } } };

const EXTREMES: unknown[] = [null, true, false, 0, -1, 1e308, -1e308, 5e-324, 1.5, "", "x", "NaN", [], [null], {}, { a: 1 }, [1, 2, 3], -0, 2 ** 53 + 1];

type Json = unknown;
function paths(x: Json, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(at);
  if (Array.isArray(x)) x.forEach((v, i) => paths(v, [...at, i], out));
  else if (x && typeof x === "object") for (const k of Object.keys(x)) paths((x as Record<string, Json>)[k], [...at, k], out);
  return out;
}

const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng.uniform() * xs.length)];

/** One random mutation of a parsed document (a deep copy). */
function mutateTree(doc: Json, rng: Rng): Json {
  const root = structuredClone(doc);
  const ps = paths(root).filter((p) => p.length > 0);
  const p = pick(rng, ps);
  const parent = p.slice(0, -1).reduce<any>((o, k) => o[k], root);
  const key = p[p.length - 1];
  const op = Math.floor(rng.uniform() * 5);
  if (op === 0) {
    if (Array.isArray(parent)) parent.splice(Number(key), 1);
    else delete parent[key];
  } else if (op === 1) {
    parent[key] = structuredClone(pick(rng, EXTREMES));
  } else if (op === 2 && Array.isArray(parent)) {
    parent.splice(Number(key), 0, structuredClone(parent[Number(key)]));
  } else if (op === 3 && !Array.isArray(parent)) {
    const v = parent[key];
    delete parent[key];
    parent[String(key).slice(0, -1) + pick(rng, ["", "s", "_", "X"])] = v;
  } else {
    const v = parent[key];
    parent[key] = typeof v === "number" ? pick(rng, [-v, v * 1e6, v + 0.5, String(v)]) : typeof v === "string" ? v + pick(rng, ["", " ", "é", "\u0000"]) : structuredClone(pick(rng, EXTREMES));
  }
  return root;
}

/** One random edit of a text. */
function mutateText(text: string, rng: Rng): string {
  const i = Math.floor(rng.uniform() * text.length);
  switch (Math.floor(rng.uniform() * 4)) {
    case 0: return text.slice(0, i) + text.slice(i + 1);
    case 1: return text.slice(0, i) + pick(rng, ["{", "}", "[", "]", ",", ":", '"', "'", "-", "\n", " ", "#", "0", "e", "\t", "&", "*", "!"]) + text.slice(i);
    case 2: return text.slice(0, i) + pick(rng, ["x", "9", ".", "-"]) + text.slice(i + 1);
    default: return text.slice(0, i);
  }
}

/** Run `n` cases; any error other than an InputError fails with the replay information. */
async function fuzz(name: string, n: number, seed: number, one: (rng: Rng, k: number) => { input: string; run: () => unknown }): Promise<{ ok: number; rejected: number }> {
  let ok = 0, rejected = 0;
  for (let k = 0; k < n; k++) {
    const rng = Rng.forStream(seed, k);
    const c = one(rng, k);
    const t0 = performance.now();
    try {
      await c.run();
      ok++;
    } catch (e) {
      if (!(e instanceof InputError)) assert.fail(`${name} case ${k} (seed ${seed}): ${(e as Error)?.stack ?? e}\ninput: ${c.input.slice(0, 2000)}`);
      assert.equal(e.message.includes("\n"), false, `${name} case ${k}: the message is one line: ${e.message}`);
      rejected++;
    }
    const ms = performance.now() - t0;
    assert.ok(ms < 1000, `${name} case ${k} took ${ms.toFixed(0)} ms (limit 1 s)`);
  }
  return { ok, rejected };
}

describe(`fuzzing the loaders: ${N} mutated inputs each load or fail with an InputError`, () => {
  test("workspace: parse, validate, check and compile", async () => {
    const doc = JSON.parse(WS_TEXT);
    const r = await fuzz("workspace", N, 1, (rng) => {
      if (rng.uniform() < 0.5) {
        const d = mutateTree(doc, rng);
        return { input: JSON.stringify(d), run: () => compileModel(workspaceFromJson(d, "ws.json"), { file: "ws.json" }) };
      }
      const text = mutateText(WS_TEXT, rng);
      return { input: text, run: () => compileModel(workspaceFromJson(parseJsonDocument(text, "ws.json"), "ws.json"), { file: "ws.json" }) };
    });
    // The corpus must exercise both outcomes, or it tests nothing.
    assert.ok(r.ok > N / 20 && r.rejected > N / 20, JSON.stringify(r));
  });

  test("patchset files", async () => {
    const text0 = JSON.stringify(PATCHSET, null, 1);
    const r = await fuzz("patchset", N, 2, (rng, k) => {
      const text = rng.uniform() < 0.5 ? JSON.stringify(mutateTree(PATCHSET, rng)) : mutateText(text0, rng);
      const p = join(dir, `ps${k % 8}.json`);
      return { input: text, run: () => { writeFileSync(p, text); return readPatchSet(p); } };
    });
    assert.ok(r.ok > N / 20 && r.rejected > N / 20, JSON.stringify(r));
  });

  test("YAML configuration: parse, validate and plan", async () => {
    const data0 = parseYaml(YAML_TEXT);
    const r = await fuzz("yaml config", N, 3, (rng) => {
      if (rng.uniform() < 0.5) {
        const d = mutateTree(data0, rng);
        return { input: JSON.stringify(d), run: () => planFromConfig(configFromObject(d, YAML_FILE)) };
      }
      const text = mutateText(YAML_TEXT, rng);
      return { input: text, run: () => planFromConfig(configFromObject(parseConfigText(text, YAML_FILE).data, YAML_FILE)) };
    });
    assert.ok(r.ok > N / 20 && r.rejected > N / 20, JSON.stringify(r));
  });

  test("JSON histogram files", async () => {
    const text0 = JSON.stringify(HIST, null, 1);
    const r = await fuzz("histogram", N, 4, (rng, k) => {
      const text = rng.uniform() < 0.5 ? JSON.stringify(mutateTree(HIST, rng)) : mutateText(text0, rng);
      const p = join(dir, `h${k % 8}.json`);
      return { input: text, run: async () => { writeFileSync(p, text); return readHistogram(p, "input_hist"); } };
    });
    assert.ok(r.ok > N / 20 && r.rejected > N / 20, JSON.stringify(r));
  });
});
