// The toy data of gato-hep (../shared/specs/gato_sage.md §A9 and §A11.1), regenerated with our
// seeded RNG (bit reproduction of NumPy's streams is neither possible nor needed, §A9): seven
// Gaussian processes in 3-D with one shared covariance, multiplicative noise, and the
// discriminants computed from the true pdfs at the noisy points.
import { Rng } from "../math/rng.ts";
import type { ProcessEvents } from "./events.ts";

/** Process means and cross-sections of §A9 (lumi 100). */
export const TOY_PROCESSES = [
  { name: "signal1", mean: [1.5, -1.0, -1.0], xs: 0.5 },
  { name: "signal2", mean: [-1.0, 1.5, -1.0], xs: 0.1 },
  { name: "bkg1", mean: [-0.5, -0.5, 1.0], xs: 100 },
  { name: "bkg2", mean: [0.5, -0.5, 0.8], xs: 80 },
  { name: "bkg3", mean: [0.5, 0.5, -0.6], xs: 50 },
  { name: "bkg4", mean: [-0.5, 1.0, -0.4], xs: 20 },
  { name: "bkg5", mean: [-0.5, 0.5, -0.2], xs: 10 },
] as const;
export const TOY_LUMI = 100;
/** Background exponential slopes of the resonance toy (§A11.1). */
export const RESONANCE_SLOPES = [0.05, 0.04, 0.035, 0.03, 0.025];

// C = I + 0.2(𝟙𝟙ᵀ − I): its Cholesky factor, inverse and log-determinant, once.
const C = [1, 0.2, 0.2, 0.2, 1, 0.2, 0.2, 0.2, 1];
const CL = (() => {
  const l = new Float64Array(9);
  for (let i = 0; i < 3; i++) for (let j = 0; j <= i; j++) {
    let s = C[i * 3 + j];
    for (let k = 0; k < j; k++) s -= l[i * 3 + k] * l[j * 3 + k];
    l[i * 3 + j] = i === j ? Math.sqrt(s) : s / l[j * 3 + j];
  }
  return l;
})();
const LOG_NORM = -1.5 * Math.log(2 * Math.PI) - (Math.log(CL[0]) + Math.log(CL[4]) + Math.log(CL[8]));

/** N(x; μ, C) for the shared covariance. */
function pdf(x: ArrayLike<number>, mu: readonly number[]): number {
  const d0 = x[0] - mu[0], d1 = x[1] - mu[1], d2 = x[2] - mu[2];
  const z0 = d0 / CL[0];
  const z1 = (d1 - CL[3] * z0) / CL[4];
  const z2 = (d2 - CL[6] * z0 - CL[7] * z1) / CL[8];
  return Math.exp(LOG_NORM - 0.5 * (z0 * z0 + z1 * z1 + z2 * z2));
}

const BKG = TOY_PROCESSES.slice(2);
const XS_BKG = BKG.reduce((s, p) => s + p.xs, 0);

function pdfBkg(x: ArrayLike<number>): number {
  let s = 0;
  for (const b of BKG) s += (b.xs / XS_BKG) * pdf(x, b.mean);
  return s;
}

/** Split n_bkg in proportion to xs: floor for bkg1–4, the remainder to bkg5 (§A9). */
export function backgroundCounts(nBkg: number): number[] {
  const c = BKG.slice(0, 4).map((b) => Math.floor((nBkg * b.xs) / XS_BKG));
  c.push(nBkg - c.reduce((a, b) => a + b, 0));
  return c;
}

/** Draw n points x ~ N(μ, C), then x ← x ⊙ N(1, noise) per component (§A9). */
function sample3d(n: number, mu: readonly number[], rng: Rng, noise: number): Float64Array {
  const out = new Float64Array(n * 3);
  for (let i = 0; i < n; i++) {
    const e0 = rng.normal(), e1 = rng.normal(), e2 = rng.normal();
    out[i * 3] = (mu[0] + CL[0] * e0) * (1 + noise * rng.normal());
    out[i * 3 + 1] = (mu[1] + CL[3] * e0 + CL[4] * e1) * (1 + noise * rng.normal());
    out[i * 3 + 2] = (mu[2] + CL[6] * e0 + CL[7] * e1 + CL[8] * e2) * (1 + noise * rng.normal());
  }
  return out;
}

