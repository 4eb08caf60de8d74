#!/usr/bin/env node
// `npm run coverage [-- substring-filter ...]`: V8 line coverage of src/ over the test suite,
// subprocesses and worker threads included. c8 sets NODE_V8_COVERAGE for the whole process tree
// (every CLI run the tests spawn inherits it, and Node writes one file per isolate, workers too);
// the tests import src/*.ts through tsx (inline source maps) and the spawned CLI runs dist/*.js,
// which tsc's source maps map back to src/*.ts; both land on the same src/ file and are merged.
// Files of src/ that no process loaded count with 0%. Output: a text table on stdout and
// out/coverage/coverage-summary.json (+ coverage-final.json for line-level detail).
// Expect about the suite's time (8.5 min on 2 idle cores, 2026-12-03).
//   --add [filters]  run the matching tests and add their coverage to the stored V8 data
//   --report         redo the report from the stored V8 data (out/coverage/v8) without running
// Type-only modules (no JavaScript emitted) are left out: src/types/, *.d.ts,
// src/histfactory/spec.ts, src/categorize/model.ts.
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const c8 = require.resolve("c8/bin/c8.js");
const args = process.argv.slice(2);
const add = args[0] === "--add", report = args[0] === "--report";
if (add || report) args.shift();
else rmSync("out/coverage", { recursive: true, force: true });
const r = spawnSync(process.execPath, [c8, ...(report ? ["report"] : []),
  "--reporter=text", "--reporter=json-summary", "--reporter=json",
  "--report-dir=out/coverage", "--temp-directory=out/coverage/v8",
  "--all", "--src=src", "--include=src/**", "--exclude-after-remap",
  "--exclude=src/**/*.d.ts", "--exclude=src/types/**", "--exclude=src/histfactory/spec.ts", "--exclude=src/categorize/model.ts",
  "--skip-full=false", `--clean=${!add && !report}`,
  ...(report ? [] : [process.execPath, "scripts/run-tests.mjs", ...args])], { stdio: "inherit" });
process.exit(r.status ?? 1);
