// A pyhf workspace compiled into a fast Likelihood: every modifier becomes flat typed arrays,
// so nll and its analytic gradient run as a few tight loops with no allocation per call.
//
// Rates (pyhf pdf.py): ν_{s,b} = (∏ multiplicative factors) × (nominal + Σ histosys deltas),
// λ_b = Σ_s ν_{s,b}. −ln L = Σ_b [λ_b − n_b ln λ_b + lnΓ(n_b+1)] + constraint terms, with
// every normalisation constant kept so 2·nll equals pyhf's twice_nll number for number.
import { InputError } from "../io/errors.ts";
import { lgamma, LN_SQRT_2PI } from "../math/special.ts";
import type { Rng } from "../math/rng.ts";
import type { ClosedFormProfile, Likelihood, ParameterSpec } from "../likelihood/types.ts";
import type { WorkspaceSpec } from "./spec.ts";
import { COEFS_PER_BIN, CODE_ID, compileBin, interpolate, interpOut, parseInterpCode, type InterpCode } from "./interpolation.ts";
import { buildStructure, sortedChannels, type ModelStructure, type ParamSet } from "./paramsets.ts";
import { profileBin, type GammaSlots } from "./gammas.ts";

// Local aliases: hot loops then read module-local constants, whatever the module loader.
const CPB = COEFS_PER_BIN;
const interp = interpolate;
const iout = interpOut;

export interface ModifierSettings {
  normsys?: { interpcode: InterpCode | string };
  histosys?: { interpcode: InterpCode | string };
}

export interface CompileOptions {
  /** Measurement name (default: the first). */
  measurement?: string;
  /** Override the measurement's POI ("" for a POI-less model). */
  poiName?: string;
  /** Interpolation codes per modifier type (pyhf defaults: normsys code4, histosys code4p). */
  modifierSettings?: ModifierSettings;
  /** File name used in error messages. */
  file?: string;
  /**
   * Channels whose main-measurement Poisson terms are left out of nll/nllGrad/curvature (their
   * constraint terms stay): a "blinded" likelihood. expected()/expectedMain() still report them.
   */
  blindChannels?: string[];
  /**
   * Profile the per-bin staterror and shapesys γ's in closed form inside every fit
   * (Barlow–Beeston-lite, gammas.ts; default true). Exact: the same profile likelihood, with
   * fewer parameters left to the optimiser. false = every γ goes to the optimiser.
   */
  analyticGammas?: boolean;
}

/** Large-τ Poisson constraints are evaluated in a cancellation-free form above this aux value. */
const STABLE_POISSON_AUX = 1e5;

export class HistFactoryModel implements Likelihood {
  readonly parameters: ParameterSpec[];
  readonly poi: number | null;
  readonly nMain: number;
  readonly nAux: number;
  readonly observed: Float64Array;
  readonly structure: ModelStructure;
  /** Parameter names in vector order ("name" or "name[i]"). */
  readonly parNames: string[];
  readonly modifierSettings: { normsys: InterpCode; histosys: InterpCode };
  /**
   * Fits move no parameter by more than 3 pre-fit widths (1/√Fisher) per quasi-Newton step
   * (Likelihood.fitMaxStep): from the nominal start at a large tested μ, an uncapped first step
   * jumped into another basin (sbottom RegionB, Asimov fit at μ ≈ 468: 2NLL 0.029 above the
   * minimum). Costs ≈ 0–8% more evaluations on the reference workspaces.
   */
  readonly fitMaxStep = 3;
  /**
   * Parameters of normsys/histosys modifiers interpolated by code0 or code1 (piecewise, only
   * continuous at α = 0): Likelihood.kinks. Empty with pyhf's default codes (code4/code4p).
   */
  readonly kinks: { index: number; at: number }[] = [];

  // --- blocks: one (sample, channel) pair present in the spec ---
  private readonly nBlocks: number;
  private readonly blockStart: Int32Array; // offset into block-bin arrays
  private readonly blockBin0: Int32Array; // first global main bin
  private readonly blockNb: Int32Array;
  private readonly nominal: Float64Array; // per block-bin
  // --- scalar multiplicative modifiers (normfactor, lumi: direct; normsys: interpolated) ---
  private readonly sBlock: Int32Array;
  private readonly sPar: Int32Array;
  private readonly sCode: Int32Array; // −1 direct, else interpolation code id
  private readonly sCoef: Float64Array; // COEFS_PER_BIN per entry
  private readonly sVal: Float64Array; // scratch: factor value
  private readonly sDer: Float64Array; // scratch: d factor / d par
  // --- per-bin multiplicative modifiers (shapefactor, shapesys, staterror) ---
  private readonly bBlock: Int32Array;
  private readonly bPar0: Int32Array;
  // --- additive histosys ---
  private readonly hBlock: Int32Array;
  private readonly hPar: Int32Array;
  private readonly hCode: Int32Array;
  private readonly hCoefOff: Int32Array; // offset of the block's first bin in hCoef
  private readonly hCoef: Float64Array;
  private readonly hDerOff: Int32Array; // offset of the entry's first bin in hDer
  private readonly hDer: Float64Array; // scratch: dδ/dα per histosys bin
  // Every histosys bin as one entry e (its index in hDer): block-bin, main bin, parameter.
  private readonly hEntBB: Int32Array;
  private readonly hEntBin: Int32Array;
  private readonly hEntPar: Int32Array;
  private readonly hSlow: Int32Array; // histosys modifiers (hBlock index) not in code4p
  private readonly gE: Int32Array; // histosys entries for the gradient, interleaved by parameter
  private readonly gBB: Int32Array;
  private readonly gHPar: Int32Array;
  private readonly bbBin: Int32Array; // per block-bin: its main bin
  private readonly gradW: Float64Array; // scratch per block-bin (accumulateGradient)
  private readonly gradWA: Float64Array;
  // code4p bins, flat, with the α-dependent factors computed once per parameter: inside
  // |α| ≤ 1, δ = α·S + p(α)·A; outside, α·Δ⁺ or α·Δ⁻ (interpolation.ts case 5).
  private readonly h5E: Int32Array; // entry index (into hDer)
  private readonly h5BB: Int32Array;
  private readonly h5Par: Int32Array;
  private readonly h5Coef: Float64Array; // S, A, Δ⁺, Δ⁻ per entry
  private readonly h5Params: Int32Array; // distinct parameters of the code4p entries
  private readonly h5C: Float64Array; // scratch per parameter: side (0 inside, 1 above, 2 below), α, p(α), p'(α)
  // --- constraints ---
  private readonly gPar: Int32Array; // Gaussian: parameter, aux index, 1/σ²
  private readonly gAux: Int32Array;
  private readonly gInvVar: Float64Array;
  private readonly gConst: number; // Σ ln(σ√2π)
  private readonly pPar: Int32Array; // Poisson: parameter, aux index, τ
  private readonly pAux: Int32Array;
  private readonly pTau: Float64Array;
  private readonly gaussianSigma: Float64Array; // per parameter (NaN if not Gaussian)
  // --- scratch per evaluation ---
  private readonly fnz: Float64Array; // product of non-zero factors per block-bin
  private readonly nzero: Int32Array; // number of zero factors per block-bin
  private readonly add: Float64Array; // nominal + histosys deltas per block-bin
  private readonly lambda: Float64Array; // expected main rates
  private readonly wMain: Float64Array; // ∂nll/∂λ_b
  private readonly jac: Float64Array; // ∂λ_b/∂θ_k, row k (nPars × nMain)
  private readonly hessD: Float64Array; // per main bin: Gauss–Newton weight (then its square root)
  private readonly hessRows: Float64Array; // scratch: √d_b ∂λ_b/∂θ_idx[a] (nPars × nMain)
  private readonly hessCon: Float64Array; // per parameter: constraint curvature
  private readonly inMain: Uint8Array; // 1 = main bin enters nll (0 = blinded)
  // --- per-bin γ's that may be profiled in closed form (see closedFormProfile) ---
  private readonly analyticGammas: boolean;
  private readonly cPar: Int32Array; // parameter index
  private readonly cBin: Int32Array; // the one main bin it scales
  private readonly cKind: Uint8Array; // 0 Gaussian (staterror), 1 Poisson (shapesys)
  private readonly cCon: Int32Array; // index into gPar/… or pPar/…
  private readonly cBBOff: Int32Array; // its block-bins: cBB[cBBOff[c] .. cBBOff[c+1])
  private readonly cBB: Int32Array;
  /** Per main bin: ∂(λ − n ln λ)/∂λ replaced by a profile's multiplier (NaN = not), or null. */
  private wOverride: Float64Array | null = null;
  // --- data-constant cache (lnΓ terms depend on data only) ---
  private cacheData: Float64Array;
  private cacheConst = NaN;

