// Test statistics, the asymptotic calculator, significance and upper limits on counting
// models with closed forms (Cowan, Cranmer, Gross, Vitells, EPJC 71 (2011) 1554).
import { test } from "node:test";
import assert from "node:assert/strict";
import { countingModel } from "../../src/likelihood/counting.ts";
import { ProfileFits, testStatistic } from "../../src/infer/test-statistics.ts";
import { AsymptoticCalculator } from "../../src/infer/asymptotic.ts";
import { hypotest } from "../../src/infer/hypotest.ts";
import { significance } from "../../src/infer/significance.ts";
import { upperLimit } from "../../src/infer/upper-limit.ts";
import { normalCdf } from "../../src/math/special.ts";

/** −2 ln λ for one Poisson bin without nuisance parameters: 2[ν − n + n ln(n/ν)]. */
const tPois = (n: number, nu: number) => 2 * (nu - n + (n > 0 ? n * Math.log(n / nu) : 0));
const S = 5, B = 10;
const oneBin = (n: number, muBounds?: [number, number]) => countingModel({ signal: [S], background: [B], observed: [n], muBounds });

test("t_μ, q_μ and q0 on one Poisson bin match the closed form; q_μ = 0 for μ̂ > μ; q0 = 0 for μ̂ < 0", () => {
  const f = new ProfileFits(oneBin(12), oneBin(12).observed);
  assert.ok(Math.abs(f.muHat - 0.4) < 1e-5);
  assert.ok(Math.abs(testStatistic("q", f, 2) - tPois(12, 2 * S + B)) < 1e-7);
  assert.ok(Math.abs(testStatistic("tmu", f, 0.1) - tPois(12, 0.1 * S + B)) < 1e-7);
  assert.equal(testStatistic("qtilde", f, 0.1), 0);
  assert.ok(Math.abs(testStatistic("q0", f, 0) - tPois(12, B)) < 1e-7);
  const neg = oneBin(8, [-5, 10]);
  const g = new ProfileFits(neg, neg.observed);
  assert.ok(Math.abs(g.muHat + 0.4) < 1e-5);
  assert.equal(testStatistic("q0", g, 0), 0);
});

test("asymptotic CLs: Asimov data = b; median expected CLs = Φ(−√q_A)/0.5; q̃ branch (Cowan eq. 65) when q > q_A", () => {
  const m = oneBin(9);
  const calc = new AsymptoticCalculator(m, m.observed, "qtilde");
  assert.ok(Math.abs(calc.asimov.data[0] - B) < 1e-6);
  const mu = 3;
  const r = calc.test(mu);
  const qA = tPois(B, mu * S + B);
  assert.ok(Math.abs(r.qA - qA) < 1e-6);
  assert.ok(Math.abs(r.expected[2].cls - normalCdf(-Math.sqrt(qA)) / 0.5) < 1e-6);
  for (let i = 1; i < 5; i++) assert.ok(r.expected[i].cls > r.expected[i - 1].cls);
  assert.ok(r.q > r.qA, "the case exercises the second branch");
  const clsb = normalCdf(-(r.q + r.qA) / (2 * Math.sqrt(r.qA)));
  const clb = normalCdf(-(r.q - r.qA) / (2 * Math.sqrt(r.qA)));
  assert.ok(Math.abs(r.observed.clsb - clsb) < 1e-12 && Math.abs(r.observed.clb - clb) < 1e-12);
  assert.ok(Math.abs(r.observed.cls - clsb / clb) < 1e-12);
  // q (no tilde) keeps the √ form: CL_s+b = Φ(−√q).
  const rq = new AsymptoticCalculator(m, m.observed, "q").test(mu);
  assert.ok(Math.abs(rq.observed.clsb - normalCdf(-Math.sqrt(rq.q))) < 1e-12);
  // μ = 0 with q̃: q = q_A = 0 → CLs = 1 (pyhf).
  assert.equal(hypotest(m, 0).cls_obs, 1);
});

test("significance: Z_obs = √q0; median expected Z_A = √(2[(s+b) ln(1+s/b) − s]) (Cowan eq. 97)", () => {
  const m = oneBin(19);
  const s = significance(m);
  assert.ok(Math.abs(s.z_obs - Math.sqrt(tPois(19, B))) < 1e-6);
  assert.ok(Math.abs(s.p0_obs - normalCdf(-s.z_obs)) < 1e-12);
  const zA = Math.sqrt(2 * ((S + B) * Math.log(1 + S / B) - S));
  assert.ok(Math.abs(s.z_exp - zA) < 1e-5, `${s.z_exp} vs ${zA}`);
  assert.equal(s.p0_exp_band.length, 5);
});

test("upper limits: CLs = α at each limit; scan mode agrees; the CL is honoured", () => {
  const m = countingModel({ signal: [4, 6], background: [20, 10], relativeUncertainty: 0.1, observed: [22, 12] });
  const r = upperLimit(m);
  const calc = new AsymptoticCalculator(m, m.observed, "qtilde");
  assert.ok(Math.abs(calc.test(r.obs).observed.cls - 0.05) < 1e-6);
  r.exp.forEach((x, i) => assert.ok(Math.abs(calc.test(x).expected[i].cls - 0.05) < 1e-6, `exp[${i}]`));
  assert.ok(r.exp.every((x, i) => i === 0 || x > r.exp[i - 1]));
  assert.equal(r.above_poi_bound, false);
  const grid = Array.from({ length: 301 }, (_, k) => (k * 6) / 300);
  const g = upperLimit(m, { scan: grid });
  [g.obs, ...g.exp].forEach((x, i) => assert.ok(Math.abs(x - [r.obs, ...r.exp][i]) < 2e-3 * x, `scan ${i}: ${x}`));
  const r90 = upperLimit(m, { level: 0.1 });
  assert.ok(r90.obs < r.obs && Math.abs(calc.test(r90.obs).observed.cls - 0.1) < 1e-6);
});

test("upper limits above the POI bound: the bound is doubled until the limit is inside, and reported", () => {
  const spec = { signal: [4, 6], background: [20, 10], relativeUncertainty: 0.1, observed: [26, 17] };
  const wide = upperLimit(countingModel(spec));
  const narrow = upperLimit(countingModel({ ...spec, muBounds: [0, 0.4] }));
  assert.ok(narrow.above_poi_bound && !narrow.capped);
  assert.equal(narrow.poi_upper_bound, 0.4);
  assert.ok(narrow.poi_upper_bound_used >= Math.max(...narrow.exp));
  [narrow.obs, ...narrow.exp].forEach((x, i) => assert.ok(Math.abs(x - [wide.obs, ...wide.exp][i]) < 1e-5 * x, `${i}: ${x}`));
  // A cap below the limits: those curves report +∞.
  const capped = upperLimit(countingModel({ ...spec, muBounds: [0, 0.4] }), { maxUpper: 1 });
  assert.ok(capped.capped && capped.exp[4] === Infinity);
});
