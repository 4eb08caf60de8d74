// The layer rules of ARCHITECTURE.md, enforced on the import graph of src/.
//
// Every .ts/.mts/.mjs file under src/ is parsed with the TypeScript compiler (so comments and
// strings cannot fake or hide an import) and each edge to another file of src/ is collected:
// `import … from`, `import type … from`, `export … from`, `import "…"`, `import("…")` with a
// literal path, and `import("…")` types. Type-only edges count like the others: a cycle of types
// still couples two modules (ARCHITECTURE.md, "What counts as an import").
//
// Three rules, each violation printed as `file → target: rule`:
//   upward    — a file imports a folder of a higher layer (or a sibling it may not see);
//   workflow  — a workflow imports another workflow other than through its index.ts face;
//   cycle     — the file-level import graph has a cycle (each strongly connected component is
//               reported with one cycle through it).
// The checker is a pure function of (files, edges), unit-tested below on a synthetic graph.
import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const SRC = join(ROOT, "src");

// ---------------------------------------------------------------------------------------------
// The layer map (keep in step with ARCHITECTURE.md). Lower rank = lower layer. A file may import
// its own folder, any folder of a strictly lower rank, and what `alsoSees` lists; nothing else.
// ---------------------------------------------------------------------------------------------
interface Layer { rank: number; kind: "plumbing" | "engine" | "workflow" | "face" | "ambient"; alsoSees?: string[] }
export const LAYERS: Record<string, Layer> = {
  types: { rank: -1, kind: "ambient" },
  math: { rank: 0, kind: "engine" },
  // plumbing beside math: io may import math; plot may import math and io (never the reverse)
  io: { rank: 0, kind: "plumbing", alsoSees: ["math"] },
  plot: { rank: 0, kind: "plumbing", alsoSees: ["math", "io"] },
  optimize: { rank: 1, kind: "engine" },
  likelihood: { rank: 2, kind: "engine" },
  gp: { rank: 2, kind: "engine" },
  infer: { rank: 3, kind: "engine" },
  histfactory: { rank: 4, kind: "workflow" },
  bumphunt: { rank: 4, kind: "workflow" },
  marginal: { rank: 4, kind: "workflow" },
  categorize: { rank: 4, kind: "workflow" },
  templates: { rank: 4, kind: "workflow" },
  resonance: { rank: 4, kind: "workflow" },
  batch: { rank: 5, kind: "face" },
  cli: { rank: 6, kind: "face" },
  web: { rank: 6, kind: "face" },
  // src/index.ts (the package face) is the top: nothing in src/ may import it
  "": { rank: 7, kind: "face" },
};

/** The folder of a src-relative path: "gp/lml.ts" → "gp", "index.ts" → "". */
export function folderOf(file: string): string {
  const i = file.indexOf("/");
  return i < 0 ? "" : file.slice(0, i);
}

/**
 * One file's reference to another. "url" is `new URL("./x.ts", import.meta.url)`: a module loaded
 * at run time by name (an executor recipe, a worker). It obeys the layer rules but is left out of
 * cycle detection (a runner module naming itself for the worker threads is not a cycle).
 */
export interface Edge { from: string; to: string; kind: "static" | "type" | "export" | "dynamic" | "url" }
export interface Violation { from: string; to: string; rule: "upward" | "workflow" | "cycle" | "unknown-folder"; detail: string }

