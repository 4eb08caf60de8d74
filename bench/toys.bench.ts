// Toys per second with the per-bin γ's profiled in closed form (src/histfactory/gammas.ts) and
// without (--no-analytic-gammas: every γ left to the optimiser), on 1 and 2 workers (2 = this
// thread + one worker thread, chunked dispatch: src/batch/pool.ts), plus the in-process
// asymptotic hypotest on the 328-parameter off-shell workspace. Same seed, so both settings
// run the same toys. Then the pool itself (#19 item 3) on the 1-bin model: a worker's start-up,
// warm throughput (pool kept, runs after a warm-up run) and the whole CLI command (cold: process,
// model, worker start-up) with 10⁵ toys on 1 and 2 workers; and the toy-based upper limit (#19
// item 5) on sbottom RegionA through the CLI. The load average is recorded on every row: the
// machine is shared.
import { loadavg } from "node:os";
import { performance } from "node:perf_hooks";
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { referenceCases, caseSpec } from "../test/histfactory/reference-cases.ts";
import { compileModel } from "../src/histfactory/model.ts";
import { hypotest } from "../src/infer/hypotest.ts";
import { toyHypotestOnPool, toyPool, poolExecutor } from "../src/batch/toys.ts";
import { toyHypotest } from "../src/infer/toys.ts";
import type { BenchRow, BenchSection } from "./types.ts";

const load = () => `load ${loadavg()[0].toFixed(1)}`;
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const SHARED = fileURLToPath(new URL("../../shared/", import.meta.url));
const ONE_BIN = `${SHARED}workspaces/simplemodels/uncorrelated_background_1bin.json`;
const REGION_A = `${SHARED}workspaces/atlas-susy-2018-31-sbottom/RegionA`;

/** Run the compiled CLI (dist/, as users do); wall seconds, CPU seconds of the process (all threads) and stdout. */
function cli(args: string[]): { s: number; cpu: number; out: string } {
  const r = spawnSync("bash", ["-c", `TIMEFORMAT='%3R %3U %3S'; { time node bin/searchlight.mjs ${args.map((a) => `'${a}'`).join(" ")} >"$OUT" 2>/dev/null; } 2>&1; cat "$OUT" >&2`], {
    cwd: ROOT, encoding: "utf8", env: { ...process.env, OUT: `/tmp/toys-bench-${process.pid}.out` }, maxBuffer: 1 << 26,
  });
  const [real, user, sys] = r.stdout.trim().split(/\s+/).map(Number);
  if (r.status !== 0 || !Number.isFinite(real)) throw new Error(`searchlight ${args.join(" ")} failed: ${r.stderr}`);
  return { s: real, cpu: user + sys, out: r.stderr };
}

/** CPU seconds of each thread of this process (Linux /proc), by thread id. */
function threadCpu(): Map<string, number> {
  const out = new Map<string, number>();
  for (const t of readdirSync("/proc/self/task")) {
    try {
      const st = readFileSync(`/proc/self/task/${t}/stat`, "utf8");
      const f = st.slice(st.lastIndexOf(")") + 2).split(" ");
      out.set(t, (Number(f[11]) + Number(f[12])) / 100); // utime + stime in clock ticks (USER_HZ = 100)
    } catch {
      // the thread ended
    }
  }
  return out;
}

