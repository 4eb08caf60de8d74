// From a pyhf workspace spec to the ordered list of parameter sets, exactly as pyhf builds
// them (pyhf src/pyhf/pdf.py, parameters/, modifiers/): sorted channels and samples,
// paramsets registered type by type, defaults per modifier type, measurement overrides.
import { InputError } from "../io/errors.ts";
import type { Channel, Measurement, ModifierType, ParameterConfig, WorkspaceSpec } from "./spec.ts";

/** pyhf's registration order of modifier types (pyhf.modifiers.histfactory_set). */
export const TYPE_ORDER: readonly ModifierType[] = ["histosys", "lumi", "normfactor", "normsys", "shapefactor", "shapesys", "staterror"];

export type ConstraintKind = "none" | "gaussian" | "poisson";

export interface ParamSet {
  name: string;
  /** Modifier type that registered it (histosys wins over normsys for a shared name). */
  type: ModifierType;
  n: number;
  /** Index of the first component in the parameter vector. */
  offset: number;
  inits: number[];
  bounds: [number, number][];
  fixed: boolean[];
  constraint: ConstraintKind;
  /** Auxiliary data per component (Gaussian mean or Poisson τ·1), empty if unconstrained. */
  auxdata: number[];
  /** Gaussian widths per component. */
  sigmas: number[];
  /** Poisson rate factors τ per component (rate = γ·τ). */
  factors: number[];
  /** Index of the first auxiliary datum, or −1. */
  auxOffset: number;
}

export interface ChannelLayout {
  name: string;
  nbins: number;
  /** First global main bin of this channel. */
  offset: number;
}

export interface ModelStructure {
  channels: ChannelLayout[];
  samples: string[];
  paramsets: ParamSet[];
  byName: Map<string, ParamSet>;
  nPars: number;
  nAux: number;
  measurement: Measurement;
  measurementIndex: number;
  poiName: string | null;
}

