// Inference for any Likelihood: test statistics, asymptotic and toy calculators, hypothesis
// tests, upper limits, discovery significance, profile scans and nuisance-parameter ranking.
export {
  ProfileFits, tmu, qmu, q0, qtildeUnbounded, testStatistic, QTILDE_BRANCH_TOL,
  type TestStatistic, type ProfileSource, type ProfileFitsOptions, type QtildeBranch,
} from "./test-statistics.ts";
export {
  AsymptoticCalculator, asimovData, sqrtVariable, tailProbabilities, observedTails, asymptoticCls, EXPECTED_SIGMAS,
  type AsymptoticResult, type TailProbabilities, type AsymptoticFormula, type AsymptoticConvention, type CalculatorOptions,
} from "./asymptotic.ts";
export { hypotest, type HypotestResult, type HypotestOptions } from "./hypotest.ts";
export { significance, localSignificance, type SignificanceResult, type LocalSignificance } from "./significance.ts";
export {
  upperLimit, interpolateCrossing, limitFromCls, asymptoticLimitSolver, firstFiniteLimit,
  type UpperLimitOptions, type UpperLimitResult, type ClsLimitOptions, type ClsLimitResult, type LimitSolver,
} from "./upper-limit.ts";
export {
  toyHypotest, toyBatches, runToyBatch, inThreadExecutor, toyCls, tailFraction, toyTails, EXPECTED_PERCENTILES,
  type ToyBatch, type ToyExecutor, type ToyOptions, type ToyResult, type ToyTailOptions,
} from "./toys.ts";
export {
  toyUpperLimit, runToyLimitTask, toyLimitRunner, gridCrossing, bootstrapLimitErrors, defaultGrid,
  type ToyLimitTask, type ToyLimitOptions, type ToyLimitPoint, type ToyLimitResult,
} from "./toy-limit.ts";
export { inThread, type TaskExecutor, type TaskRecipe, type TaskSession } from "./executor.ts";
export { profileScan, LEVELS, type ProfileResult, type ScanPoint, type Interval } from "./profile.ts";
export {
  profileInterval, scanInterval, hesseSigma, type ProfileIntervalOptions, type ProfileIntervalResult, type ScanIntervalOptions,
} from "./profile-interval.ts";
export { ranking, type Impact, type RankingResult } from "./ranking.ts";
export * from "./look-elsewhere.ts";
