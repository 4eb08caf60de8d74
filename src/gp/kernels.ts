// Covariance kernels with scikit-learn's conventions (sklearn.gaussian_process.kernels, 1.2):
// hyperparameters in log space ("theta"), bounds in linear space, the same hyperparameter order
// (leaves: alphabetical by name, as sklearn's `dir()`; sums/products: k1 then k2), the same
// gradients (∂K/∂ log θ) and the same repr ("31.6**2 * RBF(length_scale=12.3)").
//
// Matrices are row-major Float64Array. `gramLower` fills only the lower triangle (with the
// diagonal) of K(X, X) and of each ∂K/∂θ_p: that is all the Cholesky factorisation and the
// symmetric gradient contraction need. Composite kernels keep one scratch buffer each, reused
// across calls, so repeated evaluations allocate nothing.

import { sqDist, type Points } from "./points.ts";

export type Bounds = readonly [number, number] | "fixed";

export interface HyperparameterInfo {
  /** sklearn-style name, e.g. "k1__constant_value". */
  name: string;
  /** Current value (linear space). */
  value: number;
  bounds: Bounds;
  fixed: boolean;
}

interface Param {
  name: string;
  value: number;
  bounds: Bounds;
}

function checkBounds(name: string, value: number, bounds: Bounds): void {
  if (!(value > 0) || !Number.isFinite(value)) throw new Error(`${name} must be positive and finite, got ${value}`);
  if (bounds !== "fixed") {
    const [lo, hi] = bounds;
    if (!(lo > 0) || !(hi >= lo) || !Number.isFinite(hi)) throw new Error(`${name} bounds must satisfy 0 < lo ≤ hi < ∞, got [${lo}, ${hi}]`);
  }
}

/** Python's "{:.3g}" (sklearn's repr precision): 3 significant digits, trailing zeros removed. */
export function formatG3(x: number): string {
  if (x === 0) return "0";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : x < 0 ? "-inf" : "nan";
  const [mant, expStr] = x.toExponential(2).split("e");
  const exp = Number(expStr);
  const strip = (s: string): string => (s.includes(".") ? s.replace(/0+$/, "").replace(/\.$/, "") : s);
  if (exp < -4 || exp >= 3) {
    const e = Math.abs(exp);
    return `${strip(mant)}e${exp < 0 ? "-" : "+"}${e < 10 ? "0" : ""}${e}`;
  }
  return strip(x.toFixed(Math.max(0, 2 - exp)));
}

export abstract class Kernel {
  /** Hyperparameters of this node (leaves) in sklearn order; composites override hyperparameters(). */
  protected readonly params: Param[] = [];

  /** All hyperparameters (fixed ones included) in sklearn order, with sklearn names. */
  hyperparameters(): HyperparameterInfo[] {
    return this.params.map((p) => ({ name: p.name, value: p.value, bounds: p.bounds, fixed: p.bounds === "fixed" }));
  }

  /** Number of free (non-fixed) hyperparameters = length of theta. */
  get nTheta(): number {
    let k = 0;
    for (const p of this.params) if (p.bounds !== "fixed") k++;
    return k;
  }

  /** log of the free hyperparameters (sklearn's kernel.theta). */
  get theta(): Float64Array {
    return Float64Array.from(this.hyperparameters().filter((h) => !h.fixed), (h) => Math.log(h.value));
  }

  /** Bounds of theta in log space (sklearn's kernel.bounds), one [lo, hi] per free hyperparameter. */
  get boundsLog(): [number, number][] {
    const out: [number, number][] = [];
    for (const h of this.hyperparameters()) if (h.bounds !== "fixed") out.push([Math.log(h.bounds[0]), Math.log(h.bounds[1])]);
    return out;
  }

  /** Set the free hyperparameters from log values theta[offset …]; returns the next offset. */
  setTheta(theta: ArrayLike<number>, offset = 0): number {
    for (const p of this.params) if (p.bounds !== "fixed") p.value = Math.exp(theta[offset++]);
    return offset;
  }

  /** A deep copy with the same hyperparameters (scratch buffers are not shared). */
  abstract clone(): Kernel;
  /** A copy with theta set (sklearn's clone_with_theta). */
  withTheta(theta: ArrayLike<number>): Kernel {
    const k = this.clone();
    const used = k.setTheta(theta, 0);
    if (used !== theta.length) throw new Error(`theta has ${theta.length} entries, kernel has ${used} free hyperparameters`);
    return k;
  }

  /** sklearn-like readable form, e.g. "5.04**2 * RBF(length_scale=0.301)". */
  abstract toString(): string;

