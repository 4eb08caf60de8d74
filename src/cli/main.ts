// The `searchlight` command line. Each command lives in its own file under src/cli/ and
// exports `register(program)`. Bad input (InputError) prints one line and exits 1.
import { Command, CommanderError } from "commander";
import { InputError } from "../io/errors.ts";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { COMMANDS } from "./commands.ts";

export async function main(argv: string[]): Promise<number> {
  const program = new Command("searchlight")
    .description("Statistics for searches in particle physics")
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  for (const register of COMMANDS) register(program);
  try {
    await program.parseAsync(argv, { from: "user" });
    // A command may set a non-zero status without an error (e.g. an incomplete merge).
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (err) {
    return reportError(err);
  }
}

function reportError(err: unknown): number {
  if (err instanceof CommanderError) {
    // commander already printed its message (help output exits with code 0)
    return err.exitCode === 0 ? 0 : 1;
  }
  if (err instanceof InputError) {
    process.stderr.write(`searchlight: ${err.message}\n`);
    return 1;
  }
  const msg = err instanceof Error ? err.message : String(err);
  process.stderr.write(`searchlight: internal error: ${msg}\n`);
  if (process.env.SEARCHLIGHT_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
  return 2;
}

// Run directly (`node --import tsx src/cli/main.ts …`); bin/searchlight.mjs imports main() instead.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = await main(process.argv.slice(2));