  constructor(spec: WorkspaceSpec, opts: CompileOptions = {}) {
    const file = opts.file ?? "";
    const st = buildStructure(spec, file, opts.measurement, opts.poiName);
    this.structure = st;
    const codeOf = (type: "normsys" | "histosys", dflt: InterpCode): InterpCode => {
      const raw = opts.modifierSettings?.[type]?.interpcode;
      if (raw === undefined) return dflt;
      const c = parseInterpCode(String(raw));
      if (!c) throw new InputError(file, `modifier_settings.${type}.interpcode`, `unknown interpolation code "${raw}" (expected code0, code1, code2, code4 or code4p)`);
      return c;
    };
    this.modifierSettings = { normsys: codeOf("normsys", "code4"), histosys: codeOf("histosys", "code4p") };
    const nsCode = CODE_ID[this.modifierSettings.normsys];
    const hsCode = CODE_ID[this.modifierSettings.histosys];
    // A name shared by a normsys and a histosys is registered as histosys: either code may kink it.
    const kinked = (c: number) => c === 0 || c === 1;
    for (const ps of st.paramsets) {
      if ((ps.type === "normsys" && kinked(nsCode)) || (ps.type === "histosys" && (kinked(hsCode) || kinked(nsCode))))
        for (let i = 0; i < ps.n; i++) this.kinks.push({ index: ps.offset + i, at: 0 });
    }

    // Parameters.
    this.parameters = [];
    this.parNames = [];
    for (const ps of st.paramsets) {
      for (let i = 0; i < ps.n; i++) {
        const nm = ps.n === 1 && !isPerBin(ps) ? ps.name : `${ps.name}[${i}]`;
        this.parNames.push(nm);
        const prefitSigma = ps.constraint === "gaussian" ? ps.sigmas[i] : ps.constraint === "poisson" ? 1 / Math.sqrt(ps.factors[i]) : NaN;
        this.parameters.push({
          name: nm, init: ps.inits[i], lower: ps.bounds[i][0], upper: ps.bounds[i][1], fixed: ps.fixed[i],
          constrained: ps.constraint !== "none", prefitSigma,
        });
      }
    }
    this.poi = st.poiName === null ? null : st.byName.get(st.poiName)!.offset;
    this.nMain = st.channels.reduce((a, c) => a + c.nbins, 0);
    this.nAux = st.nAux;

    // Blocks and modifiers.
    const chans = sortedChannels(spec);
    const blockStart: number[] = [], blockBin0: number[] = [], blockNb: number[] = [];
    const nominal: number[] = [];
    const sBlock: number[] = [], sPar: number[] = [], sCode: number[] = [], sCoef: number[] = [];
    const bBlock: number[] = [], bPar0: number[] = [];
    const hBlock: number[] = [], hPar: number[] = [], hCode: number[] = [], hCoefOff: number[] = [], hCoef: number[] = [];
    const tmp = new Float64Array(COEFS_PER_BIN);
    chans.forEach((c, ci) => {
      const layout = st.channels[ci];
      const bySample = new Map(c.samples.map((s) => [s.name, s]));
      for (const sname of st.samples) {
        const s = bySample.get(sname);
        if (!s) continue;
        const k = blockStart.length;
        blockStart.push(nominal.length);
        blockBin0.push(layout.offset);
        blockNb.push(layout.nbins);
        for (let b = 0; b < layout.nbins; b++) nominal.push(s.data[b]);
        // Later (name, type) duplicates replace earlier ones, as in pyhf.
        const mods = new Map<string, (typeof s.modifiers)[number]>();
        for (const m of s.modifiers) mods.set(`${m.name}\u0000${m.type}`, m);
        for (const m of mods.values()) {
          const ps = st.byName.get(m.name)!;
          switch (m.type) {
            case "normfactor":
            case "lumi":
              sBlock.push(k); sPar.push(ps.offset); sCode.push(-1);
              for (let i = 0; i < COEFS_PER_BIN; i++) sCoef.push(0);
              break;
            case "normsys":
              sBlock.push(k); sPar.push(ps.offset); sCode.push(nsCode);
              compileBin(nsCode, 1, m.data.hi, m.data.lo, tmp, 0);
              for (let i = 0; i < COEFS_PER_BIN; i++) sCoef.push(tmp[i]);
              break;
            case "shapefactor":
            case "shapesys":
            case "staterror":
              bBlock.push(k); bPar0.push(ps.offset);
              break;
            case "histosys":
              hBlock.push(k); hPar.push(ps.offset); hCode.push(hsCode); hCoefOff.push(hCoef.length);
              for (let b = 0; b < layout.nbins; b++) {
                compileBin(hsCode, s.data[b], m.data.hi_data[b], m.data.lo_data[b], tmp, 0);
                for (let i = 0; i < COEFS_PER_BIN; i++) hCoef.push(tmp[i]);
              }
              break;
          }
        }
      }
    });
    this.nBlocks = blockStart.length;
    this.blockStart = Int32Array.from(blockStart);
    this.blockBin0 = Int32Array.from(blockBin0);
    this.blockNb = Int32Array.from(blockNb);
    this.nominal = Float64Array.from(nominal);
    // Scalar factors interleaved across blocks (rank within the block, then block): each block's
    // factors still multiply in spec order (same rounding), but consecutive entries update
    // different block-bins, so the products do not form one serial store-to-load chain.
    const sOrder = interleave(sBlock);
    this.sBlock = Int32Array.from(sOrder, (j) => sBlock[j]); this.sPar = Int32Array.from(sOrder, (j) => sPar[j]);
    this.sCode = Int32Array.from(sOrder, (j) => sCode[j]);
    this.sCoef = new Float64Array(sCoef.length);
    sOrder.forEach((j, q) => { for (let i = 0; i < COEFS_PER_BIN; i++) this.sCoef[q * COEFS_PER_BIN + i] = sCoef[j * COEFS_PER_BIN + i]; });
    this.sVal = new Float64Array(sBlock.length); this.sDer = new Float64Array(sBlock.length);
    this.bBlock = Int32Array.from(bBlock); this.bPar0 = Int32Array.from(bPar0);
    this.hBlock = Int32Array.from(hBlock); this.hPar = Int32Array.from(hPar); this.hCode = Int32Array.from(hCode);
    this.hCoefOff = Int32Array.from(hCoefOff); this.hCoef = Float64Array.from(hCoef);
    this.hDerOff = Int32Array.from(hCoefOff, (o) => o / COEFS_PER_BIN);
    this.hDer = new Float64Array(hCoef.length / COEFS_PER_BIN);
    {
      const nh = this.hDer.length;
      this.hEntBB = new Int32Array(nh); this.hEntBin = new Int32Array(nh); this.hEntPar = new Int32Array(nh);
      const slow: number[] = [], e5: number[] = [];
      for (let j = 0; j < hBlock.length; j++) {
        const k = hBlock[j];
        if (hCode[j] !== 5) slow.push(j);
        for (let b = 0; b < blockNb[k]; b++) {
          const e = this.hDerOff[j] + b;
          this.hEntBB[e] = blockStart[k] + b; this.hEntBin[e] = blockBin0[k] + b; this.hEntPar[e] = hPar[j];
          if (hCode[j] === 5) e5.push(e);
        }
      }
      this.hSlow = Int32Array.from(slow);
      const gOrder = interleave(this.hEntPar);
      this.gE = Int32Array.from(gOrder);
      this.gBB = Int32Array.from(gOrder, (e) => this.hEntBB[e]);
      this.gHPar = Int32Array.from(gOrder, (e) => this.hEntPar[e]);
      this.bbBin = new Int32Array(nominal.length);
      for (let k = 0; k < blockStart.length; k++) for (let b = 0; b < blockNb[k]; b++) this.bbBin[blockStart[k] + b] = blockBin0[k] + b;
      this.gradW = new Float64Array(nominal.length);
      this.gradWA = new Float64Array(nominal.length);
      // Interleaved across block-bins, order within a block-bin kept (see interleave).
      e5.splice(0, e5.length, ...interleave(e5.map((e) => this.hEntBB[e])).map((q) => e5[q]));
      this.h5E = Int32Array.from(e5);
      this.h5BB = Int32Array.from(e5, (e) => this.hEntBB[e]);
      this.h5Par = Int32Array.from(e5, (e) => this.hEntPar[e]);
      this.h5Coef = new Float64Array(4 * e5.length);
      e5.forEach((e, q) => {
        const co = e * COEFS_PER_BIN;
        this.h5Coef[4 * q] = hCoef[co + 3]; this.h5Coef[4 * q + 1] = hCoef[co + 4];
        this.h5Coef[4 * q + 2] = hCoef[co + 1]; this.h5Coef[4 * q + 3] = hCoef[co + 2];
      });
      this.h5Params = Int32Array.from(new Set(this.h5Par));
      this.h5C = new Float64Array(4 * (this.h5Params.length ? Math.max(...this.h5Params) + 1 : 0));
    }

    // Constraints, in aux order.
    const gPar: number[] = [], gAux: number[] = [], gInv: number[] = [];
    const pPar: number[] = [], pAux: number[] = [], pTau: number[] = [];
    let gConst = 0;
    this.gaussianSigma = new Float64Array(this.parameters.length).fill(NaN);
    for (const ps of st.paramsets) {
      for (let i = 0; i < ps.n; i++) {
        if (ps.constraint === "gaussian") {
          const sig = ps.sigmas[i];
          gPar.push(ps.offset + i); gAux.push(this.nMain + ps.auxOffset + i); gInv.push(1 / (sig * sig));
          gConst += Math.log(sig) + LN_SQRT_2PI;
          this.gaussianSigma[ps.offset + i] = sig;
        } else if (ps.constraint === "poisson") {
          pPar.push(ps.offset + i); pAux.push(this.nMain + ps.auxOffset + i); pTau.push(ps.factors[i]);
        }
      }
    }
    this.gPar = Int32Array.from(gPar); this.gAux = Int32Array.from(gAux); this.gInvVar = Float64Array.from(gInv);
    this.gConst = gConst;
    this.pPar = Int32Array.from(pPar); this.pAux = Int32Array.from(pAux); this.pTau = Float64Array.from(pTau);

    const nbb = this.nominal.length;
    this.fnz = new Float64Array(nbb);
    this.nzero = new Int32Array(nbb);
    this.add = new Float64Array(nbb);
    this.lambda = new Float64Array(this.nMain);
    this.wMain = new Float64Array(this.nMain);
    this.jac = new Float64Array(this.parameters.length * this.nMain);
    this.hessD = new Float64Array(this.nMain);
    this.hessRows = new Float64Array(this.parameters.length * this.nMain);
    this.hessCon = new Float64Array(this.parameters.length);
    this.cacheData = new Float64Array(this.nMain + this.nAux).fill(NaN);
    this.inMain = new Uint8Array(this.nMain).fill(1);
    for (const name of opts.blindChannels ?? []) {
      const c = st.channels.find((ch) => ch.name === name);
      if (!c) throw new InputError(file, "blindChannels", `no channel "${name}" in the model (channels: ${st.channels.map((ch) => ch.name).join(", ")})`);
      this.inMain.fill(0, c.offset, c.offset + c.nbins);
    }

    this.observed = observedData(spec, st, file);

    // Closed-form γ candidates: staterror/shapesys components that scale exactly one main bin.
    this.analyticGammas = opts.analyticGammas ?? true;
    const typeOf: string[] = [];
    for (const ps of st.paramsets) for (let i = 0; i < ps.n; i++) typeOf.push(ps.type);
    const bbOf = new Map<number, number[]>();
    const binOf = new Map<number, Set<number>>();
    for (let j = 0; j < this.bBlock.length; j++) {
      const k = this.bBlock[j];
      for (let b = 0; b < this.blockNb[k]; b++) {
        const p = this.bPar0[j] + b;
        if (typeOf[p] !== "staterror" && typeOf[p] !== "shapesys") continue;
        if (!bbOf.has(p)) { bbOf.set(p, []); binOf.set(p, new Set()); }
        bbOf.get(p)!.push(this.blockStart[k] + b);
        binOf.get(p)!.add(this.blockBin0[k] + b);
      }
    }
    const gIdx = new Map<number, number>(gPar.map((p, j) => [p, j]));
    const pIdx = new Map<number, number>(pPar.map((p, j) => [p, j]));
    const cPar: number[] = [], cBin: number[] = [], cKind: number[] = [], cCon: number[] = [], cBBOff: number[] = [0], cBB: number[] = [];
    for (const [p, bbs] of [...bbOf].sort((x, y) => x[0] - y[0])) {
      const bins = binOf.get(p)!;
      const kind = gIdx.has(p) ? 0 : pIdx.has(p) ? 1 : -1;
      if (bins.size !== 1 || kind < 0) continue;
      cPar.push(p); cBin.push([...bins][0]); cKind.push(kind); cCon.push(kind === 0 ? gIdx.get(p)! : pIdx.get(p)!);
      cBB.push(...bbs); cBBOff.push(cBB.length);
    }
    this.cPar = Int32Array.from(cPar); this.cBin = Int32Array.from(cBin); this.cKind = Uint8Array.from(cKind);
    this.cCon = Int32Array.from(cCon); this.cBBOff = Int32Array.from(cBBOff); this.cBB = Int32Array.from(cBB);
  }

