#!/usr/bin/env node
// `npm run build` (also run by `prepare`, so `npm ci` and `npm pack` build; and by `npm test`
// first, so tests never spawn a stale CLI):
//   1. tsc -b tsconfig.build.json: src/ → dist/ (.js with .ts imports rewritten, .d.ts, maps,
//      and the imported JSON schemas). Incremental: ≈ 0.5 s when nothing changed.
//   2. dist/math/special.js with its @stdlib dependencies inlined (start-up time, see below).
//   3. dist/histfactory/schema-validators.cjs: the pyhf schema validators precompiled by ajv.
//   4. dist/vendor/jsroot-io.mjs: jsroot's I/O module bundled with esbuild. jsroot itself is a
//      dev dependency because its npm dependencies include canvas (a native build that fails
//      offline) and jsdom/three/mathjax, none of which ROOT file reading needs. Rebuilt only
//      when missing or older than node_modules/jsroot.
//   5. dist/web/engine-worker.bundle.js (the browser engine, src/web/engine-worker.ts) and
//      dist/web/charts.bundle.js (the chart specs + vega, src/web/charts-page.ts), bundled with
//      esbuild for the browser; their sizes recorded in dist/web/bundle-sizes.json.
// Options: --force (rebuild everything), --quiet.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const DIST = join(ROOT, "dist");
const force = process.argv.includes("--force");
const quiet = process.argv.includes("--quiet");
const log = (s) => quiet || process.stderr.write(`build: ${s}\n`);
const require = createRequire(import.meta.url);

if (force) rmSync(DIST, { recursive: true, force: true });

// 1. TypeScript. tsc emits even when it reports type errors (TS ≥ 5.6 in build mode: status 1),
// so dist/ is never stale and the build succeeds; `npm run typecheck` (CI runs it) is the gate
// for types. Any other failure (no tsc, a crash) fails the build.
const tsc = spawnSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-b", "tsconfig.build.json"], { cwd: ROOT, stdio: ["ignore", 2, 2] }); // diagnostics to stderr: stdout may be data (npm pack --json)
let status = tsc.status === 1 && existsSync(join(DIST, "index.js")) && existsSync(join(DIST, "cli", "main.js")) ? 0 : tsc.status ?? 1;
if (tsc.status === 1 && status === 0) process.stderr.write("build: tsc reported type errors; dist/ was written all the same (`npm run typecheck` is the gate)\n");

// tsc never deletes what it emitted for a source that was since moved or deleted; such leftovers
// would still be importable at run time (a stale dist/). Remove every output without a source.
const SRC = join(ROOT, "src");
const GENERATED = new Set(["vendor", ".tsbuildinfo", join("histfactory", "schema-validators.cjs"),
  ...["engine-worker", "charts"].flatMap((b) => [join("web", `${b}.bundle.js`), join("web", `${b}.bundle.js.map`)]), join("web", "bundle-sizes.json")]);
function prune(dir) {
  for (const name of readdirSync(join(DIST, dir))) {
    const rel = join(dir, name);
    if (GENERATED.has(rel)) continue;
    if (statSync(join(DIST, rel)).isDirectory()) {
      if (!existsSync(join(SRC, rel))) rmSync(join(DIST, rel), { recursive: true });
      else prune(rel);
      continue;
    }
    const m = /^(.*)\.(js|d\.ts)(\.map)?$/.exec(rel);
    const source = m ? `${m[1]}.ts` : rel; // JSON and other copied files keep their name
    if (!existsSync(join(SRC, source)) && !(m && existsSync(join(SRC, `${m[1]}.mjs`)))) {
      rmSync(join(DIST, rel));
      log(`removed ${rel} (no source)`);
    }
  }
}
if (existsSync(DIST)) prune("");