/** The pool rows of #19 item 3 on the 1-bin model (closed-form γ's). */
async function poolRows(rows: BenchRow[]): Promise<void> {
  const name = "simplemodels/uncorrelated_background_1bin";
  const c = referenceCases().find((x) => x.name === name);
  if (!c) return;
  const spec = caseSpec(c);
  const options = { measurement: c.measurement, modifierSettings: c.modifier_settings };
  const m = compileModel(spec, options);
  // Start-up of one worker thread from the compiled package: spawn, imports, model, first toy.
  const dist = (f: string) => new URL(`../dist/${f}`, import.meta.url).href;
  const { WorkerPool } = await import(dist("batch/pool.js"));
  const distRecipe = { module: dist("batch/toy-worker.js"), factory: "toyRunner", args: { likelihood: { module: dist("histfactory/model.js"), factory: "modelFromRecipe", args: { spec, options } } } };
  const starts: number[] = [];
  for (let i = 0; i < 5; i++) {
    const pool = new WorkerPool(distRecipe, 1, true);
    const t0 = performance.now();
    await pool.run([{ pars: [1, 1], mu: 1, testStat: "qtilde", seed: 0, parity: 0, start: 0, end: 1 }]);
    starts.push((performance.now() - t0) / 1000);
    await pool.close();
  }
  starts.sort((a, b) => a - b);
  rows.push({ case: name, what: "start-up of one worker thread (compiled package): spawn, imports, model compiled from its recipe, first toy", ours: starts[2], peer: null, note: `median of 5 (${starts.map((x) => (1000 * x).toFixed(0)).join(", ")} ms); ${load()}` });
  // Warm: one pool per worker count, a warm-up run, then N s+b + N b toys.
  const N = 50000;
  const recipe = { module: new URL("../src/histfactory/model.ts", import.meta.url).href, factory: "modelFromRecipe", args: { spec, options } };
  const warm: Record<number, number> = {};
  for (const workers of [1, 2]) {
    const pool = toyPool(recipe, workers);
    const executor = poolExecutor(pool, { progress: false });
    await toyHypotest(m, 1, { ntoys: 2000, seed: 2, executor });
    // Event-loop utilisation of this thread and the worker threads during the run: how busy the
    // pool keeps them (wall-clock shares: meaningful under load, unlike the speed-up).
    const e0 = performance.eventLoopUtilization(), w0 = pool.eventLoopUtilization();
    const tc0 = threadCpu();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const r = await toyHypotest(m, 1, { ntoys: N, seed: 1, executor });
    const s = (performance.now() - t0) / 1000;
    const cu = process.cpuUsage(c0);
    const busy = [performance.eventLoopUtilization(e0), ...pool.eventLoopUtilization(w0)].map((u) => `${(100 * u.utilization).toFixed(0)}%`);
    // CPU of the threads that did the toys (≥ 0.1 s each: this thread and the worker), apart from V8's helpers
    const tc = [...threadCpu()].map(([t, v]) => v - (tc0.get(t) ?? 0)).filter((v) => v >= 0.1).sort((a, b) => b - a);
    await pool.close();
    warm[workers] = s;
    rows.push({
      case: name, what: `toy hypotest μ = 1, ${N} s+b + ${N} b toys, ${workers} worker${workers > 1 ? "s" : ""}, warm pool (after a 2000-toy run)`, ours: s, peer: (2 * N) / 29.6,
      note: `${((2 * N) / s).toFixed(0)} toys/s${workers > 1 ? ` = ${(warm[1] / s).toFixed(2)}× 1 worker; threads busy ${busy.join(" (this) / ")} (worker) of the run` : ""}; CPU of the toy threads ${tc.map((v) => v.toFixed(2)).join(" + ")} s, of the process ${((cu.user + cu.system) / 1e6).toFixed(2)} s; CLs ${r.cls_obs.toFixed(4)}; ${load()}`,
    });
  }
  // Cold: the whole CLI command.
  const cold: Record<number, number> = {};
  for (const workers of [1, 2]) {
    const r = cli(["cls", ONE_BIN, "--calculator", "toys", "--ntoys", String(N), "--seed", "1", "--workers", String(workers), "--json"]);
    cold[workers] = r.s;
    const j = JSON.parse(r.out) as { cls_obs: number };
    rows.push({
      case: name, what: `\`searchlight cls --calculator toys --ntoys ${N} --workers ${workers}\` (whole command, cold: process, model, worker start-up)`, ours: r.s, peer: (2 * N) / 29.6,
      note: `${((2 * N) / r.s).toFixed(0)} toys/s${workers > 1 ? ` = ${(cold[1] / r.s).toFixed(2)}× 1 worker` : ""}; CPU ${r.cpu.toFixed(2)} s; CLs ${j.cls_obs.toFixed(4)}; ${load()}`,
    });
  }
}

