// Where the pages live: web/ (HTML, CSS, plain JS; no build step) and the bundles that
// scripts/build.mjs writes to dist/web/ (the engine worker and the charts). `serve` hosts both;
// `web build OUT` copies both into a static site.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** web/ at the package root (src/cli/web → ../../../web; dist/cli/web → the same). */
export const PAGES_DIR = fileURLToPath(new URL("../../../web/", import.meta.url));

/** dist/web/, where the bundles are (also when this module runs from src/ under tsx). */
export const BUNDLES_DIR = fileURLToPath(new URL("../../../dist/web/", import.meta.url));

/** The bundle files the pages load. */
export const BUNDLES = ["engine-worker.bundle.js", "charts.bundle.js"] as const;

/** The files of the site, as name → absolute path (pages first, then bundles and their maps). */
export function siteFiles(): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of readdirSync(PAGES_DIR).sort()) if (/^[\w.-]+$/.test(name)) out.set(name, join(PAGES_DIR, name));
  for (const b of BUNDLES) {
    for (const name of [b, `${b}.map`]) if (existsSync(join(BUNDLES_DIR, name))) out.set(name, join(BUNDLES_DIR, name));
  }
  return out;
}

/** The bundles missing from dist/web (the package was not built). */
export function missingBundles(): string[] {
  return BUNDLES.filter((b) => !existsSync(join(BUNDLES_DIR, b)));
}
