// Driving the pages in Debian's Chromium through playwright-core (headless; the flags of
// ../shared/STACK.md: without the background-networking ones Chromium tries Google's hosts,
// which this machine's closed network refuses). Used by test/web/browser.test.ts and
// bench/web.bench.ts.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { extname, join, resolve, sep } from "node:path";
import type { Browser, Page } from "playwright-core";

export const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => existsSync(p)) ?? null;
export const BIN = new URL("../../bin/searchlight.mjs", import.meta.url).pathname;

/** node:test options: skip without Chromium, but fail under CI (CI installs it: .ci/run). */
export function needsChromium(): { skip?: string } {
  if (CHROMIUM) return {};
  if (process.env.CI) throw new Error("Chromium is required under CI (apt-get install chromium) but /usr/bin/chromium was not found");
  return { skip: "Chromium not installed (apt-get install chromium): skipping the browser tests" };
}

export async function launch(): Promise<Browser> {
  const { chromium } = await import("playwright-core");
  return chromium.launch({
    executablePath: CHROMIUM!,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/** A new page that records every request leaving `origin` and every page error. */
export async function newPage(browser: Browser, origin: string): Promise<{ page: Page; external: string[]; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const external: string[] = [];
  const errors: string[] = [];
  page.on("request", (r) => {
    const u = r.url();
    if (!u.startsWith(origin) && !/^(blob|data):/.test(u)) external.push(u);
  });
  page.on("pageerror", (e) => errors.push(e.message));
  return { page, external, errors };
}

const TYPES: Record<string, string> = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".json": "application/json", ".map": "application/json" };

/** A plain static file server on a free port (the built site needs no Searchlight server). */
export async function staticServer(dir: string): Promise<{ server: Server; origin: string }> {
  const root = resolve(dir);
  const server = createServer((req, res) => {
    const p = resolve(root, decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname.slice(1)) || "index.html");
    if (!(p.startsWith(root + sep)) || !existsSync(p) || !statSync(p).isFile()) {
      res.writeHead(404);
      res.end();
      return;
    }
    res.writeHead(200, { "content-type": TYPES[extname(p)] ?? "application/octet-stream" });
    res.end(readFileSync(p));
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const a = server.address();
  return { server, origin: `http://127.0.0.1:${typeof a === "object" && a ? a.port : 0}` };
}

/** `searchlight serve DIR --port 0`; resolves with its origin once it listens. */
export async function serveCli(dir: string): Promise<{ proc: ChildProcess; origin: string }> {
  const proc = spawn(process.execPath, [BIN, "serve", dir, "--port", "0"], { stdio: ["ignore", "ignore", "pipe"] });
  const origin = await new Promise<string>((ok, fail) => {
    let err = "";
    proc.stderr!.on("data", (d) => {
      err += String(d);
      const m = /http:\/\/127\.0\.0\.1:(\d+)/.exec(err);
      if (m) ok(`http://127.0.0.1:${m[1]}`);
    });
    proc.on("exit", (c) => fail(new Error(`serve exited with ${c}: ${err}`)));
  });
  return { proc, origin };
}

/** Screenshots are test artefacts: out/test-artifacts/web/NAME.png (out/ is git-ignored). */
export const ARTIFACTS = join(new URL("../../out/test-artifacts/web/", import.meta.url).pathname);

/** Load a workspace (and a patch) in the engine page and wait for the model. */
export async function loadInEngine(page: Page, workspace: string, patch?: string): Promise<string> {
  await page.setInputFiles("#ws-file", workspace);
  if (patch) {
    await page.setInputFiles("#patch-file", patch);
    await page.waitForFunction("document.body.dataset.patch === 'ready'"); // a patchset's names are listed
  }
  await page.click("#load");
  await page.waitForFunction("document.getElementById('status').textContent.startsWith('loaded') || document.getElementById('error').textContent", undefined, { timeout: 60000 });
  return (await page.textContent("#error")) || "";
}

/** Run the upper limit in the engine page: the page's numbers and the worker's time. */
export async function limitInEngine(page: Page): Promise<{ obs: number; exp: number[]; ms: number }> {
  await page.click('[data-run="upper-limit"]');
  await page.waitForSelector("#limit-obs", { timeout: 120000 });
  const obs = Number(await page.getAttribute("#limit-obs", "data-value"));
  const exp = (await page.$$eval(".limit-exp", (xs) => xs.map((x) => (x as unknown as { dataset: { value: string } }).dataset.value))).map(Number);
  const ms = Number(/done in ([\d.]+) s/.exec((await page.textContent("#status")) ?? "")?.[1]) * 1000;
  return { obs, exp, ms };
}
