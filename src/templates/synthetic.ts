// A seeded synthetic HiggsML-like template model (../shared/specs/gato_sage.md §C3.2): the
// classifier score x ∈ [0, 1] of each process follows a Beta distribution, the nuisances act as
// smooth analytic morphs, and bin yields are exact Beta-CDF differences. It gives the exact
// templates at any θ — the oracle for the interpolation error — and grid tables of any size.
//
// Processes (yields at μ = 1, §B2): htautau 1000 (signal), ztautau 1e6, ttbar 4e4, diboson 6e3.
// Scores (§C3.2): htautau Beta(5, 2), ztautau Beta(2, 5), ttbar Beta(3, 3), diboson Beta(2.5, 3.5),
// written as mean m = a/(a+b) and concentration k = a + b. Regions: the signal region "SR" and
// three control regions rich in ttbar, diboson and ztautau; each process lands in a region with a
// fixed fraction (FRACTIONS) and keeps its score shape there, binned uniformly on [0, 1]
// (a 1-bin region is a counting CR). Morphs (tes, jes as scale factors around 1, soft_met ≥ 0):
//   tes:      htautau and ztautau score means shift by +0.4·(tes − 1) and −0.3·(tes − 1);
//             their acceptance scales by 1 + 2·(tes − 1) and 1 + 1.5·(tes − 1)
//   jes:      ttbar acceptance scales by 1 + 3·(jes − 1), diboson's by 1 + 1·(jes − 1); both
//             score means shift by +0.3·(jes − 1)
//   soft_met: every concentration k → k/(1 + 0.04·soft_met) (wider scores); ztautau
//             acceptance scales by 1 − 0.01·soft_met
// The truths of a pseudo-experiment are drawn as in the challenge (§B2 table, `drawTruth`).
import type { Rng } from "../math/rng.ts";
import { betaCdf } from "./beta.ts";
import type { TemplateGrid, RegionSpec } from "./grid.ts";
import type { InterpolationMode, OutsideMode } from "./interpolate.ts";
import type { TemplateModelSpec } from "./likelihood.ts";

export const SYNTHETIC_PROCESSES = ["htautau", "ztautau", "ttbar", "diboson"] as const;
export const SYNTHETIC_REGIONS = ["SR", "CR_ttbar", "CR_diboson", "CR_ztautau"] as const;
export const SYNTHETIC_AXES = ["tes", "jes", "soft_met"] as const;

/** Fraction of each process (rows) in each region (columns SR, CR_ttbar, CR_diboson, CR_ztautau). */
const FRACTIONS = [
  [0.85, 0.03, 0.02, 0.10],
  [0.30, 0.02, 0.03, 0.65],
  [0.25, 0.65, 0.05, 0.05],
  [0.25, 0.05, 0.60, 0.10],
];
const SHAPES: [number, number][] = [[5, 2], [2, 5], [3, 3], [2.5, 3.5]];

export interface SyntheticConfig {
  /** Yields at μ = 1 and nominal norms: [htautau, ztautau, ttbar, diboson]. */
  yields: [number, number, number, number];
  /** Bins per region [SR, CR_ttbar, CR_diboson, CR_ztautau]. */
  bins: [number, number, number, number];
  /** Grid axes as [low, high, nodes]: tes, jes, soft_met (SAGE's 17 × 17 × 41 by default, §B1). */
  grid: { tes: [number, number, number]; jes: [number, number, number]; soft_met: [number, number, number] };
}

export const DEFAULT_SYNTHETIC: SyntheticConfig = {
  yields: [1000, 1e6, 4e4, 6e3],
  bins: [30, 1, 1, 1],
  grid: { tes: [0.96, 1.04, 17], jes: [0.96, 1.04, 17], soft_met: [0, 5, 41] },
};

/** Fill in defaults. */
export function syntheticConfig(c: Partial<SyntheticConfig> = {}): SyntheticConfig {
  return { yields: c.yields ?? DEFAULT_SYNTHETIC.yields, bins: c.bins ?? DEFAULT_SYNTHETIC.bins, grid: { ...DEFAULT_SYNTHETIC.grid, ...(c.grid ?? {}) } };
}

