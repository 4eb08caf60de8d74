// `searchlight bump inject-plot -i DIR`: merge injection CSVs, re-summarise and draw the closure
// figures (linearity, bias, pull width, coverage, pulls, Ẑ calibration).
import type { Command } from "commander";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { csvText } from "../../io/csv.ts";
import { SUMMARY_COLUMNS } from "../../bumphunt/inject-study.ts";
import { injectionPlots, loadInjection } from "../../bumphunt/inject-plots.ts";
import { printJson } from "../shared/format.ts";
import { repeatable, withJson, withOutputDir } from "../shared/options.ts";
import { injectionTable } from "./tables.ts";

export function register(bump: Command): void {
  withJson(withOutputDir(bump.command("inject-plot").description("merge injection CSVs, re-summarise and draw the closure figures (linearity, bias, pull width, coverage, pulls, Ẑ calibration)")
    .requiredOption("-i, --input-dir <dir>", "folder with inj_extract_toys_*.csv / inj_extract_summary_*.csv"), "figure folder (default: <input>/plots)")
    .option("-d, --dataset <d>", "only this dataset (repeatable)", repeatable, []), "print the merged summary as JSON")
    .action(async (o: { inputDir: string; outputDir?: string; dataset: string[]; json?: boolean }) => {
      const l = loadInjection(o.inputDir, o.dataset);
      const out = o.outputDir ?? join(o.inputDir, "plots");
      mkdirSync(out, { recursive: true });
      writeFileSync(join(out, "inj_extract_summary_merged.csv"), csvText(SUMMARY_COLUMNS, l.summaries));
      const figures = await injectionPlots(l, out);
      const nFailed = l.summaries.reduce((a, s) => a + Number(s.n_failed), 0);
      if (o.json) return printJson({ n_points: l.summaries.length, n_toy_rows: l.n_toy_rows, n_duplicates: l.n_duplicates, n_failed: nFailed, files: l.files, figures: figures.length, summaries: l.summaries });
      process.stdout.write(`${l.files.length} files, ${l.n_toy_rows} toys (${l.n_duplicates} duplicates dropped), ${l.summaries.length} points, ${nFailed} failed toys\n`);
      process.stdout.write(injectionTable(l.summaries) + "\n");
      process.stdout.write(`wrote ${join(out, "inj_extract_summary_merged.csv")} and ${figures.length} figure files in ${out}\n`);
    });
}
