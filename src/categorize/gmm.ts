// The GMM binning model of gato-hep (../shared/specs/gato_sage.md §A2): K Gaussian components
// in d dimensions whose tempered posteriors are the soft category assignments, and the
// hand-written reverse-mode gradient through per-component sufficient statistics (§A12).
import { lgamma } from "../math/special.ts";
import type { Rng } from "../math/rng.ts";
import type { BinningModel, EventKernel, GmmSpec } from "./model.ts";

const LOG_2PI = Math.log(2 * Math.PI);

/** σ_base = (V_simplex/(K·V_ball))^{1/m}, m = max(d−1, 1) (§A2): K balls roughly tile the simplex. */
export function sigmaBase(k: number, d: number): number {
  const m = Math.max(d - 1, 1);
  const vSimp = Math.sqrt(d) / Math.exp(lgamma(d)); // √d/(d−1)!
  const vBall = Math.pow(Math.PI, m / 2) / Math.exp(lgamma(m / 2 + 1));
  return Math.pow(vSimp / (k * vBall), 1 / m);
}

// Raw parameter layout: [a (K) | m (K·d) | R (K·d·d, row-major, upper triangle unused)].
// State layout (per component k): [μ (d) | L⁻¹ (d·d lower) | L diag (d) | c_k], c_k = log π_k −
// Σ log L_ii − (d/2) log 2π, so that log N_k + log π_k = c_k − ½‖L⁻¹(x − μ)‖².

export class GmmModel implements BinningModel {
  readonly k: number;
  readonly d: number;
  readonly nParams: number;
  readonly sigma0: number;
  readonly stride: number;

  constructor(readonly spec: GmmSpec) {
    this.k = spec.k;
    this.d = spec.d;
    this.nParams = spec.k * (1 + spec.d + spec.d * spec.d);
    this.sigma0 = sigmaBase(spec.k, spec.d);
    this.stride = gmmStride(spec.d);
  }

