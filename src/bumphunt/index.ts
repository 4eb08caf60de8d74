// The HPS-style GP bump hunt (hps_gpr; spec ../shared/specs/hps_gpr.md): configuration, spectra
// and windows, the GP background, the per-mass window likelihood, mass points, full scans,
// expected bands and injection studies.
export { loadConfig, configFromObject, planFromConfig, type HpsConfig } from "./config.ts";
export { prepareSpectrum, massGrid, windows, type Spectrum } from "./spectrum.ts";
export { exampleSpectrum, type ExampleSpectrum } from "./example-spectrum.ts";
export { predictBackground, type GpBackgroundOptions, type WindowPrediction } from "./gp-background.ts";
export { WindowLikelihood, type WindowInputs } from "./window-likelihood.ts";
export { windowLimit, windowCalculator, windowFits, discovery, type WindowLimit, type Discovery } from "./limits.ts";
export { evaluateMassPoint, type MassPointOptions, type MassPointRow } from "./mass-point.ts";
export { runScanPlan, type ScanPlan, type ScanOutcome } from "./scan-plan.ts";
export { validatePlan, type ValidationReport } from "./validation.ts";
export { expectedBands, type BandOptions, type BandResult } from "./bands.ts";
export { runInjection, type InjectJob, type InjectResult } from "./inject-study.ts";
