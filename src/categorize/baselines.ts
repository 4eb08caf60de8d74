// Baselines every run reports beside GATO (../shared/specs/gato_sage.md §A8.1, §A8.3, §A10):
// equidistant binning of a 1-D score, argmax + equidistant per signal, and — which gato-hep
// does not offer — the best contiguous 1-D binning by dynamic programming on a fine grid.
import { asimovZ } from "./asimov.ts";
import type { EventSet } from "./events.ts";

/** Signal and background histograms of a 1-D score on `bins` equal bins of [lo, hi] (signal = signal label 0). */
export function histograms1d(ev: EventSet, bins: number, lo = 0, hi = 1, dim = 0): { s: Float64Array; b: Float64Array } {
  const s = new Float64Array(bins), b = new Float64Array(bins);
  for (let i = 0; i < ev.n; i++) {
    const v = ev.x[i * ev.d + dim];
    let j = Math.floor(((v - lo) / (hi - lo)) * bins);
    if (j < 0) j = 0; else if (j >= bins) j = bins - 1;
    const role = ev.processes[ev.proc[i]].signal;
    if (role === 0) s[j] += ev.w[i]; else b[j] += ev.w[i];
  }
  return { s, b };
}

function zOf(s: ArrayLike<number>, b: ArrayLike<number>): number {
  let t = 0;
  for (let k = 0; k < s.length; k++) { const z = asimovZ(s[k], b[k]); t += z * z; }
  return Math.sqrt(t);
}

/**
 * Equidistant n-bin Z of a 1-D score: a `fine`-bin histogram on [0, 1] (1500) rebinned by
 * ⌊fine/n⌋ (§A8.1; the last group takes the remainder).
 */
export function equidistantZ(ev: EventSet, n: number, fine = 1500): number {
  const h = histograms1d(ev, fine);
  const f = Math.floor(fine / n);
  const s = new Float64Array(n), b = new Float64Array(n);
  for (let j = 0; j < fine; j++) { const k = Math.min(n - 1, Math.floor(j / f)); s[k] += h.s[j]; b[k] += h.b[j]; }
  return zOf(s, b);
}

/**
 * Best contiguous K-bin partition of a fine 1-D histogram, maximising Σ_k Z_k² (Z combined in
 * quadrature) by dynamic programming: O(K·G²) for G grid bins. Returns Z and the edges.
 */
export function bestContiguousBinning(s: Float64Array, b: Float64Array, k: number, lo = 0, hi = 1): { z: number; edges: number[] } {
  const G = s.length;
  const cs = new Float64Array(G + 1), cb = new Float64Array(G + 1);
  for (let j = 0; j < G; j++) { cs[j + 1] = cs[j] + s[j]; cb[j + 1] = cb[j] + b[j]; }
  // best[m][j]: max Σ Z² of the first j grid bins in m groups; arg for back-tracking
  let prev = new Float64Array(G + 1).fill(-Infinity);
  prev[0] = 0;
  const arg: Int32Array[] = [];
  for (let m = 1; m <= k; m++) {
    const cur = new Float64Array(G + 1).fill(-Infinity);
    const a = new Int32Array(G + 1).fill(-1);
    for (let j = m; j <= G; j++) {
      let best = -Infinity, bi = -1;
      for (let i = m - 1; i < j; i++) {
        if (prev[i] === -Infinity) continue;
        const z = asimovZ(cs[j] - cs[i], cb[j] - cb[i]);
        const v = prev[i] + z * z;
        if (v > best) { best = v; bi = i; }
      }
      cur[j] = best;
      a[j] = bi;
    }
    arg.push(a);
    prev = cur;
  }
  const cuts: number[] = [];
  let j = G;
  for (let m = k; m >= 1; m--) { const i = arg[m - 1][j]; if (m > 1) cuts.push(i); j = i; }
  cuts.reverse();
  return { z: Math.sqrt(prev[G]), edges: [lo, ...cuts.map((c) => lo + ((hi - lo) * c) / G), hi] };
}

/**
 * Argmax + equidistant (§A8.3): for signal j, events whose argmax class (over the d scores and
 * the implicit background score 1 − Σ) is j go into n equal bins of score_j on [0.33, 1];
 * Z_j against every other process (other signal included). With `window`, only events whose
 * mass is inside count (§A11.8).
 */
export function argmaxBaseline(ev: EventSet, n: number, o: { lo?: number; window?: [number, number] } = {}): number[] {
  const lo = o.lo ?? 0.33;
  const d = ev.d;
  const U = ev.processes.reduce((m, p) => Math.max(m, p.signal + 1), 0);
  const z: number[] = [];
  for (let u = 0; u < U; u++) {
    const s = new Float64Array(n), b = new Float64Array(n);
    for (let i = 0; i < ev.n; i++) {
      if (o.window && ev.mass && !(ev.mass[i] >= o.window[0] && ev.mass[i] <= o.window[1])) continue;
      let best = 0, bv = -Infinity, rest = 1;
      for (let j = 0; j < d; j++) { const v = ev.x[i * d + j]; rest -= v; if (v > bv) { bv = v; best = j; } }
      if (rest > bv) best = d;
      if (best !== u) continue;
      const v = ev.x[i * d + u];
      let k = Math.floor(((v - lo) / (1 - lo)) * n);
      if (k < 0) k = 0; else if (k >= n) k = n - 1;
      if (ev.processes[ev.proc[i]].signal === u) s[k] += ev.w[i]; else b[k] += ev.w[i];
    }
    z.push(zOf(s, b));
  }
  return z;
}
