// src/infer's options for hps_gpr's statistics (spec hps_gpr.md §7.5–7.8) on one Poisson bin
// with closed forms: Cowan's q̃ with an unbounded POI (three branches), the CL_b floor, the
// "simple" asymptotic formula, Asimov data supplied by the caller, warm starts and caller
// starting points in ProfileFits, toy tail fractions with (1 + k)/(N + 1), limitFromCls.
import { test } from "node:test";
import assert from "node:assert/strict";
import { countingModel } from "../../src/likelihood/counting.ts";
import { fit } from "../../src/likelihood/fit.ts";
import { ProfileFits, qtildeUnbounded, testStatistic, q0 } from "../../src/infer/test-statistics.ts";
import { AsymptoticCalculator, observedTails, tailProbabilities } from "../../src/infer/asymptotic.ts";
import { localSignificance } from "../../src/infer/significance.ts";
import { toyTails } from "../../src/infer/toys.ts";
import { asymptoticLimitSolver, firstFiniteLimit, limitFromCls } from "../../src/infer/upper-limit.ts";
import { normalCdf, normalSf } from "../../src/math/special.ts";

/** 2NLL(ν) − 2NLL(saturated) for one Poisson bin: 2[ν − n + n ln(n/ν)]. */
const tPois = (n: number, nu: number) => 2 * (nu - n + (n > 0 ? n * Math.log(n / nu) : 0));
const S = 5, B = 10;
const unbounded = (n: number) => countingModel({ signal: [S], background: [B], observed: [n], muBounds: [-2, 10] });
const bounded = (n: number) => countingModel({ signal: [S], background: [B], observed: [n], muBounds: [0, 10] });

test("q̃ with an unbounded POI: 0 above μ̂, t_μ for 0 ≤ μ̂ ≤ μ, 2NLL(μ) − 2NLL(0) for μ̂ < 0 (closed form, 1e-7)", () => {
  const hi = new ProfileFits(unbounded(20), unbounded(20).observed);
  assert.ok(Math.abs(hi.muHat - 2) < 1e-6);
  assert.deepEqual(qtildeUnbounded(hi, 1.5), { q: 0, branch: "muhat_gt_test" });
  const mid = new ProfileFits(unbounded(12), unbounded(12).observed);
  const r = qtildeUnbounded(mid, 2);
  assert.equal(r.branch, "interior");
  assert.ok(Math.abs(r.q - tPois(12, 2 * S + B)) < 1e-7, `${r.q}`);
  const lo = new ProfileFits(unbounded(6), unbounded(6).observed);
  assert.ok(Math.abs(lo.muHat + 0.8) < 1e-6, "μ̂ < 0 is reached: the POI is unbounded below 0 here");
  const b = qtildeUnbounded(lo, 2);
  assert.equal(b.branch, "boundary");
  const want = tPois(6, 2 * S + B) - tPois(6, B);
  assert.ok(Math.abs(b.q - want) < 1e-7, `${b.q} vs ${want}`);
  // Cowan's q̃ is the same statistic as pyhf's with the POI bounded at 0 (the free fit then stops at μ̂ = 0).
  assert.ok(Math.abs(testStatistic("qtilde", new ProfileFits(bounded(6), bounded(6).observed), 2) - b.q) < 1e-7);
  assert.ok(Math.abs(testStatistic("qtilde_unbounded", lo, 2) - b.q) < 1e-15);
  // The plain t_μ (no boundary branch) is larger: 2NLL(0) > 2NLL(μ̂).
  assert.ok(testStatistic("tmu", lo, 2) > b.q + 0.1);
});

test("q0 and the local significance: Z = √q0, p0 = 1 − Φ(Z); q0 = 0 for μ̂ < 0", () => {
  const f = new ProfileFits(unbounded(19), unbounded(19).observed);
  const s = localSignificance(f);
  assert.ok(Math.abs(s.q0 - tPois(19, B)) < 1e-7);
  assert.equal(s.Z, Math.sqrt(s.q0));
  assert.equal(s.p0, normalSf(s.Z));
  assert.equal(q0(new ProfileFits(unbounded(6), unbounded(6).observed)), 0);
  assert.deepEqual(localSignificance(new ProfileFits(unbounded(6), unbounded(6).observed)), { q0: 0, p0: 0.5, Z: 0 });
});