/** The layer rule for one edge (both ends src-relative with "/" separators), or null when it holds. */
export function edgeViolation(e: Edge, layers: Record<string, Layer> = LAYERS): Violation | null {
  const fa = folderOf(e.from), fb = folderOf(e.to);
  const la = layers[fa], lb = layers[fb];
  if (!la) return { ...e, rule: "unknown-folder", detail: `src/${fa}/ is not in the layer map (add it to ARCHITECTURE.md and this test)` };
  if (!lb) return { ...e, rule: "unknown-folder", detail: `src/${fb}/ is not in the layer map (add it to ARCHITECTURE.md and this test)` };
  if (fa === fb) return null;
  if (lb.kind === "ambient") return null;
  if (la.kind === "workflow" && lb.kind === "workflow") {
    if (e.to === `${fb}/index.ts`) return null;
    return { ...e, rule: "workflow", detail: `workflow ${fa} reaches into workflow ${fb}'s internals; import src/${fb}/index.ts (its documented face) instead` };
  }
  if (la.alsoSees?.includes(fb)) return null;
  if (lb.rank < la.rank && lb.kind !== "plumbing") return null;
  // plumbing sits beside math: everything above rank 0 may use it
  if (lb.kind === "plumbing" && la.rank > 0) return null;
  const what = fb === "" ? "the package face src/index.ts" : `${fb} (${lb.kind}, rank ${lb.rank})`;
  return { ...e, rule: "upward", detail: `${fa === "" ? "src/index.ts" : fa} (${la.kind}, rank ${la.rank}) may not import ${what}` };
}

/** Strongly connected components of size > 1 (or self-loops), each as one cycle through it plus its members. */
export function findCycles(files: string[], edges: Edge[]): string[][] {
  return findComponents(files, edges).map((c) => c.cycle);
}

export function findComponents(files: string[], edges: Edge[]): { cycle: string[]; members: string[] }[] {
  const adj = new Map<string, string[]>();
  for (const f of files) adj.set(f, []);
  for (const e of edges) {
    if (!adj.has(e.from)) adj.set(e.from, []);
    if (!adj.has(e.to)) adj.set(e.to, []);
    if (!adj.get(e.from)!.includes(e.to)) adj.get(e.from)!.push(e.to);
  }
  for (const l of adj.values()) l.sort();
  // Tarjan, iterative (src/ is small, but recursion depth is not ours to bet on)
  const index = new Map<string, number>(), low = new Map<string, number>(), onStack = new Set<string>();
  const stack: string[] = [], comps: string[][] = [];
  let next = 0;
  for (const root of [...adj.keys()].sort()) {
    if (index.has(root)) continue;
    const work: { v: string; i: number }[] = [{ v: root, i: 0 }];
    index.set(root, next); low.set(root, next); next++; stack.push(root); onStack.add(root);
    while (work.length) {
      const top = work[work.length - 1];
      const succ = adj.get(top.v)!;
      if (top.i < succ.length) {
        const w = succ[top.i++];
        if (!index.has(w)) {
          index.set(w, next); low.set(w, next); next++; stack.push(w); onStack.add(w);
          work.push({ v: w, i: 0 });
        } else if (onStack.has(w)) low.set(top.v, Math.min(low.get(top.v)!, index.get(w)!));
      } else {
        work.pop();
        if (work.length) { const p = work[work.length - 1].v; low.set(p, Math.min(low.get(p)!, low.get(top.v)!)); }
        if (low.get(top.v) === index.get(top.v)) {
          const comp: string[] = [];
          let w: string;
          do { w = stack.pop()!; onStack.delete(w); comp.push(w); } while (w !== top.v);
          if (comp.length > 1 || adj.get(top.v)!.includes(top.v)) comps.push(comp.sort());
        }
      }
    }
  }
  // one concrete cycle per component: BFS from its first file back to itself inside the component
  return comps.map((comp) => {
    const inComp = new Set(comp), start = comp[0];
    const prev = new Map<string, string>();
    const queue = [start];
    let end: string | null = null;
    while (queue.length && end === null) {
      const v = queue.shift()!;
      for (const w of adj.get(v)!) {
        if (!inComp.has(w)) continue;
        if (w === start) { end = v; break; }
        if (!prev.has(w)) { prev.set(w, v); queue.push(w); }
      }
    }
    const path = [start];
    for (let v = end!; v !== start; v = prev.get(v)!) path.splice(1, 0, v);
    path.push(start);
    return { cycle: path, members: comp };
  }).sort((a, b) => a.cycle[0].localeCompare(b.cycle[0]));
}

