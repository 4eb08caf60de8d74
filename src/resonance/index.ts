// Resonance searches on any experiment's spectrum: signal shapes (Gaussian, double-sided
// Crystal Ball, Voigtian, template) as CDF bin fractions, resolution functions, containment
// windows, GP or parametric (dijet, exponential, power law, Bernstein; F-test/AIC orders;
// envelope) backgrounds, per-mass statistics through src/infer, failed points with reasons,
// look-elsewhere corrections (Šidák with N_eff from the resolution, toys, Gross–Vitells),
// injection closure, configuration and outputs. The HPS analysis is `bumphunt` (hps-gpr keys).
export { resolutionFunction, signalCdf, binFractions, containmentInterval, overlappingBins, dscbCdf, voigtCdf, type Resolution, type SignalModel, type SignalTemplate } from "./signal.ts";
export { spectrumOf, restrictSpectrum, histogramEvents, massGrid, type Spectrum } from "./spectrum.ts";
export { fitGpBackground, gpPrediction, lengthScaleBounds, DEFAULT_GP, type GpSettings, type GpFit } from "./gp-background.ts";
export { compileFamily, ParametricLikelihood, FAMILIES, type FamilyName, type FamilySpec } from "./parametric.ts";
export { fitBackground, chooseOrder, fSurvival, type BackgroundFit, type OrderChoice } from "./order.ts";
export { pointStatistics, EnvelopeProfile, type PointStatistics } from "./statistics.ts";
export { evaluatePoint, ROW_COLUMNS, type ResonanceRow, type PointSettings, type BackgroundModel } from "./point.ts";
export { buildSearch, scanSpectrum, effectiveWindows, sidakColumns, DEFAULT_SEARCH, type SearchSpec, type BackgroundSpec } from "./search.ts";
export { calibrateGlobal, globalFromToys, backgroundExpectation, type GlobalCalibration } from "./toys.ts";
export { runInjection, yieldForSignificance, asimovPoint, spuriousSignal, type InjectionSummary, type SpuriousSignal } from "./inject.ts";
export { syntheticSpectrum, variableEdges, type SyntheticOptions } from "./example.ts";
export { loadResonanceConfig, resonanceConfig, loadDataset, type ResonanceConfig, type DatasetSpec, type Unit } from "./config.ts";
export { runResonance, writeResonanceOutputs, type DatasetResult, type DatasetSummary } from "./run.ts";
