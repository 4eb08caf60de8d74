// What the `bump` verbs share: the input options (--config, --dataset, --file, …), the scan job
// or plan they describe, and the mass-range options.
import type { Command } from "commander";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { InputError } from "../../io/errors.ts";
import { hpsScanJob, type ScanJob } from "../../bumphunt/scan.ts";
import { parseFullToyMode, type FullToyMode } from "../../bumphunt/full-toys.ts";
import { loadConfig, planFromConfig, type HpsConfig } from "../../bumphunt/config.ts";
import type { ScanPlan } from "../../bumphunt/scan-plan.ts";
import { singleJobPlan } from "../../bumphunt/study-options.ts";
import { CLI_FIELDS, CONFIG_FIELDS, type FieldNames } from "../../bumphunt/validation.ts";
import { HPS_DATASETS } from "../../bumphunt/spectrum.ts";
import { lsAtBound } from "../../bumphunt/mass-point.ts";

export { lsAtBound };
import { int, num, ordered, positive, step, withJson, workers } from "../shared/options.ts";

const SHARED = fileURLToPath(new URL("../../../../shared/", import.meta.url));

/**
 * Options shared by the bump verbs. With --config, the YAML file gives every setting and the
 * options given on the command line override it (so `restarts`/`blindNsigma` are undefined
 * unless given; without a config they default to 0 and 1.64).
 */
export interface BumpCli {
  dataset: string; config?: string; shared?: string; file?: string; hist?: string; rebin?: string; restarts?: string; blindNsigma?: string;
  workers?: string; json?: boolean;
  /** Set by withBumpInput(): --dataset was not given (its value is the default "2015"). */
  datasetFromDefault?: boolean;
}

/** The mass range of --mass-min/--mass-max/--step. */
export interface MassRange { massMin?: number; massMax?: number; step?: number }

const configCache = new Map<string, HpsConfig>();
/** The configuration file, read and validated once per process. */
export function configOf(path: string): HpsConfig {
  let c = configCache.get(path);
  if (!c) configCache.set(path, (c = loadConfig(path)));
  return c;
}

/** The scan plan of the options: from --config (all enabled datasets), else the one --dataset job. */
export function scanPlan(o: BumpCli, extra: MassRange & { outputDir?: string; workers?: number; perMassPlots?: boolean }): ScanPlan & { workers: number; failFast: boolean; names: FieldNames } {
  if (o.config) {
    const cfg = configOf(o.config);
    const p = planFromConfig(cfg, {
      massMin: extra.massMin, massMax: extra.massMax, step: extra.step, outputDir: extra.outputDir, workers: extra.workers, perMassPlots: extra.perMassPlots,
      ...inputNumbers(o),
      datasets: o.datasetFromDefault === false && o.dataset ? [o.dataset] : undefined,
    });
    if (o.file || o.hist) {
      if (p.jobs.length !== 1) throw new InputError(cfg.file, "--file/--hist", `${p.jobs.length} datasets are enabled: choose one with --dataset`);
      if (o.file) p.jobs[0].file = resolve(o.file);
      if (o.hist) p.jobs[0].hist = o.hist;
    }
    if (p.jobs.every((j) => j.masses.length === 0)) throw new InputError(cfg.file, "--mass-min/--mass-max", `no grid mass of the enabled datasets (${p.jobs.map((j) => `${j.dataset}: ${j.model!.range.join("–")} GeV`).join(", ")}) in the requested range`);
    return { ...p, names: CONFIG_FIELDS(cfg.file) };
  }
  return { ...singleJobPlan(job(o, extra), extra), workers: extra.workers ?? workers(undefined), failFast: false, names: CLI_FIELDS };
}

/**
 * The scan job of one dataset. With --config: the job of --dataset (which must be enabled) or,
 * without --dataset, of the first enabled dataset, with every config setting applied.
 */
export function job(o: BumpCli, extra: MassRange): ScanJob {
  if (o.config) {
    const p = scanPlan(o, extra);
    const j = p.jobs[0];
    if (!j.file) throw new InputError(p.names.file, p.names.path(j.dataset), `no ROOT file given for dataset ${j.dataset}`);
    if (!existsSync(j.file)) throw new InputError(p.names.file, p.names.path(j.dataset), `ROOT file not found: ${j.file}`);
    if (j.masses.length === 0) throw new InputError(p.names.file, "--mass-min/--mass-max", `no grid mass inside the ${j.dataset} scan range ${j.model!.range.join("–")} GeV`);
    return j;
  }
  if (!HPS_DATASETS[o.dataset]) throw new InputError("", "--dataset", `"${o.dataset}": expected one of ${Object.keys(HPS_DATASETS).join(", ")}`);
  const sharedDir = resolve(o.shared ?? SHARED);
  const n = inputNumbers(o);
  const j = hpsScanJob(o.dataset, sharedDir, { ...extra, rebin: n.rebin, restarts: n.restarts ?? 0, blindNSigma: n.blindNSigma ?? 1.64 });
  if (o.file) j.file = resolve(o.file);
  if (o.hist) j.hist = o.hist;
  if (!existsSync(j.file)) throw new InputError(j.file, "--file", "ROOT file not found (give --shared DIR or --file)");
  if (j.masses.length === 0) throw new InputError("", "--mass-min/--mass-max", `no grid mass inside the ${o.dataset} scan range ${HPS_DATASETS[o.dataset].range.join("–")} GeV`);
  return j;
}

