import { test } from "node:test";
import assert from "node:assert/strict";
import { bandPlot, clsPlot, linePlot, pickCorner, withPullPanel } from "../../src/plot/charts.ts";
import { axisLabel, tenTo } from "../../src/plot/style.ts";
import { renderSvg, svgToPdf, svgToPng } from "../../src/plot/render.ts";
import { assertSvgSnapshot } from "./snapshot.ts";

const x = Array.from({ length: 12 }, (_, i) => 20 + 10 * i);
const med = x.map((v) => 3e-6 * Math.exp(-v / 60));

function brazil() {
  return bandPlot({
    x, median: med, minus1: med.map((v) => v * 0.7), plus1: med.map((v) => v * 1.4),
    minus2: med.map((v) => v * 0.5), plus2: med.map((v) => v * 2), observed: med.map((v, i) => v * (1 + 0.3 * Math.sin(i))),
    xAxis: { title: "m(A') [MeV]" }, yAxis: { title: "ε² upper limit (95% CL)", log: true }, label: "HPS Preliminary",
  });
}

test("bandPlot: Brazil band with observed limit and log y axis (SVG snapshot)", async () => {
  const svg = await renderSvg(brazil());
  assert.ok(svg.includes("Expected ± 2σ") && svg.includes("Observed"));
  assert.ok(svg.includes(">10⁻⁶<"), "decade label 10⁻⁶ on the log axis");
  assert.ok(svg.includes(">HPS<"), "experiment label");
  assertSvgSnapshot("band-plot", svg);
});

test("linePlot: two curves, dashed expected, reference line (SVG snapshot)", async () => {
  const spec = linePlot({
    series: [{ name: "observed", x, y: med }, { name: "expected", x, y: med.map((v) => v * 1.2), dashed: true }],
    x: { title: "μ" }, y: { title: "CLs", log: true }, hlines: [{ y: 1e-6 }],
  });
  const svg = await renderSvg(spec);
  assert.ok(svg.includes("stroke-dasharray"));
  assertSvgSnapshot("line-plot", svg);
});

test("linePlot: ±1σ band, error bars on points (cut above zero on a log axis), shaded window, labelled reference line (SVG snapshot)", async () => {
  const y = x.map((v) => 1e4 * Math.exp(-v / 40));
  const spec = linePlot({
    title: "fit",
    vbands: [{ from: 60, to: 80, label: "blind window", color: "#ff9900", opacity: 0.25 }],
    series: [
      { name: "data", x, y: y.map((v, i) => (i === 11 ? 1 : v)), points: true, errors: y.map((v, i) => (i === 11 ? 1 : Math.sqrt(v))) },
      { name: "GP ± 1σ", x, y, band: { lower: y.map((v) => v * 0.9), upper: y.map((v) => v * 1.1) } },
    ],
    x: { title: "m(A') [MeV]" }, y: { title: "events / 0.5 MeV", log: true }, hlines: [{ y: 10, label: "10 events" }],
  });
  const svg = await renderSvg(spec);
  assert.ok(svg.includes("blind window") && svg.includes("10 events"));
  assertSvgSnapshot("line-plot-band-errors", svg);
});

test("PNG and PDF renderings are well-formed files", async () => {
  const svg = await renderSvg(brazil());
  const png = await svgToPng(svg, 1);
  assert.deepEqual([...png.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
  assert.ok(png.length > 5000);
  const pdf = await svgToPdf(svg);
  assert.equal(pdf.subarray(0, 5).toString(), "%PDF-");
  assert.ok(pdf.length > 2000);
});

test("clsPlot: α line, legend entries drawn in their own styles, linear CLs axis 0–1 (SVG snapshot)", async () => {
  const mu = Array.from({ length: 41 }, (_, i) => 0.05 + i * 0.1);
  const e = mu.map((m) => Math.exp(-m));
  const svg = await renderSvg(clsPlot({
    x: mu, median: e, minus1: e.map((v) => v ** 1.3), plus1: e.map((v) => v ** 0.75), minus2: e.map((v) => v ** 1.7), plus2: e.map((v) => v ** 0.55), observed: e.map((v) => v ** 0.9),
    alpha: 0.05, xAxis: { title: axisLabel("mu_SIG") }, yAxis: { title: "CLs" }, label: "ATLAS Open Data",
  }));
  assert.ok(svg.includes("α = 0.05") && svg.includes("μ (signal strength)") && svg.includes(">ATLAS<"));
  assert.ok(svg.includes('fill="red"') || svg.includes("stroke=\"red\""), "the α line and its legend entry are red");
  assertSvgSnapshot("cls-plot", svg);
});

test("pickCorner puts the legend where the data are not; tenTo and axisLabel", () => {
  const falling = Array.from({ length: 20 }, (_, i) => ({ x: i, y: 20 - i }));
  assert.equal(pickCorner(falling), "top-right");
  const rising = falling.map((p) => ({ x: p.x, y: p.x }));
  assert.equal(pickCorner(rising), "top-left");
  assert.equal(pickCorner(rising, { exclude: ["top-left"] }), "bottom-right");
  assert.equal(tenTo(-4), "10⁻⁴");
  assert.equal(tenTo(12), "10¹²");
  assert.equal(axisLabel("eps2_up"), "ε² upper limit (95% CL)");
  assert.equal(axisLabel("mu_X"), "μ (mu_X)");
  assert.equal(axisLabel("unknown_par"), "unknown_par");
});

test("withPullPanel: the fit without x labels over a pull panel with 0 and ±2σ lines, one x axis (SVG snapshot)", async () => {
  const y = x.map((v) => 1e4 * Math.exp(-v / 40));
  const fit = linePlot({ title: "fit", series: [{ name: "data", x, y: y.map((v, i) => v + (i % 3 - 1) * Math.sqrt(v)), points: true }, { name: "fit", x, y }], x: { title: "m(A′) [MeV]" }, y: { title: "events per bin" } });
  const pulls = x.map((_, i) => (i % 3) - 1 + (i === 5 ? 3.7 : 0));
  const spec = withPullPanel(fit, { x, pull: pulls });
  assert.equal((spec.vconcat as unknown[]).length, 2);
  const svg = await renderSvg(spec);
  assert.ok(svg.includes("pull [σ]"));
  assert.equal(svg.split(">m(A′) [MeV]<").length - 1, 1, "one x-axis title, under the pulls");
  assertSvgSnapshot("pull-panel", svg);
});

test("linePlot warnings: red lines inside the frame's bottom-left corner (SVG snapshot)", async () => {
  const spec = linePlot({
    series: [{ name: "ℓ_opt / σ_x", x, y: x.map((v) => (v > 80 ? 8 : v / 10)), points: true }, { name: "ℓ_hi / σ_x", x, y: x.map(() => 8), dashed: true }],
    x: { title: "m(A′) [MeV]" }, y: { title: "length scale / σ_x", log: true }, warnings: ["ℓ at its upper bound at 6 of 12 masses"],
  });
  const svg = await renderSvg(spec);
  assert.ok(svg.includes("⚠ ℓ at its upper bound at 6 of 12 masses"));
  assert.ok(svg.includes('fill="#c00000"'));
  assertSvgSnapshot("line-plot-warnings", svg);
});
