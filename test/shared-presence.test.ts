// What does not run without ../shared. Each reference suite skips as ONE entry when ../shared is
// absent (test/shared.ts), so node:test's "skipped N" hides the hundreds of cases inside them
// (issue #23). This test names them: without ../shared it is reported as skipped with the count of
// reference suites and the files holding them; with ../shared it checks the reference files exist.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { HAVE_SHARED, SHARED, sharedPath } from "./shared.ts";

const TEST_DIR = fileURLToPath(new URL(".", import.meta.url));

/** Reference suites (calls of needsShared()) per test file. */
function referenceSuites(): Map<string, number> {
  const out = new Map<string, number>();
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith(".test.ts")) {
        const n = (readFileSync(p, "utf8").match(/needsShared\(\)/g) ?? []).length;
        if (n > 0) out.set(relative(join(TEST_DIR, ".."), p), n);
      }
    }
  };
  walk(TEST_DIR);
  return out;
}

const suites = referenceSuites();
const total = [...suites.values()].reduce((a, b) => a + b, 0);
const why = `../shared not found at ${SHARED}: ${total} reference suites in ${suites.size} files did not run any of their cases — ${[...suites].map(([f, n]) => `${f} (${n})`).join(", ")}`;

test(`reference data: ${total} suites in ${suites.size} files need ../shared`, HAVE_SHARED ? {} : { skip: why }, () => {
  for (const f of ["reference/pyhf_reference.json", "reference/gp_reference.json", "hps/funcform_2015_toys.root", "specs/hps_gpr.md"]) {
    assert.ok(existsSync(sharedPath(f)), `${f} missing from ${SHARED}`);
  }
});
