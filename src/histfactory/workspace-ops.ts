// Workspace operations with pyhf's semantics (`pyhf.Workspace.combine / prune / rename / sorted`):
// they return new workspaces and leave their inputs alone. They work on plain specs and on kinded
// trees (jsontext.ts); a spec from the readers in load.ts keeps its file's number kinds, so
// `digestOf` of the result matches pyhf's digest of the same operation.
import { InputError } from "../io/errors.ts";
import { plainOf, sourceOf } from "./digest.ts";
import { cloneJson, codePointCompare, jsonEqual, type Kinded } from "./jsontext.ts";
import { validateSchema } from "./schema.ts";
import type { WorkspaceSpec } from "./spec.ts";

export const JOIN_TYPES = ["none", "outer", "left outer", "right outer"] as const;
export type JoinType = (typeof JOIN_TYPES)[number];

/* eslint-disable @typescript-eslint/no-explicit-any */
type Item = Record<string, any>;
type Ws = { channels: Item[]; measurements: Item[]; observations: Item[]; version: any };

/** Run `f` on the kinded source of `ws` when it has one, and return a value of the same kind. */
function onSource<T>(inputs: unknown[], f: (...ws: Ws[]) => Ws): T {
  const srcs = inputs.map((w) => sourceOf(w));
  if (srcs.every((s) => s !== undefined)) return plainOf<T>(f(...(srcs as unknown as Ws[])) as unknown as Kinded);
  return f(...(inputs as Ws[])) as unknown as T;
}

function names(items: Item[]): string[] {
  return items.map((x) => x.name as string);
}

function list(xs: Iterable<string>): string {
  return [...xs].map((x) => JSON.stringify(x)).join(", ");
}

/** Summary of a workspace as pyhf's Workspace keeps it: sorted unique names. */
export function workspaceSummary(ws: WorkspaceSpec): { channels: string[]; samples: string[]; modifiers: [string, string][]; measurements: string[]; modifierTypes: string[] } {
  const channels = new Set<string>();
  const samples = new Set<string>();
  const modifiers = new Map<string, [string, string]>();
  for (const c of ws.channels) {
    channels.add(c.name);
    for (const s of c.samples) {
      samples.add(s.name);
      for (const m of s.modifiers) modifiers.set(`${m.name}\u0000${m.type}`, [m.name, m.type]);
    }
  }
  const mods = [...modifiers.values()].sort((a, b) => codePointCompare(a[0], b[0]) || codePointCompare(a[1], b[1]));
  return {
    channels: [...channels].sort(codePointCompare),
    samples: [...samples].sort(codePointCompare),
    modifiers: mods,
    measurements: ws.measurements.map((m) => m.name),
    modifierTypes: [...new Set(mods.map((m) => m[1]))].sort(codePointCompare),
  };
}

// ---------------------------------------------------------------------------------------------
// combine

function joinItems(join: JoinType, left: Item[], right: Item[], deepMergeKey: string | null = null): Item[] {
  const [primary, secondary] = join === "right outer" ? [right, left] : [left, right];
  const joined = primary.map((x) => cloneJson(x));
  const keys = names(joined);
  for (const item of secondary) {
    const k = keys.indexOf(item.name);
    if (k >= 0 && deepMergeKey !== null) {
      joined[k][deepMergeKey] = joinItems("left outer", joined[k][deepMergeKey], item[deepMergeKey]);
    } else if (
      join === "none"
      || (join === "outer" && !primary.some((p) => jsonEqual(p, item)))
      || ((join === "left outer" || join === "right outer") && k < 0)
    ) {
      joined.push(cloneJson(item));
    }
  }
  return joined;
}

function duplicates(xs: string[]): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const x of xs) (seen.has(x) ? dup : seen).add(x);
  return [...dup];
}

export interface CombineOptions {
  join?: JoinType;
  /** Merge the samples of channels with the same name (outer joins only). */
  mergeChannels?: boolean;
  /** Names of the two inputs, for error messages. */
  files?: [string, string];
}

/**
 * Combine two workspaces (pyhf `Workspace.combine`): channels, observations and measurements are
 * joined by name. join "none" refuses any common channel, observation or measurement name;
 * "outer" keeps identical items once and refuses same-named items that differ (and measurements
 * with different POIs, merging their parameter configs otherwise); "left outer" / "right outer"
 * keep the left / right item when names clash.
 */
