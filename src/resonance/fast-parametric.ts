// The rescan of a background-only toy with a parametric background, made tight: the same
// procedure as buildSearch + scanSpectrum (every order of each family refitted to the toy, the
// order chosen by the same F-test/AIC rule, on the whole spectrum or per mass on the s+b fits
// as point.ts's parametricMembers, the envelope over families, per-mass s+b fits, the same
// failure checks), but each fit is a small dense Newton on the exact Hessian of the
// Poisson likelihood (optimize/dense-newton.ts), warm-started from the observed spectrum's fit of that
// order (background-only) and from the toy's background-only fit (s+b), with every buffer
// allocated once per thread. Only q0 (and Z = √q0) is computed: the toys need no upper
// limits, so the check "no upper limit found" of point.ts is the one check not applied.
// Log-linear families only (dijet, exponential, power law); a Bernstein background (bounded
// coefficients) keeps the full procedure (toys.ts).
//
// Likelihood (parametric.ts): 2NLL = 2Σ_i [λ_i − n_i ln λ_i + ln n_i!], λ_i = B_i(θ) + A s_i,
// B_i = Σ_k∈i W_k exp(θ·φ_k) over the bin's quadrature nodes, λ floored at ε with a linear
// continuation and a soft wall below it. With r_i = ∂nll/∂λ_i and d_i = ∂²nll/∂λ_i²
// (n_i/λ_i², or 2·wall below ε), the exact Hessian is
//   H = Σ_i d_i ∇λ_i ∇λ_iᵀ + Σ_k r_{i(k)} W_k e^{θ·φ_k} φ_k φ_kᵀ   (the second term on θ only).
import { lgamma } from "../math/special.ts";
import { DenseNewton, type NewtonProblem } from "../optimize/dense-newton.ts";
import { fitBackground, pickOrder, poissonDeviance } from "./order.ts";
import { compileFamily, ORDER_RANGE, startingTheta, type CompiledFamily } from "./parametric.ts";
import { sidebandBins } from "./point.ts";
import type { SearchSpec } from "./search.ts";
import { binFractions, containmentInterval, overlappingBins, resolutionFunction } from "./signal.ts";
import type { Spectrum } from "./spectrum.ts";

/** One mass of a toy's rescan: q0 and Z, or failed with the reason (as point.ts). */
export interface ToyPoint {
  ok: boolean;
  q0: number;
  Z: number;
  error: string;
}

/**
 * The failure checks of point.ts (evaluatePoint) on a toy's point, except the upper limit's:
 * σ_A, Z, the sideband pull, the window ratio and the fits' convergence.
 */
export function toyPointReasons(c: { sigmaA: number; Z: number; sidebandPull: number; sidebandNSigma: number; obsWindow: number; bkgWindow: number; windowRatio: number; converged: boolean }): string[] {
  const reasons: string[] = [];
  if (!(c.sigmaA > 0) || !Number.isFinite(c.sigmaA)) reasons.push(`σ_A = ${c.sigmaA}: the likelihood does not constrain the signal yield`);
  if (!Number.isFinite(c.Z)) reasons.push(`Z = ${c.Z} is not finite`);
  if (Math.abs(c.sidebandPull) > c.sidebandNSigma) reasons.push(`the background is off by ${c.sidebandPull.toFixed(1)} standard deviations in the sidebands (limit ${c.sidebandNSigma})`);
  if (c.obsWindow > 0 && (c.bkgWindow * c.windowRatio < c.obsWindow || c.bkgWindow > c.windowRatio * Math.max(c.obsWindow, 1)))
    reasons.push(`background prediction ${c.bkgWindow.toPrecision(3)} against ${c.obsWindow} observed in the window`);
  if (!c.converged) reasons.push("a fit did not converge");
  return reasons;
}

const SOFT_WALL = 1e6;

/** The Poisson likelihood of one log-linear family (+ A·s when a signal is set) as a NewtonProblem. */
export class FamilyProblem implements NewtonProblem {
  n: number;
  counts: Float64Array = new Float64Array(0);
  /** Σ ln n_i! of the counts, and the floor ε (as ParametricLikelihood: max(1e-12, 1e-9·max(1, mean count))). */
  lgSum = 0;
  eps = 1e-12;
  /** Signal fractions (null: background only, no A parameter). */
  s: Float64Array | null = null;
  readonly B: Float64Array;
  private readonly J: Float64Array;
  private readonly v: Float64Array;
  private readonly r: Float64Array;
  private readonly dd: Float64Array;

  constructor(readonly fam: CompiledFamily) {
    const nb = fam.nBins;
    this.n = fam.npar;
    this.B = new Float64Array(nb);
    this.J = new Float64Array(nb * fam.npar);
    this.v = new Float64Array(fam.nodeBin.length);
    this.r = new Float64Array(nb);
    this.dd = new Float64Array(nb);
  }

