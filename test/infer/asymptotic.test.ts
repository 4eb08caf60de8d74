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
  assert.ok(Math.abs(f.muHat - 0.4) < 1e-5, "Math.abs(f.muHat - 0.4) < 1e-5");
  assert.ok(Math.abs(testStatistic("q", f, 2) - tPois(12, 2 * S + B)) < 1e-7, "Math.abs(testStatistic(\"q\", f, 2) - tPois(12, 2 * S + B)) < 1e-7");
  assert.ok(Math.abs(testStatistic("tmu", f, 0.1) - tPois(12, 0.1 * S + B)) < 1e-7, "Math.abs(testStatistic(\"tmu\", f, 0.1) - tPois(12, 0.1 * S + B)) < 1e-7");
  assert.equal(testStatistic("qtilde", f, 0.1), 0);
  assert.ok(Math.abs(testStatistic("q0", f, 0) - tPois(12, B)) < 1e-7, "Math.abs(testStatistic(\"q0\", f, 0) - tPois(12, B)) < 1e-7");
  const neg = oneBin(8, [-5, 10]);
  const g = new ProfileFits(neg, neg.observed);
  assert.ok(Math.abs(g.muHat + 0.4) < 1e-5, "Math.abs(g.muHat + 0.4) < 1e-5");
  assert.equal(testStatistic("q0", g, 0), 0);
});

test("asymptotic CLs: Asimov data = b; median expected CLs = Φ(−√q_A)/0.5; q̃ branch (Cowan eq. 65) when q > q_A", () => {
  const m = oneBin(9);
  const calc = new AsymptoticCalculator(m, m.observed, "qtilde");
  assert.ok(Math.abs(calc.asimov.data[0] - B) < 1e-6, "Math.abs(calc.asimov.data[0] - B) < 1e-6");
  const mu = 3;
  const r = calc.test(mu);
  const qA = tPois(B, mu * S + B);
  assert.ok(Math.abs(r.qA - qA) < 1e-6, "Math.abs(r.qA - qA) < 1e-6");
  assert.ok(Math.abs(r.expected[2].cls - normalCdf(-Math.sqrt(qA)) / 0.5) < 1e-6, "Math.abs(r.expected[2].cls - normalCdf(-Math.sqrt(qA)) / 0.5) < 1e-6");
  for (let i = 1; i < 5; i++) assert.ok(r.expected[i].cls > r.expected[i - 1].cls, "r.expected[i].cls > r.expected[i - 1].cls");
  assert.ok(r.q > r.qA, "the case exercises the second branch");
  const clsb = normalCdf(-(r.q + r.qA) / (2 * Math.sqrt(r.qA)));
  const clb = normalCdf(-(r.q - r.qA) / (2 * Math.sqrt(r.qA)));
  assert.ok(Math.abs(r.observed.clsb - clsb) < 1e-12 && Math.abs(r.observed.clb - clb) < 1e-12, "Math.abs(r.observed.clsb - clsb) < 1e-12 && Math.abs(r.observed.clb - clb) < 1e-12");
  assert.ok(Math.abs(r.observed.cls - clsb / clb) < 1e-12, "Math.abs(r.observed.cls - clsb / clb) < 1e-12");
  // q (no tilde) keeps the √ form: CL_s+b = Φ(−√q).
  const rq = new AsymptoticCalculator(m, m.observed, "q").test(mu);
  assert.ok(Math.abs(rq.observed.clsb - normalCdf(-Math.sqrt(rq.q))) < 1e-12, "Math.abs(rq.observed.clsb - normalCdf(-Math.sqrt(rq.q))) < 1e-12");
  // μ = 0 with q̃: q = q_A = 0 → CLs = 1 (pyhf).
  assert.equal(hypotest(m, 0).cls_obs, 1);
});

test("significance: Z_obs = √q0; median expected Z_A = √(2[(s+b) ln(1+s/b) − s]) (Cowan eq. 97)", () => {
  const m = oneBin(19);
  const s = significance(m);
  assert.ok(Math.abs(s.z_obs - Math.sqrt(tPois(19, B))) < 1e-6, "Math.abs(s.z_obs - Math.sqrt(tPois(19, B))) < 1e-6");
  assert.ok(Math.abs(s.p0_obs - normalCdf(-s.z_obs)) < 1e-12, "Math.abs(s.p0_obs - normalCdf(-s.z_obs)) < 1e-12");
  const zA = Math.sqrt(2 * ((S + B) * Math.log(1 + S / B) - S));
  assert.ok(Math.abs(s.z_exp - zA) < 1e-5, `${s.z_exp} vs ${zA}`);
  assert.equal(s.p0_exp_band.length, 5);
});