/** Channels sorted by name, and sample names sorted over all channels. */
export function sortedChannels(spec: WorkspaceSpec): Channel[] {
  return [...spec.channels].sort((a, b) => cmp(a.name, b.name));
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Pick the measurement by name (default: the first one), as pyhf's Workspace.get_measurement. */
export function selectMeasurement(spec: WorkspaceSpec, file: string, name?: string): [Measurement, number] {
  if (spec.measurements.length === 0) throw new InputError(file, "/measurements", "the workspace has no measurement: add one with a POI");
  if (name === undefined) return [spec.measurements[0], 0];
  const i = spec.measurements.findIndex((m) => m.name === name);
  if (i < 0) {
    throw new InputError(file, "/measurements", `no measurement named "${name}" (available: ${spec.measurements.map((m) => m.name).join(", ")})`);
  }
  return [spec.measurements[i], i];
}

interface Requirement {
  type: ModifierType;
  n: number;
  /** Where it was first seen, for error messages. */
  where: string;
  // staterror: accumulate nominal and absolute uncertainty per bin
  stat?: { sumNom: number[]; sumSq: number[] };
  // shapesys: nominal and uncertainty of its single sample
  shape?: { nom: number[]; unc: number[] };
}

export function buildStructure(spec: WorkspaceSpec, file: string, measurementName?: string, poiOverride?: string): ModelStructure {
  const [measurement, mIndex] = selectMeasurement(spec, file, measurementName);
  const chans = sortedChannels(spec);
  const channels: ChannelLayout[] = [];
  let off = 0;
  for (const c of chans) {
    const nbins = c.samples.length > 0 ? c.samples[0].data.length : (spec.observations.find((o) => o.name === c.name)?.data.length ?? 0);
    channels.push({ name: c.name, nbins, offset: off });
    off += nbins;
  }
  const samples = [...new Set(chans.flatMap((c) => c.samples.map((s) => s.name)))].sort(cmp);

  // Requirements per (type) in first-appearance order: sorted channels → sorted samples →
  // sorted (name, type) within the sample. Later duplicates of (name, type) in one sample win.
  const reqs = new Map<ModifierType, Map<string, Requirement>>();
  for (const t of TYPE_ORDER) reqs.set(t, new Map());
  chans.forEach((c, ci) => {
    const nb = channels[ci].nbins;
    const bySample = new Map(c.samples.map((s) => [s.name, s]));
    for (const sname of samples) {
      const s = bySample.get(sname);
      if (!s) continue;
      const mods = new Map<string, (typeof s.modifiers)[number]>();
      for (const m of s.modifiers) mods.set(`${m.name}\u0000${m.type}`, m);
      const sortedMods = [...mods.values()].sort((a, b) => cmp(a.name, b.name) || cmp(a.type, b.type));
      for (const m of sortedMods) {
        const where = `channel "${c.name}", sample "${s.name}", modifier "${m.name}" (${m.type})`;
        const table = reqs.get(m.type as ModifierType);
        if (!table) throw new InputError(file, where, `unknown modifier type "${m.type}"`);
        const n = m.type === "shapefactor" || m.type === "shapesys" || m.type === "staterror" ? nb : 1;
        let r = table.get(m.name);
        if (!r) {
          r = { type: m.type as ModifierType, n, where };
          table.set(m.name, r);
        } else if (r.n !== n) {
          throw new InputError(file, where, `modifier "${m.name}" is used with ${r.n} and ${n} bins (first at ${r.where}); per-bin modifiers shared by name must cover the same number of bins`);
        } else if (m.type === "shapesys") {
          throw new InputError(file, where, `shapesys "${m.name}" is already used at ${r.where}; each shapesys name must be unique (pyhf InvalidNameReuse)`);
        }
        if (m.type === "staterror") {
          r.stat ??= { sumNom: new Array(nb).fill(0), sumSq: new Array(nb).fill(0) };
          for (let b = 0; b < nb; b++) {
            r.stat.sumNom[b] += s.data[b];
            r.stat.sumSq[b] += (m.data as number[])[b] ** 2;
          }
        } else if (m.type === "shapesys") {
          r.shape = { nom: s.data.slice(), unc: (m.data as number[]).slice() };
        }
      }
    }
  });

  // Cross-type name clashes: histosys + normsys share one parameter; anything else is an error.
  const owner = new Map<string, ModifierType>();
  for (const t of TYPE_ORDER) {
    for (const [name, r] of reqs.get(t)!) {
      const prev = owner.get(name);
      if (prev === undefined) owner.set(name, t);
      else if (!(prev === "histosys" && t === "normsys")) {
        throw new InputError(file, r.where, `the name "${name}" is used by both a ${prev} and a ${t} modifier; pyhf allows sharing only between histosys and normsys (InvalidNameReuse)`);
      }
    }
  }

  const configByName = new Map<string, ParameterConfig>();
  const mPath = `/measurements/${mIndex}/config/parameters`;
  (measurement.config.parameters ?? []).forEach((p, i) => {
    if (configByName.has(p.name)) {
      const j = (measurement.config.parameters ?? []).findIndex((q) => q.name === p.name);
      throw new InputError(file, `${mPath}/${i}/name`, `parameter "${p.name}" is configured twice (also at ${mPath}/${j}): merge the two entries`);
    }
    configByName.set(p.name, p);
  });

  const paramsets: ParamSet[] = [];
  const byName = new Map<string, ParamSet>();
  let nPars = 0;
  let nAux = 0;
  for (const t of TYPE_ORDER) {
    for (const [name, r] of reqs.get(t)!) {
      if (owner.get(name) !== t) continue; // normsys sharing a histosys parameter
      const ps = defaultParamSet(name, r, file, configByName.get(name), mPath);
      checkBounds(ps, file, `${mPath}/${(measurement.config.parameters ?? []).findIndex((q) => q.name === name)}`, configByName.get(name));
      ps.offset = nPars;
      nPars += ps.n;
      if (ps.constraint !== "none") {
        ps.auxOffset = nAux;
        nAux += ps.n;
      }
      paramsets.push(ps);
      byName.set(name, ps);
    }
  }

  const poiRaw = poiOverride ?? measurement.config.poi;
  let poiName: string | null = poiRaw === "" ? null : poiRaw;
  if (poiName !== null) {
    const ps = byName.get(poiName);
    if (!ps) {
      throw new InputError(file, `/measurements/${mIndex}/config/poi`, `the POI "${poiName}" is not a parameter of the model (parameters: ${paramsets.map((p) => p.name).slice(0, 8).join(", ")}${paramsets.length > 8 ? ", …" : ""}); apply the signal patch, or name another POI (--poi-name, "" for none)`);
    }
    if (ps.n !== 1) throw new InputError(file, `/measurements/${mIndex}/config/poi`, `the POI "${poiName}" has ${ps.n} components; a POI must be a single parameter`);
  } else poiName = null;
  return { channels, samples, paramsets, byName, nPars, nAux, measurement, measurementIndex: mIndex, poiName };
}

function defaultParamSet(name: string, r: Requirement, file: string, cfg: ParameterConfig | undefined, mPath: string): ParamSet {
  const n = r.n;
  const fill = <T>(v: T): T[] => new Array(n).fill(v);
  const ps: ParamSet = {
    name, type: r.type, n, offset: 0, inits: fill(1), bounds: fill<[number, number]>([0, 10]), fixed: fill(false),
    constraint: "none", auxdata: [], sigmas: [], factors: [], auxOffset: -1,
  };
  switch (r.type) {
    case "normfactor":
    case "shapefactor":
      break;
    case "normsys":
    case "histosys":
      ps.inits = fill(0);
      ps.bounds = fill<[number, number]>([-5, 5]);
      ps.constraint = "gaussian";
      ps.auxdata = fill(0);
      ps.sigmas = fill(1);
      break;
    case "lumi": {
      ps.constraint = "gaussian";
      ps.auxdata = cfg?.auxdata ? [...cfg.auxdata] : [1];
      if (!cfg?.sigmas) {
        throw new InputError(file, mPath, `the lumi parameter "${name}" needs a measurement entry {"name": "${name}", "auxdata": [1.0], "sigmas": [σ]}`);
      }
      ps.sigmas = [...cfg.sigmas];
      ps.inits = [ps.auxdata[0]];
      ps.bounds = [[0, 10]];
      break;
    }
    case "staterror": {
      ps.bounds = fill<[number, number]>([1e-10, 10]);
      ps.constraint = "gaussian";
      ps.auxdata = fill(1);
      ps.sigmas = [];
      for (let b = 0; b < n; b++) {
        const nom = r.stat!.sumNom[b];
        const rel = nom > 0 ? Math.sqrt(r.stat!.sumSq[b]) / nom : 0;
        if (rel > 0) ps.sigmas.push(rel);
        else {
          ps.sigmas.push(1);
          ps.fixed[b] = true;
        }
      }
      break;
    }
    case "shapesys": {
      ps.bounds = fill<[number, number]>([1e-10, 10]);
      ps.constraint = "poisson";
      for (let b = 0; b < n; b++) {
        const nom = r.shape!.nom[b], unc = r.shape!.unc[b];
        if (nom > 0 && unc > 0) ps.factors.push((nom * nom) / (unc * unc)); // pyhf: nom²/unc² (bit for bit)
        else {
          ps.factors.push(1);
          ps.fixed[b] = true;
        }
      }
      ps.auxdata = [...ps.factors];
      break;
    }
  }
  if (cfg) applyOverrides(ps, cfg, file, mPath);
  return ps;
}

/**
 * Bounds ordered and holding the init (the optimiser clips to the bounds, so an inverted pair or
 * an init outside them would leave the parameter outside its bounds), named by the measurement's
 * entry for the parameter (`at`), or the parameter itself when the defaults are at fault.
 */
function checkBounds(ps: ParamSet, file: string, at: string, cfg: ParameterConfig | undefined): void {
  ps.bounds.forEach(([lo, hi], k) => {
    const idx = ps.n > 1 ? `/${k}` : "/0";
    if (!(lo <= hi)) throw new InputError(file, `${at}/bounds${idx}`, `parameter "${ps.name}" has bounds [${lo}, ${hi}]: the lower bound is above the upper one: write [${hi}, ${lo}]`);
    const x = ps.inits[k];
    if (!(x >= lo && x <= hi)) {
      throw new InputError(file, cfg?.inits ? `${at}/inits${idx}` : cfg ? `${at}/bounds${idx}` : `/measurements`, `parameter "${ps.name}" starts at ${x}, outside its bounds [${lo}, ${hi}]: set an init inside them or widen the bounds`);
    }
  });
}

function applyOverrides(ps: ParamSet, cfg: ParameterConfig, file: string, mPath: string): void {
  const check = (key: string, v: unknown[] | undefined): boolean => {
    if (v === undefined) return false;
    if (v.length !== ps.n) {
      throw new InputError(file, `${mPath} (parameter "${ps.name}").${key}`, `has ${v.length} entries but "${ps.name}" has ${ps.n} component(s)`);
    }
    return true;
  };
  if (check("inits", cfg.inits)) ps.inits = [...cfg.inits!];
  if (check("bounds", cfg.bounds)) ps.bounds = cfg.bounds!.map((b) => [b[0], b[1]] as [number, number]);
  if (cfg.fixed !== undefined) ps.fixed = new Array(ps.n).fill(cfg.fixed);
  if (ps.type !== "lumi") {
    if (check("auxdata", cfg.auxdata) && ps.constraint !== "none") ps.auxdata = [...cfg.auxdata!];
    if (check("sigmas", cfg.sigmas) && ps.constraint === "gaussian") ps.sigmas = [...cfg.sigmas!];
    if (check("factors", cfg.factors) && ps.constraint === "poisson") ps.factors = [...cfg.factors!];
  } else {
    check("auxdata", cfg.auxdata);
    check("sigmas", cfg.sigmas);
  }
}
