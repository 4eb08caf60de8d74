// The sigmoid-boundary model of gato-hep (../shared/specs/gato_sage.md §A3): ordered cut points
// per variable, b = cumsum(softmax([r, 0]))[0:n−1] in unit scale, soft bins from steep sigmoids,
// categories = the Cartesian product of the 1-D bins (K = Π n_j). The gradient is hand-written:
// per event, ∂L/∂(1-D membership) → ∂L/∂s → ∂L/∂b, summed; then b → r in gradient().
import type { Rng } from "../math/rng.ts";
import type { BinningModel, EventKernel, SigmoidSpec } from "./model.ts";

/** Default steepness k (§A3). */
export const DEFAULT_STEEPNESS = 5;

// State: [b (Σ(n_j − 1), unit scale) | k (one per variable)].

export class SigmoidModel implements BinningModel {
  readonly k: number;
  readonly d: number;
  readonly nParams: number;

  constructor(readonly spec: SigmoidSpec) {
    this.d = spec.variables.length;
    this.k = spec.variables.reduce((p, v) => p * v.bins, 1);
    this.nParams = spec.variables.reduce((s, v) => s + v.bins - 1, 0);
  }

  parameterNames(): string[] {
    return this.spec.variables.flatMap((v) => Array.from({ length: v.bins - 1 }, (_, i) => `${v.name}.r[${i}]`));
  }

  init(rng: Rng): Float64Array {
    const p = new Float64Array(this.nParams);
    for (let i = 0; i < p.length; i++) p[i] = -2 + 4 * rng.uniform();
    return p;
  }

  /** Unit-scale boundaries (Σ(n_j − 1)) from raw parameters. */
  unitBoundaries(params: Float64Array): Float64Array {
    const b = new Float64Array(this.nParams);
    let o = 0;
    for (const v of this.spec.variables) {
      const n = v.bins;
      let mx = 0;
      for (let i = 0; i < n - 1; i++) mx = Math.max(mx, params[o + i]);
      let z = Math.exp(-mx);
      for (let i = 0; i < n - 1; i++) z += Math.exp(params[o + i] - mx);
      let c = 0;
      for (let i = 0; i < n - 1; i++) {
        c += Math.exp(params[o + i] - mx) / z;
        b[o + i] = c;
      }
      o += n - 1;
    }
    return b;
  }

  /** Physical boundaries per variable: lo + b (hi − lo). */
  boundaries(params: Float64Array): number[][] {
    const b = this.unitBoundaries(params);
    let o = 0;
    return this.spec.variables.map((v) => {
      const [lo, hi] = v.range;
      const r = Array.from(b.subarray(o, o + v.bins - 1), (u) => lo + u * (hi - lo));
      o += v.bins - 1;
      return r;
    });
  }

  compile(params: Float64Array, sharp = DEFAULT_STEEPNESS): Float64Array {
    const st = new Float64Array(this.nParams + this.d);
    st.set(this.unitBoundaries(params));
    st.fill(sharp, this.nParams);
    return st;
  }

  gradient(params: Float64Array, _state: Float64Array, _temp: number, stats: Float64Array, out: Float64Array): void {
    // stats = ∂L/∂b; b_a = Σ_{l ≤ a} inc_l, inc = softmax([r, 0])
    const b = this.unitBoundaries(params);
    let o = 0;
    for (const v of this.spec.variables) {
      const n = v.bins;
      const inc = new Float64Array(n);
      let prev = 0;
      for (let i = 0; i < n - 1; i++) { inc[i] = b[o + i] - prev; prev = b[o + i]; }
      inc[n - 1] = 1 - prev;
      const gInc = new Float64Array(n);
      let acc = 0;
      for (let i = n - 2; i >= 0; i--) { acc += stats[o + i]; gInc[i] = acc; }
      let dot = 0;
      for (let i = 0; i < n; i++) dot += inc[i] * gInc[i];
      for (let i = 0; i < n - 1; i++) out[o + i] = inc[i] * (gInc[i] - dot);
      o += n - 1;
    }
  }

  kernel(): EventKernel {
    return sigmoidKernel(this.spec);
  }
}

