// A two-sided profile-likelihood interval of one parameter, built for speed in coverage studies:
// q(x) = 2[NLL(x, θ̂̂(x)) − NLL(x̂, θ̂)] and the two x where q = level (1 for 68.27%), each found
// by stepping out from x̂ with a quadratic guess (q ≈ ((x − x̂)/σ)²) until q ≥ level, then Brent
// on √q − √level; every profiled fit starts from the nuisances of the nearest point already fitted
// (warm start). Also the coarse-scan mode (q on a fixed grid, crossings by linear interpolation
// between neighbours, as HEPHY's GOLLUM entry does; optionally with the nuisances frozen at the
// global MLE) — ../shared/specs/gato_sage.md §B3, §B4. `profileScan` (profile.ts) is the general
// tool with scan points and both 68%/95% levels; this is the one-level, fewest-fits version.
import { fit, uncertainties, type FitOptions, type FitResult } from "../likelihood/fit.ts";
import type { Likelihood } from "../likelihood/types.ts";
import { brent } from "../math/roots.ts";

export interface ProfileIntervalOptions {
  data?: Float64Array;
  /** q threshold (default 1: the 68.27% two-sided interval of one parameter, χ²₁). */
  level?: number;
  fit?: FitOptions;
  /** A global fit already done on these data (skips it). */
  best?: FitResult;
  /** First step from x̂ (default: the Hesse σ of x at the global fit). */
  step?: number;
  /** Absolute tolerance on the interval ends (default 1e-7). */
  xtol?: number;
  /**
   * Stop as soon as |√q − √level| ≤ ftol (default 0: Brent to xtol). With ftol = 1e-4 an end is
   * within ~1e-4·σ of the exact crossing, typically after 2 profiled fits per side instead of 4.
   */
  ftol?: number;
}

export interface ProfileIntervalResult {
  best: FitResult;
  /** x̂ and the interval ends (at a bound when the crossing is beyond it). */
  estimate: number;
  lower: number;
  upper: number;
  lower_at_bound: boolean;
  upper_at_bound: boolean;
  /** Hesse σ of x at the global fit (NaN when not computed). */
  sigma_hesse: number;
  /** Global fit, every profiled fit and both root searches converged. */
  converged: boolean;
  /** Number of profiled fits. */
  fits: number;
  /** Why it did not converge ("" when it did). */
  message: string;
}

/** Hesse σ of parameter `index` at a fit result. */
export function hesseSigma(lik: Likelihood, data: Float64Array, best: FitResult, index: number): number {
  return uncertainties(lik, data, best).errors[index];
}

