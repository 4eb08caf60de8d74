// The GATO loss on per-process category yields (../shared/specs/gato_sage.md §A4, §A5) and its
// gradient with respect to those yields (§A12 steps 1–3). Everything event-level (soft
// assignments, sufficient statistics) lives in the models; this file sees only K numbers per
// process: Y_pk = Σ_i γ_ik w_i and Y2_pk = Σ_i γ_ik w_i².
import { asimovZ2Grad, highUncPenalty, lowBkgPenalty } from "./asimov.ts";

/** What each process is in the loss. */
export interface ProcessRole {
  name: string;
  /** Index among the signal labels, or −1 for a background. */
  signal: number;
  /** Backgrounds only: its yields are multiplied by the bump-hunt window factors f_k (§A11). */
  reweight?: boolean;
}

export type LossKind = "geomean" | "single";

export interface LossOptions {
  /** geomean: −(Π_u Z_u)^{1/U} (= −√(Z₁Z₂) for two signals, §A8.3); single: −Z of `target`. */
  kind: LossKind;
  /** Signal index optimised by `single` (default 0). */
  target?: number;
  /** Penalty weights and thresholds (§A5). */
  lambdaYield: number;
  lambdaUnc: number;
  thrYield: number;
  thrUnc: number;
  /**
   * How window factors scale the background Σw²: "f2" (statistically right) or "f" (gato-hep's
   * quirk, §A4). Default "f2".
   */
  reweightVariance?: "f" | "f2";
}

export interface LossValue {
  loss: number;
  /** The significance part alone (−Z or −geomean). */
  lossSig: number;
  penYield: number;
  penUnc: number;
  /** Z per signal label. */
  z: Float64Array;
  /** Background yield and Σw² per category (after reweighting). */
  b: Float64Array;
  b2: Float64Array;
}

/** Loss and (if gY, gY2 are given) its gradient with respect to Y (P×K) and Y2 (P×K). */
export class GatoLoss {
  readonly nSignals: number;
  private readonly sU: Float64Array;
  private readonly gS: Float64Array;
  private readonly gB: Float64Array;
  private readonly gB2: Float64Array;
  private readonly tmp = new Float64Array(3);

  constructor(readonly roles: readonly ProcessRole[], readonly k: number, readonly o: LossOptions) {
    this.nSignals = roles.reduce((m, r) => Math.max(m, r.signal + 1), 0);
    if (this.nSignals === 0) throw new Error("GatoLoss: no signal process");
    this.sU = new Float64Array(this.nSignals * k);
    this.gS = new Float64Array(this.nSignals * k);
    this.gB = new Float64Array(k);
    this.gB2 = new Float64Array(k);
  }

