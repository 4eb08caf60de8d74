// `searchlight workspace combine | prune | rename | sort | digest` (pyhf's `combine`, `prune`,
// `rename`, `sorted`, `digest`). Commands that make a workspace print it as JSON on stdout
// (pyhf's layout: indent 4, sorted keys, number kinds kept), or write it with --output.
import type { Command } from "commander";
import { InputError } from "../../io/errors.ts";
import { writeFileAtomic } from "../../io/output.ts";
import { digestOf, kindedOf } from "../../histfactory/digest.ts";
import { pyJsonDumps } from "../../histfactory/jsontext.ts";
import { readWorkspace, workspaceFromJson } from "../../histfactory/load.ts";
import type { WorkspaceSpec } from "../../histfactory/spec.ts";
import { combineWorkspaces, JOIN_TYPES, pruneWorkspace, renameWorkspace, sortWorkspace, workspaceSummary, type JoinType } from "../../histfactory/workspace-ops.ts";
import { printJson } from "../shared/format.ts";
import { repeatable, repeatableList } from "../shared/options.ts";

/** `--output FILE` and `--json` of the commands that make a workspace (see emitWorkspace). */
export function withEmitOptions(cmd: Command, what: string): Command {
  return cmd.option("--output <file>", `write the ${what} workspace here instead of stdout`).option("--json", "with --output: print a JSON summary");
}

/**
 * Write a workspace to `output` (or stdout) and report it. A result that fails validation (schema,
 * structural checks) is refused: one line naming the options of the operation (`blame`).
 */
export function emitWorkspace(ws: WorkspaceSpec, o: { output?: string; json?: boolean }, what: string, blame = ""): void {
  try {
    workspaceFromJson(JSON.parse(JSON.stringify(ws)), "");
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    throw new InputError("", blame, `the workspace made by ${what} would be invalid, so nothing was written: ${e.message}`);
  }
  const text = pyJsonDumps(kindedOf(ws), { indent: 4 }) + "\n";
  if (!o.output) {
    process.stdout.write(text);
    return;
  }
  writeFileAtomic(o.output, text, "--output");
  const s = workspaceSummary(ws);
  const summary = {
    output: o.output,
    operation: what,
    digest: { sha256: digestOf(ws) },
    channels: s.channels,
    samples: s.samples,
    n_modifiers: s.modifiers.length,
    measurements: s.measurements,
  };
  if (o.json) return printJson(summary);
  process.stdout.write(`${what}: wrote ${o.output} (${s.channels.length} channels, ${s.samples.length} samples, ${s.modifiers.length} modifiers, ${s.measurements.length} measurements; sha256 ${summary.digest.sha256})\n`);
}

function renames(pairs: string[] | undefined, option: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of pairs ?? []) {
    const k = p.indexOf("=");
    if (k <= 0 || k === p.length - 1) throw new InputError("", option, `"${p}" is not of the form old=new`);
    out[p.slice(0, k)] = p.slice(k + 1);
  }
  return out;
}

/** --channel, --sample, --modifier and --measurement: the items an operation names (repeatable). */
function withItems(cmd: Command, help: (item: string) => string, arg: string, parse: (v: string, prev?: string[]) => string[]): Command {
  for (const item of ["channel", "sample", "modifier", "measurement"]) cmd.option(`--${item} <${arg}>`, help(item), parse);
  return cmd;
}

export function register(ws: Command): void {

  withEmitOptions(ws.command("combine <workspace1> <workspace2>")
    .description("combine two workspaces (pyhf Workspace.combine)")
    .option("--join <type>", `how to join same-named items: ${JOIN_TYPES.join(", ")}`, "none")
    .option("--merge-channels", "merge the samples of same-named channels (outer joins only)"), "combined")
    .action((a: string, b: string, o: { join: string; mergeChannels?: boolean; output?: string; json?: boolean }) => {
      if (!(JOIN_TYPES as readonly string[]).includes(o.join)) throw new InputError("", "--join", `unknown join "${o.join}": expected one of ${JOIN_TYPES.join(", ")}`);
      const left = readWorkspace(a);
      const right = readWorkspace(b);
      const out = combineWorkspaces(left, right, { join: o.join as JoinType, mergeChannels: o.mergeChannels, files: [a, b] });
      emitWorkspace(out, o, "combine", "--join");
    });

  withEmitOptions(withItems(ws.command("prune <workspace>")
    .description("remove channels, samples, modifiers (by name or type) or measurements"), (item) => `${item}${item === "modifier" ? " (by name)" : ""} to remove (repeatable, or comma-separated)`, "names", repeatableList)
    .option("--modifier-type <types>", "modifier type to remove (e.g. shapesys)", repeatableList), "pruned")
    .action((file: string, o: { channel?: string[]; sample?: string[]; modifier?: string[]; modifierType?: string[]; measurement?: string[]; output?: string; json?: boolean }) => {
      const out = pruneWorkspace(readWorkspace(file), {
        channels: o.channel, samples: o.sample, modifiers: o.modifier, modifierTypes: o.modifierType, measurements: o.measurement,
      }, file);
      emitWorkspace(out, o, "prune", "--channel/--sample/--modifier/--modifier-type/--measurement");
    });

  withEmitOptions(withItems(ws.command("rename <workspace>")
    .description("rename channels, samples, modifiers or measurements (old=new)"),
  (item) => `rename a ${item}${item === "modifier" ? " and its parameter config" : ""} (repeatable)`, "old=new", repeatable), "renamed")
    .action((file: string, o: { channel?: string[]; sample?: string[]; modifier?: string[]; measurement?: string[]; output?: string; json?: boolean }) => {
      const opts = {
        channels: renames(o.channel, "--channel"), samples: renames(o.sample, "--sample"),
        modifiers: renames(o.modifier, "--modifier"), measurements: renames(o.measurement, "--measurement"),
      };
      const given = (["channel", "sample", "modifier", "measurement"] as const).filter((k) => o[k]?.length).map((k) => `--${k}`).join("/");
      emitWorkspace(renameWorkspace(readWorkspace(file), opts, file), o, "rename", given);
    });

  withEmitOptions(ws.command("sort <workspace>")
    .description("sort channels, samples, modifiers, measurements and observations by name (pyhf Workspace.sorted)"), "sorted")
    .action((file: string, o: { output?: string; json?: boolean }) => {
      emitWorkspace(sortWorkspace(readWorkspace(file)), o, "sort");
    });

  ws.command("digest <workspace>")
    .description("hash of the workspace as pyhf computes it (pyhf digest)")
    .option("--algorithm <name>", "hash algorithm (repeatable)", (v: string, prev: string[] | undefined) => [...(prev ?? []), v])
    .option("--json", "print one JSON object {algorithm: digest}")
    .action((file: string, o: { algorithm?: string[]; json?: boolean }) => {
      const spec = readWorkspace(file, { checks: false });
      const digests: Record<string, string> = {};
      for (const alg of o.algorithm ?? ["sha256"]) digests[alg] = digestOf(spec, alg);
      if (o.json) return printJson(digests);
      process.stdout.write(Object.entries(digests).map(([k, v]) => `${k}:${v}`).join("\n") + "\n");
    });

}
