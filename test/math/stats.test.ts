// src/math/stats.ts against numpy 2.4 values (computed with the calls quoted beside each
// number); tolerance 1e-14 relative unless stated exact.
import { test } from "node:test";
import assert from "node:assert/strict";
import { linspace, mean, median, percentile, quantile, std, weightedMean, weightedQuantile, weightedStd } from "../../src/math/stats.ts";

const near = (a: number, b: number, what: string, rel = 1e-14) => assert.ok(Math.abs(a - b) <= rel * Math.max(1, Math.abs(b)), `${what}: ${a} vs numpy ${b}`);
const Y = [3.5, -1.25, 7.0, 0.5, 2.0, 10.0, -4.0];

test("quantile is numpy's default linear (type 7) interpolation", () => {
  near(quantile([1, 2, 3, 4], 0.1), 1.3, "np.quantile([1,2,3,4], 0.1)");
  near(quantile([1, 2, 3, 4], 0.5), 2.5, "np.quantile([1,2,3,4], 0.5)");
  near(quantile([4, 1, 3, 2], 0.9), 3.7, "np.quantile([1,2,3,4], 0.9) (unsorted input)");
  const want: [number, number][] = [[0, -4], [0.025, -3.5875], [0.16, -1.36], [0.5, 2], [0.84, 7.12], [0.975, 9.549999999999999], [1, 10]];
  for (const [q, v] of want) near(quantile(Y, q), v, `np.quantile(Y, ${q})`);
  assert.ok(Number.isNaN(quantile([], 0.5)), "empty → NaN");
  assert.ok(Number.isNaN(quantile([1, NaN, 3], 0.5)), "np.quantile([1, nan, 3], 0.5) = nan");
  assert.equal(quantile([1, NaN, 3, Infinity], 0.5, { finiteOnly: true }), 2, "np.nanquantile of the finite values");
  assert.deepEqual([...Y], [3.5, -1.25, 7.0, 0.5, 2.0, 10.0, -4.0], "the input is not reordered");
});

test("percentile takes p in percent with the position (n − 1)·p/100, as numpy.percentile", () => {
  near(percentile(Y, 2.2750131948179195), -3.6246228228550432, "np.percentile(Y, 100·Φ(−2))");
  near(percentile(Y, 97.72498680518208), 9.590497624932775, "np.percentile(Y, 100·Φ(2))");
  assert.equal(percentile([NaN, 2, -Infinity, 1], 50, { finiteOnly: true }), 1.5);
  // Same numbers as quantile at q = p/100 to the last bits (position computed differently).
  for (const p of [2.5, 16, 50, 84, 97.5]) near(percentile(Y, p), quantile(Y, p / 100), `p = ${p}`, 1e-15);
});

test("median: middle value or the mean of the two middle ones (numpy.median)", () => {
  assert.equal(median(Y), 2.0);
  assert.equal(median(Y.slice(0, 6)), 2.75);
  assert.equal(median(Float64Array.of(5)), 5);
  assert.ok(Number.isNaN(median([])));
});

test("mean and standard deviation (ddof = 1 by default, ddof = 0 on request)", () => {
  near(mean(Y), 2.5357142857142856, "np.mean(Y)");
  near(std(Y), 4.796762300909705, "np.std(Y, ddof=1)");
  near(std(Y, 0), 4.440938952013437, "np.std(Y)");
  assert.ok(Number.isNaN(std([1])), "one value, ddof 1 → NaN");
  assert.equal(std([1], 0), 0);
  assert.ok(Number.isNaN(mean([])));
});

test("linspace is numpy.linspace: endpoints exact, the same points bit for bit", () => {
  const x = linspace(0.02, 0.13, 12);
  assert.ok(x instanceof Float64Array);
  assert.deepEqual([...x], [0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08, 0.09000000000000001, 0.1, 0.11, 0.12000000000000001, 0.13], "np.linspace(0.02, 0.13, 12).tolist()");
  assert.deepEqual([...linspace(0, 1, 1)], [0]);
  assert.equal(linspace(0, 1, 0).length, 0);
});

test("weighted mean, standard deviation and quantile", () => {
  const w = [1, 0.5, 2, 1, 3, 0.25, 1];
  near(weightedMean(Y, w), 2.5, "np.average(Y, weights=w)");
  near(weightedStd(Y, w), 3.5390676738372777, "sqrt(np.average((Y − m)², weights=w))");
  near(weightedStd(Y, [1, 2, 3, 1, 2, 1, 1], 1), 4.365802019414906, "sqrt(np.cov(Y, fweights=fw))");
  near(weightedMean(Y, Y.map(() => 1)), mean(Y), "unit weights = plain mean");
  near(weightedStd(Y, Y.map(() => 1), 1), std(Y), "unit frequency weights, ddof 1 = sample std", 1e-13);
  const want: [number, number][] = [[0, -4], [0.1, -4], [0.25, 0.5], [0.5, 2], [0.75, 7], [0.9, 7], [1, 10]];
  for (const [q, v] of want) assert.equal(weightedQuantile(Y, w, q), v, `np.quantile(Y, ${q}, weights=w, method="inverted_cdf")`);
  assert.deepEqual([0.1, 0.5, 0.9].map((q) => weightedQuantile([1, 2, 3, 4], [1, 1, 1, 1], q)), [1, 2, 4], "inverted_cdf with unit weights");
  assert.throws(() => weightedMean([1, 2], [1]), /2 values but 1 weights/);
  assert.throws(() => weightedQuantile([1, 2], [1, -1], 0.5), /weight 1 is -1/);
  assert.ok(Number.isNaN(weightedMean([1, 2], [0, 0])));
});
