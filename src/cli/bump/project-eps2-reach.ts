// `searchlight bump project-eps2-reach -i BANDS.csv…`: projected ε² reach for larger data sets
// from per-dataset limit bands (spec §13); a CSV and a figure.
import type { Command } from "commander";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { csvText, readCsv } from "../../io/csv.ts";
import { projectReach, reachFigure } from "../../bumphunt/displays.ts";
import { printJson, table } from "../shared/format.ts";
import { positive, repeatable, withJson } from "../shared/options.ts";

export function register(bump: Command): void {
  withJson(bump.command("project-eps2-reach").description("projected ε² reach for larger data sets from per-dataset limit bands (spec §13)")
    .requiredOption("-i, --input-csv <file>", "band or scan CSV(s) with dataset, mass and ε² columns (repeatable)", repeatable, [])
    .option("-o, --output <base>", "figure base name (.png/.pdf) and CSV", "projected_unblinded_reach_eps2")
    .option("--scale-2015 <S>", "luminosity scale of 2015", "1")
    .option("--scale-2016 <S>", "luminosity scale of 2016", "10")
    .option("--scale-2021 <S>", "luminosity scale of 2021", "100"), "print the rows as JSON")
    .action(async (o: { inputCsv: string[]; output: string; scale2015: string; scale2016: string; scale2021: string; json?: boolean }) => {
      const tables = o.inputCsv.map((f) => ({ f, t: readCsv(f) }));
      const columns = [...new Set(tables.flatMap((x) => x.t.columns))];
      const rows = tables.flatMap((x) => x.t.rows);
      const scales = { "2015": positive("--scale-2015", o.scale2015), "2016": positive("--scale-2016", o.scale2016), "2021": positive("--scale-2021", o.scale2021) };
      const r = projectReach(rows, columns, scales, o.inputCsv.join(","));
      const base = o.output.replace(/\.(png|pdf|csv)$/, "");
      mkdirSync(dirname(resolve(base)), { recursive: true });
      writeFileSync(`${base}.csv`, csvText(r.columns, r.rows));
      const figs = await reachFigure(r, base);
      if (o.json) return printJson({ datasets: r.datasets, bands: r.bands, rows: r.rows, files: [`${base}.csv`, ...figs] });
      const band = r.bands.includes("med") ? "med" : r.bands[0];
      process.stdout.write(table([["mass [GeV]", `current ${band}`, `projected ${band}`, "gain"], ...r.rows.map((x) => [String(x.mass_GeV), x[`current_${band}`], x[`projected_${band}`], x[`current_${band}`] / x[`projected_${band}`]])]) + "\n");
      process.stdout.write(`wrote ${base}.csv and ${figs.join(", ")}\n`);
    });
}
