// End-to-end tests of the pages in headless Chromium (issue #17): the results browser on a bump
// scan, and the engine in the browser against the CLI's --json output. Screenshots are saved
// under out/test-artifacts/web/.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Server } from "node:http";
import type { Browser } from "playwright-core";
import { needsShared, sharedPath } from "../shared.ts";
import { ARTIFACTS, BIN, launch, limitInEngine, loadInEngine, needsChromium, newPage, serveCli, staticServer } from "./harness.ts";

const cli = (args: string[], cwd?: string) => spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", cwd });
const rel = (a: number, b: number) => (a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b)));

describe("web pages in Chromium", needsChromium(), () => {
  let browser: Browser;
  const dir = mkdtempSync(join(tmpdir(), "sl-web-"));
  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    browser = await launch();
  });
  after(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe("(a) the results browser on `bump example`", () => {
    let serve: ChildProcess | undefined;
    after(() => serve?.kill());
    test("clicking the injected signal's mass shows its Â, σ_A and local Z from numbers.json", async () => {
      const out = join(dir, "bump");
      const r = cli(["bump", "example", "--output-dir", out]);
      assert.equal(r.status, 0, r.stderr);
      // The injected mass is the example's documented one ("… signal of N events at 60 MeV").
      const m = /signal of \d+ events at (\d+) MeV/.exec(readFileSync(join(out, "example.yaml"), "utf8"));
      assert.ok(m, "example.yaml names the injected mass");
      const mev = Number(m[1]);
      const tag = `m${String(mev).padStart(3, "0")}MeV`;
      const numbers = JSON.parse(readFileSync(join(out, "scan", tag, "2015", "numbers.json"), "utf8"));
      const s = await serveCli(out);
      serve = s.proc;
      const { page, external, errors } = await newPage(browser, s.origin);
      await page.goto(`${s.origin}/`);
      await page.waitForSelector("#mass-table tbody tr", { timeout: 60000 });
      await page.click(`#mass-table tbody tr:has(td:text-is("${mev / 1000}"))`);
      await page.waitForSelector("#panel-2015-A_hat");
      assert.equal(await page.textContent("#panel-title"), `m = ${mev} MeV`);
      for (const k of ["A_hat", "sigma_A", "Z_analytic"]) {
        assert.equal(Number(await page.getAttribute(`#panel-2015-${k}`, "data-value")), numbers[k], k);
      }
      assert.ok(numbers.Z_analytic > 2, `the injected signal is visible (Z = ${numbers.Z_analytic})`);
      // Clicking a point of a chart opens a panel too.
      await page.screenshot({ path: join(ARTIFACTS, "results-bump-scan.png"), fullPage: true });
      assert.deepEqual(external, [], "no request leaves the origin");
      assert.deepEqual(errors, []);
    });
  });

  describe("(b, c) the engine in the built static site", () => {
    let site: { server: Server; origin: string };
    before(async () => {
      const r = cli(["web", "build", join(dir, "site")]);
      assert.equal(r.status, 0, r.stderr);
      site = await staticServer(join(dir, "site"));
    });
    after(() => site?.server.close());

    const limitCase = async (name: string, ws: string, patch?: string) => {
      const { page, external, errors } = await newPage(browser, site.origin);
      await page.goto(`${site.origin}/engine.html`);
      assert.equal(await loadInEngine(page, ws, patch), "");
      const got = await limitInEngine(page);
      await page.waitForSelector("#cls-figure svg");
      await page.screenshot({ path: join(ARTIFACTS, `engine-${name}.png`), fullPage: true });
      const r = cli(["upper-limit", ws, ...(patch ? ["--patch", patch] : []), "--json"]);
      assert.equal(r.status, 0, r.stderr);
      const want = JSON.parse(r.stdout) as { obs: number; exp: number[] };
      assert.ok(rel(got.obs, want.obs) <= 1e-9, `observed: page ${got.obs}, CLI ${want.obs}`);
      assert.equal(got.exp.length, 5);
      got.exp.forEach((x, i) => assert.ok(rel(x, want.exp[i]) <= 1e-9, `expected[${i}]: page ${x}, CLI ${want.exp[i]}`));
      assert.deepEqual(external, [], "no request leaves the origin");
      assert.deepEqual(errors, []);
    };

    test("examples/two-channel: upper limits equal the CLI's --json to 1e-9 relative", () =>
      limitCase("two-channel", new URL("../../examples/two-channel/workspace.json", import.meta.url).pathname));

    test("sbottom RegionA + its HEPData patch: upper limits equal the CLI's --json to 1e-9 relative", needsShared(), () =>
      limitCase("sbottom-RegionA", sharedPath("workspaces/atlas-susy-2018-31-sbottom/RegionA/BkgOnly.json"), sharedPath("workspaces/atlas-susy-2018-31-sbottom/RegionA/patch.sbottom_1300_205_60.json")));

    test("(c) a malformed workspace shows the CLI's error line", async () => {
      const bad = join(dir, "bad");
      mkdirSync(bad, { recursive: true });
      const ws = JSON.parse(readFileSync(new URL("../../examples/two-channel/workspace.json", import.meta.url), "utf8"));
      ws.observations[0].data.pop(); // one bin short
      writeFileSync(join(bad, "short.json"), JSON.stringify(ws));
      writeFileSync(join(bad, "syntax.json"), '{"channels": [1, }');
      for (const f of ["short.json", "syntax.json"]) {
        const r = cli(["inspect", f], bad);
        assert.equal(r.status, 1);
        const line = r.stderr.trim();
        assert.equal(line.split("\n").length, 1, line);
        const { page } = await newPage(browser, site.origin);
        await page.goto(`${site.origin}/engine.html`);
        const shown = await loadInEngine(page, join(bad, f));
        assert.equal(shown, line);
        await page.screenshot({ path: join(ARTIFACTS, `engine-error-${f.replace(".json", "")}.png`) });
      }
    });
  });
});
