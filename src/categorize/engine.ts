// The epoch's event loop over fixed-size chunks, in this thread or on worker threads through a
// TaskExecutor (src/infer/executor.ts; the CLI passes the pool). Partial sums come back by chunk
// index and are added in chunk order, so loss, gradient and yields are the same bytes for any
// number of workers.
import type { TaskExecutor, TaskSession } from "../infer/executor.ts";
import { sharedF64 } from "./events.ts";
import type { EventSet } from "./events.ts";
import type { BinningModel } from "./model.ts";
import { passRunner, type HardPartial, type PassData, type PassTask } from "./pass.ts";

/** Events per chunk (fixed: the reduction order must not depend on the worker count). */
export const DEFAULT_CHUNK = 32768;

export interface HardResult {
  /** Hard yields per process and category (P·K), and Σw². */
  y: Float64Array;
  y2: Float64Array;
  /** In-window yields (bump-hunt mode). */
  yw?: Float64Array;
  yw2?: Float64Array;
  /** Background mass histograms per category (K·bins). */
  hist?: Float64Array;
  /** Hard category per event. */
  cats?: Int32Array;
}

export class SoftPass {
  readonly k: number;
  readonly nChunks: number;
  private readonly data: PassData & { background: Uint8Array };
  private readonly local: ReturnType<typeof passRunner>;
  private session?: TaskSession<PassTask, Float64Array | HardPartial>;

  constructor(readonly model: BinningModel, readonly events: EventSet, readonly executor?: TaskExecutor, chunk = DEFAULT_CHUNK) {
    this.k = model.k;
    this.nChunks = Math.max(1, Math.ceil(events.n / chunk));
    const background = new Uint8Array(events.processes.length);
    events.processes.forEach((p, i) => { background[i] = p.signal < 0 ? 1 : 0; });
    this.data = {
      spec: model.spec, nProc: events.processes.length, chunk, n: events.n,
      x: events.x, w: events.w, proc: events.proc, mass: events.mass,
      gamma: executor ? sharedF64(events.n * model.k) : new Float64Array(events.n * model.k),
      background,
    };
    this.local = passRunner(this.data);
    if (executor) this.session = executor.open({ module: new URL("./pass.ts", import.meta.url).href, factory: "passRunner", args: this.data });
  }

  private async runAll<R>(make: (c: number) => PassTask): Promise<R[]> {
    const tasks = Array.from({ length: this.nChunks }, (_, c) => make(c));
    if (!this.session) return tasks.map((t) => this.local.run(t) as R);
    return (await this.session.run(tasks)) as R[];
  }

  /** Soft yields Y, Y2 (P·K each) at temperature T; γ is cached for the backward pass. */
  async forward(state: Float64Array, temp: number): Promise<{ y: Float64Array; y2: Float64Array }> {
    const parts = await this.runAll<Float64Array>((c) => ({ op: "fwd", c, state, temp }));
    const n = this.data.nProc * this.k;
    const y = new Float64Array(n), y2 = new Float64Array(n);
    for (const p of parts) for (let j = 0; j < n; j++) { y[j] += p[j]; y2[j] += p[n + j]; }
    return { y, y2 };
  }

  /** Sufficient statistics of the backward pass (after forward() at the same state and T). */
  async backward(state: Float64Array, temp: number, gY: Float64Array, gY2: Float64Array): Promise<Float64Array> {
    const parts = await this.runAll<Float64Array>((c) => ({ op: "bwd", c, state, temp, gY, gY2 }));
    const stats = new Float64Array(parts[0].length);
    for (const p of parts) for (let j = 0; j < stats.length; j++) stats[j] += p[j];
    return stats;
  }

  /** Hard (argmax) yields, optionally in a mass window, background mass histograms, and per-event categories. */
  async hard(state: Float64Array, o: { window?: [number, number]; hist?: { lo: number; hi: number; bins: number }; cats?: boolean } = {}): Promise<HardResult> {
    const parts = await this.runAll<HardPartial>((c) => ({ op: "hard", c, state, ...o }));
    const n = this.data.nProc * this.k;
    const r: HardResult = { y: new Float64Array(n), y2: new Float64Array(n) };
    const add = (a: Float64Array, b: Float64Array) => { for (let j = 0; j < a.length; j++) a[j] += b[j]; };
    if (parts[0].yw) { r.yw = new Float64Array(n); r.yw2 = new Float64Array(n); }
    if (parts[0].hist) r.hist = new Float64Array(parts[0].hist.length);
    if (o.cats) r.cats = new Int32Array(this.events.n);
    parts.forEach((p, c) => {
      add(r.y, p.y); add(r.y2, p.y2);
      if (r.yw) { add(r.yw, p.yw!); add(r.yw2!, p.yw2!); }
      if (r.hist) add(r.hist, p.hist!);
      if (r.cats) r.cats.set(p.cats!, c * this.data.chunk);
    });
    return r;
  }

  async close(): Promise<void> {
    await this.session?.close();
  }
}
