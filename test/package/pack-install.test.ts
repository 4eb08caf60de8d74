// The package as a user gets it: `npm pack`, then a plain `npm install <tarball>` (default
// settings) in an empty folder, which must need no native build (jsroot, whose dependencies
// include canvas, is bundled at build time instead). Then, from that folder only:
//   - `npx searchlight fit` on the shipped two-channel example and on a pyhf reference case,
//     and `npx searchlight cls` on sbottom RegionA against pyhf's CLs;
//   - toys on two worker threads (the compiled worker loop, no tsx) equal toys in one thread;
//   - a plain .mjs importing { compileModel, fit, hypotest, upperLimit } from "searchlight" gets
//     the numbers the sources give;
//   - ROOT files read through "searchlight/io" (the vendored jsroot) equal the sources' reader;
//   - a TypeScript consumer typechecks against the shipped .d.ts.
// Takes ≈ 40–60 s (the install fetches ≈ 280 packages from the npm cache or registry).
import { test, describe, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { needsShared, sharedPath } from "../shared.ts";
import { compileModel } from "../../src/histfactory/model.ts";
import { readWorkspace } from "../../src/histfactory/load.ts";
import { fit } from "../../src/likelihood/fit.ts";
import { hypotest } from "../../src/infer/hypotest.ts";
import { upperLimit } from "../../src/infer/upper-limit.ts";
import { readTH1 } from "../../src/io/root-hist.ts";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const EXAMPLE = join(REPO, "examples/two-channel/workspace.json");
const NPM = process.platform === "win32" ? "npm.cmd" : "npm";
const NPX = process.platform === "win32" ? "npx.cmd" : "npx";

/** Relative difference, with an absolute floor for values near zero. */
const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);

