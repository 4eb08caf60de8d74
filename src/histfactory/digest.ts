// pyhf's workspace digest (`pyhf.utils.digest`): a hash of
// `json.dumps(obj, sort_keys=True, ensure_ascii=False).encode("utf8")`.
import { createHash, getHashes } from "node:crypto";
import { InputError } from "../io/errors.ts";
import { PyBigInt, PyFloat, pyJsonDumps, toPlain, type Kinded } from "./jsontext.ts";

/**
 * The kinded source tree (number kinds as written in the file) of a plain value returned by the
 * readers in load.ts. `digestOf(spec)` uses it so that `1.0` in the file is hashed as `1.0`.
 * The plain value must not have been modified since it was read.
 */
const sources = new WeakMap<object, Kinded | (() => Kinded)>();

/**
 * Remember the kinded tree a plain value was made from (used by the readers). It may be given as
 * a function: the readers parse with JSON.parse (≈10× faster than the kind-keeping parser) and
 * build the kinded tree only when a digest asks for it.
 */
export function rememberSource(plain: object, kinded: Kinded | (() => Kinded)): void {
  sources.set(plain, kinded);
}

/** Whether `value` came from a reader (so its kinded source is known, perhaps not yet built). */
export function hasSource(value: unknown): boolean {
  return value !== null && typeof value === "object" && sources.has(value);
}

function sourceTree(value: object): Kinded | undefined {
  let src = sources.get(value);
  if (typeof src === "function") {
    src = src();
    sources.set(value, src);
  }
  return src;
}

/**
 * The kinded tree of a plain value that came from a reader, if it is known: the plain value's
 * current content, with the number kinds of the file wherever a number is unchanged (so a spec
 * modified after reading never yields stale data).
 */
export function sourceOf(value: unknown): Kinded | undefined {
  const src = value !== null && typeof value === "object" ? sourceTree(value) : undefined;
  return src === undefined ? undefined : overlay(value, src);
}

function overlay(plain: unknown, kinded: unknown): Kinded {
  if (typeof plain === "number") {
    if (kinded instanceof PyFloat && kinded.value === plain) return kinded;
    if (kinded instanceof PyBigInt && Number(kinded.text) === plain) return kinded;
    return plain;
  }
  if (plain === null || typeof plain !== "object" || plain instanceof PyFloat || plain instanceof PyBigInt) return plain as Kinded;
  if (plain === kinded) return plain as Kinded;
  if (Array.isArray(plain)) {
    const k = Array.isArray(kinded) ? kinded : [];
    return plain.map((x, i) => overlay(x, k[i]));
  }
  const k = (kinded !== null && typeof kinded === "object" && !Array.isArray(kinded) ? kinded : {}) as Record<string, unknown>;
  const out: Record<string, Kinded> = {};
  for (const key of Object.keys(plain)) {
    const v = (plain as Record<string, unknown>)[key];
    if (v !== undefined) out[key] = overlay(v, Object.prototype.hasOwnProperty.call(k, key) ? k[key] : undefined);
  }
  return out;
}

/** The plain value of a kinded tree, remembering the tree for exact digests. */
export function plainOf<T = unknown>(kinded: Kinded): T {
  const plain = toPlain(kinded);
  if (plain !== null && typeof plain === "object") sources.set(plain, kinded);
  return plain as T;
}

/** The kinded tree behind a plain value (see sourceOf), or the value itself. */
export function kindedOf(value: unknown): unknown {
  return sourceOf(value) ?? value;
}

/** Python's canonical JSON text of a value (what the digest hashes). */
export function canonicalJson(value: unknown): string {
  return pyJsonDumps(kindedOf(value));
}

/**
 * Hex digest of a JSON value as pyhf computes it. `value` may be a kinded tree (jsontext.ts), a
 * value returned by the readers in load.ts, or any plain JSON value (integral numbers then hash
 * as Python ints).
 */
export function digestOf(value: unknown, algorithm = "sha256"): string {
  const alg = algorithm.toLowerCase();
  if (!getHashes().includes(alg)) throw new InputError("", "--algorithm", `unsupported digest algorithm "${algorithm}" (use sha256, sha1, md5, sha512, …)`);
  return createHash(alg).update(canonicalJson(value), "utf8").digest("hex");
}
