#!/usr/bin/env node
// Entry point: runs the compiled CLI in dist/ (built by `npm run build`, which `npm ci`, `npm
// pack` and `npm test` run first). No TypeScript is compiled at run time.
import { existsSync } from "node:fs";

const MAIN = new URL("../dist/cli/main.js", import.meta.url);
if (!existsSync(MAIN)) {
  process.stderr.write("searchlight: the compiled CLI (dist/) is missing: run `npm run build` in the package folder\n");
  process.exit(1);
}
const { main } = await import(MAIN.href);
process.exitCode = await main(process.argv.slice(2));
