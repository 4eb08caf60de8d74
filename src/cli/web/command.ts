// `searchlight web build OUT`: the static site (results browser and the engine page, with the
// engine and chart bundles) written to OUT, to host anywhere or open from any static server.
import type { Command } from "commander";
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { InputError } from "../../io/errors.ts";
import { missingBundles, siteFiles } from "./site.ts";

export function register(cmd: Command): void {
  cmd.command("build <out>")
    .description("write the static site (results browser + engine page, no server needed) to <out>")
    .action((out: string) => {
      const missing = missingBundles();
      if (missing.length) throw new InputError("", "web build", `the page bundles are missing (${missing.join(", ")}): run \`npm run build\` in the Searchlight checkout first`);
      if (existsSync(out) && !statSync(out).isDirectory()) throw new InputError(out, "", "exists and is not a directory: give a new or existing folder");
      if (existsSync(out) && readdirSync(out).length > 0 && !existsSync(join(out, "engine.html"))) {
        throw new InputError(out, "", "is a non-empty folder that is not a Searchlight site: give a new or empty folder");
      }
      // Written into a sibling temporary folder, then renamed into place: never half a site.
      const target = resolve(out);
      if (!existsSync(dirname(target))) throw new InputError(out, "", `the parent folder ${dirname(target)} does not exist`);
      const tmp = join(dirname(target), `.${basename(target)}.tmp-${process.pid}`);
      rmSync(tmp, { recursive: true, force: true });
      mkdirSync(tmp);
      const files = siteFiles();
      for (const [name, path] of files) copyFileSync(path, join(tmp, name));
      rmSync(target, { recursive: true, force: true });
      renameSync(tmp, target);
      process.stdout.write(`web build: wrote ${files.size} files to ${target} (open engine.html for the engine, index.html for results)\n`);
    });
}
