#!/usr/bin/env node
// Screenshots of the two pages for README.md (docs/web-results.png, docs/web-engine.png), in
// Debian's Chromium: the results browser on `bump example` with the injected mass's panel open,
// and the engine page with the sbottom RegionA upper limit. Needs a build, /usr/bin/chromium and
// ../shared. Usage: node scripts/readme-screenshots.mjs
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";

const BIN = new URL("../bin/searchlight.mjs", import.meta.url).pathname;
const DOCS = new URL("../docs/", import.meta.url).pathname;
const A = new URL("../../shared/workspaces/atlas-susy-2018-31-sbottom/RegionA/", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "sl-shots-"));
const run = (args) => { const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8" }); if (r.status !== 0) throw new Error(r.stderr); };
const serve = async (d) => {
  const p = spawn(process.execPath, [BIN, "serve", d, "--port", "0"], { stdio: ["ignore", "ignore", "pipe"] });
  const origin = await new Promise((ok) => p.stderr.on("data", (x) => { const m = /http:\/\/127\.0\.0\.1:\d+/.exec(String(x)); if (m) ok(m[0]); }));
  return { p, origin };
};
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"] });
try {
  run(["bump", "example", "--output-dir", join(dir, "bump")]);
  const s = await serve(join(dir, "bump"));
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(`${s.origin}/`);
  await page.waitForSelector("#mass-table tbody tr");
  await page.click('#mass-table tbody tr:has(td:text-is("0.06"))');
  await page.waitForSelector("#panel-2015-A_hat");
  await page.evaluate("document.getElementById('mass-panel').scrollIntoView()");
  await page.screenshot({ path: join(DOCS, "web-results.png") });
  const e = await browser.newPage({ viewport: { width: 1100, height: 1000 } });
  e.on("console", (m) => process.stderr.write(`engine page: ${m.text()}\n`));
  e.on("pageerror", (x) => process.stderr.write(`engine page error: ${x.message}\n`));
  await e.goto(`${s.origin}/engine.html`);
  await e.setInputFiles("#ws-file", `${A}BkgOnly.json`);
  await e.setInputFiles("#patch-file", `${A}patch.sbottom_1300_205_60.json`);
  await e.waitForFunction("document.body.dataset.patch === 'ready'");
  await e.click("#load");
  await e.waitForFunction("document.getElementById('status').textContent.startsWith('loaded') || document.getElementById('error').textContent", undefined, { timeout: 120000 });
  const err = await e.textContent("#error");
  if (err) throw new Error(`engine page: ${err}`);
  await e.click('[data-run="upper-limit"]');
  await e.waitForSelector("#cls-figure svg", { timeout: 120000 });
  await e.screenshot({ path: join(DOCS, "web-engine.png"), fullPage: true });
  s.p.kill();
} finally {
  await browser.close();
  rmSync(dir, { recursive: true, force: true });
}
process.stderr.write("wrote docs/web-results.png and docs/web-engine.png\n");
