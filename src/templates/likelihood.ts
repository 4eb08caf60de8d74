// The template likelihood of ../shared/specs/gato_sage.md §B4 as a `Likelihood`:
//
//   ν_{r,b}(μ, θ, κ) = Σ_p K_p · T_{p,r,b}(θ),   K_p = μ^[p is signal] · Π_{f ∋ p} κ_f
//   −ln L = Σ_{r,b} [ν − n ln ν + ln Γ(n + 1)] + Σ_j c_j(θ_j),   ν floored at 1e-10
//
// with T interpolated on the nuisance grid (interpolate.ts), shape nuisances θ = the grid axes
// (in the axes' own units: tes = 1.01, soft_met = 2.3), and normalisation nuisances κ_f either
// "power", κ = (1 + α)^ν with ν unit-normal (HEPHY/GOLLUM, §B3; pyhf normsys code 1 with
// hi = 1 + α, lo = 1/(1 + α)), or "scale", κ the factor itself. Constraint terms c_j:
//   gaussian  (aux − θ)²/(2σ²) + ln σ + ½ln 2π   with an auxiliary datum aux (nominal: the mean)
//   lognormal (ln θ − m)²/(2s²) + ln θ + ln s + ½ln 2π   (a prior density, incl. the 1/θ Jacobian)
//   flat      0 on [lower, upper]
//   none      0 (free parameter)
// All constants are kept, as pyhf keeps them, so 2·nll is pyhf's twice_nll for the same model.
// Parameters: [μ, shape nuisances in grid-axis order, normalisation nuisances]. Data: the bins
// of all regions concatenated in region order, then one auxiliary datum per gaussian constraint
// in parameter order.
import type { Likelihood, ParameterSpec } from "../likelihood/types.ts";
import { lgamma, LN_SQRT_2PI } from "../math/special.ts";
import type { Rng } from "../math/rng.ts";
import { InputError } from "../io/errors.ts";
import { GridInterpolator, type InterpolationMode, type OutsideMode } from "./interpolate.ts";
import { totalBins, type TemplateGrid } from "./grid.ts";

export type Constraint =
  | { type: "gaussian"; mean: number; sigma: number }
  | { type: "lognormal"; mu: number; sigma: number }
  | { type: "flat" }
  | { type: "none" };

export interface NuisanceDef {
  name: string;
  init: number;
  lower: number;
  upper: number;
  constraint: Constraint;
  fixed?: boolean;
}

export interface NormDef extends NuisanceDef {
  /** "power": κ = (1 + alpha)^value; "scale": κ = value. */
  kind: "power" | "scale";
  alpha?: number;
  /** Processes this factor multiplies. */
  processes: string[];
}

export interface TemplateModelSpec {
  poi: { name: string; init: number; lower: number; upper: number };
  /** Processes scaled by the POI. */
  signal: string[];
  /** One definition per grid axis (matched by name). */
  shapes: NuisanceDef[];
  norms: NormDef[];
  interpolation: InterpolationMode;
  outside: OutsideMode;
}

const FLOOR = 1e-10;

/** Check a model spec against its grid; mistakes are InputErrors naming `file` and the field. */
export function checkModelSpec(spec: TemplateModelSpec, grid: TemplateGrid, file = "model"): void {
  const axisNames = grid.axes.map((a) => a.name);
  spec.shapes.forEach((s) => {
    if (!axisNames.includes(s.name)) throw new InputError(file, `shapes.${s.name}`, `nuisance "${s.name}" is not an axis of the template grid (axes: ${axisNames.join(", ")})`);
  });
  for (const a of axisNames) if (!spec.shapes.some((s) => s.name === a)) throw new InputError(file, "shapes", `the grid axis "${a}" has no nuisance definition: add one named "${a}"`);
  for (const p of spec.signal) if (!grid.processes.includes(p)) throw new InputError(file, "signal", `process "${p}" is not in the template grid (processes: ${grid.processes.join(", ")})`);
  spec.norms.forEach((n) => {
    for (const p of n.processes) if (!grid.processes.includes(p)) throw new InputError(file, `norms.${n.name}.processes`, `process "${p}" is not in the template grid (processes: ${grid.processes.join(", ")})`);
    if (n.kind === "power" && !(n.alpha !== undefined && n.alpha > -1 && n.alpha !== 0)) throw new InputError(file, `norms.${n.name}.alpha`, `a "power" factor needs alpha > −1 and ≠ 0, got ${n.alpha}`);
  });
  const all = [{ ...spec.poi, constraint: { type: "none" } as Constraint }, ...spec.shapes, ...spec.norms];
  const seen = new Set<string>();
  all.forEach((p, i) => {
    const f = i === 0 ? "poi" : i <= spec.shapes.length ? `shapes.${p.name}` : `norms.${p.name}`;
    if (seen.has(p.name)) throw new InputError(file, `${f}.name`, `parameter "${p.name}" is defined twice`);
    seen.add(p.name);
    if (!(p.lower < p.upper)) throw new InputError(file, `${f}`, `bounds [${p.lower}, ${p.upper}] of "${p.name}" are empty: need lower < upper`);
    if (!(p.init >= p.lower && p.init <= p.upper)) throw new InputError(file, `${f}.init`, `init ${p.init} of "${p.name}" is outside its bounds [${p.lower}, ${p.upper}]`);
    const c = p.constraint;
    if (c.type === "gaussian" && !(c.sigma > 0)) throw new InputError(file, `${f}.constraint.sigma`, `must be > 0, got ${c.sigma}`);
    if (c.type === "lognormal" && !(c.sigma > 0)) throw new InputError(file, `${f}.constraint.sigma`, `must be > 0, got ${c.sigma}`);
    if (c.type === "lognormal" && !(p.lower > 0)) throw new InputError(file, `${f}.lower`, `a lognormal constraint needs lower > 0 (the density is undefined at 0), got ${p.lower}`);
  });
}

