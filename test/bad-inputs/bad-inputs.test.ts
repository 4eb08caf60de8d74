// The bad-input corpus (#20): every user mistake the CLI knows gives exit status 1 and one line on
// stderr naming the option or file, the field and the fix — never a stack trace, never
// "internal error", never an output that looks complete. Each case runs through the CLI's main()
// in one child process (driver.ts: the same code bin/searchlight.mjs runs, one Node start for all), and
// its first stderr line is compared with snapshots.json (zod-style: the exact message is part of
// the contract). A missing snapshot entry is written on a run outside CI; a changed one fails and
// the new lines are written to snapshots-changed.json beside it.
// The "fuzzed" cases feed every numeric option the usual bad spellings ("", "abc", "NaN", "1e999",
// "-1", "0", "1.5" for integers).
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";

const SNAP = new URL("./snapshots.json", import.meta.url);
const WS = new URL("../../examples/two-channel/workspace.json", import.meta.url).pathname;
const CFG = new URL("../../examples/bump/hps2015.yaml", import.meta.url).pathname;

const dir = mkdtempSync(join(tmpdir(), "sl-bad-"));
const T = (p: string) => join(dir, p);
/** The temporary folder and the repository are shown as <tmp> and <repo> in snapshots. */
const REPO = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");
const norm = (s: string) => s.split(dir).join("<tmp>").split(REPO).join("<repo>").split(`port ${busyPort} `).join("port <port> ");

function wsVariant(name: string, f: (w: any) => void): string {
  const w = JSON.parse(readFileSync(WS, "utf8"));
  f(w);
  writeFileSync(T(name), JSON.stringify(w));
  return T(name);
}

interface Case { name: string; args: () => string[]; outDir?: string }
const cases: Case[] = [];
const add = (name: string, args: string[] | (() => string[]), outDir?: string) => cases.push({ name, args: typeof args === "function" ? args : () => args, outDir });

