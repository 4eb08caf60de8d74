// The blinded model of a discovery region (specs/interval_evidence.md §3.2): the region's
// HistFactory likelihood without the signal-region main Poisson term (its constraint terms
// stay), and b(x) = expected SR yield with its gradient. All evaluations are allocation-free.
import { InputError } from "../io/errors.ts";
import { compileModel, workspaceFromJson, type HistFactoryModel, type WorkspaceSpec } from "../histfactory/index.ts";
import { lgamma } from "../math/special.ts";
import type { Region } from "./region.ts";

export class BlindedRegion {
  /** The region model with the SR main term masked out of nll/nllGrad. */
  readonly model: HistFactoryModel;
  /** Observed data (main + aux) of the region; the SR entry is ignored by the blinded nll. */
  readonly data: Float64Array;
  /** Index of the SR bin among the main bins. */
  readonly srBin: number;
  /** Observed SR count n. */
  readonly n: number;
  readonly name: string;
  /** 1 = parameter held fixed at its init (pyhf's fixed parameters). */
  readonly fixed: Uint8Array;
  readonly lower: Float64Array;
  readonly upper: Float64Array;
  readonly init: Float64Array;
  private readonly lnGammaN: number;
  private readonly expBuf: Float64Array;

  constructor(region: Region, file = "") {
    const sr = region.signal_region_name;
    const spec: WorkspaceSpec = region.workspace;
    const ch = spec.channels.find((c) => c.name === sr);
    if (!ch) throw new InputError(file, "/signal_region_name", `"${sr}" is not a channel of the workspace (channels: ${spec.channels.map((c) => c.name).join(", ")})`);
    const nb = ch.samples[0]?.data.length ?? 0;
    if (nb !== 1) throw new InputError(file, `/workspace/channels (${sr})`, `the signal region must have exactly one bin, found ${nb}: merge its bins with "searchlight marginal region"`);
    this.model = compileModel(spec, { poiName: "", blindChannels: [sr], file });
    this.name = sr;
    this.srBin = this.model.structure.channels.find((c) => c.name === sr)!.offset;
    this.data = Float64Array.from(this.model.observed);
    this.n = this.data[this.srBin];
    this.lnGammaN = lgamma(this.n + 1);
    const ps = this.model.parameters;
    this.fixed = Uint8Array.from(ps, (p) => (p.fixed ? 1 : 0));
    this.lower = Float64Array.from(ps, (p) => p.lower);
    this.upper = Float64Array.from(ps, (p) => p.upper);
    this.init = Float64Array.from(ps, (p) => p.init);
    this.expBuf = new Float64Array(this.data.length);
  }

  get nPars(): number {
    return this.init.length;
  }

  /** −logpdf of the blinded model (pyhf constants kept). */
  nll(x: Float64Array): number {
    return this.model.nll(x, this.data);
  }

  nllGrad(x: Float64Array, grad: Float64Array): number {
    return this.model.nllGrad(x, this.data, grad);
  }

  /** b(x): expected SR yield. */
  srYield(x: Float64Array): number {
    return this.model.expected(x, this.expBuf)[this.srBin];
  }

  /** b(x) and ∇b written into `grad`. */
  srYieldGrad(x: Float64Array, grad: Float64Array): number {
    return this.model.expectedBinGrad(x, this.srBin, grad);
  }

  /**
   * The unblinded objective with a signal s added to the SR (§3.3 `signal`):
   * nll_blind(x) − ln Pois(n | max(b(x), 0) + s), continuous Poisson with lnΓ(n+1).
   * `work` is a scratch array of nPars entries.
   */
  signalNllGrad(x: Float64Array, s: number, grad: Float64Array, work: Float64Array): number {
    const f = this.model.nllGrad(x, this.data, grad);
    const b = this.model.expectedBinGrad(x, this.srBin, work);
    const mu = Math.max(b, 0) + s;
    const n = this.n;
    const term = mu - (n === 0 ? 0 : n * Math.log(mu)) + this.lnGammaN;
    if (b > 0) {
      const w = 1 - (n === 0 ? 0 : n / mu);
      for (let k = 0; k < grad.length; k++) grad[k] += w * work[k];
    }
    const v = f + term;
    return Number.isNaN(v) ? Infinity : v;
  }
}

/** The blinded model of a region object `{signal_region_name, workspace}` (e.g. a region.json.gz). */
export function blindRegion(doc: unknown, file = ""): BlindedRegion {
  const d = doc as { signal_region_name?: unknown; workspace?: unknown };
  if (!d || typeof d !== "object" || Array.isArray(d)) throw new InputError(file, "/", "expected a region object {signal_region_name, workspace}");
  if (typeof d.signal_region_name !== "string") throw new InputError(file, "/signal_region_name", "missing or not a string: a region file needs the SR channel's name");
  if (!d.workspace || typeof d.workspace !== "object") throw new InputError(file, "/workspace", "missing: a region file holds the pyhf workspace under \"workspace\"");
  const workspace = workspaceFromJson(d.workspace, file);
  return new BlindedRegion({ signal_region_name: d.signal_region_name, workspace }, file);
}

/** The observed SR count n of a region object, read from its SR observation (no model compiled). */
export function regionObservedCount(doc: unknown, file = ""): number {
  const d = doc as { signal_region_name?: unknown; workspace?: { observations?: { name?: unknown; data?: unknown }[] } };
  if (!d || typeof d !== "object" || typeof d.signal_region_name !== "string") throw new InputError(file, "/signal_region_name", "missing or not a string: a region file needs the SR channel's name");
  const obs = d.workspace?.observations?.find((o) => o.name === d.signal_region_name);
  const data = obs?.data;
  if (!Array.isArray(data) || data.length !== 1 || typeof data[0] !== "number" || !(data[0] >= 0)) {
    throw new InputError(file, `/workspace/observations (${d.signal_region_name})`, "expected the SR observation as one count ≥ 0");
  }
  return data[0];
}