  /**
   * The per-bin γ's this fit can profile in closed form (Likelihood.closedFormProfile): free
   * staterror/shapesys components that scale one main bin, with a lower bound ≥ 0, a Poisson
   * auxiliary count > 0 (a = 0 makes the constraint linear and the per-bin optimum a corner),
   * and at most one of them on any (sample, bin) (a sample scaled by two of them is not linear
   * in each: the first in parameter order is profiled, the other left to the optimiser).
   */
  closedFormProfile(data: Float64Array, held: Uint8Array, lower: Float64Array, upper: Float64Array): ClosedFormProfile | null {
    if (!this.analyticGammas || this.cPar.length === 0) return null;
    const { cPar, cBin, cKind, cCon, cBBOff, cBB } = this;
    const owner = new Int32Array(this.nominal.length).fill(-1);
    const chosen: number[] = [];
    for (let c = 0; c < cPar.length; c++) {
      const p = cPar[c];
      if (held[p] || !(lower[p] >= 0) || !(upper[p] > lower[p])) continue;
      if (cKind[c] === 1 && !(data[this.pAux[cCon[c]]] > 0)) continue;
      let free = true;
      for (let e = cBBOff[c]; e < cBBOff[c + 1]; e++) if (owner[cBB[e]] >= 0) { free = false; break; }
      if (!free) continue;
      for (let e = cBBOff[c]; e < cBBOff[c + 1]; e++) owner[cBB[e]] = 0; // claimed; slots below
      chosen.push(c);
    }
    if (chosen.length === 0) return null;
    // Slots grouped by bin (stable in parameter order).
    chosen.sort((x, y) => cBin[x] - cBin[y] || x - y);
    const m = chosen.length;
    const slotPar = new Int32Array(m);
    const auxIdx = new Int32Array(m);
    const g: GammaSlots = {
      kind: new Uint8Array(m), width: new Float64Array(m), lower: new Float64Array(m), upper: new Float64Array(m),
      aux: new Float64Array(m), s: new Float64Array(m), gamma: new Float64Array(m),
    };
    const groupStart: number[] = [], groupBin: number[] = [];
    const binGroup = new Int32Array(this.nMain).fill(-1);
    chosen.forEach((c, j) => {
      const p = cPar[c];
      slotPar[j] = p;
      g.kind[j] = cKind[c];
      g.width[j] = cKind[c] === 0 ? 1 / this.gInvVar[cCon[c]] : this.pTau[cCon[c]];
      auxIdx[j] = cKind[c] === 0 ? this.gAux[cCon[c]] : this.pAux[cCon[c]];
      g.lower[j] = lower[p];
      g.upper[j] = upper[p];
      for (let e = cBBOff[c]; e < cBBOff[c + 1]; e++) owner[cBB[e]] = j;
      if (j === 0 || cBin[chosen[j - 1]] !== cBin[c]) { binGroup[cBin[c]] = groupStart.length; groupStart.push(j); groupBin.push(cBin[c]); }
    });
    groupStart.push(m);
    const nGroups = groupBin.length;
    const restRate = new Float64Array(nGroups); // B: rate of the bin's samples without a profiled γ
    const wBin = new Float64Array(this.nMain).fill(NaN);
    const lastRate = new Float64Array(nGroups).fill(NaN); // per group: λ of the previous solve (Newton's start)
    for (let j = 0; j < m; j++) g.aux[j] = data[auxIdx[j]];
    const mask = new Uint8Array(this.parameters.length);
    for (let j = 0; j < m; j++) mask[slotPar[j]] = 1;

    const nllGrad = (pars: Float64Array, grad: Float64Array): number => {
      // Rates with every profiled γ at 1 split each bin into s_j (per γ) and B.
      for (let j = 0; j < m; j++) pars[slotPar[j]] = 1;
      this.computeRates(pars, true);
      const { fnz, nzero, add, lambda, blockStart, blockNb, blockBin0 } = this;
      g.s.fill(0);
      restRate.fill(0);
      for (let k = 0; k < this.nBlocks; k++) {
        const s0 = blockStart[k], nb = blockNb[k], b0 = blockBin0[k];
        for (let b = 0; b < nb; b++) {
          const i = s0 + b;
          if (nzero[i] !== 0) continue;
          const o = owner[i];
          if (o >= 0) g.s[o] += fnz[i] * add[i];
          else if (binGroup[b0 + b] >= 0) restRate[binGroup[b0 + b]] += fnz[i] * add[i];
        }
      }
      let floored = false;
      for (let q = 0; q < nGroups; q++) {
        const bin = groupBin[q];
        g.lastRate = NaN;
        wBin[bin] = profileBin(g, groupStart[q], groupStart[q + 1], data[bin], this.inMain[bin] === 0, restRate[q], lastRate[q]);
        lastRate[q] = g.lastRate;
        if (!Number.isNaN(wBin[bin])) floored = true;
      }
      // Put the γ̂'s into the rates (the factor products and λ) rather than recomputing them.
      for (let j = 0; j < m; j++) pars[slotPar[j]] = g.gamma[j];
      for (let k = 0; k < this.nBlocks; k++) {
        const s0 = blockStart[k], nb = blockNb[k];
        for (let b = 0; b < nb; b++) {
          const o = owner[s0 + b];
          if (o < 0) continue;
          const v = g.gamma[o];
          if (v === 0) nzero[s0 + b]++;
          else fnz[s0 + b] *= v;
        }
      }
      for (let q = 0; q < nGroups; q++) {
        let lam = restRate[q];
        for (let j = groupStart[q]; j < groupStart[q + 1]; j++) lam += g.s[j] * g.gamma[j];
        lambda[groupBin[q]] = lam;
      }
      this.wOverride = floored ? wBin : null;
      let v: number;
      try {
        v = this.evaluateRates(pars, data, grad);
      } finally {
        this.wOverride = null;
      }
      for (let j = 0; j < m; j++) grad[slotPar[j]] = 0;
      return v;
    };
    // The profiled Hessian (Schur complement of the γ block). Per bin, with the Gauss–Newton
    // Hessian d·(∂λ/∂θ)(∂λ/∂θ)ᵀ + diag(c), the γ's of the bin enter λ as Σ s_j γ_j, so
    // eliminating them (Sherman–Morrison) leaves the bin's weight d/(1 + d·t), t = Σ s_j²/c_j
    // over the γ's inside their bounds (c_j: 1/σ_j² or a_j/γ_j²) — Barlow–Beeston's effective
    // variance λ²/n + Σ s_j² σ_j² of the bin.
    const hessian = (pars: Float64Array, idx: Int32Array, out: Float64Array): void => {
      const { lambda, inMain, hessD } = this;
      for (let b = 0; b < this.nMain; b++) {
        const lam = lambda[b], n = data[b];
        hessD[b] = inMain[b] && n > 0 && lam > 0 ? n / (lam * lam) : 0;
      }
      for (let q = 0; q < nGroups; q++) {
        const bin = groupBin[q];
        let t = 0;
        for (let j = groupStart[q]; j < groupStart[q + 1]; j++) {
          const gam = g.gamma[j], sj = g.s[j];
          if (!(gam > g.lower[j] && gam < g.upper[j])) continue;
          const c = g.kind[j] === 0 ? 1 / g.width[j] : g.aux[j] / (gam * gam);
          t += (sj * sj) / c;
        }
        const d = hessD[bin];
        hessD[bin] = d / (1 + d * t);
      }
      this.gaussNewton(pars, data, idx, out);
    };
    return { mask, nllGrad, hessian };
  }