  /**
   * Lower triangle (with diagonal) of K(X, X) into `out` (n×n row-major) and, when `grads` is
   * given, of ∂K/∂θ_p (θ = log hyperparameter) into grads[g0 + p] for this kernel's free ones.
   */
  abstract gramLower(X: Points, out: Float64Array, grads: Float64Array[] | null, g0: number): void;
  /** K(X1, X2) into `out` (n1×n2 row-major). As sklearn, WhiteKernel contributes 0 here. */
  abstract cross(X1: Points, X2: Points, out: Float64Array): void;
  /** diag K(X, X) into `out` (n). */
  abstract diag(X: Points, out: Float64Array): void;
  /** True when the kernel is k(x, x') = f(|x − x'|) with f(0) = const (needed by fast paths). */
  isStationary(): boolean {
    return false;
  }

  plus(other: Kernel | number): Sum {
    return new Sum(this, typeof other === "number" ? new ConstantKernel(other, "fixed") : other);
  }
  times(other: Kernel | number): Product {
    return new Product(this, typeof other === "number" ? new ConstantKernel(other, "fixed") : other);
  }
}

/** Squared distances into the lower triangle of `out`. */
function sqDistLower(X: Points, out: Float64Array): void {
  const n = X.n;
  if (X.d === 1) {
    const x = X.x;
    for (let i = 0; i < n; i++) {
      const ri = i * n, xi = x[i];
      for (let j = 0; j <= i; j++) {
        const t = xi - x[j];
        out[ri + j] = t * t;
      }
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) out[ri + j] = sqDist(X, i, X, j);
  }
}

function sqDistCross(X1: Points, X2: Points, out: Float64Array): void {
  const n1 = X1.n, n2 = X2.n;
  if (X1.d !== X2.d) throw new Error(`points have ${X1.d} and ${X2.d} dimensions`);
  for (let i = 0; i < n1; i++) {
    const ri = i * n2;
    for (let j = 0; j < n2; j++) out[ri + j] = sqDist(X1, i, X2, j);
  }
}

/**
 * Stationary kernels with one isotropic length scale: subclasses map squared distances to
 * values (and gradients) over index ranges of a buffer that holds r² on entry.
 */
abstract class StationaryKernel extends Kernel {
  /** out[k] ← f(r²=out[k]) for k ∈ [s, e); gradient buffers filled at the same indices. */
  protected abstract transform(out: Float64Array, s: number, e: number, grads: Float64Array[] | null, g0: number): void;

  gramLower(X: Points, out: Float64Array, grads: Float64Array[] | null, g0: number): void {
    sqDistLower(X, out);
    const n = X.n;
    for (let i = 0; i < n; i++) this.transform(out, i * n, i * n + i + 1, grads, g0);
  }
  cross(X1: Points, X2: Points, out: Float64Array): void {
    sqDistCross(X1, X2, out);
    this.transform(out, 0, X1.n * X2.n, null, 0);
  }
  diag(X: Points, out: Float64Array): void {
    out.fill(1, 0, X.n);
  }
  override isStationary(): boolean {
    return true;
  }
  /**
   * Public form of `transform`: buf[k] ← ρ(r² = buf[k]) for k ∈ [s, e), and ∂ρ/∂θ into
   * grads[g0 + p][k] for this kernel's free θ when `grads` is given (used by envelope.ts).
   */
  mapSquaredDistances(buf: Float64Array, s: number, e: number, grads: Float64Array[] | null, g0: number): void {
    this.transform(buf, s, e, grads, g0);
  }
  /** Column i of K(X, X) (unit amplitude) and, if asked, ∂/∂θ of it for this kernel's free θ. */
  column(X: Points, i: number, out: Float64Array, grads: Float64Array[] | null, g0: number): void {
    for (let j = 0; j < X.n; j++) out[j] = sqDist(X, i, X, j);
    this.transform(out, 0, X.n, grads, g0);
  }
}

/** k(x, x') = c (sklearn ConstantKernel); repr "√c**2". */
export class ConstantKernel extends Kernel {
  constructor(constantValue = 1, bounds: Bounds = [1e-5, 1e5]) {
    super();
    checkBounds("constant_value", constantValue, bounds);
    this.params.push({ name: "constant_value", value: constantValue, bounds });
  }
  get value(): number {
    return this.params[0].value;
  }
  clone(): ConstantKernel {
    return new ConstantKernel(this.params[0].value, this.params[0].bounds);
  }
  toString(): string {
    return `${formatG3(Math.sqrt(this.value))}**2`;
  }
  gramLower(X: Points, out: Float64Array, grads: Float64Array[] | null, g0: number): void {
    const n = X.n, c = this.value;
    const g = grads && this.params[0].bounds !== "fixed" ? grads[g0] : null;
    for (let i = 0; i < n; i++) {
      out.fill(c, i * n, i * n + i + 1);
      if (g) g.fill(c, i * n, i * n + i + 1); // ∂c/∂log c = c
    }
  }
  cross(X1: Points, X2: Points, out: Float64Array): void {
    out.fill(this.value, 0, X1.n * X2.n);
  }
  diag(X: Points, out: Float64Array): void {
    out.fill(this.value, 0, X.n);
  }
}

