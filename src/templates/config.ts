// The template-fit model file (YAML or JSON), checked by io/config.ts's validator (one line per
// mistake, with line and column and a "did you mean" for unknown keys):
//
//   templates: grid.bin            # a grid written by `templates build` (JSON or binary), relative
//                                  # to this file — or, instead, the synthetic generator:
//   synthetic: { bins: [30, 1, 1, 1], yields: [1000, 1e6, 4e4, 6e3], nodes: [17, 17, 41] }
//   interpolation: linear          # linear | loglinear | cubic
//   outside: extrapolate           # clamp | extrapolate
//   poi: { name: mu, init: 1, lower: -2, upper: 10 }
//   signal: [htautau]
//   shapes:                        # one per grid axis
//     tes: { init: 1, lower: 0.9, upper: 1.1, constraint: gaussian, mean: 1, sigma: 0.01 }
//     soft_met: { init: 1, lower: 0, upper: 5, constraint: flat }
//   norms:
//     ttbar_scale: { kind: power, alpha: 0.02, processes: [ttbar], lower: -10, upper: 10 }
//
// Constraints: gaussian (mean, sigma), lognormal (mu, sigma; lower > 0), flat, none. A norm's
// constraint defaults to gaussian(0, 1) for kind "power" and gaussian(1, sigma) for "scale".
import { dirname, resolve } from "node:path";
import { configError, readConfigFile, validateConfig, type Fields } from "../io/config.ts";
import { InputError } from "../io/errors.ts";
import { readGrid, type TemplateGrid } from "./grid.ts";
import { checkModelSpec, type Constraint, type NormDef, type NuisanceDef, type TemplateModelSpec } from "./likelihood.ts";
import { INTERPOLATION_MODES, OUTSIDE_MODES } from "./interpolate.ts";
import { syntheticConfig, syntheticGrid, type SyntheticConfig } from "./synthetic.ts";
import type { ModelSource } from "./coverage.ts";

const num = { type: "number" } as const;
const CONSTRAINTS = ["gaussian", "lognormal", "flat", "none"] as const;
const nuisanceFields: Fields = {
  init: { schema: num },
  lower: { schema: num, required: true },
  upper: { schema: num, required: true },
  fixed: { schema: { type: "boolean" }, default: false },
  constraint: { schema: { type: "enum", values: CONSTRAINTS } },
  mean: { schema: num },
  sigma: { schema: { type: "number", gt: 0 } },
  mu: { schema: num },
};
const FIELDS: Fields = {
  templates: { schema: { type: "string", nullable: true }, default: null },
  synthetic: {
    schema: { type: "section", fields: {
      bins: { schema: { type: "list", items: { type: "number", integer: true, min: 1 }, minItems: 4 }, default: [30, 1, 1, 1] },
      yields: { schema: { type: "list", items: { type: "number", gt: 0 }, minItems: 4 }, default: [1000, 1e6, 4e4, 6e3] },
      nodes: { schema: { type: "list", items: { type: "number", integer: true, min: 2 }, minItems: 3 }, default: [17, 17, 41] },
    } },
  },
  interpolation: { schema: { type: "enum", values: INTERPOLATION_MODES }, default: "linear" },
  outside: { schema: { type: "enum", values: OUTSIDE_MODES }, default: "extrapolate" },
  poi: { schema: { type: "section", fields: { name: { schema: { type: "string" }, default: "mu" }, init: { schema: num, default: 1 }, lower: { schema: num, default: -2 }, upper: { schema: num, default: 10 } } } },
  signal: { schema: { type: "list", items: { type: "string" }, minItems: 1 }, required: true },
  shapes: { schema: { type: "map", values: { type: "section", fields: nuisanceFields }, keyLabel: "nuisance" }, required: true },
  norms: {
    schema: { type: "map", values: { type: "section", fields: { ...nuisanceFields, kind: { schema: { type: "enum", values: ["power", "scale"] }, default: "power" }, alpha: { schema: num }, processes: { schema: { type: "list", items: { type: "string" }, minItems: 1 }, required: true } } }, keyLabel: "norm" },
    default: {},
  },
};

export interface LoadedModel {
  file: string;
  spec: TemplateModelSpec;
  source: ModelSource;
  grid: TemplateGrid;
}

type Raw = Record<string, unknown>;

function constraintOf(file: string, path: string, r: Raw, dflt: Constraint): Constraint {
  const t = r.constraint as string | undefined;
  if (t === undefined) return dflt;
  if (t === "gaussian") {
    if (r.sigma === undefined) throw new InputError(file, `${path}.sigma`, "a gaussian constraint needs sigma");
    return { type: "gaussian", mean: (r.mean as number | undefined) ?? 0, sigma: r.sigma as number };
  }
  if (t === "lognormal") {
    if (r.sigma === undefined) throw new InputError(file, `${path}.sigma`, "a lognormal constraint needs sigma");
    return { type: "lognormal", mu: (r.mu as number | undefined) ?? 0, sigma: r.sigma as number };
  }
  return { type: t as "flat" | "none" };
}

