// Toy-based hypothesis tests on all cores: the generating fits run here, the toys in the
// worker pool (src/batch/thread-pool.ts) in batches; assembled by toy index.
import { Progress } from "../batch/progress.ts";
import { runPool, type Recipe } from "../batch/thread-pool.ts";
import type { FitOptions } from "../likelihood/fit.ts";
import type { Likelihood } from "../likelihood/types.ts";
import { ProfileFits, testStatistic } from "./teststat.ts";
import { toyCls, type ToyBatch, type ToyResult } from "./toy-calculator.ts";

export interface ToyOptions {
  ntoys?: number;
  seed?: number;
  workers?: number;
  testStat?: "qtilde" | "q";
  fit?: FitOptions;
  /** Toys per task sent to a worker (default 25). */
  batch?: number;
  progress?: boolean;
}

/**
 * Toy-based CLs at μ. `recipe` rebuilds the same likelihood in a worker (e.g. { module: URL of
 * src/histfactory/model.ts, factory: "modelFromRecipe", args: { spec, options } }).
 */
export async function toyHypotest(lik: Likelihood, recipe: Recipe, mu: number, o: ToyOptions = {}): Promise<ToyResult> {
  const ntoys = o.ntoys ?? 2000;
  const seed = o.seed ?? 0;
  const testStat = o.testStat ?? "qtilde";
  const obs = new ProfileFits(lik, lik.observed, o.fit ?? {});
  const qObs = testStatistic(testStat, obs, mu);
  const sbPars = Array.from(obs.fixedAt(mu).pars);
  const bPars = Array.from(obs.fixedAt(0).pars);
  const size = o.batch ?? 25;
  const tasks: ToyBatch[] = [];
  for (const [parity, pars] of [[0, sbPars], [1, bPars]] as const) {
    for (let s = 0; s < ntoys; s += size) tasks.push({ pars, mu, testStat, seed, parity, start: s, end: Math.min(ntoys, s + size), fit: o.fit });
  }
  const bar = new Progress(tasks.length, `toys μ=${mu}`, o.progress ?? Boolean(process.stderr.isTTY));
  const out = await runPool<ToyBatch, number[]>(
    { module: new URL("./toy-runner.ts", import.meta.url).href, factory: "toyRunner", args: { likelihood: recipe } },
    tasks, o.workers, () => bar.tick(),
  );
  bar.finish();
  const qSb: number[] = [], qB: number[] = [];
  tasks.forEach((t, i) => (t.parity === 0 ? qSb : qB).push(...out[i]));
  return toyCls(mu, qObs, qSb, qB);
}
