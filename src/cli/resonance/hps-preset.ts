// The HPS analysis as a preset of `resonance scan`: a configuration in hps-gpr keys (or marked
// `preset: hps`) is handed to `bump scan` as it is — the same plan, fits and writers, so
// results_single.csv (with the dark-photon columns ε², f_rad, α_EM the HPS analysis asks for) is
// byte-identical to `bump scan --config` on the same file. Options of the general scan that the
// HPS pipeline does not have are refused with the command that has them.
import { InputError } from "../../io/errors.ts";

/** The options of `resonance scan|bands` the preset reads. */
export interface PresetCli { config: string; outputDir?: string; workers?: string; toys?: string; json?: boolean; overwrite?: boolean; resume?: boolean; figures?: boolean }

export async function hpsPresetScan(o: PresetCli, verb: "scan" | "bands"): Promise<void> {
  if (verb === "bands") throw new InputError(o.config, "resonance bands", "an HPS (hps-gpr) configuration: its expected-limit bands come from `searchlight bump bands --config " + o.config + "`");
  if (o.toys !== undefined) throw new InputError(o.config, "--toys", "an HPS (hps-gpr) configuration: its global significance is hps_gpr's (p0_global in results_single.csv); background-only toy scans are `searchlight bump toy-scan`");
  if (o.figures === false) throw new InputError(o.config, "--no-figures", "an HPS (hps-gpr) configuration writes the plots its save_plots key asks for");
  const { scanCommand } = await import("../bump/scan.ts");
  await scanCommand({ config: o.config, dataset: "2015", datasetFromDefault: true, outputDir: o.outputDir, workers: o.workers, overwrite: o.overwrite, resume: o.resume, json: o.json });
}