// ---- the cases the issue lists -------------------------------------------------------------------
add("bump scan --step -0.001 (was a V8 crash)", ["bump", "scan", "--dataset", "2015", "--mass-min", "0.05", "--mass-max", "0.052", "--step", "-0.001", "--output-dir", T("o-step")], T("o-step"));
add("bump scan --step 0 (was a V8 crash)", ["bump", "scan", "--mass-min", "0.05", "--mass-max", "0.052", "--step", "0", "--output-dir", T("o-step0")], T("o-step0"));
add("bump scan --step 1e-9 (was a hang)", ["bump", "scan", "--mass-min", "0.05", "--mass-max", "0.052", "--step", "1e-9", "--output-dir", T("o-step1")], T("o-step1"));
add("bump bands --toys 0", ["bump", "bands", "--mass-min", "0.05", "--mass-max", "0.05", "--toys", "0", "--output-dir", T("o-toys")], T("o-toys"));
add("bump bands --toys -5", ["bump", "bands", "--mass-min", "0.05", "--mass-max", "0.05", "--toys", "-5", "--output-dir", T("o-toys")], T("o-toys"));
add("bump test --rebin 0", ["bump", "test", "--mass", "0.05", "--rebin", "0"]);
add("bump scan --workers 0", ["bump", "scan", "--workers", "0", "--output-dir", T("o-w")], T("o-w"));
add("cls --workers 0", ["cls", WS, "--calculator", "toys", "--workers", "0"]);
add("cls --poi outside the POI's bounds", ["cls", WS, "--poi", "-1"]);
add("cls --poi above the POI's bounds", ["cls", WS, "--poi", "11"]);
add("fit --fix outside the parameter's bounds", ["fit", WS, "--fix", "mu_SIG=-2"]);
add("fit --fix of an unknown parameter", ["fit", WS, "--fix", "nope=1"]);
add("fit --fix without =", ["fit", WS, "--fix", "mu_SIG"]);
add("inverted parameter bounds in a workspace", () => ["fit", wsVariant("inverted.json", (w) => w.measurements[0].config.parameters.push({ name: "mu_SIG", bounds: [[2, 1]] }))]);
add("an init outside the bounds", () => ["fit", wsVariant("init.json", (w) => w.measurements[0].config.parameters.push({ name: "mu_SIG", bounds: [[0, 5]], inits: [7] }))]);
add("observations of the wrong length are blamed on /observations", () => ["fit", wsVariant("obslen.json", (w) => w.observations[0].data.push(3))]);
add("duplicate channel names", () => ["fit", wsVariant("dupch.json", (w) => { w.channels[1].name = w.channels[0].name; })]);
add("duplicate sample names", () => ["fit", wsVariant("dupsample.json", (w) => { w.channels[0].samples[1].name = w.channels[0].samples[0].name; })]);
add("duplicate observation names", () => ["fit", wsVariant("dupobs.json", (w) => { w.observations.push({ ...w.observations[0] }); })]);
add("a parameter configured twice", () => ["fit", wsVariant("duppar.json", (w) => w.measurements[0].config.parameters.push({ ...w.measurements[0].config.parameters[0] }))]);
add("bump test --mass outside the range is blamed on --mass", ["bump", "test", "--mass", "0.5"]);
add("bump observed-display --mass outside the range is blamed on --mass", ["bump", "observed-display", "--mass", "0.5", "-o", T("o-od")], T("o-od"));
add("bump observed-display --mass not a number", ["bump", "observed-display", "--mass", "abc", "-o", T("o-od")], T("o-od"));
add("batch run --n-tasks 0", ["batch", "run", WS, "--patchset", T("nope.json"), "--output", T("o-b"), "--n-tasks", "0"]);
add("batch merge of a folder without a job", ["batch", "merge", T("no-job")]);
add("bump slurm-gen --n-tasks 0", ["bump", "slurm-gen", "--n-tasks", "0", "-o", T("o-sg")]);
add("upper-limit --cl 95 (a percentage)", ["upper-limit", WS, "--cl", "95"]);
add("an unknown command", ["fitt", WS]);
add("an unknown option", ["fit", WS, "--poi-nam", "mu"]);
add("path_2015 naming a folder", () => {
  const cfg = readFileSync(CFG, "utf8").replace(/^path_2015:.*$/m, `path_2015: ${T("a-folder")}`);
  mkdirSync(T("a-folder"), { recursive: true });
  writeFileSync(T("folder.yaml"), cfg);
  return ["bump", "scan", "--config", T("folder.yaml"), "--output-dir", T("o-folder")];
}, T("o-folder"));
const cfgWith = (name: string, f: (text: string) => string) => () => { writeFileSync(T(name), f(readFileSync(CFG, "utf8")).replace(/^path_2015:.*$/m, `path_2015: ${new URL("../../../shared/hps/funcform_2015_toys.root", import.meta.url).pathname}`)); return ["bump", "scan", "--config", T(name), "--output-dir", T("o-cfg")]; };
add("a config range with millions of masses (found by fuzzing: was a V8 crash)", cfgWith("huge.yaml", (t) => t.replace(/^range_2015:.*$/m, "range_2015: [0.02, 1e308]")), T("o-cfg"));
add("an inverted config range", cfgWith("inv.yaml", (t) => t.replace(/^range_2015:.*$/m, "range_2015: [0.13, 0.02]")), T("o-cfg"));
add("a YAML alias before its anchor (found by fuzzing: was an internal error)", cfgWith("alias.yaml", (t) => t.replace(/^blind_nsigma:.*$/m, "blind_nsigma: *x\nbogus: &x 1")), T("o-cfg"));
add("bump scan --step below the 1 MeV grid", ["bump", "scan", "--step", "0.0005", "--output-dir", T("o-st")], T("o-st"));
add("--file naming a folder", () => { mkdirSync(T("a-folder"), { recursive: true }); return ["bump", "test", "--mass", "0.05", "--file", T("a-folder")]; });
add("--figure under an existing file", () => { writeFileSync(T("blocker"), "x"); return ["upper-limit", WS, "--figure", T("blocker/fig")]; });
add("scan --figure under an existing file", () => { writeFileSync(T("blocker"), "x"); return ["scan", WS, "--figure", T("blocker/sub/fig")]; });
add("--output-dir under an existing file", () => { writeFileSync(T("blocker"), "x"); return ["bump", "scan", "--mass-min", "0.05", "--mass-max", "0.05", "--output-dir", T("blocker/out")]; });
add("workspace --output under an existing file", () => { writeFileSync(T("blocker"), "x"); return ["workspace", "sort", WS, "--output", T("blocker/ws.json")]; });
add("serve --port 99999", ["serve", dir, "--port", "99999"]);
add("serve --port -1", ["serve", dir, "--port", "-1"]);
add("serve --port abc", ["serve", dir, "--port", "abc"]);
add("serve a file", () => { writeFileSync(T("blocker"), "x"); return ["serve", T("blocker")]; });
add("serve on a port in use", () => ["serve", dir, "--port", String(busyPort)]);
add("workspace rename that would duplicate a channel", ["workspace", "rename", WS, "--channel", "SR=CR_ttbar", "--output", T("renamed.json")], undefined);
add("bump scan --mass-min above --mass-max", ["bump", "scan", "--mass-min", "0.06", "--mass-max", "0.05", "--output-dir", T("o-mm")], T("o-mm"));

