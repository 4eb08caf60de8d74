// `searchlight marginal prior REGION [--output-dir D] [--kind normal linspace signal mcmc]`: the
// background-prior fit files of specs/interval_evidence.md §3.3 in the stored formats of §4
// (normal.json, linspace.json, signal.json, mcmc_mix.json), which `marginal limits` consumes.
// REGION is a region file or its folder; the files go to <folder>/fit unless --output-dir says
// otherwise. The linspace/signal/mcmc range defaults to an existing file's, else to the normal
// fit's b̂ ± 7σ_b (pipeline.ts priorSupport).
import type { Command } from "commander";
import { existsSync, mkdirSync } from "node:fs";
import { writeFileAtomic } from "../../io/output.ts";
import { join } from "node:path";
import { InputError } from "../../io/errors.ts";
import { readJsonFile } from "../../histfactory/load.ts";
import { blindRegion } from "../../marginal/blind.ts";
import { fitBlinded, normalFromFit, profileSignal, profileYield, type FitFailure, type NormalJson } from "../../marginal/prior-fit.ts";
import { priorSupport } from "../../marginal/pipeline.ts";
import { regionPaths } from "./options.ts";
import { MCMC_DEFAULTS, runMcmc } from "../../marginal/mcmc.ts";
import { printJson } from "../shared/format.ts";
import { int, num, positive, probability, withJson, withSeed } from "../shared/options.ts";


interface PriorCliOptions {
  kind: string[];
  outputDir?: string;
  start?: string;
  stop?: string;
  seed?: string;
  samples?: string;
  chains?: string;
  burnin?: string;
  stepSize: string;
  probEye: string;
  nbins?: string;
  json?: boolean;
}
const KINDS = ["normal", "linspace", "signal", "mcmc"] as const;

export function register(marginal: Command): void {
  withJson(withSeed(marginal.command("prior <region>")
    .description("background-prior fits of a region file (normal.json, linspace.json, signal.json, mcmc_mix.json)")
    .option("--kind <kinds...>", `which fits: ${KINDS.join(", ")}`, ["normal"])
    .option("-o, --output-dir <dir>", "directory for the fit files (default: <region folder>/fit; created if needed)")
    .option("--start <y>", "grid start for linspace/signal/mcmc (default: that of an existing file in the output dir, else 0)")
    .option("--stop <y>", "grid stop for linspace/signal/mcmc (default: that of an existing file in the output dir, else the normal fit's b̂ + 7σ_b)"), "MCMC seed", "0")
    .option("--samples <n>", "MCMC kept steps per chain", String(MCMC_DEFAULTS.nsamples))
    .option("--chains <n>", "MCMC chains", String(MCMC_DEFAULTS.nrepeats))
    .option("--burnin <n>", "MCMC burn-in steps per chain", String(MCMC_DEFAULTS.nburnin))
    .option("--step-size <eps>", "MALA step size ε", String(MCMC_DEFAULTS.stepSize))
    .option("--prob-eye <p>", "probability of the independence proposal", String(MCMC_DEFAULTS.probEye))
    .option("--nbins <n>", "MCMC histogram bins", String(MCMC_DEFAULTS.nbins)), "print a JSON summary")
    .action((region: string, o: PriorCliOptions) => runPrior(region, o));
}

/** Grid range: the options, else an existing fit file's, else an InputError naming --stop. */
function gridRange(o: PriorCliOptions, dir: string, normal: NormalJson): [number, number] {
  let start = num("--start", o.start) ?? NaN;
  let stop = num("--stop", o.stop) ?? NaN;
  for (const f of ["linspace.json", "signal.json"]) {
    const p = join(dir, f);
    if ((Number.isNaN(start) || Number.isNaN(stop)) && existsSync(p)) {
      const d = readJsonFile(p) as { start?: number; stop?: number };
      if (Number.isNaN(start) && typeof d.start === "number") start = d.start;
      if (Number.isNaN(stop) && typeof d.stop === "number") stop = d.stop;
    }
  }
  if (Number.isNaN(start)) start = 0;
  if (Number.isNaN(stop)) stop = priorSupport(normal)[1];
  if (!(stop > start)) throw new InputError("", "--stop", `must be above --start (${start}), got ${stop}`);
  return [start, stop];
}

const writeJson = (file: string, obj: unknown) => writeFileAtomic(file, JSON.stringify(obj, null, 4) + "\n", "--output-dir");

function runPrior(regionArg: string, o: PriorCliOptions): void {
  for (const k of o.kind) {
    if (!(KINDS as readonly string[]).includes(k)) throw new InputError("", "--kind", `"${k}" is not one of ${KINDS.join(", ")}`);
  }
  const paths = regionPaths(regionArg);
  if (!paths.file) throw new InputError(regionArg, "", "no region file (region.json.gz) here to fit");
  const regionFile = paths.file;
  const outputDir = o.outputDir ?? join(paths.dir, "fit");
  const br = blindRegion(readJsonFile(regionFile), regionFile);
  mkdirSync(outputDir, { recursive: true });
  const summary: Record<string, unknown> = { region: br.name, n: br.n };
  const failures: FitFailure[] = [];
  const t0 = performance.now();
  const best = fitBlinded(br);
  failures.push(...best.failures);
  const normal = normalFromFit(best);
  summary.normal = normal;
  const needsRange = o.kind.some((k) => k !== "normal");
  const [start, stop] = needsRange ? gridRange(o, outputDir, normal) : [0, 0];
  if (o.kind.includes("normal")) writeJson(join(outputDir, "normal.json"), normal);
  if (o.kind.includes("linspace")) {
    const p = profileYield(br, best, start, stop);
    failures.push(...p.failures);
    writeJson(join(outputDir, "linspace.json"), { start, stop, anchors: [], levels: p.levels.map((v) => (Number.isFinite(v) ? v : null)) });
    summary.linspace = { min: Math.min(...p.levels), maxViolation: p.maxViolation };
  }
  if (o.kind.includes("signal")) {
    const p = profileSignal(br, best, start, stop);
    failures.push(...p.failures);
    writeJson(join(outputDir, "signal.json"), { start, stop, levels: p.levels });
  }
  if (o.kind.includes("mcmc")) {
    const r = runMcmc(br, best, {
      range: [start, stop], nbins: int("--nbins", o.nbins, 1)!, nburnin: int("--burnin", o.burnin)!,
      nsamples: int("--samples", o.samples)!, nrepeats: int("--chains", o.chains, 1)!, seed: int("--seed", o.seed)!,
      stepSize: positive("--step-size", o.stepSize), probEye: probability("--prob-eye", o.probEye),
    });
    writeJson(join(outputDir, "mcmc_mix.json"), r.json);
    summary.mcmc = { acceptance: r.acceptance, entries: r.json.yields.reduce((a, b) => a + b, 0) };
  }
  summary.failures = failures;
  summary.seconds = (performance.now() - t0) / 1000;
  for (const f of failures.slice(0, 10)) process.stderr.write(`warning: ${f.where}: ${f.message}\n`);
  if (failures.length > 10) process.stderr.write(`warning: … ${failures.length - 10} more optimiser failures (see --json)\n`);
  if (o.json) { printJson(summary); return; }
  process.stdout.write(`${br.name}: n = ${br.n}, b̂ = ${normal.yield_linear.toPrecision(6)} ± ${normal.error_linear.toPrecision(4)} (log sd ${normal.error_log.toPrecision(4)}); wrote ${o.kind.join(", ")} to ${outputDir} in ${(summary.seconds as number).toFixed(1)} s\n`);
}
