// The options every workflow shares, defined once: the number parsers (a bad value is one
// InputError naming the flag: `--workers: "x" is not an integer ≥ 1`), --workers, -o/--output-dir,
// --seed, --json, --quiet and the SLURM flags. Commands add them with the helpers below so that
// a flag has one name, one parser and one documented default everywhere.
import { Option, type Command } from "commander";
import { InputError } from "../../io/errors.ts";
import { defaultWorkers } from "../../batch/pool.ts";
import { Progress } from "../../batch/progress.ts";

// ---- numbers ------------------------------------------------------------------------------

/** A finite number, or undefined when the option was not given. */
export function num(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const x = Number(v);
  if (v.trim() === "" || !Number.isFinite(x)) throw new InputError("", flag, `"${v}" is not a number`);
  return x;
}

/** A finite number, or `dflt` when the option was not given. */
export function numOr(flag: string, v: string | undefined, dflt: number): number {
  return num(flag, v) ?? dflt;
}

/** An integer ≥ min, or undefined when the option was not given. */
export function int(flag: string, v: string | undefined, min = 0): number | undefined {
  if (v === undefined) return undefined;
  const x = Number(v);
  if (v.trim() === "" || !Number.isInteger(x) || x < min) throw new InputError("", flag, `"${v}" is not an integer ≥ ${min}`);
  return x;
}

/** An integer ≥ min, or `dflt` when the option was not given. */
export function intOr(flag: string, v: string | undefined, dflt: number, min = 0): number {
  return int(flag, v, min) ?? dflt;
}

/** A comma- or space-separated list of numbers (at least one). */
export function numList(flag: string, v: string): number[] {
  const parts = v.split(/[\s,]+/).filter(Boolean);
  if (parts.length === 0) throw new InputError("", flag, "empty list");
  return parts.map((p) => num(flag, p)!);
}

/** One of the allowed words ("x": expected a or b / expected one of a, b, c). */
export function choice<T extends string>(flag: string, v: string, allowed: readonly T[]): T {
  if (!allowed.includes(v as T)) throw new InputError("", flag, `"${v}": expected ${allowed.length === 2 ? allowed.join(" or ") : `one of ${allowed.join(", ")}`}`);
  return v as T;
}

/** A number > 0 (the option has a default). */
export function positive(flag: string, v: string): number {
  const x = num(flag, v)!;
  if (!(x > 0)) throw new InputError("", flag, `"${v}" is not a positive number`);
  return x;
}

/** A probability in [0, 1] (the option has a default). */
export function probability(flag: string, v: string): number {
  const x = num(flag, v)!;
  if (!(x >= 0 && x <= 1)) throw new InputError("", flag, `"${v}" is not a probability in [0, 1]`);
  return x;
}

/** A confidence level in (0, 1). */
export function level(flag: string, v: string | undefined, dflt: number): number {
  const cl = numOr(flag, v, dflt);
  if (!(cl > 0 && cl < 1)) throw new InputError("", flag, `"${v}" is not in (0, 1)`);
  return cl;
}

/**
 * A grid "start:stop:n" (n ≥ 2 points from start to stop > start; start ≥ `minStart` if given),
 * e.g. `--scan 0:5:21`.
 */
export function grid(flag: string, v: string, minStart = -Infinity): { start: number; stop: number; num: number } {
  const m = /^([^:]+):([^:]+):([^:]+)$/.exec(v.trim());
  const [start, stop, n] = m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [NaN, NaN, NaN];
  if (!(Number.isFinite(start) && Number.isFinite(stop) && start >= minStart && stop > start && Number.isInteger(n) && n >= 2)) {
    throw new InputError("", flag, `"${v}" is not start:stop:n with ${Number.isFinite(minStart) ? `${minStart} ≤ ` : ""}start < stop and integer n ≥ 2 (e.g. 0:5:21)`);
  }
  return { start, stop, num: n };
}

/**
 * A grid step > 0 and ≥ `min` (a smaller step would make millions of grid points: the run would
 * hang or run out of memory), e.g. `--step 0.001`.
 */
