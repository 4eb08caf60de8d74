// The "combined" rows of injection studies and the combined-search-power products
// (hps_gpr injection.py; spec §12.8–12.9).
//
// Combined injection is not a joint likelihood: per toy, the datasets' extracted yields are
// combined by inverse variance, A_c = Σ(Â_i/σ_i²)/Σ(1/σ_i²), σ_c = (Σ 1/σ_i²)^−½, with the
// injected strength combined the same way; the pull is (A_c − strength_c)/σ_c and Ẑ = A_c/σ_c.
// Toys are matched across datasets by (mass, strength, toy) or, when the datasets were injected
// at different absolute strengths for the same multiple of σ_A,ref, by (mass, inj_nsigma, toy).
//
// Search power (§12.9): with σ_d = σ_A,ref of dataset d at a mass, a scenario of per-dataset
// significances z_d combines to Z_comb = Σ_d z_d/σ_d / √(Σ 1/σ_d²); the requirement for a
// combined Z_target splits it by information fraction, z_req,d = Z_target √(info_frac_d).
import { normalSf } from "../math/special.ts";
import { mean as meanOf } from "../math/stats.ts";

/** The toy fields the combination reads and writes (inject-plots' toy record). */
export interface InjToyRecord {
  dataset: string;
  mass_GeV: number;
  strength: number;
  strength_tag: string;
  toy_mode: string;
  toy: string;
  sigmaA_ref: number;
  integral_density: number;
  A_per_eps2_unit: number;
  f_win: number;
  f_train_frac: number;
  inj_nsigma: number;
  A_hat: number;
  sigma_A: number;
  pull_param: number;
  Zhat: number;
  success: boolean;
  n_contrib?: number;
  contrib_datasets?: string;
}

/** inj_extract_toys_combined.csv columns. */
export const COMBINED_TOY_COLUMNS = [
  "dataset", "mass_GeV", "toy", "strength", "strength_tag", "inj_nsigma", "sigmaA_ref", "A_hat", "sigma_A", "Zhat", "pull_param", "success", "toy_mode", "n_contrib", "contrib_datasets",
] as const;

export type CombinedMassPolicy = "intersection" | "union_min_n";

/** Combined toy records (dataset "combined") from per-dataset toy records. */
export function combineInjectionToys(recs: InjToyRecord[], o: { policy?: CombinedMassPolicy; minContrib?: number } = {}): InjToyRecord[] {
  const policy = o.policy ?? "intersection", minN = o.minContrib ?? 2;
  const own = recs.filter((r) => r.dataset !== "combined");
  const datasets = [...new Set(own.map((r) => r.dataset))].sort();
  if (datasets.length < 2) return [];
  // Per mass: which datasets are present, and do their strengths coincide?
  const byMass = new Map<number, InjToyRecord[]>();
  for (const r of own) {
    if (!byMass.has(r.mass_GeV)) byMass.set(r.mass_GeV, []);
    byMass.get(r.mass_GeV)!.push(r);
  }
  const out: InjToyRecord[] = [];
  for (const [m, rs] of [...byMass].sort((a, b) => a[0] - b[0])) {
    const present = new Set(rs.map((r) => r.dataset));
    if (policy === "intersection" ? present.size < datasets.length : present.size < minN) continue;
    const strengthSets = [...present].map((d) => [...new Set(rs.filter((r) => r.dataset === d).map((r) => r.strength))].sort((a, b) => a - b).join(","));
    const byStrength = strengthSets.every((s) => s === strengthSets[0]);
    const groups = new Map<string, InjToyRecord[]>();
    for (const r of rs) {
      const k = `${byStrength ? r.strength : Math.round(r.inj_nsigma * 1e8) / 1e8}|${r.toy}`;
      if (!groups.has(k)) groups.set(k, []);
      groups.get(k)!.push(r);
    }
    for (const g of groups.values()) {
      const ok = g.filter((r) => r.success && Number.isFinite(r.A_hat) && r.sigma_A > 0);
      const need = policy === "intersection" ? present.size : minN;
      let sw = 0, sa = 0, ss = 0;
      for (const r of ok) {
        const w = 1 / (r.sigma_A * r.sigma_A);
        sw += w; sa += w * r.A_hat; ss += w * r.strength;
      }
      const aC = sa / sw, sC = 1 / Math.sqrt(sw), strengthC = ss / sw;
      const success = ok.length >= need && sw > 0;
      const mean = (f: (r: InjToyRecord) => number) => meanOf(g.map(f));
      out.push({
        dataset: "combined", mass_GeV: m, strength: success ? strengthC : mean((r) => r.strength), strength_tag: g[0].strength_tag, toy_mode: g[0].toy_mode, toy: g[0].toy,
        sigmaA_ref: mean((r) => r.sigmaA_ref), integral_density: NaN, A_per_eps2_unit: NaN, f_win: NaN, f_train_frac: NaN,
        inj_nsigma: mean((r) => r.inj_nsigma),
        A_hat: success ? aC : NaN, sigma_A: success ? sC : NaN, pull_param: success ? (aC - strengthC) / sC : NaN, Zhat: success ? aC / sC : NaN, success,
        n_contrib: ok.length, contrib_datasets: ok.map((r) => r.dataset).sort().join("+"),
      });
    }
  }
  return out;
}

export interface PowerScenario {
  name: string;
  /** Per-dataset significance z_d of the scenario. */
  z: Record<string, number>;
}

/** hps_gpr's scenarios: every dataset at 1σ; 2015 1σ / 2016 2σ / 2021 3σ; ascending 1, 2, 3… in dataset order. */
export function defaultScenarios(datasets: string[]): PowerScenario[] {
  const ds = [...datasets].sort();
  return [
    { name: "all_1sigma", z: Object.fromEntries(ds.map((d) => [d, 1])) },
    { name: "2015_1_2016_2_2021_3", z: Object.fromEntries(ds.map((d) => [d, ({ "2015": 1, "2016": 2, "2021": 3 } as Record<string, number>)[d] ?? 1])) },
    { name: "ascending", z: Object.fromEntries(ds.map((d, i) => [d, i + 1])) },
  ];
}

/** Z_comb = Σ_d (z_d σ_d)/σ_d² / √(Σ 1/σ_d²): the combined significance of per-dataset excesses z_d. */
export function scenarioZ(sigmas: Record<string, number>, z: Record<string, number>): number {
  let num = 0, den = 0;
  for (const [d, s] of Object.entries(sigmas)) {
    if (!(s > 0) || z[d] === undefined) continue;
    num += (z[d] * s) / (s * s);
    den += 1 / (s * s);
  }
  return num / Math.sqrt(den);
}

export interface Requirement {
  dataset: string;
  info_frac: number;
  z_req: number;
  p0_req: number;
}

/** What each dataset must show for a combined Z_target: z_req,d = Z_target √(info_frac_d), p0 = 1 − Φ(z). */
export function constituentRequirement(sigmas: Record<string, number>, zTarget: number): Requirement[] {
  const entries = Object.entries(sigmas).filter(([, s]) => s > 0).sort((a, b) => a[0].localeCompare(b[0]));
  const total = entries.reduce((a, [, s]) => a + 1 / (s * s), 0);
  return entries.map(([d, s]) => {
    const f = 1 / (s * s) / total;
    const z = zTarget * Math.sqrt(f);
    return { dataset: d, info_frac: f, z_req: z, p0_req: normalSf(z) };
  });
}
