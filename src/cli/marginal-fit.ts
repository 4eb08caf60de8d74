// `searchlight marginal region|prior`: single-SR region workspaces from a background-only
// workspace (specs/interval_evidence.md §3.1), and the background-prior fit files of §3.3 in
// the stored formats of §4 (normal.json, linspace.json, signal.json, mcmc_mix.json), which
// `searchlight marginal limits` consumes.
import type { Command } from "commander";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { InputError } from "../io/errors.ts";
import { readJsonFile, readWorkspace } from "../histfactory/load.ts";
import { blindRegion } from "../marginal/blind.ts";
import { fitBlinded, normalFromFit, profileSignal, profileYield, type FitFailure } from "../marginal/prior-fit.ts";
import { MCMC_DEFAULTS, runMcmc } from "../marginal/mcmc.ts";
import { extractRegion, type ModifierRule } from "../marginal/region.ts";
import { printJson } from "./format.ts";

interface RegionCliOptions {
  sr: string[];
  cr?: string[];
  name?: string;
  dropModifier?: string[];
  renameModifier?: string[];
  output: string;
}

interface PriorCliOptions {
  kind: string[];
  outputDir: string;
  start?: string;
  stop?: string;
  seed?: string;
  samples?: string;
  chains?: string;
  burnin?: string;
  stepSize?: string;
  probEye?: string;
  nbins?: string;
  json?: boolean;
}

const KINDS = ["normal", "linspace", "signal", "mcmc"] as const;

export function registerFit(marginal: Command): void {
  marginal.command("region <workspace>")
    .description("extract a single-SR region workspace {signal_region_name, workspace} from a background-only workspace (.json or .json.gz)")
    .requiredOption("--sr <channels...>", "signal-region channel(s): one channel's bins are merged, several channels are merged into one")
    .option("--cr <channels...>", "control-region channels to keep (default: every channel named CR*)")
    .option("--name <name>", "name of the merged SR channel (required when merging several channels)")
    .option("--drop-modifier <rule...>", "drop modifiers before merging: NAME, SAMPLE:NAME or TYPE@NAME ('*' matches any)")
    .option("--rename-modifier <old=new...>", "rename modifiers before merging (e.g. merge normfactors: mu_a=mu mu_b=mu)")
    .requiredOption("-o, --output <file>", "output file (.json.gz is gzipped)")
    .action((workspace: string, o: RegionCliOptions) => runRegion(workspace, o));

  marginal.command("prior <region>")
    .description("background-prior fits of a region file (normal.json, linspace.json, signal.json, mcmc_mix.json)")
    .option("--kind <kinds...>", `which fits: ${KINDS.join(", ")}`, ["normal"])
    .requiredOption("--output-dir <dir>", "directory for the fit files (created if needed)")
    .option("--start <y>", "grid start for linspace/signal/mcmc (default: that of an existing file in the output dir, else 0)")
    .option("--stop <y>", "grid stop for linspace/signal/mcmc (default: that of an existing file in the output dir)")
    .option("--seed <n>", "MCMC seed", "0")
    .option("--samples <n>", "MCMC kept steps per chain", String(MCMC_DEFAULTS.nsamples))
    .option("--chains <n>", "MCMC chains", String(MCMC_DEFAULTS.nrepeats))
    .option("--burnin <n>", "MCMC burn-in steps per chain", String(MCMC_DEFAULTS.nburnin))
    .option("--step-size <eps>", "MALA step size ε", String(MCMC_DEFAULTS.stepSize))
    .option("--prob-eye <p>", "probability of the independence proposal", String(MCMC_DEFAULTS.probEye))
    .option("--nbins <n>", "MCMC histogram bins", String(MCMC_DEFAULTS.nbins))
    .option("--json", "print a JSON summary")
    .action((region: string, o: PriorCliOptions) => runPrior(region, o));
}

function parseRule(s: string): ModifierRule {
  const star = (v: string) => (v === "*" ? undefined : v);
  const at = /^([a-z]+)@(.+)$/.exec(s);
  if (at) {
    const types = ["normfactor", "normsys", "histosys", "staterror", "shapesys", "shapefactor", "lumi"];
    if (!types.includes(at[1])) throw new InputError("", "--drop-modifier", `"${at[1]}" is not a modifier type (${types.join(", ")})`);
    return { type: at[1] as ModifierRule["type"], name: star(at[2]) };
  }
  const i = s.indexOf(":");
  return i < 0 ? { name: star(s) } : { sample: star(s.slice(0, i)), name: star(s.slice(i + 1)) };
}

function runRegion(workspace: string, o: RegionCliOptions): void {
  const spec = readWorkspace(workspace);
  const rename: Record<string, string> = {};
  for (const r of o.renameModifier ?? []) {
    const m = /^([^=]+)=([^=]+)$/.exec(r);
    if (!m) throw new InputError("", "--rename-modifier", `"${r}" is not old=new (e.g. mu_Ztt_lowmet=mu_Ztt)`);
    rename[m[1]] = m[2];
  }
  const region = extractRegion(spec, {
    signalChannels: o.sr, controlChannels: o.cr, name: o.name,
    dropModifiers: (o.dropModifier ?? []).map(parseRule), renameModifiers: rename,
  }, workspace);
  const text = JSON.stringify(region);
  writeFileSync(o.output, o.output.endsWith(".gz") ? gzipSync(text) : text + "\n");
  const sr = region.workspace.channels.find((c) => c.name === region.signal_region_name)!;
  const n = region.workspace.observations.find((x) => x.name === region.signal_region_name)!.data[0];
  const b = sr.samples.reduce((a, s) => a + s.data[0], 0);
  process.stdout.write(`${o.output}: SR ${region.signal_region_name} (n = ${n}, nominal b = ${b.toPrecision(6)}), ${region.workspace.channels.length - 1} control region(s)\n`);
}