/** The toy-based upper limit of #19 item 5 on sbottom RegionA through the CLI (2 workers). */
function toyLimitRows(rows: BenchRow[]): void {
  const c = referenceCases().find((x) => x.name === "atlas-susy-2018-31-sbottom/RegionA/sbottom_1300_205_60");
  if (!c) return;
  const args = ["upper-limit", `${REGION_A}/BkgOnly.json`, "--patch", `${REGION_A}/patch.sbottom_1300_205_60.json`, "--json"];
  const asym = JSON.parse(cli(args).out) as { obs: number; exp: number[] };
  const before = load();
  const r = cli([...args, "--calculator", "toys", "--ntoys", "10000", "--seed", "1", "--workers", "2"]);
  const j = JSON.parse(r.out) as { obs: number; exp: number[]; obs_mc_error: number; exp_mc_error: number[]; toys_run: number; scan: { mu: number; ntoys: number }[]; failed_toys: number };
  const f = (x: number) => x.toFixed(3);
  const pulls = [j.obs, ...j.exp].map((x, k) => (x - [asym.obs, ...asym.exp][k]) / [j.obs_mc_error, ...j.exp_mc_error][k]);
  rows.push({
    case: c.name, what: "`searchlight upper-limit --calculator toys --ntoys 10000 --workers 2` (≤ 10⁴ toys per μ point and hypothesis, obs + band; whole command)", ours: r.s, peer: null,
    note: `goal < 120 s; obs ${f(j.obs)} ± ${f(j.obs_mc_error)} (asymptotic ${f(asym.obs)}), expected ${j.exp.map((x, k) => `${f(x)} ± ${f(j.exp_mc_error[k])}`).join(", ")} (asymptotic ${asym.exp.map(f).join(", ")}); (toy − asymptotic)/σ_MC ${pulls.map((x) => x.toFixed(1)).join(", ")}; ` +
      `toys per point ${j.scan.map((p) => `${p.mu.toFixed(2)}:${p.ntoys}`).join(" ")} (${j.toys_run} in all), ${j.failed_toys} failed; CPU ${r.cpu.toFixed(0)} s; ${before} → ${load()}`,
  });
}

/** Median of `n` timed calls after one warm-up call (seconds). */
async function median(fn: () => unknown, n: number): Promise<number> {
  await fn();
  const ts: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    ts.push((performance.now() - t0) / 1000);
  }
  ts.sort((a, b) => a - b);
  return ts[Math.floor(ts.length / 2)];
}

// Toys per hypothesis without / with closed-form γ's: enough that the pool's start-up (workers
// import the TypeScript sources here) is a small part of the run, except for the slow
// --no-analytic-gammas off-shell rows, kept short.
const RUNS: [string, number, number, number[]][] = [
  ["simplemodels/uncorrelated_background_1bin", 20000, 20000, [1, 2]],
  ["atlas-susy-2018-31-sbottom/RegionA/sbottom_1300_205_60", 1000, 2000, [1, 2]],
  ["atlas-susy-2019-09/bkg_offshell+synthetic", 30, 200, [1, 2]],
];

/** The whole `searchlight cls --calculator toys` command from dist/ (cold: process, model, workers). */
const CLI_RUNS: [string, string[], number][] = [
  ["atlas-susy-2018-31-sbottom/RegionA/sbottom_1300_205_60", [`${REGION_A}/BkgOnly.json`, "--patch", `${REGION_A}/patch.sbottom_1300_205_60.json`], 2000],
  ["atlas-susy-2019-09/bkg_offshell+synthetic", [`${SHARED}workspaces/atlas-susy-2019-09-smodels/bkg_offshell.json`, "--patch", `${SHARED}workspaces/atlas-susy-2019-09-smodels/bkg_offshell.synthetic_signal_patchset.json`], 200],
];

