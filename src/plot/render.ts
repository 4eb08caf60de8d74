// Rendering of Vega-Lite specs (Node side): SVG through vega's headless View (no DOM, no
// canvas), PNG through resvg, PDF through pdfkit + svg-to-pdfkit, each with the DejaVu fonts
// passed explicitly so output is the same on every machine that has them. Each library is
// imported on first use (dynamic import), so importing this module costs nothing.
import { existsSync } from "node:fs";
import { dirname } from "node:path";
import { ensureDir, writeFileAtomic } from "../io/output.ts";
import type { VegaLiteSpec } from "./charts.ts";

const FONT_DIR = "/usr/share/fonts/truetype/dejavu";
const FONT_FILES = ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSans-Oblique.ttf"].map((f) => `${FONT_DIR}/${f}`).filter((f) => existsSync(f));

let metricsReady: Promise<void> | null = null;

/**
 * Vega lays out text by its width; without a canvas it guesses 0.8 × font size per character,
 * about 40% too wide for DejaVu Sans, which left blank bands beside long axis titles and legends.
 * Measure with the real glyph advances instead (pdfkit's font engine, the fonts the PNG and PDF
 * use), cached per font, size and text.
 */
function useFontMetrics(vega: typeof import("vega")): Promise<void> {
  metricsReady ??= (async () => {
    const regular = FONT_FILES.find((f) => f.endsWith("/DejaVuSans.ttf"));
    if (!regular) return;
    const bold = FONT_FILES.find((f) => f.endsWith("/DejaVuSans-Bold.ttf")) ?? regular;
    const PDFDocument = (await import("pdfkit")).default;
    const doc = new PDFDocument({ autoFirstPage: false });
    const cache = new Map<string, number>();
    const metrics = (vega as unknown as { textMetrics: { width: (item: { fontSize?: number; fontWeight?: string | number }, text: unknown) => number } }).textMetrics;
    metrics.width = (item, text) => {
      const t = text == null ? "" : String(text).trim();
      const size = item.fontSize != null ? +item.fontSize || 0 : 11;
      if (!t || size <= 0) return 0;
      const isBold = item.fontWeight === "bold" || Number(item.fontWeight) >= 600;
      const key = `${isBold ? "b" : "r"}${size} ${t}`;
      let w = cache.get(key);
      if (w === undefined) {
        w = doc.font(isBold ? bold : regular).fontSize(size).widthOfString(t);
        cache.set(key, w);
      }
      return w;
    };
  })();
  return metricsReady;
}

/**
 * A title wider than the frame would widen the canvas and leave the plot in its left part:
 * break it at spaces into lines no wider than the frame (measured as vega will measure them).
 */
function wrapTitle(spec: VegaLiteSpec, vega: typeof import("vega")): VegaLiteSpec {
  const t = spec.title;
  const text = typeof t === "string" ? t : t && typeof t === "object" && typeof (t as { text?: unknown }).text === "string" ? (t as { text: string }).text : null;
  if (!text) return spec;
  const cfg = spec.config as { view?: { continuousWidth?: number }; title?: { fontSize?: number } } | undefined;
  const width = (cfg?.view?.continuousWidth ?? 480) + 40;
  const size = (t as { fontSize?: number })?.fontSize ?? cfg?.title?.fontSize ?? 13;
  const measure = (s: string) => (vega as unknown as { textMetrics: { width: (item: { fontSize: number }, text: string) => number } }).textMetrics.width({ fontSize: size }, s);
  if (measure(text) <= width) return spec;
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    const next = line ? `${line} ${word}` : word;
    if (line && measure(next) > width) { lines.push(line); line = word; } else line = next;
  }
  if (line) lines.push(line);
  return { ...spec, title: typeof t === "string" ? { text: lines } : { ...(t as object), text: lines } };
}

/** SVG text of a Vega-Lite spec. */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  // vega and vega-lite (≈ 50 packages) load on the first figure, not with this module.
  const [vega, { compile }] = await Promise.all([import("vega"), import("vega-lite")]);
  await useFontMetrics(vega);
  const vgSpec = compile(wrapTitle(spec, vega) as never).spec;
  const view = new vega.View(vega.parse(vgSpec), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** PNG bytes of an SVG at `scale` × its size. */
export async function svgToPng(svg: string, scale = 2): Promise<Buffer> {
  const { Resvg } = await import("@resvg/resvg-js");
  const r = new Resvg(svg, {
    fitTo: { mode: "zoom", value: scale },
    font: { fontFiles: FONT_FILES, loadSystemFonts: FONT_FILES.length === 0, defaultFontFamily: "DejaVu Sans" },
    background: "white",
  });
  return r.render().asPng();
}

/** PDF bytes of an SVG (vector). */
export async function svgToPdf(svg: string): Promise<Buffer> {
  const PDFDocument = (await import("pdfkit")).default;
  const SVGtoPDF = (await import("svg-to-pdfkit")).default as (doc: unknown, svg: string, x: number, y: number, o?: unknown) => void;
  const m = /<svg[^>]*\swidth="([\d.]+)"[^>]*\sheight="([\d.]+)"/.exec(svg);
  const width = m ? Number(m[1]) : 600;
  const height = m ? Number(m[2]) : 400;
  const doc = new PDFDocument({ size: [width, height], margin: 0, info: { Title: "Searchlight figure", CreationDate: new Date(0) } });
  if (FONT_FILES.length) doc.registerFont("DejaVu Sans", FONT_FILES[0]);
  const chunks: Buffer[] = [];
  doc.on("data", (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve) => doc.on("end", () => resolve()));
  SVGtoPDF(doc, svg, 0, 0, { width, height, assumePt: true, fontCallback: () => (FONT_FILES.length ? "DejaVu Sans" : "Helvetica") });
  doc.end();
  await done;
  return Buffer.concat(chunks);
}

export type FigureFormat = "svg" | "png" | "pdf";

/** Every figure written by writeFigure has its Vega-Lite spec in `<base>.vl.json`. */
export const SPEC_SUFFIX = ".vl.json";

/**
 * Write `base.svg/.png/.pdf` for a spec, each atomically (io/output.ts), and the spec as
 * `base.vl.json`; returns the paths of the images. `option` names the flag the path came from (for the one-line error when a file stands
 * where the folder should be).
 */
export async function writeFigure(spec: VegaLiteSpec, base: string, formats: FigureFormat[] = ["png", "pdf"], option = ""): Promise<string[]> {
  ensureDir(dirname(base), option);
  // The spec itself, beside the images: the results browser (`searchlight serve`) draws the same
  // figure from it, interactively (hover values, zoom-free SVG, downloads).
  writeFileAtomic(`${base}${SPEC_SUFFIX}`, JSON.stringify(spec), option);
  const svg = await renderSvg(spec);
  const out: string[] = [];
  for (const f of formats) {
    const path = `${base}.${f}`;
    if (f === "svg") writeFileAtomic(path, svg, option);
    else if (f === "png") writeFileAtomic(path, await svgToPng(svg), option);
    else writeFileAtomic(path, await svgToPdf(svg), option);
    out.push(path);
  }
  return out;
}
