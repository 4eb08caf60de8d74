// `searchlight marginal region WS --sr CHANNEL… [--cr …] -o R.json`: a single-SR region
// workspace {signal_region_name, workspace} from a background-only workspace
// (specs/interval_evidence.md §3.1), which `marginal prior` fits.
// `searchlight marginal region WS --region-recipe R.yaml -o DIR [--regions a,b]`: every region of
// a recipe (recipe.ts) as DIR/<region>/region.json.gz, the layout `marginal prior|limits` take.
import type { Command } from "commander";
import { writeFileAtomic } from "../../io/output.ts";
import { gzipSync } from "node:zlib";
import { InputError } from "../../io/errors.ts";
import { readWorkspace } from "../../histfactory/load.ts";
import { join } from "node:path";
import { extractRegion, type ModifierRule, type Region } from "../../marginal/region.ts";
import { readRecipe, recipeRegions } from "../../marginal/recipe.ts";
import { writeRegionFile } from "../../marginal/run-task.ts";

interface RegionCliOptions {
  sr?: string[];
  regionRecipe?: string;
  regions?: string;
  cr?: string[];
  name?: string;
  dropModifier?: string[];
  renameModifier?: string[];
  output: string;
}

export function register(marginal: Command): void {
  marginal.command("region <workspace>")
    .description("extract a single-SR region workspace {signal_region_name, workspace} from a background-only workspace (.json or .json.gz)")
    .option("--sr <channels...>", "signal-region channel(s): one channel's bins are merged, several channels are merged into one")
    .option("--region-recipe <file>", "a region recipe (YAML, examples/marginal/*.yaml) instead of --sr…: writes <output>/<region>/region.json.gz for each region")
    .option("--regions <names>", "with --region-recipe: only these regions (comma-separated)")
    .option("--cr <channels...>", "control-region channels to keep (default: every channel named CR*)")
    .option("--name <name>", "name of the merged SR channel (required when merging several channels)")
    .option("--drop-modifier <rule...>", "drop modifiers before merging: NAME, SAMPLE:NAME or TYPE@NAME ('*' matches any)")
    .option("--rename-modifier <old=new...>", "rename modifiers before merging (e.g. merge normfactors: mu_a=mu mu_b=mu)")
    .requiredOption("-o, --output <path>", "output file (.json.gz is gzipped); with --region-recipe, the output folder")
    .action((workspace: string, o: RegionCliOptions) => runRegion(workspace, o));
}

function parseRule(s: string): ModifierRule {
  const star = (v: string) => (v === "*" ? undefined : v);
  const at = /^([a-z]+)@(.+)$/.exec(s);
  if (at) {
    const types = ["normfactor", "normsys", "histosys", "staterror", "shapesys", "shapefactor", "lumi"];
    if (!types.includes(at[1])) throw new InputError("", "--drop-modifier", `"${at[1]}" is not a modifier type (${types.join(", ")})`);
    return { type: at[1] as ModifierRule["type"], name: star(at[2]) };
  }
  const i = s.indexOf(":");
  return i < 0 ? { name: star(s) } : { sample: star(s.slice(0, i)), name: star(s.slice(i + 1)) };
}

function runRecipe(workspace: string, o: RegionCliOptions & { regionRecipe: string }): void {
  if (o.sr) throw new InputError("", "--sr", "give --sr … or --region-recipe, not both");
  const recipe = readRecipe(o.regionRecipe);
  const keys = o.regions?.split(/[\s,]+/).filter(Boolean);
  for (const k of keys ?? []) if (!(k in recipe.regions)) throw new InputError("", "--regions", `"${k}" is not a region of ${o.regionRecipe} (regions: ${Object.keys(recipe.regions).join(", ")})`);
  const regions = recipeRegions(readWorkspace(workspace), recipe, keys);
  for (const { key, region } of regions) {
    writeRegionFile(join(o.output, key), region);
    process.stdout.write(`${join(o.output, key, "region.json.gz")}: ${describe(region)}\n`);
  }
}

function describe(region: Region): string {
  const sr = region.workspace.channels.find((c) => c.name === region.signal_region_name)!;
  const n = region.workspace.observations.find((x) => x.name === region.signal_region_name)!.data[0];
  const b = sr.samples.reduce((a, s) => a + s.data[0], 0);
  return `SR ${region.signal_region_name} (n = ${n}, nominal b = ${b.toPrecision(6)}), ${region.workspace.channels.length - 1} control region(s)`;
}

function runRegion(workspace: string, o: RegionCliOptions): void {
  if (o.regionRecipe !== undefined) return runRecipe(workspace, o as RegionCliOptions & { regionRecipe: string });
  if (!o.sr) throw new InputError("", "--sr", "give the signal-region channel(s) with --sr, or a --region-recipe");
  const spec = readWorkspace(workspace);
  const rename: Record<string, string> = {};
  for (const r of o.renameModifier ?? []) {
    const m = /^([^=]+)=([^=]+)$/.exec(r);
    if (!m) throw new InputError("", "--rename-modifier", `"${r}" is not old=new (e.g. mu_Ztt_lowmet=mu_Ztt)`);
    rename[m[1]] = m[2];
  }
  const region = extractRegion(spec, {
    signalChannels: o.sr, controlChannels: o.cr, name: o.name,
    dropModifiers: (o.dropModifier ?? []).map(parseRule), renameModifiers: rename,
  }, workspace);
  const text = JSON.stringify(region);
  writeFileAtomic(o.output, o.output.endsWith(".gz") ? gzipSync(text) : text + "\n", "--output");
  process.stdout.write(`${o.output}: ${describe(region)}\n`);
}
