// What the resonance verbs share: the configuration, one dataset of it (--dataset), its
// spectrum and the search with its template signal resolved.
import { InputError } from "../../io/errors.ts";
import { isHpsPreset, loadDataset, loadResonanceConfig, resolveSignal, type DatasetSpec, type ResonanceConfig } from "../../resonance/config.ts";
import type { SearchSpec } from "../../resonance/search.ts";
import { resolutionFunction } from "../../resonance/signal.ts";
import type { Spectrum } from "../../resonance/spectrum.ts";

export interface Chosen { cfg: ResonanceConfig; dataset: DatasetSpec; spectrum: Spectrum; spec: SearchSpec }

/** The configuration's dataset named by --dataset (default: the first). */
export async function chooseDataset(config: string, name: string | undefined): Promise<Chosen> {
  if (isHpsPreset(config)) throw new InputError(config, "preset", "an HPS (hps-gpr) configuration: `resonance scan` runs it; one mass or injections are `searchlight bump test|inject --config`");
  const cfg = loadResonanceConfig(config);
  const dataset = name === undefined ? cfg.datasets[0] : cfg.datasets.find((d) => d.name === name);
  if (!dataset) throw new InputError(config, "--dataset", `no dataset "${name}" (datasets: ${cfg.datasets.map((d) => d.name).join(", ")})`);
  const spectrum = await loadDataset(dataset, cfg.file);
  const spec: SearchSpec = { ...cfg.search, signal: await resolveSignal(cfg.search.signal, resolutionFunction(cfg.search.resolution)) };
  return { cfg, dataset, spectrum, spec };
}

/** A mass inside the spectrum, or a one-line error. */
export function massInside(flag: string, m: number, sp: Spectrum, unit: string): number {
  const lo = sp.edges[0], hi = sp.edges[sp.edges.length - 1];
  if (!(m > lo && m < hi)) throw new InputError("", flag, `${m} ${unit} is outside the spectrum (${lo}–${hi} ${unit})`);
  return m;
}
