// Input and output shared by the workflows: one-line input errors, one-dimensional histograms
// from ROOT (jsroot, loaded on first use) or JSON files, and the contents of ROOT files.
export { InputError } from "./errors.ts";
export { readHistogram } from "./histogram.ts";
export { readTH1, type Histogram1D } from "./root-hist.ts";
export { listKeys, readNamedTitle, type RootKey } from "./root-keys.ts";
