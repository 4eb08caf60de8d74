// Marginal likelihoods with certified bounds (specs/interval_evidence.md): likelihoods as
// interval functions, priors as mass functions, Z = ∫ L dπ with error bounds, limit scans,
// and the region, fit and MCMC tools that make background priors.
export { Model } from "./model.ts";
export {
  type IntervalLikelihood, NormalLikelihood, Gamma1Likelihood, poissonLikelihood, countLikelihood,
} from "./likelihood-interval.ts";
export {
  type Prior, standardNormalMass, NormalPrior, LogPrior, logNormalPrior, AddPrior, TruncPrior, truncNormalPrior, MixturePrior,
} from "./prior-mass.ts";
export { RegularLinearPrior, RegularUniformPrior } from "./prior-grid.ts";
export { quadBound, type QuadBoundStats } from "./quad-bound.ts";
export {
  scanPrior, scanDelta, scanFitSignal, upperLimit, DEFAULT_LEVELS,
  type SignalGrid, type LevelCurve, type PriorScan, type DeltaScan,
} from "./limit-scan.ts";
export { crossings, crossingsByLevel, type Crossings } from "./crossings.ts";
export { expectedData, type ExpectedData } from "./expected-data.ts";
export { extractRegion, type Region, type RegionRecipe } from "./region.ts";
export { blindRegion, type BlindedRegion } from "./blind.ts";
export { fitBlinded, normalFromFit, profileYield, profileSignal, type BlindFit } from "./prior-fit.ts";
export { runMcmc, type McmcOptions, type McmcResult } from "./mcmc.ts";
export { readFitPrior, readNormalFit, readSignalFit, readStoredScan, type FitPrior, type NormalFit, type SignalFit, type StoredScan } from "./fit-files.ts";
