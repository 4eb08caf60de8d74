// The HPS bump hunt (src/bumphunt) records unphysical mass points as failed with the reason
// (issue #22): σ_A = 0, a non-finite Z or limit, a window background off by more than ×100.
import { test } from "node:test";
import assert from "node:assert/strict";
import { unphysical } from "../../src/bumphunt/mass-point.ts";
import { withGlobal } from "../../src/bumphunt/scan.ts";
import type { MassPointRow } from "../../src/bumphunt/mass-point.ts";

const good = { sigma_A: 12, Z_analytic: 1.2, A_up: 40, obs_window_counts: 3954, bkg_window_mean: 3900 };

test("unphysical(): σ_A = 0, Z = ∞, no limit, and a background of 2 against 3954 observed are reasons; a sound row has none", () => {
  assert.equal(unphysical(good), "");
  assert.match(unphysical({ ...good, sigma_A: 0 }), /σ_A = 0/);
  assert.match(unphysical({ ...good, Z_analytic: Infinity }), /Z = Infinity/);
  assert.match(unphysical({ ...good, A_up: NaN }), /upper limit/);
  assert.match(unphysical({ ...good, bkg_window_mean: 2 }), /background 2\.00 against 3954/);
});

test("withGlobal gives a failed row no global significance, and never Z_global = ∞", () => {
  const base = { dataset: "2015", mass_GeV: 0.05, sigma_mass_res_GeV: 0.0026, ...good, p0_analytic: 0.1 } as unknown as MassPointRow;
  const rows = withGlobal([base, { ...base, sigma_A: 0 }, { ...base, p0_analytic: 0, Z_analytic: 40 }], "2015", 1.64);
  assert.ok(rows[0].Z_global >= 0 && Number.isFinite(rows[0].Z_global));
  assert.ok(Number.isNaN(rows[1].p0_global) && Number.isNaN(rows[1].Z_global));
  assert.ok(Number.isNaN(rows[2].Z_global), `Z_global ${rows[2].Z_global}`);
});
