// Training a binning model (../shared/specs/gato_sage.md §A6–§A8, §A11): one full-batch gradient
// step per epoch, with scheduled temperature (applied inside every step, §A6 note), steepness
// and learning rate; RMSprop or Adam; bump-hunt window factors refitted every N epochs;
// checkpoints to JSON and resume.
import { writeJsonAtomic } from "../io/output.ts";
import { Rng } from "../math/rng.ts";
import { FirstOrderOptimizer, type FirstOrderKind, type FirstOrderState } from "../optimize/adam.ts";
import type { TaskExecutor } from "../infer/executor.ts";
import { SoftPass } from "./engine.ts";
import type { EventSet } from "./events.ts";
import { GatoLoss, type LossOptions, type LossValue } from "./loss.ts";
import type { BinningModel, ModelSpec } from "./model.ts";
import { scheduleValue, type Schedule } from "./schedule.ts";
import { windowFactors, type BumpOptions, type WindowFactor } from "./bump.ts";

export interface TrainOptions {
  epochs: number;
  optimizer: FirstOrderKind;
  lr: Schedule;
  /** GMM temperature schedule. */
  temperature: Schedule;
  /** Sigmoid steepness schedule. */
  steepness: Schedule;
  /** Schedulers set before the step (1-D, 3-class examples) or after (bump hunt: epoch 0 runs at the start values). */
  timing: "before" | "after";
  loss: LossOptions;
  seed: number;
  /** Bump-hunt mode. */
  bump?: BumpOptions;
  /** Record the mean |bias| every this many epochs (and at the last). 0 = never. */
  biasEvery?: number;
  /** Write a checkpoint every this many epochs (and at the end) to `checkpointPath`. */
  checkpointEvery?: number;
  checkpointPath?: string;
}

export interface EpochRecord {
  epoch: number;
  loss: number;
  lossSig: number;
  penYield: number;
  penUnc: number;
  z: number[];
  temperature: number;
  steepness: number;
  lr: number;
  /** Mean |bias| over categories (every biasEvery epochs), else null. */
  bias: number | null;
  /** Soft background per category divided by f_k (bump mode: the full-range continuum). */
  continuum?: number[];
}

export interface Checkpoint {
  format: "searchlight-categorize-checkpoint";
  version: 1;
  spec: ModelSpec;
  /** Epochs completed. */
  epoch: number;
  params: number[];
  optimizer: FirstOrderState;
  factors: number[] | null;
  history: EpochRecord[];
  seed: number;
}

export interface TrainResult {
  params: Float64Array;
  history: EpochRecord[];
  factors: WindowFactor[] | null;
  /** Wall-clock seconds of the training loop. */
  seconds: number;
}

/** Loss, its parts and (with grad) the gradient with respect to the raw parameters. */
export async function objective(pass: SoftPass, model: BinningModel, loss: GatoLoss, params: Float64Array, temp: number, sharp: number,
  f: Float64Array | null, grad?: Float64Array): Promise<LossValue & { y: Float64Array; y2: Float64Array }> {
  const state = model.compile(params, sharp);
  const { y, y2 } = await pass.forward(state, temp);
  if (!grad) return { ...loss.evaluate(y, y2, f), y, y2 };
  const gY = new Float64Array(y.length), gY2 = new Float64Array(y.length);
  const v = loss.evaluate(y, y2, f, gY, gY2);
  const stats = await pass.backward(state, temp, gY, gY2);
  model.gradient(params, state, temp, stats, grad);
  return { ...v, y, y2 };
}

/** Scheduled value for epoch e ("after": epoch e runs with the value set after epoch e − 1). */
function scheduled(s: Schedule, e: number, o: TrainOptions): number {
  if (o.timing === "before") return scheduleValue(s, e, o.epochs);
  return e === 0 ? s.start : scheduleValue(s, e - 1, o.epochs);
}

/** Mean |(B_hard − B_soft)/max(B_hard, 1e-8)| over categories, all processes summed (§A2 get_bias). */
export function meanAbsBias(hardY: Float64Array, softY: Float64Array, k: number): number {
  return categoryBias(hardY, softY, k).reduce((t, b) => t + Math.abs(b), 0) / k;
}

