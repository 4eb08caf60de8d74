// The Likelihood interface every model implements and every inference routine consumes,
// maximum-likelihood fits of any Likelihood, and a generic counting experiment.
export { initialValues, parameterIndex, type Likelihood, type ParameterSpec, type ClosedFormProfile } from "./types.ts";
export { fit, uncertainties, type FitOptions, type FitResult, type Uncertainties } from "./fit.ts";
export { countingModel, CountingLikelihood, type CountingSpec } from "./counting.ts";
