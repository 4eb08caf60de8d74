// `searchlight bump toy-scan-merge` (toy_scan_merged.csv and toy_scan_summary.csv with n_fail per
// toy, max Z, min p0) and `bump toy-scan-plot` (validation figures and a summary table).
import type { Command } from "commander";
import { resolve } from "node:path";
import { readCsv } from "../../io/csv.ts";
import { requireColumns } from "../../bumphunt/study-io.ts";
import { mergeToyScans, summaryFromMerged, toyScanPlots, writeMerge, type SummaryRow } from "../../bumphunt/toy-scan.ts";
import { ensembleAccounts, readToySummary } from "../../bumphunt/toy-scan-report.ts";
import { printJson, table } from "../shared/format.ts";
import { int, withJson, withOutputDir } from "../shared/options.ts";

function summaryTable(summary: SummaryRow[]): string {
  return table([["ensemble", "toys", "with results", "failed masses", "toys with failures", "median max Z", "largest max Z"],
    ...ensembleAccounts(summary).map((e) => [e.ensemble, e.toys, e.with_results, e.failed_masses, e.toys_with_failures, e.median_max_Z, e.largest_max_Z])]);
}

export function register(bump: Command): void {
  withJson(withOutputDir(bump.command("toy-scan-merge").description("merge toy-scan folders: toy_scan_merged.csv and toy_scan_summary.csv (n_fail per toy, max Z, min p0)")
    .requiredOption("-i, --input-dir <dir>", "folder searched recursively for toy_metadata.json"), "where to write the merged CSVs (default: the input folder)"), "print the summary as JSON")
    .action((o: { inputDir: string; outputDir?: string; json?: boolean }) => {
      const m = mergeToyScans(resolve(o.inputDir));
      const files = writeMerge(o.outputDir ?? o.inputDir, m);
      if (o.json) return printJson({ n_toys: m.n_toys, n_with_results: m.n_with_results, n_fail_total: m.n_fail_total, n_rows: m.merged.rows.length, summary: m.summary, files });
      process.stdout.write(`${m.n_toys} toys (${m.n_with_results} with results, ${m.n_toys - m.n_with_results} without), ${m.merged.rows.length} rows, ${m.n_fail_total} failed masses\n`);
      process.stdout.write(summaryTable(m.summary) + "\n");
      process.stdout.write(`wrote ${files.merged} and ${files.summary}\n`);
    });

  bump.command("toy-scan-plot").description("toy-scan validation figures (median + 68/95% bands, or every toy for small ensembles) and a summary table")
    .requiredOption("--merged-csv <file>", "toy_scan_merged.csv")
    .option("--summary-csv <file>", "toy_scan_summary.csv (default: derived from the merged rows)")
    .requiredOption("-o, --output-dir <dir>", "figure folder")
    .option("--stem-prefix <s>", "figure name prefix", "toy_scan_validation")
    .option("--band-min <n>", "ensembles with at least n toys are drawn as bands", "20")
    .option("--json", "print the summary as JSON")
    .action(async (o: { mergedCsv: string; summaryCsv?: string; outputDir: string; stemPrefix: string; bandMin: string; json?: boolean }) => {
      const merged = readCsv(o.mergedCsv);
      requireColumns(o.mergedCsv, merged.columns, ["dataset", "toy_index", "mass_GeV", "Z_analytic", "p0_analytic", "eps2_up", "A_up", "extract_success"]);
      const summary = o.summaryCsv ? readToySummary(o.summaryCsv) : summaryFromMerged(merged.rows);
      const files = await toyScanPlots(merged.rows, summary, { outDir: o.outputDir, stemPrefix: o.stemPrefix, bandMin: int("--band-min", o.bandMin, 1) });
      if (o.json) return printJson({ summary, files });
      process.stdout.write(summaryTable(summary) + "\n");
      process.stdout.write(`wrote ${files.length} figure files to ${o.outputDir}\n`);
    });
}