// 2. Start-up cost: @stdlib's special functions are ≈ 190 tiny CommonJS modules, ≈ 50 ms of CPU
// to resolve and load in every process. dist/math/special.js (their only importer: checked
// below, since a second importer would get a second copy) gets them inlined by esbuild; its
// relative imports stay as they are. Redone whenever tsc re-emits the file (marker missing).
const INLINE = [{ file: "math/special.js", packages: /^@stdlib\// }];
const MARK = "/* searchlight build: npm dependencies inlined */";
for (const { file, packages } of INLINE) {
  const out = join(DIST, file);
  if (!existsSync(out) || readFileSync(out, "utf8").startsWith(MARK)) continue;
  const { build } = await import("esbuild");
  const others = [];
  const scan = (dir) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (name === "vendor") continue;
      if (statSync(p).isDirectory()) scan(p);
      else if (p !== out && p.endsWith(".js") && new RegExp(`from ["']${packages.source.replace(/^\^/, "")}`).test(readFileSync(p, "utf8"))) others.push(p);
    }
  };
  scan(DIST);
  if (others.length) throw new Error(`build: ${packages} is also imported by ${others.join(", ")}: inlining it into ${file} would duplicate it`);
  await build({
    entryPoints: [out], bundle: true, platform: "node", format: "esm", target: "node20", outfile: out, allowOverwrite: true,
    sourcemap: true, banner: { js: MARK }, logLevel: "warning",
    plugins: [{
      name: "inline-only",
      setup(b) {
        b.onResolve({ filter: /.*/ }, (a) => (a.kind === "entry-point" || packages.test(a.path) || /node_modules/.test(a.importer) ? undefined : { path: a.path, external: true }));
      },
    }],
  });
  log(`inlined ${packages} into dist/${file}`);
}

// 3. The pyhf schema validators, precompiled: ajv's standalone code for every validator that
// src/histfactory/schema.ts uses (its VALIDATORS, built by its createAjv, so options and schemas
// are the module's own). A CLI process then loads neither ajv nor compiles the schemas.
const SCHEMA_JS = join(DIST, "histfactory", "schema.js");
const VALIDATORS_CJS = join(DIST, "histfactory", "schema-validators.cjs");
const SCHEMA_DIR = join(SRC, "histfactory", "schemas", "1.0.0");
if (existsSync(SCHEMA_JS)) {
  const inputs = [SCHEMA_JS, ...readdirSync(SCHEMA_DIR).map((f) => join(SCHEMA_DIR, f))];
  if (force || !existsSync(VALIDATORS_CJS) || inputs.some((f) => statSync(f).mtimeMs > statSync(VALIDATORS_CJS).mtimeMs)) {
    const { createAjv, VALIDATORS } = await import(`${pathToFileURL(SCHEMA_JS).href}?build=${Date.now()}`);
    const standaloneCode = require("ajv/dist/standalone").default;
    const code = standaloneCode(createAjv({ code: { source: true } }), VALIDATORS);
    writeFileSync(VALIDATORS_CJS, `// Generated by scripts/build.mjs from src/histfactory/schema.ts (ajv standalone code): do not edit.\n${code}`);
    log(`precompiled ${Object.keys(VALIDATORS).length} pyhf schema validators into dist/histfactory/schema-validators.cjs`);
  }
}

