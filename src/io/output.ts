// Atomic, self-describing outputs.
//
// - writeFileAtomic: every table, JSON and figure is written to a temporary file beside its
//   target and renamed over it, so a reader (or a crash) never sees half a file.
// - ensureDir / fsInputError: a folder that cannot be made because a file stands in its way
//   (EEXIST, ENOTDIR), a missing or unreadable path (ENOENT, EACCES) and a directory where a file
//   is expected (EISDIR) are the user's mistakes: one-line InputErrors naming the option.
// - RunRecord: `run.json` in an output folder, written first with "status": "running" (command
//   line, version, seed, start time) and ended as "complete", "failed" (with the error) or
//   "interrupted" (on SIGINT/SIGTERM, with what had finished). A folder holding a finished
//   run of the same command is refused unless --overwrite (which clears it) or --resume.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, unlinkSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import { InputError } from "./errors.ts";

/** The package's version (package.json, two levels up from src/io/ and from dist/io/). */
export function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;
  } catch {
    return "unknown";
  }
}

/** The file name of a run record. */
export const RUN_FILE = "run.json";

let tmpCounter = 0;

/**
 * Write `data` to `path` atomically: a temporary file in the same folder (so the rename stays on
 * one file system), flushed, then renamed over `path`. Parent folders are made as needed.
 * `option` names the flag the path came from, for the one-line error if it cannot be written.
 * `sync: false` skips the fsync before the rename: the file is still never seen half-written
 * (the rename is atomic), but a power cut may lose it. For many small regenerable files (a
 * scan's per-mass folders: ~5 fsyncs per mass cost 7% of an HPS 2015 scan's CPU time).
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, option = "", sync = true): void {
  ensureDir(dirname(path), option);
  const tmp = join(dirname(path), `.${basenameOf(path)}.tmp-${process.pid}-${++tmpCounter}`);
  try {
    const fd = openSync(tmp, "w");
    try {
      const buf = typeof data === "string" ? Buffer.from(data, "utf8") : data;
      let off = 0;
      while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
      if (sync) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    try { unlinkSync(tmp); } catch { /* already gone */ }
    throw fsInputError(e, path, option) ?? e;
  }
}

/** JSON (pretty, one space, trailing newline) written atomically. */
export function writeJsonAtomic(path: string, value: unknown, option = ""): void {
  writeFileAtomic(path, JSON.stringify(value, null, 1) + "\n", option);
}

function basenameOf(p: string): string {
  const i = p.lastIndexOf("/");
  return i < 0 ? p : p.slice(i + 1);
}

/**
 * The one-line InputError for a file-system error caused by the user's path, or undefined for
 * anything else (which stays an internal error).
 */
export function fsInputError(e: unknown, path: string, option = ""): InputError | undefined {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  const where = (e as NodeJS.ErrnoException | undefined)?.path ?? path;
  switch (code) {
    case "EEXIST":
    case "ENOTDIR":
      return new InputError(where, option, "a file stands where a folder is needed: choose another path or remove the file");
    case "EISDIR":
      return new InputError(where, option, "is a folder, expected a file: give the path of a file");
    case "ENOENT":
      return new InputError(where, option, "no such file or folder");
    case "EACCES":
    case "EPERM":
    case "EROFS":
      return new InputError(where, option, "permission denied: choose a path you can write");
    case "ENOSPC":
      return new InputError(where, option, "no space left on the device");
    default:
      return undefined;
  }
}

/** Make a folder (and its parents); a file in the way is an InputError naming `option`. */
export function ensureDir(dir: string, option = ""): void {
  if (dir === "" || dir === ".") return;
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw fsInputError(e, dir, option) ?? e;
  }
  if (!statSync(dir).isDirectory()) throw fsInputError(Object.assign(new Error("EEXIST"), { code: "EEXIST", path: dir }), dir, option);
}

// ---- run.json ----------------------------------------------------------------------------------

export type RunStatus = "running" | "complete" | "failed" | "interrupted";

export interface RunJson {
  command: string;
  argv: string[];
  version: string;
  seed?: number;
  started: string;
  status: RunStatus;
  finished?: string;
  error?: string;
  /** What had finished (e.g. "37/111 masses"), recorded on interruption. */
  done?: string;
  [extra: string]: unknown;
}

/** The run record of a folder, or undefined (none, or unreadable). */
export function readRun(dir: string): RunJson | undefined {
  const p = join(dir, RUN_FILE);
  if (!existsSync(p)) return undefined;
  try {
    return JSON.parse(readFileSync(p, "utf8")) as RunJson;
  } catch {
    return undefined;
  }
}

