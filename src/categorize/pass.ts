// One chunk of the event loop: what a worker thread (or this thread) runs for chunk c of a
// categorisation — the soft forward pass (yields, γ cached), the backward pass (sufficient
// statistics) and the hard pass (yields per category, in-window yields, background mass
// histograms). Chunks have a fixed size, whatever the number of workers, and their partial sums
// are reduced in chunk order (engine.ts), so results are bit-identical for any worker count.
import { gmmKernel } from "./gmm.ts";
import { sigmoidKernel } from "./sigmoid.ts";
import type { EventKernel, ModelSpec } from "./model.ts";

export interface PassData {
  spec: ModelSpec;
  /** Number of processes. */
  nProc: number;
  /** Events per chunk. */
  chunk: number;
  n: number;
  x: Float64Array;
  w: Float64Array;
  proc: Int32Array;
  mass?: Float64Array;
  /** γ cache (n·K), on a SharedArrayBuffer when workers share it. */
  gamma: Float64Array;
}

export type PassTask =
  | { op: "fwd"; c: number; state: Float64Array; temp: number }
  | { op: "bwd"; c: number; state: Float64Array; temp: number; gY: Float64Array; gY2: Float64Array }
  | { op: "hard"; c: number; state: Float64Array; window?: [number, number]; hist?: { lo: number; hi: number; bins: number }; cats?: boolean };

export interface HardPartial {
  y: Float64Array;
  y2: Float64Array;
  /** In-window yields (when a window and masses are given). */
  yw?: Float64Array;
  yw2?: Float64Array;
  /** Background mass histograms per category (K·bins), all backgrounds summed. */
  hist?: Float64Array;
  /** Hard category per event of the chunk. */
  cats?: Int32Array;
}

export function kernelOf(spec: ModelSpec): EventKernel {
  return spec.type === "gmm" ? gmmKernel(spec.k, spec.d) : sigmoidKernel(spec);
}

/** The per-chunk runner (also the executor factory: `passRunner(data)`). */
export function passRunner(data: PassData & { background?: Uint8Array }): { run(t: PassTask): Float64Array | HardPartial } {
  const kern = kernelOf(data.spec);
  const K = kern.k;
  const P = data.nProc;
  const isBkg = data.background;
  return {
    run(t: PassTask) {
      const i0 = t.c * data.chunk;
      const i1 = Math.min(data.n, i0 + data.chunk);
      const gamma = data.gamma.subarray(i0 * K, i1 * K);
      if (t.op === "fwd") {
        const out = new Float64Array(2 * P * K);
        kern.forward(t.state, t.temp, data.x, data.w, data.proc, i0, i1, gamma, out.subarray(0, P * K), out.subarray(P * K));
        return out;
      }
      if (t.op === "bwd") {
        const stats = new Float64Array(kern.statsLength);
        kern.backward(t.state, t.temp, data.x, data.w, data.proc, i0, i1, gamma, t.gY, t.gY2, stats);
        return stats;
      }
      const r: HardPartial = { y: new Float64Array(P * K), y2: new Float64Array(P * K) };
      const win = t.window && data.mass ? t.window : undefined;
      if (win) { r.yw = new Float64Array(P * K); r.yw2 = new Float64Array(P * K); }
      const hs = t.hist && data.mass ? t.hist : undefined;
      if (hs) r.hist = new Float64Array(K * hs.bins);
      if (t.cats) r.cats = new Int32Array(i1 - i0);
      for (let i = i0; i < i1; i++) {
        const k = kern.hard(t.state, data.x, i);
        if (r.cats) r.cats[i - i0] = k;
        const wi = data.w[i];
        const j = data.proc[i] * K + k;
        r.y[j] += wi;
        r.y2[j] += wi * wi;
        if (win) {
          const m = data.mass![i];
          if (m >= win[0] && m <= win[1]) { r.yw![j] += wi; r.yw2![j] += wi * wi; }
        }
        if (hs && isBkg && isBkg[data.proc[i]]) {
          const m = data.mass![i];
          if (m >= hs.lo && m <= hs.hi) {
            const b = Math.min(hs.bins - 1, Math.floor(((m - hs.lo) / (hs.hi - hs.lo)) * hs.bins));
            r.hist![k * hs.bins + b] += wi;
          }
        }
      }
      return r;
    },
  };
}
