import { test } from "node:test";
import assert from "node:assert/strict";
import { CODE_ID, COEFS_PER_BIN, compileBin, interpolate, interpOut, type InterpCode } from "../../src/histfactory/interpolation.ts";

const NOM = 10, HI = 13, LO = 8.5;

function delta(code: InterpCode, alpha: number, nom = NOM, hi = HI, lo = LO): [number, number] {
  const c = new Float64Array(COEFS_PER_BIN);
  compileBin(CODE_ID[code], nom, hi, lo, c, 0);
  interpolate(CODE_ID[code], alpha, c, 0);
  return [interpOut[0], interpOut[1]];
}

for (const code of ["code0", "code1", "code2", "code4", "code4p"] as InterpCode[]) {
  test(`${code}: passes through lo, nom, hi at α = −1, 0, +1`, () => {
    assert.ok(Math.abs(delta(code, 0)[0]) < 1e-12, "Math.abs(delta(code, 0)[0]) < 1e-12");
    assert.ok(Math.abs(delta(code, 1)[0] - (HI - NOM)) < 1e-12, `δ(1) = ${delta(code, 1)[0]}`);
    assert.ok(Math.abs(delta(code, -1)[0] - (LO - NOM)) < 1e-12, `δ(−1) = ${delta(code, -1)[0]}`);
  });

  test(`${code}: derivative matches finite differences away from the kinks`, () => {
    for (const a of [-3.1, -1.7, -0.6, 0.37, 0.9, 1.4, 4.2]) {
      const h = 1e-6;
      const fd = (delta(code, a + h)[0] - delta(code, a - h)[0]) / (2 * h);
      assert.ok(Math.abs(fd - delta(code, a)[1]) < 1e-6 * Math.max(1, Math.abs(fd)), `α=${a}: ${delta(code, a)[1]} vs ${fd}`);
    }
  });
}

test("code1 and code4 agree with the exponential outside |α| ≥ 1", () => {
  for (const a of [1, 1.5, 3]) {
    const exp = NOM * (Math.pow(HI / NOM, a) - 1);
    assert.ok(Math.abs(delta("code1", a)[0] - exp) < 1e-12, "Math.abs(delta(\"code1\", a)[0] - exp) < 1e-12");
    assert.ok(Math.abs(delta("code4", a)[0] - exp) < 1e-12, "Math.abs(delta(\"code4\", a)[0] - exp) < 1e-12");
    const expDn = NOM * (Math.pow(LO / NOM, a) - 1);
    assert.ok(Math.abs(delta("code4", -a)[0] - expDn) < 1e-12, "Math.abs(delta(\"code4\", -a)[0] - expDn) < 1e-12");
  }
});

test("code4 is smooth at α = ±1: value, first and second derivative continuous", () => {
  for (const edge of [1, -1]) {
    const e = 1e-7;
    const inside = edge - Math.sign(edge) * e, outside = edge + Math.sign(edge) * e;
    assert.ok(Math.abs(delta("code4", inside)[0] - delta("code4", outside)[0]) < 1e-6, "Math.abs(delta(\"code4\", inside)[0] - delta(\"code4\", outside)[0]) < 1e-6");
    assert.ok(Math.abs(delta("code4", inside)[1] - delta("code4", outside)[1]) < 1e-5, "Math.abs(delta(\"code4\", inside)[1] - delta(\"code4\", outside)[1]) < 1e-5");
    const h = 1e-4;
    const d2in = (delta("code4", edge - Math.sign(edge) * h)[1] - delta("code4", edge - Math.sign(edge) * 2 * h)[1]) / h;
    const d2out = (delta("code4", edge + Math.sign(edge) * 2 * h)[1] - delta("code4", edge + Math.sign(edge) * h)[1]) / h;
    assert.ok(Math.abs(d2in - d2out) < 1e-2 * Math.max(1, Math.abs(d2in)), `second derivative ${d2in} vs ${d2out}`);
  }
});

test("code4p is linear outside |α| > 1 and continuous in slope at ±1", () => {
  assert.ok(Math.abs(delta("code4p", 2.5)[0] - 2.5 * (HI - NOM)) < 1e-12, "Math.abs(delta(\"code4p\", 2.5)[0] - 2.5 * (HI - NOM)) < 1e-12");
  assert.ok(Math.abs(delta("code4p", -2.5)[0] - 2.5 * (LO - NOM)) < 1e-12, "Math.abs(delta(\"code4p\", -2.5)[0] - 2.5 * (LO - NOM)) < 1e-12");
  assert.ok(Math.abs(delta("code4p", 1 - 1e-9)[1] - (HI - NOM)) < 1e-6, "Math.abs(delta(\"code4p\", 1 - 1e-9)[1] - (HI - NOM)) < 1e-6");
  assert.ok(Math.abs(delta("code4p", -1 + 1e-9)[1] - (NOM - LO)) < 1e-6, "Math.abs(delta(\"code4p\", -1 + 1e-9)[1] - (NOM - LO)) < 1e-6");
});