test("asymptotic tails: the simple formula (1 − Φ(√q), Φ(√q_A − √q)) and the CL_b floor", () => {
  // q > q_A: pyhf's q̃ switches to Cowan eq. 65's second branch; the simple formula does not.
  const q = 9, qA = 4;
  const simple = observedTails("qtilde_unbounded", q, qA, { formula: "simple" });
  assert.equal(simple.clsb, normalSf(3));
  assert.equal(simple.clb, normalCdf(2 - 3));
  assert.equal(simple.cls, simple.clsb / simple.clb);
  const pyhf = observedTails("qtilde", q, qA);
  assert.ok(Math.abs(pyhf.clsb - normalCdf(-(q + qA) / (2 * Math.sqrt(qA)))) < 1e-15);
  assert.ok(Math.abs(pyhf.cls - simple.cls) > 1e-3, "the two formulas differ when q > q_A");
  // Far in the tail CL_b = Φ(1 − 10) ≈ 1e-19: the floor 1e-12 takes over and CLs collapses.
  const far = observedTails("qtilde_unbounded", 100, 1, { formula: "simple", clbFloor: 1e-12 });
  assert.equal(far.clb, 1e-12);
  assert.ok(Math.abs(far.cls - normalSf(10) / 1e-12) < 1e-20);
  const noFloor = observedTails("qtilde_unbounded", 100, 1, { formula: "simple" });
  assert.ok(noFloor.clb < 1e-18 && noFloor.cls > 1e-5, `${noFloor.cls}`);
  assert.equal(tailProbabilities(12, 1, 1e-12).clb, 1e-12);
  assert.equal(tailProbabilities(1, 1).clb, normalCdf(-1));
});

test("calculator with caller-supplied Asimov data, q̃ unbounded: q_A from those data; CLs = 1 at μ ≤ 0", () => {
  const m = unbounded(14);
  const opts = { formula: "simple" as const, clbFloor: 1e-12 };
  const own = new AsymptoticCalculator(m, m.observed, "qtilde_unbounded", {}, 0, { ...opts, asimovData: Float64Array.of(B + 3) });
  assert.equal(own.asimovPars, undefined);
  const mu = 2;
  const r = own.test(mu);
  assert.ok(Math.abs(r.qA - tPois(B + 3, mu * S + B)) < 1e-7, `q_A ${r.qA}`);
  assert.ok(Math.abs(r.q - tPois(14, mu * S + B)) < 1e-7);
  assert.equal(r.observed.clsb, normalSf(Math.sqrt(r.q)));
  assert.equal(r.observed.clb, Math.max(normalCdf(Math.sqrt(r.qA) - Math.sqrt(r.q)), 1e-12));
  // pyhf's default (conditional fit at μ_A = 0) gives n_A = b here: a different q_A.
  const pyhfAsimov = new AsymptoticCalculator(m, m.observed, "qtilde_unbounded", {}, 0, opts).test(mu);
  assert.ok(Math.abs(pyhfAsimov.qA - tPois(B, mu * S + B)) < 1e-6);
  for (const x of [0, -1]) assert.deepEqual(own.test(x).observed, { clsb: 1, clb: 1, cls: 1 });
  // withObserved shares the Asimov fits.
  const other = own.withObserved(Float64Array.of(9));
  assert.equal(other.asimov, own.asimov);
  assert.ok(Math.abs(other.test(mu).q - tPois(9, mu * S + B) + tPois(9, B)) < 1e-7, "μ̂ < 0: boundary branch");
});

