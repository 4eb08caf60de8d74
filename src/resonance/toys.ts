// Background-only pseudo-spectra for the global significance: each toy is Poisson around the
// background-only expectation of the observed spectrum (the GP fitted to every bin, or the
// chosen parametric fit), rescanned. From the toys: the distribution of the maximum local Z
// (toy-based global p) and the mean number of up-crossings of a low level u0 by q0(m)
// (Gross–Vitells). Every toy draws from its own stream Rng.forStream(seed, index), so results
// do not depend on the executor or the worker count. The rescan of a toy (CALIBRATION_PROCEDURES):
//   "full-rescan"                buildSearch + scanSpectrum, as the observed spectrum (GP
//                                hyperparameters and trend degree, or the parametric orders,
//                                refitted at every mass; upper limits computed and discarded);
//   "parametric-refit"           the same procedure for a parametric background with q0 only,
//                                by dense Newton fits warm-started from the observed fits
//                                (fast-parametric.ts; per-mass q0 equal to ~1e-9);
//   "gp-frozen-hyperparameters"  GP amplitude, length scale and trend degree frozen at the
//                                observed spectrum's per-mass fits, the latent background and
//                                the signal refitted per toy (fast-gp.ts).
// "auto" (the default) is the second for log-linear parametric families, the full rescan for
// Bernstein polynomials, and for the GP the third when the observed GP amplitude is negligible
// at every mass (FastGpScan.activeAmplitudeMasses: the GP is then its trend, and the frozen
// toys were the full procedure's on 300 toys), the full rescan otherwise (with an active amplitude, freezing lowered the toys'
// maximum Z by 0.27 ± 0.03 on a test spectrum: bench/resonance-toys-check.md); "fast" forces it.
import { globalPFromMaxQ0Toys, grossVitellsGlobalP, grossVitellsGlobalZ, upcrossings, zFromP } from "../infer/look-elsewhere.ts";
import { inThread, type TaskExecutor } from "../infer/executor.ts";
import { mean } from "../math/stats.ts";
import { Rng } from "../math/rng.ts";
import { DEFAULT_GP, fitGpBackground, gpPrediction, lengthScaleBounds } from "./gp-background.ts";
import { buildSearch, scanSpectrum, type SearchSpec } from "./search.ts";
import { containmentInterval, resolutionFunction } from "./signal.ts";
import { FastGpScan } from "./fast-gp.ts";
import { fastParametricApplies, FastParametricScan, type ToyPoint } from "./fast-parametric.ts";
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

export const CALIBRATION_PROCEDURES = ["full-rescan", "parametric-refit", "gp-frozen-hyperparameters"] as const;
export type CalibrationProcedure = (typeof CALIBRATION_PROCEDURES)[number];

/** The fast procedure of a search ("fast"), or the full rescan ("full"); see resolveCalibration for "auto". */
export function calibrationProcedure(spec: SearchSpec, choice: "fast" | "full" = "fast"): CalibrationProcedure {
  if (choice === "full") return "full-rescan";
  if (spec.background.model === "gp") return "gp-frozen-hyperparameters";
  return fastParametricApplies(spec) ? "parametric-refit" : "full-rescan";
}

/**
 * The procedure of a choice on an observed spectrum, and why: "auto" takes the fast procedure,
 * except for a GP whose observed amplitude matters at some mass (there, freezing the
 * hyperparameters changed the toys' maximum Z: bench/resonance-toys-check.md), which gets the
 * full rescan; "fast" always takes the fast one.
 */
export function resolveCalibration(spec: SearchSpec, sp: Spectrum, masses: number[], choice: "auto" | "full" | "fast" = "auto"): { procedure: CalibrationProcedure; note: string } {
  const procedure = calibrationProcedure(spec, choice === "full" ? "full" : "fast");
  if (choice === "full") return { procedure, note: "full rescan asked for" };
  if (procedure === "full-rescan") return { procedure, note: "no fast procedure for this background (bounded Bernstein coefficients)" };
  if (procedure === "parametric-refit") return { procedure, note: "the full procedure's fits by dense Newton (same q0)" };
  const active = new FastGpScan(spec, sp, masses).activeAmplitudeMasses();
  if (active.length === 0) return { procedure, note: "the observed GP amplitude is negligible at every mass (the GP is its trend): hyperparameters frozen" };
  const what = `the observed GP amplitude matters (prior variance of ln density > 1% of the fullest training bin's 1/n) at ${active.length} of ${masses.length} masses (first ${active[0]})`;
  return choice === "fast"
    ? { procedure, note: `${what}: hyperparameters frozen as asked, although freezing them then changed the toys' maximum Z on a test spectrum` }
    : { procedure: "full-rescan", note: `${what}: the hyperparameters matter, so the toys are rescanned in full` };
}

export interface ToyTaskArgs {
  spec: SearchSpec;
  edges: number[];
  expected: number[];
  masses: number[];
  seed: number;
  /** Level u0 of q0 for the up-crossings (default 1). */
  u0: number;
  /** How each toy is rescanned (default "full-rescan"). */
  procedure?: CalibrationProcedure;
  /** The observed counts (warm starts of "parametric-refit", frozen hyperparameters of "gp-frozen-hyperparameters"). */
  counts?: number[];
}

