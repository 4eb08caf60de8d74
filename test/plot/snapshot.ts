// SVG snapshot testing (as Observable Plot does): numbers rounded to 3 decimals, the snapshot
// created on first run outside CI, `<name>-changed.svg` written beside it on a mismatch.
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import assert from "node:assert/strict";

const DIR = new URL("./snapshots/", import.meta.url);

export function normaliseSvg(svg: string): string {
  return svg.replace(/-?\d+\.\d+/g, (m) => String(Math.round(Number(m) * 1000) / 1000));
}

export function assertSvgSnapshot(name: string, svg: string): void {
  const path = new URL(`${name}.svg`, DIR);
  const got = normaliseSvg(svg);
  if (!existsSync(path)) {
    if (process.env.CI) assert.fail(`snapshot ${name}.svg is missing (run the tests once outside CI and commit it)`);
    writeFileSync(path, got);
    return;
  }
  const want = readFileSync(path, "utf8");
  if (got !== want) {
    writeFileSync(new URL(`${name}-changed.svg`, DIR), got);
    assert.fail(`SVG differs from snapshot ${name}.svg; see ${name}-changed.svg`);
  }
}