  /** Auxiliary data as the model defines them (pyhf model.config.auxdata). */
  auxdata(): Float64Array {
    const out = new Float64Array(this.nAux);
    for (const ps of this.structure.paramsets) {
      for (let i = 0; i < ps.n && ps.auxOffset >= 0; i++) out[ps.auxOffset + i] = ps.auxdata[i];
    }
    return out;
  }

  /**
   * λ_bin at `pars` and its gradient ∂λ_bin/∂θ written into `grad` (one main bin, e.g. the
   * single signal-region bin of a discovery region). Allocates nothing.
   */
  expectedBinGrad(pars: Float64Array, bin: number, grad: Float64Array): number {
    this.computeRates(pars, true);
    this.fillJacobian(pars);
    const { jac, nMain } = this;
    for (let k = 0; k < this.parameters.length; k++) grad[k] = jac[k * nMain + bin];
    return this.lambda[bin];
  }

  /** min_b λ_b over the main bins of the most recent evaluation (Likelihood.lastMinMainRate). */
  lastMinMainRate(): number {
    const { lambda } = this;
    let m = Infinity;
    for (let b = 0; b < lambda.length; b++) if (lambda[b] < m) m = lambda[b];
    return m;
  }

  /** λ_bin from the most recent nll/nllGrad/expected call (no recomputation). */
  lastMainRate(bin: number): number {
    return this.lambda[bin];
  }

