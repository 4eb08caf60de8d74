// Coverage studies of the μ interval (../shared/specs/gato_sage.md §B4 "Coverage study", §C3.2):
// sets with μ_s ~ U(0.1, 3) (or given μ values), pseudo-experiments with nuisance truths drawn
// as the challenge draws them (§B2; for a model from a grid file: from each nuisance's
// constraint), Poisson pseudo-data, one interval fit each. Then coverage per set with binomial
// errors, mean widths, pulls, nuisance pulls and the challenge score (score.ts).
//
// Work runs through a TaskExecutor (src/infer/executor.ts): each worker rebuilds the model from
// the serialisable source once; pseudo-experiment j draws everything from Rng.forStream(seed, j),
// so the records are the same bytes for any executor and worker count. The constraint centres
// (auxiliary data) stay at their nominal values: the truths vary, the analysis does not know them.
import { Rng } from "../math/rng.ts";
import { inThread, type TaskExecutor } from "../infer/executor.ts";
import { fitInterval, type IntervalMethod } from "./interval.ts";
import { TemplateLikelihood, type TemplateModelSpec } from "./likelihood.ts";
import { readGrid, type TemplateGrid } from "./grid.ts";
import { drawTruth, syntheticConfig, syntheticGrid, syntheticTemplates, truthParameters, type SyntheticConfig } from "./synthetic.ts";
import { challengeScore, type ChallengeScore } from "./score.ts";
import { InputError } from "../io/errors.ts";

/** Where the model comes from: the synthetic generator (exact templates available) or a grid file. */
export type ModelSource =
  | { kind: "synthetic"; synthetic?: Partial<SyntheticConfig>; spec: TemplateModelSpec }
  | { kind: "grid"; file: string; spec: TemplateModelSpec };

export interface BuiltModel {
  grid: TemplateGrid;
  lik: TemplateLikelihood;
  /** Exact templates at θ (synthetic models only): the pseudo-data generator's truth. */
  exact?: (theta: ArrayLike<number>, out: Float64Array) => void;
}

export function buildModel(src: ModelSource): BuiltModel {
  if (src.kind === "synthetic") {
    const cfg = syntheticConfig(src.synthetic);
    const grid = syntheticGrid(cfg);
    const cache = new Map<string, Float64Array>();
    return { grid, lik: new TemplateLikelihood(grid, src.spec), exact: (t, out) => syntheticTemplates(cfg, t, out, cache.size > 4096 ? (cache.clear(), cache) : cache) };
  }
  const grid = readGrid(src.file);
  return { grid, lik: new TemplateLikelihood(grid, src.spec) };
}

export interface CoverageOptions {
  source: ModelSource;
  /** The model's file, for error messages (default "model"). */
  modelFile?: string;
  seed: number;
  /** Number of sets (μ_s ~ U(muRange)) — ignored when `mus` is given. */
  sets?: number;
  /** Fixed μ per set instead of random ones. */
  mus?: number[];
  perSet: number;
  /** Range of the set μ draws (default [0.1, 3], the challenge's). */
  muRange?: [number, number];
  method?: IntervalMethod;
  inflate?: number;
  clip?: [number, number] | null;
  /** Pseudo-data from the exact templates (synthetic only; default) or from the interpolated grid model. */
  generator?: "exact" | "templates";
  /** Pseudo-experiments per task (default 10). */
  chunk?: number;
}

export interface CoverageRecord {
  set: number;
  pe: number;
  mu_true: number;
  status: "ok" | "failed";
  converged: boolean;
  mu_hat: number;
  p16: number;
  p84: number;
  half_width: number;
  sigma_hesse: number;
  covered: boolean;
  /** (μ̂ − μ)/half_width. */
  pull: number;
  fits: number;
  reason: string;
  /** Truth and MLE of every parameter, by name. */
  truth: Record<string, number>;
  bestfit: Record<string, number>;
}

interface RunnerArgs {
  source: ModelSource;
  seed: number;
  perSet: number;
  mus: number[];
  method: IntervalMethod;
  inflate: number;
  clip: [number, number] | null;
  generator: "exact" | "templates";
}

interface Task { start: number; count: number }

