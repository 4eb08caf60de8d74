// The optional report.yaml: how the figures look (sample order and colours, bin edges and axis
// titles per channel, log or linear y, the experiment label) and the report's knobs (correlation
// pruning threshold, number of ranked parameters). Checked by io/config.ts (one-line errors with
// line, column and the closest valid key). Names of channels and samples are checked against the
// workspace by `checkAgainstModel`.
import { configSource, readConfigFile, validateConfig, configError, type ConfigSource, type Fields } from "../../io/config.ts";

export interface ChannelStyle {
  /** Bin edges (nbins + 1); default 0, 1, …, nbins. */
  edges: number[] | null;
  /** x-axis title; default "<channel> bin". */
  x_label: string | null;
  /** Log y axis for this channel (default: the global log_y). */
  log_y: boolean | null;
}

export interface ReportConfig {
  /** Experiment label on the figures (mplhep style, first word bold italic). */
  label: string | null;
  log_y: boolean;
  /** Samples from the bottom of the stack up; samples not listed follow in the model's order. */
  sample_order: string[];
  /** CSS colours by sample. */
  colors: Record<string, string>;
  channels: Record<string, ChannelStyle>;
  /** Parameters shown in the correlation figure: those with any |ρ| above this with another. */
  correlation_threshold: number;
  /** Parameters in the ranking (highest post-fit impact first). */
  ranking_top: number;
  /** Show the per-bin γ parameters (staterror, shapesys) in the pull plot. */
  pulls_include_gammas: boolean;
  /** Ratio panel range. */
  ratio_range: [number, number];
}

const CHANNEL: Fields = {
  edges: { schema: { type: "list", items: { type: "number" }, minItems: 2 }, default: null },
  x_label: { schema: { type: "string", nullable: true }, default: null },
  log_y: { schema: { type: "boolean" }, default: null },
};

export const REPORT_FIELDS: Fields = {
  label: { schema: { type: "string", nullable: true }, default: null },
  log_y: { schema: { type: "boolean" }, default: false },
  sample_order: { schema: { type: "list", items: { type: "string" } }, default: [] },
  colors: { schema: { type: "map", values: { type: "string" }, keyLabel: "sample" }, default: {} },
  channels: { schema: { type: "map", values: { type: "section", fields: CHANNEL }, keyLabel: "channel" }, default: {} },
  correlation_threshold: { schema: { type: "number", min: 0, max: 1 }, default: 0.2 },
  ranking_top: { schema: { type: "number", integer: true, min: 1 }, default: 20 },
  pulls_include_gammas: { schema: { type: "boolean" }, default: false },
  ratio_range: { schema: { type: "range" }, default: [0.5, 1.5] },
};

export interface LoadedReportConfig {
  config: ReportConfig;
  source: ConfigSource | null;
}

/** Defaults only (no file). */
export function defaultReportConfig(): LoadedReportConfig {
  return reportConfigFrom(configSource({}, "(defaults)"), null);
}

function reportConfigFrom(src: ConfigSource, keep: ConfigSource | null): LoadedReportConfig {
  const v = validateConfig(src, REPORT_FIELDS).values as unknown as ReportConfig;
  return { config: v, source: keep };
}

/** Read and check report.yaml (or .json). */
export function readReportConfig(path: string): LoadedReportConfig {
  const src = readConfigFile(path, { option: "--config" });
  return reportConfigFrom(src, src);
}

/** Check the config's channel and sample names, and bin edges, against the model. */
export function checkAgainstModel(lc: LoadedReportConfig, channels: { name: string; nbins: number }[], samples: string[]): void {
  const { config, source } = lc;
  if (!source) return;
  const names = channels.map((c) => c.name);
  for (const [name, style] of Object.entries(config.channels)) {
    const c = channels.find((x) => x.name === name);
    if (!c) throw configError(source, ["channels", name], `no channel "${name}" in the workspace (channels: ${names.join(", ")})`, "key");
    if (style.edges) {
      if (style.edges.length !== c.nbins + 1) throw configError(source, ["channels", name, "edges"], `channel "${name}" has ${c.nbins} bins, so edges needs ${c.nbins + 1} numbers, got ${style.edges.length}`);
      if (!style.edges.every((e, i) => i === 0 || e > style.edges![i - 1])) throw configError(source, ["channels", name, "edges"], "edges must increase");
    }
  }
  config.sample_order.forEach((s, i) => {
    if (!samples.includes(s)) throw configError(source, ["sample_order", i], `no sample "${s}" in the workspace (samples: ${samples.join(", ")})`);
  });
  for (const s of Object.keys(config.colors)) {
    if (!samples.includes(s)) throw configError(source, ["colors", s], `no sample "${s}" in the workspace (samples: ${samples.join(", ")})`, "key");
  }
}

/** Samples in stacking order: those of sample_order first, then the others in the model's order. */
export function stackOrder(config: ReportConfig, samples: string[]): string[] {
  return [...config.sample_order, ...samples.filter((s) => !config.sample_order.includes(s))];
}
