// The three branches of the window likelihood's square-root factor (spec hps_gpr §7.2): Cholesky
// of C + jI with the smallest working jitter j = 1e-10·scale·10^k, the symmetric eigen square
// root when no jitter up to 1e-3·scale works, and the diagonal when the eigen solver fails.
// The eigen and diagonal branches ran in no test before (issue #23).
import { test } from "node:test";
import assert from "node:assert/strict";
import { WindowLikelihood, sqrtFactor } from "../../src/bumphunt/window-likelihood.ts";

/** L Lᵀ of a row-major B×B factor. */
function llt(L: Float64Array, B: number): Float64Array {
  const out = new Float64Array(B * B);
  for (let i = 0; i < B; i++) for (let j = 0; j < B; j++) {
    let s = 0;
    for (let k = 0; k < B; k++) s += L[i * B + k] * L[j * B + k];
    out[i * B + j] = s;
  }
  return out;
}

test("Cholesky branch: a rank-1 C needs jitter; L Lᵀ − C is the jitter alone, at most 1e-9·scale on the diagonal", () => {
  const v = [1, 2, 3], B = 3;
  const C = new Float64Array(9);
  for (let i = 0; i < B; i++) for (let j = 0; j < B; j++) C[i * B + j] = v[i] * v[j];
  const [L, method] = sqrtFactor(C, B);
  assert.equal(method, "cholesky");
  const P = llt(L, B), scale = 9;
  for (let i = 0; i < B; i++) for (let j = 0; j < B; j++) {
    const d = P[i * B + j] - C[i * B + j];
    if (i !== j) assert.ok(Math.abs(d) < 1e-14 * scale, `off-diagonal ${i},${j}: ${d}`);
    // the first or second jitter (9e-10 or 9e-9) is enough for a rank-1 matrix
    else assert.ok(d > 0 && d <= 1e-9 * scale * 1.0001, `diagonal ${i}: jitter ${d}`);
  }
  // lower triangular
  for (let i = 0; i < B; i++) for (let j = i + 1; j < B; j++) assert.equal(L[i * B + j], 0, `L[${i},${j}]`);
});

test("eigen branch: an indefinite C (eigenvalues 3, −1) gets the symmetric square root of its PSD part, negative eigenvalue floored at 1e-10·scale", () => {
  const C = Float64Array.of(1, 2, 2, 1);
  const [L, method] = sqrtFactor(C, 2);
  assert.equal(method, "eigen");
  assert.ok(Math.abs(L[1] - L[2]) < 1e-15, `symmetric factor: ${L[1]} vs ${L[2]}`);
  // V diag(max(λ, floor)) Vᵀ with v₁ = (1, 1)/√2 (λ = 3), v₂ = (1, −1)/√2 (λ = −1 → floor =
  // 1e-10·scale, scale = max(1, max|C_ii|) = 1)
  const f = 1e-10;
  const want = [1.5 + f / 2, 1.5 - f / 2, 1.5 - f / 2, 1.5 + f / 2];
  const P = llt(L, 2);
  want.forEach((w, k) => assert.ok(Math.abs(P[k] - w) < 1e-14, `LLᵀ[${k}] = ${P[k]} vs ${w}`));
  // L itself is (√3/2)·[[1,1],[1,1]] + (√f/2)·[[1,−1],[−1,1]]
  const a = Math.sqrt(3) / 2, b = Math.sqrt(f) / 2;
  [a + b, a - b, a - b, a + b].forEach((w, k) => assert.ok(Math.abs(L[k] - w) < 1e-12, `L[${k}] = ${L[k]} vs ${w}`));
});

test("diagonal branch: a C the eigen solver cannot handle (NaN off the diagonal) falls back to √(clipped diagonal)", () => {
  const C = Float64Array.of(4, NaN, NaN, -9);
  const [L, method] = sqrtFactor(C, 2);
  assert.equal(method, "diagonal");
  assert.deepEqual(Array.from(L), [2, 0, 0, 0]);
});

test("a window likelihood on an indefinite covariance uses the eigen factor and still fits", () => {
  const lik = new WindowLikelihood({ n: [21, 19, 20], b: [20, 20, 20], C: [4, 5, 0, 5, 4, 0, 0, 0, 4], w: [0.3, 0.4, 0.3] });
  assert.equal(lik.sqrtMethod, "eigen");
  const x = Float64Array.of(1, 0.1, -0.2, 0.3), g = new Float64Array(4);
  lik.nllGrad(x, lik.observed, g);
  for (let k = 0; k < 4; k++) {
    const h = 1e-6, xp = Float64Array.from(x), xm = Float64Array.from(x);
    xp[k] += h; xm[k] -= h;
    const fd = (lik.nll(xp, lik.observed) - lik.nll(xm, lik.observed)) / (2 * h);
    assert.ok(Math.abs(g[k] - fd) < 1e-6 * Math.max(1, Math.abs(fd)), `∂nll/∂x${k}: ${g[k]} vs ${fd}`);
  }
});

test("the rate floor ε (spec §7.1): expected counts and toys use max(λ, ε); the NLL continues linearly below ε plus the soft wall 1e6·(ε − λ)²", () => {
  const lik = new WindowLikelihood({ n: [3, 0], b: [10, 2], C: [1, 0, 0, 1], w: [0.5, 0.5] });
  // ε = max(1e-12, 1e-9·max(1, median b)) = 1e-9·6
  const eps = 1e-9 * 6;
  assert.equal(lik.eps, eps);
  // A = −30 drives both rates below 0 (λ = b − 15)
  const x = Float64Array.of(-30, 0, 0);
  const e = lik.expected(x);
  assert.deepEqual(Array.from(e.subarray(0, 2)), [eps, eps]);
  assert.deepEqual(Array.from(e.subarray(2)), [0, 0]);
  // the NLL at λ = −13 (bin 2, n = 0): ε + r(λ − ε) + 1e6 (ε − λ)², r = 1 for n = 0
  const lam2 = 2 - 15;
  const lam1 = 10 - 15, n1 = 3, r1 = 1 - n1 / eps;
  const pois = (n: number, l: number) => l - (n === 0 ? 0 : n * Math.log(l));
  const lgamma4 = Math.log(6); // ln 3!
  const want = 2 * 0.5 * Math.log(2 * Math.PI) + (pois(n1, eps) + lgamma4 + r1 * (lam1 - eps) + 1e6 * (eps - lam1) ** 2) + (pois(0, eps) + 1 * (lam2 - eps) + 1e6 * (eps - lam2) ** 2);
  const got = lik.nll(x, lik.observed);
  assert.ok(Math.abs(got - want) <= 1e-12 * Math.abs(want), `nll ${got} vs ${want}`);
});
