// Priors, models and crossings (spec §2.3, §2.5, §2.6, §3.4): canned models against an
// independent quadrature of ∫ L̃ · density, monotone M(r), prior edge cases, the crossing routine.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { Model } from "../../src/marginal/model.ts";
import { poissonLikelihood } from "../../src/marginal/likelihood-interval.ts";
import { AddPrior, logNormalPrior, MixturePrior, NormalPrior, standardNormalMass, TruncPrior, truncNormalPrior, type Prior } from "../../src/marginal/prior-mass.ts";
import { RegularLinearPrior, RegularUniformPrior } from "../../src/marginal/prior-grid.ts";
import { crossings } from "../../src/marginal/crossings.ts";
import { linspace } from "../../src/math/stats.ts";
import { Rng } from "../../src/math/rng.ts";

/** Adaptive Simpson quadrature of a smooth f on [a, b] (independent of the interval machinery). */
function simpson(f: (x: number) => number, a: number, b: number, eps = 1e-14): number {
  const rec = (a: number, b: number, fa: number, fm: number, fb: number, whole: number, eps: number, depth: number): number => {
    const m = 0.5 * (a + b);
    const lm = 0.5 * (a + m), rm = 0.5 * (m + b);
    const flm = f(lm), frm = f(rm);
    const left = ((m - a) / 6) * (fa + 4 * flm + fm);
    const right = ((b - m) / 6) * (fm + 4 * frm + fb);
    if (depth <= 0 || Math.abs(left + right - whole) <= 15 * eps) return left + right + (left + right - whole) / 15;
    return rec(a, m, fa, flm, fm, left, eps / 2, depth - 1) + rec(m, b, fm, frm, fb, right, eps / 2, depth - 1);
  };
  const fa = f(a), fb = f(b), fm = f(0.5 * (a + b));
  return rec(a, b, fa, fm, fb, ((b - a) / 6) * (fa + 4 * fm + fb), eps, 60);
}
/** Simpson over many equal pieces (keeps narrow peaks visible to the adaptive rule). */
const integrate = (f: (x: number) => number, a: number, b: number, pieces = 64) => {
  let s = 0;
  for (let i = 0; i < pieces; i++) s += simpson(f, a + ((b - a) * i) / pieces, a + ((b - a) * (i + 1)) / pieces);
  return s;
};
/** Poisson ratio L̃_n(μ) = e^{n−μ}(μ/n)^n. */
const ratio = (n: number, mu: number) => (mu < 0 ? 0 : Math.exp(n === 0 ? -mu : n - mu + n * Math.log(mu / n)));
const phi = (z: number) => Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);

function assertBrackets(model: Model, exact: number, label: string): void {
  for (const rtol of [1e-2, 1e-4]) {
    const [lo, hi] = model.integrate(rtol);
    assert.ok(lo <= exact && exact <= hi, `${label} rtol ${rtol}: [${lo}, ${hi}] misses ${exact}`);
    assert.ok(hi - lo <= rtol * lo * 1.0001, `${label} rtol ${rtol}: width ${(hi - lo) / lo} relative`);
  }
}

