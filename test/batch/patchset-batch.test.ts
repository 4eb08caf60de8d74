// `searchlight batch` over the signal patches of a real ATLAS patchset (3L eRJR): the merged
// table equals one-by-one hypotests, a failed task is reported by id and recovered by re-run,
// and (when a SLURM cluster is up: SEARCHLIGHT_SLURM=1, as .ci/run arranges) the same through
// sbatch array tasks.
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { needsShared, sharedPath, HAVE_SHARED } from "../shared.ts";
import { loadWorkspaceInput } from "../../src/histfactory/load.ts";
import { compileModel } from "../../src/histfactory/model.ts";
import { hypotest } from "../../src/infer/hypotest.ts";
import { withFakeSlurm } from "./fake-slurm.ts";

const BIN = new URL("../../bin/searchlight.mjs", import.meta.url).pathname;
const run = (args: string[], env: Record<string, string> = {}) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", env: { ...process.env, ...env } });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

function readCsv(path: string): Record<string, string>[] {
  const [head, ...rows] = readFileSync(path, "utf8").trim().split("\n");
  const cols = head.split(",");
  // patch values are quoted ("[100,20]"): split outside quotes
  return rows.map((line) => {
    const cells = line.match(/("([^"]|"")*"|[^,]*)(,|$)/g)!.map((c) => c.replace(/,$/, "").replace(/^"|"$/g, ""));
    return Object.fromEntries(cols.map((c, i) => [c, cells[i]]));
  });
}

