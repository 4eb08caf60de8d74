// The worker side of toy-based upper limits (toy-limit.ts): a task is toys [start, end) of one
// kind at every running μ; a worker rebuilds the likelihood once from its recipe and runs tasks
// for as long as it lives. Kept apart from toy-limit.ts so a worker thread imports only the fits
// and the generator, not the limit machinery.
import type { FitOptions } from "../likelihood/fit.ts";
import type { Likelihood } from "../likelihood/types.ts";
import { Rng } from "../math/rng.ts";
import { buildFromRecipe, type TaskRecipe } from "./executor.ts";
import { guardNegativeRates } from "./rate-guard.ts";
import { ProfileFits, testStatistic } from "./test-statistics.ts";

/** One unit of work: toys [start, end) of one kind at every μ of `mus`. */
export interface ToyLimitTask {
  /** 0: s+b toys (stream 2i, generated at pars[m] for mus[m]); 1: b toys (stream 2i + 1, at pars[0]). */
  parity: 0 | 1;
  start: number;
  end: number;
  mus: number[];
  pars: number[][];
  seed: number;
  testStat: "qtilde" | "q";
  fit?: FitOptions;
  warmStart: boolean;
}

/**
 * The test statistics of a task: q[m][i − start] for toy i at mus[m]; NaN where a toy's fits
 * throw. Negative expected rates count as −ln L = +∞ (rate-guard.ts), as for toyHypotest.
 */
export function runToyLimitTask(model: Likelihood, t: ToyLimitTask): number[][] {
  const lik = guardNegativeRates(model);
  const out = t.mus.map(() => new Array<number>(t.end - t.start));
  const data = new Float64Array(lik.nMain + lik.nAux);
  const fitOpts = t.fit ?? {};
  const stat = (f: ProfileFits, mu: number): number => {
    try {
      return testStatistic(t.testStat, f, mu);
    } catch {
      return NaN;
    }
  };
  if (t.parity === 1) {
    const pars = Float64Array.from(t.pars[0]);
    for (let i = t.start; i < t.end; i++) {
      lik.sample(pars, Rng.forStream(t.seed, 2 * i + 1), data);
      // one free fit for every μ (cached by ProfileFits), started at the generating point;
      // conditional fits warm from it
      const f = new ProfileFits(lik, Float64Array.from(data), t.warmStart ? { ...fitOpts, init: pars } : fitOpts, { warmStart: t.warmStart });
      for (let m = 0; m < t.mus.length; m++) out[m][i - t.start] = stat(f, t.mus[m]);
    }
  } else {
    const pars = t.pars.map((p) => Float64Array.from(p));
    for (let i = t.start; i < t.end; i++) {
      let prev: Float64Array | undefined;
      for (let m = 0; m < t.mus.length; m++) {
        lik.sample(pars[m], Rng.forStream(t.seed, 2 * i), data);
        // the free fit starts at the previous μ's optimum of this stream, the first at the generating point
        const base = t.warmStart ? { ...fitOpts, init: prev ?? pars[m] } : fitOpts;
        const f = new ProfileFits(lik, Float64Array.from(data), base, { warmStart: t.warmStart });
        out[m][i - t.start] = stat(f, t.mus[m]);
        if (t.warmStart) {
          try {
            prev = f.free.pars;
          } catch {
            prev = undefined;
          }
        }
      }
    }
  }
  return out;
}

/** Worker-side factory (a TaskRecipe's factory): rebuild the likelihood once, then run tasks. */
export async function toyLimitRunner(args: { likelihood: TaskRecipe }): Promise<{ run(t: ToyLimitTask): number[][] }> {
  const lik = await buildFromRecipe<Likelihood>(args.likelihood);
  return { run: (t) => runToyLimitTask(lik, t) };
}
