// GP regression on the HPS reference spectra: one LML + gradient evaluation and full
// hyperparameter fits (0 and 10 restarts), beside scikit-learn 1.2.1's recorded wall times.
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { gpReference, caseAlpha, caseKernel } from "../test/gp/reference.ts";
import { MarginalLikelihood } from "../src/gp/lml.ts";
import { LowRankMarginalLikelihood } from "../src/gp/lowrank.ts";
import { fitHyperparameters, type FitResult } from "../src/gp/fit.ts";
import { timeIt, type BenchRow, type BenchSection } from "./types.ts";

function once(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return (performance.now() - t0) / 1000;
}

/** Median over 5 fresh processes of one fit's wall time (bench/gp-cold-fit.ts). */
function coldFit(id: string, restarts: number): number {
  const script = fileURLToPath(new URL("./gp-cold-fit.ts", import.meta.url));
  const ts = [0, 1, 2, 3, 4].map(() => JSON.parse(execFileSync(process.execPath, [...process.execArgv, script, id, String(restarts)], { encoding: "utf8" })).seconds as number);
  return ts.sort((a, b) => a - b)[2];
}

/** Search evaluations by method, then the exact ones. */
function evaluations(r: FitResult): string {
  const s = r.searchEvaluations;
  return `search: ${s.surrogate} surrogate + ${s.envelope} envelope + ${s.dense} dense evaluations; ${r.exactEvaluations} exact`;
}

export async function run(): Promise<BenchSection> {
  const ref = gpReference();
  const peer = ref.timings.runs.as_is.cases;
  const rows: BenchRow[] = [];
  for (const id of ["hps2015_m050", "hps2021_m100"]) {
    const c = ref.cases.find((x) => x.id === id)!;
    const t = peer[id];
    const big = c.n_train > 1000;
    const opts = { alpha: caseAlpha(c) };
    const ev = new MarginalLikelihood(caseKernel(c), c.X_train, c.y_train, opts);
    const g = new Float64Array(2);
    rows.push({ case: `${id} (n=${c.n_train})`, what: "LML + gradient at theta0 (dense, exact)", ours: await timeIt(() => ev.evaluate(c.lml_theta0.theta, g), big ? 3 : 10), peer: t.lml_grad.median_s });
    const lr = new LowRankMarginalLikelihood(caseKernel(c), c.X_train, c.y_train, opts);
    for (const [label, theta] of [["theta0", c.lml_theta0.theta], ["optimum", c.opt_n10!.theta]] as const) {
      const s = await timeIt(() => { lr.invalidateCache(); lr.evaluate(theta, g); }, big ? 3 : 10);
      rows.push({ case: `${id} (n=${c.n_train})`, what: `LML + gradient at ${label} (low-rank surrogate)`, ours: s, peer: label === "theta0" ? t.lml_grad.median_s : null, note: `rank ${lr.lastRank}` });
    }
    // Same length scale, another constant: the pivoted-Cholesky factor and its products are reused.
    const other = Float64Array.from(c.opt_n10!.theta);
    let flip = 0;
    const sc = await timeIt(() => { other[0] = c.opt_n10!.theta[0] + (flip++ % 2 ? 0.1 : -0.1); lr.evaluate(other, g); }, big ? 10 : 20);
    rows.push({ case: `${id} (n=${c.n_train})`, what: "LML + gradient at the optimum's ℓ, another c (low-rank, cached factor)", ours: sc, peer: null, note: `rank ${lr.lastRank}; the search walks along the ℓ bound this way` });
    const fit = (nRestarts: number, method: "auto" | "dense") => fitHyperparameters(caseKernel(c), c.X_train, c.y_train, { ...opts, nRestarts, seed: 0, method });
    let r0 = fit(0, "auto");
    const f0 = big ? once(() => { r0 = fit(0, "auto"); }) : await timeIt(() => { r0 = fit(0, "auto"); }, 3);
    rows.push({ case: `${id} (n=${c.n_train})`, what: "fit, 0 restarts", ours: f0, peer: t.fit_n0.median_s, note: `${r0.method}; LML ${r0.lml.toFixed(6)} (sklearn's n0 stops at theta0: ${c.opt_n0.lml.toFixed(3)}); ${evaluations(r0)}` });
    let r10 = r0;
    const f10 = await timeIt(() => { r10 = fit(10, "auto"); }, 3);
    rows.push({ case: `${id} (n=${c.n_train})`, what: "fit, 10 restarts (median of 3 after a warm-up fit)", ours: f10, peer: t.fit_n10.median_s, note: `${r10.method}; LML − sklearn = ${(r10.lml - c.opt_n10!.lml).toExponential(1)}; ${evaluations(r10)} (sklearn ${t.fit_n10.total_nfev}); −∞ starts ${r10.starts.filter((s) => s.lml === -Infinity).length}` });
    if (big) {
      const cold = coldFit(id, 10);
      rows.push({ case: `${id} (n=${c.n_train})`, what: "fit, 10 restarts, first fit of a fresh process (median of 5 processes)", ours: cold, peer: t.fit_n10.median_s, note: "includes the JIT warm-up of the numerical kernels; goal < 2 s on one core (issue #4)" });
    }
  }
  return {
    title: "Gaussian-process regression (`npm run bench -- gp`)",
    peerName: "scikit-learn 1.2.1 GaussianProcessRegressor (numpy 1.24.2, OpenBLAS 0.3.21, 2 threads), gp_reference.json timings (as-is run)",
    rows,
  };
}