// ---- more options ----------------------------------------------------------------------------------
add("bump scan --dataset unknown", ["bump", "scan", "--dataset", "2099", "--output-dir", T("o-ds")], T("o-ds"));
add("bump scan --mass range outside the dataset", ["bump", "scan", "--mass-min", "0.3", "--mass-max", "0.4", "--output-dir", T("o-rng")], T("o-rng"));
add("bump test without --mass", ["bump", "test"]);
add("bump test --blind-nsigma 0", ["bump", "test", "--mass", "0.05", "--blind-nsigma", "0"]);
add("bump test --restarts -1", ["bump", "test", "--mass", "0.05", "--restarts", "-1"]);
add("bump test --file missing", ["bump", "test", "--mass", "0.05", "--file", T("nope.root")]);
add("bump scan --config missing", ["bump", "scan", "--config", T("nope.yaml")]);
add("cls --calculator unknown", ["cls", WS, "--calculator", "bayes"]);
add("cls --test-stat unknown", ["cls", WS, "--test-stat", "q0"]);
add("cls --toy-pars unknown", ["cls", WS, "--calculator", "toys", "--toy-pars", "mid"]);
add("upper-limit --scan inverted", ["upper-limit", WS, "--scan", "5:1:10"]);
add("upper-limit --scan with one point", ["upper-limit", WS, "--scan", "0:5:1"]);
add("scan --parameter unknown", ["scan", WS, "--parameter", "nope"]);
add("fit a missing workspace", ["fit", T("missing.json")]);
add("fit a folder", ["fit", dir]);
add("fit --measurement unknown", ["fit", WS, "--measurement", "nope"]);
add("fit --normsys-code unknown", ["fit", WS, "--normsys-code", "code9"]);
add("workspace combine --join unknown", ["workspace", "combine", WS, WS, "--join", "sideways"]);
add("workspace rename without =", ["workspace", "rename", WS, "--sample", "bkg"]);
add("workspace prune an unknown channel", ["workspace", "prune", WS, "--channel", "CR"]);

// ---- fuzzed spellings of every numeric option -------------------------------------------------------
const BAD_NUM = ["", "abc", "NaN", "1e999", "--"];
const numeric: [string, string[], string, string[]][] = [
  // [label, command prefix, option, extra bad values beyond BAD_NUM]
  ["cls", ["cls", WS], "--poi", []],
  ["cls toys", ["cls", WS, "--calculator", "toys"], "--ntoys", ["0", "-1", "1.5"]],
  ["cls toys", ["cls", WS, "--calculator", "toys"], "--seed", ["-1", "0.5"]],
  ["upper-limit", ["upper-limit", WS], "--cl", ["0", "1", "1.5", "-0.1"]],
  ["scan", ["scan", WS], "--npoints", ["0", "-3", "2.5"]],
  ["ranking", ["ranking", WS], "--top", ["0", "-1", "1.5"]],
  ["bump scan", ["bump", "scan", "--output-dir", T("o-fz")], "--step", ["0", "-1", "1e-7"]],
  ["bump scan", ["bump", "scan", "--output-dir", T("o-fz")], "--mass-min", []],
  ["bump scan", ["bump", "scan", "--output-dir", T("o-fz")], "--workers", ["0", "-2", "1.5"]],
  ["bump scan", ["bump", "scan", "--output-dir", T("o-fz")], "--rebin", ["0", "-1", "2.5"]],
  ["bump bands", ["bump", "bands", "--output-dir", T("o-fz")], "--toys", ["0", "-5", "2.5"]],
  ["bump test", ["bump", "test", "--mass", "0.05"], "--restarts", ["-1", "0.5"]],
  ["bump test", ["bump", "test", "--mass", "0.05"], "--blind-nsigma", ["0", "-1"]],
  ["serve", ["serve", dir], "--port", ["-1", "65536", "1.5"]],
];
for (const [label, prefix, opt, extra] of numeric) {
  for (const v of [...BAD_NUM, ...extra]) {
    // "--" as a value is taken by commander as the end of options: the option is then missing its argument.
    add(`fuzz: ${label} ${opt} ${JSON.stringify(v)}`, [...prefix, `${opt}=${v}`], prefix.includes("--output-dir") ? T("o-fz") : undefined);
  }
}

