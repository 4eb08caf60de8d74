// Region recipes: the extraction of discovery regions from one published background-only
// workspace, written as YAML (or JSON) and checked by io/config.ts. Shipped examples:
// examples/marginal/*.yaml. The operations are those of specs/interval_evidence.md §3.1
// (region.ts implements them):
//
//   description: free text
//   control_regions: [CR*]              # channels kept beside the SR (glob patterns; default CR*)
//   prepare:                            # whole-workspace steps, in order, before any region
//     - drop_modifiers:                 #   rules; every given field must match (globs with * ?)
//         - {flat_histosys_clash: true}
//     - merge_normfactors: {mu_top: [mu_top_hghmet, mu_top_lowmet]}
//     - rename_modifiers:               #   several names may become one; `used_in` restricts
//         - {from: "FF_syst_stat_*", to: FF_syst_stat_rename_disco, used_in: "SR*"}
//   regions:                            # output name → how its SR is made
//     SRA: {channel: SR_meff}           #   merge_bins of one channel (optionally `bins: [0, 2]`)
//     SR_E_mll_2: {channels: [SRmm_eMLLa_hghmet_cuts, …]}   # merge_channels, SR named by the key
//
// Every region has its POI cleared ("") and is pruned to its SR plus the control regions. A
// mistake (an unknown channel, a bin out of range, a rename onto an existing modifier, …) is one
// ConfigError naming the recipe key, with its line and column.
import type { Channel, ModifierType, WorkspaceSpec } from "../histfactory/index.ts";
import { closestKey, configError, readConfigFile, validateConfig, type ConfigSource, type Fields, type KeyPath, type Schema } from "../io/config.ts";
import {
  clearPoi, dropModifiers, mergeBinsOf, mergeChannelsOf, mergeNormfactors, pruneTo, renameModifiers, ruleMatches, type ModifierRule, type Region,
} from "./region.ts";

const MODIFIER_TYPES: readonly ModifierType[] = ["normfactor", "shapefactor", "normsys", "histosys", "shapesys", "staterror", "lumi"];
const str: Schema = { type: "string" };
const strList: Schema = { type: "list", items: str, minItems: 1 };

const RULE: Schema = {
  type: "section",
  fields: {
    name: { schema: str },
    type: { schema: { type: "enum", values: MODIFIER_TYPES } },
    sample: { schema: str },
    channel: { schema: str },
    flat_histosys_clash: { schema: { type: "boolean" } },
  },
};

const STEP: Schema = {
  type: "section",
  fields: {
    drop_modifiers: { schema: { type: "list", items: RULE, minItems: 1 } },
    merge_normfactors: { schema: { type: "map", values: strList, keyLabel: "new normfactor" } },
    rename_modifiers: {
      schema: { type: "list", minItems: 1, items: { type: "section", fields: { from: { schema: str, required: true }, to: { schema: str, required: true }, used_in: { schema: str } } } },
    },
  },
};

const REGION: Schema = {
  type: "section",
  fields: {
    channel: { schema: str },
    bins: { schema: { type: "list", items: { type: "number", integer: true, min: 0 }, minItems: 1 } },
    channels: { schema: strList },
    name: { schema: str },
    control_regions: { schema: { type: "list", items: str } },
  },
};

export const RECIPE_FIELDS: Fields = {
  description: { schema: str },
  control_regions: { schema: { type: "list", items: str }, default: ["CR*"] },
  prepare: { schema: { type: "list", items: STEP }, default: [] },
  regions: { schema: { type: "map", values: REGION, keyLabel: "region" }, required: true },
};

type Step =
  | { drop_modifiers: { name?: string; type?: ModifierType; sample?: string; channel?: string; flat_histosys_clash?: boolean }[] }
  | { merge_normfactors: Record<string, string[]> }
  | { rename_modifiers: { from: string; to: string; used_in?: string }[] };

export interface RegionSpec {
  channel?: string;
  bins?: number[];
  channels?: string[];
  name?: string;
  control_regions?: string[];
}

/** A checked recipe, keeping its source so that errors found against a workspace name the key. */
export interface RegionRecipeFile {
  source: ConfigSource;
  description?: string;
  controlRegions: string[];
  prepare: Step[];
  regions: Record<string, RegionSpec>;
}