  setCounts(counts: Float64Array, lgSum: number, eps: number): void {
    this.counts = counts; this.lgSum = lgSum; this.eps = eps;
  }

  setSignal(s: Float64Array | null): void {
    this.s = s;
    this.n = this.fam.npar + (s ? 1 : 0);
  }

  evaluate(x: Float64Array, g: Float64Array | null, H: Float64Array | null): number {
    const fam = this.fam, P = fam.npar, nb = fam.nBins, N = fam.nodeBin.length, basis = fam.basis;
    const o = this.s ? 1 : 0, A = this.s ? x[0] : 0, s = this.s, n = this.n;
    const B = this.B, J = this.J, v = this.v, r = this.r, dd = this.dd, counts = this.counts, eps = this.eps;
    B.fill(0);
    if (g) J.fill(0);
    for (let k = 0; k < N; k++) {
      const off = k * P;
      let e = 0;
      for (let p = 0; p < P; p++) e += x[o + p] * basis[off + p];
      const val = fam.nodeWeight[k] * Math.exp(Math.min(e, 700));
      v[k] = val;
      const i = fam.nodeBin[k];
      B[i] += val;
      if (g) for (let p = 0; p < P; p++) J[i * P + p] += val * basis[off + p];
    }
    let f = this.lgSum;
    for (let i = 0; i < nb; i++) {
      const ni = counts[i], l = B[i] + (s ? A * s[i] : 0);
      const le = l > eps ? l : eps;
      f += le - (ni === 0 ? 0 : ni * Math.log(le));
      r[i] = 1 - ni / le;
      dd[i] = ni / (le * le);
      if (l < eps) {
        f += r[i] * (l - eps) + SOFT_WALL * (eps - l) * (eps - l);
        r[i] -= 2 * SOFT_WALL * (eps - l);
        dd[i] = 2 * SOFT_WALL;
      }
    }
    if (!g || !H) return f;
    g.fill(0, 0, n);
    H.fill(0, 0, n * n);
    for (let i = 0; i < nb; i++) {
      const ri = r[i], di = dd[i], Ji = i * P;
      if (s) {
        const si = s[i];
        g[0] += ri * si;
        H[0] += di * si * si;
        for (let p = 0; p < P; p++) H[1 + p] += di * si * J[Ji + p];
      }
      for (let p = 0; p < P; p++) {
        const jp = J[Ji + p];
        g[o + p] += ri * jp;
        const row = (o + p) * n + o;
        for (let q = 0; q <= p; q++) H[row + q] += di * jp * J[Ji + q];
      }
    }
    // curvature of B itself: Σ_k r_i(k) v_k φ_k φ_kᵀ
    for (let k = 0; k < N; k++) {
      const c = r[fam.nodeBin[k]] * v[k], off = k * P;
      if (c === 0) continue;
      for (let p = 0; p < P; p++) {
        const cp = c * basis[off + p], row = (o + p) * n + o;
        for (let q = 0; q <= p; q++) H[row + q] += cp * basis[off + q];
      }
    }
    // symmetrise (lower → upper; the A row was filled as H[0][1+p])
    if (s) for (let p = 0; p < P; p++) H[(1 + p) * n] = H[1 + p];
    for (let p = o; p < n; p++) for (let q = o; q < p; q++) H[q * n + p] = H[p * n + q];
    return f;
  }
}

interface OrderState {
  npar: number;
  prob: FamilyProblem;
  /** θ of the observed spectrum's background-only fit (warm start). */
  theta0: Float64Array;
  /** This toy's fit. */
  theta: Float64Array;
  twiceNll: number;
  deviance: number;
  converged: boolean;
  yields: Float64Array;
}

/** The s+b fit of one order at one mass. */
interface SignalFit {
  o: OrderState;
  twiceNll: number;
  A: number;
  sigmaA: number;
  /** Poisson deviance of the s+b fit (NaN when the fit is not finite). */
  deviance: number;
  converged: boolean;
}

interface MassState {
  mass: number;
  /** A reason this mass fails whatever the counts (resolution, window outside the spectrum). */
  staticError: string;
  window: number[];
  sideband: number[];
  s: Float64Array;
}

/** True when the fast rescan applies to this background (parametric, log-linear families). */
export function fastParametricApplies(spec: SearchSpec): boolean {
  return spec.background.model === "parametric" && spec.background.families.every((f) => f !== "bernstein");
}

/** A parametric search compiled on a binning, ready to rescan toys (one per thread). */
export class FastParametricScan {
  private readonly families: { orders: OrderState[] }[] = [];
  private readonly points: MassState[] = [];
  private readonly newton: DenseNewton;
  private readonly x: Float64Array;
  private readonly penalty: number;
  private readonly method: "ftest" | "aic";
  /** The order is chosen at each mass on the s+b fits (search.ts orderScope "mass"). */
  private readonly perMass: boolean;

