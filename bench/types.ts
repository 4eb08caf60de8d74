// A benchmark file `bench/<name>.bench.ts` exports `run(): Promise<BenchSection>`;
// bench/run.ts runs them all and writes BENCHMARKS.md.
export interface BenchRow {
  case: string;
  /** What was timed, e.g. "MLE fit". */
  what: string;
  /** Our time in seconds (median of repeats). */
  ours: number;
  /** The peer's time in seconds, from ../shared/reference, or null if none recorded. */
  peer: number | null;
  note?: string;
}
export interface BenchSection {
  title: string;
  /** Peer and its settings, e.g. "pyhf 0.7.7.dev398, numpy backend, SLSQP". */
  peerName: string;
  rows: BenchRow[];
}

/** Median wall time in seconds of `repeats` calls of fn (after one warm-up call). */
export async function timeIt(fn: () => unknown | Promise<unknown>, repeats = 5): Promise<number> {
  await fn();
  const ts: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const t0 = performance.now();
    await fn();
    ts.push((performance.now() - t0) / 1000);
  }
  ts.sort((a, b) => a - b);
  return ts[Math.floor(ts.length / 2)];
}
