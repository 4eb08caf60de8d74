// The template likelihood: −ln L against a direct evaluation of §B4's formula, the analytic
// gradient against central differences (every constraint and normalisation kind, every
// interpolation mode), and the μ interval methods against infer's general profile scan.
import { test } from "node:test";
import assert from "node:assert/strict";
import { TemplateLikelihood, type TemplateModelSpec } from "../../src/templates/likelihood.ts";
import { fitInterval } from "../../src/templates/interval.ts";
import { syntheticGrid, syntheticModelSpec, syntheticTemplates, syntheticConfig, drawTruth, truthParameters } from "../../src/templates/synthetic.ts";
import { profileScan } from "../../src/infer/profile.ts";
import { profileInterval } from "../../src/infer/profile-interval.ts";
import { lgamma } from "../../src/math/special.ts";
import { Rng } from "../../src/math/rng.ts";
import { InputError } from "../../src/io/errors.ts";

const small = { bins: [6, 1, 2, 1] as [number, number, number, number], grid: { tes: [0.96, 1.04, 9] as [number, number, number], jes: [0.96, 1.04, 9] as [number, number, number], soft_met: [0, 5, 11] as [number, number, number] } };
const grid = syntheticGrid(small);

function mixedSpec(mode: "linear" | "loglinear" | "cubic"): TemplateModelSpec {
  const s = syntheticModelSpec({ interpolation: mode, outside: "extrapolate" });
  // Exercise every constraint and normalisation kind.
  s.shapes[2] = { name: "soft_met", init: 1, lower: 0.05, upper: 5, constraint: { type: "lognormal", mu: 0, sigma: 1 } };
  s.norms[2] = { name: "diboson_scale", kind: "scale", processes: ["diboson"], init: 1, lower: 0, upper: 2, constraint: { type: "gaussian", mean: 1, sigma: 0.25 } };
  s.norms.push({ name: "free_z", kind: "scale", processes: ["ztautau"], init: 1, lower: 0.5, upper: 1.5, constraint: { type: "none" } });
  return s;
}

test("−ln L equals Σ[ν − n ln ν + ln Γ(n+1)] + constraints evaluated directly from the exact templates at a grid node", () => {
  const spec = mixedSpec("linear");
  const lik = new TemplateLikelihood(grid, spec);
  const cfg = syntheticConfig(small);
  const pars = Float64Array.from([1.3, 0.99, 1.01, 2.0, 0.7, -1.2, 1.1, 0.95]); // tes, jes, soft_met on nodes
  const rng = new Rng(11);
  const data = lik.sample(pars, rng);
  const T = new Float64Array(4 * lik.nMain);
  syntheticTemplates(cfg, [0.99, 1.01, 2.0], T);
  const nB = lik.nMain;
  const kb = 1.001 ** 0.7, kt = 1.02 ** -1.2, kd = 1.1;
  let nll = 0;
  for (let b = 0; b < nB; b++) {
    const nu = 1.3 * T[b] + kb * 0.95 * T[nB + b] + kb * kt * T[2 * nB + b] + kb * kd * T[3 * nB + b];
    nll += nu - data[b] * Math.log(nu) + lgamma(data[b] + 1);
  }
  const gauss = (x: number, m: number, s: number) => (x - m) ** 2 / (2 * s * s) + Math.log(s) + 0.5 * Math.log(2 * Math.PI);
  // aux order = gaussian parameters in parameter order: tes, jes, bkg, ttbar, diboson
  const aux = Array.from(data.subarray(nB));
  assert.equal(aux.length, 5);
  nll += gauss(aux[0], 0.99, 0.01) + gauss(aux[1], 1.01, 0.01) + gauss(aux[2], 0.7, 1) + gauss(aux[3], -1.2, 1) + gauss(aux[4], 1.1, 0.25);
  nll += Math.log(2.0) ** 2 / 2 + Math.log(2.0) + 0.5 * Math.log(2 * Math.PI); // lognormal(0, 1) at 2
  const got = lik.nll(pars, data);
  assert.ok(Math.abs(got - nll) < 1e-9 * Math.abs(nll), `${got} vs ${nll}`);
});