  /** Expected main rates λ_b at `pars` (written to the internal buffer and returned as a copy). */
  expectedMain(pars: Float64Array): Float64Array {
    this.computeRates(pars, false);
    return Float64Array.from(this.lambda);
  }

  expected(pars: Float64Array, out: Float64Array = new Float64Array(this.nMain + this.nAux)): Float64Array {
    this.computeRates(pars, false);
    out.set(this.lambda, 0);
    for (let j = 0; j < this.gPar.length; j++) out[this.gAux[j]] = pars[this.gPar[j]];
    for (let j = 0; j < this.pPar.length; j++) out[this.pAux[j]] = pars[this.pPar[j]] * this.pTau[j];
    return out;
  }

  sample(pars: Float64Array, rng: Rng, out: Float64Array = new Float64Array(this.nMain + this.nAux)): Float64Array {
    this.computeRates(pars, false);
    for (let b = 0; b < this.nMain; b++) out[b] = rng.poisson(this.lambda[b]);
    for (let j = 0; j < this.gPar.length; j++) out[this.gAux[j]] = pars[this.gPar[j]] + rng.normal() / Math.sqrt(this.gInvVar[j]);
    for (let j = 0; j < this.pPar.length; j++) out[this.pAux[j]] = rng.poisson(pars[this.pPar[j]] * this.pTau[j]);
    return out;
  }

  nll(pars: Float64Array, data: Float64Array): number {
    return this.evaluate(pars, data, null);
  }

  nllGrad(pars: Float64Array, data: Float64Array, grad: Float64Array): number {
    return this.evaluate(pars, data, grad);
  }