  /** `observed`: the spectrum whose background-only fits warm-start every toy's fits. */
  constructor(readonly spec: SearchSpec, observed: Spectrum, masses: number[]) {
    const bg = spec.background;
    if (bg.model !== "parametric" || !fastParametricApplies(spec)) throw new Error("FastParametricScan needs a parametric background of log-linear families");
    this.penalty = bg.envelopePenalty ?? 1;
    this.method = bg.orderSelection;
    this.perMass = bg.npar === null && (bg.orderScope ?? "mass") === "mass";
    let maxP = 1;
    for (const family of bg.families) {
      const [lo, hi] = bg.npar !== null ? [bg.npar, bg.npar] : ORDER_RANGE[family];
      const orders: OrderState[] = [];
      for (let p = lo; p <= hi; p++) {
        if (bg.npar === null && observed.counts.length - p < 2) break;
        const fs = { family, npar: p, sqrtS: bg.sqrtS };
        const fam = compileFamily(observed, fs);
        let theta0: Float64Array;
        try { theta0 = Float64Array.from(fitBackground(observed, fs).pars.subarray(1)); } catch { theta0 = startingTheta(fam, observed); }
        orders.push({ npar: p, prob: new FamilyProblem(fam), theta0, theta: new Float64Array(p), twiceNll: NaN, deviance: NaN, converged: false, yields: new Float64Array(observed.counts.length) });
        maxP = Math.max(maxP, p + 1);
      }
      this.families.push({ orders });
    }
    this.newton = new DenseNewton(maxP);
    this.x = new Float64Array(maxP);
    const sigmaAt = resolutionFunction(spec.resolution);
    for (const m of masses) {
      const st: MassState = { mass: m, staticError: "", window: [], sideband: [], s: new Float64Array(0) };
      const sigma = sigmaAt(m);
      if (!(sigma > 0) || !Number.isFinite(sigma)) st.staticError = `the resolution σ(${m}) = ${sigma} is not positive`;
      else {
        const [lo, hi] = containmentInterval(spec.signal, m, sigma, spec.containment);
        st.window = overlappingBins(observed.edges, lo, hi);
        if (st.window.length === 0) st.staticError = `the signal window [${lo}, ${hi}] lies outside the spectrum`;
        st.s = binFractions(observed.edges, spec.signal, m, sigma);
        st.sideband = sidebandBins(observed, lo, hi, new Set(st.window));
      }
      this.points.push(st);
    }
  }

  /**
   * Background-only refit of every order of every family on `counts`: per family the orders
   * whose fit is finite, lowest first, and the one chosen on the whole spectrum (throws when a
   * family has no fittable order).
   */
  private fitOrders(counts: Float64Array, lgSum: number, eps: number): { ok: OrderState[]; chosen: OrderState }[] {
    const out: { ok: OrderState[]; chosen: OrderState }[] = [];
    this.families.forEach(({ orders }, fi) => {
      const ok: OrderState[] = [];
      for (const o of orders) {
        o.prob.setCounts(counts, lgSum, eps);
        o.prob.setSignal(null);
        o.theta.set(o.theta0);
        const r = this.newton.minimize(o.prob, o.theta);
        o.twiceNll = 2 * r.f;
        o.converged = r.converged;
        if (!Number.isFinite(r.f)) continue;
        o.yields.set(o.prob.B);
        o.deviance = poissonDeviance(counts, o.yields);
        ok.push(o);
      }
      if (ok.length === 0) throw new Error(`no order of the ${this.spec.background.model === "parametric" ? this.spec.background.families[fi] : ""} family could be fitted`);
      out.push({ ok, chosen: ok.length === 1 ? ok[0] : ok[pickOrder(ok.map((o) => ({ spec: { family: "dijet", npar: o.npar }, deviance: o.deviance, converged: o.converged, ndf: counts.length - o.npar })), this.method).index] });
    });
    return out;
  }

  /**
   * The s+b fit of one order at a mass, from (A = 0, θ̂ of the toy's background-only fit). In
   * empty bins with Â < 0 it can crawl along the soft wall at λ's floor without converging; when
   * the score ∂nll/∂A at A = 0 (the profile's slope there, envelope theorem) is positive, Â < 0
   * is known and q0 = 0 is exact, so such a fit is not a failure (σ_A from its last iterate).
   */
  private fitWithSignal(o: OrderState, s: Float64Array, counts: Float64Array): SignalFit {
    const x = this.x, newton = this.newton;
    o.prob.setSignal(s);
    x[0] = 0;
    x.set(o.theta, 1);
    o.prob.evaluate(x, newton.g, newton.H);
    const scorePositive = newton.g[0] > 0;
    const r = newton.minimize(o.prob, x, { maxIter: 60 });
    const sigmaA = Math.sqrt(newton.inverseDiagonal(o.prob.n, 0));
    const A = x[0];
    let deviance = NaN;
    if (Number.isFinite(r.f)) {
      o.prob.evaluate(x, null, null); // B at the fit's end point
      deviance = 0;
      for (let i = 0; i < counts.length; i++) {
        const m = Math.max(o.prob.B[i] + A * s[i], o.prob.eps), n = counts[i]; // floored as ParametricLikelihood.expected
        deviance += 2 * (m - n + (n > 0 ? n * Math.log(n / m) : 0));
      }
    }
    return { o, twiceNll: 2 * r.f, A, sigmaA, deviance, converged: r.converged || (scorePositive && A < 0) };
  }