/** k = noise_level · δ(x, x') on K(X, X) only (sklearn WhiteKernel: K(X, Y) = 0). */
export class WhiteKernel extends Kernel {
  constructor(noiseLevel = 1, bounds: Bounds = [1e-5, 1e5]) {
    super();
    checkBounds("noise_level", noiseLevel, bounds);
    this.params.push({ name: "noise_level", value: noiseLevel, bounds });
  }
  get noiseLevel(): number {
    return this.params[0].value;
  }
  clone(): WhiteKernel {
    return new WhiteKernel(this.params[0].value, this.params[0].bounds);
  }
  toString(): string {
    return `WhiteKernel(noise_level=${formatG3(this.noiseLevel)})`;
  }
  gramLower(X: Points, out: Float64Array, grads: Float64Array[] | null, g0: number): void {
    const n = X.n, w = this.noiseLevel;
    const g = grads && this.params[0].bounds !== "fixed" ? grads[g0] : null;
    for (let i = 0; i < n; i++) {
      out.fill(0, i * n, i * n + i);
      out[i * n + i] = w;
      if (g) {
        g.fill(0, i * n, i * n + i);
        g[i * n + i] = w;
      }
    }
  }
  cross(X1: Points, X2: Points, out: Float64Array): void {
    out.fill(0, 0, X1.n * X2.n);
  }
  diag(X: Points, out: Float64Array): void {
    out.fill(this.noiseLevel, 0, X.n);
  }
}

/** Squared-exponential k = exp(−r²/(2ℓ²)); ∂k/∂log ℓ = k·r²/ℓ² (R&W 2006 eq. 4.9). */
export class RBF extends StationaryKernel {
  constructor(lengthScale = 1, bounds: Bounds = [1e-5, 1e5]) {
    super();
    checkBounds("length_scale", lengthScale, bounds);
    this.params.push({ name: "length_scale", value: lengthScale, bounds });
  }
  get lengthScale(): number {
    return this.params[0].value;
  }
  clone(): RBF {
    return new RBF(this.params[0].value, this.params[0].bounds);
  }
  toString(): string {
    return `RBF(length_scale=${formatG3(this.lengthScale)})`;
  }
  protected transform(out: Float64Array, s: number, e: number, grads: Float64Array[] | null, g0: number): void {
    const inv = 1 / (this.lengthScale * this.lengthScale);
    const g = grads && this.params[0].bounds !== "fixed" ? grads[g0] : null;
    if (g) {
      for (let k = s; k < e; k++) {
        const u = out[k] * inv;
        const v = Math.exp(-0.5 * u);
        out[k] = v;
        g[k] = v * u;
      }
    } else {
      for (let k = s; k < e; k++) out[k] = Math.exp(-0.5 * out[k] * inv);
    }
  }
}

/**
 * Matérn kernel for ν ∈ {1/2, 3/2, 5/2} (R&W eq. 4.14–4.17), r = |x − x'|/ℓ:
 * ν=1/2: e^{−r};  ν=3/2: (1+√3r)e^{−√3r};  ν=5/2: (1+√5r+5r²/3)e^{−√5r}.
 * ∂k/∂log ℓ: r e^{−r};  3r² e^{−√3r};  (5/3) r² (1+√5r) e^{−√5r}  (sklearn's expressions).
 */
