// hps_gpr YAML configuration (spec §16): every key of hps_gpr's Config with its code default,
// strict loading through src/io/config.ts (an unknown key is an error naming the closest valid
// key; type and range checks name the key, with its line and column in the file; paths are
// relative to the config file's folder), and the mapping onto
// Searchlight's scan plan (one ScanJob per enabled dataset). Keys whose feature Searchlight
// does not have yet are accepted at their default value only; any other value is an error
// "not supported yet" naming the key, so nothing is silently ignored.
import { dirname, resolve } from "node:path";
import { configError, configSource, readConfigFile, showValue, validateConfig, type ConfigSource, type Fields, type Schema } from "../io/config.ts";
import { InputError } from "../io/errors.ts";
import type { TruncMethod } from "../math/mvn.ts";
import type { DatasetModel, LsPolicy, LsPolicyName } from "./dataset.ts";
import type { RestartMode } from "./gp-background.ts";
import type { ScanJob } from "./scan.ts";
import type { ScanPlan } from "./scan-plan.ts";
import { massGrid, polynomial } from "./spectrum.ts";

export const DATASET_KEYS = ["2015", "2016", "2021"] as const;
export type DatasetKey = (typeof DATASET_KEYS)[number];

/** How Searchlight treats a key: used, accepted without effect (parallel backends…), or only its default. */
type Support = "yes" | { noop: string } | { onlyDefault: string; allow?: (v: unknown) => boolean };

interface KeySpec {
  kind: Schema;
  def: unknown;
  support: Support;
}

const num = (o: Omit<Extract<Schema, { type: "number" }>, "type" | "integer"> = {}): Schema => ({ type: "number", ...o });
const int = (min = 0, nullable = false): Schema => ({ type: "number", integer: true, min, nullable });
const bool: Schema = { type: "boolean" };
const str: Schema = { type: "string" };
const oneOf = (values: string[], nullable = false): Schema => ({ type: "enum", values, nullable });
const dsDict = (of: Schema): Schema => ({ type: "map", values: of, keys: DATASET_KEYS, keyLabel: "dataset key" });
const range = (o: { positive?: boolean; nullable?: boolean }): Schema => ({ type: "range", ...o });
const numlist = (minItems = 0): Schema => ({ type: "list", items: { type: "number" }, minItems });
const intlist: Schema = { type: "list", items: { type: "number", integer: true } };
const strlist: Schema = { type: "list", items: { type: "string" } };
const Y: Support = "yes";
const noop = (why: string): Support => ({ noop: why });
const only = (why: string, allow?: (v: unknown) => boolean): Support => ({ onlyDefault: why, allow });

const INJ = "this injection setting is not implemented";
const INJ_READ = "read by `searchlight bump inject --config` as the default of its option";
const TOYSCAN = "toy-scan settings are not read from the configuration yet: give them as `searchlight bump toy-scan` / `gp-toy-scan` options";
const DISPLAY = "extraction-display settings are not read from the configuration yet: give them as `searchlight bump extract-display` options";
const FUNCFORM = "functional-form closure inputs are not read from the configuration yet: use `bump inject --toy-mode funcform --toy-root … --container …`";
const PAR = "parallelism setting: Searchlight uses its worker-thread pool (scan_n_workers / --workers)";

