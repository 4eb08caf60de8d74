// Combined injection rows and search-power products (spec §12.8–12.9): inverse-variance
// combination per toy, matching by strength or by inj_nsigma, mass policies, Z_comb scenarios
// and the per-dataset requirement for a combined Z_target.
import { test } from "node:test";
import assert from "node:assert/strict";
import { combineInjectionToys, constituentRequirement, scenarioZ, type InjToyRecord } from "../../src/bumphunt/inject-combined.ts";
import { normalSf } from "../../src/math/special.ts";

function rec(dataset: string, mass: number, strength: number, toy: number, aHat: number, sigmaA: number, o: Partial<InjToyRecord> = {}): InjToyRecord {
  return {
    dataset, mass_GeV: mass, strength, strength_tag: `s${strength}`, toy_mode: "conditional_gp", toy: String(toy), sigmaA_ref: sigmaA, integral_density: 1, A_per_eps2_unit: 1,
    f_win: 0.8, f_train_frac: 0, inj_nsigma: strength / sigmaA, A_hat: aHat, sigma_A: sigmaA, pull_param: (aHat - strength) / sigmaA, Zhat: aHat / sigmaA, success: true, ...o,
  };
}

test("inverse-variance combination per (mass, strength, toy): A_c, σ_c, strength_c, pull, Ẑ", () => {
  const c = combineInjectionToys([rec("2015", 0.05, 100, 0, 120, 50), rec("2016", 0.05, 100, 0, 60, 100)]);
  assert.equal(c.length, 1);
  const w1 = 1 / 2500, w2 = 1 / 10000;
  const aC = (120 * w1 + 60 * w2) / (w1 + w2), sC = 1 / Math.sqrt(w1 + w2);
  assert.ok(Math.abs(c[0].A_hat - aC) < 1e-12 && Math.abs(c[0].sigma_A - sC) < 1e-12);
  assert.ok(Math.abs(c[0].strength - 100) < 1e-12);
  assert.ok(Math.abs(c[0].pull_param - (aC - 100) / sC) < 1e-12 && Math.abs(c[0].Zhat - aC / sC) < 1e-12);
  assert.equal(c[0].n_contrib, 2);
  assert.equal(c[0].contrib_datasets, "2015+2016");
  assert.equal(c[0].dataset, "combined");
});

test("different absolute strengths at the same multiple of σ_A,ref are matched by inj_nsigma", () => {
  const recs = [rec("2015", 0.05, 150, 0, 140, 50), rec("2015", 0.05, 150, 1, 160, 50), rec("2021", 0.05, 60, 0, 70, 20), rec("2021", 0.05, 60, 1, 50, 20)];
  const c = combineInjectionToys(recs);
  assert.equal(c.length, 2);
  for (const r of c) assert.ok(Math.abs(r.inj_nsigma - 3) < 1e-12);
  const w1 = 1 / 2500, w2 = 1 / 400;
  assert.ok(Math.abs(c[0].strength - (150 * w1 + 60 * w2) / (w1 + w2)) < 1e-12);
});

test("intersection keeps masses with every dataset; union_min_n needs n contributors; a failed constituent fails the intersection toy", () => {
  const recs = [rec("2015", 0.03, 100, 0, 100, 50), rec("2016", 0.03, 100, 0, 100, 50), rec("2015", 0.05, 100, 0, 100, 50), rec("2016", 0.05, 100, 0, 100, 50), rec("2021", 0.05, 100, 0, 100, 50),
    rec("2015", 0.06, 100, 0, 100, 50), rec("2016", 0.06, 100, 0, NaN, 50, { success: false }), rec("2021", 0.06, 100, 0, 100, 50)];
  assert.deepEqual(combineInjectionToys(recs).map((r) => [r.mass_GeV, r.success]), [[0.05, true], [0.06, false]]);
  const u = combineInjectionToys(recs, { policy: "union_min_n", minContrib: 2 });
  assert.deepEqual(u.map((r) => [r.mass_GeV, r.success, r.n_contrib]), [[0.03, true, 2], [0.05, true, 3], [0.06, true, 2]]);
  assert.deepEqual(combineInjectionToys(recs.filter((r) => r.dataset === "2015")), []);
});

test("search power: Z_comb of equal excesses grows as √N; requirements for 5σ split by information fraction", () => {
  assert.ok(Math.abs(scenarioZ({ a: 10, b: 10, c: 10 }, { a: 1, b: 1, c: 1 }) - Math.sqrt(3)) < 1e-12);
  // One dataset with 4× the variance: Z = (1/10 + 1/20)/√(1/100 + 1/400).
  assert.ok(Math.abs(scenarioZ({ a: 10, b: 20 }, { a: 1, b: 1 }) - (0.1 + 0.05) / Math.sqrt(0.01 + 0.0025)) < 1e-12);
  const r = constituentRequirement({ "2015": 10, "2016": 20 }, 5);
  assert.deepEqual(r.map((x) => x.dataset), ["2015", "2016"]);
  assert.ok(Math.abs(r[0].info_frac - 0.8) < 1e-12 && Math.abs(r[1].info_frac - 0.2) < 1e-12);
  assert.ok(Math.abs(r[0].z_req - 5 * Math.sqrt(0.8)) < 1e-12);
  assert.equal(r[1].p0_req, normalSf(5 * Math.sqrt(0.2)));
  // The requirements recombine to the target: Σ z_req,d √(info_frac_d) = Z_target.
  assert.ok(Math.abs(r.reduce((a, x) => a + x.z_req * Math.sqrt(x.info_frac), 0) - 5) < 1e-12);
});
