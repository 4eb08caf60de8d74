// Input validation before a scan (hps_gpr validate_datasets; spec §2.5): for every enabled
// dataset the file and histogram exist, the scan range lies inside the (prepared) histogram,
// σ(m) > 0 and f_rad > 0 over the scan masses, and the blind windows hold bins. The report goes
// to validation_report.json; a failing dataset is one InputError line naming the file and the
// key to fix. Masses whose window is empty are warnings here and error rows in the scan (as
// hps_gpr), fatal only with fail_fast.
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { InputError } from "../io/errors.ts";
import { writeJsonAtomic } from "../io/output.ts";
import { readHistogram } from "../io/histogram.ts";
import { defaultModel, fradEffective, fradFunction, sigmaFunction } from "./dataset.ts";
import type { ScanPlan } from "./scan-plan.ts";
import { prepareSpectrum, windows } from "./spectrum.ts";

export interface DatasetValidation {
  dataset: string;
  label: string;
  ok: boolean;
  messages: string[];
  warnings: string[];
  file: string;
  hist: string;
  hist_edges: [number, number] | null;
  n_bins: number | null;
  rebin: number;
  total_counts: number | null;
  scan_range: [number, number];
  n_masses: number;
  test_mass: number | null;
  sigma_at_test: number | null;
  frad_at_test: number | null;
  frad_effective_at_test: number | null;
  empty_window_masses: number[];
}

export interface ValidationReport {
  ok: boolean;
  config: string | null;
  datasets: DatasetValidation[];
}

/** Names of the fields to fix: config keys, or CLI options for a run without a config. */
export interface FieldNames {
  file: string;
  path(d: string): string;
  hist(d: string): string;
  range(d: string): string;
  sigma(d: string): string;
  frad(d: string): string;
}

export const CONFIG_FIELDS = (file: string): FieldNames => ({
  file, path: (d) => `path_${d}`, hist: (d) => `hist_${d}`, range: (d) => `range_${d}`, sigma: (d) => `sigma_coeffs_${d}`, frad: (d) => `frad_coeffs_${d}`,
});

export const CLI_FIELDS: FieldNames = { file: "", path: () => "--file", hist: () => "--hist", range: () => "--mass-min/--mass-max", sigma: () => "--dataset", frad: () => "--dataset" };

const fmt = (x: number) => Number(x.toPrecision(6));

