// Yields with linearly propagated uncertainties (src/histfactory/report/yields.ts): the sum of the
// per-sample models equals the full model's expected data, the Jacobian equals central finite
// differences, the propagated σ equals the spread of yields over parameters drawn from the fit
// covariance (real ATLAS workspaces: sbottom RegionA, stau combined), and the tables.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { needsShared } from "../../shared.ts";
import { referenceCases, caseSpec, type RefCase } from "../reference-cases.ts";
import {
  yieldModel, postfitPrediction, prefitPrediction, prefitParameters, prefitUncertainties, sampleJacobians, type YieldModel,
} from "../../../src/histfactory/report/yields.ts";
import { yieldsCsv, yieldsLatex, yieldsMarkdown, formatYield, latexEscape } from "../../../src/histfactory/report/tables.ts";
import { fit, uncertainties, type FitResult, type Uncertainties } from "../../../src/likelihood/fit.ts";
import { samplingFactor, mvnDraw } from "../../../src/math/mvn.ts";
import { Rng } from "../../../src/math/rng.ts";
import { parseCsv } from "../../../src/io/csv.ts";

const SBOTTOM = "atlas-susy-2018-31-sbottom/RegionA/sbottom_1300_205_60";
const STAU = "atlas-susy-2018-04-stau/Region-combined/DS_440_80";

const cache = new Map<string, { c: RefCase; ym: YieldModel; r: FitResult; u: Uncertainties }>();
function setup(name: string) {
  if (!cache.has(name)) {
    const c = referenceCases().find((x) => x.name === name)!;
    const ym = yieldModel(caseSpec(c), { measurement: c.measurement });
    const r = fit(ym.model, ym.model.observed);
    cache.set(name, { c, ym, r, u: uncertainties(ym.model, ym.model.observed, r) });
  }
  return cache.get(name)!;
}

