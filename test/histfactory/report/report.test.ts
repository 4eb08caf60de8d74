// The report as a whole (src/histfactory/report/report.ts, figures.ts, write.ts, src/plot/stacked.ts,
// fit-charts.ts, the CLI): impacts equal direct refits, every figure of a real ATLAS workspace
// renders, figure structure snapshots, blinding hides the data everywhere, the CLI contract.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { needsShared, sharedPath } from "../../shared.ts";
import { referenceCases, caseSpec } from "../reference-cases.ts";
import { buildReport, prunedCorrelation, type Report } from "../../../src/histfactory/report/report.ts";
import { reportFigures } from "../../../src/histfactory/report/figures.ts";
import { writeReport } from "../../../src/histfactory/report/write.ts";
import { defaultReportConfig, readReportConfig, checkAgainstModel, stackOrder } from "../../../src/histfactory/report/config.ts";
import { compileModel } from "../../../src/histfactory/model.ts";
import { fit } from "../../../src/likelihood/fit.ts";
import { stackedHistogram, hatchSegments } from "../../../src/plot/stacked.ts";
import { correlationPlot, pullPlot, rankingPlot } from "../../../src/plot/fit-charts.ts";
import { renderSvg } from "../../../src/plot/render.ts";
import { assertStructureSnapshot, svgStructure } from "./structure.ts";

const BIN = new URL("../../../bin/searchlight.mjs", import.meta.url).pathname;
const REGION_C = "atlas-susy-2018-31-sbottom/RegionC/sbottom_1600_850_60";
const REGION_A = "atlas-susy-2018-31-sbottom/RegionA/sbottom_1300_205_60";
const byName = (n: string) => referenceCases().find((c) => c.name === n)!;

const reports = new Map<string, Promise<Report>>();
function report(name: string, o: Parameters<typeof buildReport>[3] = {}, key = name): Promise<Report> {
  if (!reports.has(key)) {
    const c = byName(name);
    reports.set(key, buildReport(caseSpec(c), c.workspace_file, c.patch_name ?? null, { compile: { measurement: c.measurement }, ...o }));
  }
  return reports.get(key)!;
}

