// Interpolation of a template grid at any nuisance point θ, with the analytic gradient.
//
// All modes are tensor products of per-axis stencils, so each is linear in the node values
// (log-node values for "loglinear") and the templates at θ are Σ_corners W_c·T_c:
//   - "linear": multilinear (C⁰; piecewise-constant gradient) — §B4's trilinear baseline.
//   - "loglinear": multilinear in ln T, then exp: positive and smoother for yields that change
//     by factors (§B4 "interpolate log-yields"); needs every yield > 0.
//   - "cubic": per-axis cubic Hermite with node slopes from the 3-point (non-uniform) central
//     difference — Catmull–Rom on a uniform axis — and second-order one-sided slopes at the
//     end nodes (Fritsch & Carlson 1980 form, without monotonicity limiting so it stays linear
//     in the data). C¹: the gradient is continuous (§B4 "optional upgrade").
// Outside the grid (§B4, C5.4): "clamp" holds θ at the nearest edge (zero gradient along that
// axis); "extrapolate" continues linearly with the slope of the interpolant at the last node
// (for "linear" that is the last cell's line; for "cubic" the end-node slope, which keeps C¹).
// Extrapolated yields can turn negative: the likelihood floors expected counts at 1e-10.
import { InputError } from "../io/errors.ts";
import { gridPoints, totalBins, type TemplateGrid } from "./grid.ts";

export type InterpolationMode = "linear" | "loglinear" | "cubic";
export type OutsideMode = "clamp" | "extrapolate";
export const INTERPOLATION_MODES: readonly InterpolationMode[] = ["linear", "loglinear", "cubic"];
export const OUTSIDE_MODES: readonly OutsideMode[] = ["clamp", "extrapolate"];

export interface InterpolatorOptions {
  mode?: InterpolationMode;
  outside?: OutsideMode;
}

/**
 * Per-axis stencil: weights w[k] and their derivatives dw[k] with respect to the axis value,
 * on nodes base..base+K−1 (K = min(4, n) for cubic, 2 for linear modes).
 */
function axisStencil(x: Float64Array, v: number, cubic: boolean, extrapolate: boolean, w: Float64Array, dw: Float64Array): number {
  const n = x.length;
  const K = cubic ? Math.min(4, n) : 2;
  w.fill(0); dw.fill(0);
  const lo = x[0], hi = x[n - 1];
  if (v < lo || v > hi) {
    const end = v < lo ? 0 : n - 1;
    if (!cubic) {
      const i = v < lo ? 0 : n - 2;
      if (!extrapolate) { w[end - i] = 1; return i; }
      const h = x[i + 1] - x[i], t = (v - x[i]) / h;
      w[0] = 1 - t; w[1] = t; dw[0] = -1 / h; dw[1] = 1 / h;
      return i;
    }
    const base = v < lo ? 0 : n - K;
    w[end - base] = 1;
    if (extrapolate) {
      const d = v - x[end];
      addSlope(x, end, base, d, w);
      addSlope(x, end, base, 1, dw);
    }
    return base;
  }
  // Cell i with x[i] ≤ v ≤ x[i+1].
  let i = 0, j = n - 1;
  while (j - i > 1) { const m = (i + j) >> 1; if (x[m] <= v) i = m; else j = m; }
  const h = x[i + 1] - x[i], t = (v - x[i]) / h;
  if (!cubic) {
    w[0] = 1 - t; w[1] = t; dw[0] = -1 / h; dw[1] = 1 / h;
    return i;
  }
  const base = Math.max(0, Math.min(i - 1, n - K));
  // Hermite basis and its t-derivatives.
  const t2 = t * t, t3 = t2 * t;
  const h00 = 2 * t3 - 3 * t2 + 1, h10 = t3 - 2 * t2 + t, h01 = -2 * t3 + 3 * t2, h11 = t3 - t2;
  const d00 = (6 * t2 - 6 * t) / h, d10 = 3 * t2 - 4 * t + 1, d01 = (-6 * t2 + 6 * t) / h, d11 = 3 * t2 - 2 * t;
  w[i - base] += h00; w[i + 1 - base] += h01;
  dw[i - base] += d00; dw[i + 1 - base] += d01;
  addSlope(x, i, base, h10 * h, w);
  addSlope(x, i + 1, base, h11 * h, w);
  addSlope(x, i, base, d10, dw);
  addSlope(x, i + 1, base, d11, dw);
  return base;
}

/** Add c·(stencil of the slope at node j) into w (offset base): 3-point derivative formulas. */
function addSlope(x: Float64Array, j: number, base: number, c: number, w: Float64Array): void {
  const n = x.length;
  if (n === 2) { const h = x[1] - x[0]; w[0 - base] -= c / h; w[1 - base] += c / h; return; }
  if (j === 0 || j === n - 1) {
    // Derivative at an end node of the quadratic through the three end nodes.
    const [a, b, e] = j === 0 ? [0, 1, 2] : [n - 1, n - 2, n - 3];
    const h0 = x[b] - x[a], h1 = x[e] - x[b]; // signed (negative at the upper end)
    w[a - base] += c * -(2 * h0 + h1) / (h0 * (h0 + h1));
    w[b - base] += c * (h0 + h1) / (h0 * h1);
    w[e - base] += c * -h0 / (h1 * (h0 + h1));
    return;
  }
  const hl = x[j] - x[j - 1], hr = x[j + 1] - x[j];
  w[j - 1 - base] += c * -hr / (hl * (hl + hr));
  w[j - base] += c * (hr - hl) / (hl * hr);
  w[j + 1 - base] += c * hl / (hr * (hl + hr));
}