test("ProfileFits: warm starts reproduce the fit from the free optimum with the POI set; start() sets the free fit's init", () => {
  const m = countingModel({ signal: [4, 6, 3], background: [20, 10, 15], relativeUncertainty: 0.1, observed: [25, 14, 16], muBounds: [-5, 10] });
  const cold = new ProfileFits(m, m.observed);
  const warm = new ProfileFits(m, m.observed, {}, { warmStart: true });
  for (const mu of [0.3, 2]) {
    const init = Float64Array.from(warm.free.pars);
    init[0] = mu;
    assert.deepEqual(warm.fixedAt(mu).pars, fit(m, m.observed, { init, fix: [[0, mu]] }).pars);
    assert.deepEqual(cold.fixedAt(mu).pars, fit(m, m.observed, { fix: [[0, mu]] }).pars);
    assert.ok(Math.abs(warm.twiceNllAt(mu) - cold.twiceNllAt(mu)) < 1e-9, "same minimum");
  }
  // At μ = μ̂ the warm start begins at the minimum: fewer iterations than from the inits.
  assert.ok(warm.fixedAt(warm.muHat).iterations < cold.fixedAt(cold.muHat).iterations);
  let seen: Float64Array | undefined;
  const best = cold.free.pars;
  const started = new ProfileFits(m, m.observed, { maxIter: 500 }, { start: (d) => { seen = d; return best; } });
  assert.equal(seen, m.observed);
  assert.equal(started.base.init, best);
  assert.equal(started.base.maxIter, 500);
  assert.ok(started.free.iterations < cold.free.iterations);
  assert.ok(Math.abs(started.twiceNllFree - cold.twiceNllFree) < 1e-9);
});

test("toy tail fractions: k/N (pyhf) or (1 + k)/(N + 1) (hps_gpr), CL_b floor, non-finite toys dropped", () => {
  const qSb = [0.5, 2, 3, NaN, 7], qB = [0.1, 0.2, 4, 0.3];
  const pyhf = toyTails(3, qSb, qB);
  assert.deepEqual(pyhf, { clsb: 2 / 4, clb: 1 / 4, cls: 2 });
  const hps = toyTails(3, qSb, qB, { plusOne: true, clbFloor: 1e-12 });
  assert.deepEqual(hps, { clsb: 3 / 5, clb: 2 / 5, cls: 3 / 5 / (2 / 5) });
  assert.equal(toyTails(10, [], [1, 2], { plusOne: true }).clsb, 1);
  assert.deepEqual(toyTails(10, [1, 2], [1, 2], { clbFloor: 0.25 }), { clsb: 0, clb: 0.25, cls: 0 });
  assert.ok(Number.isNaN(toyTails(10, [1], [], { clbFloor: 0.25 }).clb), "no finite b toy: CL_b is NaN, not the floor");
});

test("limitFromCls: analytic CLs(μ) = e^(−μ), by Brent, by hps_gpr's bisection, unbracketed", () => {
  const want = -Math.log(0.05);
  let calls = 0;
  const cls = (mu: number) => { calls++; return Math.exp(-mu); };
  const br = limitFromCls(cls, { start: 1 });
  assert.ok(Math.abs(br.limit / want - 1) < 1e-8 && br.converged && br.bracketed);
  assert.equal(br.evaluations, calls);
  const bi = limitFromCls(cls, { start: 1, method: "bisection", keepLower: true, clsTol: 1e-12, rtol: 1e-12, maxIter: 100 });
  assert.ok(Math.abs(bi.limit / want - 1) < 1e-10, `${bi.limit}`);
  // A CLs that never drops to α: NaN, or (bisection, solveUnbracketed) the top of the search.
  const flat = limitFromCls(() => 0.5, { start: 1, maxSteps: 5 });
  assert.ok(Number.isNaN(flat.limit) && !flat.bracketed);
  const top = limitFromCls(() => 0.5, { start: 1, maxSteps: 5, method: "bisection", solveUnbracketed: true, keepLower: true });
  assert.ok(!top.bracketed && Math.abs(top.limit - 32) < 1e-4, `${top.limit}`);
});

test("asymptoticLimitSolver and firstFiniteLimit: a failing solver falls back to the general path", () => {
  const m = unbounded(12);
  const calc = new AsymptoticCalculator(m, m.observed, "qtilde_unbounded", {}, 0, { formula: "simple", clbFloor: 1e-12, asimovData: Float64Array.of(B) });
  const general = asymptoticLimitSolver(calc, { start: 1 });
  const data = Float64Array.of(12);
  const x = general.limit(data);
  assert.ok(Math.abs(calc.withObserved(data).test(x).observed.cls - 0.05) < 1e-7);
  const broken = { limit: () => { throw new Error("no"); } };
  assert.equal(firstFiniteLimit(broken, { limit: () => NaN }, general).limit(data), x);
  assert.ok(Number.isNaN(firstFiniteLimit(broken).limit(data)));
});
