// Optimised categories as a pyhf HistFactory workspace (issue #15 item 7): one channel with one
// bin per non-empty category, one sample per process, staterror from √Σw², optional normsys per
// process; the POI `mu` scales the chosen signal, other signals stay at their nominal yield (as
// in the loss, they count as background). `searchlight upper-limit|significance` run on it
// unchanged, and limitsOf() runs the same engine here (through histfactory's and infer's faces).
import { compileModel, workspaceFromJson, type WorkspaceSpec, type Sample, type Modifier } from "../histfactory/index.ts";
import { significance, upperLimit } from "../infer/index.ts";
import type { Evaluation } from "./evaluate.ts";
import type { ProcessRole } from "./loss.ts";

export interface ExportOptions {
  /** Signal label index scaled by the POI (0). */
  poiSignal?: number;
  /** Channel name ("categories"). */
  channel?: string;
  /** staterror from Σw² (true). */
  staterror?: boolean;
  /** Relative normalisation uncertainty per process name (normsys hi = 1 + δ, lo = 1 − δ). */
  normsys?: Record<string, number>;
  /** Observed data: the background-only expectation ("asimov-b", default) or the S + B expectation. */
  data?: "asimov-b" | "asimov-sb";
}

export interface ExportResult {
  workspace: WorkspaceSpec;
  /** Categories (their report order) that became bins, and those left out (no background). */
  bins: number[];
  dropped: number[];
}

export function exportWorkspace(ev: Evaluation, roles: readonly ProcessRole[], o: ExportOptions = {}): ExportResult {
  const poi = o.poiSignal ?? 0;
  const channel = o.channel ?? "categories";
  const cats = ev.categories.filter((c) => c.background > 0);
  const dropped = ev.categories.filter((c) => !(c.background > 0)).map((c) => c.index);
  if (cats.length === 0) throw new Error("export: no category has background: nothing to export");
  if (!roles.some((r) => r.signal === poi)) throw new Error(`export: no process is signal number ${poi}`);
  const samples: Sample[] = roles.map((r) => {
    const data = cats.map((c) => c.yields[r.name]);
    const modifiers: Modifier[] = [];
    if (r.signal === poi) modifiers.push({ name: "mu", type: "normfactor", data: null } as Modifier);
    if (o.staterror !== false) modifiers.push({ name: `staterror_${channel}`, type: "staterror", data: cats.map((c) => Math.sqrt(c.sumw2[r.name])) } as Modifier);
    const d = o.normsys?.[r.name];
    if (d !== undefined && d > 0) modifiers.push({ name: `norm_${r.name}`, type: "normsys", data: { hi: 1 + d, lo: Math.max(1e-6, 1 - d) } } as Modifier);
    return { name: r.name, data, modifiers };
  });
  const obs = cats.map((c) => roles.reduce((s, r) => s + (r.signal === poi && o.data !== "asimov-sb" ? 0 : c.yields[r.name]), 0));
  const workspace: WorkspaceSpec = {
    channels: [{ name: channel, samples }],
    observations: [{ name: channel, data: obs }],
    measurements: [{ name: "categorize", config: { poi: "mu", parameters: [{ name: "mu", bounds: [[0, 10]], inits: [1] }] } }],
    version: "1.0.0",
  };
  return { workspace, bins: cats.map((c) => c.index), dropped };
}

export interface WorkspaceLimits {
  z_exp: number;
  p0_exp: number;
  z_obs: number;
  limit_obs: number;
  limit_exp: number[];
}

/** Expected discovery Z and the 95% CLs upper limit on mu from the HistFactory engine. */
export function limitsOf(ws: WorkspaceSpec, cl = 0.95): WorkspaceLimits {
  const model = compileModel(workspaceFromJson(ws, "categories.workspace.json"));
  const s = significance(model);
  const u = upperLimit(model, { level: 1 - cl });
  return { z_exp: s.z_exp, p0_exp: s.p0_exp, z_obs: s.z_obs, limit_obs: u.obs, limit_exp: u.exp };
}
