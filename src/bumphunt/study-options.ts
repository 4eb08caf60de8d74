// Settings of the bump-hunt workflows that do not come from a YAML configuration: the defaults
// of a one-dataset scan plan (`bump scan --dataset 2015`, no --config), the smoke-test mass of a
// configuration, and the injection settings a configuration gives (hps_gpr §16: inj_*,
// funcform_closure_*), which a command line may override option by option.
import { resolve } from "node:path";
import type { HpsConfig } from "./config.ts";
import type { ScanJob } from "./scan.ts";
import type { ScanPlan } from "./scan-types.ts";

/** hps_gpr's defaults of a scan without configuration: α = 0.05, blind window ±1.64 σ(m). */
export const SINGLE_DEFAULTS = { alpha: 0.05, blindNSigma: 1.64, outputDir: "out/bump", maxErrorsShown: 20 } as const;

/** The plan of one dataset's job with the defaults above (per-mass folders only on request). */
export function singleJobPlan(job: ScanJob, o: { outputDir?: string; perMassPlots?: boolean }): ScanPlan {
  const perMass = o.perMassPlots === true;
  return {
    jobs: [job], grid: job.masses, doCombined: false, alpha: job.options.alpha ?? SINGLE_DEFAULTS.alpha, blindNSigma: job.options.blindNSigma ?? SINGLE_DEFAULTS.blindNSigma,
    outputDir: resolve(o.outputDir ?? SINGLE_DEFAULTS.outputDir), perMass: { folders: perMass, json: perMass, plots: perMass },
    savePlots: true, makeEps2Bands: true, maxErrorsShown: SINGLE_DEFAULTS.maxErrorsShown,
  };
}

/**
 * The mass a smoke test uses when none is given: the middle of the scan range common to all
 * `ranges` (of the first range if they do not overlap), rounded to 1 MeV.
 */
export function smokeTestMass(ranges: [number, number][]): number {
  const lo = Math.max(...ranges.map((r) => r[0])), hi = Math.min(...ranges.map((r) => r[1]));
  const [a, b] = lo <= hi ? [lo, hi] : ranges[0];
  return Math.round(((a + b) / 2) * 1000) / 1000;
}

/** The injection settings as `bump inject` holds them (option values as strings). */
export interface InjectionSettings {
  dataset: string;
  masses?: string; strengths: string; strengthMode?: string; injMode: string; toyMode: string; shapeMode: string; trainNsigma?: string;
  refitRestarts: string; refitOptimize: boolean; sigmaASource: string; toyRoot?: string; container?: string; aggregateEvery: string; writeToyCsv: boolean;
  combinedPolicy?: { policy: "intersection" | "union_min_n"; minContrib: number };
}

/**
 * Apply the injection keys a configuration sets explicitly to `s`, except the settings for which
 * `fromCli(name)` is true (given on the command line: they win). `datasetGiven`: the dataset was
 * named explicitly (else inj_dataset_key chooses it). Returns whether the dataset is now explicit.
 */
export function applyInjectionConfig(cfg: HpsConfig, s: InjectionSettings, fromCli: (setting: keyof InjectionSettings) => boolean, datasetGiven: boolean): boolean {
  const v = cfg.values, given = (k: string) => cfg.given.has(k);
  const list = (x: unknown) => (x as number[]).join(",");
  if (!fromCli("masses") && given("inj_masses_gev")) s.masses = list(v.inj_masses_gev);
  if (!datasetGiven && given("inj_dataset_key")) { s.dataset = v.inj_dataset_key as string; datasetGiven = true; }
  const sigmaA = (fromCli("strengthMode") ? s.strengthMode : v.inj_strength_mode) === "sigmaA";
  if (!fromCli("strengths")) {
    if (sigmaA && given("inj_sigma_multipliers")) s.strengths = list(v.inj_sigma_multipliers);
    else if (!sigmaA && given("inj_strengths")) s.strengths = list(v.inj_strengths);
    else if (sigmaA && given("inj_strength_mode")) s.strengths = list(v.inj_sigma_multipliers);
  }
  if (!fromCli("strengthMode") && given("inj_strength_mode")) s.strengthMode = v.inj_strength_mode as string;
  if (!fromCli("injMode") && given("inj_mode")) s.injMode = v.inj_mode as string;
  if (!fromCli("sigmaASource") && given("inj_sigma_a_source")) s.sigmaASource = v.inj_sigma_a_source as string;
  if (!fromCli("shapeMode") && given("inj_shape_mode")) s.shapeMode = v.inj_shape_mode as string;
  if (!fromCli("refitRestarts") && given("inj_refit_gp_restarts")) s.refitRestarts = String(v.inj_refit_gp_restarts);
  if (!fromCli("refitOptimize") && given("inj_refit_gp_optimize")) s.refitOptimize = v.inj_refit_gp_optimize as boolean;
  if (!fromCli("trainNsigma") && given("inj_train_exclude_nsigma") && v.inj_train_exclude_nsigma !== null) s.trainNsigma = String(v.inj_train_exclude_nsigma);
  if (!fromCli("aggregateEvery") && given("inj_aggregate_every")) s.aggregateEvery = String(v.inj_aggregate_every);
  if (!fromCli("writeToyCsv") && given("inj_write_toy_csv")) s.writeToyCsv = v.inj_write_toy_csv as boolean;
  // Toy mode: functional-form closure (refit or fixed background), else GP-mean refit, else conditional.
  if (!fromCli("toyMode") && (given("funcform_closure_enable") || given("inj_refit_gp_on_toy"))) {
    const refit = v.inj_refit_gp_on_toy === true;
    s.toyMode = v.funcform_closure_enable === true ? (refit ? "funcform" : "funcform_fixed_bg") : refit ? "full_refit" : "conditional";
  }
  const byDs = (k: string) => (v[k] as Record<string, string>)[s.dataset];
  if (!fromCli("toyRoot") && byDs("funcform_closure_root_by_dataset")) s.toyRoot = resolve(cfg.dir, byDs("funcform_closure_root_by_dataset"));
  if (!fromCli("container") && byDs("funcform_closure_container_by_dataset")) s.container = byDs("funcform_closure_container_by_dataset");
  s.combinedPolicy = { policy: v.inj_combined_mass_policy as "intersection" | "union_min_n", minContrib: v.inj_combined_min_n_contrib as number };
  return datasetGiven;
}
