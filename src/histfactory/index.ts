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
