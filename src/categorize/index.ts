// Differentiable GATO categorisation (../shared/specs/gato_sage.md Part A): the GMM and
// sigmoid-boundary binning models, the Asimov significance loss with penalties and its
// hand-written gradient, training with schedulers, the bump-hunt mode, baselines, inputs from
// ROOT/Parquet/CSV through a configuration, and export of the categories as a pyhf workspace.
export { asimovZ, asimovZ2Grad, combineZ, lowBkgPenalty, highUncPenalty, ASIMOV_EPS } from "./asimov.ts";
export { GatoLoss, hardSignificance, type ProcessRole, type LossKind, type LossOptions, type LossValue } from "./loss.ts";
export type { ModelSpec, GmmSpec, SigmoidSpec, SigmoidVariable, BinningModel, EventKernel } from "./model.ts";
export { GmmModel, sigmaBase, effectiveBoundaries1d } from "./gmm.ts";
export { SigmoidModel, DEFAULT_STEEPNESS } from "./sigmoid.ts";
export { buildEventSet, processTotals, type EventSet, type ProcessEvents } from "./events.ts";
export { SoftPass, DEFAULT_CHUNK, type HardResult } from "./engine.ts";
export { scheduleValue, type Schedule, type ScheduleMode } from "./schedule.ts";
export { train, objective, meanAbsBias, type TrainOptions, type TrainResult, type EpochRecord, type Checkpoint } from "./train.ts";
export { fitExponential, expIntegral, windowFactors, DEFAULT_BUMP, type BumpOptions, type WindowFactor } from "./bump.ts";
export { equidistantZ, bestContiguousBinning, argmaxBaseline, histograms1d } from "./baselines.ts";
export { evaluateCategories, evaluationFromYields, type Evaluation, type CategoryRow } from "./evaluate.ts";
export { exportWorkspace, limitsOf, type ExportOptions, type ExportResult, type WorkspaceLimits } from "./export.ts";
export { toy1d, toy3class, toyResonance, backgroundCounts, TOY_PROCESSES } from "./toys.ts";
export {
  categorizeConfig, readCategorizeConfig, loadEvents, modelSpecOf, trainOptionsOf, windowedSignals, CATEGORIZE_FIELDS, type CategorizeConfig,
} from "./config.ts";
export { runCategorize, modelOf, baselinesOf, type CategoriesFile, type RunResult, type RunOptions, type Baselines } from "./run.ts";
