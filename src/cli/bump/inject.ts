// `searchlight bump inject`: signal injection / extraction closure (spec §12) — conditional,
// full-refit, functional-form refit or fixed-background toys → per-toy and summary CSVs and the
// closure figures; with -d combined and a config, every enabled dataset and the inverse-variance
// combination (§12.8). Settings a config gives (inj_*, funcform_closure_*) are the defaults.
import type { Command } from "commander";
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { InputError } from "../../io/errors.ts";
import { csvText } from "../../io/csv.ts";
import { Progress } from "../../batch/progress.ts";
import { poolTaskExecutor } from "../../batch/pool.ts";
import { defaultContainer, discoverToys } from "../../bumphunt/toy-scan.ts";
import { runInjection, SUMMARY_COLUMNS, type InjectJob, type InjToyMode, type SummaryRecord } from "../../bumphunt/inject-study.ts";
import { COMBINED_TOY_COLUMNS } from "../../bumphunt/inject-combined.ts";
import { injectionPlots, loadInjection } from "../../bumphunt/inject-plots.ts";
import type { InjectMode } from "../../bumphunt/injection.ts";
import { applyInjectionConfig, type InjectionSettings } from "../../bumphunt/study-options.ts";
import { printJson } from "../shared/format.ts";
import { choice, int, num, numList, seedOf, withOutputDir, withSeed, withWorkers, workers } from "../shared/options.ts";
import { configOf, job, scanPlan, withBumpInput, type BumpCli } from "./common.ts";
import { injectionTable } from "./tables.ts";

type InjectCli = BumpCli & InjectionSettings & { nToys: string; seed: string; plots: boolean; outputDir: string };

/**
 * hps-gpr reads the injection settings from the configuration (inj_*, funcform_closure_*; spec
 * §16): every key the configuration sets explicitly becomes the default of its option here;
 * an option given on the command line wins.
 */
function injectDefaultsFromConfig(o: InjectCli, cmd: Command): void {
  const fromCli = (opt: keyof InjectionSettings) => cmd.getOptionValueSource(opt) === "cli";
  if (applyInjectionConfig(configOf(o.config!), o, fromCli, o.datasetFromDefault === false)) o.datasetFromDefault = false;
}

