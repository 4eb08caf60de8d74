// The bounding quadrature (spec §2.4) on the upstream unit references of §2.6.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { nextPow2, quadBound } from "../../src/marginal/quad-bound.ts";
import { Model } from "../../src/marginal/model.ts";
import { NormalLikelihood } from "../../src/marginal/likelihood-interval.ts";
import { NormalPrior } from "../../src/marginal/prior-mass.ts";

test("nextPow2", () => {
  const cases: [number, number][] = [[0.001, 1], [1, 1], [1.001, 2], [512, 512], [512.1, 1024], [2 ** 52, 2 ** 52], [2 ** 52 + 1, 2 ** 53], [0, 1], [-3, 1], [3, 4], [2 ** -30, 1]];
  for (const [x, want] of cases) assert.equal(nextPow2(x), want, `nextPow2(${x})`);
  assert.ok(Number.isNaN(nextPow2(Number.NaN)));
  for (let e = 0; e < 1000; e++) {
    const x = 1 + Math.random() * 2 ** (e % 60);
    const p = nextPow2(x);
    assert.ok(p >= x && p / 2 < x && Number.isInteger(Math.log2(p)), `nextPow2(${x}) = ${p}`);
  }
});

describe("(1 − (a + (b − a)x))^k on [0, 1]", () => {
  for (const [k, a, b] of [[0, 0, 1], [10, 0.1, 0.9], [100, 0, 0.5], [1e15, 0, 0.8]]) {
    test(`k=${k}, a=${a}, b=${b}`, () => {
      const rtol = 1e-2;
      const exact = ((1 - a) ** (k + 1) - (1 - b) ** (k + 1)) / ((k + 1) * (b - a));
      const [lo, hi] = quadBound((x) => (1 - (a + (b - a) * x)) ** k, rtol);
      assert.ok(lo <= exact && exact <= hi, `[${lo}, ${hi}] misses ${exact}`);
      assert.ok(hi - lo <= rtol * lo, `width ${hi - lo} > rtol·lo = ${rtol * lo}`);
    });
  }
  test("tighter tolerances still bracket and narrow", () => {
    const f = (x: number) => (1 - 0.9 * x) ** 30;
    const exact = (1 - 0.1 ** 31) / (31 * 0.9);
    for (const rtol of [1e-3, 1e-5, 1e-7]) {
      const [lo, hi] = quadBound(f, rtol);
      assert.ok(lo <= exact && exact <= hi && hi - lo <= rtol * lo, `rtol ${rtol}: [${lo}, ${hi}] vs ${exact}`);
    }
  });
  test("rtol below 1e-7 is refused", () => {
    assert.throws(() => quadBound(() => 1, 1e-8), /rtol/);
  });
});

describe("normal likelihood × normal prior (closed form)", () => {
  for (const [mu1, s1, mu2, s2] of [[0, 1, 0, 1], [0, 1, 1, 1], [0, 1, 1, 2], [-2, 0.2, 3, 0.1]]) {
    test(`N(${mu1}, ${s1}) × N(${mu2}, ${s2})`, () => {
      const logZ = -0.5 * (Math.log(1 + (s2 * s2) / (s1 * s1)) + ((mu1 - mu2) ** 2) / (s1 * s1 + s2 * s2));
      const exact = Math.exp(logZ);
      for (const rtol of [1e-2, 1e-4]) {
        const [lo, hi] = new Model(new NormalLikelihood(mu1, s1), new NormalPrior(mu2, s2)).integrate(rtol);
        assert.ok(lo <= exact && exact <= hi, `rtol ${rtol}: [${lo}, ${hi}] misses ${exact}`);
        assert.ok(hi - lo <= rtol * lo * 1.0001, `rtol ${rtol}: width ${hi - lo}`);
      }
    });
  }
});
