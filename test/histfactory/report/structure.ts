// Structure snapshots of SVG figures (as Observable Plot's snapshot tests, but of the structure
// only): the element tree with each element's tag, class and role, the text of text elements
// and the number of drawing commands of each path. Colours, fonts, sizes and coordinates are left
// out, so a change of the shared HEP style (src/plot/style.ts) does not break them, while a lost
// or extra mark, label or legend entry does. A missing snapshot is written on a run outside CI;
// on a mismatch `<name>-changed.txt` is written beside it.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import assert from "node:assert/strict";

const DIR = new URL("./snapshots/", import.meta.url);

export function svgStructure(svg: string): string {
  const out: string[] = [];
  let depth = 0;
  const re = /<(\/?)([a-zA-Z]+)([^>]*?)(\/?)>|([^<]+)/g;
  for (let m = re.exec(svg); m; m = re.exec(svg)) {
    if (m[5] !== undefined) {
      const t = m[5].trim();
      if (t) out.push(`${"  ".repeat(depth)}"${t}"`);
      continue;
    }
    const [, close, tag, attrs, selfClose] = m;
    if (close) { depth--; continue; }
    const cls = /\sclass="([^"]*)"/.exec(attrs)?.[1];
    const role = /\saria-roledescription="([^"]*)"/.exec(attrs)?.[1];
    const d = /\sd="([^"]*)"/.exec(attrs)?.[1];
    const cmds = d ? (d.match(/[MLHVCSQTAZ]/gi) ?? []).length : 0;
    out.push(`${"  ".repeat(depth)}<${tag}${cls ? ` .${cls}` : ""}${role ? ` role=${role}` : ""}${d ? ` d:${cmds}` : ""}>`);
    if (!selfClose) depth++;
  }
  return out.join("\n") + "\n";
}

export function assertStructureSnapshot(name: string, text: string): void {
  mkdirSync(DIR, { recursive: true });
  const path = new URL(`${name}.txt`, DIR);
  if (!existsSync(path)) {
    if (process.env.CI) assert.fail(`snapshot ${name}.txt is missing (run the tests once outside CI and commit it)`);
    writeFileSync(path, text);
    return;
  }
  if (readFileSync(path, "utf8") !== text) {
    writeFileSync(new URL(`${name}-changed.txt`, DIR), text);
    assert.fail(`SVG structure differs from snapshot ${name}.txt; see ${name}-changed.txt`);
  }
}