  /**
   * Fill fnz/nzero/add/lambda for `pars`. Zero factors (e.g. μ = 0 on the signal) are counted
   * rather than multiplied in, so the gradient can use "product of the other factors" exactly.
   */
  private computeRates(pars: Float64Array, withDerivs: boolean): void {
    // Typed arrays are read into locals once: calls in the loops would otherwise force reloads.
    const { fnz, nzero, add, nominal, lambda, blockStart, blockNb, blockBin0 } = this;
    const { sBlock, sPar, sCode, sCoef, sVal, sDer, bBlock, bPar0 } = this;
    const { hBlock, hPar, hCode, hCoefOff, hCoef, hDerOff, hDer } = this;
    fnz.fill(1);
    nzero.fill(0);
    add.set(nominal);
    // Scalar factors.
    for (let j = 0; j < sBlock.length; j++) {
      const a = pars[sPar[j]];
      let v: number, dv: number;
      const code = sCode[j];
      if (code < 0) { v = a; dv = 1; }
      else if (code === 4 && a > -1 && a < 1) {
        // code4 inside |α| < 1 (normsys default, nom = 1), inlined: interpolation.ts case 4
        const o = j * CPB;
        const a1 = sCoef[o + 3], a2 = sCoef[o + 4], a3 = sCoef[o + 5], a4 = sCoef[o + 6], a5 = sCoef[o + 7], a6 = sCoef[o + 8];
        v = 1 + a * (a1 + a * (a2 + a * (a3 + a * (a4 + a * (a5 + a * a6)))));
        dv = a1 + a * (2 * a2 + a * (3 * a3 + a * (4 * a4 + a * (5 * a5 + a * 6 * a6))));
      } else { interp(code, a, sCoef, j * CPB); v = 1 + iout[0]; dv = iout[1]; }
      if (withDerivs) { sVal[j] = v; sDer[j] = dv; }
      const k = sBlock[j];
      const s0 = blockStart[k], nb = blockNb[k];
      if (v === 0) for (let b = 0; b < nb; b++) nzero[s0 + b]++;
      else for (let b = 0; b < nb; b++) fnz[s0 + b] *= v;
    }
    // Per-bin factors.
    for (let j = 0; j < bBlock.length; j++) {
      const k = bBlock[j];
      const s0 = blockStart[k], nb = blockNb[k], p0 = bPar0[j];
      for (let b = 0; b < nb; b++) {
        const v = pars[p0 + b];
        if (v === 0) nzero[s0 + b]++;
        else fnz[s0 + b] *= v;
      }
    }
    // Additive histosys deltas: codes other than code4p, modifier by modifier…
    const { hSlow } = this;
    for (let q = 0; q < hSlow.length; q++) {
      const j = hSlow[q], k = hBlock[j];
      const s0 = blockStart[k], nb = blockNb[k], code = hCode[j], a = pars[hPar[j]];
      let co = hCoefOff[j];
      const d0 = hDerOff[j];
      for (let b = 0; b < nb; b++, co += CPB) {
        interp(code, a, hCoef, co);
        add[s0 + b] += iout[0];
        if (withDerivs) hDer[d0 + b] = iout[1];
      }
    }
    // …and code4p (pyhf's histosys default) as flat entries with per-parameter coefficients:
    // inside |α| ≤ 1, δ = α·S + A·α²(15 − 10α² + 3α⁴); outside, α·Δ± (interpolation.ts).
    const { h5Params, h5C, h5E, h5BB, h5Par, h5Coef } = this;
    for (let q = 0; q < h5Params.length; q++) {
      const p = h5Params[q], a = pars[p], o = 4 * p;
      if (a >= -1 && a <= 1) {
        const a2 = a * a;
        h5C[o] = 0; h5C[o + 1] = a; h5C[o + 2] = a2 * (15 + a2 * (-10 + 3 * a2)); h5C[o + 3] = a * (30 + a2 * (-40 + 18 * a2));
      } else {
        h5C[o] = a > 1 ? 1 : 2; h5C[o + 1] = a;
      }
    }
    for (let q = 0, c = 0; q < h5E.length; q++, c += 4) {
      const o = 4 * h5Par[q], side = h5C[o], a = h5C[o + 1];
      if (side === 0) {
        const S = h5Coef[c], A = h5Coef[c + 1];
        add[h5BB[q]] += a * S + h5C[o + 2] * A;
        if (withDerivs) hDer[h5E[q]] = S + h5C[o + 3] * A;
      } else {
        const d = h5Coef[side === 1 ? c + 2 : c + 3];
        add[h5BB[q]] += a * d;
        if (withDerivs) hDer[h5E[q]] = d;
      }
    }
    lambda.fill(0);
    for (let k = 0; k < this.nBlocks; k++) {
      const s0 = blockStart[k], nb = blockNb[k], b0 = blockBin0[k];
      for (let b = 0; b < nb; b++) {
        const i = s0 + b;
        if (nzero[i] === 0) lambda[b0 + b] += fnz[i] * add[i];
      }
    }
  }

  /** lnΓ(n+1) and related data-only constants, cached for the last data array seen. */
  private dataConstant(data: Float64Array): number {
    const c = this.cacheData;
    let same = !Number.isNaN(this.cacheConst);
    if (same) {
      for (let i = 0; i < c.length; i++) if (c[i] !== data[i]) { same = false; break; }
    }
    if (same) return this.cacheConst;
    let s = 0;
    for (let b = 0; b < this.nMain; b++) if (this.inMain[b]) s += lgamma(data[b] + 1);
    for (let j = 0; j < this.pPar.length; j++) {
      const aux = data[this.pAux[j]];
      if (aux < STABLE_POISSON_AUX) s += lgamma(aux + 1);
      else s -= stablePoissonConst(aux, this.pTau[j]);
    }
    c.set(data.subarray(0, c.length));
    this.cacheConst = s;
    return s;
  }

  private evaluate(pars: Float64Array, data: Float64Array, grad: Float64Array | null): number {
    this.computeRates(pars, grad !== null);
    return this.evaluateRates(pars, data, grad);
  }

