// `searchlight bump slurm-gen|run-task|slurm-combine|re-run` on the real HPS 2015 spectrum:
// task outputs merged by slurm-combine are byte-identical to a single-process `bump scan`
// (and `bump bands`), a task that dies is reported by id (exit 1) and recovered by re-run, and
// (when a SLURM cluster is up: SEARCHLIGHT_SLURM=1, as .ci/run arranges) the full 2015 grid
// runs as 8 sbatch array tasks with the same result.
import { describe, test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { needsShared, sharedPath } from "../shared.ts";
import { withFakeSlurm } from "./fake-slurm.ts";
import { register as registerStudyGenerators, workflowMissing, tag } from "../../src/cli/bump/study-generators.ts";

const BIN = new URL("../../bin/searchlight.mjs", import.meta.url).pathname;
const run = (args: string[], env: Record<string, string> = {}) => {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", env: { ...process.env, ...env } });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
const csvRows = (p: string) => readFileSync(p, "utf8").trim().split("\n");
const col = (p: string, name: string) => {
  const [head, ...rows] = csvRows(p);
  const i = head.split(",").indexOf(name);
  return new Map(rows.map((r) => [r.split(",")[1], r.split(",")[i]]));
};

describe("bump scan as batch tasks (local)", needsShared(), () => {
  let dir = "";
  before(() => { dir = mkdtempSync(join(tmpdir(), "sl-bump-slurm-")); });
  after(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });
  const RANGE = ["--dataset", "2015", "--mass-min", "0.030", "--mass-max", "0.037"]; // 8 masses

  test("4 tasks via run-task merge byte-identically to `bump scan`; a dead task is reported, then recovered by re-run -m", () => {
    const ref = join(dir, "ref"), out = join(dir, "job");
    const s = run(["bump", "scan", ...RANGE, "--workers", "1", "--output-dir", ref]);
    assert.equal(s.code, 0, s.err);

    const g = run(["bump", "slurm-gen", ...RANGE, "-n", "4", "--output-dir", out, "--time", "00:10:00", "--memory", "1G", "--partition", "debug", "--account", "hps", "--qos", "normal"]);
    assert.equal(g.code, 0, g.err);
    const script = readFileSync(join(out, "submit.slurm"), "utf8");
    for (const l of ["#SBATCH --array=0-3", "#SBATCH --partition=debug", "#SBATCH --account=hps", "#SBATCH --qos=normal", "#SBATCH --time=00:10:00", "#SBATCH --mem=1G", "#SBATCH --cpus-per-task=1"]) assert.ok(script.includes(l), l);
    assert.match(script, /bump run-task --task-dir \S+ --task-id "\$TASK_ID" --workers 1/);
    assert.ok(existsSync(join(out, "submit_all.sh")));

    for (const t of ["0", "1", "3"]) assert.equal(run(["bump", "run-task", "--task-dir", out, "--task-id", t, "--quiet"]).code, 0);
    const dead = run(["bump", "run-task", "--task-dir", out, "--quiet"], { SLURM_ARRAY_TASK_ID: "2", SEARCHLIGHT_FAIL_TASKS: "2" });
    assert.equal(dead.code, 2);
    assert.ok(!existsSync(join(out, "task_0002")));

    const m = run(["bump", "slurm-combine", out, "--no-plots"]);
    assert.equal(m.code, 1);
    assert.match(m.err, /INCOMPLETE MERGE: 2 missing, 0 failed of 8 masses; re-run tasks 2 /);
    for (const mev of [34, 35]) assert.match(m.out, new RegExp(`missing 2015:m=${mev}MeV \\(task 2\\)`));

    // Partial merge: the look-elsewhere correction still uses the job's whole grid.
    const p = run(["bump", "slurm-combine", out, "--no-plots", "--allow-partial", "--json"]);
    assert.equal(p.code, 0, p.err);
    assert.match(p.err, /PARTIAL MERGE/);
    assert.deepEqual([JSON.parse(p.out).done, JSON.parse(p.out).missing.length], [6, 2]);
    const zRef = col(join(ref, "results_single.csv"), "Z_global"), zPart = col(join(out, "results_single.csv"), "Z_global");
    assert.equal(zPart.size, 6);
    for (const [mass, z] of zPart) assert.equal(z, zRef.get(mass), mass);

    assert.match(run(["bump", "re-run", out, "-m", "35", "--print"]).out, /^sbatch --parsable --array=2 \S+submit\.slurm$/m);
    const bad = run(["bump", "re-run", out, "-m", "99"]);
    assert.equal(bad.code, 1);
    assert.match(bad.err, /99 MeV is not a grid mass of this job \(30–37 MeV\)/);

    const rr = run(["bump", "re-run", out, "-m", "35", "--no-plots"]);
    assert.equal(rr.code, 0, rr.err);
    assert.match(rr.out, /re-ran tasks 2\b/);
    assert.match(rr.out, /units expected 8, done 8, failed 0, missing 0/);
    const want = readFileSync(join(ref, "results_single.csv"), "utf8");
    assert.equal(readFileSync(join(out, "results_single.csv"), "utf8"), want);
    assert.equal(readFileSync(join(out, "combined_single.csv"), "utf8"), want);

    // Another job into the same folder is refused (its task outputs would not belong to it).
    const clash = run(["bump", "slurm-gen", ...RANGE, "-n", "3", "--output-dir", out]);
    assert.equal(clash.code, 1);
    assert.match(clash.err, /already holds a different job/);
  });

  // The submission paths without a cluster (issue #23): fake sbatch/squeue on PATH (fake-slurm.ts).
  test("fake sbatch on PATH: submit_all.sh runs the array (task 1 dies), re-run --submit asks for --array=1 only, a refused submission is one line and exit 1; the merge equals `bump scan`", () => {
    const ref = join(dir, "ref"), out = join(dir, "fake-job");
    const g = run(["bump", "slurm-gen", ...RANGE, "-n", "2", "--output-dir", out]);
    assert.equal(g.code, 0, g.err);
    const { log } = withFakeSlurm(() => {
      const sub = spawnSync("bash", [join(out, "submit_all.sh")], { encoding: "utf8", env: { ...process.env, SEARCHLIGHT_FAIL_TASKS: "1" } });
      assert.equal(sub.status, 0, sub.stderr);
      assert.equal(sub.stdout.trim(), "4242", "the job id sbatch --parsable printed");
      const m = run(["bump", "slurm-combine", out, "--no-plots"]);
      assert.equal(m.code, 1, m.err);
      assert.match(m.err, /INCOMPLETE MERGE: 4 missing, 0 failed of 8 masses; re-run tasks 1 /);
      const bad = run(["bump", "re-run", out, "--submit"], { FAKE_SBATCH_FAIL: "1" });
      assert.equal(bad.code, 1, bad.err);
      assert.equal(bad.err.trim().split("\n").length, 1, bad.err);
      assert.match(bad.err, /submit\.slurm.*sbatch.*submission failed: sbatch: error: Batch job submission failed: fake refusal/);
      const rr = run(["bump", "re-run", out, "--submit"]);
      assert.equal(rr.code, 0, rr.err);
      assert.match(rr.out, /submitted tasks 1 as job 4242/);
      const ok = run(["bump", "slurm-combine", out, "--no-plots", "--json"]);
      assert.equal(ok.code, 0, ok.err);
      assert.equal(JSON.parse(ok.out).done, 8);
    });
    const calls = log.filter((l) => l.startsWith("sbatch"));
    assert.equal(calls.length, 3, log.join("\n"));
    assert.match(calls[0], /^sbatch --parsable \S*submit\.slurm$/);
    assert.ok(log.includes("task 1 exited 2"), log.join("\n"));
    for (const c of calls.slice(1)) assert.match(c, /--array=1 /, c);
    assert.equal(readFileSync(join(out, "results_single.csv"), "utf8"), readFileSync(join(ref, "results_single.csv"), "utf8"));
  });

  test("a two-dataset config with do_combined: (dataset, mass) tasks merge byte-identically to `bump scan --config`, combination included; a lost task is recovered by re-run -m", () => {
    const cfg = join(dir, "two.yaml");
    writeFileSync(cfg, [`path_2015: ${sharedPath("hps/funcform_2015_toys.root")}`, `path_2016: ${sharedPath("hps/funcform_2016_toys.root")}`, "hist_2015: input_hist", "hist_2016: input_hist",
      "enable_2015: true", "enable_2016: true", "enable_2021: false", "do_combined: true", "neighborhood_rebin: 10", "n_restarts: 0", "make_ul_bands: false", "save_plots: false",
      "save_per_mass_folders: false", "output_dir: two-ref", ""].join("\n"));
    const R = ["--mass-min", "0.034", "--mass-max", "0.038"]; // 5 masses of 2015, 4 of 2016 (from 35 MeV)
    const s = run(["bump", "scan", "--config", cfg, ...R, "--workers", "1"]);
    assert.equal(s.code, 0, s.err);
    const out = join(dir, "two-job");
    const g = run(["bump", "slurm-gen", "--config", cfg, ...R, "-n", "3", "--output-dir", out]);
    assert.equal(g.code, 0, g.err);
    assert.match(g.out, /^2015\+2016 \(and their combination\): 9 \(dataset, mass\) points/m);
    for (const t of ["0", "2"]) assert.equal(run(["bump", "run-task", "--task-dir", out, "--task-id", t, "--quiet"]).code, 0);
    const m = run(["bump", "slurm-combine", out, "--no-plots"]);
    assert.equal(m.code, 1);
    assert.match(m.err, /INCOMPLETE MERGE: 3 missing, 0 failed of 9 masses; re-run tasks 1 /);
    const rr = run(["bump", "re-run", out, "-m", "36", "--no-plots"]);
    assert.equal(rr.code, 0, rr.err);
    assert.match(rr.out, /units expected 9, done 9, failed 0, missing 0/);
    const ref = join(dir, "two-ref");
    for (const f of ["results_single.csv", "results_combined.csv", "combined.csv"]) assert.equal(readFileSync(join(out, f), "utf8"), readFileSync(join(ref, f), "utf8"), f);
    assert.equal(csvRows(join(out, "results_combined.csv")).length, 1 + 4);
    writeFileSync(join(dir, "nocomb.yaml"), readFileSync(cfg, "utf8").replace("do_combined: true", "do_combined: false"));
    const refused = run(["bump", "slurm-gen", "--config", join(dir, "nocomb.yaml"), ...R, "-n", "2", "--output-dir", join(dir, "x")]);
    assert.equal(refused.code, 1);
    assert.match(refused.err, /do_combined: several datasets are enabled but do_combined is false/);
  });

  test("bands per task (--bands-toys) merge byte-identically to `bump bands`", () => {
    const r4 = ["--dataset", "2015", "--mass-min", "0.050", "--mass-max", "0.051"];
    const ref = join(dir, "bands-ref"), out = join(dir, "bands-job");
    assert.equal(run(["bump", "bands", ...r4, "--toys", "5", "--seed", "7", "--workers", "1", "--output-dir", ref]).code, 0);
    assert.equal(run(["bump", "slurm-gen", ...r4, "-n", "2", "--bands-toys", "5", "--seed", "7", "--output-dir", out]).code, 0);
    for (const t of ["1", "0"]) assert.equal(run(["bump", "run-task", "--task-dir", out, "--task-id", t, "--quiet"]).code, 0);
    const m = run(["bump", "slurm-combine", out, "--no-plots", "--prefix", "merged"]);
    assert.equal(m.code, 0, m.err);
    const want = readFileSync(join(ref, "ul_bands_2015.csv"), "utf8");
    assert.equal(readFileSync(join(out, "ul_bands_2015.csv"), "utf8"), want);
    assert.equal(readFileSync(join(out, "merged_ul_bands_2015.csv"), "utf8"), want);
  });

  test("study generators: exit 1 naming the missing workflow, or write the scripts when the verb exists", async () => {
    const g = run(["bump", "slurm-gen-inject", "--datasets", "2015", "--masses", "0.03", "--strengths", "1,2", "--output-dir", join(dir, "inj")]);
    if (g.code === 1) {
      assert.match(g.err, /workflow "inject" is not implemented yet/);
      assert.ok(!existsSync(join(dir, "inj", "submit_injection.slurm")));
    } else assert.equal(g.code, 0, g.err);

    // With a stand-in `bump inject` that has the options, the generator writes one array task
    // per (dataset, mass, strength) inside the dataset ranges.
    const program = new Command("searchlight").exitOverride();
    const bump = program.command("bump");
    registerStudyGenerators(bump);
    assert.match(workflowMissing(bump, "inject", ["--masses"]) ?? "", /not implemented yet/);
    bump.command("inject").option("--dataset <d>").option("--masses <m>").option("--strengths <s>").option("--n-toys <n>").option("--output-dir <d>");
    assert.equal(workflowMissing(bump, "inject", ["--masses", "--n-toys"]), null);
    const out = join(dir, "inj2");
    const w = process.stdout.write;
    process.stdout.write = (() => true) as typeof process.stdout.write;
    try {
      await program.parseAsync(["bump", "slurm-gen-inject", "--datasets", "2015,2016", "--masses", "0.02,0.05,0.15", "--strengths", "1,3", "--n-toys", "100", "--output-dir", out], { from: "user" });
    } finally { process.stdout.write = w; }
    const s = readFileSync(join(out, "submit_injection.slurm"), "utf8");
    // 2015 covers 20–130 MeV (0.02, 0.05), 2016 covers 35–… (0.05, 0.15?): count the units.
    const n = Number(/#SBATCH --array=0-(\d+)/.exec(s)![1]) + 1;
    assert.ok(n >= 4 && n <= 12, `array size ${n}`);
    assert.match(s, /injection_jobs\/2015\/m_0p02\/s_1/);
    assert.match(s, /bump inject" "\$@"|bump inject "\$@"/);
    assert.ok(existsSync(join(out, "submit_injection_all.sh")));
    assert.equal(tag(0.0205), "0p0205");
  });
});

const slurm = process.env.SEARCHLIGHT_SLURM === "1";
describe("bump scan on the local SLURM cluster", needsShared(), () => {
  test("SLURM: full 2015 grid (20–130 MeV, 111 masses) in 8 array tasks equals the single-process scan; a dead task is reported and re-run through sbatch",
    { skip: slurm ? false : "no SLURM cluster (set SEARCHLIGHT_SLURM=1 after scripts/slurm/up.sh; .ci/run does)", timeout: 15 * 60_000 }, (t) => {
      const dir = mkdtempSync(join(tmpdir(), "sl-bump-sbatch-"));
      try {
        const ref = join(dir, "ref"), out = join(dir, "job");
        let t0 = performance.now();
        const s = run(["bump", "scan", "--dataset", "2015", "--output-dir", ref]);
        assert.equal(s.code, 0, s.err);
        const tScan = (performance.now() - t0) / 1000;

        const g = run(["bump", "slurm-gen", "--dataset", "2015", "-n", "8", "--output-dir", out, "--time", "00:20:00", "--memory", "1G", "--cpus-per-task", "1"]);
        assert.equal(g.code, 0, g.err);
        const waitFor = (jobId: string) => {
          for (let i = 0; i < 1800; i++) {
            const q = spawnSync("squeue", ["-h", "-j", jobId], { encoding: "utf8" });
            if (q.status === 0 && q.stdout.trim() === "") return;
            spawnSync("sleep", ["0.5"]);
          }
          assert.fail(`SLURM job ${jobId} did not finish`);
        };
        t0 = performance.now();
        const sub = spawnSync("bash", [join(out, "submit_all.sh")], { encoding: "utf8", env: { ...process.env, SEARCHLIGHT_FAIL_TASKS: "5" } });
        assert.equal(sub.status, 0, sub.stderr);
        waitFor(sub.stdout.trim());
        const tArray = (performance.now() - t0) / 1000;

        const m = run(["bump", "slurm-combine", out, "--no-plots"]);
        assert.equal(m.code, 1, m.out);
        assert.match(m.err, /INCOMPLETE MERGE: 14 missing, 0 failed of 111 masses; re-run tasks 5 /);
        t0 = performance.now();
        const rr = run(["bump", "re-run", out, "--submit"]);
        assert.equal(rr.code, 0, rr.err);
        assert.match(rr.out, /submitted tasks 5 as job (\d+)/);
        waitFor(/job (\d+)/.exec(rr.out)![1]);
        const tRerun = (performance.now() - t0) / 1000;

        const ok = run(["bump", "slurm-combine", out, "--json"]);
        assert.equal(ok.code, 0, ok.err);
        assert.equal(JSON.parse(ok.out).done, 111);
        assert.equal(readFileSync(join(out, "results_single.csv"), "utf8"), readFileSync(join(ref, "results_single.csv"), "utf8"));
        t.diagnostic(`single-process scan ${tScan.toFixed(1)} s; 8-task sbatch array (one task failed on purpose) ${tArray.toFixed(1)} s; re-run of task 5 through sbatch ${tRerun.toFixed(1)} s`);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
});
