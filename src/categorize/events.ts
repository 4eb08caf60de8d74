// The events a categorisation runs on: d discriminant values per event, a weight, the index of
// its process and (bump-hunt mode) a mass. Columns live in SharedArrayBuffers so that worker
// threads read them without copies.
import type { ProcessRole } from "./loss.ts";

export interface EventSet {
  /** Dimension of the discriminant. */
  d: number;
  /** Number of events. */
  n: number;
  /** Discriminant values, event-major (n·d). */
  x: Float64Array;
  /** Event weights (n). */
  w: Float64Array;
  /** Process index of each event (n), into `processes`. */
  proc: Int32Array;
  /** Mass per event (bump-hunt mode). */
  mass?: Float64Array;
  processes: ProcessRole[];
  /** Physical range of the scores, which are stored mapped onto [0, 1] (files read through a configuration). */
  scoreRange?: [number, number];
}

/** A Float64Array of length n on a SharedArrayBuffer (visible to worker threads without copies). */
export function sharedF64(n: number): Float64Array {
  return new Float64Array(new SharedArrayBuffer(Math.max(1, n) * 8), 0, n);
}

export function sharedI32(n: number): Int32Array {
  return new Int32Array(new SharedArrayBuffer(Math.max(1, n) * 4), 0, n);
}

/** One process's columns, as read from a file or generated. */
export interface ProcessEvents {
  name: string;
  /** Discriminant, event-major (n·d). */
  x: Float64Array;
  w: Float64Array;
  mass?: Float64Array;
}

/**
 * Concatenate per-process events into one EventSet. `signals` lists the signal labels in
 * order; `reweight` the backgrounds whose yields take bump-hunt window factors (all when
 * undefined).
 */
export function buildEventSet(d: number, procs: ProcessEvents[], signals: readonly string[], reweight?: readonly string[]): EventSet {
  const n = procs.reduce((s, p) => s + p.w.length, 0);
  const x = sharedF64(n * d), w = sharedF64(n), proc = sharedI32(n);
  const hasMass = procs.every((p) => p.mass !== undefined);
  const mass = hasMass ? sharedF64(n) : undefined;
  let o = 0;
  procs.forEach((p, pi) => {
    x.set(p.x, o * d);
    w.set(p.w, o);
    proc.fill(pi, o, o + p.w.length);
    if (mass) mass.set(p.mass!, o);
    o += p.w.length;
  });
  const processes: ProcessRole[] = procs.map((p) => {
    const s = signals.indexOf(p.name);
    return { name: p.name, signal: s, reweight: s < 0 && (reweight === undefined || reweight.includes(p.name)) };
  });
  return { d, n, x, w, proc, mass, processes };
}

/** Total weight per process. */
export function processTotals(ev: EventSet): number[] {
  const t = new Array<number>(ev.processes.length).fill(0);
  for (let i = 0; i < ev.n; i++) t[ev.proc[i]] += ev.w[i];
  return t;
}
