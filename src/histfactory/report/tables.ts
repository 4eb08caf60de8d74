// Yield tables as CSV (one row per stage, channel, sample and bin: io/csv.ts's convention),
// Markdown and LaTeX (one table per stage and channel: samples, total and data as rows, bins
// and the channel sum as columns; "y ± σ" as cabinetry's tabulate prints them).
import { csvText } from "../../io/csv.ts";
import type { Prediction, Yield } from "./yields.ts";

/** Observed counts per channel (null: blinded, not shown). */
export type ChannelData = Record<string, number[] | null>;

export const YIELD_COLUMNS = ["stage", "channel", "sample", "bin", "yield", "stdev"] as const;

/** Long-format CSV of one or more predictions; `bin` is the bin index or "all" for the channel sum; data rows have no stdev. */
export function yieldsCsv(preds: Prediction[], data: ChannelData): string {
  const rows: Record<string, unknown>[] = [];
  for (const p of preds) {
    for (const c of p.channels) {
      for (const y of [...c.samples, c.total]) {
        y.yields.forEach((v, b) => rows.push({ stage: p.stage, channel: c.name, sample: y.name, bin: b, yield: v, stdev: y.stdev[b] }));
        rows.push({ stage: p.stage, channel: c.name, sample: y.name, bin: "all", yield: y.sum, stdev: y.sumStdev });
      }
      const d = data[c.name];
      if (d) {
        d.forEach((v, b) => rows.push({ stage: p.stage, channel: c.name, sample: "data", bin: b, yield: v }));
        rows.push({ stage: p.stage, channel: c.name, sample: "data", bin: "all", yield: d.reduce((a, v) => a + v, 0) });
      }
    }
  }
  return csvText(YIELD_COLUMNS, rows);
}

/** "y ± σ" with two decimals (three significant digits below 0.01), as cabinetry's tables. */
export function formatYield(y: number, s?: number): string {
  const f = (x: number) => (x !== 0 && Math.abs(x) < 0.01 ? x.toPrecision(3) : x.toFixed(2));
  return s === undefined ? f(y) : `${f(y)} ± ${f(s)}`;
}

function tableRows(p: Prediction, ci: number, data: ChannelData, binLabels?: string[]): { header: string[]; rows: string[][] } {
  const c = p.channels[ci];
  const header = ["sample", ...Array.from({ length: c.nbins }, (_, b) => binLabels?.[b] ?? `bin ${b + 1}`), "total"];
  const line = (y: Yield) => [y.name, ...y.yields.map((v, b) => formatYield(v, y.stdev[b])), formatYield(y.sum, y.sumStdev)];
  const rows = [...c.samples.map(line), line(c.total)];
  const d = data[c.name];
  if (d) rows.push(["data", ...d.map((v) => formatYield(v)), formatYield(d.reduce((a, v) => a + v, 0))]);
  return { header, rows };
}

/** Markdown: a section per stage, a table per channel. */
export function yieldsMarkdown(preds: Prediction[], data: ChannelData, binLabels: Record<string, string[]> = {}): string {
  const out: string[] = [];
  for (const p of preds) {
    out.push(`## ${p.stage} yields\n`);
    p.channels.forEach((c, ci) => {
      const { header, rows } = tableRows(p, ci, data, binLabels[c.name]);
      const esc = (s: string) => s.replaceAll("|", "\\|");
      out.push(`### ${esc(c.name)}\n`);
      out.push(`| ${header.map(esc).join(" | ")} |`);
      out.push(`|${header.map((_, j) => (j === 0 ? " :--- " : " ---: ")).join("|")}|`);
      for (const r of rows) out.push(`| ${r.map(esc).join(" | ")} |`);
      out.push("");
    });
  }
  return out.join("\n");
}

/** LaTeX special characters escaped for text mode. */
export function latexEscape(s: string): string {
  return s.replace(/[\\{}&%$#_^~]/g, (ch) => (ch === "\\" ? "\\textbackslash{}" : ch === "^" ? "\\^{}" : ch === "~" ? "\\~{}" : `\\${ch}`));
}

/** LaTeX: one `table` + `tabular` per stage and channel (booktabs rules), "±" as `$\pm$`. */
export function yieldsLatex(preds: Prediction[], data: ChannelData, binLabels: Record<string, string[]> = {}): string {
  const out: string[] = ["% Yield tables written by searchlight report; needs \\usepackage{booktabs}", ""];
  for (const p of preds) {
    p.channels.forEach((c, ci) => {
      const { header, rows } = tableRows(p, ci, data, binLabels[c.name]);
      const cell = (s: string) => latexEscape(s).replace(" ± ", " $\\pm$ ");
      out.push("\\begin{table}[htbp]", "\\centering", `\\caption{${latexEscape(`${p.stage} yields in ${c.name}`)}}`);
      out.push(`\\begin{tabular}{l${"r".repeat(header.length - 1)}}`, "\\toprule");
      out.push(`${header.map(cell).join(" & ")} \\\\`, "\\midrule");
      rows.forEach((r, k) => {
        if (k === c.samples.length) out.push("\\midrule");
        out.push(`${r.map(cell).join(" & ")} \\\\`);
      });
      out.push("\\bottomrule", "\\end{tabular}", "\\end{table}", "");
    });
  }
  return out.join("\n");
}
