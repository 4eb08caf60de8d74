// Schedulers of gato-hep (../shared/specs/gato_sage.md §A6) for the temperature, the sigmoid
// steepness and the learning rate: τ = e / max(1, E) (never reaching 1), exponential
// v0·(vf/v0)^τ or cosine vf + ½(v0 − vf)(1 + cos πτ).

export type ScheduleMode = "exponential" | "cosine" | "constant";

export interface Schedule {
  mode: ScheduleMode;
  start: number;
  end: number;
}

/** Value of a schedule at epoch e of E. */
export function scheduleValue(s: Schedule, epoch: number, total: number): number {
  if (s.mode === "constant") return s.start;
  const tau = epoch / Math.max(1, total);
  if (s.mode === "exponential") return s.start * Math.pow(s.end / s.start, tau);
  return s.end + 0.5 * (s.start - s.end) * (1 + Math.cos(Math.PI * tau));
}
