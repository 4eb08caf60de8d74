// `searchlight bump test --dataset 2015 --mass 0.05` (one mass of one dataset) and
// `bump test --config C.yaml [--mass M]` (every enabled dataset active there, and their combination).
import type { Command } from "commander";
import { InputError } from "../../io/errors.ts";
import { poolTaskExecutor, runPool } from "../../batch/pool.ts";
import type { MassPointRow } from "../../bumphunt/mass-point.ts";
import { planFromConfig } from "../../bumphunt/config.ts";
import { runScanPlan } from "../../bumphunt/scan-plan.ts";
import { smokeTestMass } from "../../bumphunt/study-options.ts";
import { validatePlan } from "../../bumphunt/validation.ts";
import { fmtNum, printJson } from "../shared/format.ts";
import { num, workers } from "../shared/options.ts";
import { configOf, jobAtMass, lsBoundWarning, scanPlan, withBumpInput, type BumpCli } from "./common.ts";

export function register(bump: Command): void {
  withBumpInput(bump.command("test").description("smoke test at one mass (with --config: every enabled dataset active there, and the combination)"))
    .option("--mass <GeV>", "mass hypothesis in GeV, e.g. 0.05 (required without --config; with it, default: the middle of the common scan range)")
    .action(async (o: BumpCli & { mass?: string }) => {
      if (o.config) return smokeTest(o);
      if (o.mass === undefined) throw new InputError("", "--mass", "required (or give --config)");
      const m = num("--mass", o.mass)!;
      const j = jobAtMass(o, m);
      j.masses = [m];
      const rows = await runPool<number, MassPointRow>({ module: new URL("../../bumphunt/scan.ts", import.meta.url).href, factory: "scanRunner", args: j }, [0], 1);
      const r = rows[0];
      if (o.json) return printJson(r);
      process.stdout.write(`${o.dataset} m = ${m} GeV (σ = ${fmtNum(r.sigma_mass_res_GeV)} GeV): ${r.ok ? "ok" : `FAILED: ${r.error}`}\n` +
        `  Â = ${fmtNum(r.A_hat)} ± ${fmtNum(r.sigma_A)} events, A_up(95%) = ${fmtNum(r.A_up)} events, ε²_up = ${fmtNum(r.eps2_up)}, p0 = ${fmtNum(r.p0_analytic)} (Z = ${fmtNum(r.Z_analytic)} σ)\n` +
        `  GP: ${r.gp_kernel}, LML ${fmtNum(r.gp_lml)}, ${r.n_train_bins} training bins, ${r.n_blind_bins} window bins\n` +
        lsBoundWarning([r], o.dataset));
    });
}

/** `bump test --config`: every enabled dataset active at the mass, and their combination. */
async function smokeTest(o: BumpCli & { mass?: string }): Promise<void> {
  const cfg = configOf(o.config!);
  const m = num("--mass", o.mass) ?? smokeTestMass(planFromConfig(cfg, {}).jobs.map((j) => j.model!.range));
  const p = scanPlan(o, { massMin: m - 1, massMax: m + 1, workers: 1 });
  p.grid = [m];
  for (const j of p.jobs) j.masses = m >= j.model!.range[0] - 1e-9 && m <= j.model!.range[1] + 1e-9 ? [m] : [];
  p.jobs = p.jobs.filter((j) => j.masses.length);
  if (!p.jobs.length) throw new InputError(cfg.file, "--mass", `${m} GeV is outside the scan range of every enabled dataset`);
  await validatePlan(p, p.names, { write: false });
  const out = await runScanPlan(p, { executor: poolTaskExecutor(Math.min(p.jobs.length, workers(o.workers))), write: false });
  const rows = [...out.single.values()].flat();
  if (o.json) return printJson({ mass_GeV: m, rows, combined: out.combined });
  for (const r of rows) {
    process.stdout.write(`${r.dataset} m = ${m} GeV (σ = ${fmtNum(r.sigma_mass_res_GeV)} GeV): ${r.visibility === "error" ? `FAILED: ${r.error}` : r.visibility}\n` +
      `  Â = ${fmtNum(r.A_hat)} ± ${fmtNum(r.sigma_A)} events, A_up = ${fmtNum(r.A_up)} events, ε²_up = ${fmtNum(r.eps2_up)}, p0 = ${fmtNum(r.p0_analytic)} (Z = ${fmtNum(r.Z_analytic)} σ)\n` +
      `  GP: ${r.gp_kernel}, LML ${fmtNum(r.gp_lml)}, ℓ ∈ [${fmtNum(r.gp_ls_lo)}, ${fmtNum(r.gp_ls_hi)}] GeV, ${r.n_train_bins} training bins, ${r.n_blind_bins} window bins\n` +
      lsBoundWarning([r], r.dataset));
  }
  for (const c of out.combined) {
    process.stdout.write(`combined ${c.datasets}: ${c.visibility === "error" ? `FAILED: ${c.error}` : `ε²_up = ${fmtNum(c.eps2_up)}, p0 = ${fmtNum(c.p0_analytic)} (Z = ${fmtNum(c.Z_analytic)})`}\n`);
  }
}
