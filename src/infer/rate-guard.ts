// A Likelihood wrapper that treats a negative expected main-bin rate as outside the model
// (−ln L = +∞). Needed because a continuous Poisson term with n = 0 is ν itself, so a model
// whose interpolation lets ν go negative (e.g. large histosys/normsys pulls extrapolated
// linearly) has a −ln L unbounded below there: a toy fit then runs off to ν → −∞ (seen on
// atlas-susy-2019-09 off-shell toys: 2NLL ≈ −6e8 after thousands of iterations). The
// optimiser backs off from non-finite values, so guarded fits stay in the physical region.
import type { Rng } from "../math/rng.ts";
import type { Likelihood } from "../likelihood/types.ts";

export function guardNegativeRates(lik: Likelihood): Likelihood {
  const buf = new Float64Array(lik.nMain + lik.nAux);
  const negative = (pars: Float64Array): boolean => {
    lik.expected(pars, buf);
    for (let i = 0; i < lik.nMain; i++) if (buf[i] < 0) return true;
    return false;
  };
  // A likelihood that reports the rates of its last evaluation is checked after evaluating,
  // without a second pass over the rates (same verdict: the same rates).
  const lastMin = lik.lastMinMainRate ? () => lik.lastMinMainRate!() : null;
  const guarded: Likelihood = {
    parameters: lik.parameters,
    poi: lik.poi,
    nMain: lik.nMain,
    nAux: lik.nAux,
    observed: lik.observed,
    fitMaxStep: lik.fitMaxStep,
    nll: (pars, data) => {
      if (!lastMin) return negative(pars) ? Infinity : lik.nll(pars, data);
      const v = lik.nll(pars, data);
      return lastMin() < 0 ? Infinity : v;
    },
    nllGrad: (pars, data, grad) => {
      if (!lastMin) {
        if (negative(pars)) { grad.fill(0); return Infinity; }
        return lik.nllGrad(pars, data, grad);
      }
      const v = lik.nllGrad(pars, data, grad);
      if (lastMin() < 0) { grad.fill(0); return Infinity; }
      return v;
    },
    expected: (pars, out) => lik.expected(pars, out),
    sample: (pars: Float64Array, rng: Rng, out?: Float64Array) => lik.sample(pars, rng, out),
  };
  if (lik.curvature) guarded.curvature = (pars, data, out) => lik.curvature!(pars, data, out);
  if (lik.hessian) guarded.hessian = (pars, data, idx, out) => lik.hessian!(pars, data, idx, out);
  if (lik.closedFormProfile) {
    // The closed-form profile too, guarded at the parameters it completes.
    guarded.closedFormProfile = (data, held, lower, upper) => {
      const p = lik.closedFormProfile!(data, held, lower, upper);
      if (!p) return null;
      return {
        mask: p.mask,
        nllGrad: (pars, grad) => {
          const v = p.nllGrad(pars, grad);
          if (lastMin ? lastMin() < 0 : negative(pars)) { grad.fill(0); return Infinity; }
          return v;
        },
        ...(p.hessian ? { hessian: p.hessian.bind(p) } : {}),
      };
    };
  }
  return guarded;
}