describe("batch over a patchset", needsShared(), () => {
  let dir = "";
  let ws = "", ps = "";
  const N_PATCHES = 12;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "sl-batch-"));
    ws = sharedPath("workspaces/atlas-susy-2018-06-3l-erjr/BkgOnly.json");
    // The first 12 patches of the real patchset, same metadata and digests.
    const full = JSON.parse(readFileSync(sharedPath("workspaces/atlas-susy-2018-06-3l-erjr/patchset.json"), "utf8"));
    full.patches = full.patches.slice(0, N_PATCHES);
    ps = join(dir, "patchset12.json");
    writeFileSync(ps, JSON.stringify(full));
  });
  after(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

  test("3 tasks on 2 workers merge to the same CLs as one-by-one hypotests", () => {
    const out = join(dir, "local");
    const r = run(["batch", "run", ws, "--patchset", ps, "--output", out, "--n-tasks", "3", "--workers", "2", "--json"]);
    assert.equal(r.code, 0, r.err);
    const report = JSON.parse(r.out);
    assert.deepEqual([report.expected, report.done, report.failed.length, report.missing.length], [N_PATCHES, N_PATCHES, 0, 0]);
    const rows = readCsv(join(out, "merged.csv"));
    assert.equal(rows.length, N_PATCHES);
    for (const row of rows.slice(0, 4)) {
      const input = loadWorkspaceInput({ workspace: ws, patchset: ps, patchName: row.patch });
      const h = hypotest(compileModel(input.spec), 1);
      assert.equal(Number(row.cls_obs), h.cls_obs, `${row.patch}`);
      assert.equal(Number(row.cls_exp_med), h.cls_exp[2], `${row.patch}`);
    }
  });

  test("a task that dies is reported by id, merge exits 1, re-run recovers it and the table is complete", () => {
    const out = join(dir, "failing");
    const r = run(["batch", "run", ws, "--patchset", ps, "--output", out, "--n-tasks", "4", "--workers", "1", "--task", "0"]);
    assert.equal(r.code, 0, r.err);
    for (const t of ["1", "2", "3"]) {
      const x = run(["batch", "run", ws, "--patchset", ps, "--output", out, "--n-tasks", "4", "--workers", "1", "--task", t], { SEARCHLIGHT_FAIL_TASKS: "2" });
      assert.equal(x.code, t === "2" ? 2 : 0, `task ${t}: ${x.err}`);
    }
    const m = run(["batch", "merge", out]);
    assert.equal(m.code, 1);
    assert.match(m.err, /INCOMPLETE MERGE: 3 missing, 0 failed; re-run tasks 2/);
    // A partial merge never writes merged.csv: merged.partial.csv lists the missing units.
    assert.ok(!existsSync(join(out, "merged.csv")));
    const partial = readCsv(join(out, "merged.partial.csv"));
    assert.equal(partial.filter((r) => r.status === "missing").length, 3);
    assert.equal(partial.length, N_PATCHES);
    const rr = run(["batch", "re-run", out, "--workers", "1"]);
    assert.equal(rr.code, 0, rr.err);
    assert.match(rr.out, /re-ran tasks 2/);
    const ok = run(["batch", "merge", out, "--json"]);
    assert.equal(ok.code, 0, ok.err);
    assert.equal(JSON.parse(ok.out).done, N_PATCHES);
    assert.equal(readCsv(join(out, "merged.csv")).length, N_PATCHES);
  });

  const slurm = process.env.SEARCHLIGHT_SLURM === "1";
  /** slurm-gen, submit with task 1 failing, merge reports it, re-run through sbatch, merge equals the local run. */
  const roundTrip = (out: string, beforeRerun: () => void = () => {}) => {
    const g = run(["batch", "slurm-gen", ws, "--patchset", ps, "--output", out, "--n-tasks", "4", "--time", "00:10:00", "--mem", "1G"]);
    assert.equal(g.code, 0, g.err);
    assert.ok(existsSync(join(out, "batch.sbatch")) && existsSync(join(out, "submit.sh")), "batch.sbatch and submit.sh written");
    const waitFor = (jobId: string) => {
      for (let i = 0; i < 600; i++) {
        const q = spawnSync("squeue", ["-h", "-j", jobId], { encoding: "utf8" });
        if (q.status === 0 && q.stdout.trim() === "") return;
        spawnSync("sleep", ["0.5"]);
      }
      assert.fail(`SLURM job ${jobId} did not finish`);
    };
    const sub = spawnSync("bash", [join(out, "submit.sh")], { encoding: "utf8", env: { ...process.env, SEARCHLIGHT_FAIL_TASKS: "1" } });
    assert.equal(sub.status, 0, sub.stderr);
    assert.match(sub.stdout.trim(), /^\d+$/, "sbatch --parsable prints the job id");
    waitFor(sub.stdout.trim());
    const m = run(["batch", "merge", out]);
    assert.equal(m.code, 1);
    assert.match(m.err, /re-run tasks 1\b/);
    beforeRerun();
    const rr = run(["batch", "re-run", out, "--slurm"]);
    assert.equal(rr.code, 0, rr.err);
    waitFor(/job (\d+)/.exec(rr.out)![1]);
    const ok = run(["batch", "merge", out, "--json"]);
    assert.equal(ok.code, 0, ok.err);
    const a = readCsv(join(out, "merged.csv")), b = readCsv(join(dir, "local", "merged.csv"));
    assert.deepEqual(a.map((r) => [r.patch, r.cls_obs, r.cls_exp_med]), b.map((r) => [r.patch, r.cls_obs, r.cls_exp_med]));
  };
  test("SLURM: slurm-gen array on the local cluster, a killed task re-run through sbatch, merged table equals the local run", { skip: slurm ? false : "no SLURM cluster (set SEARCHLIGHT_SLURM=1 after scripts/slurm/up.sh; .ci/run does)" }, () => {
    roundTrip(join(dir, "slurm"));
  });
  // The same submission paths without a cluster (issue #23): fake sbatch/squeue on PATH.
  test("fake sbatch on PATH: submit.sh submits the whole array, re-run --slurm submits only task 1 (--array=1), a refused submission is one line and exit 1", () => {
    const out = join(dir, "fake-slurm");
    const { log } = withFakeSlurm(() => roundTrip(out, () => {
      const bad = run(["batch", "re-run", out, "--slurm"], { FAKE_SBATCH_FAIL: "1" });
      assert.equal(bad.code, 1, bad.err);
      assert.equal(bad.err.trim().split("\n").length, 1, bad.err);
      assert.match(bad.err, /submit\.sh.*sbatch failed: sbatch: error: Batch job submission failed: fake refusal/);
    }));
    assert.equal(log.filter((l) => l.startsWith("sbatch")).length, 3, log.join("\n"));
    assert.match(log[0], /^sbatch --parsable \S*batch\.sbatch$/);
    assert.ok(log.includes("task 1 exited 2"), log.join("\n"));
    assert.match(log.filter((l) => l.startsWith("sbatch"))[1], /--array=1 /, "the refused re-run asked for task 1 only");
    assert.match(log.filter((l) => l.startsWith("sbatch"))[2], /--array=1 /, "the re-run asked for task 1 only");
  });
});
void HAVE_SHARED;