export function register(bump: Command): void {
  const cmd = withBumpInput(bump.command("inject").description("signal injection / extraction closure (spec §12): per-toy and summary CSVs, closure figures"))
    .option("-m, --masses <GeV>", "masses, e.g. 0.03,0.06,0.09 (config: inj_masses_gev)")
    .option("-s, --strengths <list>", "yields (absolute) or multiples of σ_A,ref (\"1,2,3,5\" with --strength-mode sigmaA, or \"s1,s2,s3,s5\")", "0,100,200,500,1000,2000,5000")
    .option("--strength-mode <m>", "absolute or sigmaA (default: sigmaA when the strengths are s-tags)")
    .option("--n-toys <n>", "toys per (mass, strength)", "100")
    .option("--inj-mode <m>", "signal counts: poisson or multinomial", "poisson")
    .option("--toy-mode <m>", "conditional (GP posterior background, nominal fit), full_refit (Poisson(μ_full) + signal, GP refit per toy), funcform (stored functional-form toy + signal, GP refit) or funcform_fixed_bg (same toys, GP trained on the background-only toy)", "conditional")
    .option("--shape-mode <m>", "refit modes: signal over the full range (full) or the window only (window)", "full")
    .option("--train-nsigma <k>", "GP training exclusion half-width (default: the blind width)")
    .option("--refit-restarts <n>", "extra GP starts per refit", "0")
    .option("--no-refit-optimize", "refit modes: keep the kernel at its initial values")
    .option("--sigma-a-source <s>", "σ_A,ref from the Asimov (asimov) or a Poisson (poisson) background fit", "asimov")
    .option("--toy-root <file>", "funcform mode: ROOT file with the toys (default: the dataset's file)")
    .option("--container <dir>", "funcform mode: toy directory (default: the primary function)");
  withWorkers(withOutputDir(withSeed(cmd, "base seed of the blake2b point seeds", "314159")
    .option("--aggregate-every <n>", "toys per unit of work", "100")
    .option("--no-write-toy-csv", "do not write inj_extract_toys_<d>.csv")
    .option("--no-plots", "skip the closure figures"), "output folder (files go to <dir>/injection_extraction)", "out/bump", false))
    .action(async (o: InjectCli, cmd: Command) => {
      if (o.config) injectDefaultsFromConfig(o, cmd);
      if (o.masses === undefined) throw new InputError("", "--masses", "required (or inj_masses_gev in --config)");
      const masses = numList("--masses", o.masses);
      const range = { massMin: Math.min(...masses), massMax: Math.max(...masses) };
      // -d combined (spec §12.8): every enabled dataset of --config, then the inverse-variance combination.
      const combined = o.dataset === "combined";
      if (combined && !o.config) throw new InputError("", "--dataset", "combined needs --config (the enabled datasets are injected one by one, then combined)");
      const bases = combined
        ? scanPlan({ ...o, datasetFromDefault: true }, range).jobs.filter((j) => j.masses.length > 0).map((j) => ({ ...j, masses: j.masses }))
        : [job(o, range)];
      if (combined && bases.length < 2) throw new InputError(o.config!, "--masses", `only ${bases.map((b) => b.dataset).join(", ") || "no dataset"} is active at ${o.masses} GeV: a combination needs two`);
      const tagged = /(^|[\s,])s[\d.]/.test(o.strengths);
      const strengths = numList("--strengths", o.strengths.replace(/(^|[\s,])s(?=[\d.])/g, "$1"));
      const strengthMode = choice("--strength-mode", o.strengthMode ?? (tagged ? "sigmaA" : "absolute"), ["absolute", "sigmaA"] as const);
      const toyMode = ({ conditional: "conditional_gp", conditional_gp: "conditional_gp", full_refit: "full_refit", funcform: "functional_form_refit", functional_form_refit: "functional_form_refit", funcform_fixed_bg: "functional_form_fixed_bg", functional_form_fixed_bg: "functional_form_fixed_bg" } as Record<string, InjToyMode>)[o.toyMode];
      if (!toyMode) throw new InputError("", "--toy-mode", `"${o.toyMode}": expected conditional, full_refit, funcform or funcform_fixed_bg`);
      const nToys = int("--n-toys", o.nToys, 1)!;
      const outDir = join(o.outputDir, "injection_extraction");
      const t0 = performance.now();
      const runs: { dataset: string; ij: InjectJob; r: Awaited<ReturnType<typeof runInjection>> }[] = [];
      for (const base of bases) {
        let funcform: InjectJob["funcform"];
        if (toyMode === "functional_form_refit" || toyMode === "functional_form_fixed_bg") {
          const root = o.toyRoot ? resolve(o.toyRoot) : base.file;
          const container = o.container ?? (await defaultContainer(root, base.dataset));
          const toys = await discoverToys(root, { container });
          if (toys.length < nToys) throw new InputError(root, "--n-toys", `${nToys} toys requested but ${container} holds ${toys.length}`);
          funcform = { root, container, toys: toys.slice(0, nToys) };
        }
        const ij: InjectJob = {
          base, masses: masses.filter((m) => base.masses.some((x) => Math.abs(x - m) < 1e-9) || !combined), strengths, strengthMode, nToys, seed: seedOf(o.seed),
          injectMode: choice<InjectMode>("--inj-mode", o.injMode, ["poisson", "multinomial"]),
          toyMode, shapeMode: choice("--shape-mode", o.shapeMode, ["full", "window"] as const), trainNSigma: num("--train-nsigma", o.trainNsigma),
          refitRestarts: int("--refit-restarts", o.refitRestarts)!, refitOptimize: o.refitOptimize, sigmaASource: choice("--sigma-a-source", o.sigmaASource, ["asimov", "poisson"] as const),
          chunk: int("--aggregate-every", o.aggregateEvery, 1)!, funcform,
        };
        const bar = new Progress(ij.masses.length * strengths.length * nToys, `inject ${base.dataset}`);
        const r = await runInjection(ij, { outDir, executor: poolTaskExecutor(workers(o.workers)), writeToys: o.writeToyCsv || combined, onToys: (n) => bar.tick(n) });
        bar.finish();
        runs.push({ dataset: base.dataset, ij, r });
      }
      let summaryAll = runs.map((x, k) => (k === 0 ? readFileSync(x.r.summaryCsv, "utf8") : readFileSync(x.r.summaryCsv, "utf8").split("\n").slice(1).join("\n"))).join("");
      let combinedSummaries: SummaryRecord[] = [];
      if (combined) {
        const l = loadInjection(outDir, [...bases.map((b) => b.dataset), "combined"], o.combinedPolicy);
        writeFileSync(join(outDir, "inj_extract_toys_combined.csv"), csvText(COMBINED_TOY_COLUMNS, l.combinedToys.map((t) => ({ ...t, success: t.success ? "True" : "False" }))));
        combinedSummaries = l.summaries.filter((x) => x.dataset === "combined");
        const text = csvText(SUMMARY_COLUMNS, combinedSummaries);
        writeFileSync(join(outDir, "inj_extract_summary_combined.csv"), text);
        summaryAll += text.split("\n").slice(1).join("\n");
      }
      writeFileSync(join(outDir, "inj_extract_summary_all.csv"), summaryAll);
      const figures = o.plots ? await injectionPlots(loadInjection(outDir, combined ? [...bases.map((b) => b.dataset), "combined"] : [bases[0].dataset]), join(outDir, "plots")) : [];
      const seconds = (performance.now() - t0) / 1000;
      const nToysAll = runs.reduce((a, x) => a + x.r.n_toys, 0), nFailedAll = runs.reduce((a, x) => a + x.r.n_failed, 0);
      const ctxErrors = runs.flatMap((x) => x.r.contexts.filter((c) => c.error).map((c) => ({ dataset: x.dataset, mass_GeV: c.mass, error: c.error })));
      if (o.json) {
        const one = (x: (typeof runs)[number]) => ({ dataset: x.dataset, toy_mode: toyMode, n_toys: x.r.n_toys, n_failed: x.r.n_failed, sigmaA_ref: x.r.contexts.map((c) => ({ mass_GeV: c.mass, sigmaA_ref: c.sRef })), summaries: x.r.summaries, files: { toys: x.r.toyCsv, summary: x.r.summaryCsv } });
        if (!combined) return printJson({ ...one(runs[0]), seconds, context_errors: ctxErrors, files: { ...one(runs[0]).files, figures: figures.length } });
        return printJson({ dataset: "combined", toy_mode: toyMode, n_toys: nToysAll, n_failed: nFailedAll, seconds, context_errors: ctxErrors, datasets: runs.map(one), combined: combinedSummaries, figures: figures.length });
      }
      for (const x of runs) {
        process.stdout.write(`inject ${x.dataset} (${toyMode}, ${x.ij.injectMode} signal): ${x.r.n_toys} toys, ${x.r.n_failed} failed\n`);
        process.stdout.write(injectionTable(x.r.summaries) + "\n");
      }
      for (const c of ctxErrors) process.stdout.write(`  ${c.dataset} ${c.mass_GeV} GeV: ${c.error}\n`);
      if (combined) process.stdout.write(`combined (inverse-variance, §12.8):\n${injectionTable(combinedSummaries)}\n`);
      process.stdout.write(`${nToysAll} toys in ${seconds.toFixed(1)} s, ${nFailedAll} failed; wrote ${join(outDir, "inj_extract_summary_all.csv")}${figures.length ? ` and ${figures.length} figure files in ${join(outDir, "plots")}` : ""}\n`);
    });

}
