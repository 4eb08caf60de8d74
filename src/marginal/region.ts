// Single-signal-region workspaces from a full ATLAS background-only workspace
// (specs/interval_evidence.md §3.1): POI set to "", modifiers optionally filtered or renamed,
// the SR channel(s) merged into one bin (merge_bins / merge_channels), and every channel but
// the SR and the control regions pruned. Output: {signal_region_name, workspace}.
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
}

export interface Region {
  signal_region_name: string;
  workspace: WorkspaceSpec;
}

const matches = (p: string | RegExp | undefined, s: string): boolean => p === undefined || (typeof p === "string" ? p === s : p.test(s));

/** Build the single-SR region workspace of §3.1 from a background-only workspace. */
export function extractRegion(spec: WorkspaceSpec, recipe: RegionRecipe, file = ""): Region {
  const byName = new Map(spec.channels.map((c) => [c.name, c]));
  if (recipe.signalChannels.length === 0) throw new InputError(file, "--sr", "no signal-region channel given");
  for (const n of [...recipe.signalChannels, ...(recipe.controlChannels ?? [])]) {
    if (!byName.has(n)) throw new InputError(file, "/channels", `no channel "${n}" (channels: ${spec.channels.map((c) => c.name).join(", ")})`);
  }
  const srSet = new Set(recipe.signalChannels);
  const crs = recipe.controlChannels ?? spec.channels.filter((c) => c.name.startsWith("CR") && !srSet.has(c.name)).map((c) => c.name);
  const crSet = new Set(crs);
  for (const n of crs) if (srSet.has(n)) throw new InputError(file, "--cr", `channel "${n}" is both a signal and a control region`);
  const name = recipe.name ?? (recipe.signalChannels.length === 1 ? recipe.signalChannels[0] : "");
  if (!name) throw new InputError(file, "--name", "several SR channels are merged: give the merged region a name");
  if (name !== recipe.signalChannels[0] && byName.has(name) && !srSet.has(name)) {
    throw new InputError(file, "--name", `"${name}" is already the name of another channel`);
  }

  const observed = new Map(spec.observations.map((o) => [o.name, o.data]));
  const prepared = (c: Channel): Channel => renameModifiers(filterModifiers(c, recipe.dropModifiers ?? []), recipe.renameModifiers ?? {});

  // Merge the SR into one single-bin channel, with its observation.
  const srChannels = recipe.signalChannels.map((n) => mergeBins(prepared(byName.get(n)!), file));
  const srObs = recipe.signalChannels.map((n) => {
    const d = observed.get(n);
    if (!d) throw new InputError(file, "/observations", `no observation for channel "${n}"`);
    return d.reduce((a, b) => a + b, 0);
  });
  const sr = srChannels.length === 1 ? { ...srChannels[0], name } : mergeChannels(srChannels, name);
  const srData = srObs.reduce((a, b) => a + b, 0);

  // Prune: keep CRs and the SR (placed where the first SR channel was).
  const channels: Channel[] = [];
  const observations: { name: string; data: number[] }[] = [];
  for (const c of spec.channels) {
    if (c.name === recipe.signalChannels[0]) {
      channels.push(sr);
      observations.push({ name, data: [srData] });
    } else if (crSet.has(c.name)) {
      channels.push(prepared(c));
      observations.push({ name: c.name, data: [...observed.get(c.name)!] });
    }
  }
  const measurements = spec.measurements.map((m) => ({ ...m, config: { ...m.config, poi: "" } }));
  return { signal_region_name: name, workspace: { channels, measurements, observations, version: spec.version } };
}

function filterModifiers(c: Channel, rules: ModifierRule[]): Channel {
  if (rules.length === 0) return c;
  const drop = (s: Sample, m: Modifier) => rules.some((r) => matches(r.channel, c.name) && matches(r.sample, s.name) && matches(r.name, m.name) && (r.type === undefined || r.type === m.type));
  return { ...c, samples: c.samples.map((s) => ({ ...s, modifiers: s.modifiers.filter((m) => !drop(s, m)) })) };
}

function renameModifiers(c: Channel, map: Record<string, string>): Channel {
  if (Object.keys(map).length === 0) return c;
  return { ...c, samples: c.samples.map((s) => ({ ...s, modifiers: s.modifiers.map((m) => (m.name in map ? ({ ...m, name: map[m.name] } as Modifier) : m)) })) };
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
 * quadrature, and a sample's staterrors become one `staterror_<name>` (placed last).
 */
export function mergeChannels(chans: Channel[], name: string): Channel {
  const order: string[] = [];
  const parts = new Map<string, Sample[]>(); // sample name → its single-bin samples
  for (const c of chans) {
    for (const s of c.samples) {
      if (!parts.has(s.name)) { parts.set(s.name, []); order.push(s.name); }
      parts.get(s.name)!.push(s);
    }
  }
  const samples = order.map((sname): Sample => {
    const ss = parts.get(sname)!;
    const nom = ss.map((s) => s.data[0]);
    const total = sum(nom);
    const keys: string[] = [];
    const proto = new Map<string, Modifier>();
    let hasStat = false;
    for (const s of ss) {
      for (const m of s.modifiers) {
        if (m.type === "staterror") { hasStat = true; continue; }
        const k = `${m.type}\u0000${m.name}`;
        if (!proto.has(k)) { proto.set(k, m); keys.push(k); }
      }
    }
    // The modifier of `type`/`name` in sample i, if any.
    const find = (i: number, m: Modifier) => ss[i].modifiers.find((x) => x.type === m.type && x.name === m.name);
    const modifiers: Modifier[] = keys.map((k): Modifier => {
      const m = proto.get(k)!;
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
