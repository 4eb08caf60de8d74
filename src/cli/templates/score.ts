// `searchlight templates score FILE.csv [--json]`: the HiggsML Uncertainty Challenge score
// (§B5) of any table of intervals with columns mu_true, p16, p84 (and optionally set, mu_hat,
// delta_mu_hat): per set, pooled, RMSE, MAE and the bootstrap. records.csv of a coverage study
// qualifies (rows with status "failed" are counted and left out).
import type { Command } from "commander";
import { readCsv, cellNum } from "../../io/csv.ts";
import { InputError } from "../../io/errors.ts";
import { challengeScore } from "../../templates/score.ts";
import { fmtNum, printJson, table } from "../shared/format.ts";
import { withJson } from "../shared/options.ts";

export function register(parent: Command): void {
  const cmd = parent.command("score <csv>").description("the HiggsML Uncertainty Challenge score of a table of intervals (mu_true, p16, p84[, set, mu_hat])");
  withJson(cmd);
  cmd.action((file: string, o: { json?: boolean }) => {
    const { columns, rows } = readCsv(file);
    for (const c of ["mu_true", "p16", "p84"]) if (!columns.includes(c)) throw new InputError(file, c, `missing column (columns: ${columns.join(", ")})`);
    let failed = 0;
    const recs = [];
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      if (r.status === "failed") { failed++; continue; }
      const rec = { set: r.set !== undefined ? cellNum(r.set) : 0, mu_true: cellNum(r.mu_true), p16: cellNum(r.p16), p84: cellNum(r.p84), mu_hat: r.mu_hat !== undefined ? cellNum(r.mu_hat) : NaN, ...(r.delta_mu_hat !== undefined ? { delta_mu_hat: cellNum(r.delta_mu_hat) } : {}) };
      for (const k of ["mu_true", "p16", "p84"] as const) if (!Number.isFinite(rec[k])) throw new InputError(file, `row ${i + 2}: ${k}`, `"${r[k]}" is not a finite number`);
      if (!Number.isFinite(rec.mu_hat)) rec.mu_hat = (rec.p16 + rec.p84) / 2;
      recs.push(rec);
    }
    if (recs.length === 0) throw new InputError(file, "", "no intervals to score");
    const s = challengeScore(recs);
    if (o.json) return printJson({ ...s, failed_rows: failed });
    const ov = s.overall;
    process.stdout.write([
      table([["set", "N", "coverage", "interval", "score", "RMSE", "MAE"], ...s.sets.map((x) => [x.set, x.n, fmtNum(x.coverage), fmtNum(x.interval), fmtNum(x.quantiles_score), fmtNum(x.rmse), fmtNum(x.mae)])]),
      `pooled (N = ${ov.n}${failed ? `, ${failed} failed rows left out` : ""}): coverage ${fmtNum(ov.coverage)}, interval ${fmtNum(ov.interval)}, penalty ${fmtNum(ov.penalty)}, score ${fmtNum(ov.quantiles_score)}, RMSE ${fmtNum(ov.rmse)}, MAE ${fmtNum(ov.mae)}`,
      s.bootstrap ? `bootstrap (${s.bootstrap.resamples} × ${s.bootstrap.sets_per_resample} sets): ${fmtNum(s.bootstrap.mean)} ± ${fmtNum(s.bootstrap.std)}` : "",
    ].filter(Boolean).join("\n") + "\n");
  });
}
