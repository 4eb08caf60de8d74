// Level crossings of a piecewise-linear curve (spec §3.4 step 4, §9): every segment with
// min(y) ≤ λ ≤ max(y) contributes the linearly interpolated x, in increasing x. An endpoint exactly
// on λ is listed by both segments that share it (as upstream). Unlike upstream, the result is always
// a list; segments that are flat on the level (or have zero width) are reported separately instead
// of replacing the answer with NaN / a bare number.

export interface Crossings {
  /** Interpolated crossing points in increasing x. */
  points: number[];
  /** Segments [x1, x2] lying exactly on the level (y1 = y2 = λ), where the crossing is undefined. */
  flat: [number, number][];
}

export function crossings(x: ArrayLike<number>, y: ArrayLike<number>, level: number): Crossings {
  if (x.length !== y.length) throw new RangeError(`crossings: x has ${x.length} points but y has ${y.length}`);
  const points: number[] = [];
  const flat: [number, number][] = [];
  for (let j = 0; j + 1 < x.length; j++) {
    const x1 = x[j], x2 = x[j + 1], y1 = y[j], y2 = y[j + 1];
    if (!(Math.min(y1, y2) <= level && level <= Math.max(y1, y2))) continue;
    if (x1 === x2) { points.push(x1); continue; }
    if (y1 === y2) { flat.push([x1, x2]); continue; }
    points.push(x1 + ((level - y1) * (x2 - x1)) / (y2 - y1));
  }
  return { points, flat };
}

/** Crossing points of each level (the lists stored as `points` in the scan files). */
export function crossingsByLevel(x: ArrayLike<number>, y: ArrayLike<number>, levels: readonly number[]): Crossings[] {
  return levels.map((level) => crossings(x, y, level));
}
