import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { listResultFiles, startServer } from "../../src/cli/serve.ts";

test("serve: lists result files, serves them and the page, refuses paths outside the folder", async () => {
  const dir = mkdtempSync(join(tmpdir(), "sl-serve-"));
  mkdirSync(join(dir, "m_0p05"));
  writeFileSync(join(dir, "results_single.csv"), "mass_GeV,A_up\n0.05,12.5\n");
  writeFileSync(join(dir, "m_0p05", "numbers.json"), '{"A_hat": 1}');
  writeFileSync(join(dir, ".hidden"), "x");
  assert.deepEqual(listResultFiles(dir), ["m_0p05/numbers.json", "results_single.csv"]);
  const server = await startServer(dir, 0);
  try {
    const port = (server.address() as { port: number }).port;
    const base = `http://127.0.0.1:${port}`;
    const api = await (await fetch(`${base}/api/files`)).json();
    assert.deepEqual(api.files, ["m_0p05/numbers.json", "results_single.csv"]);
    assert.equal(await (await fetch(`${base}/files/results_single.csv`)).text(), "mass_GeV,A_up\n0.05,12.5\n");
    const page = await (await fetch(`${base}/`)).text();
    assert.ok(page.includes("Searchlight results") && page.includes("app.js"));
    assert.equal((await fetch(`${base}/app.js`)).status, 200);
    assert.equal((await fetch(`${base}/files/..%2f..%2fetc%2fpasswd`)).status, 404);
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