export function syntheticRegions(c: SyntheticConfig): RegionSpec[] {
  return SYNTHETIC_REGIONS.map((name, r) => ({ name, bins: c.bins[r], edges: Array.from({ length: c.bins[r] + 1 }, (_, i) => i / c.bins[r]) }));
}

/** Beta (a, b) and acceptance factor of process p at θ = [tes, jes, soft_met]. */
function morph(p: number, tes: number, jes: number, met: number): [number, number, number] {
  const [a0, b0] = SHAPES[p];
  let m = a0 / (a0 + b0), k = a0 + b0, acc = 1;
  if (p === 0) { m += 0.4 * (tes - 1); acc *= 1 + 2 * (tes - 1); }
  if (p === 1) { m -= 0.3 * (tes - 1); acc *= (1 + 1.5 * (tes - 1)) * (1 - 0.01 * met); }
  if (p === 2) { m += 0.3 * (jes - 1); acc *= 1 + 3 * (jes - 1); }
  if (p === 3) { m += 0.3 * (jes - 1); acc *= 1 + (jes - 1); }
  k /= 1 + 0.04 * met;
  return [m * k, (1 - m) * k, acc];
}

/**
 * The exact templates at θ = [tes, jes, soft_met] into out[p·nBins + b] (bins of all regions
 * concatenated), as a grid point stores them. `cache` (optional) memoises Beta CDFs across calls.
 */
export function syntheticTemplates(c: SyntheticConfig, theta: ArrayLike<number>, out: Float64Array, cache?: Map<string, Float64Array>): void {
  const nB = c.bins.reduce((a, b) => a + b, 0);
  for (let p = 0; p < 4; p++) {
    const [a, b, acc] = morph(p, theta[0], theta[1], theta[2]);
    let o = p * nB;
    for (let r = 0; r < 4; r++) {
      const B = c.bins[r];
      const key = cache ? `${a},${b},${B}` : "";
      let cdf = cache?.get(key);
      if (!cdf) {
        cdf = new Float64Array(B + 1);
        for (let i = 0; i <= B; i++) cdf[i] = betaCdf(i / B, a, b);
        cache?.set(key, cdf);
      }
      const f = c.yields[p] * FRACTIONS[p][r] * acc;
      for (let i = 0; i < B; i++) out[o + i] = f * (cdf[i + 1] - cdf[i]);
      o += B;
    }
  }
}

function nodes([lo, hi, n]: [number, number, number]): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => (i === n - 1 ? hi : lo + ((hi - lo) * i) / (n - 1)));
}

/** The grid table of the synthetic model on its tes × jes × soft_met grid. */
export function syntheticGrid(cfg: Partial<SyntheticConfig> = {}): TemplateGrid {
  const c = syntheticConfig(cfg);
  const axes = SYNTHETIC_AXES.map((name) => ({ name, values: nodes(c.grid[name]) }));
  const nB = c.bins.reduce((a, b) => a + b, 0), size = 4 * nB;
  const [T, J, M] = axes.map((a) => a.values);
  const yields = new Float64Array(T.length * J.length * M.length * size);
  const cache = new Map<string, Float64Array>();
  const buf = new Float64Array(size);
  let pt = 0;
  for (const t of T) for (const j of J) for (const m of M) {
    syntheticTemplates(c, [t, j, m], buf, cache);
    yields.set(buf, pt * size);
    pt++;
  }
  return { axes, regions: syntheticRegions(c), processes: [...SYNTHETIC_PROCESSES], yields };
}

/** Nuisance truths of one pseudo-experiment, drawn as the challenge's ingestion does (§B2 table). */
export interface Truth {
  tes: number;
  jes: number;
  soft_met: number;
  ttbar_scale: number;
  diboson_scale: number;
  bkg_scale: number;
}

const clip = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));

