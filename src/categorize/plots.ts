// Figures of a categorisation (issue #15 item 7), as Vega-Lite specs through src/plot (HEP
// style), written as PNG and PDF: loss, penalty and temperature histories; the hard categories
// on the score plane (argmax map on the simplex) or along the axis; yields vs relative MC
// uncertainty; per-category mass spectra in bump mode; Z vs number of categories against the
// baselines.
import { join } from "node:path";
import { linePlot, type Series, type VegaLiteSpec } from "../plot/charts.ts";
import { writeFigure } from "../plot/render.ts";
import type { EpochRecord } from "./train.ts";
import type { Evaluation } from "./evaluate.ts";
import type { BinningModel } from "./model.ts";

export function historyFigures(h: EpochRecord[], signals: string[]): Record<string, VegaLiteSpec> {
  const x = h.map((r) => r.epoch);
  const ep = { title: "epoch" };
  return {
    history_loss: linePlot({ series: [{ name: "loss", x, y: h.map((r) => r.loss) }, { name: "significance part", x, y: h.map((r) => r.lossSig), dashed: true }], x: ep, y: { title: "loss" } }),
    history_penalties: linePlot({
      series: [{ name: "low-background penalty", x, y: h.map((r) => r.penYield) }, { name: "uncertainty penalty", x, y: h.map((r) => r.penUnc), dashed: true }],
      x: ep, y: { title: "penalty (before λ)" },
    }),
    history_temperature: linePlot({ series: [{ name: "temperature T", x, y: h.map((r) => r.temperature) }, { name: "learning rate", x, y: h.map((r) => r.lr), dashed: true }], x: ep, y: { title: "value", log: true } }),
    history_significance: linePlot({ series: signals.map((s, u) => ({ name: `Z(${s}) soft`, x, y: h.map((r) => r.z[u]) })), x: ep, y: { title: "soft Asimov Z" } }),
  };
}

/** Background yield vs relative MC uncertainty √Σw²/Σw, one point per non-empty category. */
export function yieldFigure(ev: Evaluation): VegaLiteSpec {
  const rows = ev.categories.filter((c) => c.background > 0);
  return linePlot({
    series: [{ name: "categories", x: rows.map((c) => c.relUnc), y: rows.map((c) => c.background), points: true }],
    x: { title: "relative MC uncertainty of the background √Σw²/Σw" }, y: { title: "background yield (events)", log: true },
  });
}

/**
 * The hard categories: d = 2, the argmax map on a grid over the simplex (one colour per
 * category); d = 1, the category index along the score.
 */
export function boundaryFigure(model: BinningModel, params: Float64Array, sharp?: number, grid = 120): VegaLiteSpec {
  const st = model.compile(params, sharp);
  const kern = model.kernel();
  if (model.d === 1) {
    const xs: number[] = [], ks: number[] = [];
    const x = new Float64Array(1);
    for (let j = 0; j <= 1000; j++) { x[0] = j / 1000; xs.push(x[0]); ks.push(kern.hard(st, x, 0)); }
    return linePlot({ series: [{ name: "hard category", x: xs, y: ks }], x: { title: "score", domain: [0, 1] }, y: { title: "category index" } });
  }
  const pts: { x: number[]; y: number[] }[] = Array.from({ length: model.k }, () => ({ x: [], y: [] }));
  const x = new Float64Array(model.d);
  for (let a = 0; a <= grid; a++) for (let b = 0; a + b <= grid; b++) {
    x[0] = a / grid; x[1] = b / grid;
    const k = kern.hard(st, x, 0);
    pts[k].x.push(x[0]); pts[k].y.push(x[1]);
  }
  const series: Series[] = pts.map((p, k) => ({ name: `category ${k}`, x: p.x, y: p.y, points: true })).filter((s) => s.x.length > 0);
  return linePlot({ series, x: { title: "score 1 (signal 1 probability)", domain: [0, 1] }, y: { title: "score 2 (signal 2 probability)", domain: [0, 1] } });
}

/** Background mass spectra per category (bump mode), from the hard pass histograms (K·bins). */
export function massFigure(hist: Float64Array, k: number, range: [number, number], bins: number): VegaLiteSpec {
  const w = (range[1] - range[0]) / bins;
  const x = Array.from({ length: bins }, (_, j) => range[0] + (j + 0.5) * w);
  const series: Series[] = [];
  for (let c = 0; c < k; c++) series.push({ name: `category ${c}`, x, y: Array.from(hist.subarray(c * bins, (c + 1) * bins), (v) => Math.max(v, 1e-3)), points: true });
  return linePlot({ series, x: { title: "mass [GeV]" }, y: { title: `background events / ${w.toFixed(1)} GeV`, log: true } });
}

/** Z per signal vs number of categories: GATO against the baselines. */
export function comparisonFigure(rows: { name: string; x: number[]; y: number[]; dashed?: boolean }[]): VegaLiteSpec {
  // head room above the points for the legend
  const top = Math.max(...rows.flatMap((r) => r.y.filter(Number.isFinite)), 0.1);
  const right = Math.max(...rows.flatMap((r) => r.x), 3);
  return linePlot({
    series: rows.map((r) => ({ ...r, points: true })), x: { title: "number of categories", domain: [0, right + 1] },
    y: { title: "Asimov significance Z", domain: [0, top * 1.6] }, legendOrient: "top-left",
  });
}

/** Write every spec of `figs` as DIR/name.png and .pdf; returns the paths. */
export async function writeFigures(dir: string, figs: Record<string, VegaLiteSpec>): Promise<string[]> {
  const out: string[] = [];
  for (const [name, spec] of Object.entries(figs)) out.push(...(await writeFigure(spec, join(dir, name), ["png", "pdf"], "--output-dir")));
  return out;
}
