// Per-bin γ's (staterror: Gaussian constraint; shapesys: Poisson constraint) profiled in closed
// form given every other parameter: the "Barlow–Beeston-lite" minimisation that CMS Combine
// does analytically for its per-bin MC-statistics parameters (autoMCStats;
// CMSHistErrorPropagator::runBarlowBeeston solves one quadratic per bin and keeps the larger
// root; J. Conway, "Incorporating nuisance parameters in likelihoods for multisource spectra",
// arXiv:1103.0354, §5; Barlow & Beeston, CPC 77 (1993) 219).
//
// In one main bin with n observed events the expected rate is λ = B + Σ_j s_j γ_j: B the
// samples that carry none of the bin's profiled γ's, s_j the rate (at γ_j = 1) of the samples
// scaled by γ_j. The terms of −ln L that depend on the γ's are
//     λ − n ln λ + Σ_j c_j(γ_j),   c_j = (γ_j − a_j)²/(2σ_j²)  or  τ_j γ_j − a_j ln γ_j.
// With w = ∂(λ − n ln λ)/∂λ = 1 − n/λ, each γ_j minimises s_j w γ_j + c_j(γ_j) on its box:
//     Gaussian: γ_j(w) = clamp(a_j − σ_j² s_j w);   Poisson: γ_j(w) = clamp(a_j/(τ_j + s_j w))
// (upper bound when τ_j + s_j w ≤ 0). The problem is convex, γ_j(w) is non-increasing in w, so
// G(λ) = λ − B − Σ_j s_j γ_j(1 − n/λ) is strictly increasing with one root, the minimum:
//   - one γ in the bin: G = 0 is a quadratic in λ (Combine's closed form, with B ≥ 0 here),
//       Gaussian: λ² − (B + s a − σ² s²) λ − σ² s² n = 0,
//       Poisson:  (τ + s) λ² − (s n + B (τ + s) + s a) λ + s B n = 0 (the larger root);
//   - several γ's sharing the bin (one per sample, e.g. ATLAS per-sample shapesys): a safeguarded
//     Newton iteration on G inside the bracket [B + Σ s_j lo_j, B + Σ s_j hi_j], to rounding.
// The clamped solution is exact (the box-constrained minimiser), not an approximation.

/** The per-γ inputs of one bin's solve, in flat arrays indexed by the γ's slot. */
export interface GammaSlots {
  /** 0 = Gaussian (width = σ²), 1 = Poisson (width = τ). */
  readonly kind: Uint8Array;
  readonly width: Float64Array;
  readonly lower: Float64Array;
  readonly upper: Float64Array;
  /** Per evaluation: the auxiliary datum a_j and the rate s_j of the samples it scales. */
  readonly aux: Float64Array;
  readonly s: Float64Array;
  /** Output: the profiled γ_j. */
  readonly gamma: Float64Array;
  /** Output of the last profileBin with n > 0: the bin's rate λ at the solution. */
  lastRate?: number;
}

/** γ_j(w): the minimiser of s w γ + c(γ) on [lower, upper]. */
function gammaAt(g: GammaSlots, j: number, w: number): number {
  const lo = g.lower[j], hi = g.upper[j], s = g.s[j], a = g.aux[j];
  let v: number;
  if (g.kind[j] === 0) v = a - g.width[j] * s * w;
  else {
    const d = g.width[j] + s * w;
    if (d <= 0) return hi;
    v = a / d;
  }
  return v < lo ? lo : v > hi ? hi : v;
}

/**
 * Profile the γ's in slots [j0, j1) of one bin: n observed events (`blinded`: the bin's Poisson
 * term is left out of −ln L), B the rate of the samples without these γ's. Writes g.gamma.
 * Returns NaN, or — when the bound λ ≥ 0 is active (see floorRate) — the multiplier w that
 * then takes the place of ∂(λ − n ln λ)/∂λ = 1 in the envelope-theorem gradient.
 */
export function profileBin(g: GammaSlots, j0: number, j1: number, n: number, blinded: boolean, B: number, lamStart = NaN): number {
  if (blinded || n === 0) {
    // No n ln λ term: w is constant (0 when blinded, 1 when n = 0).
    const w = blinded ? 0 : 1;
    for (let j = j0; j < j1; j++) g.gamma[j] = gammaAt(g, j, w);
    if (!blinded && rateAt(g, j0, j1, B, w) < 0) return floorRate(g, j0, j1, B);
    return NaN;
  }
  let anyS = false, allPositive = B >= 0;
  for (let j = j0; j < j1; j++) { if (g.s[j] !== 0) anyS = true; if (!(g.s[j] > 0)) allPositive = false; }
  if (!anyS) {
    // λ does not depend on these γ's: each sits at its constraint's own minimum
    for (let j = j0; j < j1; j++) g.gamma[j] = gammaAt(g, j, 0);
    return NaN;
  }
  // (A negative sample rate — a histosys extrapolated below zero — keeps the problem convex and
  // G increasing, but not the quadratic's root choice: the bracketed iteration handles it.)
  const lam = j1 - j0 === 1 && allPositive ? singleRoot(g, j0, n, B) : newtonRoot(g, j0, j1, n, B, lamStart);
  g.lastRate = lam;
  const w = 1 - n / lam;
  for (let j = j0; j < j1; j++) g.gamma[j] = gammaAt(g, j, w);
  return NaN;
}