export class Matern extends StationaryKernel {
  readonly nu: 0.5 | 1.5 | 2.5;
  constructor(lengthScale = 1, bounds: Bounds = [1e-5, 1e5], nu: 0.5 | 1.5 | 2.5 = 1.5) {
    super();
    if (nu !== 0.5 && nu !== 1.5 && nu !== 2.5) throw new Error(`Matern: nu must be 0.5, 1.5 or 2.5 (use RBF for ∞), got ${nu}`);
    checkBounds("length_scale", lengthScale, bounds);
    this.nu = nu;
    this.params.push({ name: "length_scale", value: lengthScale, bounds });
  }
  get lengthScale(): number {
    return this.params[0].value;
  }
  clone(): Matern {
    return new Matern(this.params[0].value, this.params[0].bounds, this.nu);
  }
  toString(): string {
    return `Matern(length_scale=${formatG3(this.lengthScale)}, nu=${formatG3(this.nu)})`;
  }
  protected transform(out: Float64Array, s: number, e: number, grads: Float64Array[] | null, g0: number): void {
    const inv = 1 / (this.lengthScale * this.lengthScale);
    const g = grads && this.params[0].bounds !== "fixed" ? grads[g0] : null;
    if (this.nu === 0.5) {
      for (let k = s; k < e; k++) {
        const r = Math.sqrt(out[k] * inv);
        const v = Math.exp(-r);
        out[k] = v;
        if (g) g[k] = v * r;
      }
    } else if (this.nu === 1.5) {
      for (let k = s; k < e; k++) {
        const r2 = out[k] * inv;
        const t = Math.sqrt(3 * r2);
        const ex = Math.exp(-t);
        out[k] = (1 + t) * ex;
        if (g) g[k] = 3 * r2 * ex;
      }
    } else {
      for (let k = s; k < e; k++) {
        const r2 = out[k] * inv;
        const t = Math.sqrt(5 * r2);
        const ex = Math.exp(-t);
        out[k] = (1 + t + (5 / 3) * r2) * ex;
        if (g) g[k] = (5 / 3) * r2 * (1 + t) * ex;
      }
    }
  }
}

/**
 * Rational quadratic k = (1 + r²/(2αℓ²))^{−α} (R&W eq. 4.19). Hyperparameter order as sklearn:
 * [alpha, length_scale]. ∂k/∂log α = k(−α ln b + r²/(2ℓ²b)), ∂k/∂log ℓ = k r²/(ℓ² b), b = base.
 */
export class RationalQuadratic extends StationaryKernel {
  constructor(lengthScale = 1, alpha = 1, lengthScaleBounds: Bounds = [1e-5, 1e5], alphaBounds: Bounds = [1e-5, 1e5]) {
    super();
    checkBounds("alpha", alpha, alphaBounds);
    checkBounds("length_scale", lengthScale, lengthScaleBounds);
    this.params.push({ name: "alpha", value: alpha, bounds: alphaBounds });
    this.params.push({ name: "length_scale", value: lengthScale, bounds: lengthScaleBounds });
  }
  get alpha(): number {
    return this.params[0].value;
  }
  get lengthScale(): number {
    return this.params[1].value;
  }
  clone(): RationalQuadratic {
    return new RationalQuadratic(this.params[1].value, this.params[0].value, this.params[1].bounds, this.params[0].bounds);
  }
  toString(): string {
    return `RationalQuadratic(alpha=${formatG3(this.alpha)}, length_scale=${formatG3(this.lengthScale)})`;
  }
  protected transform(out: Float64Array, s: number, e: number, grads: Float64Array[] | null, g0: number): void {
    const a = this.alpha, l2 = this.lengthScale * this.lengthScale;
    let gA: Float64Array | null = null, gL: Float64Array | null = null;
    if (grads) {
      let o = g0;
      if (this.params[0].bounds !== "fixed") gA = grads[o++];
      if (this.params[1].bounds !== "fixed") gL = grads[o++];
    }
    const c = 1 / (2 * a * l2);
    for (let k = s; k < e; k++) {
      const d2 = out[k];
      const base = 1 + d2 * c;
      const v = Math.pow(base, -a);
      out[k] = v;
      if (gA) gA[k] = v * (-a * Math.log(base) + d2 / (2 * l2 * base));
      if (gL) gL[k] = (v * d2) / (l2 * base);
    }
  }
}

/** Base of Sum and Product: hyperparameters are k1's (prefixed "k1__") then k2's ("k2__"). */
abstract class Binary extends Kernel {
  protected tmp: Float64Array = new Float64Array(0);
  constructor(readonly k1: Kernel, readonly k2: Kernel) {
    super();
  }
  override hyperparameters(): HyperparameterInfo[] {
    return [
      ...this.k1.hyperparameters().map((h) => ({ ...h, name: `k1__${h.name}` })),
      ...this.k2.hyperparameters().map((h) => ({ ...h, name: `k2__${h.name}` })),
    ];
  }
  override setTheta(theta: ArrayLike<number>, offset = 0): number {
    return this.k2.setTheta(theta, this.k1.setTheta(theta, offset));
  }
  override get nTheta(): number {
    return this.k1.nTheta + this.k2.nTheta;
  }
  protected scratch(size: number): Float64Array {
    if (this.tmp.length < size) this.tmp = new Float64Array(size);
    return this.tmp;
  }
}