/** The sigmoid model's event loop. */
export function sigmoidKernel(spec: SigmoidSpec): EventKernel {
  const vars = spec.variables;
  const V = vars.length;
  const nb = vars.map((v) => v.bins);
  const K = nb.reduce((p, n) => p * n, 1);
  const nB = nb.reduce((s, n) => s + n - 1, 0);
  const bOff: number[] = [];
  const mOff: number[] = [];
  let ob = 0, om = 0;
  for (const n of nb) { bOff.push(ob); mOff.push(om); ob += n - 1; om += n; }
  const lo = vars.map((v) => v.range[0]);
  const span = vars.map((v) => v.range[1] - v.range[0]);
  const s = new Float64Array(nB); // sigmoids
  const clipped = new Uint8Array(nB);
  const m = new Float64Array(om); // 1-D memberships
  const H = new Float64Array(om); // ∂L/∂m
  const idx = new Int32Array(V);
  // stride of variable j in the flattened category index (row-major, first variable slowest)
  const strideOf = new Int32Array(V);
  { let st = 1; for (let j = V - 1; j >= 0; j--) { strideOf[j] = st; st *= nb[j]; } }

  function members(st: Float64Array, x: Float64Array, i: number): void {
    for (let j = 0; j < V; j++) {
      const u = (x[i * V + j] - lo[j]) / span[j];
      const kj = st[nB + j];
      const n = nb[j];
      for (let a = 0; a < n - 1; a++) {
        // s = 1/(1 + exp(clip(−k(u − b), −75, 75)))
        let t = -kj * (u - st[bOff[j] + a]);
        let c = 0;
        if (t > 75) { t = 75; c = 1; } else if (t < -75) { t = -75; c = 1; }
        s[bOff[j] + a] = 1 / (1 + Math.exp(t));
        clipped[bOff[j] + a] = c;
      }
      const sb = bOff[j], mb = mOff[j];
      m[mb] = 1 - s[sb];
      for (let a = 1; a < n - 1; a++) m[mb + a] = s[sb + a - 1] - s[sb + a];
      m[mb + n - 1] = s[sb + n - 2];
    }
  }

  function joint(k: number): number {
    let g = 1;
    for (let j = 0; j < V; j++) g *= m[mOff[j] + (Math.floor(k / strideOf[j]) % nb[j])];
    return g;
  }

  return {
    k: K,
    d: V,
    statsLength: nB,
    forward(st, _temp, x, w, proc, i0, i1, gamma, y, y2) {
      for (let i = i0; i < i1; i++) {
        members(st, x, i);
        const wi = w[i], wi2 = wi * wi, row = proc[i] * K, g0 = (i - i0) * K;
        for (let k = 0; k < K; k++) {
          const g = joint(k);
          gamma[g0 + k] = g;
          y[row + k] += g * wi;
          y2[row + k] += g * wi2;
        }
      }
    },
    backward(st, _temp, x, w, proc, i0, i1, _gamma, gY, gY2, stats) {
      for (let i = i0; i < i1; i++) {
        const wi = w[i], wi2 = wi * wi, row = proc[i] * K;
        members(st, x, i);
        H.fill(0);
        for (let k = 0; k < K; k++) {
          const hk = wi * gY[row + k] + wi2 * gY2[row + k];
          if (hk === 0) continue;
          // ∂γ_k/∂m_j,a = Π_{j'≠j} m_j',(k_j')
          for (let j = 0; j < V; j++) {
            let p = hk;
            for (let jj = 0; jj < V; jj++) if (jj !== j) p *= m[mOff[jj] + (Math.floor(k / strideOf[jj]) % nb[jj])];
            H[mOff[j] + (Math.floor(k / strideOf[j]) % nb[j])] += p;
          }
        }
        for (let j = 0; j < V; j++) {
          const n = nb[j], kj = st[nB + j];
          for (let a = 0; a < n - 1; a++) {
            const q = bOff[j] + a;
            if (clipped[q]) continue;
            // m_a −= s_a… : ∂L/∂s_a = H[a+1] − H[a]; ∂s/∂b = −k s(1 − s)
            const dLds = H[mOff[j] + a + 1] - H[mOff[j] + a];
            stats[q] += dLds * (-kj * s[q] * (1 - s[q]));
          }
        }
      }
    },
    hard(st, x, i) {
      let k = 0;
      for (let j = 0; j < V; j++) {
        const u = (x[i * V + j] - lo[j]) / span[j];
        let a = 0;
        while (a < nb[j] - 1 && u > st[bOff[j] + a]) a++;
        idx[j] = a;
        k += a * strideOf[j];
      }
      return k;
    },
  };
}
