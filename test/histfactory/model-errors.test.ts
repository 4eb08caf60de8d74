// The model compiler's own checks: each bad input is an InputError naming the field.
import { test } from "node:test";
import assert from "node:assert/strict";
import { compileModel } from "../../src/histfactory/model.ts";
import { InputError } from "../../src/io/errors.ts";
import type { WorkspaceSpec } from "../../src/histfactory/spec.ts";

function ws(): WorkspaceSpec {
  return {
    channels: [{
      name: "SR",
      samples: [
        { name: "sig", data: [2, 3], modifiers: [{ name: "mu", type: "normfactor", data: null }, { name: "lumi", type: "lumi", data: null }] },
        { name: "bkg", data: [10, 12], modifiers: [{ name: "unc", type: "shapesys", data: [1, 0] }, { name: "stat", type: "staterror", data: [0.5, 0] }] },
      ],
    }],
    observations: [{ name: "SR", data: [11, 15] }],
    measurements: [{ name: "meas", config: { poi: "mu", parameters: [{ name: "lumi", auxdata: [1], sigmas: [0.02] }] } }],
    version: "1.0.0",
  };
}

function throwsInput(fn: () => unknown, field: RegExp, detail: RegExp): void {
  assert.throws(fn, (e: unknown) => e instanceof InputError && field.test(e.field) && detail.test(e.detail));
}

test("a POI that is not in the model names /measurements/i/config/poi", () => {
  const s = ws();
  s.measurements[0].config.poi = "mu_SIG";
  throwsInput(() => compileModel(s, { file: "ws.json" }), /\/measurements\/0\/config\/poi/, /POI "mu_SIG" is not a parameter/);
});

test("a lumi modifier without sigmas in the measurement is refused", () => {
  const s = ws();
  s.measurements[0].config.parameters = [];
  throwsInput(() => compileModel(s), /\/measurements\/0\/config\/parameters/, /lumi parameter "lumi" needs/);
});

test("an unknown measurement name lists the available ones", () => {
  throwsInput(() => compileModel(ws(), { measurement: "nope" }), /\/measurements/, /available: meas/);
});

test("an unknown interpolation code is refused", () => {
  throwsInput(() => compileModel(ws(), { modifierSettings: { histosys: { interpcode: "code9" } } }), /histosys\.interpcode/, /unknown interpolation code/);
});

test("a measurement override with the wrong length names the parameter", () => {
  const s = ws();
  s.measurements[0].config.parameters.push({ name: "unc", inits: [1, 1, 1] });
  throwsInput(() => compileModel(s), /parameter "unc"/, /3 entries but "unc" has 2/);
});

test("shapesys and staterror bins with zero uncertainty are fixed at 1, as pyhf does", () => {
  const m = compileModel(ws());
  const fixed = Object.fromEntries(m.parNames.map((n, i) => [n, m.parameters[i].fixed]));
  assert.deepEqual([fixed["unc[0]"], fixed["unc[1]"], fixed["stat[0]"], fixed["stat[1]"]], [false, true, false, true]);
});

test("a shapesys name reused by another sample is refused (pyhf InvalidNameReuse)", () => {
  const s = ws();
  s.channels[0].samples[0].modifiers.push({ name: "unc", type: "shapesys", data: [1, 1] });
  throwsInput(() => compileModel(s), /modifier "unc"/, /each shapesys name must be unique/);
});

test("a name shared by lumi and normsys is refused; histosys + normsys share one parameter", () => {
  const s = ws();
  s.channels[0].samples[1].modifiers.push({ name: "lumi", type: "normsys", data: { hi: 1.1, lo: 0.9 } });
  throwsInput(() => compileModel(s), /normsys/, /used by both a lumi and a normsys/);
  const t = ws();
  t.channels[0].samples[1].modifiers.push({ name: "jes", type: "normsys", data: { hi: 1.1, lo: 0.9 } });
  t.channels[0].samples[0].modifiers.push({ name: "jes", type: "histosys", data: { hi_data: [2.2, 3.1], lo_data: [1.8, 2.9] } });
  const m = compileModel(t);
  assert.equal(m.parNames.filter((n) => n === "jes").length, 1);
});

test("negative expected rates give a NaN likelihood, not a silent number (pyhf does not clip)", () => {
  const s = ws();
  s.channels[0].samples[1].modifiers.push({ name: "shift", type: "histosys", data: { hi_data: [-30, 12], lo_data: [10, 12] } });
  const m = compileModel(s);
  const x = Float64Array.from(m.parameters, (p) => p.init);
  x[m.parNames.indexOf("shift")] = 1.5;
  assert.ok(Number.isNaN(m.nll(x, m.observed)));
});
