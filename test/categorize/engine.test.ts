// The event loop on worker threads gives the same bytes as in this thread (fixed chunks reduced
// in order), and a run resumed from its checkpoint ends where an uninterrupted run ends.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { toy3class } from "../../src/categorize/toys.ts";
import { buildEventSet } from "../../src/categorize/events.ts";
import { GmmModel } from "../../src/categorize/gmm.ts";
import { SoftPass } from "../../src/categorize/engine.ts";
import { GatoLoss } from "../../src/categorize/loss.ts";
import { objective, train, type Checkpoint, type TrainOptions } from "../../src/categorize/train.ts";
import { poolTaskExecutor } from "../../src/batch/pool.ts";
import { Rng } from "../../src/math/rng.ts";

const spec = { type: "gmm", k: 4, d: 2, meanNorm: "softmax", range: [[0, 1]], damping: 0.1 } as const;
const opts = (epochs: number): TrainOptions => ({
  epochs, optimizer: "adam", lr: { mode: "cosine", start: 0.05, end: 0.001 }, temperature: { mode: "cosine", start: 1, end: 0.05 },
  steepness: { mode: "constant", start: 5, end: 5 }, timing: "before", seed: 3,
  loss: { kind: "geomean", lambdaYield: 1, lambdaUnc: 1, thrYield: 5, thrUnc: 0.2 }, biasEvery: 5,
});

test("loss, gradient and hard yields: 2 worker threads = this thread, bit for bit", async () => {
  const ev = buildEventSet(2, toy3class(3000, 3000, 30000), ["signal1", "signal2"]);
  const model = new GmmModel({ ...spec, range: [[0, 1]] });
  const params = model.init(new Rng(9));
  const loss = new GatoLoss(ev.processes, model.k, opts(1).loss);
  const g1 = new Float64Array(model.nParams), g2 = new Float64Array(model.nParams);
  const p1 = new SoftPass(model, ev, undefined, 4096);
  const p2 = new SoftPass(model, ev, poolTaskExecutor(2), 4096);
  try {
    const a = await objective(p1, model, loss, params, 0.3, 5, null, g1);
    const b = await objective(p2, model, loss, params, 0.3, 5, null, g2);
    assert.equal(a.loss, b.loss);
    assert.deepEqual(g1, g2);
    const st = model.compile(params);
    assert.deepEqual((await p1.hard(st)).y, (await p2.hard(st)).y);
  } finally {
    await p2.close();
  }
});

test("checkpoint and resume: 6 epochs, then resume to 12 = 12 epochs straight", async () => {
  const dir = mkdtempSync(join(tmpdir(), "cat-ckpt-"));
  try {
    const ev = buildEventSet(2, toy3class(2000, 2000, 20000), ["signal1", "signal2"]);
    const straight = await train(new GmmModel({ ...spec, range: [[0, 1]] }), ev, opts(12));
    const path = join(dir, "checkpoint.json");
    // stop after 6 epochs: a run of 12 epochs whose checkpoint at epoch 6 we keep
    await train(new GmmModel({ ...spec, range: [[0, 1]] }), ev, { ...opts(12), checkpointPath: path, checkpointEvery: 6 }, {
      onEpoch: (r) => { if (r.epoch === 6) throw new Error("stop"); },
    }).catch((e) => assert.equal((e as Error).message, "stop"));
    const c = JSON.parse(readFileSync(path, "utf8")) as Checkpoint;
    assert.equal(c.epoch, 6);
    const resumed = await train(new GmmModel({ ...spec, range: [[0, 1]] }), ev, opts(12), { resume: c });
    assert.deepEqual(resumed.params, straight.params);
    assert.equal(resumed.history.length, 12);
    assert.ok(straight.history.some((r) => r.bias !== null));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
