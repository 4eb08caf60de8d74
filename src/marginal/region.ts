// Single-signal-region workspaces from a full ATLAS background-only workspace
// (specs/interval_evidence.md §3.1). The operations of the extraction, each on a whole workspace
// and returning a new one (inputs untouched):
//   clearPoi          every measurement's POI set to "" (the BkgOnly files have no signal);
//   dropModifiers     modifiers removed by rule (upstream filter_modifiers);
//   mergeNormfactors  several normfactors replaced by one (upstream merge_normfactor);
//   renameModifiers   modifiers renamed, several names to one allowed (pyhf Workspace.rename);
//   mergeBinsOf       bins of one channel summed into one bin, in place (merge_bins);
//   mergeChannelsOf   single-bin channels merged into one, appended last (merge_channels);
//   pruneTo           every channel but the listed ones removed (pyhf Workspace.prune).
// `extractRegion` composes them for the `marginal region` command; recipe.ts for YAML recipes.
// Output: {signal_region_name, workspace}.
import { InputError } from "../io/errors.ts";
import type { Channel, HistosysData, Modifier, NormsysData, Sample, WorkspaceSpec } from "../histfactory/index.ts";

export interface RegionRecipe {
  /** Channels forming the discovery region: one channel (its bins are merged) or several (merged into one). */
  signalChannels: string[];
  /** Name of the region's SR channel (default: the single SR channel's own name). */
  name?: string;
  /** Control channels kept (default: every channel whose name starts with "CR"; VR* etc. dropped). */
  controlChannels?: string[];
  /** Modifiers removed before merging (filter_modifiers); a rule matches when every given field matches. */
  dropModifiers?: ModifierRule[];
  /** Modifiers renamed before merging (e.g. several normfactors merged into one): old name → new name. */
  renameModifiers?: Record<string, string>;
}

export interface ModifierRule {
  name?: string | RegExp;
  type?: Modifier["type"];
  sample?: string | RegExp;
  channel?: string | RegExp;
  /**
   * Only names that a sample carries both as a normsys and as a histosys doing nothing
   * (hi_data = lo_data = the nominal); both modifiers of such a name are selected (the
   * normsys/histosys clashes of compressed_2020, dropped upstream before merging channels).
   */
  flatHistosysClash?: boolean;
}

export interface Region {
  signal_region_name: string;
  workspace: WorkspaceSpec;
}