/** Read and check a model file; the grid is read (or generated) and checked against the spec. */
export function loadModel(path: string, option = ""): LoadedModel {
  const src = readConfigFile(path, { option });
  const { values: v } = validateConfig(src, FIELDS);
  const file = path;
  const shapes: NuisanceDef[] = Object.entries(v.shapes as Record<string, Raw>).map(([name, r]) => ({
    name, lower: r.lower as number, upper: r.upper as number, init: (r.init as number | undefined) ?? Math.min(r.upper as number, Math.max(r.lower as number, 0)),
    fixed: r.fixed as boolean, constraint: constraintOf(file, `shapes.${name}`, r, { type: "flat" }),
  }));
  const norms: NormDef[] = Object.entries(v.norms as Record<string, Raw>).map(([name, r]) => {
    const kind = r.kind as "power" | "scale";
    if (kind === "power" && r.alpha === undefined) throw configError(src, ["norms", name, "alpha"], `a "power" norm needs alpha (κ = (1 + alpha)^ν)`, "key");
    return {
      name, kind, alpha: r.alpha as number | undefined, processes: r.processes as string[], lower: r.lower as number, upper: r.upper as number,
      init: (r.init as number | undefined) ?? (kind === "power" ? 0 : 1), fixed: r.fixed as boolean,
      constraint: constraintOf(file, `norms.${name}`, r, kind === "power" ? { type: "gaussian", mean: 0, sigma: 1 } : { type: "none" }),
    };
  });
  const poi = v.poi as TemplateModelSpec["poi"];
  const spec: TemplateModelSpec = {
    poi, signal: v.signal as string[], shapes, norms,
    interpolation: v.interpolation as TemplateModelSpec["interpolation"], outside: v.outside as TemplateModelSpec["outside"],
  };
  let source: ModelSource, grid: TemplateGrid;
  if (v.templates) {
    if (src.data && typeof src.data === "object" && "synthetic" in (src.data as object)) throw new InputError(file, "templates/synthetic", "give one of them, not both");
    const gridFile = resolve(dirname(path), v.templates as string);
    grid = readGrid(gridFile, `${file}: templates`);
    source = { kind: "grid", file: gridFile, spec };
  } else {
    const s = v.synthetic as { bins: number[]; yields: number[]; nodes: number[] };
    if (!(src.data && typeof src.data === "object" && "synthetic" in (src.data as object))) throw new InputError(file, "templates", "give the template grid file (templates: grid.bin) or a synthetic: section");
    const d = syntheticConfig();
    const synthetic: Partial<SyntheticConfig> = {
      bins: s.bins.slice(0, 4) as SyntheticConfig["bins"], yields: s.yields.slice(0, 4) as SyntheticConfig["yields"],
      grid: { tes: [d.grid.tes[0], d.grid.tes[1], s.nodes[0]], jes: [d.grid.jes[0], d.grid.jes[1], s.nodes[1]], soft_met: [d.grid.soft_met[0], d.grid.soft_met[1], s.nodes[2]] },
    };
    grid = syntheticGrid(synthetic);
    source = { kind: "synthetic", synthetic, spec };
  }
  checkModelSpec(spec, grid, file);
  return { file, spec, source, grid };
}

/** The model file text for the synthetic model (what `templates build` writes beside the grid). */
export function syntheticModelYaml(o: { templates?: string; bins?: number[]; nodes?: number[]; interpolation?: string }): string {
  const head = o.templates
    ? `templates: ${o.templates}\n`
    : `synthetic:\n  bins: [${(o.bins ?? [30, 1, 1, 1]).join(", ")}]\n  yields: [1000, 1.0e+6, 4.0e+4, 6000]\n  nodes: [${(o.nodes ?? [17, 17, 41]).join(", ")}]\n`;
  return `# Template-fit model (searchlight templates fit|coverage): the synthetic HiggsML-like model.\n${head}interpolation: ${o.interpolation ?? "linear"}
outside: extrapolate
poi: { name: mu, init: 1, lower: -2, upper: 10 }
signal: [htautau]
shapes:
  tes: { init: 1, lower: 0.9, upper: 1.1, constraint: gaussian, mean: 1, sigma: 0.01 }
  jes: { init: 1, lower: 0.9, upper: 1.1, constraint: gaussian, mean: 1, sigma: 0.01 }
  soft_met: { init: 1, lower: 0, upper: 5, constraint: flat }
norms:
  bkg_scale: { kind: power, alpha: 0.001, processes: [ztautau, ttbar, diboson], init: 0, lower: -10, upper: 10 }
  ttbar_scale: { kind: power, alpha: 0.02, processes: [ttbar], init: 0, lower: -10, upper: 10 }
  diboson_scale: { kind: power, alpha: 0.25, processes: [diboson], init: 0, lower: -4, upper: 4 }
`;
}