/** Check that the POI bounds contain every truth μ (else no interval could cover it). */
export function checkMuRange(spec: TemplateModelSpec, lo: number, hi: number, file = "model"): void {
  if (!(spec.poi.lower <= lo && spec.poi.upper >= hi)) {
    throw new InputError(file, "poi", `bounds [${spec.poi.lower}, ${spec.poi.upper}] of "${spec.poi.name}" exclude part of the truth range [${lo}, ${hi}]: widen them`);
  }
}

/** Draw a nuisance truth from its constraint (grid-file models), held inside the bounds. */
function drawFromConstraint(rng: Rng, d: { lower: number; upper: number; init: number; constraint: TemplateModelSpec["shapes"][number]["constraint"] }): number {
  const c = d.constraint;
  let v = d.init;
  if (c.type === "gaussian") v = c.mean + c.sigma * rng.normal();
  else if (c.type === "lognormal") v = Math.exp(c.mu + c.sigma * rng.normal());
  return Math.min(d.upper, Math.max(d.lower, v));
}

/** The worker-side runner: builds the model once, then fits chunks of pseudo-experiments. */
export function coverageRunner(args: RunnerArgs): { run(task: Task): CoverageRecord[] } {
  const { lik, exact } = buildModel(args.source);
  const useExact = args.generator === "exact" && exact !== undefined;
  const nP = lik.parameters.length, nMain = lik.nMain, nProc = lik.grid.processes.length;
  const data = new Float64Array(nMain + lik.nAux);
  const T = new Float64Array(nProc * nMain), K = new Float64Array(nProc);
  const init = Float64Array.from(lik.parameters, (p) => p.init);
  const spec = args.source.spec;
  const defs = [...spec.shapes, ...spec.norms];
  return {
    run(task: Task): CoverageRecord[] {
      const out: CoverageRecord[] = [];
      for (let j = task.start; j < task.start + task.count; j++) {
        const set = Math.floor(j / args.perSet), mu = args.mus[set];
        const rng = Rng.forStream(args.seed, j);
        let tp: Float64Array;
        if (args.source.kind === "synthetic") tp = truthParameters(lik, mu, drawTruth(rng));
        else tp = Float64Array.from(lik.parameters, (p, i) => (i === 0 ? mu : drawFromConstraint(rng, defs.find((d) => d.name === p.name)!)));
        if (useExact) {
          exact!(tp.subarray(1, 1 + lik.nShape), T);
          lik.processFactors(tp, K);
          for (let b = 0; b < nMain; b++) {
            let nu = 0;
            for (let p = 0; p < nProc; p++) nu += K[p] * T[p * nMain + b];
            data[b] = rng.poisson(Math.max(nu, 0));
          }
        } else {
          lik.mainRates(tp, data);
          for (let b = 0; b < nMain; b++) data[b] = rng.poisson(data[b]);
        }
        data.set(lik.nominalAux, nMain);
        const r = fitInterval(lik, data, { method: args.method, inflate: args.inflate, clip: args.clip, init });
        const truth: Record<string, number> = {};
        for (let i = 0; i < nP; i++) truth[lik.parameters[i].name] = tp[i];
        const covered = r.status === "ok" && r.p16 <= mu && mu <= r.p84;
        out.push({
          set, pe: j - set * args.perSet, mu_true: mu, status: r.status, converged: r.converged, mu_hat: r.mu_hat, p16: r.p16, p84: r.p84,
          half_width: r.half_width, sigma_hesse: r.sigma_hesse, covered, pull: (r.mu_hat - mu) / r.half_width, fits: r.fits, reason: r.reason,
          truth, bestfit: r.bestfit,
        });
      }
      return out;
    },
  };
}

export interface SetSummary {
  set: number;
  mu_true: number;
  n: number;
  failed: number;
  coverage: number;
  coverage_error: number;
  mean_width: number;
  mean_pull: number;
  std_pull: number;
}

export interface NuisancePull {
  name: string;
  /** Mean and standard deviation of (θ̂ − θ_true)/σ_prefit over the successful fits (σ_prefit: the constraint width). */
  mean: number;
  std: number;
  prefit_sigma: number;
}

export interface CoverageResult {
  seed: number;
  method: IntervalMethod;
  records: CoverageRecord[];
  sets: SetSummary[];
  pooled: { n: number; failed: number; not_converged: number; coverage: number; coverage_error: number; mean_width: number; mean_pull: number; std_pull: number };
  /** The challenge score over the successful fits (failed ones are counted in `pooled.failed`). */
  score: ChallengeScore;
  nuisance_pulls: NuisancePull[];
}

