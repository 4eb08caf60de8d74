import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { ConstantKernel, Matern, RationalQuadratic, RBF, WhiteKernel, formatG3, gramMatrix, type Kernel } from "../../src/gp/kernels.ts";
import { toPoints, type Points } from "../../src/gp/points.ts";
import { Rng } from "../../src/math/rng.ts";
import { needsShared } from "../shared.ts";
import { caseKernel, gpReference } from "./reference.ts";

test("formatG3 follows Python's '{:.3g}'", () => {
  const cases: [number, string][] = [
    [1, "1"], [0.1, "0.1"], [0.30095, "0.301"], [5.0351, "5.04"], [31.62, "31.6"], [100, "100"], [1000, "1e+03"],
    [1e9, "1e+09"], [0.0387, "0.0387"], [1.5e-5, "1.5e-05"], [0.0001234, "0.000123"], [123456, "1.23e+05"], [2.5, "2.5"],
  ];
  for (const [x, s] of cases) assert.equal(formatG3(x), s, `formatG3(${x})`);
});

test("kernel strings and hyperparameter names follow sklearn", () => {
  const k = new ConstantKernel(1000, [1e-3, 1e5]).times(new RBF(12.3, [1, 100]));
  assert.equal(k.toString(), "31.6**2 * RBF(length_scale=12.3)");
  assert.deepEqual(k.hyperparameters().map((h) => h.name), ["k1__constant_value", "k2__length_scale"]);
  const rq = new RationalQuadratic(2, 0.5);
  assert.deepEqual(rq.hyperparameters().map((h) => h.name), ["alpha", "length_scale"]);
  const w = new Matern(1, [0.01, 100], 2.5).plus(new WhiteKernel(0.1));
  assert.equal(w.toString(), "Matern(length_scale=1, nu=2.5) + WhiteKernel(noise_level=0.1)");
  // fixed hyperparameters are not in theta
  const f = new ConstantKernel(2, "fixed").times(new RBF(0.5, [0.1, 10]));
  assert.equal(f.nTheta, 1);
  assert.deepEqual(Array.from(f.theta), [Math.log(0.5)]);
  assert.deepEqual(f.boundsLog, [[Math.log(0.1), Math.log(10)]]);
  assert.throws(() => new Matern(1, [0.1, 10], 2 as 2.5), /nu must be/);
  assert.throws(() => new RBF(-1), /positive/);
});

describe("kernel reprs match the reference", needsShared(), () => {
  test("initial kernels of every case", () => {
    for (const c of gpReference().cases) assert.equal(caseKernel(c).toString(), c.kernel.repr, c.id);
  });
  test("fitted kernels (repr at the stored optimum)", () => {
    for (const c of gpReference().cases) {
      const opt = c.opt_n10 ?? c.opt_n0;
      assert.equal(caseKernel(c).withTheta(opt.theta).toString(), opt.kernel_repr, c.id);
    }
  });
});

/** Central-difference check of every ∂K/∂θ_p from gramLower (lower triangle). */
function checkGramGradient(kernel: Kernel, X: Points, tol: number): void {
  const n = X.n, p = kernel.nTheta;
  const theta = kernel.theta;
  const k = kernel.clone();
  const out = new Float64Array(n * n);
  const grads = Array.from({ length: p }, () => new Float64Array(n * n));
  k.gramLower(X, out, grads, 0);
  const h = 1e-6;
  const plus = new Float64Array(n * n), minus = new Float64Array(n * n);
  for (let q = 0; q < p; q++) {
    const tp = Float64Array.from(theta), tm = Float64Array.from(theta);
    tp[q] += h;
    tm[q] -= h;
    k.setTheta(tp);
    k.gramLower(X, plus, null, 0);
    k.setTheta(tm);
    k.gramLower(X, minus, null, 0);
    k.setTheta(theta);
    let scale = 0, err = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) {
      const fd = (plus[i * n + j] - minus[i * n + j]) / (2 * h);
      scale = Math.max(scale, Math.abs(fd));
      err = Math.max(err, Math.abs(fd - grads[q][i * n + j]));
    }
    assert.ok(err <= tol * Math.max(scale, 1e-300), `${kernel} ∂K/∂θ_${q}: max error ${err} vs scale ${scale}`);
  }
}

describe("kernel gradients ∂K/∂log θ against central differences (max error ≤ 1e-7 of the largest entry)", () => {
  const rng = new Rng(42);
  const X1 = toPoints(Array.from({ length: 25 }, () => 5 * rng.uniform()));
  const X2 = toPoints(Array.from({ length: 20 }, () => [3 * rng.uniform(), 3 * rng.uniform()]));
  const kernels: Kernel[] = [
    new ConstantKernel(2.5, [1e-3, 1e3]),
    new RBF(0.7, [1e-2, 1e2]),
    new Matern(0.9, [1e-2, 1e2], 0.5),
    new Matern(0.9, [1e-2, 1e2], 1.5),
    new Matern(0.9, [1e-2, 1e2], 2.5),
    new RationalQuadratic(0.8, 1.7, [1e-2, 1e2], [1e-2, 1e2]),
    new WhiteKernel(0.3, [1e-5, 1]),
    new ConstantKernel(3, [1e-3, 1e3]).times(new RBF(0.5, [1e-2, 1e2])),
    new RBF(0.5, [1e-2, 1e2]).times(new ConstantKernel(3, [1e-3, 1e3])),
    new RBF(0.5, [1e-2, 1e2]).times(new Matern(2, [1e-2, 1e2], 1.5)),
    new ConstantKernel(2, [1e-3, 1e3]).times(new RationalQuadratic(1.1, 0.6, [1e-2, 1e2], [1e-2, 1e2])).plus(new WhiteKernel(0.05, [1e-6, 1])),
    new RBF(1.2, [1e-2, 1e2]).plus(new ConstantKernel(0.5, [1e-3, 1e3]).times(new Matern(0.4, [1e-2, 1e2], 2.5))),
  ];
  for (const k of kernels) {
    test(`${k} (1-D and 2-D inputs)`, () => {
      checkGramGradient(k, X1, 1e-7);
      checkGramGradient(k, X2, 1e-7);
    });
  }
});

test("cross(X, X) and diag agree with the Gram matrix (White excluded from cross, as sklearn)", () => {
  const rng = new Rng(1);
  const X = toPoints(Array.from({ length: 15 }, () => [rng.uniform(), rng.uniform()]));
  const k = new ConstantKernel(2).times(new RationalQuadratic(0.6, 2)).plus(new Matern(0.3, [1e-5, 1e5], 1.5));
  const g = gramMatrix(k, X);
  const c = new Float64Array(15 * 15);
  k.cross(X, X, c);
  const d = new Float64Array(15);
  k.diag(X, d);
  for (let i = 0; i < 225; i++) assert.ok(Math.abs(g[i] - c[i]) <= 1e-14 * Math.abs(g[i]) + 1e-300);
  for (let i = 0; i < 15; i++) assert.ok(Math.abs(d[i] - g[i * 15 + i]) <= 1e-15 * d[i]);
  const w = new RBF(1).plus(new WhiteKernel(0.25));
  const gw = gramMatrix(w, X), cw = new Float64Array(225), dw = new Float64Array(15);
  w.cross(X, X, cw);
  w.diag(X, dw);
  for (let i = 0; i < 15; i++) {
    assert.ok(Math.abs(gw[i * 15 + i] - cw[i * 15 + i] - 0.25) <= 1e-15);
    assert.ok(Math.abs(dw[i] - 1.25) <= 1e-15);
  }
});