/** Per category (B_hard − B_soft)/max(B_hard, 1e-8), all processes summed (§A2 get_bias). */
export function categoryBias(hardY: Float64Array, softY: Float64Array, k: number): number[] {
  const P = hardY.length / k;
  return Array.from({ length: k }, (_, c) => {
    let h = 0, s = 0;
    for (let p = 0; p < P; p++) { h += hardY[p * k + c]; s += softY[p * k + c]; }
    return (h - s) / Math.max(h, 1e-8);
  });
}

export async function refitFactors(pass: SoftPass, model: BinningModel, params: Float64Array, sharp: number, events: EventSet, bump: BumpOptions): Promise<WindowFactor[]> {
  const hard = await pass.hard(model.compile(params, sharp), { window: bump.window, hist: { lo: bump.range[0], hi: bump.range[1], bins: bump.bins } });
  const K = model.k;
  const inWin = new Float64Array(K);
  events.processes.forEach((p, pi) => { if (p.signal < 0) for (let k = 0; k < K; k++) inWin[k] += hard.yw![pi * K + k]; });
  return windowFactors(hard.hist!, inWin, bump);
}

/**
 * Train `model` on `events`. `resume` continues from a checkpoint; `onEpoch` sees every record;
 * `executor` runs the event loop on worker threads (default: this thread).
 */
export async function train(model: BinningModel, events: EventSet, o: TrainOptions,
  extra: { executor?: TaskExecutor; resume?: Checkpoint; onEpoch?: (r: EpochRecord) => void; chunk?: number } = {}): Promise<TrainResult> {
  if (o.bump && !events.mass) throw new Error("bump-hunt mode needs a mass per event");
  const pass = new SoftPass(model, events, extra.executor, extra.chunk);
  const loss = new GatoLoss(events.processes, model.k, o.loss);
  const opt = new FirstOrderOptimizer(o.optimizer, model.nParams);
  let params: Float64Array;
  let start = 0;
  let history: EpochRecord[] = [];
  let f: Float64Array | null = null;
  let factors: WindowFactor[] | null = null;
  if (extra.resume) {
    const c = extra.resume;
    params = Float64Array.from(c.params);
    opt.restore(c.optimizer);
    start = c.epoch;
    history = c.history.slice();
    f = c.factors ? Float64Array.from(c.factors) : null;
  } else {
    params = model.init(new Rng(o.seed));
  }
  const grad = new Float64Array(model.nParams);
  const t0 = performance.now();
  const save = (epoch: number) => {
    if (!o.checkpointPath) return;
    const c: Checkpoint = {
      format: "searchlight-categorize-checkpoint", version: 1, spec: model.spec, epoch, params: Array.from(params),
      optimizer: opt.state(), factors: f ? Array.from(f) : null, history, seed: o.seed,
    };
    writeJsonAtomic(o.checkpointPath, c);
  };
  try {
    for (let e = start; e < o.epochs; e++) {
      const temp = scheduled(o.temperature, e, o);
      const sharp = scheduled(o.steepness, e, o);
      const lr = scheduled(o.lr, e, o);
      if (o.bump && (e === 0 || e % o.bump.interval === 0 || (f === null))) {
        factors = await refitFactors(pass, model, params, sharp, events, o.bump);
        f = Float64Array.from(factors, (x) => x.f);
      }
      const v = await objective(pass, model, loss, params, temp, sharp, f, grad);
      const rec: EpochRecord = {
        epoch: e, loss: v.loss, lossSig: v.lossSig, penYield: v.penYield, penUnc: v.penUnc, z: Array.from(v.z),
        temperature: temp, steepness: sharp, lr, bias: null,
      };
      if (f) rec.continuum = Array.from(v.b, (b, k) => b / f![k]);
      const be = o.biasEvery ?? 0;
      if (be > 0 && (e % be === 0 || e === o.epochs - 1)) {
        const hard = await pass.hard(model.compile(params, sharp));
        rec.bias = meanAbsBias(hard.y, v.y, model.k);
      }
      if (!grad.every(Number.isFinite)) throw new Error(`categorize: non-finite gradient at epoch ${e}`);
      opt.step(params, grad, lr);
      history.push(rec);
      extra.onEpoch?.(rec);
      if (o.checkpointEvery && (e + 1) % o.checkpointEvery === 0) save(e + 1);
    }
    save(o.epochs);
  } finally {
    await pass.close();
  }
  return { params, history, factors, seconds: (performance.now() - t0) / 1000 };
}