/** k1 + k2. */
export class Sum extends Binary {
  clone(): Sum {
    return new Sum(this.k1.clone(), this.k2.clone());
  }
  toString(): string {
    return `${this.k1.toString()} + ${this.k2.toString()}`;
  }
  gramLower(X: Points, out: Float64Array, grads: Float64Array[] | null, g0: number): void {
    const n = X.n;
    this.k1.gramLower(X, out, grads, g0);
    const t = this.scratch(n * n);
    this.k2.gramLower(X, t, grads, g0 + this.k1.nTheta);
    for (let i = 0; i < n; i++) {
      const ri = i * n;
      for (let j = ri; j <= ri + i; j++) out[j] += t[j];
    }
  }
  cross(X1: Points, X2: Points, out: Float64Array): void {
    const m = X1.n * X2.n;
    this.k1.cross(X1, X2, out);
    const t = this.scratch(m);
    this.k2.cross(X1, X2, t);
    for (let j = 0; j < m; j++) out[j] += t[j];
  }
  diag(X: Points, out: Float64Array): void {
    this.k1.diag(X, out);
    const t = this.scratch(X.n);
    this.k2.diag(X, t);
    for (let j = 0; j < X.n; j++) out[j] += t[j];
  }
}

/** k1 · k2; ∂(k1k2) = ∂k1·k2 + k1·∂k2. A ConstantKernel factor is applied as a scale. */
export class Product extends Binary {
  clone(): Product {
    return new Product(this.k1.clone(), this.k2.clone());
  }
  toString(): string {
    return `${this.k1.toString()} * ${this.k2.toString()}`;
  }
  gramLower(X: Points, out: Float64Array, grads: Float64Array[] | null, g0: number): void {
    const n = X.n;
    const p1 = this.k1.nTheta;
    const p2 = this.k2.nTheta;
    if (this.k1 instanceof ConstantKernel || this.k2 instanceof ConstantKernel) {
      const constFirst = this.k1 instanceof ConstantKernel;
      const ck = (constFirst ? this.k1 : this.k2) as ConstantKernel;
      const other = constFirst ? this.k2 : this.k1;
      const gc = constFirst ? g0 : g0 + p1; // gradient slot of the constant (if free)
      const go = constFirst ? g0 + p1 : g0; // first slot of the other factor
      const po = constFirst ? p2 : p1;
      other.gramLower(X, out, grads, go);
      const c = ck.value;
      const cFree = ck.nTheta === 1;
      for (let i = 0; i < n; i++) {
        const ri = i * n;
        for (let j = ri; j <= ri + i; j++) out[j] *= c;
        if (grads) {
          for (let p = 0; p < po; p++) {
            const g = grads[go + p];
            for (let j = ri; j <= ri + i; j++) g[j] *= c;
          }
          if (cFree) grads[gc].set(out.subarray(ri, ri + i + 1), ri); // ∂(cK)/∂log c = cK
        }
      }
      return;
    }
    this.k1.gramLower(X, out, grads, g0);
    const t = this.scratch(n * n);
    this.k2.gramLower(X, t, grads, g0 + p1);
    for (let i = 0; i < n; i++) {
      const ri = i * n;
      if (grads) {
        for (let p = 0; p < p1; p++) {
          const g = grads[g0 + p];
          for (let j = ri; j <= ri + i; j++) g[j] *= t[j];
        }
        for (let p = 0; p < p2; p++) {
          const g = grads[g0 + p1 + p];
          for (let j = ri; j <= ri + i; j++) g[j] *= out[j];
        }
      }
      for (let j = ri; j <= ri + i; j++) out[j] *= t[j];
    }
  }
  cross(X1: Points, X2: Points, out: Float64Array): void {
    const m = X1.n * X2.n;
    this.k1.cross(X1, X2, out);
    const t = this.scratch(m);
    this.k2.cross(X1, X2, t);
    for (let j = 0; j < m; j++) out[j] *= t[j];
  }
  diag(X: Points, out: Float64Array): void {
    this.k1.diag(X, out);
    const t = this.scratch(X.n);
    this.k2.diag(X, t);
    for (let j = 0; j < X.n; j++) out[j] *= t[j];
  }
}

export { StationaryKernel };

/** Full symmetric K(X, X) (both triangles), allocated: a convenience for tests and small n. */
export function gramMatrix(kernel: Kernel, X: Points): Float64Array {
  const n = X.n;
  const out = new Float64Array(n * n);
  kernel.gramLower(X, out, null, 0);
  for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) out[j * n + i] = out[i * n + j];
  return out;
}