test("upper limits: CLs = α at each limit; scan mode agrees; the CL is honoured", () => {
  const m = countingModel({ signal: [4, 6], background: [20, 10], relativeUncertainty: 0.1, observed: [22, 12] });
  const r = upperLimit(m);
  const calc = new AsymptoticCalculator(m, m.observed, "qtilde");
  assert.ok(Math.abs(calc.test(r.obs).observed.cls - 0.05) < 1e-6, "Math.abs(calc.test(r.obs).observed.cls - 0.05) < 1e-6");
  r.exp.forEach((x, i) => assert.ok(Math.abs(calc.test(x).expected[i].cls - 0.05) < 1e-6, `exp[${i}]`));
  assert.ok(r.exp.every((x, i) => i === 0 || x > r.exp[i - 1]), "r.exp.every((x, i) => i === 0 || x > r.exp[i - 1])");
  assert.equal(r.above_poi_bound, false);
  const grid = Array.from({ length: 301 }, (_, k) => (k * 6) / 300);
  const g = upperLimit(m, { scan: grid });
  [g.obs, ...g.exp].forEach((x, i) => assert.ok(Math.abs(x - [r.obs, ...r.exp][i]) < 2e-3 * x, `scan ${i}: ${x}`));
  const r90 = upperLimit(m, { level: 0.1 });
  assert.ok(r90.obs < r.obs && Math.abs(calc.test(r90.obs).observed.cls - 0.1) < 1e-6, "r90.obs < r.obs && Math.abs(calc.test(r90.obs).observed.cls - 0.1) < 1e-6");
});

test("upper limits above the POI bound: the bound is doubled until the limit is inside, and reported", () => {
  const spec = { signal: [4, 6], background: [20, 10], relativeUncertainty: 0.1, observed: [26, 17] };
  const wide = upperLimit(countingModel(spec));
  const narrow = upperLimit(countingModel({ ...spec, muBounds: [0, 0.4] }));
  assert.ok(narrow.above_poi_bound && !narrow.capped, "narrow.above_poi_bound && !narrow.capped");
  assert.equal(narrow.poi_upper_bound, 0.4);
  assert.ok(narrow.poi_upper_bound_used >= Math.max(...narrow.exp), "narrow.poi_upper_bound_used >= Math.max(...narrow.exp)");
  [narrow.obs, ...narrow.exp].forEach((x, i) => assert.ok(Math.abs(x - [wide.obs, ...wide.exp][i]) < 1e-5 * x, `${i}: ${x}`));
  // A cap below the limits: those curves report +∞.
  const capped = upperLimit(countingModel({ ...spec, muBounds: [0, 0.4] }), { maxUpper: 1 });
  assert.ok(capped.capped && capped.exp[4] === Infinity, "capped.capped && capped.exp[4] === Infinity");
});

// ---------------------------------------------------------------------------------------------
// Every branch of the asymptotic formulas (issue #23), each against its closed form.
import { asymptoticCls, observedTails, sqrtVariable, tailProbabilities, EXPECTED_SIGMAS } from "../../src/infer/asymptotic.ts";
import { normalSf } from "../../src/math/special.ts";

test("√q variable: q̃ uses √q − √q_A up to q = q_A and (q − q_A)/(2√q_A) beyond (Cowan eq. 65); q and q0 always √q − √q_A; q_A = 0 keeps the first form", () => {
  for (const kind of ["qtilde", "qtilde_unbounded"] as const) {
    assert.equal(sqrtVariable(kind, 1, 4), 1 - 2);
    assert.equal(sqrtVariable(kind, 4, 4), 0); // boundary q = q_A: first branch (both forms give 0)
    assert.equal(sqrtVariable(kind, 9, 4), (9 - 4) / (2 * 2));
    assert.equal(sqrtVariable(kind, 9, 0), 3); // q_A = 0 would divide by 0: √q − √q_A
  }
  for (const kind of ["q", "q0"] as const) assert.equal(sqrtVariable(kind, 9, 4), 3 - 2);
});

test("tail probabilities: CL_s+b = Φ(−(t + √q_A)), CL_b = Φ(−t); the CL_b floor; CL_b underflow (t ≳ 38) gives CLs = 1, never 0/0 or 0", () => {
  const r = tailProbabilities(0.7, 1.3);
  assert.equal(r.clsb, normalCdf(-2));
  assert.equal(r.clb, normalCdf(-0.7));
  assert.equal(r.cls, r.clsb / r.clb);
  // Floor active: CL_b = Φ(−9) ≈ 1.1e-19 < 1e-12.
  const f = tailProbabilities(9, 1, 1e-12);
  assert.equal(f.clb, 1e-12);
  assert.equal(f.cls, normalCdf(-10) / 1e-12);
  // Floor inactive when CL_b is above it.
  assert.equal(tailProbabilities(0.7, 1.3, 1e-12).clb, normalCdf(-0.7));
  // Underflow: Φ(−40) is 0 in float64, CL_s+b too. The 0/0 is resolved conservatively as CLs = 1
  // (nothing excluded from a numerical underflow); the mathematical limit of CL_s+b/CL_b is 0.
  assert.equal(normalCdf(-40), 0);
  const u = tailProbabilities(40, 1);
  assert.deepEqual(u, { clsb: 0, clb: 0, cls: 1 });
  // Just before underflow CLs is the plain ratio (Φ(−37) ≈ 5.7e-300 is still normal).
  const v = tailProbabilities(37, 0.01);
  assert.ok(v.clb > 0 && v.cls === v.clsb / v.clb && v.cls < 1, "v.clb > 0 && v.cls === v.clsb / v.clb && v.cls < 1");
});

