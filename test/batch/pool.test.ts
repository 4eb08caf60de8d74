// The worker-thread pool: results by task index whatever the worker count, errors reported,
// toys bit-identical for 1, 2 and 3 workers and equal to the in-thread run, progress silent
// unless enabled.
import { test } from "node:test";
import assert from "node:assert/strict";
import { poolTaskExecutor, runPool } from "../../src/batch/pool.ts";
import { inThread, type TaskExecutor } from "../../src/infer/executor.ts";
import { toyHypotestOnPool } from "../../src/batch/toys.ts";
import { Progress } from "../../src/batch/progress.ts";
import { countingModel, type CountingSpec } from "../../src/likelihood/counting.ts";
import { toyHypotest } from "../../src/infer/toys.ts";

const SQUARE = { module: new URL("./fixtures/square-runner.ts", import.meta.url).href, factory: "squareRunner", args: { offset: 0.5 } };

test("runPool: results by task index for 1, 2 and 3 workers; onDone once per task", async () => {
  const tasks = Array.from({ length: 23 }, (_, i) => i);
  const want = tasks.map((x) => x * x + 0.5);
  for (const workers of [1, 2, 3]) {
    const done: number[] = [];
    const got = await runPool<number, number>(SQUARE, tasks, workers, (i) => done.push(i));
    assert.deepEqual(got, want);
    assert.deepEqual(done.sort((a, b) => a - b), tasks);
  }
});

test("runPool: a failing task rejects with its index and message; a bad factory name is reported", async () => {
  await assert.rejects(runPool(SQUARE, [1, 2, -3, 4], 2), /task 2: negative input -3/);
  await assert.rejects(runPool({ ...SQUARE, factory: "nope" }, [1, 2, 3], 2));
});

test("TaskExecutor: in this thread and on 1–3 worker threads, one-shot runs and sessions give the same results by task index", async () => {
  const tasks = Array.from({ length: 17 }, (_, i) => i);
  const want = tasks.map((x) => x * x + 0.5);
  const executors: [string, TaskExecutor][] = [["inThread", inThread], ...[1, 2, 3].map((w): [string, TaskExecutor] => [`pool ${w}`, poolTaskExecutor(w)])];
  for (const [name, ex] of executors) {
    const done: number[] = [];
    assert.deepEqual(await ex.run<number, number>(SQUARE, tasks, (i) => done.push(i)), want, name);
    assert.deepEqual(done.sort((a, b) => a - b), tasks, name);
    const session = ex.open<number, number>(SQUARE);
    try {
      assert.deepEqual(await session.run(tasks), want, `${name} session, run 1`);
      assert.deepEqual(await session.run(tasks.slice(3, 9)), want.slice(3, 9), `${name} session, run 2`);
    } finally {
      await session.close();
    }
    await assert.rejects(ex.run(SQUARE, [1, -2, 3]), /negative input -2/, name);
  }
});

test("toys on the pool: bit-identical JSON for 1, 2 and 3 workers and any batch size, equal to the in-thread run", async () => {
  const spec: CountingSpec = { signal: [4, 7], background: [20, 12], relativeUncertainty: [0.1, 0.2], observed: [23, 15] };
  const recipe = { module: new URL("../../src/likelihood/counting.ts", import.meta.url).href, factory: "countingModel", args: spec };
  const m = countingModel(spec);
  const o = { ntoys: 200, seed: 42, progress: false };
  const one = JSON.stringify(await toyHypotestOnPool(m, recipe, 1.5, { ...o, workers: 1 }));
  const two = JSON.stringify(await toyHypotestOnPool(m, recipe, 1.5, { ...o, workers: 2, batch: 7 }));
  const three = JSON.stringify(await toyHypotestOnPool(m, recipe, 1.5, { ...o, workers: 3, batch: 50 }));
  const local = JSON.stringify(await toyHypotest(m, 1.5, { ntoys: 200, seed: 42 }));
  assert.equal(two, one);
  assert.equal(three, one);
  assert.equal(local, one);
  const other = await toyHypotestOnPool(m, recipe, 1.5, { ...o, seed: 43, workers: 2 });
  assert.notEqual(JSON.stringify(other.q_sb), JSON.stringify(JSON.parse(one).q_sb));
});

test("progress: silent when disabled, a bar with counts when enabled on a terminal", () => {
  const writes: string[] = [];
  const orig = process.stderr.write.bind(process.stderr);
  const tty = Object.getOwnPropertyDescriptor(process.stderr, "isTTY");
  // The bar is the terminal display (off a terminal: timed lines, test/batch/progress.test.ts).
  Object.defineProperty(process.stderr, "isTTY", { value: true, configurable: true });
  (process.stderr as unknown as { write: (s: string) => boolean }).write = (s: string) => (writes.push(String(s)), true);
  try {
    const off = new Progress(10, "toys", false);
    for (let i = 0; i < 10; i++) off.tick();
    off.finish();
    assert.equal(writes.length, 0);
    const on = new Progress(4, "toys", true);
    for (let i = 0; i < 4; i++) on.tick();
    on.finish();
  } finally {
    (process.stderr as unknown as { write: typeof orig }).write = orig;
    if (tty) Object.defineProperty(process.stderr, "isTTY", tty);
    else delete (process.stderr as { isTTY?: boolean }).isTTY;
  }
  assert.ok(writes.some((w) => w.includes("toys") && w.includes("4/4")), JSON.stringify(writes));
  assert.equal(writes[writes.length - 1], "\n");
});

test("pool dispatch: with 2 workers the calling thread runs tasks too (it starts at once) and results stay by index; chunks leave no task out", async () => {
  const THREADS = { module: new URL("./fixtures/thread-runner.ts", import.meta.url).href, factory: "threadRunner", args: { ms: 0.2 } };
  const tasks = Array.from({ length: 3000 }, (_, i) => i);
  const done: number[] = [];
  const got = await runPool<number, [number, number]>(THREADS, tasks, 2, (i) => done.push(i));
  assert.deepEqual(got.map((r) => r[0]), tasks, "results by task index");
  assert.deepEqual(done.sort((a, b) => a - b), tasks, "onDone once per task");
  const here = got.filter((r) => r[1] === 0).length;
  assert.ok(here > 0, `the calling thread ran ${here} of ${tasks.length} tasks`);
  assert.ok(got.every((r) => r[1] === 0 || r[1] > 0), "thread ids");
});

test("prestart: threads boot before the first run; results unchanged; a prestarted pool that fails before running is still closed", async () => {
  const { WorkerPool } = await import("../../src/batch/pool.ts");
  const tasks = Array.from({ length: 40 }, (_, i) => i);
  const pool = new WorkerPool<number, number>(SQUARE, 2);
  try {
    pool.prestart();
    pool.prestart(); // idempotent: still one extra thread
    assert.equal((pool as unknown as { slots: unknown[] }).slots.length, 1, "one worker thread beside this one");
    assert.deepEqual(await pool.run(tasks), tasks.map((x) => x * x + 0.5), "results by index");
  } finally {
    await pool.close();
  }
  const { toyUpperLimit } = await import("../../src/infer/toy-limit.ts");
  const spec: CountingSpec = { signal: [5], background: [20], relativeUncertainty: 0.1, observed: [21] };
  const recipe = { module: new URL("../../src/likelihood/counting.ts", import.meta.url).href, factory: "countingModel", args: spec };
  await assert.rejects(toyUpperLimit(countingModel(spec), { scan: [1], executor: poolTaskExecutor(2), recipe }), /grid must be ≥ 2 increasing/, "a bad grid is reported (and the test ends: the session was closed)");
});
