// `searchlight bump observed-display` (the per-mass fit on the observed spectrum: context and
// window-residual figures, numbers JSON; with a multi-dataset config every dataset and the
// combination) and `bump extract-display` (injected pseudo-experiments extracted with the
// profiled fit; -d combined: a common ε² injection).
import type { Command } from "commander";
import { join, resolve } from "node:path";
import { InputError } from "../../io/errors.ts";
import { prepareDataset } from "../../bumphunt/scan.ts";
import { defaultContainer, discoverToys } from "../../bumphunt/toy-scan.ts";
import type { InjectMode } from "../../bumphunt/injection.ts";
import { extractDisplay, extractDisplayCombined, observedDisplay, observedDisplays, type ObservedDisplay } from "../../bumphunt/displays.ts";
import { fmtNum, printJson, table } from "../shared/format.ts";
import { choice, int, num, numList, seedOf, withOutputDir, withSeed } from "../shared/options.ts";
import { job, jobAtMass, scanPlan, withBumpInput, type BumpCli } from "./common.ts";

/** One line of observed-display output; a blinded dataset shows no observed number. */
function observedLine(r: ObservedDisplay, m: number): string {
  if (r.blinded) return `${r.dataset} m = ${m} GeV: blinded (data_visibility expected_only): observed numbers and window data withheld\n`;
  return `${r.dataset} m = ${m} GeV: ${r.ok ? "ok" : `FAILED: ${r.error}`}; Â = ${fmtNum(r.A_hat)} ± ${fmtNum(r.sigma_A)}, A_up = ${fmtNum(r.A_up)}, ε²_up = ${fmtNum(r.eps2_up)}, Z = ${fmtNum(r.Z_analytic)}\n`;
}