describe("canned models vs independent quadrature (§2.6)", () => {
  for (const [n, mu, sigma, shift] of [[0, 0, 0.5, 0], [3, 1, 1.5, 2]]) {
    test(`poisson_log_normal n=${n} μ=${mu} σ=${sigma} shift=${shift}`, () => {
      const exact = integrate((y) => ratio(n, shift + Math.exp(y)) * phi((y - mu) / sigma) / sigma, mu - 40 * sigma, mu + 40 * sigma);
      assertBrackets(new Model(poissonLikelihood(n), new AddPrior(shift, logNormalPrior(mu, sigma))), exact, "log_normal");
    });
  }
  for (const [n, mu, sigma, shift, lo, hi] of [[0, -1, 0.5, 0, 0, 1], [3, 2, 1.5, 0.2, 1, 2.5]]) {
    test(`poisson_trunc_normal n=${n} μ=${mu} σ=${sigma} shift=${shift} on [${lo}, ${hi}]`, () => {
      const norm = integrate((b) => phi((b - mu) / sigma) / sigma, lo, hi);
      const exact = integrate((b) => ratio(n, shift + b) * phi((b - mu) / sigma) / sigma, lo, hi) / norm;
      assertBrackets(new Model(poissonLikelihood(n), new AddPrior(shift, new TruncPrior(lo, hi, new NormalPrior(mu, sigma)))), exact, "trunc_normal");
    });
  }
  test("poisson_regular_linear n=3 on [0, 5], shift 0.5", () => {
    const logv = [-10, -1, 0, 0, 1, 0, -1];
    const knots = linspace(0, 5, logv.length);
    const h = knots[1] - knots[0];
    let mass = 0, z = 0;
    for (let j = 0; j + 1 < logv.length; j++) {
      const p0 = Math.exp(logv[j]), p1 = Math.exp(logv[j + 1]);
      const density = (x: number) => p0 + ((p1 - p0) * (x - knots[j])) / h;
      mass += 0.5 * (p0 + p1) * h;
      z += integrate((x) => ratio(3, 0.5 + x) * density(x), knots[j], knots[j + 1], 8);
    }
    assertBrackets(new Model(poissonLikelihood(3), new AddPrior(0.5, new RegularLinearPrior(0, 5, logv))), z / mass, "regular_linear");
  });
  test("poisson_regular_uniform n=10 on [0, 5], shift 4.2", () => {
    const logv = [1, 2, 3, 2, 1];
    const edges = linspace(0, 5, logv.length + 1);
    let mass = 0, z = 0;
    logv.forEach((v, j) => {
      mass += Math.exp(v);
      z += (Math.exp(v) / (edges[j + 1] - edges[j])) * integrate((x) => ratio(10, 4.2 + x), edges[j], edges[j + 1], 8);
    });
    assertBrackets(new Model(poissonLikelihood(10), new AddPrior(4.2, new RegularUniformPrior(0, 5, logv))), z / mass, "regular_uniform");
  });
});

describe("M(r) is non-increasing (random models)", () => {
  const rng = new Rng(11);
  const cauchy = () => Math.tan(Math.PI * (rng.uniform() - 0.5));
  const exponential = () => -Math.log(1 - rng.uniform());
  const geometric = (p: number) => Math.floor(Math.log(1 - rng.uniform()) / Math.log(1 - p));
  const rs = [1, ...Array.from({ length: 400 }, (_, i) => 2 ** (-i / 8)), ...Array.from({ length: 200 }, (_, i) => 1 - i / 200), 0].sort((a, b) => a - b); // increasing r: M must not increase
  for (let trial = 0; trial < 60; trial++) {
    const n = geometric(0.1);
    const shift = exponential() * 5;
    const kind = trial % 4;
    // Parameters are drawn here (fixed sequence); priors are built inside the test.
    const mu = cauchy(), width = exponential() + 1e-3, stop = 1 + exponential() * 20;
    const logv = Array.from({ length: 21 }, () => (kind === 3 && rng.uniform() < 0.2 ? -Infinity : cauchy()));
    logv[10] = 0; // at least one non-empty bin
    const makePrior = (): Prior =>
      kind === 0 ? truncNormalPrior(Math.max(mu * 10, -5 * width * 3), width * 3)
      : kind === 1 ? logNormalPrior(mu, width)
      : kind === 2 ? new RegularLinearPrior(0, stop, logv)
      : new RegularUniformPrior(0, stop, logv);
    test(`trial ${trial}: n=${n}, prior kind ${kind}, shift ${shift.toFixed(3)}`, () => {
      const model = new Model(poissonLikelihood(n), new AddPrior(shift, makePrior()));
      let prev = Infinity;
      for (const r of rs) {
        const m = model.mass(r);
        assert.ok(m >= 0 && m <= 1 + 1e-15, `M(${r}) = ${m} outside [0, 1]`);
        assert.ok(m <= prev, `M not monotone at r = ${r}: ${m} > ${prev}`);
        prev = m;
      }
    });
  }
});

