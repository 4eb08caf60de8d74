// `searchlight templates fit MODEL [--data FILE] [--method profile|scan|hesse] [--inflate k]
// [--clip a,b] [--json]`: μ̂, the 68.27% interval [p16, p84] and the nuisance MLEs on observed
// counts (a JSON file: a list of counts, or {"counts": [...]}, all regions' bins in order);
// without --data, on the Asimov data at the model's initial values.
import type { Command } from "commander";
import { readFileSync } from "node:fs";
import { InputError } from "../../io/errors.ts";
import { loadModel } from "../../templates/config.ts";
import { TemplateLikelihood } from "../../templates/likelihood.ts";
import { fitInterval, INTERVAL_METHODS } from "../../templates/interval.ts";
import { fmtNum, printJson, table } from "../shared/format.ts";
import { choice, num, numList, withJson } from "../shared/options.ts";

export function readCounts(path: string): number[] {
  let v: unknown;
  try { v = JSON.parse(readFileSync(path, "utf8")); } catch (e) { throw new InputError(path, "--data", `cannot read JSON counts (${(e as Error).message.split("\n")[0]})`); }
  const c = Array.isArray(v) ? v : (v as { counts?: unknown })?.counts;
  if (!Array.isArray(c)) throw new InputError(path, "counts", "expected a list of counts or an object with \"counts\"");
  return c.map((x) => (typeof x === "number" ? x : NaN));
}

/** --inflate and --clip, shared with `templates coverage`. */
export function calibration(o: { inflate?: string; clip?: string }): { inflate: number; clip: [number, number] | null } {
  const inflate = num("--inflate", o.inflate) ?? 1;
  if (!(inflate > 0)) throw new InputError("", "--inflate", `"${o.inflate}" is not a positive factor`);
  let clip: [number, number] | null = null;
  if (o.clip !== undefined) {
    const c = numList("--clip", o.clip);
    if (c.length !== 2 || !(c[0] < c[1])) throw new InputError("", "--clip", `"${o.clip}": expected two numbers a,b with a < b (e.g. 0.1,3)`);
    clip = [c[0], c[1]];
  }
  return { inflate, clip };
}

export function withCalibration(cmd: Command): Command {
  return cmd.option("--method <m>", "profile (q(μ) = 1 by root finding), scan (21-point scan, linear crossings) or hesse (μ̂ ± σ)", "profile")
    .option("--inflate <k>", "post-hoc calibration: multiply both half-widths by k (off by default)")
    .option("--clip <a,b>", "post-hoc calibration: clip the interval to a known μ range (off by default)");
}

export function register(parent: Command): void {
  const cmd = parent.command("fit <model>").description("fit μ and its 68.27% interval with templates interpolated over the nuisances");
  cmd.option("--data <file>", "observed counts (JSON list, all regions' bins); default: Asimov data at the initial values");
  withCalibration(cmd);
  withJson(cmd);
  cmd.action((model: string, o: { data?: string; method: string; inflate?: string; clip?: string; json?: boolean }) => {
    const method = choice("--method", o.method, INTERVAL_METHODS);
    const cal = calibration(o);
    const m = loadModel(model);
    const lik = new TemplateLikelihood(m.grid, m.spec);
    if (o.data) lik.setObserved(readCounts(o.data), o.data);
    const t0 = performance.now();
    const r = fitInterval(lik, lik.observed, { method, ...cal });
    const out = { ...r, method, seconds: (performance.now() - t0) / 1000 };
    if (o.json) return printJson(out);
    if (r.status === "failed") {
      process.stdout.write(`fit failed: ${r.reason}\n`);
      process.exitCode = 2;
      return;
    }
    const lines = [
      `${m.spec.poi.name} = ${fmtNum(r.mu_hat)}  68.27% interval [${fmtNum(r.p16)}, ${fmtNum(r.p84)}] (${method}${cal.inflate !== 1 ? `, inflated ×${cal.inflate}` : ""}${cal.clip ? `, clipped to [${cal.clip}]` : ""})  σ_Hesse = ${fmtNum(r.sigma_hesse)}`,
      `converged: ${r.converged}${r.reason ? ` (${r.reason})` : ""}; ${r.fits} profiled fits in ${(out.seconds * 1e3).toFixed(0)} ms`,
      table([["parameter", "MLE"], ...Object.entries(r.bestfit).map(([k, v]) => [k, fmtNum(v)])]),
    ];
    process.stdout.write(lines.join("\n") + "\n");
  });
}