export function register(bump: Command): void {
  withOutputDir(withBumpInput(bump.command("observed-display").description("the per-mass fit on the observed spectrum at one mass: context and window-residual figures, numbers JSON (with --config and no --dataset: every enabled dataset active there and their combination)"))
    .requiredOption("--mass <GeV>", "mass hypothesis in GeV"), "output folder (files under <dir>/mXXXMeV/)", "out/bump/observed_display")
    .action(async (o: BumpCli & { mass: string; outputDir: string }) => {
      const m = num("--mass", o.mass)!;
      if (o.config && o.datasetFromDefault !== false) {
        // Every enabled dataset active at m, then their combination (spec §13).
        const plan = scanPlan(o, { massMin: m, massMax: m });
        const active = plan.jobs.filter((j) => j.masses.length > 0);
        const { single, combined } = await observedDisplays(await Promise.all(active.map((j) => prepareDataset({ ...j, masses: [m] }))), m, o.outputDir, plan.alpha);
        if (o.json) return printJson({ single, combined });
        for (const r of single) process.stdout.write(observedLine(r, m));
        if (combined) process.stdout.write(`combined ${combined.datasets}: ${combined.error ? `FAILED: ${combined.error}` : "ok"}; ε²_up = ${fmtNum(combined.eps2_up)}, ε̂² = ${fmtNum(combined.eps2_hat)} ± ${fmtNum(combined.sigma_eps2)}, Z = ${fmtNum(combined.Z_analytic)}\n`);
        process.stdout.write(`wrote ${[...single.flatMap((r) => r.files), ...(combined?.files ?? [])].join(", ")}\n`);
        return;
      }
      const j = jobAtMass(o, m);
      const r = await observedDisplay(await prepareDataset(j), m, o.outputDir);
      if (o.json) return printJson(r);
      process.stdout.write(`${observedLine(r, m)}wrote ${r.files.join(", ")}\n`);
    });

  const cmd = withBumpInput(bump.command("extract-display").description("one injected pseudo-experiment per (mass, z·σ_A,ref), extracted with the profiled fit; figures and JSON"))
    .requiredOption("--masses <GeV>", "masses, e.g. 0.04,0.08")
    .option("--strengths <z>", "injected strengths in units of σ_A,ref", "3,5,7");
  withOutputDir(withSeed(cmd, "base seed of the blake2b point seeds", "271828")
    .option("--inj-mode <m>", "signal counts: multinomial or poisson", "multinomial")
    .option("--no-refit", "fit with the nominal GP instead of refitting on the toy")
    .option("--gp-restarts <n>", "extra GP starts of the refit", "0")
    .option("--train-nsigma <k>", "GP training exclusion half-width (default: the blind width)")
    .option("--toy-index <i>", "background = this functional-form toy instead of Poisson(GP mean)")
    .option("--toy-root <file>", "ROOT file of the functional-form toys (default: the dataset's file)")
    .option("--container <dir>", "toy directory (default: the primary function)"), "output folder", "out/bump/extraction_display")
    .action(async (o: BumpCli & { masses: string; strengths: string; seed: string; injMode: string; refit: boolean; gpRestarts: string; trainNsigma?: string; toyIndex?: string; toyRoot?: string; container?: string; outputDir: string }) => {
      const masses = numList("--masses", o.masses), zs = numList("--strengths", o.strengths.replace(/(^|[\s,])s(?=[\d.])/g, "$1"));
      if (o.dataset === "combined") {
        // Every enabled dataset of --config active at each mass, injected at a common ε² (spec §13).
        if (!o.config) throw new InputError("", "--dataset", "combined needs --config (the enabled datasets are combined)");
        const plan = scanPlan({ ...o, datasetFromDefault: true }, { massMin: Math.min(...masses), massMax: Math.max(...masses) });
        const prepared = new Map<string, Awaited<ReturnType<typeof prepareDataset>>>();
        const res = [];
        for (const m of masses) {
          const active = plan.jobs.filter((j) => j.masses.some((x) => Math.abs(x - m) < 1e-9));
          if (active.length < 2) throw new InputError(o.config, "--masses", `${m} GeV: only ${active.map((j) => j.dataset).join(", ") || "no dataset"} active; a combined display needs two`);
          const ps = [];
          for (const j of active) {
            if (!prepared.has(j.dataset)) prepared.set(j.dataset, await prepareDataset(j));
            ps.push(prepared.get(j.dataset)!);
          }
          for (const z of zs) {
            res.push(await extractDisplayCombined(ps, m, { z, seed: seedOf(o.seed), injectMode: choice<InjectMode>("--inj-mode", o.injMode, ["poisson", "multinomial"]), refit: o.refit, restarts: int("--gp-restarts", o.gpRestarts)!, trainNSigma: num("--train-nsigma", o.trainNsigma) }, join(o.outputDir, "combined"), plan.alpha));
          }
        }
        if (o.json) return printJson(res.map((r) => ({ ...r, files: undefined, per_dataset: r.per_dataset.map((d) => ({ ...d, files: undefined })) })));
        process.stdout.write(table([["mass [GeV]", "z", "ε²_inj", "ε̂²", "σ", "pull", "Ẑ", "ε²_UL(obs)"], ...res.map((r) => [String(r.mass_GeV), r.z_inj, r.eps2_inj, r.eps2_hat, r.sigma_eps2_hat, r.pull, r.Zhat, r.eps2_obs_up])]) + "\n");
        return;
      }
      const j = job(o, { massMin: Math.min(...masses), massMax: Math.max(...masses) });
      const p = await prepareDataset(j);
      let background: { counts: Float64Array; label: string } | undefined;
      if (o.toyIndex !== undefined) {
        const root = o.toyRoot ? resolve(o.toyRoot) : j.file;
        const container = o.container ?? (await defaultContainer(root, j.dataset));
        const [toy] = await discoverToys(root, { container, indices: [int("--toy-index", o.toyIndex)!] });
        const tp = await prepareDataset({ ...j, file: root, hist: toy.hist });
        background = { counts: Float64Array.from(tp.spectrum.counts), label: toy.hist };
      }
      const res = [];
      for (const m of masses) for (const z of zs) {
        res.push(await extractDisplay(p, m, { z, seed: seedOf(o.seed), injectMode: choice<InjectMode>("--inj-mode", o.injMode, ["poisson", "multinomial"]), refit: o.refit, restarts: int("--gp-restarts", o.gpRestarts)!, trainNSigma: num("--train-nsigma", o.trainNsigma), background }, join(o.outputDir, j.dataset)));
      }
      if (o.json) return printJson(res);
      process.stdout.write(table([["mass [GeV]", "z", "A_inj", "Â", "σ_A", "Ẑ", "pull", "refit ok", "error"], ...res.map((r) => [String(r.mass_GeV), r.z_inj, r.A_inj, r.A_hat, r.sigma_A, r.Zhat, r.pull, String(r.refit_ok), r.error])]) + "\n");
      process.stdout.write(`wrote ${res.reduce((a, r) => a + r.files.length, 0)} files to ${join(o.outputDir, j.dataset)}\n`);
    });

}
