#!/usr/bin/env node
// Entry point: runs the compiled CLI in dist/ (built by `npm run build`, which `npm ci`, `npm
// pack` and `npm test` run first). No TypeScript is compiled at run time.
let main;
try {
  ({ main } = await import("../dist/cli/main.js"));
} catch (e) {
  if (e?.code !== "ERR_MODULE_NOT_FOUND" || !String(e.message).includes("dist")) throw e;
  process.stderr.write("searchlight: the compiled CLI (dist/) is missing: run `npm run build` in the package folder\n");
  process.exit(1);
}
process.exitCode = await main(process.argv.slice(2));
