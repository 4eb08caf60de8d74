// What the browser bundle of the engine gets in place of the two Node built-ins the HistFactory
// code imports (scripts/build.mjs maps them here; nothing else of Node is reachable from the
// engine). `node:crypto`: the digests of pyhf's patchset verification (sha256 and the other
// algorithms pyhf allows, from @noble/hashes, bundled). `node:module`: schema.ts's require of its
// precompiled validators, which the bundle imports directly.
import { sha1 } from "@noble/hashes/legacy.js";
import { sha256, sha384, sha512 } from "@noble/hashes/sha2.js";
import { md5 } from "@noble/hashes/legacy.js";

type HashFn = (data: Uint8Array) => Uint8Array;
const HASHES: Record<string, HashFn> = { sha256, sha384, sha512, sha1, md5 };

export function getHashes(): string[] {
  return Object.keys(HASHES);
}

/** `createHash(alg).update(text, "utf8").digest("hex")`, the only use the engine makes of it. */
export function createHash(algorithm: string) {
  const fn = HASHES[algorithm.toLowerCase()];
  if (!fn) throw new Error(`digest algorithm ${algorithm} is not available in the browser`);
  const parts: Uint8Array[] = [];
  const hash = {
    update(data: string | Uint8Array) {
      parts.push(typeof data === "string" ? new TextEncoder().encode(data) : data);
      return hash;
    },
    digest(encoding: "hex"): string {
      if (encoding !== "hex") throw new Error("only hex digests are available in the browser");
      const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
      let at = 0;
      for (const p of parts) {
        all.set(p, at);
        at += p.length;
      }
      return Array.from(fn(all), (b) => b.toString(16).padStart(2, "0")).join("");
    },
  };
  return hash;
}