// 4. jsroot's I/O module, vendored.
const JSROOT_IO = fileURLToPath(import.meta.resolve("jsroot/io")); // <jsroot>/modules/io.mjs
const JSROOT_PKG = join(dirname(JSROOT_IO), "..", "package.json");
const VENDOR = join(DIST, "vendor", "jsroot-io.mjs");
if (force || !existsSync(VENDOR) || statSync(VENDOR).mtimeMs < statSync(JSROOT_PKG).mtimeMs || !readFileSync(VENDOR, "utf8").slice(0, 400).includes("modules/tree.mjs")) {
  const { build } = await import("esbuild");
  const jsrootDir = dirname(JSROOT_PKG);
  const version = JSON.parse(readFileSync(JSROOT_PKG, "utf8")).version;
  const licence = readFileSync(join(jsrootDir, "LICENSE"), "utf8").replace(/\uFFFD|\u00A9/g, "(c)").replace(/\*\//g, "* /");
  const stubs = {
    name: "searchlight-jsroot",
    setup(b) {
      // Used by jsroot only for http(s) URLs (xhr2) and for injecting scripts (tmp): not for
      // local files. They are left out, with a clear error if ever reached.
      b.onResolve({ filter: /^(xhr2|tmp)$/ }, (a) => ({ path: a.path, namespace: "stub" }));
      b.onLoad({ filter: /.*/, namespace: "stub" }, (a) => ({
        contents: `throw new Error("jsroot: ${a.path} is not part of Searchlight's bundled jsroot (remote URLs and script injection are not supported)");`,
        loader: "js",
      }));
      // ZSTD: on Node jsroot imports @oneidentity/zstd-js (≈ 40 MB installed); its own browser
      // build of the same Emscripten decompressor (base/zstd.mjs) works on Node too, given the
      // CommonJS globals the banner below defines.
      b.onResolve({ filter: /^@oneidentity\/zstd-js$/ }, () => ({ path: join(jsrootDir, "modules", "base", "zstd.mjs") }));
    },
  };
  const banner = [
    `/*! jsroot ${version} (https://github.com/root-project/jsroot): modules/io.mjs and modules/tree.mjs`,
    `    (TSelector, treeProcess) and what they load (core.mjs, base/*.mjs), bundled for Searchlight by scripts/build.mjs.`,
    "",
    licence.trim(),
    "*/",
    `import { createRequire as __slRequire } from "node:module";`,
    `import { fileURLToPath as __slPath } from "node:url";`,
    `import { dirname as __slDir } from "node:path";`,
    `const require = __slRequire(import.meta.url), __filename = __slPath(import.meta.url), __dirname = __slDir(__filename);`,
  ].join("\n");
  mkdirSync(dirname(VENDOR), { recursive: true });
  // One bundle for the file I/O and the TTree reader (categorize's event tables), so both share
  // one jsroot core.
  const entry = join(DIST, "vendor", ".jsroot-entry.mjs");
  mkdirSync(dirname(entry), { recursive: true });
  writeFileSync(entry, `export * from ${JSON.stringify(JSROOT_IO)};\nexport { TSelector, treeProcess } from ${JSON.stringify(join(dirname(JSROOT_IO), "tree.mjs"))};\n`);
  await build({
    entryPoints: [entry],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    outfile: VENDOR,
    plugins: [stubs],
    banner: { js: banner },
    legalComments: "inline",
    logLevel: "warning",
  });
  rmSync(entry, { force: true });
  writeFileSync(join(DIST, "vendor", "README.md"), `jsroot ${version} I/O, bundled by scripts/build.mjs (MIT licence, header of jsroot-io.mjs).\n`);
  log(`bundled jsroot ${version} I/O into dist/vendor/jsroot-io.mjs`);
}
// 5. The engine for the page. No Node built-in may be reachable from it except node:crypto and
// node:module (src/web/node-shims.ts and the validators) and node:fs (a stub that throws: only
// io/csv.ts's file reader uses it); esbuild fails the build on any other. Rebuilt every time
// (≈ 0.2 s) and written only when its bytes change.
{
  const { build } = await import("esbuild");
  const shims = {
    name: "searchlight-browser",
    setup(b) {
      b.onResolve({ filter: /^node:crypto$/ }, () => ({ path: join(SRC, "web", "node-shims.ts") }));
      b.onResolve({ filter: /^node:module$/ }, () => ({ path: "node-module", namespace: "shim" }));
      // io/csv.ts reads files with node:fs; the page uses only its parser (parseCsv, cellNum).
      b.onResolve({ filter: /^node:fs$/ }, () => ({ path: "node-fs", namespace: "fs-shim" }));
      b.onLoad({ filter: /.*/, namespace: "fs-shim" }, () => ({
        contents: `export function readFileSync() { throw new Error("no file system in the browser"); }`, loader: "js",
      }));
      b.onLoad({ filter: /.*/, namespace: "shim" }, () => ({
        contents: `import validators from ${JSON.stringify(VALIDATORS_CJS)};
export function createRequire() {
  return (id) => { if (id === "./schema-validators.cjs") return validators; throw new Error(id + " is not part of the browser bundle"); };
}`,
        loader: "js", resolveDir: ROOT,
      }));
    },
  };
  mkdirSync(join(DIST, "web"), { recursive: true });
  const sizes = {};
  for (const [entry, out] of [["engine-worker.ts", "engine-worker.bundle.js"], ["charts-page.ts", "charts.bundle.js"]]) {
    const r = await build({
      entryPoints: [join(SRC, "web", entry)], bundle: true, platform: "browser", format: "esm", target: "chrome110",
      write: false, outfile: join(DIST, "web", out), sourcemap: "linked", minify: true, plugins: [shims], logLevel: "error",
    });
    for (const f of r.outputFiles) {
      if (!existsSync(f.path) || !readFileSync(f.path).equals(Buffer.from(f.contents))) writeFileSync(f.path, f.contents);
      if (f.path.endsWith(".js")) sizes[out] = f.contents.length;
    }
  }
  const sizeFile = join(DIST, "web", "bundle-sizes.json");
  const text = JSON.stringify(sizes, null, 2) + "\n";
  if (!existsSync(sizeFile) || readFileSync(sizeFile, "utf8") !== text) {
    writeFileSync(sizeFile, text);
    log(`bundled the pages' code: ${Object.entries(sizes).map(([k, v]) => `dist/web/${k} (${(v / 1024).toFixed(0)} kB)`).join(", ")}`);
  }
}
process.exitCode = status;
