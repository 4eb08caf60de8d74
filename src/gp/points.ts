// Input points for GP kernels: n points in d dimensions, row-major in one Float64Array.

export interface Points {
  /** Coordinates, point i at x[i·d … i·d + d − 1]. */
  readonly x: Float64Array;
  readonly n: number;
  readonly d: number;
}

/** Anything accepted as GP inputs: a flat list of 1-D points, a list of rows, or Points. */
export type PointsLike = Points | ArrayLike<number> | ArrayLike<ArrayLike<number>>;

function isPoints(v: PointsLike): v is Points {
  return typeof (v as Points).d === "number" && (v as Points).x instanceof Float64Array;
}

/** Normalise inputs to Points (1-D arrays become n×1). Throws on ragged rows or non-finite values. */
export function toPoints(v: PointsLike): Points {
  if (isPoints(v)) return v;
  const n = v.length;
  if (n === 0) return { x: new Float64Array(0), n: 0, d: 1 };
  const first = v[0];
  if (typeof first === "number") {
    const x = Float64Array.from(v as ArrayLike<number>);
    for (let i = 0; i < n; i++) if (!Number.isFinite(x[i])) throw new Error(`GP input ${i} is not finite`);
    return { x, n, d: 1 };
  }
  const rows = v as ArrayLike<ArrayLike<number>>;
  const d = rows[0].length;
  const x = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    if (r.length !== d) throw new Error(`GP input row ${i} has ${r.length} coordinates, expected ${d}`);
    for (let k = 0; k < d; k++) {
      if (!Number.isFinite(r[k])) throw new Error(`GP input ${i} coordinate ${k} is not finite`);
      x[i * d + k] = r[k];
    }
  }
  return { x, n, d };
}

/** Squared Euclidean distance between point i of a and point j of b. */
export function sqDist(a: Points, i: number, b: Points, j: number): number {
  const d = a.d;
  if (d === 1) {
    const t = a.x[i] - b.x[j];
    return t * t;
  }
  let s = 0;
  const ai = i * d, bj = j * d;
  for (let k = 0; k < d; k++) {
    const t = a.x[ai + k] - b.x[bj + k];
    s += t * t;
  }
  return s;
}
