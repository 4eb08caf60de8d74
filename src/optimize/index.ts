// Bounded quasi-Newton minimisation with an analytic gradient, and the Hessian covariance at a
// minimum (Minuit HESSE style).
export { minimize, type ObjectiveWithGradient, type MinimizeOptions, type MinimizeResult } from "./minimize.ts";
export { minimizeNewton, type HessianFunction, type NewtonOptions } from "./newton.ts";
export { hessianFromGradient, covarianceFromHessian, type Covariance } from "./hessian.ts";
