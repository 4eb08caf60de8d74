// Inference for any Likelihood: test statistics, asymptotic and toy calculators, hypothesis
// tests, upper limits, discovery significance, profile scans and nuisance-parameter ranking.
export { ProfileFits, tmu, qmu, q0, testStatistic, type TestStatistic } from "./test-statistics.ts";
export { AsymptoticCalculator, asimovData, sqrtVariable, tailProbabilities, EXPECTED_SIGMAS, type AsymptoticResult, type TailProbabilities } from "./asymptotic.ts";
export { hypotest, type HypotestResult, type HypotestOptions } from "./hypotest.ts";
export { significance, type SignificanceResult } from "./significance.ts";
export { upperLimit, interpolateCrossing, type UpperLimitOptions, type UpperLimitResult } from "./upper-limit.ts";
export {
  toyHypotest, toyBatches, runToyBatch, inThreadExecutor, toyCls, tailFraction, EXPECTED_PERCENTILES,
  type ToyBatch, type ToyExecutor, type ToyOptions, type ToyResult,
} from "./toys.ts";
export { inThread, type TaskExecutor, type TaskRecipe, type TaskSession } from "./executor.ts";
export { profileScan, LEVELS, type ProfileResult, type ScanPoint, type Interval } from "./profile.ts";
export { ranking, type Impact, type RankingResult } from "./ranking.ts";
export * from "./look-elsewhere.ts";