test("code4 with a non-positive ratio gives NaN, as pyhf does", () => {
  assert.ok(Number.isNaN(delta("code4", 0.5, 1, 1.2, 0)[0]) || !Number.isFinite(delta("code4", 0.5, 1, 1.2, 0)[0]), "Number.isNaN(delta(\"code4\", 0.5, 1, 1.2, 0)[0]) || !Number.isFinite(delta(\"code4\", 0.5, 1, 1.2, 0)[0])");
});

// ---------------------------------------------------------------------------------------------
// Independent oracles (issue #23): each code against pyhf's formulas written out here
// (pyhf src/pyhf/interpolators/code{0,1,2,4,4p}.py), not against the compiled coefficients, at
// points inside and beyond |α| = 1 and exactly on the branch boundaries α = 0, ±1. The values
// are closed forms evaluated in float64: 1e-12 relative is rounding, not a tolerance.

/** pyhf's δ(α) = v(α) − nom for one bin, transcribed from pyhf's interpolators. */
function pyhfDelta(code: InterpCode, a: number, nom = NOM, hi = HI, lo = LO): number {
  const up = hi - nom, dn = nom - lo;
  switch (code) {
    case "code0": // piecewise linear: α·(hi − nom) above 0, α·(nom − lo) below
      return a >= 0 ? a * up : a * dn;
    case "code1": // piecewise exponential: nom·((hi/nom)^α − 1) above 0, nom·((lo/nom)^(−α) − 1) below
      return a >= 0 ? nom * (Math.pow(hi / nom, a) - 1) : nom * (Math.pow(lo / nom, -a) - 1);
    case "code2": { // quadratic a·α² + b·α inside, tangent lines outside (code2.py: a = ½(hi+lo) − nom, b = ½(hi−lo))
      const qa = 0.5 * (hi + lo) - nom, qb = 0.5 * (hi - lo);
      if (a > 1) return (qb + 2 * qa) * (a - 1) + up;
      if (a < -1) return (qb - 2 * qa) * (a + 1) - dn;
      return qa * a * a + qb * a;
    }
    case "code4p": { // code4p.py: S = ½(Δ⁺+Δ⁻), A = (Δ⁺−Δ⁻)/16, α·(S + α·A·(15 + α²(3α² − 10))) inside
      if (a > 1) return a * up;
      if (a < -1) return a * dn;
      const S = 0.5 * (up + dn), A = 0.0625 * (up - dn);
      return a * (S + a * A * (15 + a * a * (3 * a * a - 10)));
    }
    case "code4": { // code4.py: exponential for |α| ≥ 1, polynomial from the 6×6 system solved here
      if (a >= 1) return nom * (Math.pow(hi / nom, a) - 1);
      if (a <= -1) return nom * (Math.pow(lo / nom, -a) - 1);
      const c = code4Coefficients(hi / nom, lo / nom);
      let p = 0;
      for (let i = 5; i >= 0; i--) p = (p + c[i]) * a;
      return nom * p;
    }
  }
}

/**
 * Coefficients a₁…a₆ of p(α) = Σ aᵢαⁱ with p, p′, p″ at α = ±1 equal to those of (hi/nom)^α − 1
 * and (lo/nom)^(−α) − 1 (CERN-OPEN-2012-016 §4.1, pyhf code4 with α₀ = 1), by Gaussian
 * elimination with partial pivoting — independent of the hard-coded inverse in interpolation.ts.
 */
function code4Coefficients(ru: number, rd: number): number[] {
  const lu = Math.log(ru), ld = Math.log(rd);
  const row = (x: number, d: number) => [1, 2, 3, 4, 5, 6].map((i) => (d === 0 ? x ** i : d === 1 ? i * x ** (i - 1) : i * (i - 1) * x ** (i - 2)));
  const M = [row(1, 0), row(-1, 0), row(1, 1), row(-1, 1), row(1, 2), row(-1, 2)];
  const rhs = [ru - 1, rd - 1, lu * ru, -ld * rd, lu * lu * ru, ld * ld * rd];
  for (let k = 0; k < 6; k++) {
    let piv = k;
    for (let i = k + 1; i < 6; i++) if (Math.abs(M[i][k]) > Math.abs(M[piv][k])) piv = i;
    [M[k], M[piv]] = [M[piv], M[k]];
    [rhs[k], rhs[piv]] = [rhs[piv], rhs[k]];
    for (let i = k + 1; i < 6; i++) {
      const f = M[i][k] / M[k][k];
      for (let j = k; j < 6; j++) M[i][j] -= f * M[k][j];
      rhs[i] -= f * rhs[k];
    }
  }
  const x = new Array<number>(6).fill(0);
  for (let i = 5; i >= 0; i--) {
    let s = rhs[i];
    for (let j = i + 1; j < 6; j++) s -= M[i][j] * x[j];
    x[i] = s / M[i][i];
  }
  return x;
}