  /**
   * Evaluate on yields Y, Y2 (row p = process, column k = category), optional window factors f
   * (length K). With gY/gY2, also write ∂loss/∂Y and ∂loss/∂Y2.
   */
  evaluate(y: Float64Array, y2: Float64Array, f: Float64Array | null, gY?: Float64Array, gY2?: Float64Array): LossValue {
    const { roles, k: K, o } = this;
    const U = this.nSignals;
    const sU = this.sU.fill(0);
    const b = new Float64Array(K);
    const b2 = new Float64Array(K);
    const f2 = o.reweightVariance === "f";
    for (let p = 0; p < roles.length; p++) {
      const r = roles[p];
      const row = p * K;
      if (r.signal >= 0) {
        for (let k = 0; k < K; k++) sU[r.signal * K + k] += y[row + k];
      } else {
        const rw = r.reweight === true && f !== null;
        for (let k = 0; k < K; k++) {
          const fk = rw ? f![k] : 1;
          b[k] += y[row + k] * fk;
          b2[k] += y2[row + k] * (f2 ? fk : fk * fk);
        }
      }
    }
    // Z_u = √Σ_k Z(S_uk, B_k + Σ_{u'≠u} S_u'k)²: other signals count as background (§A4).
    let sAll: Float64Array | null = null;
    if (U > 1) {
      sAll = new Float64Array(K);
      for (let u = 0; u < U; u++) for (let k = 0; k < K; k++) sAll[k] += sU[u * K + k];
    }
    const z = new Float64Array(U);
    const t = this.tmp;
    for (let u = 0; u < U; u++) {
      let z2 = 0;
      for (let k = 0; k < K; k++) {
        const s = sU[u * K + k];
        const bu = sAll ? b[k] + sAll[k] - s : b[k];
        asimovZ2Grad(s, bu, t);
        z2 += t[0];
      }
      z[u] = Math.sqrt(z2);
    }
    // significance loss and dL/dZ_u (§A12)
    const dZ = new Float64Array(U);
    let lossSig: number;
    if (o.kind === "single" || U === 1) {
      const tg = o.kind === "single" ? (o.target ?? 0) : 0;
      lossSig = -z[tg];
      dZ[tg] = -1;
    } else {
      let logp = 0;
      for (let u = 0; u < U; u++) logp += Math.log(z[u]);
      lossSig = -Math.exp(logp / U);
      for (let u = 0; u < U; u++) dZ[u] = z[u] > 0 ? lossSig / (U * z[u]) : 0;
    }
    const penYield = o.lambdaYield !== 0 ? lowBkgPenalty(b, o.thrYield) : 0;
    const penUnc = o.lambdaUnc !== 0 ? highUncPenalty(b2, b, o.thrUnc) : 0;
    const loss = lossSig + o.lambdaYield * penYield + o.lambdaUnc * penUnc;

    if (gY && gY2) {
      const gS = this.gS.fill(0), gB = this.gB.fill(0), gB2 = this.gB2.fill(0);
      for (let u = 0; u < U; u++) {
        if (dZ[u] === 0 || !(z[u] > 0)) continue;
        // ∂L/∂(Z_uk²) = dL/dZ_u / (2 Z_u)
        const c = dZ[u] / (2 * z[u]);
        for (let k = 0; k < K; k++) {
          const s = sU[u * K + k];
          const bu = sAll ? b[k] + sAll[k] - s : b[k];
          asimovZ2Grad(s, bu, t);
          gS[u * K + k] += c * t[1];
          const gb = c * t[2];
          gB[k] += gb;
          for (let v = 0; v < U; v++) if (v !== u) gS[v * K + k] += gb;
        }
      }
      if (o.lambdaYield !== 0) lowBkgPenalty(b, o.thrYield, gB, o.lambdaYield);
      if (o.lambdaUnc !== 0) highUncPenalty(b2, b, o.thrUnc, gB, gB2, o.lambdaUnc);
      for (let p = 0; p < roles.length; p++) {
        const r = roles[p];
        const row = p * K;
        if (r.signal >= 0) {
          for (let k = 0; k < K; k++) { gY[row + k] = gS[r.signal * K + k]; gY2[row + k] = 0; }
        } else {
          const rw = r.reweight === true && f !== null;
          for (let k = 0; k < K; k++) {
            const fk = rw ? f![k] : 1;
            gY[row + k] = gB[k] * fk;
            gY2[row + k] = gB2[k] * (f2 ? fk : fk * fk);
          }
        }
      }
    }
    return { loss, lossSig, penYield, penUnc, z, b, b2 };
  }
}

/** Hard-category significances: Z_u per signal from hard yields (no penalties, no reweighting). */
export function hardSignificance(roles: readonly ProcessRole[], k: number, y: Float64Array): { z: number[]; s: number[][]; b: number[] } {
  const l = new GatoLoss(roles, k, { kind: "geomean", lambdaYield: 0, lambdaUnc: 0, thrYield: 0, thrUnc: 0 });
  const v = l.evaluate(y, new Float64Array(y.length), null);
  const U = l.nSignals;
  const s: number[][] = [];
  for (let u = 0; u < U; u++) {
    const row = new Array<number>(k).fill(0);
    for (let p = 0; p < roles.length; p++) if (roles[p].signal === u) for (let c = 0; c < k; c++) row[c] += y[p * k + c];
    s.push(row);
  }
  return { z: Array.from(v.z), s, b: Array.from(v.b) };
}