/**
 * Evaluates a grid's templates (all processes × bins, `size` numbers) at a nuisance point, and
 * their derivatives along every axis. Buffers are allocated once; `evaluate` allocates nothing.
 */
export class GridInterpolator {
  readonly size: number;
  readonly dims: number;
  readonly mode: InterpolationMode;
  readonly outside: OutsideMode;
  private readonly axes: Float64Array[];
  private readonly table: Float64Array;
  private readonly strides: Int32Array;
  private readonly K: number;
  private readonly w: Float64Array[];
  private readonly dw: Float64Array[];
  private readonly base: Int32Array;
  private readonly k: Int32Array;
  private readonly dW: Float64Array;

  constructor(readonly grid: TemplateGrid, o: InterpolatorOptions = {}) {
    this.mode = o.mode ?? "linear";
    this.outside = o.outside ?? "clamp";
    this.dims = grid.axes.length;
    this.size = grid.processes.length * totalBins(grid);
    this.axes = grid.axes.map((a) => a.values);
    if (this.mode === "loglinear") {
      const t = new Float64Array(grid.yields.length);
      for (let i = 0; i < t.length; i++) {
        if (!(grid.yields[i] > 0)) throw new InputError("", "interpolation", `"loglinear" needs every yield > 0, but yields[${i}] = ${grid.yields[i]}: use "linear" or "cubic"`);
        t[i] = Math.log(grid.yields[i]);
      }
      this.table = t;
    } else this.table = grid.yields;
    if (this.table.length !== gridPoints(grid) * this.size) throw new Error("grid size mismatch");
    const d = this.dims;
    this.strides = new Int32Array(d);
    let s = 1;
    for (let a = d - 1; a >= 0; a--) { this.strides[a] = s; s *= this.axes[a].length; }
    this.K = this.mode === "cubic" ? 4 : 2;
    this.w = Array.from({ length: d }, () => new Float64Array(this.K));
    this.dw = Array.from({ length: d }, () => new Float64Array(this.K));
    this.base = new Int32Array(d);
    this.k = new Int32Array(d);
    this.dW = new Float64Array(d);
  }

  /**
   * Templates at θ (one value per axis, in axis order) into out[size]; if `grad` is given, the
   * derivative along axis a into grad[a·size + s].
   */
  evaluate(theta: ArrayLike<number>, out: Float64Array, grad?: Float64Array): void {
    const d = this.dims, K = this.K, size = this.size, T = this.table;
    const cubic = this.mode === "cubic", ext = this.outside === "extrapolate";
    const Ka = this.k;
    for (let a = 0; a < d; a++) {
      this.base[a] = axisStencil(this.axes[a], theta[a], cubic, ext, this.w[a], this.dw[a]);
      Ka[a] = 0;
    }
    // Nodes per axis actually in the stencil window (2 for linear modes; min(4, n) for cubic).
    out.fill(0);
    if (grad) grad.fill(0, 0, d * size);
    const dW = this.dW;
    for (;;) {
      let W = 1, pt = 0;
      for (let a = 0; a < d; a++) { W *= this.w[a][Ka[a]]; pt += (this.base[a] + Ka[a]) * this.strides[a]; }
      let any = W !== 0;
      if (grad) {
        for (let a = 0; a < d; a++) {
          let g = this.dw[a][Ka[a]];
          if (g !== 0) for (let b = 0; b < d; b++) if (b !== a) g *= this.w[b][Ka[b]];
          dW[a] = g;
          if (g !== 0) any = true;
        }
      }
      if (any) {
        const off = pt * size;
        if (W !== 0) for (let s = 0; s < size; s++) out[s] += W * T[off + s];
        if (grad) for (let a = 0; a < d; a++) {
          const g = dW[a];
          if (g === 0) continue;
          const go = a * size;
          for (let s = 0; s < size; s++) grad[go + s] += g * T[off + s];
        }
      }
      // Next corner.
      let a = d - 1;
      for (; a >= 0; a--) {
        const lim = cubic ? Math.min(K, this.axes[a].length) : 2;
        if (++Ka[a] < lim) break;
        Ka[a] = 0;
      }
      if (a < 0) break;
    }
    if (this.mode === "loglinear") {
      for (let s = 0; s < size; s++) out[s] = Math.exp(out[s]);
      if (grad) for (let a = 0; a < d; a++) for (let s = 0; s < size; s++) grad[a * size + s] *= out[s];
    }
  }
}
