import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { choleskyInPlace, solveLower } from "../../src/math/linalg.ts";
import {
  backSubstitute, choleskyBlocked, choleskyBlockedInfo, choleskyInverseLower, choleskyLogDet, choleskySolveVector,
  choleskyEnvelopeBlockedInfo, choleskyWithJitter, forwardSubstitute, forwardSubstituteRows, lowerInverseTransposed, rowDots, symmetrizeFromLower,
} from "../../src/math/linalg-blocked.ts";
import { Rng } from "../../src/math/rng.ts";

/** Random SPD matrix A = B Bᵀ + n·δ I (well conditioned for δ = 1). */
function randomSpd(n: number, rng: Rng, delta = 1): Float64Array {
  const b = Float64Array.from({ length: n * n }, () => rng.uniform() - 0.5);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let k = 0; k < n; k++) s += b[i * n + k] * b[j * n + k];
    a[i * n + j] = s + (i === j ? n * delta : 0);
  }
  return a;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

describe("blocked Cholesky and solves agree with the unblocked reference kernels", () => {
  const rng = new Rng(7);
  for (const n of [1, 2, 5, 63, 64, 65, 131, 200]) {
    test(`n = ${n}`, () => {
      const a = randomSpd(n, rng);
      const l1 = a.slice(), l2 = a.slice();
      assert.equal(choleskyInPlace(l1, n), true);
      // only the lower triangle is input: scribble on the upper one
      for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) l2[i * n + j] = 1e300;
      assert.equal(choleskyBlocked(l2, n), true);
      assert.ok(maxAbsDiff(l1, l2) <= 1e-12, `factor differs by ${maxAbsDiff(l1, l2)}`);
      // single right-hand side
      const b = Float64Array.from({ length: n }, () => rng.uniform());
      const x1 = b.slice(), x2 = b.slice();
      solveLower(l1, n, x1);
      forwardSubstitute(l2, n, x2);
      assert.ok(maxAbsDiff(x1, x2) <= 1e-12);
      // A x = b residual
      const x = b.slice();
      choleskySolveVector(l2, n, x);
      let res = 0;
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += a[i * n + k] * x[k];
        res = Math.max(res, Math.abs(s - b[i]));
      }
      assert.ok(res <= 1e-11, `solve residual ${res}`);
      // backSubstitute solves Lᵀ x = b
      const y = b.slice();
      backSubstitute(l2, n, y);
      for (let i = 0; i < n; i++) {
        let s = 0;
        for (let k = i; k < n; k++) s += l2[k * n + i] * y[k];
        assert.ok(Math.abs(s - b[i]) <= 1e-11);
      }
      // many right-hand sides as rows
      const m = 7;
      const X = Float64Array.from({ length: m * n }, () => rng.uniform());
      const X0 = X.slice();
      forwardSubstituteRows(l2, n, X, m);
      for (let r = 0; r < m; r++) {
        const v = X0.slice(r * n, (r + 1) * n);
        solveLower(l1, n, v);
        assert.ok(maxAbsDiff(v, X.subarray(r * n, (r + 1) * n)) <= 1e-12);
      }
      // inverse: A · A⁻¹ = I
      const inv = new Float64Array(n * n), work = new Float64Array(n * n);
      choleskyInverseLower(l2, n, inv, work, true);
      let e = 0;
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += a[i * n + k] * inv[k * n + j];
        e = Math.max(e, Math.abs(s - (i === j ? 1 : 0)));
      }
      assert.ok(e <= 1e-12, `A·A⁻¹ − I = ${e}`);
      // U = L⁻ᵀ is upper triangular with zero strict lower part
      for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) assert.equal(work[i * n + j], 0);
      // log det against the product of pivots
      let ld = 0;
      for (let i = 0; i < n; i++) ld += 2 * Math.log(l1[i * n + i]);
      assert.ok(Math.abs(choleskyLogDet(l2, n) - ld) <= 1e-10 * Math.max(1, Math.abs(ld)));
    });
  }
});