export function combineWorkspaces<T extends WorkspaceSpec>(left: T, right: T, opts: CombineOptions = {}): T {
  const join = opts.join ?? "none";
  const file = opts.files ? `${opts.files[0]} + ${opts.files[1]}` : "";
  const fail = (field: string, detail: string): never => { throw new InputError(file, field, detail); };
  if (!(JOIN_TYPES as readonly string[]).includes(join)) fail("--join", `unknown join "${join}": expected one of ${JOIN_TYPES.join(", ")}`);
  if (opts.mergeChannels && join === "none") fail("--merge-channels", `channels can only be merged with the "outer", "left outer" or "right outer" joins, not "${join}"`);
  const out = onSource<T>([left, right], (l, r) => {
    if (!jsonEqual(l.version, r.version)) fail("/version", `workspaces of different versions cannot be combined: ${l.version} != ${r.version}`);
    const common = (a: Item[], b: Item[]) => names(a).filter((n) => names(b).includes(n));

    const channels = joinItems(join, l.channels, r.channels, opts.mergeChannels ? "samples" : null);
    if (join === "none") {
      const c = common(l.channels, r.channels);
      if (c.length) fail("/channels", `the workspaces have channels with the same name: ${list(new Set(c))} (use --join outer, left outer or right outer)`);
    } else if (join === "outer") {
      const d = duplicates(names(channels));
      if (d.length) fail("/channels", `the workspaces have same-named channels with different content: ${list(d)} (use --join left outer or right outer${opts.mergeChannels ? "" : ", or --merge-channels"})`);
    }

    const observations = joinItems(join, l.observations, r.observations);
    if (join === "none") {
      const c = common(l.observations, r.observations);
      if (c.length) fail("/observations", `the workspaces have observations with the same name: ${list(new Set(c))} (use --join outer, left outer or right outer)`);
    } else if (join === "outer") {
      const d = duplicates(names(observations));
      if (d.length) fail("/observations", `the workspaces have same-named observations with different data: ${list(d)} (use --join left outer or right outer)`);
    }

    let measurements = joinItems(join, l.measurements, r.measurements);
    if (join === "none") {
      const c = common(l.measurements, r.measurements);
      if (c.length) fail("/measurements", `the workspaces have measurements with the same name: ${list(new Set(c))} (use --join outer, left outer or right outer)`);
    } else if (join === "outer") {
      const byName = new Map<string, Item[]>();
      for (const m of measurements) byName.set(m.name, [...(byName.get(m.name) ?? []), m]);
      const badPoi = [...byName].filter(([, ms]) => new Set(ms.map((m) => m.config.poi)).size > 1).map(([n]) => n);
      if (badPoi.length) fail("/measurements", `the workspaces have same-named measurements with different POIs: ${list(badPoi)}`);
      measurements = [...byName].map(([name, ms]) => {
        if (ms.length === 1) return ms[0];
        const parameters = joinItems("outer", ms[0].config.parameters, ms[1].config.parameters);
        const d = duplicates(names(parameters));
        if (d.length) fail("/measurements", `measurement "${name}" has incompatible parameter configs in the two workspaces: ${list(d)}`);
        return { name, config: { poi: ms[0].config.poi, parameters } };
      });
    }
    return { channels, measurements, observations, version: l.version };
  });
  validateSchema(out, "workspace", file ? `${file} (combined)` : "(combined workspace)");
  return out;
}

// ---------------------------------------------------------------------------------------------
// prune and rename

export interface PruneOptions {
  channels?: string[];
  samples?: string[];
  modifiers?: string[];
  modifierTypes?: string[];
  measurements?: string[];
}

export interface RenameOptions {
  channels?: Record<string, string>;
  samples?: Record<string, string>;
  modifiers?: Record<string, string>;
  measurements?: Record<string, string>;
}