const close = (a: number, b: number, tol = 1e-12) => Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));
// α points on both sides of every branch boundary (0, ±1) and far outside.
const ALPHAS = [-4.2, -2, -1.5, -1 - 1e-9, -1, -1 + 1e-9, -0.73, -0.2, -1e-12, 0, 1e-12, 0.31, 0.8, 1 - 1e-9, 1, 1 + 1e-9, 1.25, 1.5, 2, 3.7];
// Two bins: asymmetric (Δ⁺ = 3, Δ⁻ = 1.5) and one with hi and lo on the same side of nom.
const BINS: [number, number, number][] = [[NOM, HI, LO], [20, 26, 19]];

for (const code of ["code0", "code1", "code2", "code4", "code4p"] as InterpCode[]) {
  test(`${code}: δ(α) equals pyhf's formula inside and beyond |α| = 1 and on the boundaries (1e-12)`, () => {
    for (const [nom, hi, lo] of BINS) for (const a of ALPHAS) {
      const want = pyhfDelta(code, a, nom, hi, lo);
      const got = delta(code, a, nom, hi, lo)[0];
      assert.ok(close(got, want), `(${nom}, ${hi}, ${lo}) α = ${a}: ${got} vs pyhf ${want}`);
    }
  });
  test(`${code}: the slope beyond |α| = 1 is the analytic one`, () => {
    const up = HI - NOM, dn = NOM - LO;
    const qa = 0.5 * (HI + LO) - NOM, qb = 0.5 * (HI - LO);
    const slope: Record<InterpCode, (a: number) => number> = {
      code0: (a) => (a > 0 ? up : dn),
      code1: (a) => (a > 0 ? NOM * Math.log(HI / NOM) * Math.pow(HI / NOM, a) : -NOM * Math.log(LO / NOM) * Math.pow(LO / NOM, -a)),
      code4: (a) => (a > 0 ? NOM * Math.log(HI / NOM) * Math.pow(HI / NOM, a) : -NOM * Math.log(LO / NOM) * Math.pow(LO / NOM, -a)),
      code2: (a) => (a > 0 ? qb + 2 * qa : qb - 2 * qa),
      code4p: (a) => (a > 0 ? up : dn),
    };
    for (const a of [-3.7, -2, -1.25, 1.25, 1.5, 2, 4.2]) assert.ok(close(delta(code, a)[1], slope[code](a)), `α = ${a}: ${delta(code, a)[1]} vs ${slope[code](a)}`);
  });
  test(`${code}: continuous at α = ±1 in value${code === "code0" || code === "code1" ? "" : " and slope"}; every code is continuous at 0`, () => {
    const e = 1e-9;
    for (const edge of [-1, 0, 1]) {
      const [vIn, dIn] = delta(code, edge - e), [vOut, dOut] = delta(code, edge + e);
      assert.ok(Math.abs(vIn - vOut) < 1e-7, `value jumps at ${edge}: ${vIn} vs ${vOut}`);
      if (edge !== 0) assert.ok(Math.abs(dIn - dOut) < 1e-6, `slope jumps at ${edge}: ${dIn} vs ${dOut}`);
    }
  });
}

test("code0 and code1 have their kink at α = 0 (slopes Δ⁺ and Δ⁻ differ), as pyhf", () => {
  assert.ok(close(delta("code0", 1e-9)[1], HI - NOM) && close(delta("code0", -1e-9)[1], NOM - LO), "close(delta(\"code0\", 1e-9)[1], HI - NOM) && close(delta(\"code0\", -1e-9)[1], NOM - LO)");
  assert.ok(close(delta("code1", 1e-9)[1], NOM * Math.log(HI / NOM), 1e-8) && close(delta("code1", -1e-9)[1], -NOM * Math.log(LO / NOM), 1e-8), "close(delta(\"code1\", 1e-9)[1], NOM * Math.log(HI / NOM), 1e-8) && close(delta(\"code1\", -1e-9)[1], -NOM * Math.log(LO / NOM), 1e-8)");
});

test("code4's polynomial: the hard-coded A⁻¹ reproduces the solved 6×6 system (1e-12)", () => {
  for (const [nom, hi, lo] of BINS) {
    const c = new Float64Array(COEFS_PER_BIN);
    compileBin(CODE_ID.code4, nom, hi, lo, c, 0);
    code4Coefficients(hi / nom, lo / nom).forEach((v, i) => assert.ok(close(c[3 + i], v), `a${i + 1}: ${c[3 + i]} vs ${v}`));
  }
});
