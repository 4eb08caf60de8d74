// The browser bundles (scripts/build.mjs step 5) must not reach Node: a `process.env` read or a
// Buffer in the engine's code would build fine and then throw in the page ("process is not
// defined"). Checked on the built files, which `npm test` rebuilds first.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";

const DIST = new URL("../../dist/web/", import.meta.url);

for (const name of ["engine-worker.bundle.js", "charts.bundle.js"]) {
  test(`${name} uses no Node globals and stays within its size budget`, () => {
    const file = new URL(name, DIST);
    assert.ok(existsSync(file), `${name} was not built`);
    const js = readFileSync(file, "utf8");
    // Identifiers as minified code spells them: a property access on the global, not a string.
    // A use guarded by `typeof X` just before it (as vega does for Buffer) is safe.
    for (const re of [/(?<![\w$.])process\.(env|argv|exit|stdout|stderr|cwd|platform|versions)/g, /(?<![\w$.])Buffer\.(from|alloc|isBuffer)/g, /(?<![\w$.])__dirname\b/g]) {
      for (const m of js.matchAll(re)) {
        const before = js.slice(Math.max(0, m.index - 60), m.index);
        if (before.includes(`typeof ${m[0].split(".")[0]}`)) continue;
        assert.fail(`${name} uses ${m[0]} (…${js.slice(Math.max(0, m.index - 80), m.index + 40)}…): the engine must not read Node globals`);
      }
    }
    const sizes = JSON.parse(readFileSync(new URL("bundle-sizes.json", DIST), "utf8")) as Record<string, number>;
    assert.equal(sizes[name], js.length, "bundle-sizes.json records the bundle's size");
    // Budgets at ~1.5× today's sizes (engine 234 kB, charts 800 kB): a jump means a dependency slipped in.
    assert.ok(js.length < (name.startsWith("engine") ? 400e3 : 1300e3), `${name}: ${js.length} bytes`);
  });
}
