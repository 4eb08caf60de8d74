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
export {
  extractRegion, clearPoi, dropModifiers, mergeNormfactors, renameModifiers, mergeBinsOf, mergeChannelsOf, pruneTo,
  type Region, type RegionRecipe, type ModifierRule,
} from "./region.ts";
export { readRecipe, recipeFromSource, prepareWorkspace, recipeRegion, recipeRegions, RECIPE_FIELDS, type RegionRecipeFile, type RegionSpec } from "./recipe.ts";
export { blindRegion, regionObservedCount, type BlindedRegion } from "./blind.ts";
export { scanVariant, scanVariants, initialStop, type VariantResult, type VariantResults, type ScanOptions, type BackgroundScale } from "./auto-scan.ts";
export { runRegion, fitPriors, regionLimits, priorSupport, RUN_PRIORS, RUN_DEFAULTS, type RunOptions, type RunPrior, type RegionRun, type PriorLimits, type PriorFits } from "./pipeline.ts";
export { runRegions, regionRunner, taskDigest, completedResult, type RegionTask, type RegionOutcome, type LimitsFile } from "./run-task.ts";
export { summaryRows, failedRow, regionFigure, summaryFigure, SUMMARY_COLUMNS, type SummaryRow } from "./run-summary.ts";
export { compareWithStored, type CompareRow } from "./compare.ts";
export { fitBlinded, normalFromFit, profileYield, profileSignal, type BlindFit } from "./prior-fit.ts";
export { runMcmc, type McmcOptions, type McmcResult } from "./mcmc.ts";
export { readFitPrior, priorFromFitJson, readNormalFit, readSignalFit, readStoredScan, type FitPrior, type NormalFit, type SignalFit, type StoredScan } from "./fit-files.ts";