export class TemplateLikelihood implements Likelihood {
  readonly parameters: ParameterSpec[];
  readonly poi = 0;
  readonly nMain: number;
  readonly nAux: number;
  readonly observed: Float64Array;
  readonly interpolator: GridInterpolator;
  readonly nShape: number;
  readonly nNorm: number;
  private readonly nProc: number;
  private readonly isSignal: Uint8Array;
  /** normMember[f·nProc + p] = 1 if norm f multiplies process p. */
  private readonly normMember: Uint8Array;
  private readonly normLogBase: Float64Array; // ln(1 + α) for power, NaN for scale
  private readonly cType: Uint8Array; // 0 none/flat, 1 gaussian, 2 lognormal
  private readonly cA: Float64Array; // gaussian: aux index; lognormal: m
  private readonly cS: Float64Array; // σ
  private readonly auxMean: Float64Array;
  // Work buffers.
  private readonly T: Float64Array;
  private readonly dT: Float64Array;
  private readonly nu: Float64Array;
  private readonly dnu: Float64Array; // nPar × nMain
  private readonly K: Float64Array;
  private readonly dK: Float64Array; // nPar × nProc

  constructor(readonly grid: TemplateGrid, readonly spec: TemplateModelSpec, observedMain?: ArrayLike<number>) {
    checkModelSpec(spec, grid);
    this.interpolator = new GridInterpolator(grid, { mode: spec.interpolation, outside: spec.outside });
    const shapes = grid.axes.map((a) => spec.shapes.find((s) => s.name === a.name)!);
    const defs: NuisanceDef[] = [{ ...spec.poi, constraint: { type: "none" } }, ...shapes, ...spec.norms];
    this.nShape = shapes.length;
    this.nNorm = spec.norms.length;
    this.nProc = grid.processes.length;
    this.nMain = totalBins(grid);
    const n = defs.length;
    this.cType = new Uint8Array(n); this.cA = new Float64Array(n); this.cS = new Float64Array(n);
    const aux: number[] = [];
    defs.forEach((d, i) => {
      const c = d.constraint;
      if (c.type === "gaussian") { this.cType[i] = 1; this.cA[i] = aux.length; this.cS[i] = c.sigma; aux.push(c.mean); }
      else if (c.type === "lognormal") { this.cType[i] = 2; this.cA[i] = c.mu; this.cS[i] = c.sigma; }
    });
    this.nAux = aux.length;
    this.auxMean = Float64Array.from(aux);
    this.parameters = defs.map((d) => ({
      name: d.name, init: d.init, lower: d.lower, upper: d.upper, fixed: d.fixed ?? false,
      constrained: d.constraint.type === "gaussian" || d.constraint.type === "lognormal",
      prefitSigma: d.constraint.type === "gaussian" ? d.constraint.sigma : NaN,
    }));
    this.isSignal = Uint8Array.from(grid.processes, (p) => (spec.signal.includes(p) ? 1 : 0));
    this.normMember = new Uint8Array(this.nNorm * this.nProc);
    this.normLogBase = new Float64Array(this.nNorm);
    spec.norms.forEach((f, k) => {
      for (const p of f.processes) this.normMember[k * this.nProc + grid.processes.indexOf(p)] = 1;
      this.normLogBase[k] = f.kind === "power" ? Math.log1p(f.alpha!) : NaN;
    });
    const S = this.interpolator.size;
    this.T = new Float64Array(S);
    this.dT = new Float64Array(this.nShape * S);
    this.nu = new Float64Array(this.nMain);
    this.dnu = new Float64Array(n * this.nMain);
    this.K = new Float64Array(this.nProc);
    this.dK = new Float64Array(n * this.nProc);
    this.observed = new Float64Array(this.nMain + this.nAux);
    if (observedMain) this.setObserved(observedMain);
    else this.observed.set(this.expected(Float64Array.from(this.parameters, (p) => p.init)));
    this.observed.set(this.auxMean, this.nMain);
  }