// ---- the runner ------------------------------------------------------------------------------------------
let busyPort = 0;
let busy: Server;
const got: Record<string, { status: number; stderr: string }> = {};
let results: Record<string, { code: number; out: string; err: string }> = {};

describe("bad-input corpus: exit 1, one exact line, no stack trace, no internal error, no complete-looking output", () => {
  before(async () => {
    busy = createServer();
    await new Promise<void>((ok) => busy.listen(0, "127.0.0.1", () => ok()));
    busyPort = (busy.address() as { port: number }).port;
    const names = new Set<string>();
    for (const c of cases) { assert.ok(!names.has(c.name), `duplicate case name ${c.name}`); names.add(c.name); }
    writeFileSync(T("cases.json"), JSON.stringify(Object.fromEntries(cases.map((c) => [c.name, c.args()]))));
    const r = spawnSync(process.execPath, ["--import", "tsx/esm", new URL("./driver.ts", import.meta.url).pathname, T("cases.json"), T("results.json")], { encoding: "utf8", timeout: 120_000 });
    assert.equal(r.status, 0, `driver failed: ${r.stderr}`);
    results = JSON.parse(readFileSync(T("results.json"), "utf8"));
  });
  after(() => {
    busy.close();
    rmSync(dir, { recursive: true, force: true });
    const snap: Record<string, { status: number; stderr: string }> = existsSync(SNAP) ? JSON.parse(readFileSync(SNAP, "utf8")) : {};
    const missing = Object.keys(got).filter((k) => !(k in snap));
    if (missing.length && !process.env.CI) {
      for (const k of missing) snap[k] = got[k];
      writeFileSync(SNAP, JSON.stringify(Object.fromEntries(Object.keys(snap).sort().map((k) => [k, snap[k]])), null, 1) + "\n");
    }
    const changed = Object.keys(got).filter((k) => k in snap && JSON.stringify(snap[k]) !== JSON.stringify(got[k]));
    if (changed.length) writeFileSync(new URL("./snapshots-changed.json", import.meta.url), JSON.stringify(Object.fromEntries(changed.map((k) => [k, got[k]])), null, 1) + "\n");
  });

  test(`the corpus has at least 100 cases (has ${cases.length})`, () => assert.ok(cases.length >= 100));

  const snap: Record<string, { status: number; stderr: string }> = existsSync(SNAP) ? JSON.parse(readFileSync(SNAP, "utf8")) : {};
  for (const c of cases) {
    test(c.name, async () => {
      const r = results[c.name];
      const lines = r.err.split("\n").filter((l) => l.length > 0);
      const first = norm(lines[0] ?? "");
      got[c.name] = { status: r.code, stderr: first };
      assert.equal(r.code, 1, `exit ${r.code}: ${r.err}`);
      assert.equal(lines.length, 1, `one line on stderr, got:\n${r.err}`);
      assert.match(first, /^(searchlight: |error: )/);
      assert.doesNotMatch(r.err, /internal error/);
      assert.doesNotMatch(r.err, /\n\s+at /, "no stack trace");
      if (c.outDir && existsSync(c.outDir)) {
        const files = readdirSync(c.outDir);
        assert.ok(!files.includes("results_single.csv") && !files.some((f) => f.startsWith("ul_bands_")), `no complete-looking output in ${c.outDir}: ${files}`);
      }
      const want = snap[c.name];
      if (want) assert.deepEqual({ status: r.code, stderr: first }, want, "snapshot (update test/bad-inputs/snapshots.json if the new message is better)");
      else if (process.env.CI) assert.fail(`no snapshot for "${c.name}": run the test once outside CI and commit snapshots.json`);
    });
  }
});