test("envelope Cholesky: same factor as the dense blocked one, and the same failing pivot", () => {
  // Gaussian correlations of sorted points with a density that varies along the axis, cut to
  // zero below 1e-18 (first[] is then non-decreasing): rows narrow at the start, wide at the end
  // (the HPS shape); n spans several blocks.
  const rng = new Rng(7);
  for (const n of [5, 64, 130, 300]) {
    const x = Float64Array.from({ length: n }, (_, i) => Math.log((i + 0.5) / n)).sort();
    const corr = (i: number, j: number) => Math.exp(-((x[i] - x[j]) ** 2) / (2 * 0.05 ** 2));
    const first = new Int32Array(n);
    for (let i = 0; i < n; i++) while (corr(i, first[i]) < 1e-18) first[i]++;
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = first[i]; j <= i; j++) a[i * n + j] = corr(i, j) + (i === j ? 1e-3 * (1 + rng.uniform()) : 0);
    }
    const dense = Float64Array.from(a), env = Float64Array.from(a);
    assert.equal(choleskyBlockedInfo(dense, n), -1);
    assert.equal(choleskyEnvelopeBlockedInfo(env, n, first), -1);
    assert.ok(maxAbsDiff(dense, env) <= 1e-12, `n = ${n}: ${maxAbsDiff(dense, env)}`);
    if (n > 64) assert.ok(first[n - 1] > 0 && first[Math.floor(n / 4)] < Math.floor(n / 4), "the test matrix has an envelope");
    // an indefinite entry far down the diagonal fails at the same pivot in both
    const bad = Float64Array.from(a);
    bad[(n - 2) * n + (n - 2)] = -1;
    assert.equal(choleskyEnvelopeBlockedInfo(Float64Array.from(bad), n, first), choleskyBlockedInfo(Float64Array.from(bad), n));
  }
});

test("lowerInverseTransposed gives L⁻ᵀ: L Uᵀ = I", () => {
  const n = 97;
  const a = randomSpd(n, new Rng(3));
  choleskyBlocked(a, n);
  const u = new Float64Array(n * n);
  lowerInverseTransposed(a, n, u);
  let e = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let k = 0; k < n; k++) s += a[i * n + k] * u[j * n + k];
    e = Math.max(e, Math.abs(s - (i === j ? 1 : 0)));
  }
  assert.ok(e <= 1e-13, `L·Uᵀ − I = ${e}`);
});

test("rowDots computes A Bᵀ for row-major A, B", () => {
  const rng = new Rng(11);
  const ra = 9, rb = 6, n = 300;
  const A = Float64Array.from({ length: ra * n }, () => rng.uniform());
  const B = Float64Array.from({ length: rb * n }, () => rng.uniform());
  const out = new Float64Array(ra * rb);
  rowDots(A, ra, B, rb, n, out);
  for (let k = 0; k < ra; k++) for (let l = 0; l < rb; l++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += A[k * n + i] * B[l * n + i];
    assert.ok(Math.abs(out[k * rb + l] - s) <= 1e-12 * s);
  }
});

test("non-positive-definite input: failing pivot reported, no exception", () => {
  const n = 70;
  const a = randomSpd(n, new Rng(5));
  a[40 * n + 40] = -1;
  assert.equal(choleskyBlockedInfo(a, n), 40);
  const b = new Float64Array([1, 2, 2, 1]); // eigenvalues 3, −1
  assert.equal(choleskyBlocked(b, 2), false);
});

test("jitter policy: exactly singular PSD matrix gets the smallest working jitter; indefinite one fails with NaN", () => {
  const n = 80;
  // rank-2 PSD matrix: v1 v1ᵀ + v2 v2ᵀ
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] = 1 + (i / n) * (j / n);
  const copy = new Float64Array(n * n);
  const work = a.slice();
  const jitter = choleskyWithJitter(work, n, copy);
  assert.ok(jitter > 0 && jitter <= 1e-6 * 2, `jitter ${jitter}`);
  // the factor reproduces a + jitter I
  const full = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
    let s = 0;
    for (let k = 0; k < n; k++) s += work[i * n + k] * work[j * n + k];
    full[i * n + j] = s;
  }
  for (let i = 0; i < n; i++) assert.ok(Math.abs(full[i * n + i] - a[i * n + i] - jitter) <= 1e-12);
  // a well-conditioned matrix needs no jitter
  const spd = randomSpd(20, new Rng(1));
  assert.equal(choleskyWithJitter(spd, 20, new Float64Array(400)), 0);
  // clearly indefinite: no jitter up to 1e-6·mean(diag) helps
  const bad = new Float64Array([1, 2, 2, 1]);
  assert.ok(Number.isNaN(choleskyWithJitter(bad, 2, new Float64Array(4))));
});

test("symmetrizeFromLower mirrors the lower triangle", () => {
  const a = new Float64Array([1, 0, 0, 2, 3, 0, 4, 5, 6]);
  symmetrizeFromLower(a, 3);
  assert.deepEqual(Array.from(a), [1, 2, 4, 2, 3, 5, 4, 5, 6]);
});