test("analytic gradient equals central differences for every interpolation mode and parameter kind", () => {
  // Small yields keep the NLL's terms small, so the differences resolve the gradient to ~1e-7.
  const lowGrid = syntheticGrid({ ...small, yields: [50, 3000, 400, 150] });
  for (const mode of ["linear", "loglinear", "cubic"] as const) {
    const lik = new TemplateLikelihood(lowGrid, mixedSpec(mode));
    const rng = new Rng(7);
    const n = lik.parameters.length;
    const g = new Float64Array(n);
    for (let k = 0; k < 5; k++) {
      const pars = Float64Array.from([0.5 + 2 * rng.uniform(), 0.95 + 0.1 * rng.uniform(), 0.97 + 0.06 * rng.uniform(), 0.2 + 5 * rng.uniform(), -2 + 4 * rng.uniform(), -2 + 4 * rng.uniform(), 0.5 + rng.uniform(), 0.8 + 0.4 * rng.uniform()]);
      const data = lik.sample(pars, rng);
      lik.nllGrad(pars, data, g);
      let termScale = 0;
      for (let b = 0; b < lik.nMain; b++) termScale += lgamma(data[b] + 1) + data[b];
      for (let i = 0; i < n; i++) {
        const h = 1e-5 * Math.max(1, Math.abs(pars[i]));
        const p = Float64Array.from(pars), m = Float64Array.from(pars);
        p[i] += h; m[i] -= h;
        const fd = (lik.nll(p, data) - lik.nll(m, data)) / (2 * h);
        // Rounding in the difference of two NLLs costs ~ε·Σ|terms|/h (terms ν and ln Γ(n+1) ~ 1e7
        // cancel to a total ~1e2); truncation ~h²f''' is far smaller.
        const tol = 1e-6 * Math.max(1, Math.abs(fd)) + (100 * Number.EPSILON * termScale) / h;
        assert.ok(Math.abs(fd - g[i]) <= tol, `${mode} ${lik.parameters[i].name}: fd ${fd} vs ${g[i]} (tol ${tol})`);
      }
    }
  }
});

test("the profile interval equals infer's general profile scan (68.27%) to 1e-6; scan and Hesse modes agree to a few %", () => {
  const lik = new TemplateLikelihood(grid, syntheticModelSpec());
  const rng = new Rng(99);
  const tp = truthParameters(lik, 1.2, drawTruth(rng));
  const data = lik.sample(tp, rng);
  data.set(lik.nominalAux, lik.nMain);
  const fast = profileInterval(lik, 0, { data });
  const general = profileScan(lik, 0, { data, npoints: 3 }).intervals[0];
  assert.ok(fast.converged, fast.message);
  assert.ok(Math.abs(fast.lower - general.lower) < 1e-6 && Math.abs(fast.upper - general.upper) < 1e-6, `${fast.lower},${fast.upper} vs ${general.lower},${general.upper}`);
  assert.ok(fast.fits < 20, `${fast.fits} profiled fits`);
  const prof = fitInterval(lik, data, { method: "profile" });
  const scan = fitInterval(lik, data, { method: "scan" });
  const hesse = fitInterval(lik, data, { method: "hesse" });
  for (const r of [scan, hesse]) {
    assert.equal(r.status, "ok");
    assert.ok(Math.abs(r.p16 - prof.p16) < 0.05 * prof.half_width && Math.abs(r.p84 - prof.p84) < 0.05 * prof.half_width, `${r.p16},${r.p84} vs ${prof.p16},${prof.p84}`);
  }
  // Calibration is opt-in and does what it says.
  const cal = fitInterval(lik, data, { method: "profile", inflate: 1.045, clip: [0.1, 3] });
  assert.ok(Math.abs(cal.half_width - 1.045 * prof.half_width) < 1e-9 || cal.p16 === 0.1 || cal.p84 === 3);
  assert.equal(Object.keys(prof.bestfit).length, 7);
});

test("a fit that cannot succeed is recorded as failed with its reason", () => {
  const lik = new TemplateLikelihood(grid, syntheticModelSpec());
  const data = Float64Array.from(lik.observed);
  data[0] = NaN;
  const r = fitInterval(lik, data);
  assert.equal(r.status, "failed");
  assert.ok(r.reason.length > 0 && Number.isNaN(r.mu_hat));
});

test("bad model specs: a nuisance absent from the grid, a grid axis without a nuisance, bounds that exclude init", () => {
  const bad = (mut: (s: TemplateModelSpec) => void, re: RegExp) => {
    const s = syntheticModelSpec();
    mut(s);
    assert.throws(() => new TemplateLikelihood(grid, s), (e: unknown) => e instanceof InputError && re.test(e.message), re.source);
  };
  bad((s) => { s.shapes[1].name = "jes_typo"; }, /shapes\.jes_typo: nuisance "jes_typo" is not an axis of the template grid \(axes: tes, jes, soft_met\)/);
  bad((s) => { s.shapes.pop(); }, /shapes: the grid axis "soft_met" has no nuisance definition/);
  bad((s) => { s.norms[0].processes = ["zz"]; }, /norms\.bkg_scale\.processes: process "zz" is not in the template grid/);
  bad((s) => { s.poi.lower = 2; }, /poi\.init: init 1 of "mu" is outside its bounds \[2, 10\]/);
  bad((s) => { s.shapes[2].constraint = { type: "lognormal", mu: 0, sigma: 1 }; }, /shapes\.soft_met\.lower: a lognormal constraint needs lower > 0/);
});
