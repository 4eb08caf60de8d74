// Calibration study of the general resonance search (issue #22 acceptance), on seeded synthetic
// spectra (not real data): background-only pseudo-spectra from smooth falling functions (the
// dijet function and an exponential) on variable-width bins at three statistics levels, each
// scanned with default settings; the fraction with Šidák global Z > 2 against the nominal 2.3%,
// and infinite/NaN significances counted. Then injected Gaussian and Crystal Ball signals
// (narrow and 6% wide, at 2, 3 and 5σ expected): mean fitted yield against the truth and the
// median local Z against the Asimov expectation, for GP and parametric backgrounds.
//
//   node --import tsx bench/resonance-calibration.ts [null|inject] [toys] [workers]
//
// Writes bench/resonance-calibration.md (the tables) and prints them.
import { writeFileSync, existsSync, readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { poolTaskExecutor } from "../src/batch/pool.ts";
import { normalSf } from "../src/math/special.ts";
import { sidakLocalP, zFromP } from "../src/infer/look-elsewhere.ts";
import { backgroundExpectation as truthBackground, variableEdges, type SyntheticOptions } from "../src/resonance/example.ts";
import { runInjection, yieldForSignificance } from "../src/resonance/inject.ts";
import { DEFAULT_SEARCH, effectiveWindows, type SearchSpec } from "../src/resonance/search.ts";
import type { ToyOutcome, ToyTaskArgs } from "../src/resonance/toys.ts";
import type { SignalModel } from "../src/resonance/signal.ts";
import { linspace } from "../src/math/stats.ts";

const what = process.argv[2] ?? "null";
const nToys = Number(process.argv[3] ?? 200);
const workers = Number(process.argv[4] ?? 2);
const executor = poolTaskExecutor(workers);
const out = new URL("./resonance-calibration.md", import.meta.url);

const GAUSS: SignalModel = { kind: "gaussian" };
const DSCB: SignalModel = { kind: "dscb", alphaLow: 1.2, nLow: 4, alphaHigh: 1.8, nHigh: 6 };
const dijetShape = { shape: "dijet" as const, sqrtS: 13000, p1: 10, p2: 5, lo: 500, hi: 3000 };
const expShape = { shape: "exponential" as const, slope: 400, lo: 500, hi: 3000 };

/** RESONANCE_BG=gp or =parametric (environment) runs one background model only. */
function backgrounds(): [string, SearchSpec["background"]][] {
  const only = process.env.RESONANCE_BG;
  return ([
    ["GP", { model: "gp" }],
    ["parametric (F-test)", { model: "parametric", families: ["dijet"], npar: null, orderSelection: "ftest", sqrtS: 13000 }],
  ] as [string, SearchSpec["background"]][]).filter(([, b]) => !only || b.model === only);
}

async function nullStudy(): Promise<string> {
  const lines = ["| spectrum | bins | events | background | toys | global Z > 2 | 3σ binomial range | max local Z (median) | non-finite Z | failed points |", "|---|---|---|---|---|---|---|---|---|---|"];
  const cases: { label: string; o: Omit<SyntheticOptions, "seed" | "nBins" | "events">; nBins: number }[] = [
    { label: "dijet function", o: dijetShape, nBins: 40 },
    { label: "exponential", o: expShape, nBins: 40 },
  ];
  for (const c of cases) {
    for (const events of [2e3, 2e4, 2e5]) {
      const edges = variableEdges(c.o.lo, c.o.hi, c.nBins, 1);
      const bkg = truthBackground(edges, { ...c.o, events, nBins: c.nBins, seed: 0 } as SyntheticOptions);
      for (const [bgName, bg] of backgrounds()) {
        // the parametric model is the generating family (order by the F-test)
        if (bg.model === "parametric") bg.families = [c.label === "exponential" ? "exponential" : "dijet"];
        const bgLabel = bg.model === "parametric" ? `${bg.families[0]} (F-test)` : bgName;
        const spec: SearchSpec = { ...DEFAULT_SEARCH, signal: GAUSS, resolution: { kind: "relative", fraction: 0.03 }, background: bg };
        const masses = Array.from(linspace(600, 2800, 45));
        const nEff = effectiveWindows(spec, masses[0], masses[masses.length - 1]);
        const zLocal = zFromP(sidakLocalP(normalSf(2), nEff)); // local Z whose Šidák global Z is 2
        const args: ToyTaskArgs = { spec, edges: Array.from(edges), expected: Array.from(bkg), masses, seed: 1000 + events, u0: 1 };
        const t0 = performance.now();
        const toys = await executor.run<number, ToyOutcome & { nonFinite?: number }>({ module: new URL("../src/resonance/toys.ts", import.meta.url).href, factory: "toyRunner", args }, [...Array(nToys).keys()]);
        const n = toys.filter((t) => Number.isFinite(t.maxZ)).length;
        const over = toys.filter((t) => t.maxZ > zLocal).length;
        const p = 0.02275, sd = Math.sqrt(nToys * p * (1 - p));
        const zs = toys.map((t) => t.maxZ).filter(Number.isFinite).sort((a, b) => a - b);
        lines.push(`| ${c.label} | ${c.nBins} variable | ${events} | ${bgLabel} | ${n}/${nToys} | ${over} (${((100 * over) / nToys).toFixed(1)}%) | ${Math.max(0, Math.ceil(nToys * p - 3 * sd))}–${Math.floor(nToys * p + 3 * sd)} | ${zs[Math.floor(zs.length / 2)]?.toFixed(2)} | ${nToys - n} | ${toys.reduce((a, t) => a + t.failed, 0)} |`);
        process.stderr.write(`${lines[lines.length - 1]}  (${((performance.now() - t0) / 1000).toFixed(0)} s, load ${loadavg()[0].toFixed(1)})\n`);
      }
    }
  }
  return `### Null spectra, ${process.env.RESONANCE_BG ?? "all"} backgrounds (${nToys} toys each, 45 masses 600–2800 GeV, Gaussian signal σ/m = 3%; Šidák N_eff in half-windows)\n\n${lines.join("\n")}\n`;
}

async function injectStudy(): Promise<string> {
  const lines = ["| signal | width σ/m | background | Z expected | injected | mean Â | bias | median local Z | Asimov Z | failed |", "|---|---|---|---|---|---|---|---|---|---|"];
  const edges = variableEdges(500, 3000, 60, 1);
  const bkg = truthBackground(edges, { ...dijetShape, events: 2e4, nBins: 60, seed: 0 } as SyntheticOptions);
  for (const [sName, sig] of [["Gaussian", GAUSS], ["Crystal Ball", DSCB]] as [string, SignalModel][]) {
    for (const rel of [0.01, 0.06]) {
      for (const [bgName, bg] of backgrounds()) {
        const spec: SearchSpec = { ...DEFAULT_SEARCH, signal: sig, resolution: { kind: "relative", fraction: rel }, background: bg };
        const mass = 1500;
        const points = [2, 3, 5].map((z) => ({ mass, yield: yieldForSignificance(spec, edges, bkg, mass, z) }));
        const r = await runInjection({ spec, edges: Array.from(edges), background: Array.from(bkg), points, nToys, seed: 77 }, { executor });
        r.summary.forEach((s, k) => {
          lines.push(`| ${sName} | ${rel} | ${bgName} | ${[2, 3, 5][k]} | ${s.injected.toFixed(1)} | ${s.mean_A_hat.toFixed(1)} ± ${(s.sd_A_hat / Math.sqrt(s.n_toys - s.n_failed)).toFixed(1)} | ${(100 * s.bias).toFixed(1)}% | ${s.median_Z.toFixed(2)} | ${s.asimov_Z.toFixed(2)} | ${s.n_failed}/${s.n_toys} |`);
          process.stderr.write(lines[lines.length - 1] + `  (load ${loadavg()[0].toFixed(1)})\n`);
        });
      }
    }
  }
  return `### Injected signals at 1500 GeV, ${process.env.RESONANCE_BG ?? "all"} backgrounds (${nToys} toys each; 60 variable bins, dijet background of 2·10⁴ events)\n\n${lines.join("\n")}\n`;
}

const t0 = performance.now();
const text = what === "inject" ? await injectStudy() : await nullStudy();
const prev = existsSync(out) ? readFileSync(out, "utf8") : "# Resonance search calibration (bench/resonance-calibration.ts; synthetic seeded spectra)\n\n";
const head = text.split("\n")[0];
const kept = prev.split(/^(?=### )/m).filter((p) => !p.startsWith(head));
writeFileSync(out, kept.join("") + text + `\n(${new Date().toISOString()}, ${((performance.now() - t0) / 1000).toFixed(0)} s wall on ${workers} workers, load ${loadavg()[0].toFixed(1)})\n\n`);
process.stdout.write(text);