function cliToyRows(rows: BenchRow[]): void {
  for (const [name, ws, ntoys] of CLI_RUNS) {
    const per: number[] = [];
    for (const workers of [1, 2]) {
      const r = cli(["cls", ...ws, "--calculator", "toys", "--ntoys", String(ntoys), "--workers", String(workers), "--seed", "1", "--json"]);
      const rate = (2 * ntoys) / r.s;
      per.push(rate);
      const j = JSON.parse(r.out) as { cls_obs: number; failed_toys: number };
      rows.push({
        case: name, what: `\`searchlight cls --calculator toys --ntoys ${ntoys} --workers ${workers}\` (whole command from dist/, closed-form γ's)`, ours: r.s, peer: null,
        note: `${rate.toFixed(1)} toys/s${workers > 1 ? ` = ${(rate / per[0]).toFixed(2)}× 1 worker` : ""}; CPU ${r.cpu.toFixed(2)} s; CLs ${j.cls_obs.toFixed(4)}, ${j.failed_toys} failed; ${load()}`,
      });
    }
  }
}

export async function run(): Promise<BenchSection> {
  const rows: BenchRow[] = [];
  for (const [name, ntoysNoAnalytic, ntoysAnalytic, workerList] of RUNS) {
    const c = referenceCases().find((x) => x.name === name);
    if (!c) continue;
    const spec = caseSpec(c);
    for (const analyticGammas of [false, true]) {
      const options = { measurement: c.measurement, modifierSettings: c.modifier_settings, analyticGammas };
      const m = compileModel(spec, options);
      const recipe = { module: new URL("../src/histfactory/model.ts", import.meta.url).href, factory: "modelFromRecipe", args: { spec, options } };
      const label = analyticGammas ? "closed-form γ's" : "--no-analytic-gammas";
      const ntoys = analyticGammas ? ntoysAnalytic : ntoysNoAnalytic;
      for (const workers of workerList) {
        const t0 = performance.now();
        const r = await toyHypotestOnPool(m, recipe, 1, { ntoys, seed: 1, workers, progress: false });
        const s = (performance.now() - t0) / 1000;
        rows.push({
          case: name, what: `toy hypotest μ = 1, ${ntoys} s+b + ${ntoys} b toys, ${workers} worker${workers > 1 ? "s" : ""}, ${label}`, ours: s, peer: null,
          note: `${((2 * ntoys) / s).toFixed(1)} toys/s (cold pool: includes worker start-up); CLs ${r.cls_obs.toFixed(4)}, ${r.failed_sb + r.failed_b} failed; ${load()}`,
        });
      }
      if (name.includes("offshell")) {
        const t = await median(() => hypotest(m, 1), 3);
        rows.push({ case: name, what: `asymptotic hypotest q̃ at μ = 1 (obs + expected), in process, ${label}`, ours: t, peer: null, note: `${m.parameters.length} parameters; median of 3; ${load()}` });
      }
    }
  }
  cliToyRows(rows);
  await poolRows(rows);
  toyLimitRows(rows);
  return {
    title: "Toys with closed-form per-bin γ's and the chunked pool (`npm run bench -- toys.bench`)",
    peerName: "Searchlight itself with --no-analytic-gammas (every γ left to the optimiser); on main before issue #19 (BENCHMARKS.md, inference section): 1-bin 6770 toys/s on 1 worker and 1576 on 2; off-shell 1.7 toys/s on 1 worker and 2.5 on 2. " +
      "Pool and 10⁵-toy rows: pyhf's ToyCalculator (../shared/reference timings_s.hypotest_toys, 1-bin: 2000 + 2000 toys in 135 s = 29.6 toys/s), scaled to the same toy count. Toy upper limit: none (pyhf has no toy-based limit timing in ../shared/reference; its asymptotic upper_limit on RegionA took 621 s)",
    rows,
  };
}