/** The two-sided profile-likelihood interval {x : q(x) ≤ level} of parameter `index`. */
export function profileInterval(lik: Likelihood, index: number, o: ProfileIntervalOptions = {}): ProfileIntervalResult {
  const data = o.data ?? lik.observed;
  const level = o.level ?? 1, xtol = o.xtol ?? 1e-7, ftol = o.ftol ?? 0;
  const fopts = o.fit ?? {};
  let best = o.best ?? fit(lik, data, fopts);
  const p = lik.parameters[index];
  let fits = 0;
  const problems: string[] = [];
  let sigma = NaN;
  for (let attempt = 0; attempt < 3; attempt++) {
    const xHat = best.pars[index];
    if (o.step === undefined) sigma = hesseSigma(lik, data, best, index);
    // First step just past the expected crossing (q ≈ ((x − x̂)/σ)² reaches the level at σ√level).
    let step0 = o.step ?? 1.05 * sigma * Math.sqrt(level);
    if (!(step0 > 0) || !Number.isFinite(step0)) step0 = 0.1 * Math.max(1, Math.abs(xHat));
    let better: FitResult | null = null;
    // Profiled q at x, warm-started from `warm`; remembers the fit for the next warm start.
    const profile = (x: number, warm: Float64Array): [number, FitResult] => {
      const init = Float64Array.from(warm);
      init[index] = x;
      const r = fit(lik, data, { ...fopts, init, fix: [...(fopts.fix ?? []), [index, x]] });
      fits++;
      if (!r.converged) problems.push(`profile fit at ${p.name} = ${x}: ${r.message}`);
      const q = r.twiceNll - best.twiceNll;
      if (q < -1e-6 && (!better || r.twiceNll < better.twiceNll)) better = r;
      return [q, r];
    };
    const side = (dir: 1 | -1): [number, boolean] => {
      const bound = dir > 0 ? p.upper : p.lower;
      if (dir > 0 ? xHat >= bound : xHat <= bound) return [bound, true];
      let a = xHat, qa = 0, warmA = best.pars;
      let guess = step0;
      for (let k = 0; k < 40; k++) {
        let b = a + dir * guess;
        if (dir > 0 ? b >= bound : b <= bound) b = bound;
        const [qb, rb] = profile(b, warmA);
        if (better) return [NaN, false];
        if (qb >= level) {
          // Brent between a and b on √q − √level (the same root; √q is nearly linear in x near a
          // regular minimum, so the interpolation steps converge in two or three fits), each fit
          // warm-started from the last one.
          let warm = rb.pars;
          const sl = Math.sqrt(level), r = (q: number) => Math.sqrt(Math.max(0, q)) - sl;
          const f = (x: number) => {
            if (x === a) return r(qa);
            if (x === b) return r(qb);
            const [q, res] = profile(x, warm);
            warm = res.pars;
            return r(q);
          };
          const root = ftol > 0 ? illinois(f, a, b, r(qa), r(qb), ftol, xtol) : brent(f, a, b, { xtol, rtol: 0 }, r(qa), r(qb));
          if (!root.converged) problems.push(`root search for the ${dir > 0 ? "upper" : "lower"} end did not converge`);
          return [root.x, false];
        }
        if (b === bound) return [bound, true];
        // Next guess from q ≈ ((x − x̂)/s)²: aim 10% past the level, at least 1.2× further out.
        const dist = Math.abs(b - xHat);
        const target = qb > 0 ? dist * Math.sqrt((1.1 * level) / qb) : 2 * dist;
        guess = Math.max(target, 1.2 * dist) - dist;
        a = b; qa = qb; warmA = rb.pars;
      }
      problems.push(`no crossing of q = ${level} on the ${dir > 0 ? "upper" : "lower"} side within 40 steps`);
      return [dir > 0 ? Infinity : -Infinity, true];
    };
    const [lower, la] = side(-1);
    const [upper, ua] = better ? [NaN, false] : side(1);
    if (better) {
      // A profiled fit found a lower NLL than the global fit: refit from there and start again.
      const b0 = better as FitResult;
      const r = fit(lik, data, { ...fopts, init: b0.pars });
      best = r.twiceNll <= b0.twiceNll ? r : { ...b0, fixed: r.fixed };
      if (best === b0) best = fit(lik, data, { ...fopts, init: b0.pars, maxIter: 5000 });
      problems.length = 0;
      continue;
    }
    if (!best.converged) problems.unshift(`global fit: ${best.message}`);
    return {
      best, estimate: xHat, lower, upper, lower_at_bound: la, upper_at_bound: ua, sigma_hesse: sigma,
      converged: problems.length === 0, fits, message: problems.join("; "),
    };
  }
  return {
    best, estimate: best.pars[index], lower: NaN, upper: NaN, lower_at_bound: false, upper_at_bound: false, sigma_hesse: sigma,
    converged: false, fits, message: "profiled fits kept finding a lower minimum than the global fit",
  };
}

export interface ScanIntervalOptions {
  data?: Float64Array;
  level?: number;
  fit?: FitOptions;
  best?: FitResult;
  /** Number of scan points (default 21, HEPHY). */
  points?: number;
  /** Refit the other parameters at each point (default true); false freezes them at the global MLE (HEPHY). */
  profile?: boolean;
}

/**
 * The coarse-scan interval: q on `points` values over [min(x̂ − 3σ, x̂ − 0.5), max(x̂ + 3σ, x̂ + 0.5)]
 * (clipped to the bounds), crossings of q = level by linear interpolation between the scan
 * points on each side of x̂; where a side has no crossing, x̂ ∓ σ_Hesse (flagged unconverged).
 */
