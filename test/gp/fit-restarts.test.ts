// Adaptive restarts of the GP hyperparameter fit (#19 item 4): a warm start first, then the
// ordinary starts until two distinct starts end at the same optimum. On real HPS 2015 windows
// (gp_reference.json) it must reach the optimum of all 11 starts, and a fit whose starts end at
// different optima must say so (FitResult.agreement).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { fitHyperparameters, type FitOptions } from "../../src/gp/fit.ts";
import { needsShared } from "../shared.ts";
import { caseAlpha, caseKernel, gpReference, type RefCase } from "./reference.ts";

const byId = (id: string): RefCase => gpReference().cases.find((c) => c.id === id)!;
const fit = (c: RefCase, o: FitOptions) => fitHyperparameters(caseKernel(c), c.X_train, c.y_train, { alpha: caseAlpha(c), nRestarts: 10, seed: 0, ...o });

const fullFits = new Map<string, ReturnType<typeof fit>>();
/** The fit with every start (hps_gpr's semantics), once per case. */
const fullFit = (c: RefCase) => fullFits.get(c.id) ?? fullFits.set(c.id, fit(c, {})).get(c.id)!;

/** Same optimum: LML within 1e-6 (the float64 noise of the LML at these optima is ~1e-7), θ within the agreement tolerance. */
const LML_TOL = 1e-6;

describe("adaptive restarts reach the optimum of all 11 starts", needsShared(), () => {
  for (const id of ["hps2015_m030", "hps2015_m050", "hps2015_m100"]) {
    test(`${id}: cold (kernel θ, then draws) and warm (another window's optimum) starts`, () => {
      const c = byId(id);
      const full = fullFit(c);
      assert.equal(full.agreement.run, 11, "stopWhenAgree unset: every start runs (hps_gpr)");
      assert.equal(full.agreement.stoppedEarly, false, "no early stop without stopWhenAgree");
      // A neighbouring window's optimum (scikit-learn's best of 11 there): m050's for the others, m030's for m050.
      const warm = byId(id === "hps2015_m050" ? "hps2015_m030" : "hps2015_m050").opt_n10!.theta;
      for (const [what, o] of [["cold", { stopWhenAgree: 2 }], ["warm", { stopWhenAgree: 2, warmStart: warm }]] as const) {
        const a = fit(c, o);
        assert.ok(Math.abs(a.lml - full.lml) <= LML_TOL, `${what}: LML ${a.lml} vs all starts ${full.lml} (tolerance ${LML_TOL})`);
        for (let j = 0; j < 2; j++) assert.ok(Math.abs(a.theta[j] - full.theta[j]) <= 1e-2, `${what}: θ[${j}] ${a.theta[j]} vs ${full.theta[j]}`);
        assert.ok(a.agreement.stoppedEarly && a.agreement.agree >= 2, `${what}: stopped once two starts agreed: ${JSON.stringify(a.agreement)}`);
        assert.ok(a.agreement.run <= 4, `${what}: ${a.agreement.run} starts run (at most 4 expected of 11)`);
        assert.ok(a.lml >= c.opt_n10!.lml - LML_TOL, `${what}: LML ${a.lml} below scikit-learn's best of 11 ${c.opt_n10!.lml}`);
      }
      if (id === "hps2015_m050") {
        const w = fit(c, { stopWhenAgree: 2, warmStart: warm });
        assert.deepEqual(Array.from(w.starts[0].thetaInit), warm, "the warm start runs first");
        assert.deepEqual(Array.from(w.starts[1].thetaInit), Array.from(caseKernel(c).theta), "then the kernel's θ");
        // The stall stop: this warm start sits at the optimum after ~8 evaluations and ran 31 without it.
        assert.ok(w.starts[0].evaluations <= 16, `warm start: ${w.starts[0].evaluations} evaluations (${w.starts[0].message})`);
      }
    });
  }

  test("the same options give the same bytes (no hidden state between fits)", () => {
    const c = byId("hps2015_m050");
    const o = { stopWhenAgree: 2, warmStart: [3.2, -1.2] };
    const a = fit(c, o), b = fit(c, o);
    assert.deepEqual(Array.from(a.theta), Array.from(b.theta), "θ");
    assert.equal(a.lml, b.lml, "LML");
  });
});

describe("starts that end at different optima are recorded", needsShared(), () => {
  test("hps2015_m100: a start ending far from the winner (a stall at large C) counts as disagreeing, in both modes", () => {
    const c = byId("hps2015_m100");
    const full = fullFit(c);
    // The fit with every start has one start ending at a finite LML away from the winner.
    assert.equal(full.agreement.disagree, 1, `all starts: ${JSON.stringify(full.agreement)}`);
    const other = full.starts.find((s) => Number.isFinite(s.lml) && full.lml - s.lml > 1)!;
    assert.ok(other, "a start ends at a finite LML far below the winner's");
    // Warm-started from that start's initial point: it ends away from the winner again, the next two agree.
    const a = fit(c, { stopWhenAgree: 2, warmStart: other.thetaInit });
    assert.ok(a.agreement.disagree >= 1, `adaptive from the local optimum: ${JSON.stringify(a.agreement)}`);
    assert.ok(a.agreement.agree >= 2 && Math.abs(a.lml - full.lml) <= LML_TOL, `and still the global optimum: LML ${a.lml} vs ${full.lml}`);
    assert.ok(a.bestStart > 0, "the winner is not the warm start");
  });

  test("agreement tolerances: with agreeTheta 0 no two starts agree, so every start runs and only the winner agrees with itself", () => {
    const c = byId("hps2015_m050");
    const a = fit(c, { stopWhenAgree: 2, agreeTheta: 0, nRestarts: 3 });
    assert.equal(a.agreement.run, 4, `every start ran: ${JSON.stringify(a.agreement)}`);
    assert.equal(a.agreement.stoppedEarly, false, "no early stop");
    assert.equal(a.agreement.agree, 1, "only the winner itself");
  });
});
