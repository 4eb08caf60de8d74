// HistFactory cross-check (issue item 6): a template model with the grid (−1, 0, +1) per nuisance,
// additive (one nuisance at a time), multilinear with linear extrapolation, and (1 + α)^ν norms,
// exported as a pyhf workspace and compiled by src/histfactory: the same NLL (1e-8) at random
// points inside and outside the grid, and the same profile interval on μ (1e-5).
import { test } from "node:test";
import assert from "node:assert/strict";
import { TemplateLikelihood, type TemplateModelSpec } from "../../src/templates/likelihood.ts";
import { templateWorkspace, TEMPLATE_MODIFIER_SETTINGS } from "../../src/templates/histfactory-export.ts";
import type { TemplateGrid } from "../../src/templates/grid.ts";
import { compileModel, workspaceFromJson } from "../../src/histfactory/index.ts";
import { profileInterval } from "../../src/infer/profile-interval.ts";
import { Rng } from "../../src/math/rng.ts";
import { InputError } from "../../src/io/errors.ts";

const processes = ["sig", "bkg1", "bkg2"];
const regions = [{ name: "SR", bins: 4 }, { name: "CR", bins: 1 }];
const nom = [[5, 12, 20, 9, 1], [60, 45, 30, 15, 200], [10, 12, 14, 16, 40]];
// Per axis and process, the shift at −1 and +1 of each bin.
const dHi = [[[0.5, 1, 1.5, 0.6, 0.1], [3, -2, 1, 0.5, 8], [0.2, 0.3, -0.4, 0.5, 1]], [[-0.3, 0.2, 0.8, 0.1, 0], [-4, 1, 2, -1, 5], [1, -1, 0.5, 0.5, -2]]];
const dLo = [[[-0.4, -0.8, -1.2, -0.5, -0.1], [-2, 2.5, -1.5, -0.3, -6], [-0.1, -0.2, 0.5, -0.4, -1.5]], [[0.2, -0.3, -0.6, 0, 0.1], [3, -1.5, -1, 1.2, -4], [-0.8, 0.7, -0.4, -0.2, 1.5]]];

function additiveGrid(): TemplateGrid {
  const yields: number[] = [];
  for (const k0 of [0, 1, 2]) for (const k1 of [0, 1, 2]) {
    for (let p = 0; p < 3; p++) for (let b = 0; b < 5; b++) {
      const d = (a: number, k: number) => (k === 2 ? dHi[a][p][b] : k === 0 ? dLo[a][p][b] : 0);
      yields.push(nom[p][b] + d(0, k0) + d(1, k1));
    }
  }
  return { axes: [{ name: "alpha_a", values: Float64Array.from([-1, 0, 1]) }, { name: "alpha_b", values: Float64Array.from([-1, 0, 1]) }], regions, processes, yields: Float64Array.from(yields) };
}

const unit = { type: "gaussian" as const, mean: 0, sigma: 1 };
const spec: TemplateModelSpec = {
  poi: { name: "mu", init: 1, lower: 0, upper: 10 },
  signal: ["sig"],
  shapes: [{ name: "alpha_a", init: 0, lower: -5, upper: 5, constraint: unit }, { name: "alpha_b", init: 0, lower: -5, upper: 5, constraint: unit }],
  norms: [{ name: "bkg_norm", kind: "power", alpha: 0.1, processes: ["bkg1", "bkg2"], init: 0, lower: -5, upper: 5, constraint: unit }, { name: "b2_norm", kind: "power", alpha: 0.3, processes: ["bkg2"], init: 0, lower: -5, upper: 5, constraint: unit }],
  interpolation: "linear",
  outside: "extrapolate",
};
const observed = [80, 75, 70, 42, 238];

test("the exported workspace gives the same NLL as the template likelihood (1e-8) inside and outside ±1", () => {
  const grid = additiveGrid();
  const lik = new TemplateLikelihood(grid, spec, observed);
  const hf = compileModel(workspaceFromJson(templateWorkspace(grid, spec, observed), "templates.json"), { modifierSettings: TEMPLATE_MODIFIER_SETTINGS });
  const map = lik.parameters.map((p) => hf.parameters.findIndex((q) => q.name === p.name));
  assert.ok(map.every((i) => i >= 0), `parameters ${hf.parameters.map((p) => p.name)}`);
  assert.equal(hf.nMain, lik.nMain);
  const rng = new Rng(4);
  for (let k = 0; k < 50; k++) {
    const x = Float64Array.from([0.2 + 2 * rng.uniform(), -2.5 + 5 * rng.uniform(), -2.5 + 5 * rng.uniform(), -2 + 4 * rng.uniform(), -2 + 4 * rng.uniform()]);
    const y = new Float64Array(hf.parameters.length);
    map.forEach((j, i) => { y[j] = x[i]; });
    const a = lik.nll(x, lik.observed), b = hf.nll(y, hf.observed);
    assert.ok(Math.abs(a - b) < 1e-8, `at ${Array.from(x)}: ${a} vs ${b}`);
  }
});

test("the same 68.27% profile interval on μ (1e-5)", () => {
  const grid = additiveGrid();
  const lik = new TemplateLikelihood(grid, spec, observed);
  const hf = compileModel(workspaceFromJson(templateWorkspace(grid, spec, observed), "templates.json"), { modifierSettings: TEMPLATE_MODIFIER_SETTINGS });
  const poiHf = hf.parameters.findIndex((p) => p.name === "mu");
  const a = profileInterval(lik, 0);
  const b = profileInterval(hf, poiHf);
  assert.ok(a.converged && b.converged, `${a.message} | ${b.message}`);
  assert.ok(!a.lower_at_bound && !a.upper_at_bound);
  assert.ok(Math.abs(a.estimate - b.estimate) < 1e-5, `μ̂ ${a.estimate} vs ${b.estimate}`);
  assert.ok(Math.abs(a.lower - b.lower) < 1e-5 && Math.abs(a.upper - b.upper) < 1e-5, `[${a.lower}, ${a.upper}] vs [${b.lower}, ${b.upper}]`);
});

test("a model HistFactory cannot express is refused with the reason", () => {
  const grid = additiveGrid();
  const y = Float64Array.from(grid.yields);
  y[0] += 0.5; // the (−1, −1) corner no longer the sum of the one-axis shifts
  assert.throws(() => templateWorkspace({ ...grid, yields: y }, spec, observed), (e: unknown) => e instanceof InputError && /not additive at point 0/.test(e.message));
  assert.throws(() => templateWorkspace(grid, { ...spec, interpolation: "cubic" }, observed), /only linear interpolation/);
  // Under pyhf's default codes (code4p, code4) the two differ inside |α| < 1: the settings matter.
  const lik = new TemplateLikelihood(grid, spec, observed);
  const hf = compileModel(workspaceFromJson(templateWorkspace(grid, spec, observed), "templates.json"));
  const x = Float64Array.from([1, 0.5, 0, 0, 0]);
  const xh = Float64Array.from(hf.parameters, (p) => x[lik.parameters.findIndex((q) => q.name === p.name)]);
  assert.ok(Math.abs(lik.nll(x, lik.observed) - hf.nll(xh, hf.observed)) > 1e-3);
});
