// pyhf's HistFactory JSON: reading and validating workspaces, patches and patchsets, workspace
// operations, digests, and the compiled model (a fast Likelihood).
export { compileModel, HistFactoryModel, type CompileOptions, type ModifierSettings } from "./model.ts";
export {
  readWorkspace, workspaceFromJson, readPatchSet, readPatch, loadWorkspaceInput, fileDigest,
  type WorkspaceInput, type WorkspaceInputOptions, type StandalonePatch,
} from "./load.ts";
export { PatchSet, type Patch, type PatchSetMetadata, type PatchValue } from "./patchset.ts";
export { applyJsonPatch, type PatchOperation } from "./patch.ts";
export {
  combineWorkspaces, pruneWorkspace, renameWorkspace, sortWorkspace, workspaceSummary,
  type CombineOptions, type PruneOptions, type RenameOptions, type JoinType,
} from "./workspace-ops.ts";
export { digestOf, canonicalJson } from "./digest.ts";
export { validateSchema, SCHEMA_VERSION, MODIFIER_TYPES, type SchemaName } from "./schema.ts";
export { checkWorkspace } from "./checks.ts";
export type {
  WorkspaceSpec, Channel, Sample, Modifier, ModifierType, Observation, Measurement, ParameterConfig, NormsysData, HistosysData,
} from "./spec.ts";
// Fit reports (cabinetry's): yields with propagated uncertainties, goodness of fit, figures, the folder.
export {
  yieldModel, predict, prefitPrediction, postfitPrediction, prefitParameters, prefitUncertainties, sampleJacobians, sampleRates,
  type YieldModel, type Prediction, type ChannelYields, type Yield, type Stage, type Propagation, type Covariance,
} from "./report/yields.ts";
export {
  goodnessOfFit, saturatedStatistic, degreesOfFreedom, unblindedBins, gofToyRunner, gofToyRecipe, gofToyTasks, toyGoodnessOfFit,
  type GoodnessOfFit, type ToyGoodnessOfFit, type DegreesOfFreedom, type GofToyArgs, type GofToyTask,
} from "./report/gof.ts";
export { yieldsCsv, yieldsMarkdown, yieldsLatex, formatYield, type ChannelData } from "./report/tables.ts";
export { readReportConfig, defaultReportConfig, checkAgainstModel, stackOrder, REPORT_FIELDS, type ReportConfig, type ChannelStyle } from "./report/config.ts";
export { buildReport, prunedCorrelation, type Report, type ReportOptions, type PullEntry } from "./report/report.ts";
export { reportFigures, type Figure } from "./report/figures.ts";
export { writeReport, type WriteOptions } from "./report/write.ts";