  parameterNames(): string[] {
    const { k: K, d } = this;
    const n: string[] = [];
    for (let k = 0; k < K; k++) n.push(`logit[${k}]`);
    for (let k = 0; k < K; k++) for (let j = 0; j < d; j++) n.push(`mean[${k}][${j}]`);
    for (let k = 0; k < K; k++) for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) n.push(`chol[${k}][${i}][${j}]`);
    return n;
  }

  init(rng: Rng): Float64Array {
    const { k: K, d } = this;
    const p = new Float64Array(this.nParams);
    for (let k = 0; k < K; k++) p[k] = 0.1 * rng.normal();
    for (let i = 0; i < K * d; i++) p[K + i] = 2 * rng.normal();
    return p; // R = 0
  }

  /** Effective means μ (K·d) from raw parameters. */
  means(params: Float64Array): Float64Array {
    const { k: K, d } = this;
    const mu = new Float64Array(K * d);
    for (let k = 0; k < K; k++) this.meanOf(params, k, mu, k * d);
    return mu;
  }

  private meanOf(params: Float64Array, k: number, out: Float64Array, off: number): void {
    const { k: K, d, spec } = this;
    const m0 = K + k * d;
    if (spec.meanNorm === "softmax") {
      // μ = softmax([m, 0])[0:d]
      let mx = 0;
      for (let j = 0; j < d; j++) mx = Math.max(mx, params[m0 + j]);
      let z = Math.exp(-mx);
      for (let j = 0; j < d; j++) z += Math.exp(params[m0 + j] - mx);
      for (let j = 0; j < d; j++) out[off + j] = Math.exp(params[m0 + j] - mx) / z;
    } else {
      for (let j = 0; j < d; j++) {
        const [lo, hi] = spec.range[j] ?? spec.range[0];
        out[off + j] = lo + (hi - lo) / (1 + Math.exp(-params[m0 + j]));
      }
    }
  }

  /** Cholesky factor L_k (d·d row-major, lower) from raw parameters. */
  cholesky(params: Float64Array, k: number, out: Float64Array): void {
    const { k: K, d, spec } = this;
    const r0 = K + K * d + k * d * d;
    out.fill(0);
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < i; j++) out[i * d + j] = spec.damping * params[r0 + i * d + j];
      out[i * d + i] = this.sigma0 * Math.exp(params[r0 + i * d + i]);
    }
  }

  /** log π = log_softmax(a). */
  logWeights(params: Float64Array): Float64Array {
    const K = this.k;
    let mx = -Infinity;
    for (let k = 0; k < K; k++) mx = Math.max(mx, params[k]);
    let z = 0;
    for (let k = 0; k < K; k++) z += Math.exp(params[k] - mx);
    const lz = mx + Math.log(z);
    const out = new Float64Array(K);
    for (let k = 0; k < K; k++) out[k] = params[k] - lz;
    return out;
  }

  compile(params: Float64Array): Float64Array {
    const { k: K, d, stride } = this;
    const st = new Float64Array(K * stride);
    const L = new Float64Array(d * d);
    const logPi = this.logWeights(params);
    for (let k = 0; k < K; k++) {
      const o = k * stride;
      this.meanOf(params, k, st, o);
      this.cholesky(params, k, L);
      // L⁻¹ by forward substitution on the unit vectors
      const inv = o + d;
      for (let c = 0; c < d; c++) {
        for (let i = c; i < d; i++) {
          let s = i === c ? 1 : 0;
          for (let j = c; j < i; j++) s -= L[i * d + j] * st[inv + j * d + c];
          st[inv + i * d + c] = s / L[i * d + i];
        }
      }
      let logDet = 0;
      for (let i = 0; i < d; i++) {
        st[o + d + d * d + i] = L[i * d + i];
        logDet += Math.log(L[i * d + i]);
      }
      st[o + stride - 1] = logPi[k] - logDet - 0.5 * d * LOG_2PI;
    }
    return st;
  }

  gradient(params: Float64Array, state: Float64Array, _temp: number, stats: Float64Array, out: Float64Array): void {
    const { k: K, d, stride, spec } = this;
    out.fill(0);
    const logPi = this.logWeights(params);
    // stats per component: Q (1) | s (d) | M (d·d)  (§A12 step 5)
    const ss = 1 + d + d * d;
    let sumQ = 0;
    for (let k = 0; k < K; k++) sumQ += stats[k * ss];
    const gMu = new Float64Array(d);
    const gL = new Float64Array(d * d);
    const L = new Float64Array(d * d);
    for (let k = 0; k < K; k++) {
      const Q = stats[k * ss];
      const s = k * ss + 1;
      const M = s + d;
      const inv = k * stride + d;
      out[k] = Q - Math.exp(logPi[k]) * sumQ; // g_a = Q − π ΣQ
      // g_μ = L⁻ᵀ s  (L⁻ᵀ[i][j] = L⁻¹[j][i])
      for (let i = 0; i < d; i++) {
        let t = 0;
        for (let j = 0; j < d; j++) t += state[inv + j * d + i] * stats[s + j];
        gMu[i] = t;
      }
      const m0 = K + k * d;
      if (spec.meanNorm === "softmax") {
        const mu = k * stride;
        let dot = 0;
        for (let j = 0; j < d; j++) dot += gMu[j] * state[mu + j];
        for (let j = 0; j < d; j++) out[m0 + j] = state[mu + j] * (gMu[j] - dot);
      } else {
        for (let j = 0; j < d; j++) {
          const [lo, hi] = spec.range[j] ?? spec.range[0];
          const sg = 1 / (1 + Math.exp(-params[m0 + j]));
          out[m0 + j] = gMu[j] * (hi - lo) * sg * (1 - sg);
        }
      }
      // g_L = tril(L⁻ᵀ M) − diag(Q / L_ii)
      this.cholesky(params, k, L);
      for (let i = 0; i < d; i++) {
        for (let j = 0; j <= i; j++) {
          let t = 0;
          for (let l = 0; l < d; l++) t += state[inv + l * d + i] * stats[M + l * d + j];
          gL[i * d + j] = t;
        }
        gL[i * d + i] -= Q / L[i * d + i];
      }
      const r0 = K + K * d + k * d * d;
      for (let i = 0; i < d; i++) {
        for (let j = 0; j < i; j++) out[r0 + i * d + j] = spec.damping * gL[i * d + j];
        out[r0 + i * d + i] = gL[i * d + i] * L[i * d + i];
      }
    }
  }

  kernel(): EventKernel {
    return gmmKernel(this.k, this.d);
  }
}

export function gmmStride(d: number): number {
  return d + d * d + d + 1;
}

