// The CLI starts at once: every command's module is imported only when that command runs, and
// the heavy dependencies (figures: vega, vega-lite, resvg, pdfkit; ROOT I/O: jsroot; the schema
// compiler: ajv) only on first use. The processes run with test/cli/load-recorder.mjs, which logs
// every module they load (ES modules through a resolve hook, CommonJS ones from the require
// cache); a figure-writing run is the positive control that the log sees those packages at all.
import { test, describe, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const BIN = new URL("../../bin/searchlight.mjs", import.meta.url).pathname;
const RECORDER = new URL("./load-recorder.mjs", import.meta.url).href;
const EXAMPLE = new URL("../../examples/two-channel/workspace.json", import.meta.url).pathname;

const dir = mkdtempSync(join(tmpdir(), "sl-lazy-"));
let n = 0;

/** Run the CLI; its exit status, stdout and the URLs of the modules it loaded. */
function loaded(...args: string[]): { code: number | null; out: string; modules: string[] } {
  const log = join(dir, `load-${n++}.txt`);
  const r = spawnSync(process.execPath, ["--import", RECORDER, BIN, ...args], { encoding: "utf8", env: { ...process.env, SEARCHLIGHT_LOAD_LOG: log } });
  const modules = [...new Set(readFileSync(log, "utf8").split("\n").filter(Boolean))];
  return { code: r.status, out: r.stdout + r.stderr, modules };
}

const HEAVY: Record<string, RegExp> = {
  vega: /\/node_modules\/vega(-[a-z-]+)?\//,
  resvg: /\/node_modules\/@resvg\//,
  pdfkit: /\/node_modules\/(pdfkit|svg-to-pdfkit)\//,
  jsroot: /\/node_modules\/jsroot\/|\/vendor\/jsroot/,
  ajv: /\/node_modules\/ajv\//,
};
const hits = (modules: string[], name: string) => modules.filter((m) => HEAVY[name].test(m));
/** The CLI's own command modules (src/cli/<workflow>/… or dist/cli/<workflow>/…). */
const cliModules = (modules: string[], folder: string) => modules.filter((m) => new RegExp(`/cli/${folder}/`).test(m));

describe("lazy loading", () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  test("--help lists every command and loads no command module and no heavy dependency", () => {
    const r = loaded("--help");
    assert.equal(r.code, 0, r.out);
    for (const c of ["inspect", "fit", "cls", "upper-limit", "significance", "scan", "ranking", "batch", "bump", "serve", "patchset", "workspace", "marginal"]) assert.match(r.out, new RegExp(`^  ${c} `, "m"), c);
    assert.match(r.out, /^  fit \[options\] <workspace> +maximum-likelihood fit/m);
    for (const h of Object.keys(HEAVY)) assert.deepEqual(hits(r.modules, h), [], `${h} loaded for --help`);
    for (const f of ["histfactory", "bump", "batch", "marginal"]) assert.deepEqual(cliModules(r.modules, f), [], `cli/${f} loaded for --help`);
    assert.ok(r.modules.length < 40, `${r.modules.length} modules for --help`);
    const v = loaded("--version");
    assert.equal(v.code, 0);
    assert.match(v.out.trim(), /^\d+\.\d+\.\d+/);
    for (const f of ["histfactory", "bump", "batch", "marginal"]) assert.deepEqual(cliModules(v.modules, f), [], `cli/${f} loaded for --version`);
  });

  test("fit loads its own command module only, and no figure or ROOT library", () => {
    const r = loaded("fit", EXAMPLE, "--json");
    assert.equal(r.code, 0, r.out);
    assert.ok(JSON.parse(r.out.slice(0, r.out.lastIndexOf("}") + 1)).converged);
    for (const h of ["vega", "resvg", "pdfkit", "jsroot"]) assert.deepEqual(hits(r.modules, h), [], `${h} loaded for fit`);
    assert.deepEqual(cliModules(r.modules, "histfactory").map((m) => m.replace(/.*\/cli\/histfactory\//, "")).sort(), ["fit.js", "model-options.js"].map((f) => (r.modules.some((m) => m.endsWith(".ts")) ? f.replace(/\.js$/, ".ts") : f)).sort());
    for (const f of ["bump", "batch", "marginal"]) assert.deepEqual(cliModules(r.modules, f), [], `cli/${f} loaded for fit`);
  });

  test("a command's help has its full option list, and loads only that command", () => {
    const r = loaded("bump", "scan", "--help");
    assert.equal(r.code, 0, r.out);
    for (const o of ["--config <yaml>", "--mass-min <GeV>", "--workers <n>", "--output-dir <dir>", "--per-mass-plots", "--json"]) assert.ok(r.out.includes(o), o);
    for (const h of ["vega", "resvg", "pdfkit", "jsroot"]) assert.deepEqual(hits(r.modules, h), [], `${h} loaded for bump scan --help`);
    for (const f of ["histfactory", "batch", "marginal"]) assert.deepEqual(cliModules(r.modules, f), [], `cli/${f} loaded for bump --help`);
  });

  test("unknown commands and options: one line on stderr, exit 1", () => {
    for (const args of [["nope"], ["fit", EXAMPLE, "--nope"], ["bump", "nope"]]) {
      const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8" });
      assert.equal(r.status, 1, args.join(" "));
      assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
      assert.match(r.stderr, /^error: unknown (command|option)/);
    }
  });

  test("positive control: writing a figure loads vega, resvg and pdfkit (the recorder sees them)", () => {
    const r = loaded("scan", EXAMPLE, "--npoints", "5", "--figure", join(dir, "scan"));
    assert.equal(r.code, 0, r.out);
    for (const h of ["vega", "resvg", "pdfkit"]) assert.ok(hits(r.modules, h).length > 0, `${h} not seen`);
  });
});