/** A glob (* any run, ? one character) as an anchored RegExp; a plain name matches itself only. */
export function globRegExp(p: string): RegExp {
  return new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`);
}
const hasGlob = (p: string) => /[*?]/.test(p);
const pattern = (p: string | undefined): string | RegExp | undefined => (p === undefined ? undefined : hasGlob(p) ? globRegExp(p) : p);

/** Check a recipe source (YAML/JSON text already parsed) against the schema. */
export function recipeFromSource(src: ConfigSource): RegionRecipeFile {
  const v = validateConfig(src, RECIPE_FIELDS).values as { description?: string; control_regions: string[]; prepare: Record<string, unknown>[]; regions: Record<string, RegionSpec> };
  v.prepare.forEach((step, i) => {
    const keys = Object.keys(step).filter((k) => step[k] !== undefined);
    if (keys.length !== 1) throw configError(src, ["prepare", i], `each step has exactly one operation (drop_modifiers, merge_normfactors or rename_modifiers), got ${keys.length ? keys.join(", ") : "none"}`);
  });
  if (Object.keys(v.regions).length === 0) throw configError(src, ["regions"], "no region: name at least one, e.g. SRA: {channel: SR_meff}");
  for (const [name, r] of Object.entries(v.regions)) {
    if ((r.channel === undefined) === (r.channels === undefined)) throw configError(src, ["regions", name], "give exactly one of `channel` (merge its bins) or `channels` (merge several channels)");
    if (r.bins && r.channels) throw configError(src, ["regions", name, "bins"], "`bins` selects bins of one `channel`; with `channels` every channel must have one bin");
  }
  const prepare = v.prepare.map((s) => Object.fromEntries(Object.entries(s).filter(([, x]) => x !== undefined)) as Step);
  return { source: src, description: v.description, controlRegions: v.control_regions, prepare, regions: v.regions };
}

/** Read and check a recipe file (`--region-recipe`). */
export function readRecipe(file: string): RegionRecipeFile {
  return recipeFromSource(readConfigFile(file, { option: "--region-recipe" }));
}

function modifierNames(spec: WorkspaceSpec, channels?: RegExp | string): Set<string> {
  const out = new Set<string>();
  for (const c of spec.channels) {
    if (channels !== undefined && !(typeof channels === "string" ? c.name === channels : channels.test(c.name))) continue;
    for (const s of c.samples) for (const m of s.modifiers) out.add(m.name);
  }
  return out;
}

/** Apply the recipe's `prepare` steps to the whole workspace (POI cleared first). */
export function prepareWorkspace(spec: WorkspaceSpec, recipe: RegionRecipeFile): WorkspaceSpec {
  const src = recipe.source;
  let ws = clearPoi(spec);
  recipe.prepare.forEach((step, i) => {
    const at = (...p: KeyPath) => ["prepare", i, ...p];
    if ("drop_modifiers" in step) {
      const rules: ModifierRule[] = step.drop_modifiers.map((r) => ({ name: pattern(r.name), type: r.type, sample: pattern(r.sample), channel: pattern(r.channel), flatHistosysClash: r.flat_histosys_clash }));
      rules.forEach((r, k) => {
        const any = ws.channels.some((c) => c.samples.some((s) => s.modifiers.some((m) => ruleMatches(r, m, s, c))));
        if (!any) throw configError(src, at("drop_modifiers", k), "this rule matches no modifier of the workspace: check its name, type, sample and channel");
      });
      ws = dropModifiers(ws, rules);
    } else if ("merge_normfactors" in step) {
      for (const [to, from] of Object.entries(step.merge_normfactors)) {
        const existing = modifierNames(ws);
        if (existing.has(to)) throw configError(src, at("merge_normfactors", to), `"${to}" is already a modifier of the workspace: merge into a new name`, "key");
        from.forEach((n, k) => {
          const types = new Set(ws.channels.flatMap((c) => c.samples.flatMap((s) => s.modifiers.filter((m) => m.name === n).map((m) => m.type))));
          if (types.size === 0) throw configError(src, at("merge_normfactors", to, k), `no modifier "${n}" in the workspace`);
          if ([...types].some((t) => t !== "normfactor")) throw configError(src, at("merge_normfactors", to, k), `"${n}" is a ${[...types].join("/")} modifier, not a normfactor`);
        });
        ws = mergeNormfactors(ws, to, from);
      }
    } else {
      step.rename_modifiers.forEach((r, k) => {
        const all = modifierNames(ws);
        const candidates = modifierNames(ws, pattern(r.used_in));
        const re = pattern(r.from)!;
        const names = [...candidates].filter((n) => (typeof re === "string" ? n === re : re.test(n)));
        if (names.length === 0) throw configError(src, at("rename_modifiers", k, "from"), `no modifier matches "${r.from}"${r.used_in ? ` in the channels ${r.used_in}` : ""}`);
        if (all.has(r.to) && !names.includes(r.to)) throw configError(src, at("rename_modifiers", k, "to"), `"${r.to}" is already a modifier of the workspace: renaming onto it would merge unrelated parameters; choose a new name`);
        ws = renameModifiers(ws, Object.fromEntries(names.map((n) => [n, r.to])));
      });
    }
  });
  return ws;
}

/** Control channels of a region: the recipe's patterns matched against the channel names. */
function controlChannels(ws: WorkspaceSpec, patterns: string[], exclude: Set<string>, src: ConfigSource, path: KeyPath): string[] {
  const out: string[] = [];
  patterns.forEach((p, k) => {
    const re = pattern(p)!;
    const hit = ws.channels.filter((c) => (typeof re === "string" ? c.name === re : re.test(c.name)) && !exclude.has(c.name)).map((c) => c.name);
    if (hit.length === 0 && !hasGlob(p)) throw configError(src, [...path, k], `no channel "${p}" in the workspace (closest: "${closestKey(p, ws.channels.map((c) => c.name))}")`);
    for (const h of hit) if (!out.includes(h)) out.push(h);
  });
  return out;
}

/** Extract one region of the recipe from a prepared workspace (see prepareWorkspace). */
export function recipeRegion(prepared: WorkspaceSpec, recipe: RegionRecipeFile, key: string): Region {
  const src = recipe.source;
  const r = recipe.regions[key];
  if (!r) throw configError(src, ["regions"], `no region "${key}" in the recipe (regions: ${Object.keys(recipe.regions).join(", ")})`);
  const path = ["regions", key];
  const byName = new Map<string, Channel>(prepared.channels.map((c) => [c.name, c]));
  const channelHint = (n: string) => `(closest: "${closestKey(n, byName.keys())}"; ${byName.size} channels)`;
  const observed = new Set(prepared.observations.map((o) => o.name));
  const needChannel = (n: string, p: KeyPath) => {
    if (!byName.has(n)) throw configError(src, p, `no channel "${n}" in the workspace ${channelHint(n)}`);
    if (!observed.has(n)) throw configError(src, p, `channel "${n}" has no observation in the workspace`);
  };
  let ws: WorkspaceSpec;
  let name: string;
  let sr: string[];
  if (r.channel !== undefined) {
    needChannel(r.channel, [...path, "channel"]);
    name = r.name ?? r.channel;
    const nb = byName.get(r.channel)!.samples[0]?.data.length ?? 0;
    r.bins?.forEach((b, k) => {
      if (b >= nb) throw configError(src, [...path, "bins", k], `bin ${b} is out of range: channel "${r.channel}" has ${nb} bin(s), numbered 0 to ${nb - 1}`);
    });
    if (r.bins && new Set(r.bins).size !== r.bins.length) throw configError(src, [...path, "bins"], "a bin is listed twice");
    if (name !== r.channel && byName.has(name)) throw configError(src, [...path, "name"], `"${name}" is already the name of another channel`);
    sr = [r.channel];
    ws = mergeBinsOf(prepared, r.channel, r.bins, name, src.file);
  } else {
    const chans = r.channels!;
    chans.forEach((n, k) => needChannel(n, [...path, "channels", k]));
    if (new Set(chans).size !== chans.length) throw configError(src, [...path, "channels"], "a channel is listed twice");
    name = r.name ?? key;
    if (byName.has(name) && !chans.includes(name)) throw configError(src, [...path, r.name ? "name" : "channels"], `the merged region's name "${name}" is already the name of another channel: set \`name\``);
    for (const [k, n] of chans.entries()) {
      const bins = byName.get(n)!.samples[0]?.data.length ?? 0;
      if (bins !== 1) throw configError(src, [...path, "channels", k], `channel "${n}" has ${bins} bins; merge_channels needs one bin per channel`);
    }
    sr = chans;
    ws = mergeChannelsOf(prepared, name, chans, src.file);
  }
  const crPath = r.control_regions ? [...path, "control_regions"] : ["control_regions"];
  const crs = controlChannels(prepared, r.control_regions ?? recipe.controlRegions, new Set([...sr, name]), src, crPath);
  return { signal_region_name: name, workspace: pruneTo(ws, [name, ...crs]) };
}

/** Every region of a recipe, in recipe order (or only `only`, in that order). */
export function recipeRegions(spec: WorkspaceSpec, recipe: RegionRecipeFile, only?: readonly string[]): { key: string; region: Region }[] {
  const prepared = prepareWorkspace(spec, recipe);
  return (only ?? Object.keys(recipe.regions)).map((key) => ({ key, region: recipeRegion(prepared, recipe, key) }));
}