describe("yields on real ATLAS workspaces", needsShared(), () => {
  for (const name of [SBOTTOM, STAU]) {
    test(`${name}: post-fit yields = the model's expected data at the best fit (1e-12), and pyhf's at pyhf's best fit (1e-9)`, () => {
      const { c, ym, r, u } = setup(name);
      const post = postfitPrediction(ym, r.pars, u.covariance);
      const exp = ym.model.expectedMain(r.pars);
      post.channels.forEach((ch, ci) => {
        const off = ym.channels[ci].offset;
        ch.total.yields.forEach((y, b) => assert.ok(Math.abs(y - exp[off + b]) <= 1e-12 * Math.abs(exp[off + b]), `${ch.name}[${b}]: ${y} vs ${exp[off + b]}`));
        const sumSamples = ch.samples.reduce((a, s) => a + s.sum, 0);
        assert.ok(Math.abs(sumSamples - ch.total.sum) <= 1e-12 * ch.total.sum);
      });
      // pyhf's expected data at its own best fit, through our per-sample sum.
      const pars = Float64Array.from(ym.model.parNames.map((n) => {
        const m = /^(.*)\[(\d+)\]$/.exec(n);
        const v = m ? (c.mle_obs.bestfit[m[1]] as number[])[Number(m[2])] : (c.mle_obs.bestfit[n] as number | number[]);
        return Array.isArray(v) ? v[0] : v;
      }));
      const ref = (c.mle_obs as unknown as { expected_main_at_bestfit: number[] }).expected_main_at_bestfit;
      const atPyhf = postfitPrediction(ym, pars, u.covariance);
      atPyhf.channels.forEach((ch, ci) => ch.total.yields.forEach((y, b) => {
        const e = ref[ym.channels[ci].offset + b];
        assert.ok(Math.abs(y - e) <= 1e-9 * Math.abs(e), `${ch.name}[${b}]: ${y} vs pyhf ${e}`);
      }));
    });

    test(`${name}: per-sample Jacobians equal central finite differences (1e-6), at the best fit and at |α| > 1`, () => {
      const { ym, r } = setup(name);
      const nPar = ym.model.parameters.length, nMain = ym.model.nMain;
      const far = Float64Array.from(r.pars);
      const rng = new Rng(5);
      ym.model.parameters.forEach((p, k) => { if (p.lower === -5) far[k] = (rng.uniform() < 0.5 ? -1 : 1) * (1.2 + rng.uniform()); });
      for (const pars of [r.pars, far]) {
        const { jac } = sampleJacobians(ym, pars);
        let worst = 0;
        for (let k = 0; k < nPar; k++) {
          const h = 1e-5 * Math.max(1, Math.abs(pars[k]));
          const up = Float64Array.from(pars), dn = Float64Array.from(pars);
          up[k] += h; dn[k] -= h;
          ym.perSample.forEach((m, s) => {
            const a = m.expectedMain(up), b = m.expectedMain(dn), y = m.expectedMain(pars);
            for (let i = 0; i < nMain; i++) {
              const fd = (a[i] - b[i]) / (2 * h), an = jac[s][k * nMain + i];
              // Relative to the derivative, or to the yield itself for derivatives near 0 (round-off of y/h).
              const err = Math.abs(fd - an) / (Math.abs(an) + 1e-3 * Math.abs(y[i]) + 1e-12);
              worst = Math.max(worst, err);
            }
          });
        }
        assert.ok(worst < 1e-6, `worst relative Jacobian error ${worst}`);
      }
    });

    test(`${name}: propagated σ = spread of yields over 20000 draws from the fit covariance (linear regime), within 2%`, () => {
      // Draws from N(θ̂, ε²C) with ε = 1e-3 and the spread divided by ε: the regime where linear
      // propagation is exact. At ε = 1 the two differ where templates are non-linear in α (e.g.
      // histosys whose up and down variations lie on the same side of the nominal: δ ∝ α²), which
      // no linear method (nor cabinetry's symmetrised ±1σ) captures.
      const { ym, r, u } = setup(name);
      const post = postfitPrediction(ym, r.pars, u.covariance);
      const n = ym.model.parameters.length, eps = 1e-3;
      const F = samplingFactor(u.covariance.map((v) => v * eps * eps), n);
      const rng = new Rng(11), x = new Float64Array(n), z = new Float64Array(n);
      const N = 20000, nMain = ym.model.nMain;
      const y0 = ym.model.expectedMain(r.pars);
      const s2 = new Float64Array(nMain), buf = new Float64Array(nMain + ym.model.nAux);
      const pick = ym.samples.indexOf(name === SBOTTOM ? "ttbar" : "W_Staus");
      const s2s = new Float64Array(nMain), y0s = ym.perSample[pick].expectedMain(r.pars);
      for (let i = 0; i < N; i++) {
        mvnDraw(r.pars, F, rng, x, z);
        ym.model.expected(x, buf);
        for (let b = 0; b < nMain; b++) s2[b] += (buf[b] - y0[b]) ** 2;
        if (i < 3000) {
          ym.perSample[pick].expected(x, buf);
          for (let b = 0; b < nMain; b++) s2s[b] += (buf[b] - y0s[b]) ** 2;
        }
      }
      post.channels.forEach((ch, ci) => {
        const off = ym.channels[ci].offset;
        ch.total.stdev.forEach((sd, b) => {
          const mc = Math.sqrt(s2[off + b] / N) / eps;
          assert.ok(Math.abs(sd / mc - 1) < 0.02, `${ch.name}[${b}] total: propagated ${sd} vs sampled ${mc}`);
        });
        const smp = ch.samples.find((s) => s.name === ym.samples[pick]);
        smp?.stdev.forEach((sd, b) => {
          const mc = Math.sqrt(s2s[off + b] / 3000) / eps;
          if (sd > 0) assert.ok(Math.abs(sd / mc - 1) < 0.04, `${ch.name}[${b}] ${smp.name}: propagated ${sd} vs sampled ${mc}`);
        });
      });
    });
  }

  test("channel-sum σ includes the bin-to-bin correlations: equals √(Σ_bb' cov) computed from the Jacobian", () => {
    const { ym, r, u } = setup(SBOTTOM);
    const post = postfitPrediction(ym, r.pars, u.covariance);
    const { jac } = sampleJacobians(ym, r.pars);
    const n = ym.model.parameters.length, nMain = ym.model.nMain;
    const c = ym.channels[0];
    const v = new Float64Array(n);
    for (let k = 0; k < n; k++) for (let b = c.offset; b < c.offset + c.nbins; b++) for (const J of jac) v[k] += J[k * nMain + b];
    let s = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) s += v[i] * u.covariance[i * n + j] * v[j];
    assert.ok(Math.abs(post.channels[0].total.sumStdev - Math.sqrt(s)) < 1e-9 * Math.sqrt(s));
    const indep = Math.sqrt(post.channels[0].total.stdev.reduce((a, x) => a + x * x, 0));
    assert.notEqual(post.channels[0].total.sumStdev.toFixed(6), indep.toFixed(6));
  });

  test("pre-fit: parameters at the auxiliary nominals, widths from the constraints; updown (cabinetry) ≈ linear for small effects", () => {
    const { ym, r, u } = setup(SBOTTOM);
    const p0 = prefitParameters(ym.model), s0 = prefitUncertainties(ym.model);
    ym.model.parameters.forEach((p, k) => {
      if (p.name.startsWith("staterror") || p.name === "lumi") assert.equal(p0[k], 1);
      if (!p.constrained) { assert.equal(s0[k], 0); assert.equal(p0[k], p.init); }
    });
    const pre = prefitPrediction(ym), preUd = prefitPrediction(ym, "updown");
    pre.channels.forEach((ch, ci) => ch.total.stdev.forEach((sd, b) => assert.ok(Math.abs(sd / preUd.channels[ci].total.stdev[b] - 1) < 0.25, `${ch.name}[${b}]`)));
    // A model that is linear in the parameter: the lumi-only contribution is identical in both methods.
    const onlyLumi = new Float64Array(u.errors.length);
    const k = ym.model.parNames.indexOf("lumi");
    onlyLumi[k] = u.errors[k];
    const a = postfitPrediction(ym, r.pars, Float64Array.from({ length: onlyLumi.length ** 2 }, (_, i) => (i === k * onlyLumi.length + k ? onlyLumi[k] ** 2 : 0)));
    const b = postfitPrediction(ym, r.pars, Float64Array.from({ length: onlyLumi.length ** 2 }, (_, i) => (i === k * onlyLumi.length + k ? onlyLumi[k] ** 2 : 0)), "updown");
    a.channels.forEach((ch, ci) => ch.total.stdev.forEach((sd, j) => assert.ok(Math.abs(sd - b.channels[ci].total.stdev[j]) < 1e-9 * sd)));
  });

  test("sampling: the spread over draws from the covariance (seeded); where templates are one-sided it exceeds the linear σ", () => {
    const { ym, r, u } = setup(SBOTTOM);
    const a = postfitPrediction(ym, r.pars, u.covariance, "sampling", { draws: 4000, seed: 3 });
    const b = postfitPrediction(ym, r.pars, u.covariance, "sampling", { draws: 4000, seed: 3 });
    assert.deepEqual(a, b);
    const lin = postfitPrediction(ym, r.pars, u.covariance);
    const sr = a.channels.find((c) => c.name === "SR_meff")!, srLin = lin.channels.find((c) => c.name === "SR_meff")!;
    // Central values are the yields at θ̂, whatever the method.
    assert.deepEqual(sr.total.yields, srLin.total.yields);
    // SR bin 3: JER histosys templates move one way for both variations (δ ∝ α²): linear misses it.
    assert.ok(sr.total.stdev[2] > 1.05 * srLin.total.stdev[2], `sampling ${sr.total.stdev[2]} vs linear ${srLin.total.stdev[2]}`);
    // Elsewhere (CR bin 1) the two agree to the sampling precision.
    const cr = a.channels.find((c) => c.name === "CRtt_meff")!, crLin = lin.channels.find((c) => c.name === "CRtt_meff")!;
    assert.ok(Math.abs(cr.total.stdev[1] / crLin.total.stdev[1] - 1) < 0.1, `${cr.total.stdev[1]} vs ${crLin.total.stdev[1]}`);
  });

  test("tables: CSV reads back; Markdown and LaTeX hold every sample, the total and the data", () => {
    const { ym, r, u } = setup(SBOTTOM);
    const preds = [prefitPrediction(ym), postfitPrediction(ym, r.pars, u.covariance)];
    const data = { CRtt_meff: [1, 2, 3], SR_meff: null };
    const csv = parseCsv(yieldsCsv(preds, data));
    assert.deepEqual(csv.columns, ["stage", "channel", "sample", "bin", "yield", "stdev"]);
    const post = preds[1].channels.find((c) => c.name === "SR_meff")!;
    const row = csv.rows.find((x) => x.stage === "post-fit" && x.channel === "SR_meff" && x.sample === "total" && x.bin === "all")!;
    assert.equal(Number(row.yield), post.total.sum);
    assert.equal(Number(row.stdev), post.total.sumStdev);
    assert.equal(csv.rows.filter((x) => x.sample === "data").length, 2 * 4);
    assert.ok(!csv.rows.some((x) => x.channel === "SR_meff" && x.sample === "data"), "blinded data must not appear");
    const md = yieldsMarkdown(preds, data);
    assert.match(md, /## post-fit yields/);
    assert.match(md, new RegExp(`\\| total \\| ${formatYield(post.total.yields[0], post.total.stdev[0]).replace(/[.+]/g, "\\$&")}`));
    const tex = yieldsLatex(preds, data);
    assert.equal((tex.match(/\\begin\{tabular\}/g) ?? []).length, 4);
    assert.match(tex, /sbottom\\_1300\\_205\\_60/);
    assert.match(tex, /\$\\pm\$/);
    assert.equal(latexEscape("a_b&c%"), "a\\_b\\&c\\%");
    assert.equal(formatYield(0.001234, 0.5), "0.00123 ± 0.50");
  });
});