  /** −ln L (and its gradient) from the rates computeRates(pars, grad !== null) left behind. */
  private evaluateRates(pars: Float64Array, data: Float64Array, grad: Float64Array | null): number {
    const withGrad = grad !== null;
    const { lambda, wMain, inMain } = this;
    let nll = this.dataConstant(data) + this.gConst;
    for (let b = 0; b < this.nMain; b++) {
      if (inMain[b] === 0) { wMain[b] = 0; continue; }
      const lam = lambda[b], n = data[b];
      nll += lam - (n === 0 ? 0 : n * Math.log(lam));
      wMain[b] = 1 - (n === 0 ? 0 : n / lam);
    }
    const wo = this.wOverride;
    if (wo !== null) for (let b = 0; b < this.nMain; b++) if (!Number.isNaN(wo[b])) wMain[b] = wo[b];
    // Gaussian constraints: (a − θ)²/(2σ²) + ln(σ√2π)
    for (let j = 0; j < this.gPar.length; j++) {
      const d = data[this.gAux[j]] - pars[this.gPar[j]];
      nll += 0.5 * d * d * this.gInvVar[j];
    }
    // Poisson constraints: −[a ln(γτ) − γτ − lnΓ(a+1)], the last term in dataConstant
    for (let j = 0; j < this.pPar.length; j++) {
      const a = data[this.pAux[j]], g = pars[this.pPar[j]], tau = this.pTau[j];
      if (a < STABLE_POISSON_AUX) nll += g * tau - (a === 0 ? 0 : a * Math.log(g * tau));
      // Large a: a ln(τ/a) + a − τ goes into the data constant; what remains is a(1 − ln γ)… written
      // as −a ln γ + τ(γ − 1) so no 1e12-sized terms cancel.
      else nll += tau * (g - 1) - a * Math.log(g);
    }
    if (!withGrad) return Number.isNaN(nll) ? NaN : nll;

    this.accumulateGradient(pars, grad!);
    for (let j = 0; j < this.gPar.length; j++) {
      grad![this.gPar[j]] -= (data[this.gAux[j]] - pars[this.gPar[j]]) * this.gInvVar[j];
    }
    for (let j = 0; j < this.pPar.length; j++) {
      grad![this.pPar[j]] += this.pTau[j] - data[this.pAux[j]] / pars[this.pPar[j]];
    }
    return Number.isNaN(nll) ? NaN : nll;
  }
  /**
   * grad_k = Σ_b wMain_b ∂λ_b/∂θ_k, summed entry by entry (each modifier touches few bins: no
   * dense Jacobian); needs computeRates(pars, true) and wMain first.
   */
  private accumulateGradient(pars: Float64Array, grad: Float64Array): void {
    const { wMain, fnz, nzero, add, blockStart, blockNb, sBlock, sPar, sVal, sDer, bBlock, bPar0, bbBin, gradW, gradWA } = this;
    // Per block-bin: w_b·(product of the non-zero factors), times the additive part too.
    for (let i = 0; i < gradW.length; i++) {
      const wf = wMain[bbBin[i]] * fnz[i];
      gradW[i] = nzero[i] === 0 ? wf : 0;
      gradWA[i] = wf * add[i];
    }
    grad.fill(0);
    for (let j = 0; j < sBlock.length; j++) {
      const k = sBlock[j];
      const s0 = blockStart[k], nb = blockNb[k];
      const v = sVal[j];
      let acc = 0;
      if (v !== 0) {
        for (let b = 0; b < nb; b++) if (nzero[s0 + b] === 0) acc += gradWA[s0 + b];
        acc /= v;
      } else for (let b = 0; b < nb; b++) if (nzero[s0 + b] === 1) acc += gradWA[s0 + b];
      grad[sPar[j]] += acc * sDer[j];
    }
    for (let j = 0; j < bBlock.length; j++) {
      const k = bBlock[j];
      const s0 = blockStart[k], nb = blockNb[k], p0 = bPar0[j];
      for (let b = 0; b < nb; b++) {
        const i = s0 + b, v = pars[p0 + b], nz = nzero[i];
        grad[p0 + b] += v !== 0 ? (nz === 0 ? gradWA[i] / v : 0) : nz === 1 ? gradWA[i] : 0;
      }
    }
    // Histosys bins in an order where consecutive entries update different parameters.
    const { gE, gBB, gHPar, hDer } = this;
    for (let q = 0; q < gE.length; q++) grad[gHPar[q]] += gradW[gBB[q]] * hDer[gE[q]];
  }

  /** Fill jac[k·nMain + b] = ∂λ_b/∂θ_k; needs computeRates(pars, true) first. */
  private fillJacobian(pars: Float64Array): void {
    const { jac, nMain, fnz, nzero, add, blockStart, blockNb, blockBin0 } = this;
    jac.fill(0);
    // Scalar factors: ∂λ_b/∂θ = add_b · (product of the other factors) · f'(θ)
    for (let j = 0; j < this.sBlock.length; j++) {
      const k = this.sBlock[j];
      const s0 = blockStart[k], nb = blockNb[k], r = this.sPar[j] * nMain + blockBin0[k];
      const v = this.sVal[j], dv = this.sDer[j];
      for (let b = 0; b < nb; b++) {
        const i = s0 + b, nz = nzero[i];
        const others = v !== 0 ? (nz === 0 ? fnz[i] / v : 0) : nz === 1 ? fnz[i] : 0;
        jac[r + b] += add[i] * others * dv;
      }
    }
    // Per-bin factors (one parameter per bin).
    for (let j = 0; j < this.bBlock.length; j++) {
      const k = this.bBlock[j];
      const s0 = blockStart[k], nb = blockNb[k], b0 = blockBin0[k], p0 = this.bPar0[j];
      for (let b = 0; b < nb; b++) {
        const i = s0 + b, v = pars[p0 + b], nz = nzero[i];
        const others = v !== 0 ? (nz === 0 ? fnz[i] / v : 0) : nz === 1 ? fnz[i] : 0;
        jac[(p0 + b) * nMain + b0 + b] += add[i] * others;
      }
    }
    // Additive histosys: ∂λ_b/∂α = (all factors) · dδ/dα
    const { hEntBB, hEntBin, hEntPar, hDer } = this;
    for (let e = 0; e < hDer.length; e++) {
      const i = hEntBB[e];
      if (nzero[i] === 0) jac[hEntPar[e] * nMain + hEntBin[e]] += fnz[i] * hDer[e];
    }
  }

  /**
   * Gauss–Newton Hessian of −ln L for the parameters in `idx` (Likelihood.hessian):
   * Σ_b d_b (∂λ_b/∂θ_a)(∂λ_b/∂θ_c) + constraint curvatures, d_b = n_b/λ_b² (the exact
   * curvature of the Poisson term in λ; the neglected part Σ_b (1 − n_b/λ_b) ∂²λ_b/∂θ_a∂θ_c
   * vanishes on Asimov data and is small near a good fit). Positive semi-definite.
   */
  hessian(pars: Float64Array, data: Float64Array, idx: Int32Array, out: Float64Array): void {
    this.computeRates(pars, true);
    const { lambda, inMain, hessD } = this;
    for (let b = 0; b < this.nMain; b++) {
      const lam = lambda[b], n = data[b];
      hessD[b] = inMain[b] && n > 0 && lam > 0 ? n / (lam * lam) : 0;
    }
    this.gaussNewton(pars, data, idx, out);
  }

