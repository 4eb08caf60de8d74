// A small dense damped Newton (Levenberg–Marquardt on the exact Hessian) for the few-parameter
// Poisson fits of the background-only toys (resonance/fast-parametric.ts, resonance/fast-gp.ts): the problem
// writes f, its gradient and its Hessian into buffers this class owns, so a fit allocates
// nothing. Step: (H + μ·diag(H)) δ = −g with a backtracking (Armijo) line search; μ ÷ 10 (to 0
// below 1e-9) after a decrease, × 10 when none is found (Nocedal & Wright §3.1, §10.3). Converged when the
// Newton decrement gᵀ(H)⁻¹g (μ < 1e-3) is below `tol` (the fits' 2NLL are then exact to ~tol),
// or when 10 iterations (5 or more steps taken) lowered f by less than 1e-9 (stalled on a kink).
import { choleskyInPlace, choleskySolve } from "../math/linalg.ts";

export interface NewtonProblem {
  /** Number of free parameters. */
  readonly n: number;
  /** f(x); when g and H are given (not null), also the gradient and the Hessian (n×n row-major, both triangles). */
  evaluate(x: Float64Array, g: Float64Array | null, H: Float64Array | null): number;
}

export interface NewtonResult {
  f: number;
  converged: boolean;
  iterations: number;
}

export class DenseNewton {
  readonly g: Float64Array;
  /** Hessian at the last accepted point (after minimize: at the minimum). */
  readonly H: Float64Array;
  private readonly A: Float64Array;
  private readonly d: Float64Array;
  private readonly xt: Float64Array;
  /** Gradient and Hessian at the full step's trial point (kept when that step is accepted). */
  private readonly gt: Float64Array;
  private readonly Ht: Float64Array;

  constructor(readonly maxN: number) {
    this.g = new Float64Array(maxN);
    this.H = new Float64Array(maxN * maxN);
    this.A = new Float64Array(maxN * maxN);
    this.d = new Float64Array(maxN);
    this.xt = new Float64Array(maxN);
    this.gt = new Float64Array(maxN);
    this.Ht = new Float64Array(maxN * maxN);
  }

  /** Minimise p from x (overwritten with the minimum). */
  minimize(p: NewtonProblem, x: Float64Array, o: { maxIter?: number; tol?: number } = {}): NewtonResult {
    const n = p.n, maxIter = o.maxIter ?? 100, tol = o.tol ?? 1e-10;
    if (n > this.maxN) throw new Error(`DenseNewton: ${n} parameters, built for ${this.maxN}`);
    const g = this.g, H = this.H, A = this.A, d = this.d, xt = this.xt, gt = this.gt, Ht = this.Ht;
    let f = p.evaluate(x, g, H);
    if (!Number.isFinite(f)) return { f, converged: false, iterations: 0 };
    let mu = 0, fCheck = f, accepted = 0;
    for (let it = 1; it <= maxIter; it++) {
      // stalled: 10 iterations with accepted steps lowered f by less than 1e-9 in all (a kink such
      // as λ's floor makes Newton zigzag); f, all that q0 needs, is then resolved to that
      if (it % 10 === 0) {
        if (accepted >= 5 && fCheck - f < 1e-9) return { f, converged: true, iterations: it };
        fCheck = f;
        accepted = 0;
      }
      // damped system, raising μ until it is positive definite
      let ok = false;
      for (let tries = 0; tries < 40 && !ok; tries++) {
        for (let i = 0; i < n; i++) {
          for (let j = 0; j < n; j++) A[i * n + j] = H[i * n + j];
          A[i * n + i] += mu * Math.max(Math.abs(H[i * n + i]), 1e-12);
        }
        ok = choleskyInPlace(A, n);
        if (!ok) mu = mu === 0 ? 1e-6 : mu * 10;
      }
      if (!ok) return { f, converged: false, iterations: it };
      for (let i = 0; i < n; i++) d[i] = -g[i];
      choleskySolve(A, n, d);
      let dec = 0;
      for (let i = 0; i < n; i++) dec -= g[i] * d[i];
      if (mu < 1e-3 && dec < tol) return { f, converged: true, iterations: it };
      // backtracking (Armijo) along the step: the floor's soft wall makes f stiff on one side.
      // The full step (t = 1, usually accepted) is evaluated with its gradient and Hessian, which
      // an accepted full step then keeps: one evaluation per iteration instead of two.
      let t = 1, ft = NaN;
      for (let ls = 0; ls < 40; ls++, t *= 0.5) {
        for (let i = 0; i < n; i++) xt[i] = x[i] + t * d[i];
        ft = ls === 0 ? p.evaluate(xt, gt, Ht) : p.evaluate(xt, null, null);
        if (Number.isFinite(ft) && ft <= f - 1e-4 * t * dec) break;
      }
      if (Number.isFinite(ft) && ft <= f - 1e-4 * t * dec) {
        for (let i = 0; i < n; i++) x[i] = xt[i];
        if (t === 1) {
          f = ft;
          g.set(gt.subarray(0, n));
          H.set(Ht.subarray(0, n * n));
        } else f = p.evaluate(x, g, H);
        accepted++;
        mu = mu < 1e-9 ? 0 : mu / 10;
      } else {
        // no decrease along the step: at the minimum to rounding, or a poor model (more damping)
        if (dec < 1e3 * tol) return { f, converged: true, iterations: it };
        mu = mu === 0 ? 1e-4 : mu * 10;
        if (mu > 1e12) return { f, converged: false, iterations: it };
      }
    }
    return { f, converged: false, iterations: maxIter };
  }

  /** (H⁻¹)_kk at the last accepted point (n free parameters); NaN if H is not positive definite. */
  inverseDiagonal(n: number, k: number): number {
    const A = this.A, H = this.H, d = this.d;
    A.set(H.subarray(0, n * n));
    if (!choleskyInPlace(A, n)) return NaN;
    d.fill(0, 0, n);
    d[k] = 1;
    choleskySolve(A, n, d);
    return d[k];
  }
}
