// MCMC histogram prior `mcmc_mix` (specs/interval_evidence.md §3.3): samples of exp(logpdf_blind)
// (flat prior on the free parameters, −∞ outside their bounds) in whitened coordinates
// x = x̂ + A·t with A = chol(C). Kernel: with probability prob_eye an independence proposal
// t' ~ N(0, I), else MALA t' = t + ½ε∇log p + √ε·ξ; each is a Metropolis–Hastings step with its
// own Gaussian proposal densities. Every chain histograms b(x) after each kept step.
//
// Chain c draws from Rng.forStream(seed, c) only, and histograms are integer counts, so the
// result is the same bytes however the chains are split over calls, threads or machines.
import { Rng } from "../math/rng.ts";
import type { BlindedRegion } from "./blind.ts";
import type { BlindFit } from "./prior-fit.ts";

export interface McmcOptions {
  nbins: number;
  range: [number, number];
  nburnin: number;
  /** Kept steps per chain. */
  nsamples: number;
  /** Number of chains. */
  nrepeats: number;
  seed: number;
  stepSize: number;
  probEye: number;
}

/** `mcmc_mix.json` (§4). */
export interface McmcJson {
  nbins: number;
  range_: [number, number];
  nburnin: number;
  nsamples: number;
  nrepeats: number;
  seed: number;
  step_size: number;
  prob_eye: number;
  yields: number[];
  errors: number[];
}

export const MCMC_DEFAULTS: Omit<McmcOptions, "range"> = { nbins: 200, nburnin: 100, nsamples: 100_000, nrepeats: 100, seed: 0, stepSize: 0.5, probEye: 0.1 };

/** What every chain shares: the free parameters, the whitening matrix and the start. */
export interface McmcSetup {
  free: Int32Array;
  /** Lower-triangular Cholesky factor of C over the free parameters (m×m, row-major). */
  chol: Float64Array;
  x0: Float64Array;
}

export function mcmcSetup(br: BlindedRegion, best: BlindFit): McmcSetup {
  const n = br.nPars;
  const free = Int32Array.from([...Array(n).keys()].filter((i) => !br.fixed[i]));
  const m = free.length;
  const c = new Float64Array(m * m);
  for (let a = 0; a < m; a++) for (let b = 0; b < m; b++) c[a * m + b] = best.covariance[free[a] * n + free[b]];
  return { free, chol: choleskyJittered(c, m), x0: Float64Array.from(best.x) };
}

/** Cholesky factor L (C = L·Lᵀ); adds a growing diagonal jitter if C is not positive definite. */
export function choleskyJittered(c: Float64Array, m: number): Float64Array {
  let scale = 0;
  for (let i = 0; i < m; i++) scale = Math.max(scale, Math.abs(c[i * m + i]));
  for (let jitter = 0; ; jitter = jitter === 0 ? 1e-12 * (scale || 1) : jitter * 10) {
    const L = new Float64Array(m * m);
    let ok = true;
    for (let i = 0; i < m && ok; i++) {
      for (let j = 0; j <= i; j++) {
        let s = c[i * m + j] + (i === j ? jitter : 0);
        for (let k = 0; k < j; k++) s -= L[i * m + k] * L[j * m + k];
        if (i === j) {
          if (!(s > 0)) { ok = false; break; }
          L[i * m + i] = Math.sqrt(s);
        } else L[i * m + j] = s / L[j * m + j];
      }
    }
    if (ok) return L;
    if (jitter > scale) throw new Error("covariance matrix is not positive definite even with jitter");
  }
}