  /** The nominal auxiliary data (the gaussian constraints' means), in parameter order. */
  get nominalAux(): Float64Array {
    return this.auxMean;
  }

  /** Replace the observed main counts (checked: finite and ≥ 0); aux stays nominal. */
  setObserved(main: ArrayLike<number>, file = "data"): void {
    if (main.length !== this.nMain) throw new InputError(file, "", `expected ${this.nMain} counts (all regions' bins), got ${main.length}`);
    for (let i = 0; i < main.length; i++) {
      if (!(main[i] >= 0) || !Number.isFinite(main[i])) throw new InputError(file, `[${i}]`, `count ${main[i]} is not a finite number ≥ 0`);
      this.observed[i] = main[i];
    }
  }

  /** Fill nu (and, if deriv, dnu) at pars. */
  private rates(pars: Float64Array, deriv: boolean): void {
    const nP = this.nProc, nB = this.nMain, nS = this.nShape, nN = this.nNorm, S = this.interpolator.size;
    const nPar = this.parameters.length;
    this.interpolator.evaluate(pars.subarray(1, 1 + nS), this.T, deriv ? this.dT : undefined);
    const K = this.K, dK = this.dK, mu = pars[0];
    // K_p and, per parameter, ∂K_p.
    for (let p = 0; p < nP; p++) {
      let k = this.isSignal[p] ? mu : 1;
      for (let f = 0; f < nN; f++) if (this.normMember[f * nP + p]) k *= this.kappa(f, pars[1 + nS + f]);
      K[p] = k;
    }
    const nu = this.nu;
    nu.fill(0);
    for (let p = 0; p < nP; p++) {
      const k = K[p];
      if (k === 0) continue;
      const o = p * nB;
      for (let b = 0; b < nB; b++) nu[b] += k * this.T[o + b];
    }
    if (!deriv) {
      for (let b = 0; b < nB; b++) if (!(nu[b] > FLOOR)) nu[b] = FLOOR;
      return;
    }
    dK.fill(0);
    for (let p = 0; p < nP; p++) {
      // ∂K_p/∂μ: the product without μ.
      if (this.isSignal[p]) {
        let k = 1;
        for (let f = 0; f < nN; f++) if (this.normMember[f * nP + p]) k *= this.kappa(f, pars[1 + nS + f]);
        dK[0 * nP + p] = k;
      }
      for (let f = 0; f < nN; f++) {
        if (!this.normMember[f * nP + p]) continue;
        let k = this.isSignal[p] ? mu : 1;
        for (let g = 0; g < nN; g++) if (g !== f && this.normMember[g * nP + p]) k *= this.kappa(g, pars[1 + nS + g]);
        dK[(1 + nS + f) * nP + p] = k * this.dkappa(f, pars[1 + nS + f]);
      }
    }
    const dnu = this.dnu;
    dnu.fill(0);
    for (let i = 0; i < nPar; i++) {
      const row = i * nB;
      if (i >= 1 && i <= nS) {
        const a = i - 1;
        for (let p = 0; p < nP; p++) {
          const k = K[p];
          if (k === 0) continue;
          const o = a * S + p * nB;
          for (let b = 0; b < nB; b++) dnu[row + b] += k * this.dT[o + b];
        }
      } else {
        for (let p = 0; p < nP; p++) {
          const k = dK[i * nP + p];
          if (k === 0) continue;
          const o = p * nB;
          for (let b = 0; b < nB; b++) dnu[row + b] += k * this.T[o + b];
        }
      }
    }
    for (let b = 0; b < nB; b++) {
      if (!(nu[b] > FLOOR)) {
        nu[b] = FLOOR;
        for (let i = 0; i < nPar; i++) dnu[i * nB + b] = 0;
      }
    }
  }

  /** The per-process factors K_p = μ^[signal]·Π κ_f at pars, into out[nProcesses]. */
  processFactors(pars: Float64Array, out: Float64Array): Float64Array {
    const nP = this.nProc, nS = this.nShape;
    for (let p = 0; p < nP; p++) {
      let k = this.isSignal[p] ? pars[0] : 1;
      for (let f = 0; f < this.nNorm; f++) if (this.normMember[f * nP + p]) k *= this.kappa(f, pars[1 + nS + f]);
      out[p] = k;
    }
    return out;
  }

  private kappa(f: number, v: number): number {
    const lb = this.normLogBase[f];
    return Number.isNaN(lb) ? v : Math.exp(lb * v);
  }

