// Toy-based CLs: agreement with the asymptotic formulae on a real ATLAS likelihood, bit-identical
// results whatever the number of workers, and a coverage closure test of CLs.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { needsShared } from "../shared.ts";
import { referenceCases, caseSpec, caseModel } from "../histfactory/reference-cases.ts";
import { compileModel } from "../../src/histfactory/model.ts";
import { toyHypotestOnPool as toyHypotest } from "../../src/batch/toys.ts";
import { hypotest } from "../../src/infer/hypotest.ts";
import { AsymptoticCalculator } from "../../src/infer/asymptotic.ts";
import { Rng } from "../../src/math/rng.ts";
import { countingModel } from "../../src/likelihood/counting.ts";
import { toyHypotest as toyHypotestInThread } from "../../src/infer/toys.ts";

const MODEL_URL = new URL("../../src/histfactory/model.ts", import.meta.url).href;

function setup(name: string) {
  const c = referenceCases().find((x) => x.name === name)!;
  const spec = caseSpec(c);
  const options = { measurement: c.measurement, modifierSettings: c.modifier_settings };
  return { model: compileModel(spec, options), recipe: { module: MODEL_URL, factory: "modelFromRecipe", args: { spec, options } } };
}

describe("toys on a real ATLAS likelihood", needsShared(), () => {
  test("atlas-susy-2018-05 (17 SR bins, synthetic signal): toy CLs at μ = 1 agrees with asymptotics within 3 MC errors (3000 toys)", async () => {
    const { model, recipe } = setup("atlas-susy-2018-05/simplified+synthetic");
    const toys = await toyHypotest(model, recipe, 1, { ntoys: 3000, seed: 11, workers: 2 });
    const asym = hypotest(model, 1);
    assert.equal(toys.failed_sb + toys.failed_b, 0);
    assert.ok(Math.abs(toys.cls_obs - asym.cls_obs) < 3 * toys.cls_obs_mc_error, `toys ${toys.cls_obs} ± ${toys.cls_obs_mc_error} vs asymptotic ${asym.cls_obs}`);
    // The expected median CLs too (its MC error is of the same order).
    assert.ok(Math.abs(toys.cls_exp[2] - asym.cls_exp[2]) < 0.06, `median expected ${toys.cls_exp[2]} vs ${asym.cls_exp[2]}`);
  });

  test("the same seed gives bit-identical output with 1 and 2 workers", async () => {
    const { model, recipe } = setup("pyhf-tests-patchset/patch_channel1_signal_syst1");
    const one = await toyHypotest(model, recipe, 1.5, { ntoys: 300, seed: 5, workers: 1 });
    const two = await toyHypotest(model, recipe, 1.5, { ntoys: 300, seed: 5, workers: 2, batch: 17 });
    assert.equal(JSON.stringify(two), JSON.stringify(one));
    const other = await toyHypotest(model, recipe, 1.5, { ntoys: 300, seed: 6, workers: 1 });
    assert.notEqual(JSON.stringify(other.q_sb), JSON.stringify(one.q_sb));
  });
});

test("coverage closure on the counting model: at the true signal, CLs < 0.05 in at most 5% of pseudo-experiments (within MC error)", () => {
  // One-bin counting experiment: s = 12 (μ = 1 true), b = 40 ± 15% (Poisson constraint).
  const model = countingModel({ signal: [12], background: [40], relativeUncertainty: 0.15 });
  const truth = Float64Array.from([1, 1]);
  const N = 2000;
  let excluded = 0;
  const rng = new Rng(2024);
  for (let i = 0; i < N; i++) {
    const data = model.sample(truth, rng);
    const r = new AsymptoticCalculator(model, data, "qtilde").test(1);
    if (r.observed.cls < 0.05) excluded++;
  }
  const frac = excluded / N;
  const se = Math.sqrt((0.05 * 0.95) / N);
  assert.ok(frac <= 0.05 + 2 * se, `true signal excluded in ${(100 * frac).toFixed(2)}% of experiments`);
  // Not vacuous: CLs does exclude the true value sometimes (it is conservative, not blind).
  assert.ok(frac > 0.005, `excluded fraction ${frac} suspiciously small`);
});

test("toy CLs on the counting model agrees with asymptotics at large counts (2000 toys, in-thread executor)", async () => {
  const model = countingModel({ signal: [30], background: [200], relativeUncertainty: 0.05, observed: [210] });
  const toys = await toyHypotestInThread(model, 1, { ntoys: 2000, seed: 3 });
  const asym = hypotest(model, 1);
  assert.ok(Math.abs(toys.cls_obs - asym.cls_obs) < 3 * toys.cls_obs_mc_error + 0.01, `toys ${toys.cls_obs} ± ${toys.cls_obs_mc_error} vs ${asym.cls_obs}`);
  assert.ok(Math.abs(toys.cls_exp[2] - asym.cls_exp[2]) < 0.05, `median ${toys.cls_exp[2]} vs ${asym.cls_exp[2]}`);
});

describe("toy CLs vs pyhf's toys (hypotest_toys_qtilde_mu1, 2000 toys, numpy seed 0)", needsShared(), () => {
  for (const c of referenceCases().filter((x) => (x.hypotest_toys_qtilde_mu1 as { status?: string } | undefined)?.status === "ok")) {
    test(`${c.name}: observed CLs, CLs+b and CLb agree within 3 combined MC errors (generated as pyhf: at the inits)`, async () => {
      const ref = c.hypotest_toys_qtilde_mu1 as { CLs_obs: number; CLsb_obs: number; CLb_obs: number; ntoys: number };
      const m = caseModel(c);
      const r = await toyHypotestInThread(m, 1, { ntoys: 4000, seed: 1, toyPars: "init" });
      const se = (p: number, n: number) => Math.sqrt((p * (1 - p)) / n);
      const refErr = ref.CLs_obs * Math.hypot(se(ref.CLsb_obs, ref.ntoys) / ref.CLsb_obs, se(ref.CLb_obs, ref.ntoys) / ref.CLb_obs);
      assert.ok(Math.abs(r.cls_obs - ref.CLs_obs) < 3 * Math.hypot(r.cls_obs_mc_error, refErr), `CLs ${r.cls_obs} ± ${r.cls_obs_mc_error} vs pyhf ${ref.CLs_obs} ± ${refErr}`);
      assert.ok(Math.abs(r.clsb_obs - ref.CLsb_obs) < 3 * Math.hypot(se(r.clsb_obs, 4000), se(ref.CLsb_obs, ref.ntoys)));
      assert.ok(Math.abs(r.clb_obs - ref.CLb_obs) < 3 * Math.hypot(se(r.clb_obs, 4000), se(ref.CLb_obs, ref.ntoys)));
    });
  }
});