describe("priors", () => {
  test("normal mass keeps relative precision in both tails", () => {
    // scipy.stats.norm.sf(30) = 4.906713927148187e-198
    const sf30 = 4.906713927148187e-198;
    assert.ok(Math.abs(standardNormalMass(30, Infinity) / sf30 - 1) < 1e-13);
    assert.ok(Math.abs(standardNormalMass(-Infinity, -30) / sf30 - 1) < 1e-13);
    // A far-tail interval: difference of two upper-tail values, not 1 − 1.
    const m = new NormalPrior(3, 1).between(33, 34);
    assert.ok(m > 0 && Math.abs(m / (sf30 - standardNormalMass(31, Infinity)) - 1) < 1e-12, `tail mass ${m}`);
    assert.equal(standardNormalMass(-Infinity, Infinity), 1);
    assert.ok(Math.abs(new NormalPrior(1, 2).between(-1, 3) - 0.6826894921370859) < 1e-15);
  });
  test("trunc, add, log-normal", () => {
    const p = truncNormalPrior(1, 2);
    assert.ok(Math.abs(p.between(0, Infinity) - 1) < 1e-15);
    assert.equal(p.between(-5, -1), 0);
    assert.equal(p.between(-5, 0), 0);
    assert.ok(Math.abs(p.between(-1, 1) - p.between(0, 1)) === 0);
    assert.ok(Math.abs(new AddPrior(2, p).between(2, 3) - p.between(0, 1)) < 1e-16);
    assert.ok(Math.abs(logNormalPrior(Math.log(3), 0.3).between(0, 3) - 0.5) < 1e-15);
    assert.equal(logNormalPrior(0, 1).between(-2, 0), 0);
    assert.throws(() => new TruncPrior(2, 1, p), /a < b/);
  });
  test("regular_linear: knots and boxes", () => {
    const p = new RegularLinearPrior(0, 4, [0, Math.log(3), Math.log(3), 0, -Infinity]);
    // Heights 1, 3, 3, 1, 0 per unit: trapezoids 2, 3, 2, 0.5 → total 7.5.
    assert.ok(Math.abs(p.between(-1, 10) - 1) < 1e-15);
    assert.ok(Math.abs(p.between(0, 1) - 2 / 7.5) < 1e-15);
    assert.ok(Math.abs(p.between(0, 0.5) - (0.5 * (1 + 2)) / 2 / 7.5) < 1e-15);
    assert.ok(Math.abs(p.between(3.5, 4) - 0.125 / 7.5) < 1e-15);
    assert.equal(p.between(5, 6), 0);
  });
  test("regular_uniform: histogram with an empty bin", () => {
    const p = new RegularUniformPrior(10, 14, [0, -Infinity, Math.log(2), Math.log(1)]);
    assert.ok(Math.abs(p.between(0, 100) - 1) < 1e-15);
    assert.equal(p.between(11, 12), 0);
    assert.ok(Math.abs(p.between(12.5, 13) - 0.25) < 1e-15);
    assert.ok(Math.abs(p.between(10, 10.5) - 0.125) < 1e-15);
    assert.throws(() => new RegularUniformPrior(0, 1, [-Infinity, -Infinity]), /all rates are zero/);
  });
  test("mixture", () => {
    const a = new NormalPrior(0, 1), b = new NormalPrior(10, 1);
    const m = new MixturePrior([{ prior: a, rate: 1 }, { prior: b, rate: 3 }]);
    assert.ok(Math.abs(m.between(-Infinity, 5) - (0.25 * a.between(-Infinity, 5) + 0.75 * b.between(-Infinity, 5))) < 1e-16);
    assert.throws(() => new MixturePrior([{ prior: a, rate: 1 }]), /at least 2/);
  });
});

describe("crossings", () => {
  test("linear interpolation in increasing x, all segments", () => {
    const c = crossings([0, 1, 2, 3], [0, -2, 0, -4], -1);
    assert.deepEqual(c, { points: [0.5, 1.5, 2.25], flat: [] });
  });
  test("an endpoint on the level is listed by both segments; none found gives an empty list", () => {
    assert.deepEqual(crossings([0, 1, 2], [0, -1, -2], -1).points, [1, 1]);
    assert.deepEqual(crossings([0, 1, 2], [0, -1, -2], -3).points, []);
  });
  test("flat segments on the level are reported, not NaN", () => {
    const c = crossings([0, 1, 2, 3], [0, -1, -1, -2], -1);
    assert.deepEqual(c.points, [1, 2]);
    assert.deepEqual(c.flat, [[1, 2]]);
  });
  test("linspace matches numpy (last point exact)", () => {
    const s = linspace(0, 20, 201);
    assert.equal(s[1], 0.1);
    assert.equal(s[200], 20);
    assert.equal(s[37], 37 * 0.1);
  });
});