const matches = (p: string | RegExp | undefined, s: string): boolean => p === undefined || (typeof p === "string" ? p === s : p.test(s));
const sameArray = (a: number[], b: number[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** The workspace with `f` applied to every sample of every channel. */
function mapSamples(spec: WorkspaceSpec, f: (s: Sample, c: Channel) => Sample): WorkspaceSpec {
  return { ...spec, channels: spec.channels.map((c) => ({ ...c, samples: c.samples.map((s) => f(s, c)) })) };
}

/** Set every measurement's POI to "" (§3.1 step 1). */
export function clearPoi(spec: WorkspaceSpec): WorkspaceSpec {
  return { ...spec, measurements: spec.measurements.map((m) => ({ ...m, config: { ...m.config, poi: "" } })) };
}

/** Does rule `r` select modifier `m` of sample `s` in channel `c`? */
export function ruleMatches(r: ModifierRule, m: Modifier, s: Sample, c: Channel): boolean {
  if (!(matches(r.channel, c.name) && matches(r.sample, s.name) && matches(r.name, m.name) && (r.type === undefined || r.type === m.type))) return false;
  if (!r.flatHistosysClash) return true;
  return s.modifiers.some((x) => x.type === "normsys" && x.name === m.name)
    && s.modifiers.some((x) => x.type === "histosys" && x.name === m.name && sameArray(x.data.hi_data, s.data) && sameArray(x.data.lo_data, s.data));
}

/** Remove every modifier selected by one of the rules (upstream filter_modifiers). */
export function dropModifiers(spec: WorkspaceSpec, rules: ModifierRule[]): WorkspaceSpec {
  if (rules.length === 0) return spec;
  return mapSamples(spec, (s, c) => ({ ...s, modifiers: s.modifiers.filter((m) => !rules.some((r) => ruleMatches(r, m, s, c))) }));
}

/**
 * Replace the normfactors `from` by one normfactor `to` (upstream merge_normfactor): a sample
 * carrying any of them loses them all and gets `to` once, last. The measurements are unchanged.
 */
export function mergeNormfactors(spec: WorkspaceSpec, to: string, from: readonly string[]): WorkspaceSpec {
  const set = new Set(from);
  return mapSamples(spec, (s) => {
    const kept = s.modifiers.filter((m) => !set.has(m.name));
    if (kept.length === s.modifiers.length) return s;
    return { ...s, modifiers: [...kept, { name: to, type: "normfactor", data: null }] };
  });
}

/** Rename modifiers old → new in samples and measurement parameters (pyhf Workspace.rename). */
export function renameModifiers(spec: WorkspaceSpec, map: Record<string, string>): WorkspaceSpec {
  if (Object.keys(map).length === 0) return spec;
  const rn = (n: string) => (Object.hasOwn(map, n) ? map[n] : n);
  const out = mapSamples(spec, (s) => ({ ...s, modifiers: s.modifiers.map((m) => (Object.hasOwn(map, m.name) ? ({ ...m, name: map[m.name] } as Modifier) : m)) }));
  out.measurements = spec.measurements.map((m) => ({ ...m, config: { ...m.config, poi: rn(m.config.poi), parameters: m.config.parameters.map((p) => ({ ...p, name: rn(p.name) })) } }));
  return out;
}

/** Keep only the named channels (and their observations), in workspace order (pyhf prune). */
export function pruneTo(spec: WorkspaceSpec, keep: Iterable<string>): WorkspaceSpec {
  const set = new Set(keep);
  return { ...spec, channels: spec.channels.filter((c) => set.has(c.name)), observations: spec.observations.filter((o) => set.has(o.name)) };
}

/**
 * merge_bins in a workspace: the bins `bins` (default all) of channel `name` summed into one bin,
 * the channel staying in place (renamed to `rename` if given), its observation likewise.
 */
export function mergeBinsOf(spec: WorkspaceSpec, name: string, bins?: readonly number[], rename = name, file = ""): WorkspaceSpec {
  const pick = <T>(xs: T[]): T[] => (bins ? bins.map((i) => xs[i]) : xs);
  return {
    ...spec,
    channels: spec.channels.map((c) => (c.name === name ? { ...mergeBins({ ...c, samples: c.samples.map((s) => selectBins(s, pick)) }, file), name: rename } : c)),
    observations: spec.observations.map((o) => (o.name === name ? { name: rename, data: [sum(pick(o.data))] } : o)),
  };
}

function selectBins(s: Sample, pick: <T>(xs: T[]) => T[]): Sample {
  return {
    ...s,
    data: pick(s.data),
    modifiers: s.modifiers.map((m): Modifier => {
      switch (m.type) {
        case "staterror": case "shapesys": return { ...m, data: pick(m.data) };
        case "histosys": return { ...m, data: { hi_data: pick(m.data.hi_data), lo_data: pick(m.data.lo_data) } };
        default: return m;
      }
    }),
  };
}

/**
 * merge_channels in a workspace: the single-bin channels `names` become one channel `name`,
 * appended after the others, with the summed observation (also appended). Samples and
 * modifiers are merged in workspace channel order, as upstream does.
 */
export function mergeChannelsOf(spec: WorkspaceSpec, name: string, names: readonly string[], file = ""): WorkspaceSpec {
  const set = new Set(names);
  const merged = spec.channels.filter((c) => set.has(c.name));
  const obs = spec.observations.filter((o) => set.has(o.name));
  const data = obs.reduce((acc, o) => acc.map((x, i) => x + o.data[i]), new Array<number>(obs[0]?.data.length ?? 1).fill(0));
  return {
    ...spec,
    channels: [...spec.channels.filter((c) => !set.has(c.name)), mergeChannels(merged, name, file)],
    observations: [...spec.observations.filter((o) => !set.has(o.name)), { name, data }],
  };
}

/** The single-SR region workspace of §3.1 from a background-only workspace (`marginal region`). */
export function extractRegion(spec: WorkspaceSpec, recipe: RegionRecipe, file = ""): Region {
  const byName = new Map(spec.channels.map((c) => [c.name, c]));
  if (recipe.signalChannels.length === 0) throw new InputError(file, "--sr", "no signal-region channel given");
  for (const n of [...recipe.signalChannels, ...(recipe.controlChannels ?? [])]) {
    if (!byName.has(n)) throw new InputError(file, "/channels", `no channel "${n}" (channels: ${spec.channels.map((c) => c.name).join(", ")})`);
  }
  for (const n of recipe.signalChannels) {
    if (!spec.observations.some((o) => o.name === n)) throw new InputError(file, "/observations", `no observation for channel "${n}"`);
  }
  const srSet = new Set(recipe.signalChannels);
  const crs = recipe.controlChannels ?? spec.channels.filter((c) => c.name.startsWith("CR") && !srSet.has(c.name)).map((c) => c.name);
  for (const n of crs) if (srSet.has(n)) throw new InputError(file, "--cr", `channel "${n}" is both a signal and a control region`);
  const name = recipe.name ?? (recipe.signalChannels.length === 1 ? recipe.signalChannels[0] : "");
  if (!name) throw new InputError(file, "--name", "several SR channels are merged: give the merged region a name");
  if (name !== recipe.signalChannels[0] && byName.has(name) && !srSet.has(name)) {
    throw new InputError(file, "--name", `"${name}" is already the name of another channel`);
  }
  let ws = clearPoi(spec);
  ws = dropModifiers(ws, recipe.dropModifiers ?? []);
  ws = renameModifiers(ws, recipe.renameModifiers ?? {});
  ws = recipe.signalChannels.length === 1 ? mergeBinsOf(ws, recipe.signalChannels[0], undefined, name, file) : mergeChannelsOf(ws, name, recipe.signalChannels, file);
  return { signal_region_name: name, workspace: pruneTo(ws, [name, ...crs]) };
}

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
const quad = (xs: number[]): number => Math.sqrt(xs.reduce((a, b) => a + b * b, 0));

/**
 * merge_bins (§3.1): all bins of one channel into one. Data summed; staterror in quadrature;
 * histosys hi/lo summed; normsys, lumi, normfactor unchanged; other types refused.
 */
export function mergeBins(c: Channel, file = ""): Channel {
  const samples = c.samples.map((s): Sample => ({
    name: s.name,
    data: [sum(s.data)],
    modifiers: s.modifiers.map((m): Modifier => {
      switch (m.type) {
        case "staterror": return { ...m, data: [quad(m.data)] };
        case "histosys": return { ...m, data: { hi_data: [sum(m.data.hi_data)], lo_data: [sum(m.data.lo_data)] } };
        case "normsys": case "lumi": case "normfactor": return m;
        default:
          if (s.data.length === 1) return m;
          throw new InputError(file, `/channels (${c.name})/samples (${s.name})/modifiers (${m.name})`, `cannot merge the bins of a ${m.type} modifier: drop it or merge channels with one bin each`);
      }
    }),
  }));
  return { name: c.name, samples };
}

/**
 * merge_channels (§3.1): single-bin channels into one. Samples of the same name are summed; a
 * modifier missing from a channel is neutral there (histosys hi = lo = nominal, normsys 1,
 * staterror/shapesys 0); normsys hi/lo become yield-weighted means; staterror and shapesys add in
 * quadrature, and a sample's staterrors become one `staterror_<name>` (placed last). Samples and
 * modifiers keep their order of first appearance; a modifier name used with two types is refused.
 */
export function mergeChannels(chans: Channel[], name: string, file = ""): Channel {
  const order: string[] = [];
  const parts = new Map<string, Sample[]>(); // sample name → its single-bin samples
  for (const c of chans) {
    for (const s of c.samples) {
      if (s.data.length !== 1) throw new InputError(file, `/channels (${c.name})`, `merge_channels needs single-bin channels, "${c.name}" has ${s.data.length} bins: merge its bins first`);
      if (!parts.has(s.name)) { parts.set(s.name, []); order.push(s.name); }
      parts.get(s.name)!.push(s);
    }
  }
  const samples = order.map((sname): Sample => {
    const ss = parts.get(sname)!;
    const nom = ss.map((s) => s.data[0]);
    const total = sum(nom);
    const proto = new Map<string, Modifier>(); // by name, first appearance
    let hasStat = false;
    for (const s of ss) {
      for (const m of s.modifiers) {
        const seen = proto.get(m.name);
        if (seen && seen.type !== m.type) throw new InputError(file, `/channels/samples (${sname})/modifiers (${m.name})`, `modifier "${m.name}" is both ${seen.type} and ${m.type}: drop one of them before merging channels`);
        if (m.type === "staterror") hasStat = true;
        else if (!seen) proto.set(m.name, m);
      }
    }
    // The modifier `m.name` in sample i, if any.
    const find = (i: number, m: Modifier) => ss[i].modifiers.find((x) => x.name === m.name);
    const modifiers: Modifier[] = [...proto.values()].map((m): Modifier => {
      switch (m.type) {
        case "normsys": {
          const w = (f: (d: NormsysData) => number) => sum(ss.map((_, i) => {
            const x = find(i, m);
            return (x ? f(x.data as NormsysData) : 1) * nom[i];
          })) / total;
          return { name: m.name, type: "normsys", data: { hi: w((d) => d.hi), lo: w((d) => d.lo) } };
        }
        case "histosys": {
          const s2 = (f: (d: HistosysData) => number) => sum(ss.map((_, i) => {
            const x = find(i, m);
            return x ? f(x.data as HistosysData) : nom[i];
          }));
          return { name: m.name, type: "histosys", data: { hi_data: [s2((d) => d.hi_data[0])], lo_data: [s2((d) => d.lo_data[0])] } };
        }
        case "shapesys":
          return { name: m.name, type: "shapesys", data: [quad(ss.map((_, i) => { const x = find(i, m); return x ? (x.data as number[])[0] : 0; }))] };
        default:
          return m;
      }
    });
    if (hasStat) {
      const st = quad(ss.map((s) => sum(s.modifiers.filter((m) => m.type === "staterror").map((m) => (m.data as number[])[0] ** 2)) ** 0.5));
      modifiers.push({ name: `staterror_${name}`, type: "staterror", data: [st] });
    }
    return { name: sname, data: [total], modifiers };
  });
  return { name, samples };
}
