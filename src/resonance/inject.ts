// Signal-injection closure of a resonance search: pseudo-spectra Poisson(b + A·s) around a
// background expectation b, each searched at the injected mass with the full procedure
// (backgrounds refitted per toy); the mean fitted yield against the injected one, and the local
// Z distribution against the Asimov expectation (the Z of the search on the expected spectrum
// b + A·s itself, Cowan et al. §3.2: the median of Z under that signal). Yields can be given in
// events or as expected significances (the A with Asimov Z = target, by Brent's method).
import { brent } from "../math/roots.ts";
import { Rng } from "../math/rng.ts";
import { mean, median, std } from "../math/stats.ts";
import { inThread, type TaskExecutor } from "../infer/executor.ts";
import { evaluatePoint, type ResonanceRow } from "./point.ts";
import { buildSearch, type SearchSpec } from "./search.ts";
import { binFractions, resolutionFunction } from "./signal.ts";
import { spectrumOf } from "./spectrum.ts";

export interface InjectionPoint {
  mass: number;
  /** Injected yield (signal events in the spectrum's range). */
  yield: number;
}

/** The search evaluated on the expected spectrum b + A·s (no fluctuation). */
export function asimovPoint(spec: SearchSpec, edges: ArrayLike<number>, background: ArrayLike<number>, p: InjectionPoint): ResonanceRow {
  const sigma = resolutionFunction(spec.resolution)(p.mass);
  const s = binFractions(edges, spec.signal, p.mass, sigma);
  const sp = spectrumOf(edges, Array.from(background, (b, i) => b + p.yield * s[i]));
  return evaluatePoint("asimov", sp, p.mass, buildSearch(spec, sp).settings);
}

/** The yield whose Asimov local Z equals `z` (Brent on [0, a bracket grown ×2 from 3√b_window]). */
export function yieldForSignificance(spec: SearchSpec, edges: ArrayLike<number>, background: ArrayLike<number>, mass: number, z: number): number {
  const f = (A: number) => asimovPoint(spec, edges, background, { mass, yield: A }).Z - z;
  let hi = Math.max(1, 3 * Math.sqrt(Math.max(1, asimovPoint(spec, edges, background, { mass, yield: 0 }).bkg_window)));
  for (let k = 0; k < 30 && !(f(hi) > 0); k++) hi *= 2;
  return brent(f, 0, hi, { xtol: 1e-3, rtol: 1e-4 }).x;
}

export interface InjectionArgs {
  spec: SearchSpec;
  edges: number[];
  background: number[];
  points: InjectionPoint[];
  nToys: number;
  seed: number;
}

/** Worker factory: task = pointIndex·nToys + toy; each toy has its own stream. */
export function injectionRunner(a: InjectionArgs): { run(task: number): ResonanceRow } {
  const sigmaAt = resolutionFunction(a.spec.resolution);
  const shapes = a.points.map((p) => binFractions(a.edges, a.spec.signal, p.mass, sigmaAt(p.mass)));
  return {
    run(task: number): ResonanceRow {
      const k = Math.floor(task / a.nToys), p = a.points[k], s = shapes[k];
      const rng = Rng.forStream(a.seed, task);
      const counts = a.background.map((b, i) => rng.poisson(b + p.yield * s[i]));
      const sp = spectrumOf(a.edges, counts);
      return evaluatePoint(`toy${task}`, sp, p.mass, buildSearch(a.spec, sp).settings);
    },
  };
}

export interface InjectionSummary {
  mass: number;
  injected: number;
  n_toys: number;
  n_failed: number;
  mean_A_hat: number;
  sd_A_hat: number;
  /** (mean Â − injected)/injected (NaN for no injection). */
  bias: number;
  median_Z: number;
  mean_Z: number;
  asimov_Z: number;
}

export async function runInjection(a: InjectionArgs, o: { executor?: TaskExecutor; onToy?: () => void } = {}): Promise<{ summary: InjectionSummary[]; rows: ResonanceRow[] }> {
  const recipe = { module: new URL("./inject.ts", import.meta.url).href, factory: "injectionRunner", args: a };
  const tasks = [...Array(a.points.length * a.nToys).keys()];
  const rows = await (o.executor ?? inThread).run<number, ResonanceRow>(recipe, tasks, o.onToy ? () => o.onToy!() : undefined);
  const summary = a.points.map((p, k) => {
    const mine = rows.slice(k * a.nToys, (k + 1) * a.nToys);
    const ok = mine.filter((r) => r.status === "ok");
    const A = ok.map((r) => r.A_hat), Z = ok.map((r) => r.Z);
    const mA = A.length ? mean(A) : NaN;
    return {
      mass: p.mass, injected: p.yield, n_toys: a.nToys, n_failed: mine.length - ok.length, mean_A_hat: mA, sd_A_hat: A.length > 1 ? std(A) : NaN,
      bias: p.yield > 0 ? (mA - p.yield) / p.yield : NaN, median_Z: Z.length ? median(Z) : NaN, mean_Z: Z.length ? mean(Z) : NaN,
      asimov_Z: asimovPoint(a.spec, a.edges, a.background, p).Z,
    };
  });
  return { summary, rows };
}

export interface SpuriousSignal {
  mass: number;
  /** Signal yield fitted on the reference background (no signal in it), its uncertainty, and their ratio. */
  A_hat: number;
  sigma_A: number;
  ratio: number;
}

/**
 * The spurious-signal test (ATLAS H→γγ): the search's background model fitted with a signal at
 * each mass to a background-only reference spectrum (e.g. a high-statistics simulation or
 * another model's expectation), without fluctuations; |Â|/σ_A measures the bias the background
 * model's shape would fake (the usual requirement is < 0.2, or < 10% of the expected signal).
 */
export function spuriousSignal(spec: SearchSpec, edges: ArrayLike<number>, reference: ArrayLike<number>, masses: number[]): SpuriousSignal[] {
  const sp = spectrumOf(edges, reference);
  const settings = buildSearch(spec, sp).settings;
  return masses.map((m) => {
    const r = evaluatePoint("spurious", sp, m, settings);
    return { mass: m, A_hat: r.A_hat, sigma_A: r.sigma_A, ratio: Math.abs(r.A_hat) / r.sigma_A };
  });
}
