// Numerical kernels every other layer builds on: special functions, seeded random numbers,
// scalar root finding, descriptive statistics, dense linear algebra and multivariate samplers.
export * from "./special.ts";
export { gammaP, gammaQ, chi2Sf, chi2Cdf, gammaQuantile, garwoodInterval } from "./incgamma.ts";
export { Rng } from "./rng.ts";
export * from "./roots.ts";
export * from "./stats.ts";
export {
  choleskyInPlace, solveLower, solveLowerTransposed, choleskySolve, choleskyInverse, symmetricEigen, symmetricPseudoInverse,
} from "./linalg.ts";
export { choleskyWithJitter, choleskyLogDet, type JitterOptions } from "./linalg-blocked.ts";
export { mvnDraw, nonNegativeMvn, multinomial, samplingFactor, type TruncMethod } from "./mvn.ts";