export function scanInterval(lik: Likelihood, index: number, o: ScanIntervalOptions = {}): ProfileIntervalResult {
  const data = o.data ?? lik.observed;
  const level = o.level ?? 1, n = o.points ?? 21;
  const fopts = o.fit ?? {};
  const best = o.best ?? fit(lik, data, fopts);
  const p = lik.parameters[index];
  const xHat = best.pars[index];
  const sigma = hesseSigma(lik, data, best, index);
  const s = Number.isFinite(sigma) && sigma > 0 ? sigma : 0.1;
  const lo = Math.max(p.lower, Math.min(xHat - 3 * s, xHat - 0.5)), hi = Math.min(p.upper, Math.max(xHat + 3 * s, xHat + 0.5));
  const xs = Array.from({ length: n }, (_, k) => lo + ((hi - lo) * k) / (n - 1));
  const qs: number[] = [];
  const problems: string[] = [];
  let warm = best.pars, fits = 0;
  const frozen = o.profile === false;
  const q = (x: number): number => {
    const init = Float64Array.from(warm);
    init[index] = x;
    if (frozen) return 2 * lik.nll(init, data) - best.twiceNll;
    const r = fit(lik, data, { ...fopts, init, fix: [...(fopts.fix ?? []), [index, x]] });
    fits++;
    if (!r.converged) problems.push(`profile fit at ${p.name} = ${x}: ${r.message}`);
    warm = r.pars;
    return r.twiceNll - best.twiceNll;
  };
  // Evaluate outward from x̂ so each profiled fit starts next to the previous one.
  const k0 = xs.findIndex((x) => x >= xHat);
  const split = k0 < 0 ? n : k0;
  for (let k = split; k < n; k++) qs[k] = q(xs[k]);
  warm = best.pars;
  for (let k = split - 1; k >= 0; k--) qs[k] = q(xs[k]);
  let lower = NaN, upper = NaN;
  for (let k = split - 1; k >= 0; k--) {
    const xr = k + 1 < split ? xs[k + 1] : xHat, qr = k + 1 < split ? qs[k + 1] : 0;
    if (qs[k] >= level && qr < level) { lower = xs[k] + ((level - qs[k]) * (xr - xs[k])) / (qr - qs[k]); break; }
  }
  for (let k = split; k < n; k++) {
    const xl = k > split ? xs[k - 1] : xHat, ql = k > split ? qs[k - 1] : 0;
    if (qs[k] >= level && ql < level) { upper = xl + ((level - ql) * (xs[k] - xl)) / (qs[k] - ql); break; }
  }
  if (Number.isNaN(lower)) { problems.push("no lower crossing on the scan: x̂ − σ_Hesse"); lower = Math.max(p.lower, xHat - s * Math.sqrt(level)); }
  if (Number.isNaN(upper)) { problems.push("no upper crossing on the scan: x̂ + σ_Hesse"); upper = Math.min(p.upper, xHat + s * Math.sqrt(level)); }
  if (!best.converged) problems.unshift(`global fit: ${best.message}`);
  return {
    best, estimate: xHat, lower, upper, lower_at_bound: lower <= p.lower, upper_at_bound: upper >= p.upper, sigma_hesse: sigma,
    converged: problems.length === 0, fits, message: problems.join("; "),
  };
}

/**
 * Regula falsi with the Illinois modification (Dowell & Jarratt 1971) for a bracketed root of a
 * nearly linear f, stopping on |f(x)| ≤ ftol or a bracket narrower than xtol.
 */
function illinois(f: (x: number) => number, a: number, b: number, fa: number, fb: number, ftol: number, xtol: number): { x: number; converged: boolean } {
  let side = 0;
  for (let i = 0; i < 60; i++) {
    const x = (a * fb - b * fa) / (fb - fa);
    const fx = f(x);
    if (Math.abs(fx) <= ftol) return { x, converged: true };
    if (fx * fb > 0) { b = x; fb = fx; if (side === -1) fa /= 2; side = -1; }
    else { a = x; fa = fx; if (side === 1) fb /= 2; side = 1; }
    if (Math.abs(b - a) <= xtol) return { x: (a * fb - b * fa) / (fb - fa), converged: true };
  }
  return { x: (a * fb - b * fa) / (fb - fa), converged: false };
}
