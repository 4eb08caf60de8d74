// Bounded quasi-Newton minimisation with an analytic gradient, and the Hessian covariance at a
// minimum (Minuit HESSE style); the damped Newton on a model-supplied Hessian (newton.ts) and a small
// allocation-free dense Newton for few-parameter fits (dense-newton.ts).
export { minimize, type ObjectiveWithGradient, type MinimizeOptions, type MinimizeResult } from "./minimize.ts";
export { minimizeNewton, type HessianFunction, type NewtonOptions } from "./newton.ts";
export { hessianFromGradient, covarianceFromHessian, type Covariance } from "./hessian.ts";
export { DenseNewton, type NewtonProblem, type NewtonResult as DenseNewtonResult } from "./dense-newton.ts";
