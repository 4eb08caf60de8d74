// One discovery region from its workspace to limits (`marginal run`, issue #21), with nothing
// taken from stored outputs: the observed count from the region's SR observation, the background
// priors fitted here (normal / normal_log / delta from the blinded fit, linspace from the
// profile, mcmc from our own chains; §3.3), the signal grids from the priors (auto-scan.ts).
// A fit that does not converge is recorded in `failures`, never dropped.
import { AUTO_NUM, scanVariants, type ScanOptions, type VariantResults } from "./auto-scan.ts";
import { blindRegion, type BlindedRegion } from "./blind.ts";
import { priorFromFitJson, type PriorLabel } from "./fit-files.ts";
import { DEFAULT_LEVELS, DEFAULT_NUM, DEFAULT_RTOL } from "./limit-scan.ts";
import { MCMC_DEFAULTS, runMcmc, type McmcJson, type McmcOptions } from "./mcmc.ts";
import { fitBlinded, normalFromFit, profileYield, type BlindFit, type FitFailure, type NormalJson } from "./prior-fit.ts";
import type { Region } from "./region.ts";

/** Priors `marginal run` can fit itself (cabinetry's are not: no cabinetry fit here). */
export const RUN_PRIORS = ["normal", "normal_log", "delta", "linspace", "mcmc"] as const;
export type RunPrior = (typeof RUN_PRIORS)[number];

export interface RunOptions {
  priors: RunPrior[];
  levels: number[];
  observedOnly: boolean;
  rtol: number;
  /** Points of each automatic grid before extension (the limits on it are refined, auto-scan.ts). */
  num: number;
  /** MCMC settings (the range comes from the normal fit, see priorSupport). */
  mcmc: Omit<McmcOptions, "range">;
}

export const RUN_DEFAULTS: RunOptions = {
  priors: ["normal"], levels: [...DEFAULT_LEVELS], observedOnly: false, rtol: DEFAULT_RTOL, num: AUTO_NUM,
  mcmc: { ...MCMC_DEFAULTS, nsamples: 10_000, nrepeats: 10 },
};

/** The fit files of §4 that a run writes (and `marginal limits` reads back). */
export interface PriorFits {
  normal: NormalJson;
  linspace?: { start: number; stop: number; anchors: number[]; levels: (number | null)[] };
  mcmc_mix?: McmcJson;
}

export interface PriorLimits extends VariantResults {
  prior: string;
  /** Fit file the prior was built from ("normal.json" for delta). */
  file: string;
}

export interface RegionRun {
  region: string;
  signal_region_name: string;
  n: number;
  normal: NormalJson;
  converged: boolean;
  failures: FitFailure[];
  priors: PriorLimits[];
  seconds: { fit: number; limits: number };
}

/**
 * Support of the tabulated priors (linspace, mcmc): b̂ ± 7σ_b, widened upwards to b̂·e^{5σ_log}
 * for skewed backgrounds, clipped at 0. (Upstream hand-set one range per region, §3.3.)
 */
export function priorSupport(nj: NormalJson): [number, number] {
  const lo = Math.max(0, nj.yield_linear - 7 * nj.error_linear);
  const hi = Math.max(nj.yield_linear + 7 * nj.error_linear, nj.yield_linear * Math.exp(5 * Math.min(nj.error_log, 2)));
  return [lo, hi];
}

/** The blinded fit and the requested tabulated priors of one region. */
export function fitPriors(br: BlindedRegion, priors: readonly RunPrior[], o: RunOptions): { best: BlindFit; fits: PriorFits; failures: FitFailure[] } {
  const best = fitBlinded(br);
  const failures = [...best.failures];
  const normal = normalFromFit(best);
  const fits: PriorFits = { normal };
  const [start, stop] = priorSupport(normal);
  if (priors.includes("linspace")) {
    const p = profileYield(br, best, start, stop, { num: DEFAULT_NUM });
    failures.push(...p.failures);
    fits.linspace = { start, stop, anchors: [], levels: p.levels.map((v) => (Number.isFinite(v) ? v : null)) };
  }
  if (priors.includes("mcmc")) fits.mcmc_mix = runMcmc(br, best, { ...o.mcmc, range: [start, stop] }).json;
  return { best, fits, failures };
}

const FILE_OF: Record<RunPrior, string> = { normal: "normal.json", normal_log: "normal.json", delta: "normal.json", linspace: "linspace.json", mcmc: "mcmc_mix.json" };
const LABEL_OF: Record<Exclude<RunPrior, "delta">, PriorLabel> = { normal: "normal", normal_log: "normal_log", linspace: "linspace", mcmc: "mcmc_mix" };

/** Limits of every requested prior from a region's fits, for observed count n. */
export function regionLimits(n: number, fits: PriorFits, o: RunOptions): PriorLimits[] {
  const bg = { mean: fits.normal.yield_linear, sd: fits.normal.error_linear };
  const scan: ScanOptions & { observedOnly: boolean } = { levels: o.levels, rtol: o.rtol, num: o.num, observedOnly: o.observedOnly };
  return o.priors.map((p): PriorLimits => {
    if (p === "delta") return { prior: p, file: FILE_OF[p], ...scanVariants({ delta: fits.normal.yield_linear }, n, bg, scan) };
    const label = LABEL_OF[p];
    const content = p === "linspace" ? fits.linspace : p === "mcmc" ? fits.mcmc_mix : fits.normal;
    const { prior } = priorFromFitJson(label, content, FILE_OF[p]);
    return { prior: label, file: FILE_OF[p], ...scanVariants(prior, n, bg, scan) };
  });
}

/** Fit and scan one region (`key` names it in the output). */
export function runRegion(key: string, region: Region, o: RunOptions): { run: RegionRun; fits: PriorFits } {
  const t0 = performance.now();
  const br = blindRegion(region, key);
  const { best, fits, failures } = fitPriors(br, o.priors, o);
  const t1 = performance.now();
  const priors = regionLimits(br.n, fits, o);
  const t2 = performance.now();
  return {
    run: {
      region: key, signal_region_name: br.name, n: br.n, normal: fits.normal, converged: best.converged, failures, priors,
      seconds: { fit: (t1 - t0) / 1000, limits: (t2 - t1) / 1000 },
    },
    fits,
  };
}