export function step(flag: string, v: string | undefined, o: { min: number; unit?: string; example: string }): number | undefined {
  const x = num(flag, v);
  if (x === undefined) return undefined;
  const u = o.unit ? ` ${o.unit}` : "";
  if (!(x > 0)) throw new InputError("", flag, `"${v}" is not a positive step: give a step > 0${u}, e.g. ${flag} ${o.example}`);
  if (x < o.min) throw new InputError("", flag, `"${v}" is too small: the step must be ≥ ${o.min}${u}, e.g. ${flag} ${o.example}`);
  return x;
}

/** Two options that bound a range: lower ≤ upper (both optional). */
export function ordered(lowFlag: string, low: number | undefined, highFlag: string, high: number | undefined, unit = ""): void {
  if (low !== undefined && high !== undefined && low > high) {
    throw new InputError("", `${lowFlag}/${highFlag}`, `${lowFlag} ${low}${unit ? ` ${unit}` : ""} is above ${highFlag} ${high}: swap them`);
  }
}

/**
 * A value of a parameter inside its bounds [lo, hi], unless `allowOutside` (--allow-outside-bounds):
 * `--poi: -1 is outside the bounds [0, 10] of mu: give a value inside them, or add --allow-outside-bounds`.
 */
export function insideBounds(flag: string, x: number, name: string, bounds: readonly [number, number], allowOutside = false): number {
  if (!allowOutside && !(x >= bounds[0] && x <= bounds[1])) {
    throw new InputError("", flag, `${x} is outside the bounds [${bounds[0]}, ${bounds[1]}] of ${name}: give a value inside them, or add --allow-outside-bounds`);
  }
  return x;
}

/** A TCP port, an integer in [0, 65535] (0: any free port). */
export function port(flag: string, v: string | undefined, dflt: number): number {
  const x = int(flag, v, 0) ?? dflt;
  if (x > 65535) throw new InputError("", flag, `"${v}" is not a port: give an integer in [0, 65535] (0 picks a free port)`);
  return x;
}

/** Accumulator for a repeatable option (`--x a --x b` → ["a", "b"]). */
export const repeatable = (v: string, prev: string[] = []): string[] => [...prev, v];
/** Accumulator for a repeatable option whose values may also be comma-separated. */
export const repeatableList = (v: string, prev: string[] = []): string[] => [...prev, ...v.split(",").map((s) => s.trim()).filter(Boolean)];

// ---- --workers ------------------------------------------------------------------------------

/**
 * `--workers <n>`: worker threads, an integer ≥ 1. The default is every core (batch/pool.ts's
 * defaultWorkers); commands that run inside a SLURM task say so in their help and default to the
 * task's CPUs instead.
 */
export function withWorkers(cmd: Command, help = "worker threads (default: all cores)"): Command {
  return cmd.option("--workers <n>", help);
}

/** The --workers value, or undefined when not given (a caller-specific default applies). */
export function workersGiven(v: string | undefined): number | undefined {
  return int("--workers", v, 1);
}

/** The --workers value, or `dflt` (all cores unless said otherwise). */
export function workers(v: string | undefined, dflt = defaultWorkers()): number {
  return workersGiven(v) ?? dflt;
}

// ---- -o/--output-dir, --seed, --json, --quiet ----------------------------------------------

/** `-o, --output-dir <dir>` (without `-o` where the command uses it for something else). */
export function withOutputDir(cmd: Command, help: string, dflt?: string, short = true): Command {
  return cmd.option(`${short ? "-o, " : ""}--output-dir <dir>`, help, dflt);
}

/** `--seed <s>`: a random seed (integer ≥ 0); read it with seedOf. */
export function withSeed(cmd: Command, help: string, dflt?: string): Command {
  return cmd.option("--seed <s>", help, dflt);
}

export function seedOf(v: string | undefined, dflt = 0): number {
  return intOr("--seed", v, dflt);
}