function pruneAndRename<T extends WorkspaceSpec>(ws: T, prune: PruneOptions, rename: RenameOptions, file: string, what: string): T {
  const s = workspaceSummary(ws);
  const P = {
    channels: prune.channels ?? [], samples: prune.samples ?? [], modifiers: prune.modifiers ?? [],
    modifierTypes: prune.modifierTypes ?? [], measurements: prune.measurements ?? [],
  };
  const R = { channels: rename.channels ?? {}, samples: rename.samples ?? {}, modifiers: rename.modifiers ?? {}, measurements: rename.measurements ?? {} };
  const check = (given: string[], known: string[], noun: string, option: string) => {
    for (const x of given) {
      if (!known.includes(x)) {
        const shown = known.slice(0, 8).map((k) => JSON.stringify(k)).join(", ") + (known.length > 8 ? ", …" : "");
        throw new InputError(file, option, `"${x}" is not one of the ${noun} in this workspace (${shown})`);
      }
    }
  };
  check(P.modifierTypes, s.modifierTypes, "modifier types", "--modifier-type");
  check([...P.modifiers, ...Object.keys(R.modifiers)], s.modifiers.map((m) => m[0]), "modifiers", "--modifier");
  check([...P.samples, ...Object.keys(R.samples)], s.samples, "samples", "--sample");
  check([...P.channels, ...Object.keys(R.channels)], s.channels, "channels", "--channel");
  check([...P.measurements, ...Object.keys(R.measurements)], s.measurements, "measurements", "--measurement");
  const rn = (m: Record<string, string>, k: string) => (Object.prototype.hasOwnProperty.call(m, k) ? m[k] : k);

  const out = onSource<T>([ws], (w) => ({
    channels: w.channels.filter((c) => !P.channels.includes(c.name)).map((c) => ({
      name: rn(R.channels, c.name),
      samples: c.samples.filter((x: Item) => !P.samples.includes(x.name)).map((x: Item) => ({
        name: rn(R.samples, x.name),
        data: cloneJson(x.data),
        modifiers: x.modifiers
          .filter((m: Item) => !P.modifiers.includes(m.name) && !P.modifierTypes.includes(m.type))
          .map((m: Item) => ({ ...cloneJson(m), name: rn(R.modifiers, m.name) })),
      })),
    })),
    measurements: w.measurements.filter((m) => !P.measurements.includes(m.name)).map((m) => ({
      name: rn(R.measurements, m.name),
      config: {
        parameters: m.config.parameters.filter((p: Item) => !P.modifiers.includes(p.name)).map((p: Item) => ({ ...cloneJson(p), name: rn(R.modifiers, p.name) })),
        poi: rn(R.modifiers, m.config.poi),
      },
    })),
    observations: w.observations.filter((o) => !P.channels.includes(o.name)).map((o) => ({ ...cloneJson(o), name: rn(R.channels, o.name) })),
    version: w.version,
  }));
  validateSchema(out, "workspace", `${file || "(workspace)"} (after ${what})`);
  return out;
}

/** Remove channels, samples, modifiers (by name or type) and measurements (pyhf `Workspace.prune`). */
export function pruneWorkspace<T extends WorkspaceSpec>(ws: T, opts: PruneOptions, file = ""): T {
  return pruneAndRename(ws, opts, {}, file, "prune");
}

/** Rename channels, samples, modifiers (and their parameter configs and POI) and measurements. */
export function renameWorkspace<T extends WorkspaceSpec>(ws: T, opts: RenameOptions, file = ""): T {
  return pruneAndRename(ws, {}, opts, file, "rename");
}

// ---------------------------------------------------------------------------------------------
// sort

/**
 * pyhf `Workspace.sorted`: channels, samples, measurements, parameter configs and observations
 * by name, modifiers by (name, type); stable, by Unicode code point.
 */
export function sortWorkspace<T extends WorkspaceSpec>(ws: T): T {
  const byName = (a: Item, b: Item) => codePointCompare(a.name, b.name);
  return onSource<T>([ws], (w) => {
    const n = cloneJson(w);
    n.channels.sort(byName);
    for (const c of n.channels) {
      c.samples.sort(byName);
      for (const s of c.samples) s.modifiers.sort((a: Item, b: Item) => byName(a, b) || codePointCompare(a.type, b.type));
    }
    n.measurements.sort(byName);
    for (const m of n.measurements) m.config.parameters.sort(byName);
    n.observations.sort(byName);
    return n;
  });
}
