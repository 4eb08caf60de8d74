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
    assert.ok(Math.abs(delta(code, 0)[0]) < 1e-12);
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
    assert.ok(Math.abs(delta("code1", a)[0] - exp) < 1e-12);
    assert.ok(Math.abs(delta("code4", a)[0] - exp) < 1e-12);
    const expDn = NOM * (Math.pow(LO / NOM, a) - 1);
    assert.ok(Math.abs(delta("code4", -a)[0] - expDn) < 1e-12);
  }
});

test("code4 is smooth at α = ±1: value, first and second derivative continuous", () => {
  for (const edge of [1, -1]) {
    const e = 1e-7;
    const inside = edge - Math.sign(edge) * e, outside = edge + Math.sign(edge) * e;
    assert.ok(Math.abs(delta("code4", inside)[0] - delta("code4", outside)[0]) < 1e-6);
    assert.ok(Math.abs(delta("code4", inside)[1] - delta("code4", outside)[1]) < 1e-5);
    const h = 1e-4;
    const d2in = (delta("code4", edge - Math.sign(edge) * h)[1] - delta("code4", edge - Math.sign(edge) * 2 * h)[1]) / h;
    const d2out = (delta("code4", edge + Math.sign(edge) * 2 * h)[1] - delta("code4", edge + Math.sign(edge) * h)[1]) / h;
    assert.ok(Math.abs(d2in - d2out) < 1e-2 * Math.max(1, Math.abs(d2in)), `second derivative ${d2in} vs ${d2out}`);
  }
});

test("code4p is linear outside |α| > 1 and continuous in slope at ±1", () => {
  assert.ok(Math.abs(delta("code4p", 2.5)[0] - 2.5 * (HI - NOM)) < 1e-12);
  assert.ok(Math.abs(delta("code4p", -2.5)[0] - 2.5 * (LO - NOM)) < 1e-12);
  assert.ok(Math.abs(delta("code4p", 1 - 1e-9)[1] - (HI - NOM)) < 1e-6);
  assert.ok(Math.abs(delta("code4p", -1 + 1e-9)[1] - (NOM - LO)) < 1e-6);
});

test("code4 with a non-positive ratio gives NaN, as pyhf does", () => {
  assert.ok(Number.isNaN(delta("code4", 0.5, 1, 1.2, 0)[0]) || !Number.isFinite(delta("code4", 0.5, 1, 1.2, 0)[0]));
});