export interface ToyOutcome {
  maxZ: number;
  /** Mass of the largest local Z. */
  massAtMax: number;
  upcrossings: number;
  failed: number;
}

/** A toy's outcome from its per-mass points (failed points: q0 = NaN in the up-crossing count, never the maximum). */
function toyOutcome(points: ToyPoint[], masses: number[], u0: number): ToyOutcome {
  let maxZ = 0, massAtMax = NaN, best = -1, failed = 0;
  const q = points.map((p, k) => {
    if (!p.ok) { failed++; return NaN; }
    if (p.Z > best) { best = p.Z; maxZ = p.Z; massAtMax = masses[k]; }
    return p.q0;
  });
  return { maxZ, massAtMax, upcrossings: upcrossings(q, u0), failed };
}

/** The counts of toy `index`. */
function toyCounts(a: ToyTaskArgs, index: number): number[] {
  const rng = Rng.forStream(a.seed, index);
  return a.expected.map((mu) => rng.poisson(mu));
}

/** One background-only toy, rescanned with the full procedure. */
export function runToy(a: ToyTaskArgs, index: number): ToyOutcome {
  const sp = spectrumOf(a.edges, toyCounts(a, index));
  let rows;
  try {
    rows = scanSpectrum("toy", sp, a.masses, buildSearch(a.spec, sp));
  } catch {
    return { maxZ: NaN, massAtMax: NaN, upcrossings: NaN, failed: a.masses.length };
  }
  return toyOutcome(rows.map((r) => ({ ok: r.status === "ok", q0: r.q0, Z: r.Z, error: r.error })), a.masses, a.u0);
}

/** Worker factory (TaskExecutor recipe): runs toys by index with the args' procedure (compiled once per thread). */
export function toyRunner(a: ToyTaskArgs): { run(index: number): ToyOutcome } {
  const procedure = a.procedure ?? "full-rescan";
  if (procedure === "full-rescan") return { run: (index: number) => runToy(a, index) };
  const observed = spectrumOf(a.edges, a.counts ?? a.expected);
  const scan = procedure === "gp-frozen-hyperparameters" ? new FastGpScan(a.spec, observed, a.masses) : new FastParametricScan(a.spec, observed, a.masses);
  return {
    run(index: number): ToyOutcome {
      let points: ToyPoint[];
      try {
        points = scan.scan(toyCounts(a, index));
      } catch {
        return { maxZ: NaN, massAtMax: NaN, upcrossings: NaN, failed: a.masses.length };
      }
      return toyOutcome(points, a.masses, a.u0);
    },
  };
}

export interface GlobalCalibration {
  nToys: number;
  /** How each toy was rescanned (see the file comment), and why. */
  procedure: CalibrationProcedure;
  procedureNote: string;
  /** Toys whose rescan failed entirely, and failed mass points summed over toys. */
  failedToys: number;
  failedPoints: number;
  u0: number;
  meanUpcrossings: number;
  toyMaxZ: number[];
}

/** Run nToys background-only toys on an executor (default: this thread). */
export async function calibrateGlobal(spec: SearchSpec, sp: Spectrum, masses: number[], o: { nToys: number; seed: number; u0?: number; executor?: TaskExecutor; onToy?: () => void; procedure?: "auto" | "full" | "fast" }): Promise<GlobalCalibration> {
  const { procedure, note } = resolveCalibration(spec, sp, masses, o.procedure);
  const args: ToyTaskArgs = { spec, edges: Array.from(sp.edges), expected: Array.from(backgroundExpectation(spec, sp)), masses, seed: o.seed, u0: o.u0 ?? 1, procedure, counts: Array.from(sp.counts) };
  const recipe = { module: new URL("./toys.ts", import.meta.url).href, factory: "toyRunner", args };
  const tasks = [...Array(o.nToys).keys()];
  const out = await (o.executor ?? inThread).run<number, ToyOutcome>(recipe, tasks, o.onToy ? () => o.onToy!() : undefined);
  const good = out.filter((t) => Number.isFinite(t.maxZ));
  return {
    nToys: o.nToys, procedure, procedureNote: note, failedToys: out.length - good.length, failedPoints: out.reduce((a, t) => a + t.failed, 0), u0: args.u0,
    meanUpcrossings: good.length ? mean(good.map((t) => t.upcrossings)) : NaN, toyMaxZ: good.map((t) => t.maxZ),
  };
}

/** Global p and Z of an observed maximum local Z: toy-based (max-Z tail fraction) and Gross–Vitells. */
export function globalFromToys(zMax: number, cal: GlobalCalibration): { p_global_toys: number; Z_global_toys: number; p_global_gv: number; Z_global_gv: number } {
  const q = Math.max(zMax, 0) ** 2;
  const pt = cal.toyMaxZ.length ? globalPFromMaxQ0Toys(q, cal.toyMaxZ.map((z) => z * z)) : NaN;
  const pg = Number.isFinite(cal.meanUpcrossings) ? grossVitellsGlobalP(q, cal.u0, cal.meanUpcrossings) : NaN;
  return { p_global_toys: pt, Z_global_toys: Number.isFinite(pt) ? zFromP(pt, true) : NaN, p_global_gv: pg, Z_global_gv: Number.isFinite(pg) ? grossVitellsGlobalZ(q, cal.u0, cal.meanUpcrossings) : NaN };
}
