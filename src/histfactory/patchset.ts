// pyhf PatchSets (`pyhf.patchset`): signal patches for one background-only workspace, each with
// metadata.name and metadata.values (one value per metadata.labels entry), and the digest of the
// workspace they apply to. Look-up by name or by the tuple of values; `apply` verifies first.
import { InputError } from "../io/errors.ts";
import { digestOf, plainOf, sourceOf } from "./digest.ts";
import { cloneJson, numberOf, toPlain, type Kinded } from "./jsontext.ts";
import { applyJsonPatch, type PatchOperation } from "./patch.ts";
import { validateSchema } from "./schema.ts";

export type PatchValue = number | string;

export interface PatchSetMetadata {
  name?: string;
  description: string;
  digests: Record<string, string>;
  labels: string[];
  references: Record<string, string>;
  [extra: string]: unknown;
}

/** One patch of a patchset. `ops` keep the number kinds of the file (see jsontext.ts). */
export class Patch {
  constructor(
    readonly name: string,
    readonly values: PatchValue[],
    readonly ops: PatchOperation[],
    /** Index in the patchset's `patches` array. */
    readonly index: number,
    /** Other metadata fields of the patch. */
    readonly metadata: Record<string, unknown>,
  ) {}

  /** Apply to a kinded workspace tree (number kinds kept) without digest verification. */
  applyKinded(ws: Kinded, file: string): Kinded {
    return applyJsonPatch(ws, this.ops, file, `/patches/${this.index}/patch`);
  }

  /**
   * Apply to a plain workspace without digest verification. If `ws` came from a reader in
   * load.ts, the patch is applied to its kinded source too, so `digestOf(result)` stays exact.
   */
  apply<T>(ws: T, file: string): T {
    const src = sourceOf(ws);
    if (src !== undefined) return plainOf<T>(this.applyKinded(src, file));
    return applyJsonPatch(ws, toPlain(this.ops as unknown as Kinded) as PatchOperation[], file, `/patches/${this.index}/patch`);
  }
}

/** Compare a key tuple with a patch's values: numbers numerically, strings exactly. */
function valuesMatch(a: readonly PatchValue[], b: readonly PatchValue[]): boolean {
  return a.length === b.length && a.every((x, i) => {
    const y = b[i];
    if (typeof x === "number" || typeof y === "number") return typeof x === typeof y && x === y;
    return x === y;
  });
}

export function formatValues(v: readonly PatchValue[]): string {
  return `(${v.map((x) => (typeof x === "string" ? JSON.stringify(x) : String(x))).join(", ")})`;
}

export class PatchSet {
  readonly metadata: PatchSetMetadata;
  readonly version: string;
  readonly patches: Patch[];

  /**
   * Build from a parsed patchset document (kinded or plain); validates it against the patchset
   * schema and pyhf's rules (unique names, unique values, one value per label).
   */
  constructor(doc: unknown, readonly file: string) {
    const plain = toPlain(doc as Kinded) as { metadata: PatchSetMetadata; version: string; patches: { metadata: Record<string, unknown> & { name: string; values: PatchValue[] }; patch: PatchOperation[] }[] };
    validateSchema(plain, "patchset", file);
    this.metadata = plain.metadata;
    this.version = plain.version;
    const kindedPatches = (doc as { patches: { patch: PatchOperation[] }[] }).patches;
    const names = new Map<string, number>();
    this.patches = plain.patches.map((p, i) => {
      const { name, values, ...rest } = p.metadata;
      if (names.has(name)) throw new InputError(file, `/patches/${i}/metadata/name`, `patch name "${name}" is used twice (also /patches/${names.get(name)})`);
      names.set(name, i);
      if (values.length !== plain.metadata.labels.length) {
        throw new InputError(file, `/patches/${i}/metadata/values`, `patch "${name}" has ${values.length} values but the patchset has ${plain.metadata.labels.length} labels (${plain.metadata.labels.join(", ")})`);
      }
      return new Patch(name, values, cloneJson(kindedPatches[i].patch), i, rest);
    });
    this.patches.forEach((p, i) => {
      const j = this.patches.findIndex((q) => valuesMatch(q.values, p.values));
      if (j !== i) throw new InputError(file, `/patches/${i}/metadata/values`, `patch "${p.name}" has the same values ${formatValues(p.values)} as patch "${this.patches[j].name}"`);
    });
  }

  get name(): string | undefined { return this.metadata.name; }
  get description(): string { return this.metadata.description; }
  get digests(): Record<string, string> { return this.metadata.digests; }
  get labels(): string[] { return this.metadata.labels; }
  get references(): Record<string, string> { return this.metadata.references; }

  /** The patch with this name, or whose values equal this tuple; undefined if none. */
  find(key: string | readonly PatchValue[]): Patch | undefined {
    if (typeof key === "string") return this.patches.find((p) => p.name === key);
    return this.patches.find((p) => valuesMatch(p.values, key));
  }

  /** The patch with this name or values; an InputError (naming `field`) listing a few choices if none. */
  get(key: string | readonly PatchValue[], field = typeof key === "string" ? "--name" : "--values"): Patch {
    const p = this.find(key);
    if (p) return p;
    const avail = this.patches.slice(0, 5).map((q) => (typeof key === "string" ? q.name : formatValues(q.values))).join(", ");
    const more = this.patches.length > 5 ? `, … (${this.patches.length} patches)` : "";
    const what = typeof key === "string" ? `no patch named "${key}"` : `no patch with values ${formatValues(key)} for labels (${this.labels.join(", ")})`;
    throw new InputError(this.file, field, `${what} (available: ${avail}${more})`);
  }

  /**
   * Check that `ws` is the workspace this patchset was made for: its digest, for every algorithm
   * in metadata.digests, must equal the stored one. `ws` may be kinded or a value from the readers.
   */
  verify(ws: unknown, wsFile = ""): void {
    for (const [alg, expected] of Object.entries(this.digests)) {
      const got = digestOf(ws, alg);
      if (got !== expected) {
        throw new InputError(this.file, `/metadata/digests/${alg}`, `digest mismatch: the patchset was made for a workspace with ${alg} ${expected}, got ${got}${wsFile ? ` for ${wsFile}` : ""}`);
      }
    }
  }

  /** Verify the digest, then apply the patch chosen by name or values (plain workspace in and out). */
  apply<T>(ws: T, key: string | readonly PatchValue[], wsFile = ""): T {
    const patch = this.get(key);
    this.verify(ws, wsFile);
    return patch.apply(ws, this.file);
  }

  /** Verify the digest, then apply the patch chosen by name or values to a kinded tree. */
  applyKinded(ws: Kinded, key: string | readonly PatchValue[], wsFile = ""): Kinded {
    const patch = this.get(key);
    this.verify(ws, wsFile);
    return patch.applyKinded(ws, this.file);
  }
}

/** Parse a `--values` argument ("1000,0" or "a,1.5") into a key tuple. */
export function parseValues(text: string): PatchValue[] {
  return text.split(",").map((s) => s.trim()).map((s) => {
    const x = numberOf(s === "" ? undefined : Number(s));
    return x !== undefined && Number.isFinite(x) ? x : s;
  });
}