export interface ToyOptions {
  seed?: number;
  /** Multiplicative noise (0.3; the resonance toy uses 0.2). */
  noise?: number;
}

/**
 * The 1-D toy (§A9): signal events from signal1, backgrounds from the five background
 * Gaussians; discriminant LR/(1 + LR), LR = p_s1/(p_B + 1e−12). Yields 50 and 26000.
 */
export function toy1d(nSignal: number, nBkg: number, o: ToyOptions = {}): ProcessEvents[] {
  const seed = o.seed ?? 42, noise = o.noise ?? 0.3;
  const counts = [nSignal, ...backgroundCounts(nBkg)];
  const procs = [TOY_PROCESSES[0], ...BKG];
  return procs.map((p, i) => {
    const n = counts[i];
    const pts = sample3d(n, p.mean, Rng.forStream(seed, i), noise);
    const x = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      const q = pts.subarray(j * 3, j * 3 + 3);
      const lr = pdf(q, TOY_PROCESSES[0].mean) / (pdfBkg(q) + 1e-12);
      x[j] = lr / (1 + lr);
    }
    const name = i === 0 ? "signal" : p.name;
    return { name, x, w: new Float64Array(n).fill((p.xs * TOY_LUMI) / Math.max(n, 1)) };
  });
}

/**
 * The three-class toy (§A9): scores (p1, p2, pB)/(p1 + p2 + pB + 1e−12) at the noisy point; the
 * first two (d = 2) are kept.
 */
export function toy3class(nSignal1: number, nSignal2: number, nBkg: number, o: ToyOptions = {}): ProcessEvents[] {
  const seed = o.seed ?? 42, noise = o.noise ?? 0.3;
  const counts = [nSignal1, nSignal2, ...backgroundCounts(nBkg)];
  return TOY_PROCESSES.map((p, i) => {
    const n = counts[i];
    const pts = sample3d(n, p.mean, Rng.forStream(seed, i), noise);
    const x = new Float64Array(n * 2);
    for (let j = 0; j < n; j++) {
      const q = pts.subarray(j * 3, j * 3 + 3);
      const p1 = pdf(q, TOY_PROCESSES[0].mean), p2 = pdf(q, TOY_PROCESSES[1].mean), pb = pdfBkg(q);
      const s = p1 + p2 + pb + 1e-12;
      x[2 * j] = p1 / s;
      x[2 * j + 1] = p2 / s;
    }
    return { name: p.name, x, w: new Float64Array(n).fill((p.xs * TOY_LUMI) / Math.max(n, 1)) };
  });
}

/**
 * The resonance toy (§A11.1): the three-class toy (noise 0.2, seed 7) plus a diphoton mass —
 * signals N(125, σ_m) clipped to [100, 180], backgrounds truncated exponentials on [100, 180].
 */
export function toyResonance(nSignal: number, nBkg: number, o: ToyOptions & { massSigma?: number; slopes?: number[] } = {}): ProcessEvents[] {
  const seed = o.seed ?? 7;
  const sigma = o.massSigma ?? 1.5;
  const slopes = o.slopes ?? RESONANCE_SLOPES;
  const procs = toy3class(nSignal, nSignal, nBkg, { seed, noise: o.noise ?? 0.2 });
  return procs.map((p, i) => {
    const rng = Rng.forStream(seed + 1000, i);
    const n = p.w.length;
    const m = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      if (i < 2) m[j] = Math.min(180, Math.max(100, 125 + sigma * rng.normal()));
      else {
        const lam = slopes[i - 2];
        const u = rng.uniform();
        m[j] = lam > 0 ? 100 - Math.log(1 - u * (1 - Math.exp(-80 * lam))) / lam : 100 + 80 * u;
      }
    }
    return { ...p, mass: m };
  });
}
