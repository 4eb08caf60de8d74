// First-order gradient steps for full-batch training (used by src/categorize): RMSprop as Keras
// defines it (rho 0.9, eps 1e-7 inside the square root, no momentum; ../shared/specs/gato_sage.md
// §A7) and Adam (Kingma & Ba 2015, Algorithm 1, with bias correction). The learning rate is
// passed at each step, so a scheduler can change it between steps. State is plain Float64Arrays
// so it can be checkpointed to JSON and resumed.

export type FirstOrderKind = "rmsprop" | "adam";

export interface FirstOrderState {
  kind: FirstOrderKind;
  /** Steps taken. */
  t: number;
  /** RMSprop: running mean of g²; Adam: second moment. */
  v: number[];
  /** Adam: first moment (empty for RMSprop). */
  m: number[];
}

export interface FirstOrderOptions {
  /** RMSprop decay ρ (0.9) / Adam β₂ (0.999). */
  rho?: number;
  /** Adam β₁ (0.9). */
  beta1?: number;
  /** ε (1e-7, Keras' default for both). */
  eps?: number;
}

export class FirstOrderOptimizer {
  readonly v: Float64Array;
  readonly m: Float64Array;
  t = 0;
  private readonly rho: number;
  private readonly beta1: number;
  private readonly eps: number;

  constructor(readonly kind: FirstOrderKind, readonly n: number, o: FirstOrderOptions = {}) {
    this.v = new Float64Array(n);
    this.m = new Float64Array(kind === "adam" ? n : 0);
    this.rho = o.rho ?? (kind === "adam" ? 0.999 : 0.9);
    this.beta1 = o.beta1 ?? 0.9;
    this.eps = o.eps ?? 1e-7;
  }

  /** θ ← θ − step(g) in place, with learning rate lr. */
  step(theta: Float64Array, g: Float64Array, lr: number): void {
    const { v, m, rho, eps } = this;
    this.t++;
    if (this.kind === "rmsprop") {
      // v ← ρv + (1−ρ)g²; θ ← θ − lr·g/√(v + ε)
      for (let i = 0; i < this.n; i++) {
        v[i] = rho * v[i] + (1 - rho) * g[i] * g[i];
        theta[i] -= (lr * g[i]) / Math.sqrt(v[i] + eps);
      }
      return;
    }
    const b1 = this.beta1;
    const c1 = 1 - Math.pow(b1, this.t), c2 = 1 - Math.pow(rho, this.t);
    for (let i = 0; i < this.n; i++) {
      m[i] = b1 * m[i] + (1 - b1) * g[i];
      v[i] = rho * v[i] + (1 - rho) * g[i] * g[i];
      theta[i] -= (lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + eps);
    }
  }

  state(): FirstOrderState {
    return { kind: this.kind, t: this.t, v: Array.from(this.v), m: Array.from(this.m) };
  }

  restore(s: FirstOrderState): void {
    if (s.kind !== this.kind || s.v.length !== this.n) throw new Error(`optimizer state: expected ${this.kind} with ${this.n} parameters`);
    this.t = s.t;
    this.v.set(s.v);
    this.m.set(s.m);
  }
}
