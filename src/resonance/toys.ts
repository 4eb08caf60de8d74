// Background-only pseudo-spectra for the global significance: each toy is Poisson around the
// background-only expectation of the observed spectrum (the GP fitted to every bin, or the
// chosen parametric fit), rescanned with the full procedure (backgrounds refitted). From the
// toys: the distribution of the maximum local Z (toy-based global p) and the mean number of
// up-crossings of a low level u0 by q0(m) (Gross–Vitells). Every toy draws from its own stream
// Rng.forStream(seed, index), so results do not depend on the executor or the worker count.
import { globalPFromMaxQ0Toys, grossVitellsGlobalP, upcrossings, zFromP } from "../infer/look-elsewhere.ts";
import { inThread, type TaskExecutor } from "../infer/executor.ts";
import { mean } from "../math/stats.ts";
import { Rng } from "../math/rng.ts";
import { DEFAULT_GP, fitGpBackground, gpPrediction, lengthScaleBounds } from "./gp-background.ts";
import { buildSearch, scanSpectrum, type SearchSpec } from "./search.ts";
import { containmentInterval, resolutionFunction } from "./signal.ts";
import { spectrumOf, type Spectrum } from "./spectrum.ts";

/** Background-only expected counts of every bin of the observed spectrum under the search's background model. */
export function backgroundExpectation(spec: SearchSpec, sp: Spectrum): Float64Array {
  if (spec.background.model === "gp") {
    const bgm = buildSearch(spec, sp).settings.background;
    const gp = bgm.kind === "gp" ? bgm.gp : DEFAULT_GP;
    // Length-scale bounds for the whole spectrum: the window width at its middle mass.
    const mid = Math.sqrt(sp.edges[0] * sp.edges[sp.edges.length - 1]);
    const sigma = resolutionFunction(spec.resolution)(mid);
    const win = containmentInterval(spec.signal, mid, sigma, spec.containment);
    const all = [...Array(sp.counts.length).keys()];
    const g = fitGpBackground(sp, all, lengthScaleBounds(sp, win, gp), gp);
    // Per-bin means (the diagonal of the count-space moments), computed in chunks to keep the covariance small.
    const out = new Float64Array(all.length);
    for (let a = 0; a < all.length; a += 64) {
      const idx = all.slice(a, a + 64);
      const { b } = gpPrediction(sp, g, idx, gp);
      out.set(b, a);
    }
    return out;
  }
  const built = buildSearch(spec, sp);
  const best = built.fits.reduce((a, f) => (f.twiceNll + f.spec.npar < a.twiceNll + a.spec.npar ? f : a));
  return Float64Array.from(best.yields);
}

export interface ToyTaskArgs {
  spec: SearchSpec;
  edges: number[];
  expected: number[];
  masses: number[];
  seed: number;
  /** Level u0 of q0 for the up-crossings (default 1). */
  u0: number;
}

export interface ToyOutcome {
  maxZ: number;
  /** Mass of the largest local Z. */
  massAtMax: number;
  upcrossings: number;
  failed: number;
}

/** One background-only toy, rescanned. */
export function runToy(a: ToyTaskArgs, index: number): ToyOutcome {
  const rng = Rng.forStream(a.seed, index);
  const counts = a.expected.map((mu) => rng.poisson(mu));
  const sp = spectrumOf(a.edges, counts);
  let rows;
  try {
    rows = scanSpectrum("toy", sp, a.masses, buildSearch(a.spec, sp));
  } catch {
    return { maxZ: NaN, massAtMax: NaN, upcrossings: NaN, failed: a.masses.length };
  }
  const ok = rows.filter((r) => r.status === "ok");
  const q = rows.map((r) => (r.status === "ok" ? r.q0 : NaN));
  const best = ok.reduce<(typeof ok)[number] | undefined>((b, r) => (r.Z > (b?.Z ?? -1) ? r : b), undefined);
  return { maxZ: best?.Z ?? 0, massAtMax: best?.mass ?? NaN, upcrossings: upcrossings(q, a.u0), failed: rows.length - ok.length };
}

/** Worker factory (TaskExecutor recipe): runs toys by index. */
export function toyRunner(a: ToyTaskArgs): { run(index: number): ToyOutcome } {
  return { run: (index: number) => runToy(a, index) };
}

export interface GlobalCalibration {
  nToys: number;
  /** Toys whose rescan failed entirely, and failed mass points summed over toys. */
  failedToys: number;
  failedPoints: number;
  u0: number;
  meanUpcrossings: number;
  toyMaxZ: number[];
}

/** Run nToys background-only toys on an executor (default: this thread). */
export async function calibrateGlobal(spec: SearchSpec, sp: Spectrum, masses: number[], o: { nToys: number; seed: number; u0?: number; executor?: TaskExecutor; onToy?: () => void }): Promise<GlobalCalibration> {
  const args: ToyTaskArgs = { spec, edges: Array.from(sp.edges), expected: Array.from(backgroundExpectation(spec, sp)), masses, seed: o.seed, u0: o.u0 ?? 1 };
  const recipe = { module: new URL("./toys.ts", import.meta.url).href, factory: "toyRunner", args };
  const tasks = [...Array(o.nToys).keys()];
  const out = await (o.executor ?? inThread).run<number, ToyOutcome>(recipe, tasks, o.onToy ? () => o.onToy!() : undefined);
  const good = out.filter((t) => Number.isFinite(t.maxZ));
  return {
    nToys: o.nToys, failedToys: out.length - good.length, failedPoints: out.reduce((a, t) => a + t.failed, 0), u0: args.u0,
    meanUpcrossings: good.length ? mean(good.map((t) => t.upcrossings)) : NaN, toyMaxZ: good.map((t) => t.maxZ),
  };
}

/** Global p and Z of an observed maximum local Z: toy-based (max-Z tail fraction) and Gross–Vitells. */
export function globalFromToys(zMax: number, cal: GlobalCalibration): { p_global_toys: number; Z_global_toys: number; p_global_gv: number; Z_global_gv: number } {
  const q = Math.max(zMax, 0) ** 2;
  const pt = cal.toyMaxZ.length ? globalPFromMaxQ0Toys(q, cal.toyMaxZ.map((z) => z * z)) : NaN;
  const pg = Number.isFinite(cal.meanUpcrossings) ? grossVitellsGlobalP(q, cal.u0, cal.meanUpcrossings) : NaN;
  return { p_global_toys: pt, Z_global_toys: Number.isFinite(pt) ? zFromP(pt, true) : NaN, p_global_gv: pg, Z_global_gv: Number.isFinite(pg) ? zFromP(pg, true) : NaN };
}
