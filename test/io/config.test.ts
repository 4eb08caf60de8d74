// src/io/config.ts: the generic configuration validator. Each case asserts the exact one-line
// message (file, line and column when from text, key path, what was expected, the value).
import { describe, test, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, closestKey, configSource, describeSchema, editDistance, parseConfigText, readConfigFile, validateConfig, type Fields } from "../../src/io/config.ts";
import { InputError } from "../../src/io/errors.ts";

const FIELDS: Fields = {
  name: { schema: { type: "string" }, required: true },
  n_toys: { schema: { type: "number", integer: true, min: 1 }, default: 100 },
  alpha: { schema: { type: "number", gt: 0, max: 0.5 }, default: 0.05 },
  mode: { schema: { type: "enum", values: ["asymptotic", "toys"] }, default: "asymptotic" },
  window: { schema: { type: "range", positive: true, nullable: true }, default: null },
  masses: { schema: { type: "list", items: { type: "number", gt: 0 }, minItems: 1 }, default: [0.05] },
  plots: { schema: { type: "boolean" }, default: true },
  visibility: { schema: { type: "map", values: { type: "enum", values: ["observed", "expected_only"] }, keys: ["2015", "2016"], keyLabel: "dataset key" }, default: {} },
  bands: { schema: { type: "section", fields: { toys: { schema: { type: "number", integer: true, min: 0 }, default: 50 }, seed: { schema: { type: "number", integer: true }, default: 1 } } }, default: { toys: 50, seed: 1 } },
};

/** The message of the error `f` throws (fails if it throws none or not a ConfigError/InputError). */
const message = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof InputError, String(e));
    return e.message;
  }
  assert.fail("no error");
};
const fromObject = (data: unknown) => () => validateConfig(configSource(data, "c.yaml"), FIELDS);
const fromYaml = (text: string) => () => validateConfig(parseConfigText(text, "c.yaml"), FIELDS);

describe("io/config: values and defaults", () => {
  test("defaults fill absent keys in schema order; given keys are normalised and listed", () => {
    const c = validateConfig(configSource({ name: 2015, window: [0.02, 0.1], bands: { toys: 10 } }, "c.yaml"), FIELDS);
    assert.deepEqual(Object.keys(c.values), Object.keys(FIELDS));
    assert.deepEqual(c.values, { name: "2015", n_toys: 100, alpha: 0.05, mode: "asymptotic", window: [0.02, 0.1], masses: [0.05], plots: true, visibility: {}, bands: { toys: 10, seed: 1 } });
    assert.deepEqual([...c.given], ["name", "window", "bands"]);
    (c.values.masses as number[]).push(1);
    assert.deepEqual(validateConfig(configSource({ name: "x" }, "c.yaml"), FIELDS).values.masses, [0.05], "defaults are copied, not shared");
  });

  test("an absent section takes its fields' defaults; a required key inside it is still required", () => {
    const fields: Fields = { gp: { schema: { type: "section", fields: { restarts: { schema: { type: "number", integer: true, min: 0 }, default: 3 } } } } };
    assert.deepEqual(validateConfig(configSource({}, "c.yaml"), fields).values, { gp: { restarts: 3 } });
    assert.deepEqual(validateConfig(configSource({ gp: null }, "c.yaml"), fields).values, { gp: { restarts: 3 } });
    const strict: Fields = { gp: { schema: { type: "section", fields: { kernel: { schema: { type: "string" }, required: true } } } } };
    assert.equal(message(() => validateConfig(configSource({}, "c.yaml"), strict)), 'c.yaml: gp: missing required key "kernel" (a string)');
  });

  test("expected-value texts", () => {
    assert.equal(describeSchema(FIELDS.alpha.schema), "a number > 0 and ≤ 0.5");
    assert.equal(describeSchema({ type: "number", max: 1 }), "a number ≤ 1");
    assert.equal(describeSchema(FIELDS.n_toys.schema), "an integer ≥ 1");
    assert.equal(describeSchema(FIELDS.masses.schema), "a list of values, each a number > 0 (at least 1)");
    assert.equal(describeSchema({ type: "list", items: { type: "string" } }), "a list of strings");
    assert.equal(describeSchema(FIELDS.visibility.schema), "a mapping from dataset keys (2015, 2016) to one of observed, expected_only");
    assert.equal(describeSchema(FIELDS.window.schema), "[low, high] with low < high, both > 0, or null");
  });

  test("edit distance and the closest key", () => {
    assert.equal(editDistance("kitten", "sitting"), 3);
    assert.equal(editDistance("", "abc"), 3);
    assert.equal(closestKey("n_toy", Object.keys(FIELDS)), "n_toys");
  });
});

