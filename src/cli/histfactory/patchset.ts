// `searchlight patchset inspect | apply | verify` (pyhf's `patchset` commands): PatchSets of
// signal patches for a background-only workspace, chosen by name or by their values.
import type { Command } from "commander";
import { InputError } from "../../io/errors.ts";
import { digestOf } from "../../histfactory/digest.ts";
import { readPatchSet, readWorkspace } from "../../histfactory/load.ts";
import { parseValues } from "../../histfactory/patchset.ts";
import { fmtNum, printJson, table } from "../shared/format.ts";
import { emitWorkspace, withEmitOptions } from "./workspace.ts";

export function register(ps: Command): void {

  ps.command("inspect <patchset>")
    .description("metadata and patches of a patchset")
    .option("--json", "print one JSON object")
    .action((file: string, o: { json?: boolean }) => {
      const p = readPatchSet(file);
      const { name, description, digests, labels, references, ...extra } = p.metadata;
      const summary = {
        name: name ?? null, description, digests, labels, references, version: p.version,
        metadata: extra,
        n_patches: p.patches.length,
        patches: p.patches.map((x) => ({ name: x.name, values: x.values, n_operations: x.ops.length })),
      };
      if (o.json) return printJson(summary);
      const out: string[] = [];
      if (name) out.push(`name:        ${name}`);
      out.push(`description: ${description}`);
      for (const [k, v] of Object.entries(digests)) out.push(`digest:      ${k}:${v}`);
      out.push(`labels:      ${labels.join(", ")}`);
      for (const [k, v] of Object.entries(references)) out.push(`reference:   ${k} ${v}`);
      for (const [k, v] of Object.entries(extra)) out.push(`${(k + ":").padEnd(12)} ${typeof v === "string" ? v : JSON.stringify(v)}`);
      out.push(`version:     ${p.version}`, `patches:     ${p.patches.length}`, "");
      out.push(table([["patch", ...labels, "operations"], ...p.patches.map((x) => [x.name, ...x.values.map((v) => (typeof v === "number" ? fmtNum(v) : v)), String(x.ops.length)])]));
      process.stdout.write(out.join("\n") + "\n");
    });

  withEmitOptions(ps.command("apply <patchset> <workspace>")
    .description("verify the workspace digest, then apply one patch (by --name or --values)")
    .option("--name <name>", "the patch's metadata.name")
    .option("--values <v1,v2,...>", "the patch's metadata.values (one per label)"), "patched")
    .action((psFile: string, wsFile: string, o: { name?: string; values?: string; output?: string; json?: boolean }) => {
      if ((o.name === undefined) === (o.values === undefined)) throw new InputError(psFile, "--name", "choose the patch with exactly one of --name or --values");
      const p = readPatchSet(psFile);
      const key = o.name ?? parseValues(o.values!);
      p.get(key);
      const ws = readWorkspace(wsFile, { checks: false });
      const out = p.apply(ws, key, wsFile);
      emitWorkspace(out, o, `apply ${p.get(key).name}`);
    });

  ps.command("verify <patchset> <workspace>")
    .description("check that the workspace is the one the patchset was made for (digest)")
    .option("--json", "print one JSON object")
    .action((psFile: string, wsFile: string, o: { json?: boolean }) => {
      const p = readPatchSet(psFile);
      const ws = readWorkspace(wsFile, { checks: false });
      p.verify(ws, wsFile);
      const digests = Object.fromEntries(Object.keys(p.digests).map((alg) => [alg, digestOf(ws, alg)]));
      if (o.json) return printJson({ verified: true, patchset: psFile, workspace: wsFile, digests });
      process.stdout.write(`verified: ${wsFile} matches ${psFile} (${Object.entries(digests).map(([k, v]) => `${k}:${v}`).join(", ")})\n`);
    });

}
