// Gaussian-process regression (sklearn GaussianProcessRegressor semantics): kernels, the log
// marginal likelihood with its analytic gradient, hyperparameter fits with seeded restarts,
// posterior mean / std / covariance, and the count-space moment transform of the bump hunt.
export { toPoints, type Points, type PointsLike } from "./points.ts";
export {
  Kernel, ConstantKernel, RBF, Matern, RationalQuadratic, WhiteKernel, Sum, Product, StationaryKernel,
  formatG3, gramMatrix, type Bounds, type HyperparameterInfo,
} from "./kernels.ts";
export { MarginalLikelihood, logMarginalLikelihood, prepareTargets, type LmlOptions, type Targets } from "./lml.ts";
export { LowRankMarginalLikelihood, lowRankApplicable, type LowRankOptions } from "./lowrank.ts";
export { fitHyperparameters, searchHyperparameters, startingPoints, type FitOptions, type FitResult, type StartLog, type StartAgreement } from "./fit.ts";
export {
  GaussianProcess, fitGaussianProcess, countSpaceMoments,
  type PredictOptions, type Prediction, type ConditionOptions,
} from "./predict.ts";