/** Run one chain; returns its histogram of b(x) (nbins counts; under/overflow dropped) and its acceptance rate. */
export function runChain(br: BlindedRegion, setup: McmcSetup, o: McmcOptions, chain: number): { counts: Float64Array; acceptance: number } {
  const rng = Rng.forStream(o.seed, chain);
  const { free, chol, x0 } = setup;
  const m = free.length, n = br.nPars;
  const eps = o.stepSize, sqrtEps = Math.sqrt(eps);
  const [lo, hi] = o.range;
  const binScale = o.nbins / (hi - lo);
  const counts = new Float64Array(o.nbins);
  const t = new Float64Array(m), tp = new Float64Array(m);
  const gt = new Float64Array(m), gtp = new Float64Array(m); // ∇_t log p
  const x = Float64Array.from(x0), xp = Float64Array.from(x0);
  const gx = new Float64Array(n);
  const work = new Float64Array(m);
  // log p and ∇_t log p at t (x written into xs); −∞ outside the bounds or where nll is not finite.
  let bLast = NaN; // b(x) at the last finite evaluation
  const logp = (tt: Float64Array, xs: Float64Array, g: Float64Array): number => {
    for (let a = 0; a < m; a++) {
      let v = x0[free[a]];
      const r = a * m;
      for (let b = 0; b <= a; b++) v += chol[r + b] * tt[b];
      if (!(v >= br.lower[free[a]] && v <= br.upper[free[a]])) return -Infinity;
      xs[free[a]] = v;
    }
    const f = br.nllGrad(xs, gx);
    if (!Number.isFinite(f)) return -Infinity;
    bLast = br.model.lastMainRate(br.srBin);
    // ∇_t = Aᵀ ∇_x log p
    for (let a = 0; a < m; a++) work[a] = -gx[free[a]];
    for (let b = 0; b < m; b++) {
      let v = 0;
      for (let a = b; a < m; a++) v += chol[a * m + b] * work[a];
      g[b] = v;
    }
    return -f;
  };
  let lp = logp(t, x, gt);
  let b = bLast;
  let accepted = 0;
  const total = o.nburnin + o.nsamples;
  for (let step = 0; step < total; step++) {
    let lpp: number;
    let logRatio = -Infinity;
    if (rng.uniform() < o.probEye) {
      // Independence proposal t' ~ N(0, I): log q(t) − log q(t') = (|t'|² − |t|²)/2.
      let qf = 0, qb = 0;
      for (let a = 0; a < m; a++) {
        tp[a] = rng.normal();
        qf += tp[a] * tp[a];
        qb += t[a] * t[a];
      }
      lpp = logp(tp, xp, gtp);
      if (lpp !== -Infinity) logRatio = lpp - lp + 0.5 * (qf - qb);
    } else {
      // MALA: t' = t + ½ε∇ + √ε·ξ; log q(t | t') − log q(t' | t) = (|t'−t−½ε∇|² − |t−t'−½ε∇'|²)/(2ε).
      for (let a = 0; a < m; a++) tp[a] = t[a] + 0.5 * eps * gt[a] + sqrtEps * rng.normal();
      lpp = logp(tp, xp, gtp);
      if (lpp !== -Infinity) {
        let qf = 0, qb = 0;
        for (let a = 0; a < m; a++) {
          const df = tp[a] - t[a] - 0.5 * eps * gt[a];
          const db = t[a] - tp[a] - 0.5 * eps * gtp[a];
          qf += df * df;
          qb += db * db;
        }
        logRatio = lpp - lp + (qf - qb) / (2 * eps);
      }
    }
    // One uniform per step whatever the branch, so the stream layout is fixed.
    const u = rng.uniformOpen();
    if (logRatio >= 0 || Math.log(u) < logRatio) {
      t.set(tp);
      gt.set(gtp);
      x.set(xp);
      lp = lpp;
      b = bLast;
      if (step >= o.nburnin) accepted++;
    }
    if (step >= o.nburnin) {
      const k = Math.floor((b - lo) * binScale);
      if (k >= 0 && k < o.nbins) counts[k]++;
    }
  }
  return { counts, acceptance: accepted / Math.max(1, o.nsamples) };
}

/** Merge per-chain histograms (in chain order) into the stored format: summed counts, errors = std over chains × √nrepeats. */
export function mergeChains(o: McmcOptions, perChain: Float64Array[]): McmcJson {
  const k = perChain.length;
  const yields = new Array<number>(o.nbins).fill(0);
  const errors = new Array<number>(o.nbins).fill(0);
  for (let j = 0; j < o.nbins; j++) {
    let s = 0;
    for (const c of perChain) s += c[j];
    const mean = s / k;
    let v = 0;
    for (const c of perChain) v += (c[j] - mean) ** 2;
    yields[j] = s;
    errors[j] = Math.sqrt(v / k) * Math.sqrt(k);
  }
  return {
    nbins: o.nbins, range_: [o.range[0], o.range[1]], nburnin: o.nburnin, nsamples: o.nsamples, nrepeats: o.nrepeats,
    seed: o.seed, step_size: o.stepSize, prob_eye: o.probEye, yields, errors,
  };
}

export interface McmcResult {
  json: McmcJson;
  /** Mean acceptance rate over chains. */
  acceptance: number;
}

/** All chains 0..nrepeats−1 in this thread (runChain + mergeChains let a caller split the chains over workers). */
export function runMcmc(br: BlindedRegion, best: BlindFit, o: McmcOptions): McmcResult {
  const setup = mcmcSetup(br, best);
  const per: Float64Array[] = [];
  let acc = 0;
  for (let c = 0; c < o.nrepeats; c++) {
    const r = runChain(br, setup, o, c);
    per.push(r.counts);
    acc += r.acceptance;
  }
  return { json: mergeChains(o, per), acceptance: acc / o.nrepeats };
}

/** Mean and standard deviation of a histogram (bin centres). */
export function histogramMoments(yields: number[], range: [number, number]): { mean: number; sd: number; total: number } {
  const w = (range[1] - range[0]) / yields.length;
  let n = 0, s = 0, s2 = 0;
  yields.forEach((y, i) => {
    const c = range[0] + (i + 0.5) * w;
    n += y;
    s += y * c;
    s2 += y * c * c;
  });
  const mean = s / n;
  return { mean, sd: Math.sqrt(Math.max(0, s2 / n - mean * mean)), total: n };
}