/** Every hps_gpr Config key (hps_gpr/config.py; spec §16) with its code default. */
export const CONFIG_KEYS: Record<string, KeySpec> = {
  path_2015: { kind: str, def: "", support: Y },
  path_2016: { kind: str, def: "", support: Y },
  path_2021: { kind: str, def: "", support: Y },
  path_2021_mc: { kind: str, def: "", support: Y },
  only_2021_mc: { kind: bool, def: false, support: Y },
  hist_2015: { kind: str, def: "invariant_mass", support: Y },
  hist_2016: { kind: str, def: "h_Minv_General_Final_1", support: Y },
  hist_2021: { kind: str, def: "preselection/h_invM_8000", support: Y },
  range_2015: { kind: range({ positive: true }), def: [0.015, 0.14], support: Y },
  range_2016: { kind: range({ positive: true }), def: [0.035, 0.19], support: Y },
  range_2021: { kind: range({ positive: true }), def: [0.03, 0.25], support: Y },
  data_range_2015: { kind: range({ nullable: true }), def: null, support: Y },
  data_range_2016: { kind: range({ nullable: true }), def: null, support: Y },
  data_range_2021: { kind: range({ nullable: true }), def: null, support: Y },
  sigma_coeffs_2015: { kind: numlist(1), def: [-0.0000922283032152, 0.0532190838657], support: Y },
  sigma_coeffs_2016: { kind: numlist(1), def: [0.00038, 0.041, -0.27, 3.49, -11.11], support: Y },
  sigma_tail_m0_2016: { kind: num({ gt: 0, nullable: true }), def: 0.18, support: Y },
  sigma_tail_slope_floor_2016: { kind: num(), def: 0.0, support: Y },
  sigma_tail_slope_override_2016: { kind: num({ nullable: true }), def: 0.0239, support: Y },
  sigma_coeffs_2021: { kind: numlist(1), def: [0.0014786, -0.0011, 0.0687], support: Y },
  frad_coeffs_2015: { kind: numlist(1), def: [0.085], support: Y },
  frad_coeffs_2016: { kind: numlist(1), def: [0.05], support: Y },
  frad_coeffs_2021: { kind: numlist(1), def: [-0.211, 10.5, -161.8, 1189.0, -4165.0, 5565.0], support: Y },
  radiative_penalty_on: { kind: bool, def: false, support: Y },
  radiative_penalty_frac_2015: { kind: num({ min: 0, max: 1 }), def: 0.07, support: Y },
  radiative_penalty_frac_2016: { kind: num({ min: 0, max: 1 }), def: 0.07, support: Y },
  radiative_penalty_frac_2021: { kind: num({ min: 0, max: 1 }), def: 0.07, support: Y },
  enable_2015: { kind: bool, def: true, support: Y },
  enable_2016: { kind: bool, def: false, support: Y },
  enable_2021: { kind: bool, def: false, support: Y },
  kernel_constant_init: { kind: num({ gt: 0 }), def: 1.0, support: Y },
  kernel_constant_bounds: { kind: range({ positive: true }), def: [1e-8, 1e18], support: Y },
  kernel_ls_init: { kind: num({ gt: 0 }), def: 1.0, support: Y },
  kernel_ls_bounds: { kind: range({ positive: true }), def: [0.001, 10.0], support: Y },
  kernel_ls_policy: { kind: oneOf(["resolution_scaled_local", "resolution_scaled", "resolution_scaled_global", "manual"]), def: "resolution_scaled_local", support: Y },
  kernel_ls_res_upper_factor: { kind: num({ gt: 0 }), def: 8.0, support: Y },
  kernel_ls_res_lower_factor: { kind: num({ gt: 0 }), def: 0.5, support: Y },
  kernel_ls_res_stat: { kind: oneOf(["median", "mean", "min", "max"]), def: "median", support: Y },
  kernel_ls_res_npts: { kind: int(1), def: 200, support: Y },
  kernel_ls_local_hi_floor_mode: { kind: oneOf(["none", "dataset_stat"]), def: "none", support: Y },
  kernel_ls_local_hi_floor_factor: { kind: num({ gt: 0 }), def: 1.0, support: Y },
  kernel_ls_local_hi_cap_xrange_frac: { kind: num({ gt: 0, nullable: true }), def: null, support: Y },
  kernel_ls_res_upper_factor_by_dataset: { kind: dsDict(num({ gt: 0 })), def: { "2021": 9.0 }, support: Y },
  kernel_ls_res_lower_factor_by_dataset: { kind: dsDict(num({ gt: 0 })), def: {}, support: Y },
  kernel_ls_bounds_by_dataset: { kind: dsDict(range({ positive: true })), def: {}, support: Y },
  kernel_ls_init_by_dataset: { kind: dsDict(num({ gt: 0 })), def: {}, support: Y },
  pre_log: { kind: bool, def: true, support: only("pre_log: false (GP on raw counts, legacy) is not supported yet", (v) => v === true) },
  pre_zero_alpha: { kind: num({ gt: 0 }), def: 1.0, support: Y },
  alpha_model: { kind: str, def: "1/y", support: Y },
  pre_alpha_first_n: { kind: int(0), def: 0, support: Y },
  pre_alpha_first_factor: { kind: num({ gt: 0 }), def: 0.1, support: Y },
  mass_step_gev: { kind: num({ min: 0.001 }), def: 0.001, support: Y },
  blind_nsigma: { kind: num({ gt: 0 }), def: 1.64, support: Y },
  gp_train_exclude_nsigma: { kind: num({ min: 0, nullable: true }), def: null, support: Y },
  eps2_density_nsigma: { kind: num({ min: 0, nullable: true }), def: null, support: Y },
  neighborhood_rebin: { kind: int(1), def: 5, support: Y },
  n_restarts: { kind: int(0), def: 12, support: Y },
  scan_parallel: { kind: bool, def: false, support: Y },
  scan_n_workers: { kind: int(1), def: 1, support: Y },
  scan_parallel_backend: { kind: oneOf(["loky", "threading", "multiprocessing"]), def: "loky", support: noop(PAR) },
  scan_threads_per_worker: { kind: int(1), def: 1, support: noop(PAR) },
  toy_scan_parallel: { kind: bool, def: false, support: only(TOYSCAN) },
  toy_scan_n_workers: { kind: int(1), def: 1, support: only(TOYSCAN) },
  toy_scan_parallel_backend: { kind: oneOf(["loky", "threading", "multiprocessing"]), def: "threading", support: only(TOYSCAN) },
  toy_scan_threads_per_worker: { kind: int(1), def: 1, support: only(TOYSCAN) },
  toy_scan_save_plots: { kind: bool, def: false, support: only(TOYSCAN) },
  toy_scan_save_fit_json: { kind: bool, def: false, support: only(TOYSCAN) },
  toy_scan_save_per_mass_folders: { kind: bool, def: false, support: only(TOYSCAN) },
  scan_diagnostic_plot_every_n: { kind: int(1, true), def: null, support: only("scan diagnostic plots are an inactive placeholder in hps-gpr and not in Searchlight") },
  scan_diagnostic_zoom_half_sigma: { kind: num({ gt: 0 }), def: 0.5, support: noop("used only with scan_diagnostic_plot_every_n") },
  cls_alpha: { kind: num({ gt: 0, max: 0.5 }), def: 0.05, support: Y },
  cls_mode: { kind: oneOf(["asymptotic", "toys"]), def: "asymptotic", support: Y },
  cls_num_toys: { kind: int(1), def: 100, support: Y },
  cls_seed_base: { kind: int(0), def: 12345, support: Y },
  make_ul_bands: { kind: bool, def: true, support: Y },
  ul_bands_toys: { kind: int(1), def: 100, support: Y },
  ul_bands_cls_mode: { kind: oneOf(["asymptotic", "toys"], true), def: null, support: only("toy-calibrated CLs in the bands is not supported yet", (v) => v === null || v === "asymptotic") },
  ul_bands_cls_num_toys: { kind: int(1, true), def: null, support: noop("used only with ul_bands_cls_mode: toys") },
  ul_bands_seed: { kind: int(0), def: 12345, support: Y },
  ul_bands_n_workers: { kind: int(1), def: 1, support: noop(PAR) },
  ul_bands_parallel_backend: { kind: oneOf(["loky", "threading", "multiprocessing"]), def: "loky", support: noop(PAR) },
  ul_bands_threads_per_worker: { kind: int(1), def: 1, support: noop(PAR) },
  ul_bands_refit_gp_on_toy: { kind: bool, def: false, support: only("`bump scan` computes conditional-GP bands only; for bands with a GP refit per toy (mode B) run `searchlight bump bands-refit` (-d combined for the combination)", (v) => v === false) },
  ul_bands_refit_gp_restarts: { kind: int(0), def: 0, support: noop("used only with ul_bands_refit_gp_on_toy: true") },
  ul_bands_refit_gp_optimize: { kind: bool, def: true, support: noop("used only with ul_bands_refit_gp_on_toy: true") },
  ul_bands_train_exclude_nsigma: { kind: num({ min: 0, nullable: true }), def: null, support: Y },
  full_toy_bkg_mode: { kind: oneOf(["poisson", "fixed_total_multinomial"]), def: "poisson", support: noop("used only by GP-refit toys (ul_bands_refit_gp_on_toy, gp-toy-scan)") },
  do_combined_bands: { kind: bool, def: false, support: Y },
  combined_bands_n_toys: { kind: int(1), def: 100, support: Y },
  combined_bands_seed: { kind: int(0), def: 24680, support: Y },
  scan_require_two_sidebands: { kind: bool, def: false, support: Y },
  scan_edge_guard_nsigma: { kind: num({ min: 0, nullable: true }), def: null, support: Y },
  data_visibility: { kind: dsDict(oneOf(["observed", "expected_only"])), def: { "2015": "observed", "2016": "observed", "2021": "observed" }, support: Y },
  inject_signal: { kind: bool, def: false, support: noop("hps-gpr\'s scan-driver switch; the study runs with `searchlight bump inject`") },
  inj_dataset_key: { kind: oneOf(["2015", "2016", "2021", "combined"]), def: "2015", support: noop(INJ_READ) },
  inj_masses_gev: { kind: numlist(), def: [0.03, 0.06, 0.09], support: noop(INJ_READ) },
  inj_strengths: { kind: numlist(), def: [0, 100, 200, 500, 1000, 2000, 5000], support: noop(INJ_READ) },
  inj_mode: { kind: oneOf(["poisson", "multinomial"]), def: "poisson", support: noop(INJ_READ) },
  extract_allow_negative: { kind: bool, def: true, support: only("bounded (A ≥ 0) extraction is not supported yet: the scan's Â is unconstrained", (v) => v === true) },
  inj_strength_mode: { kind: oneOf(["absolute", "sigmaA"]), def: "absolute", support: noop(INJ_READ) },
  inj_sigma_a_source: { kind: oneOf(["asimov", "poisson"]), def: "asimov", support: noop(INJ_READ) },
  inj_shape_mode: { kind: oneOf(["full", "window"]), def: "full", support: noop(INJ_READ) },
  inj_background_mode: { kind: oneOf(["gp_resample", "fixed_hist"]), def: "gp_resample", support: only(INJ) },
  inj_refit_gp_on_toy: { kind: bool, def: false, support: noop(INJ_READ) },
  inj_refit_gp_restarts: { kind: int(0), def: 0, support: noop(INJ_READ) },
  inj_refit_gp_optimize: { kind: bool, def: true, support: noop(INJ_READ) },
  inj_refit_fail_on_error: { kind: bool, def: false, support: only(INJ) },
  inj_train_exclude_nsigma: { kind: num({ min: 0, nullable: true }), def: null, support: noop(INJ_READ) },
  inj_sigma_multipliers: { kind: numlist(), def: [0, 1, 2, 3, 5], support: noop(INJ_READ) },
  inj_combined_mass_policy: { kind: oneOf(["intersection", "union_min_n"]), def: "intersection", support: noop(INJ_READ) },
  inj_combined_min_n_contrib: { kind: int(1), def: 2, support: noop(INJ_READ) },
  inj_write_toy_csv: { kind: bool, def: true, support: noop(INJ_READ) },
  inj_write_qmu: { kind: bool, def: false, support: only(INJ) },
  inj_stream_aggregate: { kind: bool, def: true, support: noop("`bump inject` always aggregates while streaming (--aggregate-every)") },
  inj_aggregate_every: { kind: int(1), def: 100, support: noop(INJ_READ) },
  inj_n_workers: { kind: int(1), def: 5, support: noop(PAR) },
  inj_parallel_backend: { kind: oneOf(["loky", "threading", "multiprocessing"]), def: "loky", support: noop(PAR) },
  inj_threads_per_worker: { kind: int(1), def: 1, support: noop(PAR) },
  signal_model: { kind: oneOf(["default", "kernel"]), def: "default", support: only("signal_model: kernel (localized signal-kernel template) is not supported yet", (v) => v === "default") },
  signal_kernel_width_factor: { kind: num({ gt: 0 }), def: 1.0, support: noop("used only with signal_model: kernel") },
  signal_kernel_length_scale_factor: { kind: num({ gt: 0 }), def: 1.0, support: noop("used only with signal_model: kernel") },
  extraction_display_dataset_key: { kind: str, def: "", support: only(DISPLAY) },
  extraction_display_dataset_keys: { kind: strlist, def: ["2015", "2016"], support: only(DISPLAY) },
  extraction_display_masses_gev: { kind: numlist(), def: [], support: only(DISPLAY) },
  extraction_display_sigma_multipliers: { kind: numlist(), def: [3, 5, 7], support: only(DISPLAY) },
  extraction_display_seed: { kind: int(0), def: 271828, support: only(DISPLAY) },
  extraction_display_inj_mode: { kind: oneOf(["poisson", "multinomial"]), def: "multinomial", support: only(DISPLAY) },
  extraction_display_sigma_source: { kind: oneOf(["asimov", "poisson"]), def: "asimov", support: only(DISPLAY) },
  extraction_display_refit_gp_on_toy: { kind: bool, def: true, support: only(DISPLAY) },
  extraction_display_gp_restarts: { kind: int(0), def: 0, support: only(DISPLAY) },
  extraction_display_gp_optimize: { kind: bool, def: true, support: only(DISPLAY) },
  extraction_display_train_exclude_nsigma: { kind: num({ min: 0, nullable: true }), def: null, support: only(DISPLAY) },
  extraction_display_zoom_half_sigma: { kind: num({ gt: 0 }), def: 0.5, support: only(DISPLAY) },
  extraction_display_blind_shade_alpha: { kind: num({ min: 0, max: 1 }), def: 0.18, support: only(DISPLAY) },
  extraction_display_blind_shade_color: { kind: str, def: "0.88", support: only(DISPLAY) },
  mvn_trunc_method: { kind: oneOf(["clip", "reject", "reject_then_clip"]), def: "reject_then_clip", support: Y },
  mvn_trunc_max_tries: { kind: int(1), def: 80, support: only("mvn_trunc_max_tries other than 80 is not supported yet", (v) => v === 80) },
  do_combined: { kind: bool, def: false, support: Y },
  eps2_lrt_scale: { kind: num({ gt: 0 }), def: 1e10, support: noop("Searchlight rescales the combined POI internally; q0 is invariant to the scale (spec §8)") },
  run_limit_bands_on: { kind: oneOf(["2015", "2016", "2021"]), def: "2015", support: Y },
  make_eps2_bands: { kind: bool, def: true, support: Y },
  funcform_closure_enable: { kind: bool, def: false, support: noop(INJ_READ) },
  funcform_closure_root_by_dataset: { kind: dsDict(str), def: {}, support: noop(INJ_READ) },
  funcform_closure_container_by_dataset: { kind: dsDict(str), def: {}, support: noop(INJ_READ) },
  funcform_closure_toy_pattern_by_dataset: { kind: dsDict(str), def: {}, support: only(FUNCFORM) },
  funcform_closure_toy_name_fmt_by_dataset: { kind: dsDict(str), def: {}, support: only(FUNCFORM) },
  funcform_closure_toy_indices: { kind: intlist, def: [], support: only(FUNCFORM) },
  extraction_display_funcform_toy_index: { kind: int(0), def: 0, support: only(DISPLAY) },
  output_dir: { kind: str, def: "outputs/hps_gpr", support: Y },
  debug_print: { kind: bool, def: true, support: Y },
  debug_max_errors: { kind: int(0), def: 10, support: Y },
  fail_fast: { kind: bool, def: false, support: Y },
  save_per_mass_folders: { kind: bool, def: true, support: Y },
  save_plots: { kind: bool, def: true, support: Y },
  save_fit_json: { kind: bool, def: true, support: Y },
};