/** Every violation of the rules in a graph: layer rules per edge, then one entry per cycle. */
export function checkGraph(files: string[], edges: Edge[], layers: Record<string, Layer> = LAYERS): Violation[] {
  const out: Violation[] = [];
  for (const e of edges) {
    const v = edgeViolation(e, layers);
    if (v) out.push(v);
  }
  for (const { cycle, members } of findComponents(files, edges.filter((e) => e.kind !== "url"))) {
    const more = members.length > cycle.length - 1 ? ` (tangled files: ${members.join(", ")})` : "";
    out.push({ from: cycle[0], to: cycle[1], rule: "cycle", detail: `import cycle ${cycle.join(" → ")}${more}` });
  }
  return out;
}

export function formatViolation(v: Violation): string {
  return `src/${v.from} → src/${v.to}: ${v.rule}: ${v.detail}`;
}

// ---------------------------------------------------------------------------------------------
// Parsing src/
// ---------------------------------------------------------------------------------------------
const SOURCE = /\.(ts|mts|mjs|js)$/;

function listFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) listFiles(p, out);
    else if (SOURCE.test(name)) out.push(p);
  }
  return out;
}

/** The import specifiers of one source text, with their kind. */
export function importsOf(text: string, fileName = "x.ts"): { spec: string; kind: Edge["kind"] }[] {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, fileName.endsWith(".ts") || fileName.endsWith(".mts") ? ts.ScriptKind.TS : ts.ScriptKind.JS);
  const out: { spec: string; kind: Edge["kind"] }[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isImportDeclaration(n) && ts.isStringLiteral(n.moduleSpecifier)) {
      const c = n.importClause;
      const typeOnly = !!c && (c.isTypeOnly || (!c.name && !!c.namedBindings && ts.isNamedImports(c.namedBindings) && c.namedBindings.elements.length > 0 && c.namedBindings.elements.every((el) => el.isTypeOnly)));
      out.push({ spec: n.moduleSpecifier.text, kind: typeOnly ? "type" : "static" });
    } else if (ts.isImportEqualsDeclaration(n) && ts.isExternalModuleReference(n.moduleReference) && ts.isStringLiteral(n.moduleReference.expression)) {
      out.push({ spec: n.moduleReference.expression.text, kind: n.isTypeOnly ? "type" : "static" });
    } else if (ts.isExportDeclaration(n) && n.moduleSpecifier && ts.isStringLiteral(n.moduleSpecifier)) {
      out.push({ spec: n.moduleSpecifier.text, kind: "export" });
    } else if (ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.ImportKeyword && n.arguments.length > 0 && ts.isStringLiteralLike(n.arguments[0])) {
      out.push({ spec: n.arguments[0].text, kind: "dynamic" });
    } else if (ts.isImportTypeNode(n) && ts.isLiteralTypeNode(n.argument) && ts.isStringLiteral(n.argument.literal)) {
      out.push({ spec: n.argument.literal.text, kind: "type" });
    } else if (ts.isNewExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === "URL" && n.arguments?.length === 2 &&
      ts.isStringLiteralLike(n.arguments[0]) && n.arguments[0].text.startsWith(".") && n.arguments[1].getText(sf) === "import.meta.url") {
      out.push({ spec: n.arguments[0].text, kind: "url" });
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

/** Files (src-relative, "/" separators) and their edges to other files of src/. */
export function srcGraph(srcDir = SRC): { files: string[]; edges: Edge[]; unresolved: string[] } {
  const abs = listFiles(srcDir);
  const rel = (p: string) => relative(srcDir, p).split(sep).join("/");
  const files = abs.map(rel);
  const known = new Set(files);
  const edges: Edge[] = [], unresolved: string[] = [];
  for (const p of abs) {
    for (const { spec, kind } of importsOf(readFileSync(p, "utf8"), p)) {
      if (!spec.startsWith(".")) continue; // a package (node:, npm): not part of the graph
      let target = rel(resolve(dirname(p), spec));
      if (!known.has(target) && known.has(target.replace(/\.js$/, ".ts"))) target = target.replace(/\.js$/, ".ts");
      if (!known.has(target) && known.has(`${target}/index.ts`)) target = `${target}/index.ts`;
      if (target.startsWith("..")) continue; // outside src/ (package.json): data, not a layer
      if (!SOURCE.test(target) && existsSync(join(srcDir, target))) continue; // JSON data (the pyhf schemas): not a module of a layer
      // a URL may name a build artefact that only dist/ holds (dist/vendor/jsroot-io.mjs): not a source module
      if (!known.has(target) && kind === "url") continue;
      if (!known.has(target)) { unresolved.push(`src/${rel(p)} → ${spec}`); continue; }
      edges.push({ from: rel(p), to: target, kind });
    }
  }
  return { files, edges, unresolved };
}

// ---------------------------------------------------------------------------------------------
// The checker on a synthetic graph: it must catch what it claims to catch.
// ---------------------------------------------------------------------------------------------
describe("architecture checker (synthetic graphs)", () => {
  test("an upward import, a cross-workflow import and a cycle are each reported once", () => {
    const files = ["math/a.ts", "infer/b.ts", "infer/c.ts", "bumphunt/d.ts", "histfactory/e.ts", "histfactory/index.ts", "batch/f.ts"];
    const edges: Edge[] = [
      { from: "infer/b.ts", to: "math/a.ts", kind: "static" }, // down: fine
      { from: "math/a.ts", to: "batch/f.ts", kind: "type" }, // up: type-only still counts
      { from: "bumphunt/d.ts", to: "histfactory/e.ts", kind: "static" }, // workflow internals
      { from: "bumphunt/d.ts", to: "histfactory/index.ts", kind: "dynamic" }, // through the face: fine
      { from: "infer/b.ts", to: "infer/c.ts", kind: "static" },
      { from: "infer/c.ts", to: "infer/b.ts", kind: "export" }, // cycle inside a folder
      { from: "batch/f.ts", to: "bumphunt/d.ts", kind: "static" }, // down: fine
      { from: "bumphunt/d.ts", to: "bumphunt/d.ts", kind: "url" }, // a runner naming its own module: no cycle
      { from: "bumphunt/d.ts", to: "batch/f.ts", kind: "url" }, // a workflow naming a batch module: upward
    ];
    const v = checkGraph(files, edges);
    assert.deepEqual(v.map((x) => `${x.from}>${x.to}:${x.rule}`).sort(), [
      "bumphunt/d.ts>batch/f.ts:upward",
      "bumphunt/d.ts>histfactory/e.ts:workflow",
      "infer/b.ts>infer/c.ts:cycle",
      "math/a.ts>batch/f.ts:upward",
    ]);
    assert.match(formatViolation(v.find((x) => x.rule === "cycle")!), /infer\/b\.ts → infer\/c\.ts → infer\/b\.ts/);
  });

  test("plumbing: io and plot may import math (plot may import io); math may not import them; the engine may", () => {
    const ok = (from: string, to: string) => edgeViolation({ from, to, kind: "static" }) === null;
    assert.ok(ok("io/x.ts", "math/y.ts"));
    assert.ok(ok("plot/x.ts", "io/y.ts"));
    assert.ok(ok("gp/x.ts", "io/y.ts"));
    assert.ok(!ok("math/x.ts", "io/y.ts"));
    assert.ok(!ok("io/x.ts", "plot/y.ts"));
    assert.ok(!ok("io/x.ts", "optimize/y.ts"));
    assert.ok(!ok("gp/x.ts", "likelihood/y.ts"), "siblings of one rank do not see each other");
    assert.ok(!ok("bumphunt/x.ts", "batch/y.ts"));
    assert.ok(!ok("cli/x.ts", "index.ts"), "nothing imports the package face");
    assert.ok(ok("cli/x.ts", "batch/y.ts"));
    assert.equal(edgeViolation({ from: "newthing/x.ts", to: "math/y.ts", kind: "static" })?.rule, "unknown-folder");
  });

  test("a longer cycle across folders is found, with a concrete path", () => {
    const edges: Edge[] = [
      { from: "gp/a.ts", to: "gp/b.ts", kind: "static" },
      { from: "gp/b.ts", to: "gp/c.ts", kind: "type" },
      { from: "gp/c.ts", to: "gp/a.ts", kind: "static" },
      { from: "gp/c.ts", to: "gp/d.ts", kind: "static" },
    ];
    const cyc = findCycles(["gp/a.ts", "gp/b.ts", "gp/c.ts", "gp/d.ts"], edges);
    assert.deepEqual(cyc, [["gp/a.ts", "gp/b.ts", "gp/c.ts", "gp/a.ts"]]);
    assert.deepEqual(findCycles(["gp/a.ts", "gp/b.ts"], [{ from: "gp/a.ts", to: "gp/b.ts", kind: "static" }]), []);
  });

  test("the parser sees every import form and ignores comments and strings", () => {
    const text = [
      `import { a } from "./a.ts";`,
      `import type { B } from "./b.ts";`,
      `import { type C } from "./c.ts";`,
      `export { d } from "./d.ts";`,
      `export * from "./e.ts";`,
      `import fs2 = require("./r.ts");`,
      `import "./f.ts";`,
      `const g = await import("./g.ts");`,
      `type H = typeof import("./h.ts");`,
      `// import { x } from "./comment.ts";`,
      `const s = 'import { y } from "./string.ts"';`,
      `const dyn = await import(someVariable);`,
      `const w = new URL("./w.ts", import.meta.url).href;`,
      `const notAModule = new URL("https://example.org/");`,
    ].join("\n");
    assert.deepEqual(importsOf(text), [
      { spec: "./a.ts", kind: "static" }, { spec: "./b.ts", kind: "type" }, { spec: "./c.ts", kind: "type" },
      { spec: "./d.ts", kind: "export" }, { spec: "./e.ts", kind: "export" }, { spec: "./r.ts", kind: "static" }, { spec: "./f.ts", kind: "static" },
      { spec: "./g.ts", kind: "dynamic" }, { spec: "./h.ts", kind: "type" }, { spec: "./w.ts", kind: "url" },
    ]);
  });
});

// ---------------------------------------------------------------------------------------------
// The rules on src/
// ---------------------------------------------------------------------------------------------
describe("src/ keeps its layers", () => {
  const { files, edges, unresolved } = srcGraph();

  test("the graph is not empty (the test cannot pass vacuously)", () => {
    assert.ok(files.length > 100, `found only ${files.length} files under src/`);
    assert.ok(edges.length > 300, `found only ${edges.length} import edges`);
    for (const f of ["gp", "infer", "bumphunt", "batch", "cli", "histfactory"]) {
      assert.ok(edges.some((e) => folderOf(e.from) === f), `no import found from src/${f}/`);
    }
    assert.ok(edges.some((e) => e.kind === "dynamic"), "no dynamic import found");
    assert.ok(edges.some((e) => e.kind === "type"), "no type-only import found");
    assert.ok(edges.some((e) => e.kind === "url" && folderOf(e.from) === "batch" && folderOf(e.to) === "bumphunt"), "no runner URL from batch to bumphunt found");
  });

  test("every relative import resolves to a file of src/", () => {
    assert.deepEqual(unresolved, [], `unresolved imports:\n  ${unresolved.join("\n  ")}`);
  });

  test("faces: every folder but cli/, web/ (entry points of the browser bundles) and types/ has an index.ts; no file imports its own folder's index.ts", () => {
    const folders = [...new Set(files.map(folderOf))].filter((f) => f !== "" && f !== "cli" && f !== "web" && f !== "types");
    const missing = folders.filter((f) => !files.includes(`${f}/index.ts`));
    assert.deepEqual(missing, [], `folders without an index.ts face: ${missing.join(", ")}`);
    const own = edges.filter((e) => e.kind !== "url" && e.from !== e.to && folderOf(e.from) !== "" && e.to === `${folderOf(e.from)}/index.ts`);
    assert.deepEqual(own.map((e) => `src/${e.from} → src/${e.to}`), []);
  });

  test("no upward import, no reach into another workflow, no import cycle", () => {
    const v = checkGraph(files, edges);
    assert.equal(v.length, 0, `${v.length} violation(s) of ARCHITECTURE.md:\n  ${v.map(formatViolation).join("\n  ")}`);
  });
});
