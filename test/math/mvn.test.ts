import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../src/math/rng.ts";
import { multinomial, mvnDraw, nonNegativeMvn, samplingFactor } from "../../src/math/mvn.ts";

test("mvnDraw reproduces the mean and covariance (5σ MC tolerance)", () => {
  const C = [4, 1.2, 1.2, 1];
  const F = samplingFactor(C, 2);
  const rng = new Rng(7);
  const N = 200000;
  const x = new Float64Array(2), z = new Float64Array(2);
  let m0 = 0, m1 = 0, c00 = 0, c01 = 0, c11 = 0;
  for (let t = 0; t < N; t++) {
    mvnDraw([10, -3], F, rng, x, z);
    m0 += x[0]; m1 += x[1];
    c00 += (x[0] - 10) ** 2; c01 += (x[0] - 10) * (x[1] + 3); c11 += (x[1] + 3) ** 2;
  }
  assert.ok(Math.abs(m0 / N - 10) < 5 * Math.sqrt(4 / N));
  assert.ok(Math.abs(m1 / N + 3) < 5 * Math.sqrt(1 / N));
  assert.ok(Math.abs(c00 / N - 4) < 5 * 4 * Math.sqrt(2 / N));
  assert.ok(Math.abs(c01 / N - 1.2) < 5 * Math.sqrt((4 + 1.44) / N));
  assert.ok(Math.abs(c11 / N - 1) < 5 * Math.sqrt(2 / N));
});

test("samplingFactor handles a singular covariance (F Fᵀ = C)", () => {
  const C = [1, 2, 2, 4];
  const F = samplingFactor(C, 2);
  const FFt = [F[0] * F[0] + F[1] * F[1], F[0] * F[2] + F[1] * F[3], F[2] * F[2] + F[3] * F[3]];
  assert.ok(Math.abs(FFt[0] - 1) < 1e-8 && Math.abs(FFt[1] - 2) < 1e-8 && Math.abs(FFt[2] - 4) < 1e-8);
});

test("nonNegativeMvn: every method returns non-negative rows; reject keeps the untruncated shape", () => {
  const b = [0.5, 3];
  const F = samplingFactor([1, 0, 0, 1], 2);
  for (const method of ["clip", "reject", "reject_then_clip"] as const) {
    const d = nonNegativeMvn(b, F, 500, new Rng(3), method);
    assert.equal(d.length, 1000);
    assert.ok(d.every((v) => v >= 0), method);
  }
  // Rejection: the first component follows N(0.5, 1) truncated at 0, whose mean is 0.5 + φ(0.5)/Φ(0.5) ≈ 1.0091
  const d = nonNegativeMvn(b, F, 20000, new Rng(4), "reject");
  let m = 0;
  for (let t = 0; t < 20000; t++) m += d[2 * t];
  assert.ok(Math.abs(m / 20000 - 1.0091) < 0.02, `mean ${m / 20000}`);
});

test("multinomial conserves the total and matches the expected fractions", () => {
  const rng = new Rng(11);
  const p = [0.2, 0.5, 0.3];
  const sums = [0, 0, 0];
  for (let t = 0; t < 2000; t++) {
    const k = multinomial(100, p, rng);
    assert.equal(k[0] + k[1] + k[2], 100);
    for (let i = 0; i < 3; i++) sums[i] += k[i];
  }
  p.forEach((pi, i) => assert.ok(Math.abs(sums[i] / 200000 - pi) < 0.005, `${sums[i] / 200000} vs ${pi}`));
});

test("samplers are reproducible: same seed, same draws", () => {
  const F = samplingFactor([2, 0.5, 0.5, 1], 2);
  const a = nonNegativeMvn([1, 1], F, 50, new Rng(99));
  const b = nonNegativeMvn([1, 1], F, 50, new Rng(99));
  assert.deepEqual(a, b);
});