/** The loaded configuration: every key (defaults filled in), the file and its folder. */
export interface HpsConfig {
  values: Record<string, unknown>;
  file: string;
  dir: string;
  /** Keys present in the file. */
  given: Set<string>;
}

/** Searchlight's own keys (not fields of hps_gpr's Config). */
export const SEARCHLIGHT_KEYS: Record<string, KeySpec> = {
  // How the n_restarts extra GP starts run (gp-background.ts restartMode): "adaptive" runs the
  // kernel's θ, then the warm-start block's anchor optimum, and stops once two distinct starts
  // agree, keeping the earliest start within 1e-3 in LML of the best; "all" runs every start and
  // keeps the best LML, as hps_gpr (sklearn) does.
  n_restarts_mode: { kind: oneOf(["adaptive", "all"]), def: "adaptive", support: Y },
  // `preset: hps` marks the file as the HPS analysis, so `resonance scan --config` runs it through
  // this pipeline (src/cli/resonance/scan.ts); it changes nothing here.
  preset: { kind: oneOf(["hps"]), def: "hps", support: Y },
};
const ALL_KEYS: Record<string, KeySpec> = { ...CONFIG_KEYS, ...SEARCHLIGHT_KEYS };

const FIELDS: Fields = Object.fromEntries(Object.entries(ALL_KEYS).map(([k, s]) => [k, { schema: s.kind, default: s.def }]));
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Check a parsed configuration (types, ranges, unknown keys; then Searchlight's support of each value). */
function configFromSource(src: ConfigSource, dir: string): HpsConfig {
  const { values, given } = validateConfig(src, FIELDS);
  for (const k of given) {
    const spec = ALL_KEYS[k];
    if (typeof spec.support === "object" && "onlyDefault" in spec.support) {
      const allowed = spec.support.allow ? spec.support.allow(values[k]) : same(values[k], spec.def);
      if (!allowed) throw configError(src, [k], `not supported yet: ${spec.support.onlyDefault} (remove the key or set it to ${showValue(spec.def)})`);
    }
  }
  return { values, file: src.file, dir, given };
}

/** Parse and check a configuration object (from YAML); `file` names the source in errors. */
export function configFromObject(data: unknown, file: string, dir = dirname(resolve(file))): HpsConfig {
  return configFromSource(configSource(data, file), dir);
}

/** Load a YAML configuration file (errors give the key's line and column). */
export function loadConfig(path: string): HpsConfig {
  return configFromSource(readConfigFile(path, { option: "--config" }), dirname(resolve(path)));
}

export interface PlanOverrides {
  massMin?: number;
  massMax?: number;
  outputDir?: string;
  workers?: number;
  rebin?: number;
  restarts?: number;
  blindNSigma?: number;
  step?: number;
  perMassPlots?: boolean;
  /** Restrict to these datasets (must be enabled). */
  datasets?: string[];
}

/** The enabled datasets (spec §2.4: only_2021_mc keeps 2021 alone, from path_2021_mc). */
export function enabledDatasets(cfg: HpsConfig): DatasetKey[] {
  const v = cfg.values;
  if (v.only_2021_mc) return ["2021"];
  return DATASET_KEYS.filter((d) => v[`enable_${d}`] === true);
}

/** Python's `x or default`: 0 and null both fall through (spec §19.12). */
const orElse = <T>(x: unknown, d: T): T | number => (typeof x === "number" && x !== 0 ? x : d);

export function datasetModel(cfg: HpsConfig, d: DatasetKey): DatasetModel {
  const v = cfg.values;
  const tailM0 = d === "2016" ? (v.sigma_tail_m0_2016 as number | null) : null;
  return {
    label: d === "2021" && v.only_2021_mc ? "HPS 2021 (MC)" : `HPS ${d}`,
    sigmaCoeffs: v[`sigma_coeffs_${d}`] as number[],
    sigmaTail: tailM0 !== null ? { m0: tailM0, slope: v.sigma_tail_slope_override_2016 as number | null, slopeFloor: v.sigma_tail_slope_floor_2016 as number } : null,
    fradCoeffs: v[`frad_coeffs_${d}`] as number[],
    fradPenalty: v.radiative_penalty_on ? (v[`radiative_penalty_frac_${d}`] as number) : 0,
    range: v[`range_${d}`] as [number, number],
    dataRange: (v[`data_range_${d}`] as [number, number] | null) ?? null,
  };
}

export function lsPolicy(cfg: HpsConfig, d: DatasetKey): LsPolicy {
  const v = cfg.values;
  const by = (k: string) => (v[k] as Record<string, unknown>)[d];
  const pol = v.kernel_ls_policy === "resolution_scaled" ? "resolution_scaled_local" : (v.kernel_ls_policy as LsPolicyName);
  return {
    policy: pol,
    upper: (by("kernel_ls_res_upper_factor_by_dataset") as number | undefined) ?? (v.kernel_ls_res_upper_factor as number),
    lower: (by("kernel_ls_res_lower_factor_by_dataset") as number | undefined) ?? (v.kernel_ls_res_lower_factor as number),
    stat: v.kernel_ls_res_stat as LsPolicy["stat"],
    npts: v.kernel_ls_res_npts as number,
    floorMode: v.kernel_ls_local_hi_floor_mode as LsPolicy["floorMode"],
    floorFactor: v.kernel_ls_local_hi_floor_factor as number,
    capXrangeFrac: v.kernel_ls_local_hi_cap_xrange_frac as number | null,
    manualBounds: v.kernel_ls_bounds as [number, number],
    manualInit: v.kernel_ls_init as number,
    explicitBounds: (by("kernel_ls_bounds_by_dataset") as [number, number] | undefined) ?? null,
    explicitInit: (by("kernel_ls_init_by_dataset") as number | undefined) ?? null,
  };
}

/** Datasets active at m0 (spec §3): in the scan range and, if required, with two sidebands. */
export function isActive(cfg: HpsConfig, d: DatasetKey, m0: number, blind: number): boolean {
  const v = cfg.values;
  const model = datasetModel(cfg, d);
  const [lo, hi] = model.range;
  if (m0 < lo - 1e-9 || m0 > hi + 1e-9) return false;
  if (!v.scan_require_two_sidebands) return true;
  const g = orElse(v.scan_edge_guard_nsigma, orElse(v.gp_train_exclude_nsigma, blind));
  const s = polynomial(model.sigmaCoeffs, model.sigmaTail ?? undefined)(m0);
  const dlo = model.dataRange?.[0] ?? lo, dhi = model.dataRange?.[1] ?? hi;
  return m0 - g * s > dlo && m0 + g * s < dhi;
}

/** The scan plan of a configuration (with CLI overrides). */
/** The most grid masses a scan may have. */
const MAX_GRID = 100_000;

export function planFromConfig(cfg: HpsConfig, o: PlanOverrides = {}): ScanPlan & { workers: number; failFast: boolean; config: HpsConfig } {
  const v = cfg.values;
  let ds = enabledDatasets(cfg);
  if (ds.length === 0) throw new InputError(cfg.file, "enable_2015/enable_2016/enable_2021", "no dataset is enabled: set at least one enable_<d>: true");
  if (o.datasets?.length) {
    for (const d of o.datasets) if (!(ds as string[]).includes(d)) throw new InputError(cfg.file, `enable_${d}`, `dataset ${d} is not enabled in this configuration (enabled: ${ds.join(", ")})`);
    ds = ds.filter((d) => o.datasets!.includes(d));
  }
  const blind = o.blindNSigma ?? (v.blind_nsigma as number);
  const train = orElse(v.gp_train_exclude_nsigma, blind);
  const density = orElse(v.eps2_density_nsigma, blind);
  const step = o.step ?? (v.mass_step_gev as number);
  const models = ds.map((d) => datasetModel(cfg, d));
  // A range must be ordered, and its grid must stay a scan (a huge range at a fine step would
  // allocate millions of masses and crash or hang).
  models.forEach(({ range: [a, b] }, k) => {
    const key = `range_${ds[k]}`;
    if (!(Number.isFinite(a) && Number.isFinite(b) && a < b)) throw new InputError(cfg.file, key, `[${a}, ${b}] is not a range low < high in GeV: write e.g. [0.02, 0.13]`);
    if ((b - a) / step > MAX_GRID) throw new InputError(cfg.file, key, `[${a}, ${b}] GeV at a step of ${step} GeV makes ${(b - a) / step < 1e12 ? Math.round((b - a) / step) : "more than 10¹²"} masses (at most ${MAX_GRID}): narrow the range or raise mass_step_gev`);
  });
  const lo = Math.min(...models.map((m) => m.range[0])), hi = Math.max(...models.map((m) => m.range[1]));
  const grid = massGrid(lo, hi, step).filter((m) => (o.massMin === undefined || m >= o.massMin - 1e-9) && (o.massMax === undefined || m <= o.massMax + 1e-9));
  const bandsOn = v.make_ul_bands ? (v.run_limit_bands_on as string) : null;
  const jobs: ScanJob[] = ds.map((d, k) => {
    const pathKey = d === "2021" && v.only_2021_mc ? "path_2021_mc" : `path_${d}`;
    const path = v[pathKey] as string;
    const file = path ? resolve(cfg.dir, path) : "";
    const bandsTrain = orElse(v.ul_bands_train_exclude_nsigma, train);
    return {
      dataset: d, file, hist: v[`hist_${d}`] as string, rebin: o.rebin ?? (v.neighborhood_rebin as number),
      masses: grid.filter((m) => isActive(cfg, d, m, blind)),
      model: models[k], ls: lsPolicy(cfg, d),
      options: {
        blindNSigma: blind, trainNSigma: train, densityNSigma: density, alpha: v.cls_alpha as number,
        visibility: ((v.data_visibility as Record<string, string>)[d] ?? "observed") as "observed" | "expected_only",
        ...(v.cls_mode === "toys" ? { clsToys: { nToys: v.cls_num_toys as number, seedBase: v.cls_seed_base as number, truncMethod: v.mvn_trunc_method as TruncMethod } } : {}),
        gp: {
          constantInit: v.kernel_constant_init as number, constantBounds: v.kernel_constant_bounds as [number, number], nRestarts: o.restarts ?? (v.n_restarts as number), seed: 0, restartMode: v.n_restarts_mode as RestartMode,
          preZeroAlpha: v.pre_zero_alpha as number, preAlphaFirstN: v.pre_alpha_first_n as number, preAlphaFirstFactor: v.pre_alpha_first_factor as number, alphaModel: v.alpha_model as string,
        },
      },
      ...(bandsOn === d ? { bands: { nToys: v.ul_bands_toys as number, seed: v.ul_bands_seed as number, trainNSigma: bandsTrain, truncMethod: v.mvn_trunc_method as TruncMethod } } : {}),
    };
  });
  return {
    jobs, grid, doCombined: v.do_combined === true, alpha: v.cls_alpha as number, blindNSigma: blind,
    outputDir: o.outputDir ? resolve(o.outputDir) : resolve(cfg.dir, v.output_dir as string),
    perMass: { folders: v.save_per_mass_folders === true, json: v.save_fit_json === true, plots: o.perMassPlots === true },
    savePlots: v.save_plots === true, makeEps2Bands: v.make_eps2_bands === true,
    maxErrorsShown: v.debug_print ? (v.debug_max_errors as number) : 0,
    workers: o.workers ?? (v.scan_parallel ? (v.scan_n_workers as number) : 1),
    failFast: v.fail_fast === true, config: cfg,
    ...(v.do_combined_bands === true ? { combinedBands: { nToys: v.combined_bands_n_toys as number, seed: v.combined_bands_seed as number, truncMethod: v.mvn_trunc_method as TruncMethod } } : {}),
  };
}
