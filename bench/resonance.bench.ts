// Resonance search on any spectrum (src/resonance), on a seeded synthetic dijet-like spectrum
// (not real data): a 100-mass scan of a 40-bin variable-width spectrum with the GP and with the
// dijet background (goal < 5 s), and the background-only toys of the global-significance
// calibration (each toy: a full 45-mass rescan, backgrounds refitted) timed on N toys and
// scaled to 10⁴ (goal < 2 min on 2 cores). RESONANCE_BENCH_TOYS=n sets N (default 20).
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
  const bgs: [string, SearchSpec["background"]][] = [["GP", { model: "gp" }], ["dijet (F-test order)", { model: "parametric", families: ["dijet"], npar: null, orderSelection: "ftest", sqrtS: 13000 }]];
  for (const [name, background] of bgs) {
    const spec: SearchSpec = { ...DEFAULT_SEARCH, signal: { kind: "gaussian" }, resolution: { kind: "relative", fraction: 0.03 }, background };
    const t0 = performance.now();
    const r = scanSpectrum("bench", syn.spectrum, masses, buildSearch(spec, syn.spectrum));
    const t = (performance.now() - t0) / 1000;
    rows.push({ case: "synthetic dijet spectrum, 40 variable bins", what: `100-mass scan, ${name} background, 1 thread`, ours: t, peer: null, note: `${r.filter((x) => x.status !== "ok").length} failed; goal < 5 s; load ${loadavg()[0].toFixed(1)}` });
  }
  const nToys = Number(process.env.RESONANCE_BENCH_TOYS ?? 20);
  for (const [name, background] of bgs) {
    const spec: SearchSpec = { ...DEFAULT_SEARCH, signal: { kind: "gaussian" }, resolution: { kind: "relative", fraction: 0.03 }, background };
    const t0 = performance.now();
    const cal = await calibrateGlobal(spec, syn.spectrum, Array.from(linspace(600, 2800, 45)), { nToys, seed: 1, executor: poolTaskExecutor(2) });
    const t = (performance.now() - t0) / 1000;
    rows.push({ case: "synthetic dijet spectrum, 40 variable bins", what: `global-significance toys (45-mass rescans), ${name}, 2 workers: ${nToys} toys, scaled to 10⁴`, ours: (t * 1e4) / nToys, peer: null, note: `${t.toFixed(1)} s for ${nToys}; ⟨N up-crossings⟩ = ${cal.meanUpcrossings.toFixed(2)}; goal < 120 s; load ${loadavg()[0].toFixed(1)}` });
  }
  return { title: "Resonance search on any spectrum (`npm run bench -- resonance`)", peerName: "none (the goals of issue #22)", rows };
}
