// batch/progress.ts: off a terminal, a line every Progress.lineEvery seconds with done/total, rate
// and ETA; none with --quiet (Progress.quiet) or enabled = false.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Progress } from "../../src/batch/progress.ts";

function capture(f: () => void): string {
  const w = process.stderr.write.bind(process.stderr);
  const tty = process.stderr.isTTY;
  let out = "";
  process.stderr.write = ((s: string) => { out += s; return true; }) as typeof process.stderr.write;
  (process.stderr as { isTTY?: boolean }).isTTY = false;
  try { f(); } finally { process.stderr.write = w; (process.stderr as { isTTY?: boolean }).isTTY = tty; }
  return out;
}

test("not a terminal: progress lines with done/total, rate and ETA; none at the end", () => {
  const every = Progress.lineEvery;
  Progress.lineEvery = 0;
  try {
    const out = capture(() => { const p = new Progress(4, "scan 2015"); p.tick(); p.tick(); p.tick(); p.tick(); p.finish(); });
    const lines = out.trim().split("\n");
    assert.equal(lines.length, 3, out);
    assert.match(lines[0], /^scan 2015: 1\/4 \(25%\) after \d+ s, .+, ETA \d+ s$/);
    assert.match(lines[2], /^scan 2015: 3\/4 \(75%\)/);
  } finally {
    Progress.lineEvery = every;
  }
});

test("a short run prints nothing; --quiet and enabled = false silence it", () => {
  assert.equal(capture(() => { const p = new Progress(3, "x"); p.tick(3); p.finish(); }), "");
  const every = Progress.lineEvery;
  Progress.lineEvery = 0;
  try {
    assert.equal(capture(() => { const p = new Progress(3, "x", false); p.tick(); p.tick(); }), "");
    Progress.quiet = true;
    assert.equal(capture(() => { const p = new Progress(3, "x"); p.tick(); p.tick(); }), "");
  } finally {
    Progress.quiet = false;
    Progress.lineEvery = every;
  }
});
