// What a task leaves behind: its result files and a small manifest, written atomically
// (everything into a temporary folder, then one rename), so a merge never sees half a task.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createHash } from "node:crypto";
import { taskDirName } from "./split.ts";

export const MANIFEST = "manifest.json";

export interface UnitRecord {
  /** Stable unit identifier (e.g. "m=0.05" or a patch name). */
  id: string;
  status: "done" | "failed";
  error?: string;
}

export interface TaskManifest {
  task: number;
  n_tasks: number;
  units: UnitRecord[];
  seed: number | null;
  version: string;
  /** sha256 of the job configuration the task ran with. */
  config_digest: string;
  started: string;
  finished: string;
}

/** sha256 (hex) of a configuration object, keys sorted, for manifests. */
export function configDigest(config: unknown): string {
  return createHash("sha256").update(stableStringify(config)).digest("hex");
}

function stableStringify(v: unknown): string {
  if (v === null || typeof v !== "object") return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(stableStringify).join(",")}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${stableStringify(o[k])}`).join(",")}}`;
}

/**
 * Write a task's files and manifest into OUT/task_NNNN atomically: files go to a sibling
 * temporary folder which then replaces any previous output of the same task in one rename.
 */
export function writeTaskOutput(outDir: string, manifest: TaskManifest, files: Record<string, string>): string {
  mkdirSync(outDir, { recursive: true });
  const final = join(outDir, taskDirName(manifest.task));
  const tmp = `${final}.tmp-${process.pid}-${Date.now()}`;
  mkdirSync(tmp, { recursive: true });
  for (const [name, content] of Object.entries(files)) writeFileSync(join(tmp, name), content);
  writeFileSync(join(tmp, MANIFEST), JSON.stringify(manifest, null, 2) + "\n");
  if (existsSync(final)) rmSync(final, { recursive: true, force: true });
  renameSync(tmp, final);
  return final;
}

/** Read a task folder's manifest, or null if absent or unreadable. */
export function readManifest(taskDir: string): TaskManifest | null {
  const p = join(taskDir, MANIFEST);
  if (!existsSync(p)) return null;
  try {
    return JSON.parse(readFileSync(p, "utf8")) as TaskManifest;
  } catch {
    return null;
  }
}
