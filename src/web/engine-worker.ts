// The statistics engine in a browser tab: a Web Worker that reads a pyhf workspace (and a JSON
// Patch or a patchset's patch) from text, compiles the model and runs inspect, fit, CLs, the upper
// limit and the discovery significance. Results are the records the CLI prints with --json
// (histfactory/results.ts); bad input is the CLI's one-line message. scripts/build.mjs bundles
// this file with esbuild (platform browser: no Node built-ins) into dist/web/engine-worker.bundle.js.
import { InputError } from "../io/errors.ts";
import type { UpperLimitResult } from "../infer/upper-limit.ts";
import { patchNamesOf, parseJsonDocument, workspaceInput } from "../histfactory/input.ts";
import { compileModel, type HistFactoryModel } from "../histfactory/model.ts";
import { clsCurve, clsFigure, clsSummary, needPoi, fitSummary, inspectSummary, significanceSummary, upperLimitSummary } from "../histfactory/results.ts";

export interface NamedText { name: string; text: string }

/** Page → worker. */
export type EngineRequest =
  | { id: number; kind: "patches"; patch: NamedText }
  | { id: number; kind: "load"; workspace: NamedText; patch?: NamedText & { patchName?: string } }
  | { id: number; kind: "run"; what: "inspect" | "fit" | "cls" | "upper-limit" | "limit-figure" | "significance"; poi?: number; cl?: number; testStat?: "qtilde" | "q" };

/** Worker → page: a result, or the CLI's one-line message (`error`), with the elapsed time. */
export type EngineReply = { id: number; ok: true; result: unknown; figure?: unknown; ms: number } | { id: number; ok: false; error: string; input: boolean };

let model: HistFactoryModel | null = null;
let lastLimit: { model: HistFactoryModel & { poi: number }; result: UpperLimitResult; cl: number; testStat: "qtilde" | "q"; poi: string } | null = null;
let modelFile = "";


/** The CLI's --json record, and the Vega-Lite spec of the command's figure if it has one. */
function handle(req: EngineRequest): { result: unknown; figure?: unknown } {
  if (req.kind === "patches") return { result: { names: patchNamesOf(parseJsonDocument(req.patch.text, req.patch.name), req.patch.name) } };
  if (req.kind === "load") {
    model = null;
    const doc = parseJsonDocument(req.workspace.text, req.workspace.name);
    const patch = req.patch
      ? { doc: parseJsonDocument(req.patch.text, req.patch.name), file: req.patch.name, patchName: req.patch.patchName }
      : undefined;
    const { spec, patchLabel } = workspaceInput(doc, req.workspace.name, patch);
    model = compileModel(spec, { file: req.workspace.name });
    modelFile = req.workspace.name;
    return { result: { patch: patchLabel, summary: inspectSummary(model) } };
  }
  if (!model) throw new InputError("", "workspace", "load a workspace first");
  switch (req.what) {
    case "inspect": return { result: inspectSummary(model) };
    case "fit": return { result: fitSummary(model).json };
    case "cls": needPoi(model, modelFile); return { result: clsSummary(model, req.poi ?? 1, req.testStat ?? "qtilde") };
    case "upper-limit": {
      needPoi(model, modelFile);
      const cl = req.cl ?? 0.95;
      const testStat = req.testStat ?? "qtilde";
      const { json, result } = upperLimitSummary(model, cl, testStat);
      lastLimit = { model, result, cl, testStat, poi: json.poi };
      return { result: json };
    }
    case "limit-figure": {
      // The spec `upper-limit --figure` renders (dense CLs curves: ~40 more hypotests, so it is
      // asked for after the limits are shown); the page renders it with vega.
      if (!lastLimit || lastLimit.model !== model) throw new InputError("", "figure", "run the upper limit first");
      const l = lastLimit;
      return { result: null, figure: clsFigure(clsCurve(l.model, l.result, l.testStat), { cl: l.cl, poi: l.poi }) };
    }
    case "significance": needPoi(model, modelFile); return { result: significanceSummary(model) };
  }
}

interface WorkerScope { onmessage: ((e: { data: EngineRequest }) => void) | null; postMessage(m: EngineReply): void }
const scope = globalThis as unknown as WorkerScope;
scope.onmessage = (e) => {
  const req = e.data;
  const t0 = performance.now();
  try {
    const { result, figure } = handle(req);
    scope.postMessage({ id: req.id, ok: true, result, figure, ms: performance.now() - t0 });
  } catch (err) {
    const input = err instanceof InputError;
    scope.postMessage({ id: req.id, ok: false, input, error: input ? `searchlight: ${err.message}` : `searchlight: internal error: ${(err as Error)?.message ?? String(err)}` });
  }
};
