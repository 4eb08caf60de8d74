// The `searchlight` command line. Every command is listed in commands.ts (name, arguments,
// description) and its module is imported only when that command runs or shows its help: the
// other commands are registered as names only, enough for `searchlight --help` and for commander
// to reject an unknown command. Bad input (InputError) prints one line and exits 1.
import { Command, CommanderError, Help } from "commander";
import { InputError } from "../io/errors.ts";
import { fsInputError, packageVersion } from "../io/output.ts";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { COMMANDS, type CommandEntry } from "./commands.ts";

/** The entry of the command argv names (`searchlight help <cmd>` names it after "help"), if any. */
function chosen(argv: string[]): CommandEntry | undefined {
  const words = argv.filter((a) => !a.startsWith("-"));
  const name = words[0] === "help" ? words[1] : words[0];
  return COMMANDS.find((c) => c.name === name || c.aliases?.includes(name));
}


export async function main(argv: string[]): Promise<number> {
  const program = new Command("searchlight")
    .description("Statistics for searches in particle physics")
    .version(packageVersion(), "-V, --version", "print the version")
    .exitOverride()
    // commander's own errors ("unknown option" + "(Did you mean …?)") as one line
    .configureOutput({ writeErr: (s) => process.stderr.write(s.startsWith("error: ") ? `${s.trimEnd().replace(/\s*\n\s*/g, " ")}\n` : s) })
    // The top-level help lists commands that are not loaded (and so have no options yet).
    .configureHelp({
      subcommandTerm(cmd) {
        const term = Help.prototype.subcommandTerm.call(this, cmd);
        const stub = !cmd.options.length && cmd.registeredArguments.length && COMMANDS.some((c) => c.name === cmd.name());
        return stub ? term.replace(/^\S+/, "$& [options]") : term;
      },
    });
  try {
    const run = chosen(argv);
    for (const c of COMMANDS) {
      const cmd = program.command(c.args ? `${c.name} ${c.args}` : c.name).description(c.description);
      if (c.aliases) cmd.aliases(c.aliases);
      if (c === run) {
        (await c.load()).register(cmd);
        (await import("./shared/options.ts")).withQuietEverywhere(cmd);
      }
    }
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
  // A file-system error on a path the user gave (EEXIST, EISDIR, ENOENT, EACCES…) is their mistake.
  const fsErr = fsInputError(err, (err as NodeJS.ErrnoException | undefined)?.path ?? "");
  if (fsErr && (err as NodeJS.ErrnoException).path) {
    process.stderr.write(`searchlight: ${fsErr.message}\n`);
    return 1;
  }
  const msg = err instanceof Error ? err.message : String(err);
  process.stderr.write(`searchlight: internal error: ${msg} (a bug: please report it with the command line; SEARCHLIGHT_DEBUG=1 prints the stack)\n`);
  if (process.env.SEARCHLIGHT_DEBUG && err instanceof Error) process.stderr.write(`${err.stack}\n`);
  return 2;
}

// Run directly (`node --import tsx src/cli/main.ts …`); bin/searchlight.mjs imports main() instead.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = await main(process.argv.slice(2));
