// A binned spectrum of any experiment: edges of any widths (variable bins), counts, centres
// and widths; range restriction, merging of adjacent bins, and histogramming of unbinned events
// with given edges. Masses stay in the run's unit (GeV by default) and are never rounded.

export interface Spectrum {
  edges: Float64Array;
  counts: Float64Array;
  centres: Float64Array;
  widths: Float64Array;
}

export function spectrumOf(edges: ArrayLike<number>, counts: ArrayLike<number>): Spectrum {
  const n = counts.length;
  if (edges.length !== n + 1) throw new Error(`a spectrum needs counts.length + 1 = ${n + 1} edges, got ${edges.length}`);
  const e = Float64Array.from(edges), c = Float64Array.from(counts);
  for (let i = 0; i < n; i++) {
    if (!(e[i + 1] > e[i])) throw new Error(`bin edges must increase (edge ${i + 1})`);
    if (!(c[i] >= 0) || !Number.isFinite(c[i])) throw new Error(`bin ${i} holds ${c[i]} events: counts must be finite and ≥ 0`);
  }
  return {
    edges: e, counts: c,
    centres: Float64Array.from({ length: n }, (_, i) => 0.5 * (e[i] + e[i + 1])),
    widths: Float64Array.from({ length: n }, (_, i) => e[i + 1] - e[i]),
  };
}

/**
 * Keep the bins lying inside [lo, hi] (a bin cut by a limit is dropped; tolerance 1e-9 of its
 * width), then merge `rebin` adjacent bins (leftover bins at the top are dropped).
 */
export function restrictSpectrum(sp: Spectrum, lo = -Infinity, hi = Infinity, rebin = 1): Spectrum {
  const keep: number[] = [];
  for (let i = 0; i < sp.counts.length; i++) {
    const tol = 1e-9 * sp.widths[i];
    if (sp.edges[i] >= lo - tol && sp.edges[i + 1] <= hi + tol) keep.push(i);
  }
  if (keep.length === 0) throw new Error(`no bin lies inside [${lo}, ${hi}] (the spectrum spans ${sp.edges[0]}–${sp.edges[sp.edges.length - 1]})`);
  for (let k = 1; k < keep.length; k++) if (keep[k] !== keep[k - 1] + 1) throw new Error("internal: non-contiguous range");
  const R = Math.max(1, Math.floor(rebin));
  const n = Math.floor(keep.length / R);
  if (n === 0) throw new Error(`rebin ${R} leaves no bin`);
  const e = new Float64Array(n + 1), c = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    e[k] = sp.edges[keep[k * R]];
    for (let j = 0; j < R; j++) c[k] += sp.counts[keep[k * R + j]];
  }
  e[n] = sp.edges[keep[n * R - 1] + 1];
  return spectrumOf(e, c);
}

/** Histogram unbinned values with the given edges (values outside are dropped; the last edge is inclusive). */
export function histogramEvents(values: ArrayLike<number>, edges: ArrayLike<number>): Spectrum {
  const n = edges.length - 1;
  const c = new Float64Array(n);
  for (let k = 0; k < values.length; k++) {
    const v = values[k];
    if (!(v >= edges[0] && v <= edges[n])) continue;
    let lo = 0, hi = n; // binary search: edges[lo] ≤ v < edges[hi]
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (edges[mid] <= v) lo = mid;
      else hi = mid;
    }
    c[lo]++;
  }
  return spectrumOf(edges, c);
}

/** Mass grid lo, lo + step, … ≤ hi (to 1e-9 of the step), unrounded. */
export function massGrid(lo: number, hi: number, step: number): number[] {
  const out: number[] = [];
  const n = Math.floor((hi - lo) / step + 1e-9);
  for (let k = 0; k <= n; k++) out.push(lo + k * step);
  return out;
}
