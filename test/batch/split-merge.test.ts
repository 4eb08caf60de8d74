import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ownerTask, taskSlice, taskDirName } from "../../src/batch/split.ts";
import { configDigest, MANIFEST, writeTaskOutput, type TaskManifest } from "../../src/batch/manifest.ts";
import { accountTasks, mergeCsv } from "../../src/batch/merge.ts";
import { sbatchArrayScript, submitScript } from "../../src/batch/slurm.ts";

test("taskSlice: contiguous, covering, first N mod T slices one longer", () => {
  for (const [n, t] of [[111, 8], [156, 156], [10, 3], [3, 5], [0, 2]]) {
    let next = 0;
    for (let k = 0; k < t; k++) {
      const [a, b] = taskSlice(n, t, k);
      assert.equal(a, next);
      assert.equal(b - a, Math.floor(n / t) + (k < n % t ? 1 : 0));
      for (let u = a; u < b; u++) assert.equal(ownerTask(n, t, u), k);
      next = b;
    }
    assert.equal(next, n);
  }
});

test("§18.1 task mapping: 2016 grid 35–190 MeV (156 masses) in 156 tasks: 37 and 48 MeV → tasks 2 and 13", () => {
  const masses = Array.from({ length: 156 }, (_, i) => 35 + i);
  assert.deepEqual([37, 48].map((m) => ownerTask(156, 156, masses.indexOf(m))), [2, 13]);
});

function manifest(task: number, nTasks: number, units: TaskManifest["units"], digest: string): TaskManifest {
  return { task, n_tasks: nTasks, units, seed: 1, version: "test", config_digest: digest, started: "", finished: "" };
}

test("accountTasks: done, failed and missing units with the tasks to re-run", () => {
  const dir = mkdtempSync(join(tmpdir(), "sl-merge-"));
  try {
    const units = ["a", "b", "c", "d", "e"];
    const dg = configDigest({ x: 1 });
    writeTaskOutput(dir, manifest(0, 3, [{ id: "a", status: "done" }, { id: "b", status: "done" }], dg), { "rows.csv": "unit,v\na,1\nb,2\n" });
    writeTaskOutput(dir, manifest(1, 3, [{ id: "c", status: "failed", error: "GP fit failed" }, { id: "d", status: "done" }], dg), { "rows.csv": "unit,v\nd,4\n" });
    const r = accountTasks(dir, { units, nTasks: 3, configDigest: dg });
    assert.equal(r.expected, 5);
    assert.equal(r.done, 3);
    assert.deepEqual(r.failed, [{ unit: "c", task: 1, error: "GP fit failed" }]);
    assert.deepEqual(r.missing, [{ unit: "e", task: 2 }]);
    assert.deepEqual(r.tasksToRerun, [1, 2]);
    const merged = mergeCsv(dir, 3, "rows.csv", ["unit"]);
    assert.equal(merged.header, "unit,v");
    assert.deepEqual(merged.rows, ["a,1", "b,2", "d,4"]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("accountTasks flags a task written with another configuration", () => {
  const dir = mkdtempSync(join(tmpdir(), "sl-merge-"));
  try {
    writeTaskOutput(dir, manifest(0, 1, [{ id: "a", status: "done" }], "other"), {});
    const r = accountTasks(dir, { units: ["a"], nTasks: 1, configDigest: configDigest({}) });
    assert.equal(r.done, 0);
    assert.equal(r.inconsistent.length, 1);
    assert.deepEqual(r.tasksToRerun, [0]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("writeTaskOutput replaces a previous output of the same task atomically", () => {
  const dir = mkdtempSync(join(tmpdir(), "sl-merge-"));
  try {
    mkdirSync(join(dir, taskDirName(0)));
    writeFileSync(join(dir, taskDirName(0), "stale.csv"), "old");
    writeTaskOutput(dir, manifest(0, 1, [{ id: "a", status: "done" }], "d"), { "new.csv": "x\n" });
    assert.equal(readFileSync(join(dir, taskDirName(0), "new.csv"), "utf8"), "x\n");
    assert.throws(() => readFileSync(join(dir, taskDirName(0), "stale.csv")));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("sbatchArrayScript and submitScript carry the options and task substitution", () => {
  const s = sbatchArrayScript({ jobName: "scan15", nTasks: 8, command: "searchlight bump scan --task {task} --n-tasks {n_tasks}", logDir: "logs", partition: "milano", account: "hps:hps-prod", time: "02:00:00", mem: "4G", cpus: 2, maxConcurrent: 4 });
  for (const want of ["#SBATCH --array=0-7%4", "#SBATCH --partition=milano", "#SBATCH --account=hps:hps-prod", "#SBATCH --time=02:00:00", "#SBATCH --mem=4G", "#SBATCH --cpus-per-task=2", '--task "$TASK_ID" --n-tasks "$N_TASKS"']) {
    assert.ok(s.includes(want), `missing ${want}`);
  }
  assert.ok(submitScript("job.sbatch", "logs").includes('sbatch --parsable --array="$(IFS=,; echo "$*")" job.sbatch'));
});

test("accountTasks: a task whose manifest cannot be read (truncated JSON, or a folder in its place) counts as missing and is re-run, never as done", () => {
  const dir = mkdtempSync(join(tmpdir(), "sl-merge-"));
  try {
    const dg = configDigest({ x: 1 });
    writeTaskOutput(dir, manifest(0, 3, [{ id: "a", status: "done" }], dg), {});
    writeTaskOutput(dir, manifest(1, 3, [{ id: "b", status: "done" }], dg), {});
    writeTaskOutput(dir, manifest(2, 3, [{ id: "c", status: "done" }], dg), {});
    const p1 = join(dir, taskDirName(1), MANIFEST);
    writeFileSync(p1, readFileSync(p1, "utf8").slice(0, 20)); // truncated mid-write
    const p2 = join(dir, taskDirName(2), MANIFEST);
    rmSync(p2);
    mkdirSync(p2); // unreadable as a file
    const r = accountTasks(dir, { units: ["a", "b", "c"], nTasks: 3, configDigest: dg });
    assert.equal(r.done, 1);
    assert.deepEqual(r.missing, [{ unit: "b", task: 1 }, { unit: "c", task: 2 }]);
    assert.deepEqual(r.tasksToRerun, [1, 2]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
