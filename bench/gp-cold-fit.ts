// One hyperparameter fit in a fresh process (no warm-up): prints its wall time in seconds.
// Run by gp.bench.ts as `node --import tsx/esm bench/gp-cold-fit.ts <case id> <restarts>`.
import { gpReference, caseAlpha, caseKernel } from "../test/gp/reference.ts";
import { fitHyperparameters } from "../src/gp/fit.ts";

const [id, restarts] = process.argv.slice(2);
const c = gpReference().cases.find((x) => x.id === id);
if (!c) throw new Error(`no GP reference case ${id}`);
const t0 = performance.now();
fitHyperparameters(caseKernel(c), c.X_train, c.y_train, { alpha: caseAlpha(c), nRestarts: Number(restarts), seed: 0 });
console.log(JSON.stringify({ seconds: (performance.now() - t0) / 1000 }));