/** tes, jes ~ N(1, 0.01) in [0.9, 1.1]; soft_met ~ LogNormal(0, 1) in [0, 5]; ttbar ~ N(1, 0.02) in [0.8, 1.2]; diboson ~ N(1, 0.25) in [0, 2]; bkg ~ N(1, 0.001) in [0.99, 1.01]. */
export function drawTruth(rng: Rng): Truth {
  const tes = clip(1 + 0.01 * rng.normal(), 0.9, 1.1);
  const jes = clip(1 + 0.01 * rng.normal(), 0.9, 1.1);
  const soft_met = clip(Math.exp(rng.normal()), 0, 5);
  const ttbar_scale = clip(1 + 0.02 * rng.normal(), 0.8, 1.2);
  const diboson_scale = clip(1 + 0.25 * rng.normal(), 0, 2);
  const bkg_scale = clip(1 + 0.001 * rng.normal(), 0.99, 1.01);
  return { tes, jes, soft_met, ttbar_scale, diboson_scale, bkg_scale };
}

/**
 * The likelihood spec matching the synthetic model and the challenge's nuisances (§B3/§B4):
 * μ ∈ [−2, 10]; tes, jes ~ Gaussian(1, 0.01) (the PE truth σ) in [0.9, 1.1]; soft_met flat on
 * [0, 5]; bkg, ttbar and diboson as HEPHY's (1 + α)^ν with α = 0.001, 0.02, 0.25 and unit-normal
 * ν in [−10, 10] ([−4, 4] for diboson).
 */
export function syntheticModelSpec(o: { interpolation?: InterpolationMode; outside?: OutsideMode } = {}): TemplateModelSpec {
  const g = (mean: number, sigma: number) => ({ type: "gaussian" as const, mean, sigma });
  return {
    poi: { name: "mu", init: 1, lower: -2, upper: 10 },
    signal: ["htautau"],
    shapes: [
      { name: "tes", init: 1, lower: 0.9, upper: 1.1, constraint: g(1, 0.01) },
      { name: "jes", init: 1, lower: 0.9, upper: 1.1, constraint: g(1, 0.01) },
      { name: "soft_met", init: 1, lower: 0, upper: 5, constraint: { type: "flat" } },
    ],
    norms: [
      { name: "bkg_scale", kind: "power", alpha: 0.001, processes: ["ztautau", "ttbar", "diboson"], init: 0, lower: -10, upper: 10, constraint: g(0, 1) },
      { name: "ttbar_scale", kind: "power", alpha: 0.02, processes: ["ttbar"], init: 0, lower: -10, upper: 10, constraint: g(0, 1) },
      { name: "diboson_scale", kind: "power", alpha: 0.25, processes: ["diboson"], init: 0, lower: -4, upper: 4, constraint: g(0, 1) },
    ],
    interpolation: o.interpolation ?? "linear",
    outside: o.outside ?? "extrapolate",
  };
}

/**
 * A truth as the parameter vector of `syntheticModelSpec` ([μ, tes, jes, soft_met, ν_bkg, ν_tt,
 * ν_db], by parameter name): ν = ln(scale)/ln(1 + α), held inside the parameter bounds (a diboson scale below
 * 1.25⁻⁴ = 0.41 — 0.9% of draws — is generated at 0.41).
 */
export function truthParameters(lik: { parameters: readonly { name: string; lower: number; upper: number }[]; spec: TemplateModelSpec }, mu: number, t: Truth): Float64Array {
  const tv = t as unknown as Record<string, number>;
  return Float64Array.from(lik.parameters, (p, i) => {
    if (i === 0) return mu;
    const n = lik.spec.norms.find((f) => f.name === p.name);
    const v = tv[p.name];
    if (v === undefined) throw new Error(`truthParameters: no truth for "${p.name}"`);
    const x = n && n.kind === "power" ? Math.log(v) / Math.log1p(n.alpha!) : v;
    return n ? Math.min(p.upper, Math.max(p.lower, x)) : x;
  });
}