/**
 * The job of one dataset at one mass (--mass, GeV): the range options are not given by such
 * verbs, so a mass outside the dataset's range is blamed on --mass.
 */
export function jobAtMass(o: BumpCli, m: number): ScanJob {
  try {
    return job(o, { massMin: m, massMax: m });
  } catch (e) {
    if (e instanceof InputError && e.field === "--mass-min/--mass-max") throw new InputError(e.file, "--mass", `${m} GeV ${e.detail.replace(/^no grid mass inside/, "is outside")}: give a mass inside it`);
    throw e;
  }
}

/** The input options of the bump verbs (--config, --dataset, --shared, --file, --hist, --rebin, --restarts, --blind-nsigma, --json). */
export function withBumpInput(cmd: Command): Command {
  return withJson(cmd
    .option("--config <yaml>", "hps-gpr YAML configuration (all enabled datasets; options given here override it)")
    .option("-d, --dataset <d>", "2015, 2016 or 2021 (with --config: one of the enabled datasets; inject also takes combined)", "2015")
    .option("--shared <dir>", "folder holding hps/funcform_<d>_toys.root (default ../shared)")
    .option("--file <root>", "ROOT file with the spectrum (overrides the dataset default)")
    .option("--hist <name>", "histogram name, directories allowed (default input_hist)")
    .option("--rebin <n>", "rebin factor (default: 10 for 2015/2016, 5 for 2021; config: neighborhood_rebin)")
    .option("--restarts <n>", "extra GP hyperparameter starts per mass (default 0; config: n_restarts)")
    .option("--blind-nsigma <k>", "blind window half-width in units of σ(m) (default 1.64; config: blind_nsigma)"), "print the rows as JSON")
    .hook("preAction", (_c, action) => {
      action.setOptionValue("datasetFromDefault", action.getOptionValueSource("dataset") === "default");
    });
}

/** --mass-min, --mass-max and --step (GeV). */
export function withMassRange(cmd: Command, step: { help: string; dflt?: string } = { help: "grid step", dflt: "0.001" }): Command {
  return cmd
    .option("--mass-min <GeV>", "lowest mass")
    .option("--mass-max <GeV>", "highest mass")
    .option("--step <GeV>", step.help, step.dflt);
}

/** --rebin (integer ≥ 1), --restarts (integer ≥ 0), --blind-nsigma (> 0); undefined when not given. */
export function inputNumbers(o: BumpCli): { rebin?: number; restarts?: number; blindNSigma?: number } {
  return {
    rebin: int("--rebin", o.rebin, 1), restarts: int("--restarts", o.restarts, 0),
    blindNSigma: o.blindNsigma === undefined ? undefined : positive("--blind-nsigma", o.blindNsigma),
  };
}

/** --mass-min ≤ --mass-max (GeV), --step ≥ 0.001 GeV (the grid is rounded to 1 MeV, as mass_step_gev). */
export function massRangeOf(o: { massMin?: string; massMax?: string; step?: string }): MassRange {
  const massMin = num("--mass-min", o.massMin), massMax = num("--mass-max", o.massMax);
  ordered("--mass-min", massMin, "--mass-max", massMax, "GeV");
  return { massMin, massMax, step: step("--step", o.step, { min: 0.001, unit: "GeV", example: "0.001" }) };
}

/** One warning line for mass points whose GP length scale sits at a bound, or "". */
export function lsBoundWarning(rows: { mass_GeV: number; gp_length_scale: number; gp_ls_lo: number; gp_ls_hi: number }[], what: string): string {
  const hit = rows.filter((r) => lsAtBound(r));
  if (!hit.length) return "";
  const ms = hit.map((r) => `${+(1000 * r.mass_GeV).toFixed(1)}`);
  return `warning: ${what}: the GP length scale sits at its ${[...new Set(hit.map(lsAtBound))].join("/")} bound at ${hit.length} mass${hit.length > 1 ? "es" : ""} (${ms.slice(0, 8).join(", ")}${ms.length > 8 ? ", …" : ""} MeV): the background may be under- or over-smoothed; check kernel_ls_* settings\n`;
}

/** --full-toy-bkg-mode: poisson or fixed_total_multinomial. */
export function fullToyModeOf(v: string): FullToyMode {
  try {
    return parseFullToyMode(v);
  } catch (e) {
    throw new InputError("", "--full-toy-bkg-mode", (e as Error).message);
  }
}
