// Searchlight's public API (`import { … } from "searchlight"`): HistFactory models, fits and
// inference on any Likelihood, and the entry points of the GP, bump-hunt, marginal-likelihood
// and I/O modules. Everything else is reachable through the per-folder subpaths
// ("searchlight/infer", "searchlight/gp", …); what no index.ts exports is internal.
export { initialValues, parameterIndex, fit, uncertainties, countingModel, type Likelihood, type ParameterSpec, type FitOptions, type FitResult, type Uncertainties, type CountingSpec } from "./likelihood/index.ts";
export { compileModel, HistFactoryModel, readWorkspace, workspaceFromJson, readPatchSet, PatchSet, type CompileOptions, type WorkspaceSpec } from "./histfactory/index.ts";
export { buildReport, writeReport, goodnessOfFit, type Report, type ReportOptions, type GoodnessOfFit } from "./histfactory/index.ts";
export {
  hypotest, upperLimit, significance, profileScan, ranking, toyHypotest, AsymptoticCalculator,
  type HypotestOptions, type HypotestResult, type UpperLimitOptions, type UpperLimitResult, type SignificanceResult,
  type ProfileResult, type RankingResult, type ToyOptions, type ToyResult,
} from "./infer/index.ts";
export { GaussianProcess, fitGaussianProcess, fitHyperparameters, RBF, Matern, ConstantKernel, WhiteKernel, RationalQuadratic } from "./gp/index.ts";
export { loadConfig, planFromConfig, runScanPlan, evaluateMassPoint, WindowLikelihood } from "./bumphunt/index.ts";
export { loadResonanceConfig, runResonance, evaluatePoint as evaluateResonancePoint, buildSearch as buildResonanceSearch, scanSpectrum, syntheticSpectrum, type SearchSpec, type ResonanceRow } from "./resonance/index.ts";
export { Model as MarginalModel, quadBound, scanPrior } from "./marginal/index.ts";
export { GmmModel, SigmoidModel, GatoLoss, train as trainCategories, evaluateCategories, exportWorkspace as exportCategoriesWorkspace, loadEvents as loadCategorizeEvents, type CategoriesFile } from "./categorize/index.ts";
export { TemplateLikelihood, fitInterval, runCoverage, challengeScore, syntheticGrid, syntheticModelSpec, type TemplateGrid, type TemplateModelSpec } from "./templates/index.ts";
export { InputError, readHistogram, readTH1, listKeys, type Histogram1D } from "./io/index.ts";
