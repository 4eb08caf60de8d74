// Text tables shared by the injection verbs (inject, inject-plot).
import { table } from "../shared/format.ts";


export function injectionTable(summaries: Record<string, string | number>[]): string {
  return table([["mass [GeV]", "strength", "A_inj", "toys", "failed", "pull mean", "pull width", "cov 1σ", "cov 2σ", "⟨Ẑ⟩ − Z_inj"],
    ...summaries.map((s) => [String(s.mass_GeV), String(s.strength_tag), Number(s.strength), Number(s.n_toys), Number(s.n_failed), Number(s.pull_mean), Number(s.pull_std), Number(s.cov_1sigma), Number(s.cov_2sigma), Number(s.Zhat_mean) - Number(s.inj_nsigma)])]);
}