/** λ = B + Σ s_j γ_j(w). */
function rateAt(g: GammaSlots, j0: number, j1: number, B: number, w: number): number {
  let lam = B;
  for (let j = j0; j < j1; j++) lam += g.s[j] * gammaAt(g, j, w);
  return lam;
}

/**
 * n = 0 and a sample rate below zero (a histosys extrapolated past −100 %): the minimum of
 * λ + Σ c_j would have λ < 0, where the model is not defined (pyhf: NaN; infer's rate guard:
 * +∞). The minimum over λ ≥ 0 has w = 1 − ν < 1 (ν the multiplier of λ ≥ 0) with λ(w) = 0;
 * λ(w) is non-increasing in w, so it is found by bisection, on the side λ ≥ ε (ε = 1e-12 of
 * the bin's scale, so rounding elsewhere cannot make it negative). Unreachable: left as is.
 */
function floorRate(g: GammaSlots, j0: number, j1: number, B: number): number {
  let scale = Math.abs(B);
  for (let j = j0; j < j1; j++) scale += Math.abs(g.s[j]) * Math.min(g.upper[j], 1e3);
  const eps = 1e-12 * scale;
  let hi = 1, lo = 0, step = 1;
  for (; step < 1e300 && rateAt(g, j0, j1, B, 1 - step) < eps; step *= 2) hi = 1 - step;
  if (!(step < 1e300)) return NaN;
  lo = 1 - step;
  for (let it = 0; it < 200 && hi - lo > 1e-15 * Math.max(1, Math.abs(lo)); it++) {
    const mid = 0.5 * (lo + hi);
    if (rateAt(g, j0, j1, B, mid) >= eps) lo = mid;
    else hi = mid;
  }
  for (let j = j0; j < j1; j++) g.gamma[j] = gammaAt(g, j, lo);
  return lo;
}

/** The root of G for one γ (s > 0, B ≥ 0, n > 0), by the quadratic formula without cancellation. */
function singleRoot(g: GammaSlots, j: number, n: number, B: number): number {
  const s = g.s[j], a = g.aux[j];
  if (g.kind[j] === 0) {
    const v = g.width[j];
    const p = B + s * a - v * s * s, q = v * s * s * n;
    const r = Math.sqrt(p * p + 4 * q);
    return p >= 0 ? 0.5 * (p + r) : (2 * q) / (r - p);
  }
  const tau = g.width[j];
  const A = tau + s, P = s * n + B * A + s * a;
  const disc = P * P - 4 * A * s * B * n;
  return (P + Math.sqrt(Math.max(0, disc))) / (2 * A);
}

/**
 * The root of G(λ) (dG/dλ ≥ 1 whatever the signs of the s_j) for several γ's: Newton steps kept
 * inside a shrinking bracket, from `lamStart` when it lies in the bracket. If no λ > 0 is reachable (the bin's rate is negative for every γ
 * in the box) the bracket's top is returned and −ln L is not finite there.
 */
function newtonRoot(g: GammaSlots, j0: number, j1: number, n: number, B: number, lamStart: number): number {
  let lo = B, hi = B;
  for (let j = j0; j < j1; j++) {
    const a = g.s[j] * g.lower[j], b = g.s[j] * g.upper[j];
    lo += Math.min(a, b); hi += Math.max(a, b);
  }
  if (!(hi > 0)) return hi;
  if (!(lo > 0)) lo = 0;
  // Start from the caller's guess (e.g. the root of the previous evaluation: the parameters
  // moved little) when it is inside the bracket, else from n clamped to it.
  let lam = lamStart > lo && lamStart < hi ? lamStart : n < lo ? lo : n > hi ? hi : n;
  if (!(lam > 0)) lam = Math.min(hi, Math.max(1e-300, 0.5 * (lo + hi)));
  for (let it = 0; it < 200; it++) {
    const w = 1 - n / lam;
    let G = lam - B, dG = 1;
    const c = n / (lam * lam);
    for (let j = j0; j < j1; j++) {
      const s = g.s[j], gam = gammaAt(g, j, w);
      G -= s * gam;
      if (gam > g.lower[j] && gam < g.upper[j]) dG += c * s * s * (g.kind[j] === 0 ? g.width[j] : (gam * gam) / g.aux[j]);
    }
    if (G > 0) hi = lam;
    else if (G < 0) lo = lam;
    else return lam;
    let next = lam - G / dG;
    // Converged (the step is at rounding level): checked before the bracket test, since a
    // step of ~1 ulp can land on the bracket's end and would otherwise trigger bisection.
    if (Math.abs(next - lam) <= 1e-15 * lam) return next;
    if (!(next > lo && next < hi)) next = Number.isFinite(hi) ? 0.5 * (lo + hi) : 2 * lam;
    if (Math.abs(next - lam) <= 1e-15 * lam || hi - lo <= 1e-15 * hi) return next;
    lam = next;
  }
  return lam;
}
