// Where jsroot's I/O module comes from. From the compiled package (dist/io/jsroot.js) it is the
// bundle that scripts/build.mjs writes to dist/vendor/jsroot-io.mjs: jsroot is a dev dependency,
// because its own dependencies include canvas (a native build) and jsdom, three and mathjax,
// none of which reading a ROOT file needs. From the sources (tests, benches under tsx) it is
// `jsroot/io` from node_modules. Loaded on first use only; jsroot's objects are untyped, so the
// callers (root-hist.ts, root-keys.ts) are the typed boundary.

let io: Promise<unknown> | undefined;
let tree: Promise<unknown> | undefined;

/** jsroot's `io` module (openFile, R__unzip, …), loaded once. */
export function jsrootIo<T>(): Promise<T> {
  io ??= import.meta.url.endsWith(".ts") ? import("jsroot/io") : import(new URL("../vendor/jsroot-io.mjs", import.meta.url).href);
  return io as Promise<T>;
}

/**
 * jsroot's TTree reader (`TSelector`, `treeProcess`), loaded once: from the same vendored bundle
 * as `jsrootIo` in the compiled package (one jsroot core for both), `jsroot/tree` from sources.
 */
export function jsrootTree<T>(): Promise<T> {
  tree ??= import.meta.url.endsWith(".ts") ? import("jsroot/tree") : jsrootIo();
  return tree as Promise<T>;
}
