// Do the fast calibration procedures of the global significance (src/resonance/toys.ts) give
// the same toys as the full rescan? On seeded synthetic spectra (not real data), the SAME toys
// (same seed, same counts) are rescanned with "full-rescan" (buildSearch + scanSpectrum: GP
// hyperparameters and trend degree, or the parametric orders, refitted at every mass) and with
// the default fast procedure ("gp-frozen-hyperparameters" for the GP, "parametric-refit" for the
// dijet family), and the toy maximum local Z and the number of up-crossings of q0 = u0 compared:
// paired per toy, and as distributions (mean ± MC error, quantiles, tail fractions).
//
//   node --import tsx bench/resonance-toys-check.ts [toys] [workers] [gp|parametric|both] [events] [wiggle]
//
// wiggle a > 0: the observed spectrum is Poisson around the dijet function × (1 + a sin(2π ln(m/500)/0.6)),
// a structure no trend of degree ≤ 4 in ln m follows, so that the GP amplitude is active (on the
// smooth spectra it fits to its floor at every mass and the GP is its trend alone).
// Appends its tables to bench/resonance-toys-check.md and prints them.
import { appendFileSync, existsSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { poolTaskExecutor } from "../src/batch/pool.ts";
import { linspace } from "../src/math/stats.ts";
import { syntheticSpectrum } from "../src/resonance/example.ts";
import { Rng } from "../src/math/rng.ts";
import { spectrumOf } from "../src/resonance/spectrum.ts";
import { DEFAULT_SEARCH, type SearchSpec } from "../src/resonance/search.ts";
import { backgroundExpectation, calibrationProcedure, type CalibrationProcedure, type ToyOutcome, type ToyTaskArgs } from "../src/resonance/toys.ts";

const nToys = Number(process.argv[2] ?? 300);
const workers = Number(process.argv[3] ?? 2);
const which = process.argv[4] ?? "both";
const events = Number(process.argv[5] ?? 20000);
const out = new URL("./resonance-toys-check.md", import.meta.url);
const executor = poolTaskExecutor(workers);

const wiggle = Number(process.argv[6] ?? 0);
const syn = syntheticSpectrum({ lo: 500, hi: 3000, nBins: 40, events, shape: "dijet", sqrtS: 13000, p1: 10, p2: 5, seed: 1, fluctuate: wiggle === 0 });
if (wiggle !== 0) {
  const rng = new Rng(1), sp = syn.spectrum;
  syn.spectrum = spectrumOf(sp.edges, Array.from(syn.expectedBackground, (b, i) => rng.poisson(b * (1 + wiggle * Math.sin((2 * Math.PI * Math.log(sp.centres[i] / 500)) / 0.6)))));
}
const shapeName = wiggle ? `dijet × (1 + ${wiggle} sin(2π ln(m/500)/0.6))` : "dijet function";
const masses = Array.from(linspace(600, 2800, 45));
const bgs: [string, SearchSpec["background"]][] = [];
if (which !== "parametric") bgs.push(["GP", { model: "gp" }]);
if (which !== "gp") bgs.push(["dijet (F-test order)", { model: "parametric", families: ["dijet"], npar: null, orderSelection: "ftest", sqrtS: 13000 }]);

const meanSe = (v: number[]) => {
  const m = v.reduce((a, x) => a + x, 0) / v.length;
  const s2 = v.reduce((a, x) => a + (x - m) ** 2, 0) / Math.max(v.length - 1, 1);
  return [m, Math.sqrt(s2 / v.length)] as const;
};
const quantile = (v: number[], p: number) => {
  const s = [...v].sort((a, b) => a - b);
  const h = (s.length - 1) * p, lo = Math.floor(h);
  return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (h - lo);
};
/** Two-sample Kolmogorov–Smirnov distance. */
const ksDistance = (a: number[], b: number[]) => {
  const xs = [...new Set([...a, ...b])].sort((x, y) => x - y);
  const cdf = (v: number[], x: number) => v.filter((y) => y <= x).length / v.length;
  return xs.reduce((d, x) => Math.max(d, Math.abs(cdf(a, x) - cdf(b, x))), 0);
};
const f = (x: number, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : String(x));

async function runAll(args: ToyTaskArgs): Promise<{ toys: ToyOutcome[]; seconds: number }> {
  const t0 = performance.now();
  const toys = await executor.run<number, ToyOutcome>({ module: new URL("../src/resonance/toys.ts", import.meta.url).href, factory: "toyRunner", args }, [...Array(nToys).keys()]);
  return { toys, seconds: (performance.now() - t0) / 1000 };
}

const lines: string[] = [];
for (const [name, background] of bgs) {
  const spec: SearchSpec = { ...DEFAULT_SEARCH, signal: { kind: "gaussian" }, resolution: { kind: "relative", fraction: 0.03 }, background };
  const base: ToyTaskArgs = { spec, edges: Array.from(syn.spectrum.edges), expected: Array.from(backgroundExpectation(spec, syn.spectrum)), masses, seed: 1, u0: 1, counts: Array.from(syn.spectrum.counts) };
  const fastName: CalibrationProcedure = calibrationProcedure(spec, "fast");
  const full = await runAll({ ...base, procedure: "full-rescan" });
  const fast = await runAll({ ...base, procedure: fastName });
  const both = full.toys.map((t, k) => [t, fast.toys[k]] as const).filter(([a, b]) => Number.isFinite(a.maxZ) && Number.isFinite(b.maxZ));
  const zA = both.map(([a]) => a.maxZ), zB = both.map(([, b]) => b.maxZ);
  const uA = both.map(([a]) => a.upcrossings), uB = both.map(([, b]) => b.upcrossings);
  const dZ = both.map(([a, b]) => b.maxZ - a.maxZ), dU = both.map(([a, b]) => b.upcrossings - a.upcrossings);
  const sameMass = both.filter(([a, b]) => a.massAtMax === b.massAtMax).length;
  const [mzA, ezA] = meanSe(zA), [mzB, ezB] = meanSe(zB), [muA, euA] = meanSe(uA), [muB, euB] = meanSe(uB), [mdZ, edZ] = meanSe(dZ), [mdU, edU] = meanSe(dU);
  const tail = (v: number[], z: number) => v.filter((x) => x > z).length;
  const failed = (t: ToyOutcome[]) => `${t.filter((x) => !Number.isFinite(x.maxZ)).length} toys, ${t.reduce((a, x) => a + x.failed, 0)} points`;
  lines.push(
    `### ${name} background, ${shapeName}, ${events} events: full-rescan vs ${fastName} (${nToys} toys, seed 1, 45 masses 600–2800 GeV, u0 = 1)`, "",
    "| quantity | full-rescan | " + fastName + " | paired difference (fast − full) |", "|---|---|---|---|",
    `| mean toy max Z | ${f(mzA)} ± ${f(ezA)} | ${f(mzB)} ± ${f(ezB)} | ${f(mdZ, 4)} ± ${f(edZ, 4)} (max abs ${f(Math.max(...dZ.map(Math.abs)))}) |`,
    `| max Z quantiles 50 / 90 / 99% | ${f(quantile(zA, 0.5), 2)} / ${f(quantile(zA, 0.9), 2)} / ${f(quantile(zA, 0.99), 2)} | ${f(quantile(zB, 0.5), 2)} / ${f(quantile(zB, 0.9), 2)} / ${f(quantile(zB, 0.99), 2)} | KS distance ${f(ksDistance(zA, zB))} (5% critical ${f(1.36 * Math.sqrt(2 / both.length))} for independent samples) |`,
    `| toys with max Z > 2.5 / > 3 | ${tail(zA, 2.5)} / ${tail(zA, 3)} | ${tail(zB, 2.5)} / ${tail(zB, 3)} | |`,
    `| ⟨N up-crossings⟩ | ${f(muA)} ± ${f(euA)} | ${f(muB)} ± ${f(euB)} | ${f(mdU, 4)} ± ${f(edU, 4)} |`,
    `| toys with the maximum at the same mass | | | ${sameMass}/${both.length} |`,
    `| failed | ${failed(full.toys)} | ${failed(fast.toys)} | |`,
    `| wall time on ${workers} workers | ${f(full.seconds, 1)} s | ${f(fast.seconds, 1)} s | ${f(full.seconds / fast.seconds, 0)}× |`, "",
    `(${new Date().toISOString()}, load ${loadavg()[0].toFixed(1)})`, "",
  );
  process.stdout.write(lines.slice(-14).join("\n") + "\n");
}
if (!existsSync(out)) {
  writeFileSync(out, [
    "# Fast calibration procedures against the full rescan (bench/resonance-toys-check.ts; synthetic seeded spectra, not real data)", "",
    "The same background-only toys (seed 1; the bench spectrum of bench/resonance.bench.ts: dijet function, 40 variable bins",
    "500–3000 GeV, Gaussian signal σ/m = 3%, 45 masses) rescanned with the full procedure and with the default fast one.",
    "Paired differences are per toy (fast − full), their ± the standard error over toys.", "", "",
  ].join("\n"));
}
appendFileSync(out, lines.join("\n") + "\n");
process.exit(0);