  /** out = Jᵀ diag(hessD) J over `idx` + constraint curvatures; needs computeRates(pars, true). */
  private gaussNewton(pars: Float64Array, data: Float64Array, idx: Int32Array, out: Float64Array): void {
    this.fillJacobian(pars);
    const { jac, hessD, hessRows, hessCon } = this;
    const nMain = this.nMain, m = idx.length;
    for (let b = 0; b < nMain; b++) hessD[b] = Math.sqrt(hessD[b]);
    for (let a = 0; a < m; a++) {
      const r = idx[a] * nMain, o = a * nMain;
      for (let b = 0; b < nMain; b++) hessRows[o + b] = jac[r + b] * hessD[b];
    }
    for (let a = 0; a < m; a++) {
      const oa = a * nMain;
      for (let c = 0; c <= a; c++) {
        const oc = c * nMain;
        let acc = 0;
        for (let b = 0; b < nMain; b++) acc += hessRows[oa + b] * hessRows[oc + b];
        out[a * m + c] = acc;
        out[c * m + a] = acc;
      }
    }
    hessCon.fill(0);
    for (let j = 0; j < this.gPar.length; j++) hessCon[this.gPar[j]] += this.gInvVar[j];
    for (let j = 0; j < this.pPar.length; j++) {
      const g = pars[this.pPar[j]];
      hessCon[this.pPar[j]] += data[this.pAux[j]] / (g * g);
    }
    for (let a = 0; a < m; a++) out[a * m + a] += hessCon[idx[a]];
  }

  /**
   * Diagonal of the expected (Fisher) information of −ln L at `pars`: Σ_b (∂λ_b/∂θ_k)²/λ_b
   * plus the constraint curvatures. Seeds the optimiser's quasi-Newton matrix (one pass).
   */
  curvature(pars: Float64Array, data: Float64Array, out: Float64Array): void {
    this.computeRates(pars, true);
    this.fillJacobian(pars);
    const { jac, lambda } = this;
    const nMain = this.nMain, nPar = this.parameters.length;
    for (let k = 0, r = 0; k < nPar; k++, r += nMain) {
      let acc = 0;
      for (let b = 0; b < nMain; b++) {
        const lam = lambda[b];
        if (lam > 0 && this.inMain[b]) acc += (jac[r + b] * jac[r + b]) / lam;
      }
      out[k] = acc;
    }
    for (let j = 0; j < this.gPar.length; j++) out[this.gPar[j]] += this.gInvVar[j];
    for (let j = 0; j < this.pPar.length; j++) {
      const g = pars[this.pPar[j]];
      out[this.pPar[j]] += Math.max(data[this.pAux[j]], 1) / (g * g);
    }
  }
}


/**
 * A permutation of entries 0…n−1 grouped by key: all rank-0 entries of each key (in key order of
 * first appearance), then rank 1, … Entries with the same key keep their relative order.
 */
function interleave(keys: ArrayLike<number>): number[] {
  const rank: number[] = [], seen = new Map<number, number>();
  for (let i = 0; i < keys.length; i++) {
    const r = seen.get(keys[i]) ?? 0;
    rank.push(r);
    seen.set(keys[i], r + 1);
  }
  return Array.from({ length: keys.length }, (_, i) => i).sort((a, b) => rank[a] - rank[b] || a - b);
}

function isPerBin(ps: ParamSet): boolean {
  return ps.type === "shapefactor" || ps.type === "shapesys" || ps.type === "staterror";
}

/**
 * For a Poisson constraint with large auxiliary count a and factor τ, the data-only part
 * a ln τ − τ − lnΓ(a+1), computed without cancellation:
 * = a ln(τ/a) + a − τ − ½ ln(2πa) − (Stirling series of lnΓ(a+1) − (a ln a − a + ½ ln 2πa)).
 */
function stablePoissonConst(a: number, tau: number): number {
  const r = (tau - a) / a;
  const log1pmx = Math.abs(r) < 1e-2 ? seriesLog1pmx(r) : Math.log1p(r) - r;
  const stirling = 1 / (12 * a) - 1 / (360 * a * a * a);
  return a * log1pmx - 0.5 * Math.log(2 * Math.PI * a) - stirling;
}

/** ln(1+r) − r for small |r| by its series. */
function seriesLog1pmx(r: number): number {
  let term = r, s = 0;
  for (let k = 2; k < 30; k++) {
    term *= -r;
    const add = term / k;
    s += add;
    if (Math.abs(add) < 1e-17 * Math.abs(s)) break;
  }
  return s;
}

/** Observed main data in pyhf's channel order followed by the model's auxdata. */
function observedData(spec: WorkspaceSpec, st: ModelStructure, file: string): Float64Array {
  const out = new Float64Array(st.channels.reduce((a, c) => a + c.nbins, 0) + st.nAux);
  for (const c of st.channels) {
    const obs = spec.observations.find((o) => o.name === c.name);
    if (!obs) throw new InputError(file, "/observations", `no observation for channel "${c.name}": add {"name": "${c.name}", "data": [...]}`);
    if (obs.data.length !== c.nbins) {
      throw new InputError(file, `/observations (channel "${c.name}")/data`, `has ${obs.data.length} bins but the channel's samples have ${c.nbins}`);
    }
    for (let b = 0; b < c.nbins; b++) out[c.offset + b] = obs.data[b];
  }
  const nMain = out.length - st.nAux;
  for (const ps of st.paramsets) {
    for (let i = 0; i < ps.n && ps.auxOffset >= 0; i++) out[nMain + ps.auxOffset + i] = ps.auxdata[i];
  }
  return out;
}

/** Compile a workspace spec into a Likelihood (see CompileOptions). */
export function compileModel(spec: WorkspaceSpec, opts: CompileOptions = {}): HistFactoryModel {
  return new HistFactoryModel(spec, opts);
}

/** Factory for worker threads: rebuild a model from its spec and options (structured-clonable). */
export function modelFromRecipe(args: { spec: WorkspaceSpec; options?: CompileOptions }): HistFactoryModel {
  return compileModel(args.spec, args.options ?? {});
}
