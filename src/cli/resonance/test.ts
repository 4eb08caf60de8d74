// `searchlight resonance test --config C --mass M`: one mass hypothesis — its window, background,
// fitted yield Â ± σ_A, local Z, limits — or the reason it failed.
import type { Command } from "commander";
import { buildSearch } from "../../resonance/search.ts";
import { evaluatePoint } from "../../resonance/point.ts";
import { fmtNum, printJson, table } from "../shared/format.ts";
import { num, withJson } from "../shared/options.ts";
import { InputError } from "../../io/errors.ts";
import { chooseDataset, massInside } from "./common.ts";

export function register(parent: Command): void {
  withJson(parent.command("test").description("evaluate one mass hypothesis: window, background, Â ± σ_A, local Z, upper limit on the yield")
    .requiredOption("--config <yaml>", "resonance configuration")
    .requiredOption("--mass <m>", "mass hypothesis, in the configuration's unit")
    .option("-d, --dataset <name>", "dataset name (default: the first)"), "print the row as JSON")
    .action(async (o: { config: string; mass: string; dataset?: string; json?: boolean }) => {
      const c = await chooseDataset(o.config, o.dataset);
      const m = num("--mass", o.mass);
      if (m === undefined) throw new InputError("", "--mass", "give a number");
      massInside("--mass", m, c.spectrum, c.cfg.unit);
      const row = evaluatePoint(c.dataset.name, c.spectrum, m, buildSearch(c.spec, c.spectrum).settings);
      if (o.json) return printJson(row);
      const u = c.cfg.unit;
      const rows: (string | number)[][] = [
        ["dataset", `${c.dataset.label} (${c.dataset.name})`], [`mass [${u}]`, fmtNum(row.mass)], [`σ(m) [${u}]`, fmtNum(row.sigma)],
        [`window [${u}]`, `${fmtNum(row.window_lo)} – ${fmtNum(row.window_hi)} (${row.n_window_bins} bins, ${fmtNum(100 * row.signal_in_window)}% of the signal)`],
        ["observed / background in the window", `${fmtNum(row.obs_window)} / ${fmtNum(row.bkg_window)}${Number.isFinite(row.bkg_window_sd) ? ` ± ${fmtNum(row.bkg_window_sd)}` : ""}`],
        ["background", row.background], ["Â ± σ_A [events]", `${fmtNum(row.A_hat)} ± ${fmtNum(row.sigma_A)}`], ["local Z (p0)", `${fmtNum(row.Z)} (${fmtNum(row.p0)})`],
        ["upper limit on A: observed / expected", `${fmtNum(row.A_up)} / ${fmtNum(row.A_up_expected)}`], ["sideband pull", fmtNum(row.sideband_pull)], ["status", row.status],
      ];
      if (row.warnings) rows.push(["warnings", row.warnings]);
      if (row.error) rows.push(["reason", row.error]);
      process.stdout.write(table(rows) + "\n");
    });
}