/** Validate every job of the plan; writes validation_report.json; throws the first failure as an InputError. */
export async function validatePlan(plan: ScanPlan, names: FieldNames, o: { failFast?: boolean; write?: boolean } = {}): Promise<ValidationReport> {
  const out: DatasetValidation[] = [];
  let fatal: InputError | null = null;
  const fail = (v: DatasetValidation, field: string, msg: string) => {
    v.ok = false;
    v.messages.push(`${field}: ${msg}`);
    fatal ??= new InputError(names.file, field, msg);
  };
  for (const job of plan.jobs) {
    const d = job.dataset;
    const model = job.model ?? defaultModel(d);
    const sigma = sigmaFunction(model);
    const v: DatasetValidation = {
      dataset: d, label: model.label, ok: true, messages: [], warnings: [], file: job.file, hist: job.hist, hist_edges: null, n_bins: null, rebin: job.rebin,
      total_counts: null, scan_range: model.range, n_masses: job.masses.length, test_mass: null, sigma_at_test: null, frad_at_test: null, frad_effective_at_test: null,
      empty_window_masses: [],
    };
    out.push(v);
    if (!job.file) { fail(v, names.path(d), `no ROOT file given for dataset ${d}: set ${names.path(d)} to the file holding the ${model.label} spectrum`); continue; }
    if (!existsSync(job.file)) { fail(v, names.path(d), `ROOT file not found: ${job.file}`); continue; }
    if (statSync(job.file).isDirectory()) { fail(v, names.path(d), `${job.file} is a folder: give the path of the ROOT file`); continue; }
    let h;
    try {
      h = await readHistogram(job.file, job.hist);
    } catch (e) {
      const detail = e instanceof InputError ? e.detail : (e as Error).message;
      fail(v, names.hist(d), `histogram "${job.hist}" not readable from ${job.file}: ${detail}`);
      continue;
    }
    const sp = prepareSpectrum(h.edges, h.counts, { rebin: job.rebin, low: model.dataRange?.[0], high: model.dataRange?.[1] });
    const nb = sp.counts.length;
    v.n_bins = nb;
    // Bins that do not fill a last group of `rebin` are dropped (boost-histogram slicing): say so.
    const R = Math.max(1, Math.floor(job.rebin));
    const nIn = prepareSpectrum(h.edges, h.counts, { rebin: 1, low: model.dataRange?.[0], high: model.dataRange?.[1] }).counts.length;
    if (nIn - nb * R > 0) {
      v.warnings.push(`${names.file ? "neighborhood_rebin" : "--rebin"}: ${R} does not divide the ${nIn} bins in range: the top ${nIn - nb * R} bins are dropped (choose a divisor of ${nIn} to keep them)`);
    }
    v.total_counts = sp.counts.reduce((a, x) => a + x, 0);
    if (nb === 0) { fail(v, names.hist(d), `no bins left after data_range and rebin ${job.rebin} (histogram has ${h.counts.length} bins)`); continue; }
    const e0 = sp.edges[0], e1 = sp.edges[nb];
    v.hist_edges = [e0, e1];
    const [lo, hi] = model.range;
    if (lo < e0 - 1e-12 || hi > e1 + 1e-12) {
      fail(v, names.range(d), `scan range [${fmt(lo)}, ${fmt(hi)}] GeV is not inside the histogram's [${fmt(e0)}, ${fmt(e1)}] GeV (after data_range and rebin); narrow the range`);
      continue;
    }
    const mTest = Math.round(((Math.max(lo, e0) + Math.min(hi, e1)) / 2) * 1e6) / 1e6;
    v.test_mass = mTest;
    v.sigma_at_test = sigma(mTest);
    v.frad_at_test = fradFunction(model)(mTest);
    v.frad_effective_at_test = fradEffective(model, mTest);
    const probe = [lo, ...job.masses, hi];
    const badSigma = probe.find((m) => !(sigma(m) > 0));
    if (badSigma !== undefined) { fail(v, names.sigma(d), `σ(${fmt(badSigma)} GeV) = ${fmt(sigma(badSigma))} is not positive: fix the resolution polynomial`); continue; }
    const badFrad = probe.find((m) => !(fradEffective(model, m) > 0));
    if (badFrad !== undefined) {
      fail(v, names.frad(d), `f_rad(${fmt(badFrad)} GeV) = ${fmt(fradEffective(model, badFrad))} is not positive, so ε² is undefined there: fix the radiative-fraction polynomial (production configs use [0.05] for 2021)`);
      continue;
    }
    const kB = job.options.blindNSigma ?? 1.64, kT = job.options.trainNSigma ?? kB;
    for (const m of job.masses) {
      const w = windows(sp.centres, m, sigma(m), kB, kT);
      if (w.blind.length === 0 || w.train.length < 3) v.empty_window_masses.push(m);
    }
    if (v.empty_window_masses.length) {
      const ms = v.empty_window_masses;
      const msg = `${ms.length} mass${ms.length > 1 ? "es" : ""} (${fmt(ms[0])}${ms.length > 1 ? `…${fmt(ms[ms.length - 1])}` : ""} GeV) have a blind window without bins or fewer than 3 training bins (bin width ${fmt(sp.edges[1] - sp.edges[0])} GeV vs σ); they become error rows`;
      if (o.failFast) fail(v, "neighborhood_rebin", msg + " (fail_fast)");
      else v.warnings.push(msg);
    }
    if (job.masses.length === 0) v.warnings.push("no grid mass of this dataset inside the requested mass range");
  }
  const report: ValidationReport = { ok: out.every((v) => v.ok), config: names.file || null, datasets: out };
  if (o.write !== false) {
    writeJsonAtomic(join(plan.outputDir, "validation_report.json"), report, names.file ? "output_dir" : "--output-dir");
  }
  if (fatal) throw fatal;
  return report;
}