describe("report on real ATLAS workspaces", needsShared(), () => {
  test("impacts equal direct refits of the POI with the parameter fixed at θ̂ ± Δθ̂ (post-fit) and θ̂ ± Δθ (pre-fit), to 1e-6", async () => {
    const r = await report(REGION_C, { rankingTop: 4 });
    const c = byName(REGION_C);
    const model = compileModel(caseSpec(c), { measurement: c.measurement });
    const poi = model.poi!;
    const best = fit(model, model.observed);
    assert.ok(Math.abs(best.pars[poi] - r.ranking!.poi_hat) < 1e-6);
    assert.equal(r.ranking!.impacts.length, 4);
    for (const imp of r.ranking!.impacts) {
      const k = model.parNames.indexOf(imp.parameter);
      const p = model.parameters[k];
      const pull = r.pulls.find((x) => x.name === imp.parameter)!;
      assert.equal(pull.uncertainty, imp.uncertainty);
      for (const [shift, got] of [[imp.uncertainty, imp.postfit_up], [-imp.uncertainty, imp.postfit_down], [p.prefitSigma, imp.prefit_up], [-p.prefitSigma, imp.prefit_down]] as const) {
        // A direct refit from the workspace's own initial values (not from the best fit).
        const v = Math.min(p.upper, Math.max(p.lower, imp.bestfit + shift));
        const direct = fit(model, model.observed, { fix: [[k, v]] });
        assert.ok(Math.abs(direct.pars[poi] - best.pars[poi] - got) < 1e-6, `${imp.parameter} shift ${shift}: ${got} vs direct ${direct.pars[poi] - best.pars[poi]}`);
      }
    }
    // Ranked by the largest post-fit impact.
    const m = r.ranking!.impacts.map((i) => Math.max(Math.abs(i.postfit_up), Math.abs(i.postfit_down)));
    assert.deepEqual(m, [...m].sort((a, b) => b - a));
  });

  test("pulls, normfactors and correlations: (θ̂ − θ₀)/Δθ, unconstrained parameters apart, a symmetric unit-diagonal matrix; pruning keeps correlated pairs", async () => {
    const r = await report(REGION_C, { rankingTop: 4 });
    for (const p of r.pulls) assert.ok(Math.abs(p.pull - (p.bestfit - p.prefit) / p.prefit_sigma) < 1e-12);
    assert.deepEqual(r.normfactors.map((x) => x.name).sort(), ["mu_SIG", "mu_ttbar", "mu_z"]);
    const n = r.correlation.names.length;
    for (let i = 0; i < n; i++) {
      assert.ok(Math.abs(r.correlation.matrix[i * n + i] - 1) < 1e-9);
      for (let j = 0; j < i; j++) assert.ok(Math.abs(r.correlation.matrix[i * n + j] - r.correlation.matrix[j * n + i]) < 1e-12);
    }
    const pr = prunedCorrelation(r.correlation, 0.2);
    assert.ok(pr.names.length > 1 && pr.names.length < n);
    for (const a of pr.names) {
      const i = r.correlation.names.indexOf(a);
      assert.ok(r.correlation.names.some((_, j) => j !== i && Math.abs(r.correlation.matrix[i * n + j]) > 0.2));
    }
  });

  test("every figure of sbottom RegionA renders (SVG) and is written with the tables and report.json", async () => {
    const r = await report(REGION_A, { rankingTop: 5 });
    const dir = mkdtempSync(join(tmpdir(), "report-"));
    try {
      const cfg = defaultReportConfig().config;
      const files = await writeReport(r, dir, { config: cfg, formats: ["svg"] });
      const figs = readdirSync(join(dir, "figures")).filter((f) => !f.endsWith(".vl.json")).sort(); // each also has its spec (plot/render.ts)
      assert.deepEqual(figs, ["correlation_matrix.svg", "normfactors.svg", "postfit_CRtt_meff.svg", "postfit_SR_meff.svg", "prefit_CRtt_meff.svg", "prefit_SR_meff.svg", "pulls.svg", "ranking.svg"]);
      for (const f of figs) assert.match(readFileSync(join(dir, "figures", f), "utf8"), /^<svg/);
      const stack = readFileSync(join(dir, "figures", "postfit_SR_meff.svg"), "utf8");
      for (const s of ["Data", "ttbar", "Uncertainty", "Data / Model", "Post-fit", "SR_meff"]) assert.ok(stack.includes(`>${s}<`) || stack.includes(s), `missing ${s}`);
      for (const f of ["yields.csv", "yields.md", "yields.tex", "pulls.csv", "normfactors.csv", "correlation.csv", "ranking.csv", "report.json"]) assert.ok(files.includes(join(dir, f)), f);
      const back = JSON.parse(readFileSync(join(dir, "report.json"), "utf8")) as Report;
      assert.equal(back.yields.postfit.channels[0].total.sum, r.yields.postfit.channels[0].total.sum);
      assert.equal(back.goodness_of_fit.dof, 4);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("blinding: the blinded channel's counts appear in no file; the fit ignores them; GoF counts the other bins", async () => {
    const c = byName(REGION_A);
    const spec = caseSpec(c);
    const sr = spec.observations.find((o) => o.name === "SR_meff")!;
    // Make the SR counts recognisable: they must not surface anywhere.
    const marked = { ...spec, observations: spec.observations.map((o) => (o.name === "SR_meff" ? { ...o, data: [9137, 9138, 9139] } : o)) };
    const r = await buildReport(marked, "ws.json", null, { compile: { measurement: c.measurement }, blind: ["SR_meff"], rankingTop: 0 });
    const plain = await buildReport({ ...spec, observations: spec.observations.map((o) => (o.name === "SR_meff" ? { ...o, data: sr.data } : o)) }, "ws.json", null, { compile: { measurement: c.measurement }, blind: ["SR_meff"], rankingTop: 0 });
    assert.equal(r.fit.twice_nll.toFixed(8), plain.fit.twice_nll.toFixed(8), "blinded data changed the fit");
    assert.equal(r.data.SR_meff, null);
    assert.equal(r.goodness_of_fit.bins, 3);
    const dir = mkdtempSync(join(tmpdir(), "report-blind-"));
    try {
      await writeReport(r, dir, { config: defaultReportConfig().config, formats: ["svg"] });
      const all = [...readdirSync(dir).filter((f) => f.includes(".")).map((f) => join(dir, f)), ...readdirSync(join(dir, "figures")).map((f) => join(dir, "figures", f))];
      for (const f of all) assert.ok(!/\b913[789]\b/.test(readFileSync(f, "utf8")), `${f} shows blinded data`);
      assert.match(readFileSync(join(dir, "figures", "postfit_SR_meff.svg"), "utf8"), /blinded/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("Asimov: the data are the pre-fit expectation and the post-fit yields return them", async () => {
    const r = await report(REGION_A, { asimov: true, rankingTop: 0 }, "asimov");
    assert.ok(r.asimov);
    for (const ch of r.yields.prefit.channels) ch.total.yields.forEach((y, b) => assert.ok(Math.abs(r.data[ch.name]![b] - y) < 1e-9 * y));
    for (const ch of r.yields.postfit.channels) ch.total.yields.forEach((y, b) => assert.ok(Math.abs(r.data[ch.name]![b] - y) < 2e-3 * y, `${ch.name}[${b}] ${y} vs ${r.data[ch.name]![b]}`));
    assert.ok(r.goodness_of_fit.statistic < 1e-4);
  });

  test("report.yaml: sample order and colours reach the figure; unknown names and wrong edge counts are one-line errors with line numbers", async () => {
    const r = await report(REGION_A, { rankingTop: 5 });
    const dir = mkdtempSync(join(tmpdir(), "report-cfg-"));
    try {
      const good = join(dir, "good.yaml");
      writeFileSync(good, "label: ATLAS Internal\nsample_order: [ttbar, st]\ncolors: {ttbar: '#123456'}\nchannels:\n  SR_meff: {edges: [800, 1100, 1400, 1800], x_label: 'm_eff [GeV]', log_y: true}\n");
      const lc = readReportConfig(good);
      checkAgainstModel(lc, r.channels, r.samples);
      assert.deepEqual(stackOrder(lc.config, r.samples).slice(0, 3), ["ttbar", "st", "W"]);
      const fig = reportFigures(r, lc.config).find((f) => f.name === "postfit_SR_meff")!;
      const svg = await renderSvg(fig.spec);
      assert.ok(svg.includes("#123456") && svg.includes("m_eff [GeV]") && svg.includes("ATLAS"));
      const bad = join(dir, "bad.yaml");
      writeFileSync(bad, "channels:\n  SR_meff:\n    edges: [0, 1]\n");
      assert.throws(() => checkAgainstModel(readReportConfig(bad), r.channels, r.samples), /bad\.yaml: line 3, column 12: channels\.SR_meff\.edges: channel "SR_meff" has 3 bins, so edges needs 4 numbers, got 2/);
      writeFileSync(bad, "sample_ordr: [ttbar]\n");
      assert.throws(() => readReportConfig(bad), /sample_ordr.*sample_order/);
      writeFileSync(bad, "colors: {tbar: red}\n");
      assert.throws(() => checkAgainstModel(readReportConfig(bad), r.channels, r.samples), /no sample "tbar"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("report figures: SVG structure snapshots", () => {
  const stacked = () => stackedHistogram({
    edges: [0, 100, 200, 400], samples: [{ name: "ttbar", yields: [100, 40, 6] }, { name: "W+jets", yields: [30, 12, 2] }, { name: "signal", yields: [0, 4, 5] }],
    stdev: [12, 6, 2], data: [128, 60, 0], xTitle: "m_eff [GeV]", caption: ["SR", "Post-fit"], label: "ATLAS Internal",
  });
  test("stacked data/model with ratio panel", async () => {
    const svg = await renderSvg(stacked());
    assert.ok(svg.includes("Data / Model") && svg.includes(">signal<"));
    assertStructureSnapshot("stacked", svgStructure(svg));
  });
  test("stacked, log y, blinded (no data marks)", async () => {
    const svg = await renderSvg(stackedHistogram({ edges: [0, 1, 2], samples: [{ name: "bkg", yields: [50, 0.5] }], stdev: [5, 0.2], data: null, xTitle: "bin", logY: true }));
    assert.ok(!svg.includes(">Data<"));
    assertStructureSnapshot("stacked-log-blind", svgStructure(svg));
  });
  test("pulls, correlation, ranking", async () => {
    assertStructureSnapshot("pulls", svgStructure(await renderSvg(pullPlot({ entries: [{ name: "a", value: 0.3, error: 0.9 }, { name: "b", value: -1.2, error: 0.5 }], xTitle: "(θ̂ − θ₀)/Δθ", bands: true }))));
    assertStructureSnapshot("correlation", svgStructure(await renderSvg(correlationPlot({ names: ["a", "b"], matrix: [1, -0.4, -0.4, 1] }))));
    assertStructureSnapshot("ranking", svgStructure(await renderSvg(rankingPlot({ poi: "μ", entries: [{ name: "a", prefitUp: 0.2, prefitDown: -0.25, postfitUp: 0.1, postfitDown: -0.12, pull: 0.3, pullError: 0.8 }] }))));
  });
  test("hatching: 45° on screen, inside the rectangle, on one lattice", () => {
    const segs = hatchSegments(0.1, 0.3, 0.2, 0.5, 480, 320);
    assert.ok(segs.length > 5, `${segs.length} segments`);
    for (const [a, va, b, vb] of segs) {
      assert.ok(a >= 0.1 - 1e-12 && b <= 0.3 + 1e-12 && va >= 0.2 - 1e-12 && vb <= 0.5 + 1e-12, `segment ${[a, va, b, vb]}`);
      assert.ok(Math.abs(((vb - va) * 320) / ((b - a) * 480) - 1) < 1e-9, `slope of ${[a, va, b, vb]}`);
    }
  });
});

describe("searchlight report (CLI)", needsShared(), () => {
  test("writes the folder and a JSON summary; refuses an earlier report without --overwrite; bad --blind is one line, status 1", () => {
    const dir = mkdtempSync(join(tmpdir(), "report-cli-"));
    try {
      const ws = sharedPath("workspaces/pyhf-validation/ws_2bin_2channel.json");
      const out = join(dir, "out");
      const r = spawnSync(process.execPath, [BIN, "report", ws, "-o", out, "--formats", "svg", "--gof-toys", "20", "--workers", "1", "--json"], { encoding: "utf8" });
      assert.equal(r.status, 0, r.stderr);
      const j = JSON.parse(r.stdout);
      assert.equal(j.goodness_of_fit.dof, 3);
      assert.ok(j.goodness_of_fit.toys_p_value >= 0 && j.goodness_of_fit.toys_p_value <= 1, r.stdout);
      assert.ok(existsSync(join(out, "report.json")), "report.json");
      assert.ok(existsSync(join(out, "figures", "postfit_signal.svg")), readdirSync(join(out, "figures")).join(" "));
      assert.equal(JSON.parse(readFileSync(join(out, "run.json"), "utf8")).status, "complete");
      // The same toys on two worker threads: the same statistics (toy i draws from stream i).
      const out2 = join(dir, "out2");
      const pooled = spawnSync(process.execPath, [BIN, "report", ws, "-o", out2, "--no-figures", "--gof-toys", "20", "--workers", "2"], { encoding: "utf8" });
      assert.equal(pooled.status, 0, pooled.stderr);
      const toys = (d: string) => JSON.parse(readFileSync(join(d, "report.json"), "utf8")).goodness_of_fit.toys.statistics;
      assert.deepEqual(toys(out2), toys(out));
      const again = spawnSync(process.execPath, [BIN, "report", ws, "-o", out, "--no-figures"], { encoding: "utf8" });
      assert.equal(again.status, 1);
      assert.match(again.stderr, /--overwrite/);
      const bad = spawnSync(process.execPath, [BIN, "report", ws, "-o", join(dir, "x"), "--blind", "nope"], { encoding: "utf8" });
      assert.equal(bad.status, 1);
      assert.equal(bad.stderr.trim().split("\n").length, 1);
      assert.match(bad.stderr, /--blind: no channel "nope"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
