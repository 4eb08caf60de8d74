// Toys per second with the per-bin γ's profiled in closed form (src/histfactory/gammas.ts) and
// without (--no-analytic-gammas: every γ left to the optimiser), on 1 and 2 workers (2 = this
// thread + one worker thread, chunked dispatch: src/batch/pool.ts), plus the in-process
// asymptotic hypotest on the 328-parameter off-shell workspace. Same seed, so both settings
// run the same toys. The load average is recorded on every row: the machine is shared.
import { loadavg } from "node:os";
import { referenceCases, caseSpec } from "../test/histfactory/reference-cases.ts";
import { compileModel } from "../src/histfactory/model.ts";
import { hypotest } from "../src/infer/hypotest.ts";
import { toyHypotestOnPool } from "../src/batch/toys.ts";
import type { BenchRow, BenchSection } from "./types.ts";

const load = () => `load ${loadavg()[0].toFixed(1)}`;

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

const RUNS: [string, number, number[]][] = [
  ["simplemodels/uncorrelated_background_1bin", 2000, [1, 2]],
  ["atlas-susy-2018-31-sbottom/RegionA/sbottom_1300_205_60", 200, [1, 2]],
  ["atlas-susy-2019-09/bkg_offshell+synthetic", 30, [1, 2]],
];

export async function run(): Promise<BenchSection> {
  const rows: BenchRow[] = [];
  for (const [name, ntoys, workerList] of RUNS) {
    const c = referenceCases().find((x) => x.name === name);
    if (!c) continue;
    const spec = caseSpec(c);
    for (const analyticGammas of [false, true]) {
      const options = { measurement: c.measurement, modifierSettings: c.modifier_settings, analyticGammas };
      const m = compileModel(spec, options);
      const recipe = { module: new URL("../src/histfactory/model.ts", import.meta.url).href, factory: "modelFromRecipe", args: { spec, options } };
      const label = analyticGammas ? "closed-form γ's" : "--no-analytic-gammas";
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
  return {
    title: "Toys with closed-form per-bin γ's and the chunked pool (`npm run bench -- toys.bench`)",
    peerName: "Searchlight itself with --no-analytic-gammas (every γ left to the optimiser); on main before issue #19 (BENCHMARKS.md, inference section): 1-bin 6770 toys/s on 1 worker and 1576 on 2; off-shell 1.7 toys/s on 1 worker and 2.5 on 2",
    rows,
  };
}
