// Systematics-aware template fits (../shared/specs/gato_sage.md Part B): templates on a regular
// nuisance grid with multilinear, log-linear and C¹ cubic interpolation (analytic gradients),
// the §B4 template likelihood as a Likelihood, μ intervals (profile, scan, Hesse; opt-in
// calibration), a synthetic HiggsML-like generator, seeded coverage studies on any executor,
// the HiggsML Uncertainty Challenge score, and the export to a pyhf workspace.
export {
  checkGrid, gridFromJson, gridToJson, gridFromBinary, gridToBinary, readGrid, writeGrid, totalBins, gridPoints, regionOffsets, describePoint,
  type TemplateGrid, type GridAxis, type RegionSpec,
} from "./grid.ts";
export { GridInterpolator, INTERPOLATION_MODES, OUTSIDE_MODES, type InterpolationMode, type OutsideMode, type InterpolatorOptions } from "./interpolate.ts";
export { TemplateLikelihood, checkModelSpec, type TemplateModelSpec, type NuisanceDef, type NormDef, type Constraint } from "./likelihood.ts";
export { fitInterval, INTERVAL_METHODS, type IntervalMethod, type IntervalOptions, type TemplateFit } from "./interval.ts";
export {
  syntheticGrid, syntheticTemplates, syntheticConfig, syntheticModelSpec, syntheticRegions, drawTruth, truthParameters,
  DEFAULT_SYNTHETIC, SYNTHETIC_AXES, SYNTHETIC_PROCESSES, SYNTHETIC_REGIONS, type SyntheticConfig, type Truth,
} from "./synthetic.ts";
export { betaCdf } from "./beta.ts";
export {
  runCoverage, summarizeCoverage, buildModel, setMus, checkMuRange,
  type CoverageOptions, type CoverageRecord, type CoverageResult, type ModelSource, type SetSummary, type NuisancePull,
} from "./coverage.ts";
export { writeCoverageOutputs, coverageFigures, recordsCsv, setsCsv, coverageSummary } from "./coverage-output.ts";
export {
  sigma68, coverageBand, coveragePenalty, quantileScore, scoreRecords, challengeScore, bootstrapScore, ONE_SIGMA, SCORE_EPS,
  type IntervalRecord, type ScoreSummary, type ChallengeScore, type BootstrapScore,
} from "./score.ts";
export { loadModel, syntheticModelYaml, type LoadedModel } from "./config.ts";
export { templateWorkspace, TEMPLATE_MODIFIER_SETTINGS } from "./histfactory-export.ts";
export {
  readChallengeEvents, applySystematics, derivedFeatures, eventTemplates, PRI_FEATURES, DER_FEATURES, UNDEFINED,
  type Events, type EventRegion, type SystematicsOptions, type PriFeature, type DerFeature,
} from "./events.ts";
