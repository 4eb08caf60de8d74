// Running independent units of work: a worker-thread pool, toys on all cores, and the batch
// jobs (patchset scans, bump-hunt scans) split into tasks for SLURM arrays and merged back.
export { WorkerPool, runPool, defaultWorkers, poolTaskExecutor, type Recipe } from "./pool.ts";
export { toyPool, poolExecutor, toyHypotestOnPool, type PoolToyOptions } from "./toys.ts";
export { sbatchArrayScript, type SlurmOptions } from "./slurm.ts";
