// Records every module the process loads, for test/cli/lazy-load.test.ts and cold-start
// measurements: `node --import ./test/cli/load-recorder.mjs bin/searchlight.mjs …` with
// SEARCHLIGHT_LOAD_LOG=<file>. ES modules are seen by a resolve hook (which runs on the loader
// thread and appends each resolved URL to the file); CommonJS modules (loaded by require, e.g.
// inside a package) are taken from the require cache when the process exits.
import { register, createRequire } from "node:module";
import { appendFileSync } from "node:fs";

const log = process.env.SEARCHLIGHT_LOAD_LOG;
if (log) {
  const hooks = `
    import { appendFileSync } from "node:fs";
    const log = ${JSON.stringify(log)};
    export async function resolve(specifier, context, next) {
      const r = await next(specifier, context);
      if (!r.url.startsWith("node:")) appendFileSync(log, r.url + "\\n");
      return r;
    }`;
  register("data:text/javascript," + encodeURIComponent(hooks));
  const cache = createRequire(import.meta.url).cache;
  process.on("exit", () => {
    const files = Object.keys(cache);
    if (files.length) appendFileSync(log, files.map((f) => "file://" + f).join("\n") + "\n");
  });
}
