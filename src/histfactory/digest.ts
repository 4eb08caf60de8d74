// pyhf's workspace digest (`pyhf.utils.digest`): a hash of
// `json.dumps(obj, sort_keys=True, ensure_ascii=False).encode("utf8")`.
import { createHash, getHashes } from "node:crypto";
import { InputError } from "../io/errors.ts";
import { pyJsonDumps, toPlain, type Kinded } from "./jsontext.ts";

/**
 * The kinded source tree (number kinds as written in the file) of a plain value returned by the
 * readers in load.ts. `digestOf(spec)` uses it so that `1.0` in the file is hashed as `1.0`.
 * The plain value must not have been modified since it was read.
 */
const sources = new WeakMap<object, Kinded>();

/** Remember the kinded tree a plain value was made from (used by the readers). */
export function rememberSource(plain: object, kinded: Kinded): void {
  sources.set(plain, kinded);
}

/** The kinded tree a plain value was read from, if it is known. */
export function sourceOf(value: unknown): Kinded | undefined {
  return value !== null && typeof value === "object" ? sources.get(value) : undefined;
}

/** The plain value of a kinded tree, remembering the tree for exact digests. */
export function plainOf<T = unknown>(kinded: Kinded): T {
  const plain = toPlain(kinded);
  if (plain !== null && typeof plain === "object") sources.set(plain, kinded);
  return plain as T;
}

/** The kinded tree behind a plain value, or the value itself. */
export function kindedOf(value: unknown): unknown {
  return (value !== null && typeof value === "object" && sources.get(value)) || value;
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
