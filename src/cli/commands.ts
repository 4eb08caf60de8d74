// The commands of the CLI, known statically: name, arguments, description, and how to load the
// module that defines the rest (options, sub-commands, action). main.ts imports a command's
// module only when that command runs (or shows its help), so `searchlight --help` and every
// command start without loading the others, nor their dependencies (figures, ROOT I/O, …).
// Add one entry per command; its module exports `register(cmd)`, which receives the command
// already named, described and with its arguments.
import type { Command } from "commander";

export interface CommandEntry {
  name: string;
  /** Positional arguments as commander spells them ("<workspace>"); none for a group of sub-commands. */
  args?: string;
  description: string;
  aliases?: string[];
  load(): Promise<{ register(cmd: Command): void }>;
}

export const COMMANDS: CommandEntry[] = [
  { name: "inspect", args: "<workspace>", description: "summarise a workspace: channels, samples, modifiers, parameters", load: () => import("./histfactory/inspect.ts") },
  { name: "fit", args: "<workspace>", description: "maximum-likelihood fit with Hessian uncertainties", load: () => import("./histfactory/fit.ts") },
  { name: "cls", args: "<workspace>", description: "observed and expected CLs at a POI value", load: () => import("./histfactory/cls.ts") },
  { name: "upper-limit", args: "<workspace>", description: "observed and expected CLs upper limits on the POI", load: () => import("./histfactory/upper-limit.ts") },
  { name: "significance", args: "<workspace>", description: "discovery p-value and significance, observed and expected", load: () => import("./histfactory/significance.ts") },
  { name: "scan", args: "<workspace>", description: "profile-likelihood scan and 68%/95% intervals of a parameter", load: () => import("./histfactory/scan.ts") },
  { name: "ranking", args: "<workspace>", description: "nuisance parameters ranked by their impact on the POI", load: () => import("./histfactory/ranking.ts") },
  { name: "report", args: "<workspace>", description: "fit report as cabinetry gives it: pre/post-fit yields, stacked plots, pulls, correlations, impacts, goodness of fit", load: () => import("./histfactory/report.ts") },
  { name: "batch", description: "hypotests over every patch of a patchset: local pool or SLURM array, with accounted merges", load: () => import("./batch/command.ts") },
  { name: "bump", description: "GP bump hunt (HPS): mass scan, limits on A and ε², local and global significance", load: () => import("./bump/command.ts") },
  { name: "resonance", description: "resonance search on any spectrum: Gaussian/Crystal Ball/Voigtian/template signals, GP or parametric backgrounds, variable bins, global significance", load: () => import("./resonance/command.ts") },
  { name: "web", description: "the web pages as a static site: results browser and the engine in the browser", load: () => import("./web/command.ts") },
  { name: "serve", args: "<dir>", description: "browse an output folder (tables, JSON, figures) in the web page on localhost", load: () => import("./serve.ts") },
  { name: "patchset", description: "pyhf patchsets: inspect, apply a patch, verify against a workspace", load: () => import("./histfactory/patchset.ts") },
  { name: "workspace", description: "operations on pyhf workspaces: combine, prune, rename, sort, digest", load: () => import("./histfactory/workspace.ts") },
  { name: "marginal", description: "marginal likelihoods of single-bin discovery regions: region extraction, background priors, certified limits", load: () => import("./marginal/command.ts") },
  { name: "categorize", description: "differentiable GATO categorisation: optimise category boundaries for the best significance, export a workspace", load: () => import("./categorize/command.ts") },
  { name: "templates", description: "template fits over nuisance grids: build, fit μ intervals, coverage studies with the HiggsML challenge score", load: () => import("./templates/command.ts") },
];