/** The GMM event loop for K components in d dimensions (see the state layout above). */
export function gmmKernel(K: number, d: number): EventKernel {
  const stride = gmmStride(d);
  const lg = new Float64Array(K);
  const z = new Float64Array(K * d);
  const h = new Float64Array(K);
  const diff = new Float64Array(d);

  // ℓ_k = c_k − ½‖z_k‖² for event i, z_k = L_k⁻¹(x − μ_k) kept in z. Unrolled for d = 1, 2
  // (the common cases: a 1-D score, two softmax outputs), generic otherwise.
  function logits1(st: Float64Array, x: Float64Array, i: number): void {
    const x0 = x[i];
    for (let k = 0; k < K; k++) {
      const o = k * stride;
      const z0 = st[o + 1] * (x0 - st[o]);
      z[k] = z0;
      lg[k] = st[o + 3] - 0.5 * z0 * z0;
    }
  }
  function logits2(st: Float64Array, x: Float64Array, i: number): void {
    const x0 = x[2 * i], x1 = x[2 * i + 1];
    for (let k = 0; k < K; k++) {
      const o = k * stride;
      const d0 = x0 - st[o], d1 = x1 - st[o + 1];
      const z0 = st[o + 2] * d0;
      const z1 = st[o + 4] * d0 + st[o + 5] * d1;
      z[2 * k] = z0;
      z[2 * k + 1] = z1;
      lg[k] = st[o + 8] - 0.5 * (z0 * z0 + z1 * z1);
    }
  }
  const logits = d === 1 ? logits1 : d === 2 ? logits2 : logitsN;
  function logitsN(st: Float64Array, x: Float64Array, i: number): void {
    const xi = i * d;
    for (let k = 0; k < K; k++) {
      const o = k * stride;
      for (let j = 0; j < d; j++) diff[j] = x[xi + j] - st[o + j];
      const inv = o + d;
      let q = 0;
      for (let r = 0; r < d; r++) {
        let t = 0;
        for (let c = 0; c <= r; c++) t += st[inv + r * d + c] * diff[c];
        z[k * d + r] = t;
        q += t * t;
      }
      lg[k] = st[o + stride - 1] - 0.5 * q;
    }
  }

  return {
    k: K,
    d,
    statsLength: K * (1 + d + d * d),
    forward(st, temp, x, w, proc, i0, i1, gamma, y, y2) {
      const it = 1 / temp;
      for (let i = i0; i < i1; i++) {
        logits(st, x, i);
        // tempered softmax with log-sum-exp (§A13)
        let mx = -Infinity;
        for (let k = 0; k < K; k++) if (lg[k] > mx) mx = lg[k];
        let sum = 0;
        const g0 = (i - i0) * K;
        for (let k = 0; k < K; k++) {
          const e = Math.exp((lg[k] - mx) * it);
          gamma[g0 + k] = e;
          sum += e;
        }
        const wi = w[i];
        const wi2 = wi * wi;
        const row = proc[i] * K;
        const inv = 1 / sum;
        for (let k = 0; k < K; k++) {
          const g = gamma[g0 + k] * inv;
          gamma[g0 + k] = g;
          y[row + k] += g * wi;
          y2[row + k] += g * wi2;
        }
      }
    },
    backward(st, temp, x, w, proc, i0, i1, gamma, gY, gY2, stats) {
      const it = 1 / temp;
      const ss = 1 + d + d * d;
      for (let i = i0; i < i1; i++) {
        const wi = w[i];
        const wi2 = wi * wi;
        const row = proc[i] * K;
        const g0 = (i - i0) * K;
        // h_ik = w_i ∂L/∂Y_pk + w_i² ∂L/∂Y2_pk; δ = γ(h − Σγh); q = δ/T  (§A12 step 4)
        let mean = 0;
        for (let k = 0; k < K; k++) {
          const hk = wi * gY[row + k] + wi2 * gY2[row + k];
          h[k] = hk;
          mean += gamma[g0 + k] * hk;
        }
        let any = false;
        for (let k = 0; k < K; k++) {
          const q = gamma[g0 + k] * (h[k] - mean) * it;
          h[k] = q;
          if (q !== 0) any = true;
        }
        if (!any) continue;
        logits(st, x, i);
        if (d === 2) {
          for (let k = 0; k < K; k++) {
            const q = h[k];
            if (q === 0) continue;
            const b = k * 7;
            const z0 = z[2 * k], z1 = z[2 * k + 1];
            const qz0 = q * z0, qz1 = q * z1;
            stats[b] += q;
            stats[b + 1] += qz0;
            stats[b + 2] += qz1;
            stats[b + 3] += qz0 * z0;
            stats[b + 4] += qz0 * z1;
            stats[b + 5] += qz1 * z0;
            stats[b + 6] += qz1 * z1;
          }
          continue;
        }
        for (let k = 0; k < K; k++) {
          const q = h[k];
          if (q === 0) continue;
          const b = k * ss;
          stats[b] += q;
          const zk = k * d;
          for (let r = 0; r < d; r++) {
            const qz = q * z[zk + r];
            stats[b + 1 + r] += qz;
            const mrow = b + 1 + d + r * d;
            for (let c = 0; c < d; c++) stats[mrow + c] += qz * z[zk + c];
          }
        }
      }
    },
    hard(st, x, i) {
      logits(st, x, i);
      let best = 0;
      for (let k = 1; k < K; k++) if (lg[k] > lg[best]) best = k;
      return best;
    },
  };
}

/**
 * Effective 1-D boundaries of a d = 1 GMM (§A2 get_effective_boundaries_1d): probe `n` points on
 * the range, put a boundary at each midpoint where the hard category changes. A category may
 * appear in several segments (non-contiguous).
 */
export function effectiveBoundaries1d(model: GmmModel, params: Float64Array, n = 100000): { edges: number[]; order: number[] } {
  if (model.d !== 1) throw new Error("effectiveBoundaries1d: d must be 1");
  const [lo, hi] = model.spec.range[0] ?? [0, 1];
  const st = model.compile(params);
  const kern = model.kernel();
  const x = new Float64Array(1);
  const edges = [lo];
  const order: number[] = [];
  let prevX = lo, prev = -1;
  for (let j = 0; j < n; j++) {
    x[0] = lo + ((hi - lo) * j) / (n - 1);
    const c = kern.hard(st, x, 0);
    if (c !== prev) {
      if (prev >= 0) edges.push(0.5 * (prevX + x[0]));
      order.push(c);
      prev = c;
    }
    prevX = x[0];
  }
  edges.push(hi);
  return { edges, order };
}
