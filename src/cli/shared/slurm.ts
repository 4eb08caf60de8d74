// Writing SLURM array jobs that call this CLI back: the command line of one array task (this
// process's node running bin/searchlight.mjs), and the sbatch script plus submit helper of a
// job folder, from the SLURM flags of shared/options.ts.
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { sbatchArrayScript, shellQuote, submitScript } from "../../batch/slurm.ts";
import { slurmSettings, type SlurmCli } from "./options.ts";

/** The CLI's launcher, as array tasks must call it. */
export const BIN = fileURLToPath(new URL("../../../bin/searchlight.mjs", import.meta.url));

/** A shell command line; `{task}`-style placeholders stay unquoted for sbatchArrayScript. */
export const commandLine = (args: string[]): string => args.map((a) => (/^\{\w+\}$/.test(a) ? a : shellQuote(a))).join(" ");

/** `node bin/searchlight.mjs <args>` as a shell command line. */
export const selfCommand = (args: string[]): string => commandLine([process.execPath, BIN, ...args]);

/**
 * Write `<out>/<o.script>` (an sbatch array of `nTasks` tasks running `command`, logs in
 * `<out>/logs`) and the submit helper `<out>/<submitName>`. Returns the script's path.
 */
export function writeArrayJob(out: string, o: SlurmCli, nTasks: number, command: string, submitName: string): string {
  const logDir = join(out, "logs");
  mkdirSync(logDir, { recursive: true });
  const script = sbatchArrayScript({ ...slurmSettings(o), nTasks, command, logDir, workdir: process.cwd() });
  writeFileSync(join(out, o.script), script);
  writeFileSync(join(out, submitName), submitScript(o.script, "logs"));
  chmodSync(join(out, submitName), 0o755);
  return join(out, o.script);
}
