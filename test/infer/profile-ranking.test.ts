import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { compileModel } from "../../src/histfactory/model.ts";
import { profileScan } from "../../src/infer/profile.ts";
import { ranking } from "../../src/infer/ranking.ts";
import { fit, uncertainties } from "../../src/likelihood/fit.ts";
import { parameterIndex } from "../../src/likelihood/types.ts";

const example = () => compileModel(JSON.parse(readFileSync(new URL("../../examples/two-channel/workspace.json", import.meta.url), "utf8")));

test("profileScan: Δ2NLL is 1 and 3.84 at the interval edges, 0 at the minimum, and the 68% interval brackets μ̂ ± σ_Hessian", () => {
  const m = example();
  const i = m.poi!;
  const r = profileScan(m, i, { npoints: 9 });
  const [i68, i95] = r.intervals;
  assert.ok(i68.lower < r.best_fit && r.best_fit < i68.upper && i95.lower <= i68.lower && i95.upper > i68.upper);
  // Re-evaluate the profile at the edges independently.
  const best = fit(m, m.observed);
  const at = (x: number) => fit(m, m.observed, { fix: [[i, x]] }).twiceNll - best.twiceNll;
  if (!i68.lower_at_bound) assert.ok(Math.abs(at(i68.lower) - 1) < 1e-4);
  assert.ok(Math.abs(at(i68.upper) - 1) < 1e-4);
  assert.ok(Math.abs(at(i95.upper) - 3.841458820694124) < 1e-4);
  const sigma = uncertainties(m, m.observed, best).errors[i];
  const half = 0.5 * (i68.upper - Math.max(i68.lower, m.parameters[i].lower));
  assert.ok(Math.abs(half / sigma - 1) < 0.25, `half-width ${half} vs σ ${sigma}`);
  assert.equal(r.points.length, 9);
  assert.ok(r.points.every((p) => p.delta_twice_nll >= -1e-8));
});

test("ranking: constrained NPs ranked by post-fit impact; pre-fit impact ≥ post-fit for constrained NPs", () => {
  const m = example();
  const r = ranking(m);
  assert.equal(r.poi, "mu_SIG");
  const names = r.impacts.map((x) => x.parameter);
  assert.ok(names.includes("jes") && names.includes("fakes_norm") && !names.includes("mu_ttbar"));
  const size = (x: (typeof r.impacts)[number]) => Math.max(Math.abs(x.postfit_up), Math.abs(x.postfit_down));
  for (let k = 1; k < r.impacts.length; k++) assert.ok(size(r.impacts[k - 1]) >= size(r.impacts[k]));
  const jes = r.impacts.find((x) => x.parameter === "jes")!;
  assert.ok(jes.uncertainty <= 1.0001 && Math.abs(jes.prefit_up) + 1e-9 >= Math.abs(jes.postfit_up) * 0.999);
  assert.ok(parameterIndex(m, "jes") >= 0);
});