  private dkappa(f: number, v: number): number {
    const lb = this.normLogBase[f];
    return Number.isNaN(lb) ? 1 : lb * Math.exp(lb * v);
  }

  private constraintTerm(pars: Float64Array, data: Float64Array, grad?: Float64Array): number {
    let s = 0;
    for (let i = 0; i < pars.length; i++) {
      const t = this.cType[i];
      if (t === 1) {
        const sg = this.cS[i], d = pars[i] - data[this.nMain + this.cA[i]];
        s += (d * d) / (2 * sg * sg) + Math.log(sg) + LN_SQRT_2PI;
        if (grad) grad[i] += d / (sg * sg);
      } else if (t === 2) {
        const sg = this.cS[i], x = pars[i], l = Math.log(x) - this.cA[i];
        s += (l * l) / (2 * sg * sg) + Math.log(x) + Math.log(sg) + LN_SQRT_2PI;
        if (grad) grad[i] += l / (sg * sg * x) + 1 / x;
      }
    }
    return s;
  }

  // Σ ln Γ(n_b + 1) of the last data seen: a fit evaluates the same data hundreds of times, and
  // the ln Γ calls would cost as much as the rest of the evaluation.
  private lgData = new Float64Array(0);
  private lgSum = NaN;

  private logFactorials(data: Float64Array): number {
    let same = this.lgData.length === this.nMain && !Number.isNaN(this.lgSum);
    for (let b = 0; same && b < this.nMain; b++) if (this.lgData[b] !== data[b]) same = false;
    if (same) return this.lgSum;
    let s = 0;
    for (let b = 0; b < this.nMain; b++) if (data[b] !== 0) s += lgamma(data[b] + 1);
    this.lgData = Float64Array.from(data.subarray(0, this.nMain));
    this.lgSum = s;
    return s;
  }

  private poissonTerm(data: Float64Array): number {
    let s = this.logFactorials(data);
    const nu = this.nu;
    for (let b = 0; b < this.nMain; b++) {
      const n = data[b];
      s += nu[b];
      if (n !== 0) s -= n * Math.log(nu[b]); // NaN data propagate (a failed fit), never skipped
    }
    return s;
  }

  nll(pars: Float64Array, data: Float64Array): number {
    this.rates(pars, false);
    return this.poissonTerm(data) + this.constraintTerm(pars, data);
  }

  nllGrad(pars: Float64Array, data: Float64Array, grad: Float64Array): number {
    this.rates(pars, true);
    const nB = this.nMain, nPar = this.parameters.length;
    grad.fill(0, 0, nPar);
    for (let i = 0; i < nPar; i++) {
      const row = i * nB;
      let g = 0;
      for (let b = 0; b < nB; b++) {
        const d = this.dnu[row + b];
        if (d !== 0) g += d * (1 - data[b] / this.nu[b]);
      }
      grad[i] = g;
    }
    return this.poissonTerm(data) + this.constraintTerm(pars, data, grad);
  }

  /** Diagonal Fisher information Σ_b (∂ν_b/∂x_i)²/ν_b plus the constraints' curvature. */
  curvature(pars: Float64Array, _data: Float64Array, out: Float64Array): void {
    this.rates(pars, true);
    const nB = this.nMain;
    for (let i = 0; i < this.parameters.length; i++) {
      let c = 0;
      for (let b = 0; b < nB; b++) { const d = this.dnu[i * nB + b]; c += (d * d) / this.nu[b]; }
      const t = this.cType[i];
      if (t === 1) c += 1 / (this.cS[i] * this.cS[i]);
      if (t === 2) c += 1 / (this.cS[i] * this.cS[i] * pars[i] * pars[i]);
      out[i] = c > 0 ? c : 1;
    }
  }

  expected(pars: Float64Array, out?: Float64Array): Float64Array {
    const o = out ?? new Float64Array(this.nMain + this.nAux);
    this.rates(pars, false);
    o.set(this.nu);
    for (let i = 0; i < pars.length; i++) if (this.cType[i] === 1) o[this.nMain + this.cA[i]] = pars[i];
    return o;
  }

  /** Expected main counts without the 1e-10 floor's effect on callers: ν at pars into out[nMain]. */
  mainRates(pars: Float64Array, out: Float64Array): Float64Array {
    this.rates(pars, false);
    out.set(this.nu);
    return out;
  }

  sample(pars: Float64Array, rng: Rng, out?: Float64Array): Float64Array {
    const o = this.expected(pars, out);
    for (let b = 0; b < this.nMain; b++) o[b] = rng.poisson(o[b]);
    for (let i = 0; i < pars.length; i++) if (this.cType[i] === 1) o[this.nMain + this.cA[i]] = pars[i] + this.cS[i] * rng.normal();
    return o;
  }
}
