// What the categorize verbs share: the executor from --workers, the epoch progress bar, and the
// human-readable summary of a run.
import { poolTaskExecutor } from "../../batch/pool.ts";
import { Progress } from "../../batch/progress.ts";
import type { TaskExecutor } from "../../infer/executor.ts";
import type { CategoriesFile, RunResult } from "../../categorize/run.ts";
import { fmtNum, table } from "../shared/format.ts";
import { workers } from "../shared/options.ts";

/** Worker threads for the event loop (none for one worker). */
export function executorOf(v: string | undefined): TaskExecutor | undefined {
  const n = workers(v);
  return n > 1 ? poolTaskExecutor(n) : undefined;
}

/** One progress bar per trained model (epochs), silent with --quiet or --json or off a terminal. */
export function epochProgress(epochs: number, quiet: boolean): (k: number) => Progress {
  const bars = new Map<number, Progress>();
  return (k: number) => {
    let b = bars.get(k);
    if (!b) { b = new Progress(epochs, `K = ${k}`, !quiet && Boolean(process.stderr.isTTY)); bars.set(k, b); }
    return b;
  };
}

export function runSummary(f: CategoriesFile, r: RunResult): string {
  const lines = [`K = ${r.k}: ${f.signals.map((s, u) => `Z(${s}) = ${fmtNum(r.evaluation.z[u])}`).join(", ")}${f.signals.length > 1 ? `, geometric mean ${fmtNum(r.evaluation.geomean)}` : ""} (${r.evaluation.used} non-empty categories, ${r.seconds.toFixed(1)} s)`];
  const b = r.baselines;
  const eb = r.evaluation.boundaries;
  if (eb && typeof eb[0] === "number") {
    const [lo, hi] = f.score_range ?? [0, 1];
    lines.push(`  hard boundaries: ${(eb as number[]).map((x) => fmtNum(lo + x * (hi - lo))).join(", ")} (categories left to right: ${r.evaluation.order?.join(", ")})`);
  }
  if (eb && Array.isArray(eb[0])) {
    const [lo, hi] = f.score_range ?? [0, 1];
    (eb as number[][]).forEach((v, j) => lines.push(`  cut points of score ${j}: ${v.map((x) => fmtNum(lo + x * (hi - lo))).join(", ")}`));
  }
  if (b.equidistant) lines.push(`  equidistant: ${Object.entries(b.equidistant).map(([n, z]) => `${n} bins ${fmtNum(z)}`).join(", ")}`);
  if (b.dp) lines.push(`  best contiguous ${b.dp.k} bins (DP, ${b.dp.grid}-bin grid): ${fmtNum(b.dp.z)}`);
  if (b.argmax) lines.push(`  argmax + equidistant: ${Object.entries(b.argmax).map(([n, z]) => `n = ${n}: ${z.map(fmtNum).join(" / ")}`).join("; ")}`);
  const rows: (string | number)[][] = [["category", "background", "rel. unc.", ...f.signals.map((s) => `S(${s})`), ...f.signals.map((s) => `Z(${s})`)]];
  for (const c of r.evaluation.categories) rows.push([String(c.index), c.background, c.relUnc, ...c.signal, ...c.z]);
  lines.push(table(rows).split("\n").map((l) => "  " + l).join("\n"));
  return lines.join("\n") + "\n";
}

/** The JSON summary of a categories file (the --json output). */
export function jsonSummary(f: CategoriesFile, extra: Record<string, unknown> = {}) {
  return {
    signals: f.signals, mode: f.mode, window: f.window, seed: f.seed,
    runs: f.runs.map((r) => ({
      k: r.k, z: Object.fromEntries(f.signals.map((s, u) => [s, r.evaluation.z[u]])), geomean: r.evaluation.geomean, used: r.evaluation.used,
      baselines: r.baselines, seconds: r.seconds, final_loss: r.finalLoss, factors: r.factors?.map((x) => x.f) ?? null,
    })),
    ...extra,
  };
}