describe("npm pack → npm install in an empty folder → CLI, library and ROOT I/O", { ...needsShared(), timeout: 240_000 }, () => {
  let work = "";
  let app = "";
  const sh = (cmd: string, args: string[], cwd = app): SpawnSyncReturns<string> =>
    spawnSync(cmd, args, { cwd, encoding: "utf8", env: { ...process.env, NODE_OPTIONS: "" }, maxBuffer: 64 << 20 });
  const ok = (r: SpawnSyncReturns<string>, what: string) => assert.equal(r.status, 0, `${what} failed (status ${r.status}):\n${r.stderr}\n${r.stdout}`);
  const cli = (...args: string[]) => {
    const r = sh(NPX, ["--no-install", "searchlight", ...args]);
    ok(r, `npx searchlight ${args.join(" ")}`);
    return JSON.parse(r.stdout);
  };
  const script = (name: string, text: string, ...args: string[]) => {
    writeFileSync(join(app, name), text);
    const r = sh(process.execPath, [name, ...args]);
    ok(r, `node ${name}`);
    return JSON.parse(r.stdout);
  };

  before(() => {
    work = mkdtempSync(join(tmpdir(), "sl-pack-"));
    // npm pack runs `prepare` (the incremental build: quick, npm test has just built).
    const pack = sh(NPM, ["pack", "--json", "--pack-destination", work], REPO);
    ok(pack, "npm pack");
    const [{ filename }] = JSON.parse(pack.stdout.slice(pack.stdout.search(/^\[\s*\{/m))) as { filename: string }[];
    app = join(work, "app");
    mkdirSync(app);
    writeFileSync(join(app, "package.json"), JSON.stringify({ name: "sl-pack-test", private: true, type: "module" }));
    const install = sh(NPM, ["install", join(work, filename)]);
    ok(install, "npm install <tarball>");
    assert.doesNotMatch(install.stdout + install.stderr, /gyp|node-pre-gyp|prebuild-install/, "a native build was attempted");
  });
  after(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test("the install holds no native-build or development package", () => {
    const installed = new Set(readdirSync(join(app, "node_modules")));
    for (const p of ["canvas", "jsroot", "jsdom", "three", "mathjax", "tsx", "esbuild", "typescript"]) assert.ok(!installed.has(p), `${p} was installed`);
    const pkg = join(app, "node_modules/searchlight");
    for (const f of ["dist/index.js", "dist/index.d.ts", "dist/vendor/jsroot-io.mjs", "dist/batch/worker-loop.js", "dist/histfactory/schemas/1.0.0/workspace.json", "dist/histfactory/schema-validators.cjs", "bin/searchlight.mjs"]) {
      assert.ok(existsSync(join(pkg, f)), `missing ${f}`);
    }
    assert.ok(!existsSync(join(pkg, "src")) && !existsSync(join(pkg, "test")), "sources or tests were packed");
  });

  test("npx searchlight fit: the shipped example as the sources fit it, and a pyhf reference case", () => {
    const j = cli("fit", EXAMPLE, "--json");
    const m = compileModel(readWorkspace(EXAMPLE));
    const r = fit(m, m.observed);
    assert.equal(j.converged, true);
    assert.ok(rel(j.twice_nll, r.twiceNll) <= 1e-9, `2NLL ${j.twice_nll} vs ${r.twiceNll}`);
    assert.ok(Math.abs(j.bestfit.mu_SIG - r.pars[m.poi!]) <= 1e-6, `mu_SIG ${j.bestfit.mu_SIG} vs ${r.pars[m.poi!]}`);

    // pyhf 0.7 (../shared/reference/pyhf_reference.json, "pyhf-tests-patchset/patch_channel1_signal_syst1"): 2NLL = 9.030158053075773
    const p = cli("fit", sharedPath("workspaces/pyhf-tests-patchset/example_bkgonly.json"),
      "--patchset", sharedPath("workspaces/pyhf-tests-patchset/example_patchset.json"), "--patch-name", "patch_channel1_signal_syst1", "--json");
    assert.ok(rel(p.twice_nll, 9.030158053075773) <= 1e-6, `2NLL ${p.twice_nll} vs pyhf 9.030158053075773`);
  });

  test("npx searchlight cls on sbottom RegionA agrees with pyhf's q̃ CLs at μ = 1", () => {
    const dir = sharedPath("workspaces/atlas-susy-2018-31-sbottom/RegionA");
    const j = cli("cls", join(dir, "BkgOnly.json"), "--patch", join(dir, "patch.sbottom_1300_205_60.json"), "--json");
    // pyhf_reference.json, hypotest_qtilde_mu1 of atlas-susy-2018-31-sbottom/RegionA/sbottom_1300_205_60
    const pyhf = { obs: 0.24443582508851194, exp: [0.09022436001683776, 0.1937827989732838, 0.38432205016881904, 0.6557745296755184, 0.8910415452312151] };
    assert.ok(Math.abs(j.cls_obs - pyhf.obs) <= 1e-4, `CLs ${j.cls_obs} vs pyhf ${pyhf.obs}`);
    j.cls_exp.forEach((c: number, i: number) => assert.ok(Math.abs(c - pyhf.exp[i]) <= 1e-4, `CLs_exp[${i}] ${c} vs ${pyhf.exp[i]}`));
  });

  test("toys on two worker threads (compiled worker loop, no tsx) equal toys in one thread", () => {
    const args = ["cls", EXAMPLE, "--calculator", "toys", "--ntoys", "300", "--seed", "7", "--json"];
    const one = cli(...args, "--workers", "1");
    const two = cli(...args, "--workers", "2");
    assert.ok(one.cls_obs > 0 && one.cls_obs < 1);
    assert.equal(two.cls_obs, one.cls_obs);
    assert.deepEqual(two.cls_exp, one.cls_exp);
  });

  test('a plain .mjs: import { compileModel, fit, hypotest, upperLimit } from "searchlight"', () => {
    const j = script("library.mjs", `
import { readFileSync } from "node:fs";
import { compileModel, fit, hypotest, upperLimit } from "searchlight";
const model = compileModel(JSON.parse(readFileSync(process.argv[2], "utf8")));
const best = fit(model, model.observed);
const test = hypotest(model, 1);
const limit = upperLimit(model);
console.log(JSON.stringify({ twiceNll: best.twiceNll, muHat: best.pars[model.poi], cls: test.cls_obs, clsExp: test.cls_exp, ul: limit.obs, ulExp: limit.exp }));
`, EXAMPLE);
    const m = compileModel(readWorkspace(EXAMPLE));
    const r = fit(m, m.observed);
    const h = hypotest(m, 1);
    const u = upperLimit(m);
    // The same compiled code on the same machine: equal to rounding.
    assert.ok(rel(j.twiceNll, r.twiceNll) <= 1e-12, `2NLL ${j.twiceNll} vs ${r.twiceNll}`);
    assert.ok(Math.abs(j.muHat - r.pars[m.poi!]) <= 1e-9);
    assert.ok(Math.abs(j.cls - h.cls_obs) <= 1e-9, `CLs ${j.cls} vs ${h.cls_obs}`);
    assert.ok(j.clsExp.every((c: number, i: number) => Math.abs(c - h.cls_exp[i]) <= 1e-9));
    assert.ok(rel(j.ul, u.obs) <= 1e-9, `UL ${j.ul} vs ${u.obs}`);
    assert.ok(j.ulExp.every((x: number, i: number) => rel(x, u.exp[i]) <= 1e-9));
    assert.ok(j.ul > 0 && j.ul < 10);
  });

  test('ROOT files through "searchlight/io" (vendored jsroot) equal the sources\' reader', async () => {
    const files: [string, string][] = [["hps/funcform_2015_toys.root", "input_hist"], ["rootfiles/uproot-issue-707.root", "raw_M1_enrAll"]];
    for (const [file, hist] of files) {
      const j = script("root.mjs", `
import { readTH1 } from "searchlight/io";
const h = await readTH1(process.argv[2], process.argv[3]);
console.log(JSON.stringify({ edges: Array.from(h.edges), counts: Array.from(h.counts), entries: h.entries }));
`, sharedPath(file), hist);
      const h = await readTH1(sharedPath(file), hist);
      assert.ok(h.counts.length > 100);
      assert.deepEqual(j.edges, Array.from(h.edges), `${file} edges`);
      assert.deepEqual(j.counts, Array.from(h.counts), `${file} counts`);
      assert.equal(j.entries, h.entries);
    }
  });

  test('TTrees through "searchlight/io" (the same vendored jsroot: flat and jagged branches)', async () => {
    const j = script("tree.mjs", `
import { readEventTable } from "searchlight/io";
const z = await readEventTable(process.argv[2], { columns: ["M"] });
const h = await readEventTable(process.argv[3], { columns: ["Muon_Px[0]", "len(Muon_Px)"] });
console.log(JSON.stringify({ zn: z.n, z0: z.columns[0][0], hn: h.n, h0: h.columns[0][0], h1: h.columns[1][0] }));
`, sharedPath("rootfiles/uproot-Zmumu.root"), sharedPath("rootfiles/uproot-HZZ.root"));
    const { readEventTable } = await import("../../src/io/event-table.ts");
    const z = await readEventTable(sharedPath("rootfiles/uproot-Zmumu.root"), { columns: ["M"] });
    const h = await readEventTable(sharedPath("rootfiles/uproot-HZZ.root"), { columns: ["Muon_Px[0]", "len(Muon_Px)"] });
    assert.deepEqual(j, { zn: z.n, z0: z.columns[0][0], hn: h.n, h0: h.columns[0][0], h1: h.columns[1][0] });
    assert.ok(z.n > 2000 && h.n > 2000, `${z.n} ${h.n}`);
  });

  test("a TypeScript consumer typechecks against the shipped declarations", () => {
    writeFileSync(join(app, "consumer.ts"), `
import { compileModel, fit, hypotest, upperLimit, type Likelihood, type FitResult, type WorkspaceSpec } from "searchlight";
import { profileScan } from "searchlight/infer";
import { GaussianProcess } from "searchlight/gp";
export function run(spec: WorkspaceSpec): number {
  const m: Likelihood = compileModel(spec);
  const r: FitResult = fit(m, m.observed);
  const s = profileScan(m, m.poi ?? 0);
  void GaussianProcess; void s;
  return r.twiceNll + hypotest(m, 1).cls_obs + upperLimit(m).obs;
}
`);
    const tsc = join(REPO, "node_modules/typescript/bin/tsc");
    const r = sh(process.execPath, [tsc, "--noEmit", "--strict", "--module", "nodenext", "--moduleResolution", "nodenext", "--target", "es2022", "--skipLibCheck", "consumer.ts"]);
    ok(r, "tsc on consumer.ts");
  });
});