describe("io/config: one-line errors (exact text)", () => {
  test("from an object: key path, expected, got", () => {
    assert.equal(message(fromObject({ name: "x", n_toy: 5 })), 'c.yaml: n_toy: unknown key; did you mean "n_toys"?');
    assert.equal(message(fromObject({ name: "x", zzzzzzzzzz: 1 })), "c.yaml: zzzzzzzzzz: unknown key (expected one of name, n_toys, alpha, mode, window, masses, plots, visibility, bands)");
    assert.equal(message(fromObject({ name: "x", n_toys: "many" })), 'c.yaml: n_toys: expected an integer ≥ 1, got "many"');
    assert.equal(message(fromObject({ name: "x", n_toys: 2.5 })), "c.yaml: n_toys: expected an integer ≥ 1, got 2.5");
    assert.equal(message(fromObject({ name: "x", alpha: 0.7 })), "c.yaml: alpha: expected a number > 0 and ≤ 0.5, got 0.7");
    assert.equal(message(fromObject({ name: "x", mode: "exact" })), 'c.yaml: mode: expected one of asymptotic, toys, got "exact"');
    assert.equal(message(fromObject({ name: "x", window: [0.1, 0.02] })), "c.yaml: window: expected [low, high] with low < high, both > 0, or null, got [0.1,0.02]");
    assert.equal(message(fromObject({ name: "x", masses: [0.03, -1] })), "c.yaml: masses[1]: expected a number > 0, got -1");
    assert.equal(message(fromObject({ name: "x", masses: [] })), "c.yaml: masses: expected a list of values, each a number > 0 (at least 1), got []");
    assert.equal(message(fromObject({ name: "x", plots: "yes" })), 'c.yaml: plots: expected true or false, got "yes"');
    assert.equal(message(fromObject({ name: "x", visibility: { "2017": "observed" } })), 'c.yaml: visibility: unknown dataset key "2017" (expected 2015, 2016)');
    assert.equal(message(fromObject({ name: "x", visibility: { "2015": "hidden" } })), 'c.yaml: visibility.2015: expected one of observed, expected_only, got "hidden"');
    assert.equal(message(fromObject({ name: "x", bands: { tosy: 3 } })), 'c.yaml: bands.tosy: unknown key; did you mean "toys"?');
    assert.equal(message(fromObject({ name: "x", bands: { toys: -1 } })), "c.yaml: bands.toys: expected an integer ≥ 0, got -1");
    assert.equal(message(fromObject({ n_toys: 5 })), 'c.yaml: missing required key "name" (a string)');
    assert.equal(message(fromObject([1, 2])), "c.yaml: the configuration must be a YAML mapping (a JSON object) of keys to values, got [1,2]");
  });

  test("from YAML: the line and column of the key or value", () => {
    const head = "# analysis\nname: demo\n";
    assert.equal(message(fromYaml(`${head}n_toy: 5\n`)), 'c.yaml: line 3, column 1: n_toy: unknown key; did you mean "n_toys"?');
    assert.equal(message(fromYaml(`${head}alpha:   0.7\n`)), "c.yaml: line 3, column 10: alpha: expected a number > 0 and ≤ 0.5, got 0.7");
    assert.equal(message(fromYaml(`${head}masses:\n  - 0.03\n  - -1\n`)), "c.yaml: line 5, column 5: masses[1]: expected a number > 0, got -1");
    assert.equal(message(fromYaml(`${head}bands:\n  seed: 3\n  tosy: 3\n`)), 'c.yaml: line 5, column 3: bands.tosy: unknown key; did you mean "toys"?');
    assert.equal(message(fromYaml(`${head}visibility: {"2015": observed, "2017": observed}\n`)), 'c.yaml: line 3, column 32: visibility: unknown dataset key "2017" (expected 2015, 2016)');
    assert.equal(message(fromYaml(`${head}plots: yes\n`)), 'c.yaml: line 3, column 8: plots: expected true or false, got "yes"');
    assert.equal(message(fromYaml("n_toys: 5\n")), 'c.yaml: line 1, column 1: missing required key "name" (a string)');
    assert.equal(message(fromYaml(`${head}masses: [0.03, 0.05\n`)), "c.yaml: line 4, column 1: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ]");
    assert.match(message(fromYaml(`${head}name: again\n`)), /^c\.yaml: line 3, column 1: invalid YAML: Map keys must be unique/);
    const err = (() => { try { fromYaml(`${head}alpha: 0.7\n`)(); } catch (e) { return e; } })();
    assert.ok(err instanceof ConfigError);
    assert.equal(err.path, "alpha");
    assert.deepEqual(err.position, { line: 3, column: 8 });
  });

  test("JSON files: the same checks and positions; syntax errors located", () => {
    const dir = mkdtempSync(join(tmpdir(), "sl-config-"));
    after(() => rmSync(dir, { recursive: true, force: true }));
    const j = join(dir, "c.json");
    writeFileSync(j, '{\n  "name": "demo",\n  "bands": {"toys": 1.5}\n}\n');
    assert.equal(message(() => validateConfig(readConfigFile(j), FIELDS)), `${j}: line 3, column 21: bands.toys: expected an integer ≥ 0, got 1.5`);
    writeFileSync(j, '{\n  "name": "demo",\n  "alpha": NaN\n}\n');
    assert.equal(message(() => readConfigFile(j)), `${j}: line 3, column 12: invalid JSON: NaN/Infinity are not valid JSON values`);
    const y = join(dir, "ok.yaml");
    writeFileSync(y, "name: demo\nmode: toys\n");
    assert.equal(validateConfig(readConfigFile(y), FIELDS).values.mode, "toys");
    assert.equal(message(() => readConfigFile(join(dir, "none.yaml"), { option: "--config" })), `${join(dir, "none.yaml")}: --config: configuration file not found`);
  });
});
