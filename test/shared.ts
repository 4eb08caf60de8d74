// Access to ../shared for tests: skip with a visible message when it is absent,
// fail when it is absent under CI (CI=true).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { resolve } from "node:path";

export const SHARED = resolve(fileURLToPath(new URL("../../shared", import.meta.url)));
export const HAVE_SHARED = existsSync(SHARED);

/** Options for node:test's `test()`/`describe()` that skip (or fail under CI) without ../shared. */
export function needsShared(): { skip?: string } {
  if (HAVE_SHARED) return {};
  if (process.env.CI) throw new Error(`../shared is required under CI but was not found at ${SHARED}`);
  return { skip: `../shared not found at ${SHARED}: skipping reference test` };
}

/** Path of a file in ../shared given the reference-file spelling "shared/…" or a relative path. */
export function sharedPath(p: string): string {
  return resolve(SHARED, p.replace(/^shared\//, ""));
}