const meanStd = (xs: number[]): [number, number] => {
  const n = xs.length;
  if (n === 0) return [NaN, NaN];
  const m = xs.reduce((a, b) => a + b, 0) / n;
  return [m, n > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (n - 1)) : NaN];
};

/** Summaries of a list of records. */
export function summarizeCoverage(records: CoverageRecord[], spec: TemplateModelSpec, meta: { seed: number; method: IntervalMethod }): CoverageResult {
  const bySet = new Map<number, CoverageRecord[]>();
  for (const r of records) { let l = bySet.get(r.set); if (!l) bySet.set(r.set, (l = [])); l.push(r); }
  const summarize = (rs: CoverageRecord[]) => {
    const ok = rs.filter((r) => r.status === "ok");
    const c = ok.filter((r) => r.covered).length / ok.length;
    const [mp, sp] = meanStd(ok.map((r) => r.pull));
    return { n: ok.length, failed: rs.length - ok.length, coverage: c, coverage_error: Math.sqrt((c * (1 - c)) / ok.length), mean_width: meanStd(ok.map((r) => r.p84 - r.p16))[0], mean_pull: mp, std_pull: sp };
  };
  const sets = [...bySet].map(([set, rs]) => ({ set, mu_true: rs[0].mu_true, ...summarize(rs) }));
  const ok = records.filter((r) => r.status === "ok");
  const score = challengeScore(ok.map((r) => ({ set: r.set, mu_true: r.mu_true, mu_hat: r.mu_hat, p16: r.p16, p84: r.p84 })));
  const widths = new Map<string, number>();
  for (const d of [...spec.shapes, ...spec.norms]) if (d.constraint.type === "gaussian") widths.set(d.name, d.constraint.sigma);
  const nuisance_pulls = [...widths].map(([name, s]) => {
    const [mean, std] = meanStd(ok.map((r) => (r.bestfit[name] - r.truth[name]) / s));
    return { name, mean, std, prefit_sigma: s };
  });
  return {
    seed: meta.seed, method: meta.method, records, sets,
    pooled: { ...summarize(records), not_converged: records.filter((r) => r.status === "ok" && !r.converged).length },
    score, nuisance_pulls,
  };
}

/** The set μ values: given, or U(muRange) from a stream of the seed no pseudo-experiment uses. */
export function setMus(o: Pick<CoverageOptions, "seed" | "sets" | "mus" | "muRange">): number[] {
  if (o.mus) return o.mus;
  const [lo, hi] = o.muRange ?? [0.1, 3];
  const rng = Rng.forStream(o.seed, 0xffffffff);
  return Array.from({ length: o.sets ?? 10 }, () => lo + (hi - lo) * rng.uniform());
}

/** Run a coverage study (in this thread unless an executor is given). */
export async function runCoverage(o: CoverageOptions, executor: TaskExecutor = inThread, onDone?: (pesDone: number) => void): Promise<CoverageResult> {
  const mus = setMus(o);
  const [lo, hi] = o.mus ? [Math.min(...o.mus), Math.max(...o.mus)] : (o.muRange ?? [0.1, 3]);
  checkMuRange(o.source.spec, lo, hi, o.modelFile);
  const total = mus.length * o.perSet, chunk = o.chunk ?? 10;
  const tasks: Task[] = [];
  for (let s = 0; s < total; s += chunk) tasks.push({ start: s, count: Math.min(chunk, total - s) });
  const method = o.method ?? "profile";
  const args: RunnerArgs = {
    source: o.source, seed: o.seed, perSet: o.perSet, mus, method, inflate: o.inflate ?? 1, clip: o.clip ?? null,
    generator: o.generator ?? (o.source.kind === "synthetic" ? "exact" : "templates"),
  };
  const recipe = { module: new URL("./coverage.ts", import.meta.url).href, factory: "coverageRunner", args };
  const res = await executor.run<Task, CoverageRecord[]>(recipe, tasks, onDone ? (i) => onDone(tasks[i].count) : undefined);
  return summarizeCoverage(res.flat(), o.source.spec, { seed: o.seed, method });
}
