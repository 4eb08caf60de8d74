// Background-only fits of a parametric family, the choice of its order (Fisher's F-test between
// nested orders, as the ATLAS/CMS dijet and diphoton searches, or Akaike's criterion), and the
// spurious-signal test (the signal yield fitted on a background-only Asimov spectrum of another
// model, as a fraction of its uncertainty).
import { fit } from "../likelihood/fit.ts";
import { lgamma } from "../math/special.ts";
import { compileFamily, ORDER_RANGE, ParametricLikelihood, startingTheta, type FamilyName, type FamilySpec } from "./parametric.ts";
import type { Spectrum } from "./spectrum.ts";

export interface BackgroundFit {
  spec: FamilySpec;
  lik: ParametricLikelihood;
  pars: Float64Array;
  /** Bin yields of the background-only fit. */
  yields: Float64Array;
  /** Poisson deviance 2Σ[μ − n + n ln(n/μ)] (the saturated-model χ²). */
  deviance: number;
  twiceNll: number;
  converged: boolean;
  ndf: number;
}

export function poissonDeviance(n: ArrayLike<number>, mu: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < n.length; i++) {
    const m = Math.max(mu[i], 1e-300);
    d += 2 * (m - n[i] + (n[i] > 0 ? n[i] * Math.log(n[i] / m) : 0));
  }
  return d;
}

/** The background-only maximum-likelihood fit of a family (A held at 0). */
export function fitBackground(sp: Spectrum, spec: FamilySpec): BackgroundFit {
  const fam = compileFamily(sp, spec);
  const lik = new ParametricLikelihood(fam, sp.counts, new Float64Array(sp.counts.length), startingTheta(fam, sp));
  const r = fit(lik, lik.observed, { fix: [[0, 0]], maxIter: 5000 });
  const yields = lik.background(r.pars);
  const withFit = lik.withCounts(sp.counts, r.pars.subarray(1));
  return { spec, lik: withFit, pars: r.pars, yields, deviance: poissonDeviance(sp.counts, yields), twiceNll: r.twiceNll, converged: r.converged, ndf: sp.counts.length - spec.npar };
}

/** Regularised incomplete beta I_x(a, b) (continued fraction, Numerical Recipes §6.4). */
export function betaInc(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lbt = lgamma(a + b) - lgamma(a) - lgamma(b) + a * Math.log(x) + b * Math.log1p(-x);
  const cf = (x: number, a: number, b: number) => {
    const tiny = 1e-300;
    let c = 1, d = 1 - ((a + b) * x) / (a + 1);
    if (Math.abs(d) < tiny) d = tiny;
    d = 1 / d;
    let h = d;
    for (let m = 1; m <= 300; m++) {
      const m2 = 2 * m;
      let aa = (m * (b - m) * x) / ((a - 1 + m2) * (a + m2));
      d = 1 + aa * d; if (Math.abs(d) < tiny) d = tiny;
      c = 1 + aa / c; if (Math.abs(c) < tiny) c = tiny;
      d = 1 / d; h *= d * c;
      aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + 1 + m2));
      d = 1 + aa * d; if (Math.abs(d) < tiny) d = tiny;
      c = 1 + aa / c; if (Math.abs(c) < tiny) c = tiny;
      d = 1 / d;
      const del = d * c;
      h *= del;
      if (Math.abs(del - 1) < 1e-15) break;
    }
    return h;
  };
  return x < (a + 1) / (a + b + 2) ? (Math.exp(lbt) * cf(x, a, b)) / a : 1 - (Math.exp(lbt) * cf(1 - x, b, a)) / b;
}

/** P(F > f) for Fisher's F with (d1, d2) degrees of freedom: I_{d2/(d2 + d1 f)}(d2/2, d1/2). */
export function fSurvival(f: number, d1: number, d2: number): number {
  if (!(f > 0)) return 1;
  return betaInc(d2 / (d2 + d1 * f), d2 / 2, d1 / 2);
}

export interface OrderChoice {
  chosen: BackgroundFit;
  /** Every order that could be fitted, lowest first (the candidates of a per-mass choice). */
  fits: BackgroundFit[];
  /** Every order tried, with its deviance and the test against the next order. */
  tried: { npar: number; deviance: number; aic: number; converged: boolean; pNext: number }[];
  method: "ftest" | "aic";
}

/**
 * Fit orders min…max of a family and choose: "ftest": the lowest order whose next order does
 * not improve the deviance significantly (F-test p > pThreshold, default 0.05); "aic": the
 * lowest AIC = deviance + 2·npar. Orders whose fit fails to converge are skipped.
 */
export function chooseOrder(sp: Spectrum, family: FamilyName, o: { method?: "ftest" | "aic"; sqrtS?: number; range?: [number, number]; pThreshold?: number } = {}): OrderChoice {
  const [lo, hi] = o.range ?? ORDER_RANGE[family];
  const method = o.method ?? "ftest";
  const fits: BackgroundFit[] = [];
  for (let p = lo; p <= hi; p++) {
    if (sp.counts.length - p < 2) break;
    try {
      fits.push(fitBackground(sp, { family, npar: p, sqrtS: o.sqrtS }));
    } catch { /* an order that cannot be fitted is not a candidate */ }
  }
  if (fits.length === 0) throw new Error(`no order of the ${family} family could be fitted`);
  const { index, tried } = pickOrder(fits, method, o.pThreshold);
  return { chosen: fits[index], fits, tried, method };
}

/**
 * The order choice of chooseOrder on fits already made (consecutive orders, lowest first):
 * the index of the chosen fit and the tests (also used by the toys' refits, fast-parametric.ts).
 */
export function pickOrder(fits: Pick<BackgroundFit, "spec" | "deviance" | "converged" | "ndf">[], method: "ftest" | "aic", pThreshold = 0.05): { index: number; tried: OrderChoice["tried"] } {
  const tried = fits.map((f, k) => {
    const next = fits[k + 1];
    let pNext = NaN;
    if (next) {
      const d2 = next.ndf;
      // The dispersion estimate D/ndf is floored at its Poisson value 1: on an Asimov spectrum
      // (deviance ≈ 0) an unfloored F would call any improvement significant.
      const F = ((f.deviance - next.deviance) / (next.spec.npar - f.spec.npar)) / Math.max(next.deviance / d2, 1);
      pNext = fSurvival(F, next.spec.npar - f.spec.npar, d2);
    }
    return { npar: f.spec.npar, deviance: f.deviance, aic: f.deviance + 2 * f.spec.npar, converged: f.converged, pNext };
  });
  let index = fits.length - 1;
  if (method === "aic") {
    let best = Infinity;
    for (let k = 0; k < fits.length; k++) if (tried[k].aic < best) { best = tried[k].aic; index = k; }
  } else {
    for (let k = 0; k < fits.length; k++) {
      if (!(tried[k].pNext <= pThreshold)) { index = k; break; }
    }
  }
  return { index, tried };
}
