// Runs CLI cases through main() one after another in this process, with stdout and stderr captured,
// and writes { code, out, err } per case as JSON. The corpus test spawns it once (one Node start
// for all cases; its own reporter's output never mixes with the CLI's).
// Usage: node --import tsx/esm test/bad-inputs/driver.ts CASES.json RESULTS.json
import { readFileSync, writeFileSync } from "node:fs";
import { main } from "../../src/cli/main.ts";

const [casesFile, resultsFile] = process.argv.slice(2);
const cases = JSON.parse(readFileSync(casesFile, "utf8")) as Record<string, string[]>;
const results: Record<string, { code: number; out: string; err: string }> = {};
const ow = process.stdout.write.bind(process.stdout), ew = process.stderr.write.bind(process.stderr);
for (const [name, args] of Object.entries(cases)) {
  let out = "", err = "";
  process.stdout.write = ((s: string | Uint8Array) => { out += String(s); return true; }) as typeof process.stdout.write;
  process.stderr.write = ((s: string | Uint8Array) => { err += String(s); return true; }) as typeof process.stderr.write;
  let code: number;
  try {
    code = await main(args);
  } catch (e) {
    code = -1;
    err += `driver: main() threw: ${(e as Error).stack}\n`;
  } finally {
    process.stdout.write = ow;
    process.stderr.write = ew;
  }
  process.exitCode = undefined;
  results[name] = { code, out, err };
}
writeFileSync(resultsFile, JSON.stringify(results));
process.exit(0);
