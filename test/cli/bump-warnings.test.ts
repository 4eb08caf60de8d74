// The GP length-scale warning of `bump test` / `bump scan` (#20): a fitted ℓ at its bound is named.
import { test } from "node:test";
import assert from "node:assert/strict";
import { lsAtBound, lsBoundWarning } from "../../src/cli/bump/common.ts";

test("lsAtBound: within 0.1% of a bound in ln ℓ; NaN rows (failed fits) are never at a bound", () => {
  assert.equal(lsAtBound({ gp_length_scale: 0.3, gp_ls_lo: 0.01, gp_ls_hi: 0.3 }), "upper");
  assert.equal(lsAtBound({ gp_length_scale: 0.010005, gp_ls_lo: 0.01, gp_ls_hi: 0.3 }), "lower");
  assert.equal(lsAtBound({ gp_length_scale: 0.0102, gp_ls_lo: 0.01, gp_ls_hi: 0.3 }), null);
  assert.equal(lsAtBound({ gp_length_scale: NaN, gp_ls_lo: 0.01, gp_ls_hi: 0.3 }), null);
});

test("lsBoundWarning names the dataset, the bound and the masses in MeV; empty when none", () => {
  const row = (m: number, l: number) => ({ mass_GeV: m, gp_length_scale: l, gp_ls_lo: 0.01, gp_ls_hi: 0.3 });
  assert.equal(lsBoundWarning([row(0.05, 0.1)], "2015"), "");
  assert.equal(lsBoundWarning([row(0.05, 0.3), row(0.06, 0.1), row(0.07, 0.3)], "2015"),
    "warning: 2015: the GP length scale sits at its upper bound at 2 masses (50, 70 MeV): the background may be under- or over-smoothed; check kernel_ls_* settings\n");
});