  /** The order of a family at one mass: chooseOrder's rule on the s+b fits' deviances, consecutive pairs tested lowest first (as pickOrder). */
  private orderAtMass(ok: OrderState[], s: Float64Array, counts: Float64Array): SignalFit {
    if (this.method === "aic") {
      const fits = ok.map((o) => this.fitWithSignal(o, s, counts)).filter((f) => Number.isFinite(f.deviance));
      if (fits.length === 0) return this.fitWithSignal(ok[0], s, counts);
      return fits[pickOrder(fits.map((f) => ({ spec: { family: "dijet", npar: f.o.npar }, deviance: f.deviance, converged: f.converged, ndf: counts.length - f.o.npar - 1 })), "aic").index];
    }
    let cur: SignalFit | null = null;
    for (const o of ok) {
      const next = this.fitWithSignal(o, s, counts);
      if (!Number.isFinite(next.deviance)) continue;
      if (cur) {
        const t = (f: SignalFit) => ({ spec: { family: "dijet" as const, npar: f.o.npar }, deviance: f.deviance, converged: f.converged, ndf: counts.length - f.o.npar - 1 });
        // pickOrder's own rule and threshold on the pair: index 0 = the lower order suffices
        if (pickOrder([t(cur), t(next)], "ftest").index === 0) return cur;
      }
      cur = next;
    }
    return cur ?? this.fitWithSignal(ok[0], s, counts);
  }

  /** Rescan one spectrum's counts: q0 and Z at every mass (failures with reasons). Throws when no background can be fitted. */
  scan(countsIn: ArrayLike<number>): ToyPoint[] {
    const counts = Float64Array.from(countsIn);
    let lgSum = 0, tot = 0;
    for (let i = 0; i < counts.length; i++) { lgSum += lgamma(counts[i] + 1); tot += counts[i]; }
    const eps = Math.max(1e-12, 1e-9 * Math.max(1, tot / counts.length));
    const families = this.fitOrders(counts, lgSum, eps);
    const pen = this.penalty;
    const sum = (v: ArrayLike<number>, idx: number[]) => { let t = 0; for (const i of idx) t += v[i]; return t; };
    return this.points.map((pt): ToyPoint => {
      if (pt.staticError) return { ok: false, q0: NaN, Z: NaN, error: pt.staticError };
      // Per family the s+b fit of its order at this mass (chosen here, or on the whole spectrum).
      const fits = families.map((f) => (this.perMass ? this.orderAtMass(f.ok, pt.s, counts) : this.fitWithSignal(f.chosen, pt.s, counts)));
      const members = fits.map((f) => f.o);
      const best = members.reduce((a, m) => (m.twiceNll + pen * m.npar < a.twiceNll + pen * a.npar ? m : a));
      let freeBest = Infinity, at0 = Infinity, muHat = NaN, sigmaA = NaN, converged = true;
      for (const f of fits) {
        converged &&= f.converged;
        const free = f.twiceNll + pen * f.o.npar;
        if (free < freeBest) {
          freeBest = free;
          muHat = f.A;
          sigmaA = f.sigmaA;
        }
        at0 = Math.min(at0, f.o.twiceNll + pen * f.o.npar);
      }
      // the A = 0 profile of a member is its background-only fit; one member: the penalty cancels
      const q0 = muHat < 0 ? 0 : Math.max(0, at0 - freeBest);
      const Z = Math.sqrt(q0);
      const sbB = sum(best.yields, pt.sideband);
      const pull = pt.sideband.length ? (sum(counts, pt.sideband) - sbB) / Math.sqrt(Math.max(sbB, 1e-300)) : NaN;
      const reasons = toyPointReasons({
        sigmaA, Z, sidebandPull: pull, sidebandNSigma: this.spec.sidebandNSigma, obsWindow: sum(counts, pt.window), bkgWindow: sum(best.yields, pt.window),
        windowRatio: this.spec.windowRatio, converged: converged && members.every((m) => m.converged),
      });
      return reasons.length ? { ok: false, q0, Z, error: reasons.join("; ") } : { ok: true, q0, Z, error: "" };
    });
  }
}
