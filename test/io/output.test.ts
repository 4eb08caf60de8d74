// io/output.ts: atomic writes, one-line errors for paths in the way, run.json records, output
// folder claims; and the interruption contract end to end: a bump scan stopped by SIGINT says
// "interrupted" in run.json, and --resume completes it to a results_single.csv byte-identical to
// an uninterrupted run.
import { describe, test, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InputError } from "../../src/io/errors.ts";
import { claimOutputDir, ensureDir, fsInputError, readRun, RunRecord, writeFileAtomic, writeJsonAtomic } from "../../src/io/output.ts";

const dir = mkdtempSync(join(tmpdir(), "sl-out-"));
after(() => rmSync(dir, { recursive: true, force: true }));

describe("atomic writes", () => {
  test("writes the bytes, makes parent folders, leaves no temporary file", () => {
    const p = join(dir, "a/b/c.txt");
    writeFileAtomic(p, "hello\n");
    assert.equal(readFileSync(p, "utf8"), "hello\n");
    writeFileAtomic(p, new Uint8Array([1, 2, 3]));
    assert.deepEqual([...readFileSync(p)], [1, 2, 3]);
    assert.deepEqual(readdirSync(join(dir, "a/b")), ["c.txt"]);
    writeJsonAtomic(join(dir, "j.json"), { x: 1 });
    assert.equal(readFileSync(join(dir, "j.json"), "utf8"), '{\n "x": 1\n}\n');
  });
  test("a file where a folder is needed is one InputError naming the option", () => {
    writeFileSync(join(dir, "blocker"), "x");
    assert.throws(() => writeFileAtomic(join(dir, "blocker/sub/f.csv"), "x", "--output-dir"), (e: unknown) =>
      e instanceof InputError && e.field === "--output-dir" && /a file stands where a folder is needed/.test(e.message));
    assert.throws(() => ensureDir(join(dir, "blocker"), "--figure"), (e: unknown) => e instanceof InputError && e.field === "--figure");
    assert.throws(() => writeFileAtomic(dir, "x", "--output"), (e: unknown) => e instanceof InputError && /is a folder, expected a file/.test(e.message));
  });
  test("fsInputError maps only the user's path errors", () => {
    assert.ok(fsInputError(Object.assign(new Error(), { code: "EISDIR" }), "/x") instanceof InputError);
    assert.ok(fsInputError(Object.assign(new Error(), { code: "EACCES" }), "/x") instanceof InputError);
    assert.equal(fsInputError(new Error("plain"), "/x"), undefined);
    assert.equal(fsInputError(Object.assign(new Error(), { code: "ERR_WORKER_INIT_FAILED" }), "/x"), undefined);
  });
});

describe("run.json and output folder claims", () => {
  test("RunRecord: running → complete, failed with the error", async () => {
    const d = join(dir, "run1");
    const r = RunRecord.start(d, { command: "t", version: "9", seed: 3, argv: ["t", "--seed", "3"] });
    assert.equal(readRun(d)!.status, "running");
    assert.equal(readRun(d)!.seed, 3);
    r.complete({ rows: 4 });
    const rec = readRun(d)!;
    assert.equal(rec.status, "complete");
    assert.equal(rec.rows, 4);
    assert.ok(rec.finished && rec.started <= rec.finished);
    const r2 = RunRecord.start(d, { command: "t", version: "9", progress: () => "2/5" });
    await assert.rejects(r2.around(async () => { throw new Error("boom"); }), /boom/);
    assert.equal(readRun(d)!.status, "failed");
    assert.equal(readRun(d)!.error, "boom");
    assert.equal(readRun(d)!.done, "2/5");
    assert.equal(process.listenerCount("SIGINT"), 0, "signal handlers removed when the run ends");
  });
  test("claimOutputDir: fresh, shared with another command, refused, --overwrite clears, --resume keeps", () => {
    const d = join(dir, "claim");
    assert.equal(claimOutputDir(d, { command: "bump scan" }), "fresh");
    RunRecord.start(d, { command: "bump scan", version: "1" }).complete();
    writeFileSync(join(d, "old.csv"), "x");
    assert.equal(claimOutputDir(d, { command: "bump bands" }), "fresh", "another verb may share the folder");
    assert.throws(() => claimOutputDir(d, { command: "bump scan" }), /the folder holds a complete "bump scan" run from .*: add --overwrite to replace it, --resume to finish it, or choose another folder/);
    assert.equal(claimOutputDir(d, { command: "bump scan", resume: true }), "resumed");
    assert.ok(existsSync(join(d, "old.csv")));
    assert.equal(claimOutputDir(d, { command: "bump scan", overwrite: true }), "overwritten");
    assert.deepEqual(readdirSync(d), []);
    assert.throws(() => claimOutputDir(d, { command: "bump scan", resume: true }), /holds no earlier run: drop --resume/);
    assert.throws(() => claimOutputDir(d, { command: "x", resume: true, overwrite: true }), /give one of them, not both/);
    mkdirSync(join(dir, "legacy"));
    writeFileSync(join(dir, "legacy", "results_single.csv"), "x");
    assert.throws(() => claimOutputDir(join(dir, "legacy"), { command: "bump scan", strict: true }), /files of an earlier run/);
  });
});

describe("interruption: SIGINT a scan midway, then --resume", () => {
  const BIN = new URL("../../bin/searchlight.mjs", import.meta.url).pathname;
  const args = (out: string) => ["bump", "scan", "--mass-min", "0.045", "--mass-max", "0.056", "--workers", "1", "-o", out];
  test("run.json says interrupted; --resume completes to the byte-identical table", async () => {
    const full = join(dir, "full"), cut = join(dir, "cut");
    const ref = spawnSync(process.execPath, [BIN, ...args(full)], { encoding: "utf8" });
    assert.equal(ref.status, 0, ref.stderr);
    // Interrupt once a few mass points are checkpointed.
    const child = spawn(process.execPath, [BIN, ...args(cut)], { stdio: ["ignore", "ignore", "pipe"] });
    let err = "";
    child.stderr.on("data", (b) => { err += String(b); });
    const t0 = Date.now();
    const done = () => { try { return readdirSync(join(cut, ".checkpoints")).flatMap((f) => readdirSync(join(cut, ".checkpoints", f))).filter((f) => f.endsWith(".v8")).length; } catch { return 0; } };
    while (done() < 4 && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 50));
    const nAtKill = done();
    child.kill("SIGINT");
    const code = await new Promise<number | null>((r) => child.on("exit", (c) => r(c)));
    assert.equal(code, 130, err);
    assert.match(err, /^searchlight: interrupted by SIGINT: .*run\.json says "interrupted" \(\d+\/12 masses done\)\n$/);
    assert.equal(readRun(cut)!.status, "interrupted");
    assert.ok(!existsSync(join(cut, "results_single.csv")), `no table that looks complete (killed after ${Date.now() - t0} ms with ${nAtKill} checkpoints; ${err})`);
    const refused = spawnSync(process.execPath, [BIN, ...args(cut)], { encoding: "utf8" });
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /the folder holds an interrupted "bump scan" run/);
    const resumed = spawnSync(process.execPath, [BIN, ...args(cut), "--resume"], { encoding: "utf8" });
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.equal(readRun(cut)!.status, "complete");
    assert.equal(readRun(cut)!.resumed, true);
    assert.ok(!existsSync(join(cut, ".checkpoints")), "checkpoints removed on completion");
    assert.ok(readFileSync(join(cut, "results_single.csv")).equals(readFileSync(join(full, "results_single.csv"))), "byte-identical results_single.csv");
  });
});