function num(v: string | undefined, field: string, check: (x: number) => boolean, what: string): number {
  const x = Number(v);
  if (v === undefined || !Number.isFinite(x) || !check(x)) throw new InputError("", field, `"${v}" is not ${what}`);
  return x;
}

/** Grid range: the options, else an existing fit file's, else an InputError naming --stop. */
function gridRange(o: PriorCliOptions, dir: string): [number, number] {
  let start = o.start !== undefined ? num(o.start, "--start", () => true, "a number") : NaN;
  let stop = o.stop !== undefined ? num(o.stop, "--stop", () => true, "a number") : NaN;
  for (const f of ["linspace.json", "signal.json"]) {
    const p = join(dir, f);
    if ((Number.isNaN(start) || Number.isNaN(stop)) && existsSync(p)) {
      const d = readJsonFile(p) as { start?: number; stop?: number };
      if (Number.isNaN(start) && typeof d.start === "number") start = d.start;
      if (Number.isNaN(stop) && typeof d.stop === "number") stop = d.stop;
    }
  }
  if (Number.isNaN(start)) start = 0;
  if (Number.isNaN(stop)) throw new InputError("", "--stop", "the linspace/signal/mcmc grids need a range: give --stop (and --start, default 0)");
  if (!(stop > start)) throw new InputError("", "--stop", `must be above --start (${start}), got ${stop}`);
  return [start, stop];
}

const writeJson = (file: string, obj: unknown) => writeFileSync(file, JSON.stringify(obj, null, 4) + "\n");

function runPrior(regionFile: string, o: PriorCliOptions): void {
  for (const k of o.kind) {
    if (!(KINDS as readonly string[]).includes(k)) throw new InputError("", "--kind", `"${k}" is not one of ${KINDS.join(", ")}`);
  }
  const br = blindRegion(readJsonFile(regionFile), regionFile);
  mkdirSync(o.outputDir, { recursive: true });
  const needsRange = o.kind.some((k) => k !== "normal");
  const [start, stop] = needsRange ? gridRange(o, o.outputDir) : [0, 0];
  const summary: Record<string, unknown> = { region: br.name, n: br.n };
  const failures: FitFailure[] = [];
  const t0 = performance.now();
  const best = fitBlinded(br);
  failures.push(...best.failures);
  const normal = normalFromFit(best);
  summary.normal = normal;
  if (o.kind.includes("normal")) writeJson(join(o.outputDir, "normal.json"), normal);
  if (o.kind.includes("linspace")) {
    const p = profileYield(br, best, start, stop);
    failures.push(...p.failures);
    writeJson(join(o.outputDir, "linspace.json"), { start, stop, anchors: [], levels: p.levels.map((v) => (Number.isFinite(v) ? v : null)) });
    summary.linspace = { min: Math.min(...p.levels), maxViolation: p.maxViolation };
  }
  if (o.kind.includes("signal")) {
    const p = profileSignal(br, best, start, stop);
    failures.push(...p.failures);
    writeJson(join(o.outputDir, "signal.json"), { start, stop, levels: p.levels });
  }
  if (o.kind.includes("mcmc")) {
    const int = (v: string | undefined, f: string) => num(v, f, (x) => Number.isInteger(x) && x >= 0, "a non-negative integer");
    const r = runMcmc(br, best, {
      range: [start, stop], nbins: Math.max(1, int(o.nbins, "--nbins")), nburnin: int(o.burnin, "--burnin"),
      nsamples: int(o.samples, "--samples"), nrepeats: Math.max(1, int(o.chains, "--chains")), seed: int(o.seed, "--seed"),
      stepSize: num(o.stepSize, "--step-size", (x) => x > 0, "a positive number"), probEye: num(o.probEye, "--prob-eye", (x) => x >= 0 && x <= 1, "a probability in [0, 1]"),
    });
    writeJson(join(o.outputDir, "mcmc_mix.json"), r.json);
    summary.mcmc = { acceptance: r.acceptance, entries: r.json.yields.reduce((a, b) => a + b, 0) };
  }
  summary.failures = failures;
  summary.seconds = (performance.now() - t0) / 1000;
  for (const f of failures.slice(0, 10)) process.stderr.write(`warning: ${f.where}: ${f.message}\n`);
  if (failures.length > 10) process.stderr.write(`warning: … ${failures.length - 10} more optimiser failures (see --json)\n`);
  if (o.json) { printJson(summary); return; }
  process.stdout.write(`${br.name}: n = ${br.n}, b̂ = ${normal.yield_linear.toPrecision(6)} ± ${normal.error_linear.toPrecision(4)} (log sd ${normal.error_log.toPrecision(4)}); wrote ${o.kind.join(", ")} to ${o.outputDir} in ${(summary.seconds as number).toFixed(1)} s\n`);
}