test("observed tails, 'simple' formula (hps_gpr §7.7): CL_s+b = 1 − Φ(√q), CL_b = max(Φ(√q_A − √q), floor) for every q; underflow gives CLs = 1", () => {
  const q = 9, qA = 4;
  const s = observedTails("qtilde", q, qA, { formula: "simple" });
  assert.equal(s.clsb, normalSf(3));
  assert.equal(s.clb, normalCdf(2 - 3));
  assert.equal(s.cls, s.clsb / s.clb);
  // The pyhf formula differs here (q > q_A takes Cowan's second branch).
  const p = observedTails("qtilde", q, qA);
  assert.equal(p.clsb, normalCdf(-((q - qA) / 4 + 2)));
  assert.notEqual(p.cls, s.cls);
  // Floor, then underflow without a floor.
  assert.equal(observedTails("qtilde", 100, 1, { formula: "simple", clbFloor: 1e-12 }).clb, Math.max(normalCdf(1 - 10), 1e-12));
  assert.deepEqual(observedTails("qtilde", 42 * 42, 1, { formula: "simple" }), { clsb: 0, clb: 0, cls: 1 });
  assert.deepEqual(observedTails("qtilde", 1e6, 1), { clsb: 0, clb: 0, cls: 1 });
});

test("asymptoticCls: q̃ with an unbounded POI excludes nothing at μ ≤ 0 (1, 1, 1); at μ > 0 the statistic and its Asimov value", () => {
  const m = oneBin(6, [-5, 10]);
  const obs = new ProfileFits(m, m.observed);
  const asimov = new ProfileFits(m, Float64Array.of(B));
  for (const mu of [0, -1]) assert.deepEqual(asymptoticCls("qtilde_unbounded", obs, asimov, mu), { q: 0, qA: 0, observed: { clsb: 1, clb: 1, cls: 1 } });
  // μ̂ = −0.8 < 0: the unbounded q̃ takes its boundary branch, q = t(μ) − t(0) (spec hps_gpr §7.6);
  // q (no tilde) on the same fits compares with the free fit at μ̂, q = t(μ).
  const r = asymptoticCls("qtilde_unbounded", obs, asimov, 2);
  assert.ok(Math.abs(r.qA - tPois(B, 2 * S + B)) < 1e-6, "Math.abs(r.qA - tPois(B, 2 * S + B)) < 1e-6");
  assert.ok(Math.abs(r.q - (tPois(6, 2 * S + B) - tPois(6, B))) < 1e-6, `${r.q}`);
  assert.ok(Math.abs(asymptoticCls("q", obs, asimov, 2).q - tPois(6, 2 * S + B)) < 1e-6, "Math.abs(asymptoticCls(\"q\", obs, asimov, 2).q - tPois(6, 2 * S + B)) < 1e-6");
  // pyhf's q̃ is q with the POI bounded below at 0: the free fit stops at μ̂ = 0, same value.
  const bounded = oneBin(6);
  const qt = asymptoticCls("qtilde", new ProfileFits(bounded, bounded.observed), asimov, 2).q;
  assert.ok(Math.abs(qt - (tPois(6, 2 * S + B) - tPois(6, B))) < 1e-6, `${qt}`);
});

test("calculator: expected set at ±2σ, ±1σ, 0 in pyhf's order; μ_A = 1 for q0; t_μ is refused; caller-supplied Asimov data", () => {
  assert.deepEqual([...EXPECTED_SIGMAS], [2, 1, 0, -1, -2]);
  const m = oneBin(14);
  const calc = new AsymptoticCalculator(m, m.observed, "qtilde");
  const r = calc.test(2);
  r.expected.forEach((e, i) => assert.deepEqual(e, tailProbabilities(EXPECTED_SIGMAS[i], Math.sqrt(r.qA))));
  assert.equal(new AsymptoticCalculator(m, m.observed, "q0").muA, 1);
  assert.equal(calc.muA, 0);
  assert.throws(() => new AsymptoticCalculator(m, m.observed, "tmu"), /q, qtilde, qtilde_unbounded and q0/);
  // Asimov data n = b supplied by the caller: same q_A as pyhf's μ_A = 0 fit (no nuisance parameter).
  const own = new AsymptoticCalculator(m, m.observed, "qtilde", {}, undefined, { asimovData: Float64Array.of(B) });
  assert.equal(own.asimovPars, undefined);
  assert.ok(Math.abs(own.test(2).qA - r.qA) < 1e-9, "Math.abs(own.test(2).qA - r.qA) < 1e-9");
});