/** `--overwrite` and `--resume` for commands that write a run folder (run.json, io/output.ts). */
export function withOverwrite(cmd: Command, resume = true): Command {
  cmd.option("--overwrite", "clear an output folder that holds an earlier run of this command");
  return resume ? cmd.option("--resume", "keep an earlier run's finished units in the output folder and do the rest") : cmd;
}

/** `--json`: one JSON object on stdout instead of the human-readable output. */
export function withJson(cmd: Command, help = "print one JSON object"): Command {
  return cmd.option("--json", help);
}

/** `--quiet`: no progress bar or progress lines. */
export function withQuiet(cmd: Command): Command {
  return cmd.option("--quiet", "no progress bar or progress lines on stderr");
}

/**
 * `--quiet` on every command that runs something (the leaves of `cmd`), unless it has its own;
 * given, it silences batch/progress.ts for the whole process.
 */
export function withQuietEverywhere(cmd: Command): Command {
  const leaves = (c: Command): Command[] => (c.commands.length ? c.commands.flatMap(leaves) : [c]);
  for (const c of leaves(cmd)) {
    if (!c.options.some((o) => o.long === "--quiet")) withQuiet(c);
    c.hook("preAction", (_self, action) => { if (action.opts().quiet) Progress.quiet = true; });
  }
  return cmd;
}

// ---- SLURM ------------------------------------------------------------------------------------

/** The SLURM flags as commander stores them (see withSlurm). */
export interface SlurmCli {
  partition?: string; account?: string; qos?: string; time: string; memory: string; cpusPerTask: string; jobName: string;
  maxConcurrent?: string; extra?: string[]; script: string;
  /** Hidden aliases kept from `batch slurm-gen`. */
  mem?: string; cpus?: string;
}

/**
 * hps_gpr's SLURM options, the same on every generator: --partition, --account, --qos, --time,
 * --memory, --cpus-per-task (= worker threads of a task), --job-name, --max-concurrent (the
 * array size limit), --extra, --script. `--mem` and `--cpus` are accepted as aliases.
 */
export function withSlurm(cmd: Command, d: { jobName: string; script: string }): Command {
  return cmd
    .option("--partition <p>", "SLURM partition (default: the cluster's default partition)")
    .option("--account <a>", "SLURM account")
    .option("--qos <q>", "SLURM QOS")
    .option("--time <t>", "wall time per array task", "04:00:00")
    .option("--memory <m>", "memory per array task", "4G")
    .addOption(new Option("--mem <m>", "alias of --memory").hideHelp())
    .option("--cpus-per-task <n>", "CPUs per array task (= worker threads of the task)", "1")
    .addOption(new Option("--cpus <n>", "alias of --cpus-per-task").hideHelp())
    .option("--job-name <name>", "SLURM job name", d.jobName)
    .option("--max-concurrent <n>", "at most this many array tasks at once (--array=0-N%max)")
    .option("--extra <line>", "extra #SBATCH line, e.g. \"--constraint=roma\" (repeatable)", repeatable)
    .option("--script <name>", "name of the sbatch script inside the output folder", d.script);
}

/** CPUs per array task (--cpus-per-task, or its alias --cpus). */
export function slurmCpus(o: SlurmCli): number {
  return o.cpus !== undefined ? intOr("--cpus", o.cpus, 1, 1) : intOr("--cpus-per-task", o.cpusPerTask, 1, 1);
}

/** The sbatch settings of the SLURM flags (for batch/slurm.ts's sbatchArrayScript). */
export function slurmSettings(o: SlurmCli): { jobName: string; partition?: string; account?: string; qos?: string; time: string; mem: string; cpus: number; maxConcurrent?: number; extra?: string[] } {
  return {
    jobName: o.jobName, partition: o.partition, account: o.account, qos: o.qos, time: o.time, mem: o.mem ?? o.memory,
    cpus: slurmCpus(o), maxConcurrent: int("--max-concurrent", o.maxConcurrent, 1), extra: o.extra,
  };
}
