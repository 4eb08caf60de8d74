// Resonance search on any spectrum (src/resonance), on a seeded synthetic dijet-like spectrum
// (not real data): a 100-mass scan of a 40-bin variable-width spectrum with the GP and with the
// dijet background (goal < 5 s), and the background-only toys of the global-significance
// calibration (45-mass rescans; goal: 10⁴ toys < 2 min on 2 cores): the real 10⁴-toy run with
// the default procedure (toys.ts: "gp-frozen-hyperparameters" for the GP, "parametric-refit" for
// the dijet family), and, comparable with the first rows of this bench, the "full-rescan"
// procedure (backgrounds and GP hyperparameters refitted per mass, limits computed) timed on 20
// toys and scaled to 10⁴. RESONANCE_BENCH_TOYS=n and RESONANCE_BENCH_FULL_TOYS=n set the numbers.
import { loadavg } from "node:os";
import { poolTaskExecutor } from "../src/batch/pool.ts";
import { linspace } from "../src/math/stats.ts";
import { syntheticSpectrum } from "../src/resonance/example.ts";
import { buildSearch, DEFAULT_SEARCH, scanSpectrum, type SearchSpec } from "../src/resonance/search.ts";
import { calibrateGlobal } from "../src/resonance/toys.ts";
import type { BenchRow, BenchSection } from "./types.ts";

export async function run(): Promise<BenchSection> {
  const rows: BenchRow[] = [];
  const syn = syntheticSpectrum({ lo: 500, hi: 3000, nBins: 40, events: 20000, shape: "dijet", sqrtS: 13000, p1: 10, p2: 5, seed: 1 });
  const masses = Array.from(linspace(600, 2800, 100));
  const bgs: [string, SearchSpec["background"]][] = [["GP", { model: "gp" }], ["dijet (F-test order per mass)", { model: "parametric", families: ["dijet"], npar: null, orderSelection: "ftest", sqrtS: 13000 }]];
  for (const [name, background] of bgs) {
    const spec: SearchSpec = { ...DEFAULT_SEARCH, signal: { kind: "gaussian" }, resolution: { kind: "relative", fraction: 0.03 }, background };
    const t0 = performance.now();
    const r = scanSpectrum("bench", syn.spectrum, masses, buildSearch(spec, syn.spectrum));
    const t = (performance.now() - t0) / 1000;
    rows.push({ case: "synthetic dijet spectrum, 40 variable bins", what: `100-mass scan, ${name} background, 1 thread`, ours: t, peer: null, note: `${r.filter((x) => x.status !== "ok").length} failed; goal < 5 s; load ${loadavg()[0].toFixed(1)}` });
  }
  const nToys = Number(process.env.RESONANCE_BENCH_TOYS ?? 1e4), nFull = Number(process.env.RESONANCE_BENCH_FULL_TOYS ?? 20);
  const executor = poolTaskExecutor(2);
  for (const [name, background] of bgs) {
    const spec: SearchSpec = { ...DEFAULT_SEARCH, signal: { kind: "gaussian" }, resolution: { kind: "relative", fraction: 0.03 }, background };
    for (const [procedure, n] of [["full", nFull], ["auto", nToys]] as const) {
      if (!(n > 0)) continue;
      const load0 = loadavg()[0], c0 = process.cpuUsage(), t0 = performance.now();
      const cal = await calibrateGlobal(spec, syn.spectrum, Array.from(linspace(600, 2800, 45)), { nToys: n, seed: 1, executor, procedure });
      const t = (performance.now() - t0) / 1000, cpu = (process.cpuUsage(c0).user + process.cpuUsage(c0).system) / 1e6;
      const what = n === 1e4 ? `10⁴ toys` : `${n} toys, scaled to 10⁴`;
      rows.push({
        case: "synthetic dijet spectrum, 40 variable bins", what: `global-significance toys (45-mass rescans), ${name}, ${cal.procedure}, 2 workers: ${what}`, ours: (t * 1e4) / n, peer: null,
        note: `${t.toFixed(1)} s wall, ${cpu.toFixed(0)} CPU-s (all threads) for ${n}; ⟨N up-crossings⟩ = ${cal.meanUpcrossings.toFixed(3)}; failed ${cal.failedToys} toys, ${cal.failedPoints} points; goal < 120 s; load ${load0.toFixed(1)} → ${loadavg()[0].toFixed(1)}`,
      });
    }
  }
  return { title: "Resonance search on any spectrum (`npm run bench -- resonance`)", peerName: "none (the goals of issue #22)", rows };
}