export interface ClaimOptions {
  /** The command writing the folder ("bump scan"); a folder last written by another command is shared, not refused. */
  command: string;
  overwrite?: boolean;
  resume?: boolean;
  /** The option naming the folder, for messages. */
  option?: string;
  /** false: the command has no --resume (the message does not offer it). */
  resumable?: boolean;
}

/**
 * Check that `dir` may receive this run's outputs. A folder whose run.json names the same command
 * (or that holds files but no run.json at all while `strict`) is refused unless --overwrite (the
 * folder is emptied) or --resume (kept as it is). Returns "fresh", "overwritten" or "resumed".
 */
export function claimOutputDir(dir: string, o: ClaimOptions & { strict?: boolean }): "fresh" | "overwritten" | "resumed" {
  const option = o.option ?? "--output-dir";
  if (o.overwrite && o.resume) throw new InputError("", "--overwrite/--resume", "give one of them, not both");
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw fsInputError(Object.assign(new Error(), { code: "ENOTDIR", path: dir }), dir, option)!;
  const entries = existsSync(dir) ? readdirSync(dir) : [];
  if (entries.length === 0) {
    if (o.resume) throw new InputError(dir, "--resume", "the folder holds no earlier run: drop --resume");
    ensureDir(dir, option);
    return "fresh";
  }
  const prev = readRun(dir);
  const ours = prev ? prev.command === o.command : Boolean(o.strict);
  if (!ours) return "fresh";
  if (o.resume) return "resumed";
  if (o.overwrite) {
    for (const e of entries) rmSync(join(dir, e), { recursive: true, force: true });
    return "overwritten";
  }
  const what = prev ? `${/^[aeiou]/.test(prev.status) ? "an" : "a"} ${prev.status} "${prev.command}" run from ${prev.started}` : "files of an earlier run";
  throw new InputError(dir, option, `the folder holds ${what}: add --overwrite to replace it${o.resumable === false ? "" : ", --resume to finish it"}, or choose another folder`);
}

/**
 * A run's record in `dir`/run.json. start() writes "running"; complete(), fail() and, on SIGINT
 * or SIGTERM, the signal handler end it. The handler writes "interrupted" with `progress()`,
 * prints one line on stderr and exits with 130 (SIGINT) or 143 (SIGTERM).
 */
export class RunRecord {
  private rec: RunJson;
  private readonly onSignal: (sig: NodeJS.Signals) => void;
  private ended = false;

  private constructor(private readonly dir: string, rec: RunJson, private readonly progress: () => string | undefined) {
    this.rec = rec;
    this.onSignal = (sig) => {
      this.end("interrupted", { done: this.progress() });
      process.stderr.write(`searchlight: interrupted by ${sig}: ${join(this.dir, RUN_FILE)} says "interrupted"${this.rec.done ? ` (${this.rec.done} done)` : ""}\n`);
      process.exit(sig === "SIGINT" ? 130 : 143);
    };
    process.once("SIGINT", this.onSignal);
    process.once("SIGTERM", this.onSignal);
  }

  /** Write run.json with "status": "running" and install the signal handlers. */
  static start(dir: string, r: { command: string; argv?: string[]; version: string; seed?: number; progress?: () => string | undefined; extra?: Record<string, unknown> }): RunRecord {
    const rec: RunJson = { command: r.command, argv: r.argv ?? process.argv.slice(2), version: r.version, ...(r.seed !== undefined ? { seed: r.seed } : {}), started: new Date().toISOString(), status: "running", ...(r.extra ?? {}) };
    writeJsonAtomic(join(dir, RUN_FILE), rec, "--output-dir");
    return new RunRecord(dir, rec, r.progress ?? (() => undefined));
  }

  get record(): Readonly<RunJson> {
    return this.rec;
  }

  complete(extra: Record<string, unknown> = {}): void {
    this.end("complete", extra);
  }

  fail(err: unknown): void {
    this.end("failed", { error: err instanceof Error ? err.message : String(err), done: this.progress() });
  }

  private end(status: RunStatus, extra: Record<string, unknown>): void {
    if (this.ended) return;
    this.ended = true;
    process.off("SIGINT", this.onSignal);
    process.off("SIGTERM", this.onSignal);
    const clean = Object.fromEntries(Object.entries(extra).filter(([, v]) => v !== undefined));
    this.rec = { ...this.rec, ...clean, status, finished: new Date().toISOString() };
    writeJsonAtomic(join(this.dir, RUN_FILE), this.rec);
  }

  /** Run `body` under this record: complete on success, failed (and rethrown) on error. */
  async around<T>(body: () => Promise<T>, extra?: (t: T) => Record<string, unknown>): Promise<T> {
    try {
      const t = await body();
      this.complete(extra ? extra(t) : {});
      return t;
    } catch (e) {
      this.fail(e);
      throw e;
    }
  }
}
