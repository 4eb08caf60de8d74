// The figures of a report (Vega-Lite specs, src/plot): per channel the stacked data/model plot
// pre-fit and post-fit, the pulls, the normalisation factors, the pruned correlation matrix and
// the impact ranking. Names are file stems.
import { stackedHistogram } from "../../plot/stacked.ts";
import { correlationPlot, pullPlot, rankingPlot } from "../../plot/fit-charts.ts";
import type { VegaLiteSpec } from "../../plot/charts.ts";
import { axisLabel } from "../../plot/style.ts";
import { stackOrder, type ReportConfig } from "./config.ts";
import { prunedCorrelation, type Report } from "./report.ts";

export interface Figure {
  name: string;
  spec: VegaLiteSpec;
}

/** File-name-safe stem of a channel name. */
export function fileStem(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, "_");
}

const GAMMA_TYPES = new Set(["staterror", "shapesys"]);

export function reportFigures(r: Report, config: ReportConfig): Figure[] {
  const figs: Figure[] = [];
  const order = stackOrder(config, r.samples);
  for (const pred of [r.yields.prefit, r.yields.postfit]) {
    for (const ch of pred.channels) {
      const style = config.channels[ch.name];
      const edges = style?.edges ?? Array.from({ length: ch.nbins + 1 }, (_, i) => i);
      const samples = order.map((name) => ch.samples.find((s) => s.name === name)).filter((s) => s !== undefined)
        .map((s) => ({ name: s.name, yields: s.yields, color: config.colors[s.name] }));
      figs.push({
        name: `${pred.stage === "pre-fit" ? "prefit" : "postfit"}_${fileStem(ch.name)}`,
        spec: stackedHistogram({
          edges, samples, total: ch.total.yields, stdev: ch.total.stdev, data: r.data[ch.name], xTitle: style?.x_label ?? `${ch.name} bin`,
          logY: style?.log_y ?? config.log_y, label: config.label ?? undefined, ratioRange: config.ratio_range,
          caption: [ch.name, `${pred.stage === "pre-fit" ? "Pre-fit" : "Post-fit"}${r.asimov ? " (Asimov)" : ""}${r.data[ch.name] === null ? ", blinded" : ""}`],
        }),
      });
    }
  }
  const pulls = r.pulls.filter((p) => config.pulls_include_gammas || !GAMMA_TYPES.has(p.type));
  if (pulls.length) figs.push({ name: "pulls", spec: pullPlot({ entries: pulls.map((p) => ({ name: p.name, value: p.pull, error: p.pull_error })), xTitle: "(θ̂ − θ₀)/Δθ", bands: true }) });
  if (r.normfactors.length) figs.push({ name: "normfactors", spec: pullPlot({ entries: r.normfactors.map((p) => ({ name: p.name, value: p.bestfit, error: p.uncertainty })), xTitle: "best-fit value", reference: 1 }) });
  const corr = prunedCorrelation(r.correlation, config.correlation_threshold);
  if (corr.names.length) figs.push({ name: "correlation_matrix", spec: correlationPlot(corr) });
  if (r.ranking && r.ranking.impacts.length) {
    const byName = new Map(r.pulls.map((p) => [p.name, p]));
    figs.push({
      name: "ranking",
      spec: rankingPlot({
        poi: axisLabel(r.ranking.poi),
        entries: r.ranking.impacts.slice(0, config.ranking_top).map((i) => ({
          name: i.parameter, prefitUp: i.prefit_up, prefitDown: i.prefit_down, postfitUp: i.postfit_up, postfitDown: i.postfit_down,
          pull: byName.get(i.parameter)?.pull ?? NaN, pullError: byName.get(i.parameter)?.pull_error ?? NaN,
        })),
      }),
    });
  }
  return figs;
}
