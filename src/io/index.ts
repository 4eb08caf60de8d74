// Input and output shared by the workflows: one-line input errors, CSV tables (one cell convention),
// configuration files checked against a schema, one-dimensional histograms from ROOT (jsroot,
// loaded on first use) or JSON files, and the contents of ROOT files.
export { InputError } from "./errors.ts";
export { csvCell, csvLine, csvRows, csvText, csvNumber, parseCsv, readCsv, cellNum, cellBool, type CsvRow } from "./csv.ts";
export {
  validateConfig, readConfigFile, parseConfigText, configSource, configError, checkValue, describeSchema, keyPathText, editDistance, closestKey, showValue, ConfigError,
  type Schema, type Field, type Fields, type KeyPath, type Position, type ConfigSource, type ValidatedConfig,
} from "./config.ts";
export {
  writeFileAtomic, writeJsonAtomic, ensureDir, fsInputError, claimOutputDir, readRun, packageVersion, RunRecord, RUN_FILE,
  type RunJson, type RunStatus, type ClaimOptions,
} from "./output.ts";
export { readHistogram } from "./histogram.ts";
export { readEventTable, type EventTable, type EventTableRequest } from "./event-table.ts";
export { readTH1, type Histogram1D } from "./root-hist.ts";
export { listKeys, readNamedTitle, type RootKey } from "./root-keys.ts";
