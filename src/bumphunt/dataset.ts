// A dataset of the HPS bump hunt as plain, structured-clonable data (so a scan job can be sent
// to worker threads): resolution σ(m) and radiative-fraction polynomials (spec §2.2–2.3), the
// f_rad penalty, scan and data ranges, and the GP length-scale bound policy (spec §4.3).
import { linspace, mean, median } from "../math/stats.ts";
import { sigmaX } from "./gp-background.ts";
import { HPS_DATASETS, polynomial } from "./spectrum.ts";

export interface DatasetModel {
  label: string;
  /** σ(m) = Σ c_i m^i [GeV], with an optional linear tail above m0 (2016). */
  sigmaCoeffs: number[];
  sigmaTail: { m0: number; slope: number | null; slopeFloor: number } | null;
  /** f_rad(m) = Σ c_i m^i; the ε² conversion uses f_rad·max(0, 1 − penalty). */
  fradCoeffs: number[];
  fradPenalty: number;
  /** Scan range [m_low, m_high] in GeV. */
  range: [number, number];
  /** Optional histogram restriction (spec §2.1 data_range); null = full extent. */
  dataRange: [number, number] | null;
}

export type LsPolicyName = "resolution_scaled_local" | "resolution_scaled_global" | "manual";

export interface LsPolicy {
  policy: LsPolicyName;
  upper: number;
  lower: number;
  stat: "median" | "mean" | "min" | "max";
  npts: number;
  floorMode: "none" | "dataset_stat";
  floorFactor: number;
  capXrangeFrac: number | null;
  /** kernel_ls_bounds / kernel_ls_init (manual policy). */
  manualBounds: [number, number];
  manualInit: number;
  /** kernel_ls_bounds_by_dataset[d] / kernel_ls_init_by_dataset[d]: explicit bounds win over the policy. */
  explicitBounds: [number, number] | null;
  explicitInit: number | null;
}

/** Production model of an HPS dataset (../shared/hps/SOURCE.md, spec §2). */
export function defaultModel(dataset: string): DatasetModel {
  const c: Record<string, Omit<DatasetModel, "range" | "dataRange" | "fradPenalty">> = {
    "2015": { label: "HPS 2015", sigmaCoeffs: [-9.22283032152e-5, 0.0532190838657], sigmaTail: null, fradCoeffs: [0.085] },
    "2016": { label: "HPS 2016", sigmaCoeffs: [0.00038, 0.041, -0.27, 3.49, -11.11], sigmaTail: { m0: 0.18, slope: 0.0239, slopeFloor: 0 }, fradCoeffs: [0.05] },
    "2021": { label: "HPS 2021", sigmaCoeffs: [0.0014786, -0.0011, 0.0687], sigmaTail: null, fradCoeffs: [0.05] },
  };
  const d = c[dataset];
  if (!d) throw new Error(`unknown dataset "${dataset}"`);
  return { ...d, fradPenalty: 0, range: [...HPS_DATASETS[dataset].range], dataRange: null };
}

/** The production length-scale policy (spec §18.2): U = 8 (2015/2016) or 9 (2021), L = 0.5, dataset_stat floor × 0.8, median over 300 points. */
export function defaultLsPolicy(dataset: string): LsPolicy {
  return {
    policy: "resolution_scaled_local", upper: HPS_DATASETS[dataset]?.lsUpper ?? 8, lower: 0.5, stat: "median", npts: 300,
    floorMode: "dataset_stat", floorFactor: 0.8, capXrangeFrac: null, manualBounds: [0.001, 10], manualInit: 1, explicitBounds: null, explicitInit: null,
  };
}

export function sigmaFunction(m: DatasetModel): (mass: number) => number {
  return polynomial(m.sigmaCoeffs, m.sigmaTail ? { m0: m.sigmaTail.m0, slope: m.sigmaTail.slope, slopeFloor: m.sigmaTail.slopeFloor } : undefined);
}

export function fradFunction(m: DatasetModel): (mass: number) => number {
  return polynomial(m.fradCoeffs);
}

/** f_eff = f_rad · max(0, 1 − penalty) (spec §2.3). */
export function fradEffective(m: DatasetModel, mass: number): number {
  return fradFunction(m)(mass) * Math.max(0, 1 - m.fradPenalty);
}

/** Statistic of σ_x over linspace(m_low, m_high, max(10, npts)) (numpy median: mean of the middle two). */
export function sigmaXStat(m: DatasetModel, stat: LsPolicy["stat"], npts: number): number {
  const sig = sigmaFunction(m);
  const n = Math.max(10, Math.floor(npts));
  const [lo, hi] = m.range;
  const v = linspace(lo, hi, n).map((x) => sigmaX(x, sig(x)));
  const base = stat === "mean" ? mean(v) : stat === "min" ? v.reduce((a, x) => Math.min(a, x)) : stat === "max" ? v.reduce((a, x) => Math.max(a, x)) : median(v);
  return Math.max(base, 1e-12);
}

/**
 * [l_lo, l_hi, l_init] at mass m (spec §4.3, `make_kernel_for_dataset`): explicit per-dataset
 * bounds first, else the policy (local: σ_x(m); global: the dataset statistic; manual).
 */
export function lsBoundsAt(model: DatasetModel, p: LsPolicy, mass: number): [number, number, number] {
  const clamp = (x: number, lo: number, hi: number) => Math.min(Math.max(x, lo), hi);
  if (p.explicitBounds) {
    const [lo, hi] = p.explicitBounds;
    return [lo, hi, clamp(p.explicitInit ?? Math.sqrt(lo * hi), lo, hi)];
  }
  if (p.policy === "manual") {
    const [lo, hi] = p.manualBounds;
    return [lo, hi, clamp(p.manualInit, lo, hi)];
  }
  const global = () => {
    const base = sigmaXStat(model, p.stat, p.npts);
    const lo = Math.max(1e-12, p.lower * base);
    const hi = Math.max(1.001 * lo, p.upper * base);
    return [lo, hi, Math.sqrt(lo * hi)] as [number, number, number];
  };
  if (p.policy === "resolution_scaled_global") return global();
  const s = sigmaFunction(model)(mass);
  const base = Math.max(sigmaX(mass, s), 1e-12);
  const lo = Math.max(1e-12, p.lower * base);
  let hi = Math.max(1.001 * lo, p.upper * base);
  if (p.floorMode === "dataset_stat") {
    const floor = p.upper * sigmaXStat(model, p.stat, p.npts) * p.floorFactor;
    if (Number.isFinite(floor)) hi = Math.max(hi, floor);
  }
  if (p.capXrangeFrac !== null) {
    const mlo = model.dataRange?.[0] || model.range[0], mhi = model.dataRange?.[1] || model.range[1];
    const cap = p.capXrangeFrac * Math.abs(Math.log(Math.max(mhi, 1e-12)) - Math.log(Math.max(mlo, 1e-12)));
    if (Number.isFinite(cap) && cap > 0) hi = Math.min(hi, cap);
  }
  hi = Math.max(hi, 1.001 * lo);
  return [lo, hi, Math.sqrt(lo * hi)];
}
