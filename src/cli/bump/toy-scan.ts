// `searchlight bump toy-scan` (functional-form toys, ROOT TH1s) and `bump gp-toy-scan` (toys
// drawn from one GP fitted to the whole spectrum): whole scans of each toy exactly as of the
// observed spectrum, one results_single.csv per toy.
import type { Command } from "commander";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { InputError } from "../../io/errors.ts";
import { Progress } from "../../batch/progress.ts";
import { runPool } from "../../batch/pool.ts";
import { defaultModel, sigmaFunction } from "../../bumphunt/dataset.ts";
import { fitFullRangeGp } from "../../bumphunt/full-toys.ts";
import type { MassPointRow } from "../../bumphunt/mass-point.ts";
import { prepareDataset } from "../../bumphunt/scan.ts";
import { defaultContainer, discoverToys, gpEnsemble, toyRows, writeToyScan, type ToyScanJob } from "../../bumphunt/toy-scan.ts";
import { toyAccounts } from "../../bumphunt/toy-scan-report.ts";
import { printJson, table } from "../shared/format.ts";
import { int, repeatable, seedOf, withOutputDir, withSeed, withWorkers, workers } from "../shared/options.ts";
import { fullToyModeOf, job, massRangeOf, withBumpInput, withMassRange, type BumpCli } from "./common.ts";

interface ToyScanCli extends BumpCli {
  massMin?: string; massMax?: string; step: string; outputDir: string; workers?: string; toyIndex: string[];
}

function withToyScanOptions(cmd: Command): Command {
  return withWorkers(withOutputDir(withMassRange(withBumpInput(cmd))
    .option("--toy-index <i>", "toy index to scan (repeatable)", repeatable, []), "output folder (toys go to <dir>/toy_scans/<d>/…)", "out/bump", false));
}

/** Run an ensemble on the pool, write the per-toy folders, print the per-toy accounting. */
async function runEnsemble(tj: ToyScanJob, o: ToyScanCli, what: string): Promise<void> {
  const nM = tj.base.masses.length, nT = tj.ensemble.toys.length;
  const nWorkers = workers(o.workers);
  const bar = new Progress(nT * nM, `${what} ${tj.base.dataset}`);
  const t0 = performance.now();
  const flat = await runPool<number, MassPointRow>({ module: new URL("../../bumphunt/toy-scan.ts", import.meta.url).href, factory: "toyScanRunner", args: tj },
    Array.from({ length: nT * nM }, (_, k) => k), nWorkers, () => bar.tick());
  bar.finish();
  const seconds = (performance.now() - t0) / 1000;
  const rows = toyRows(tj, flat, sigmaFunction(tj.base.model ?? defaultModel(tj.base.dataset)));
  const out = writeToyScan(o.outputDir, tj, rows);
  const per = toyAccounts(out);
  const nFail = per.reduce((a, t) => a + t.n_fail, 0);
  if (o.json) return printJson({ dataset: tj.base.dataset, source_model: tj.ensemble.sourceModel, container: tj.ensemble.container, n_toys: nT, n_masses: nM, n_fail_total: nFail, seconds, workers: nWorkers, toys: per });
  process.stdout.write(`${what} ${tj.base.dataset} ${tj.ensemble.container}: ${nT} toys × ${nM} masses in ${seconds.toFixed(1)} s (${nWorkers} workers); ${nFail} failed masses in total\n`);
  process.stdout.write(table([["toy", "masses", "n_fail", "max Z", "at [MeV]"], ...per.map((t) => [String(t.toy_index), t.n_masses, t.n_fail, t.max_Z_analytic, 1000 * t.mass_at_max_Z])]) + "\n");
  process.stdout.write(`wrote ${out.length} toy folders under ${join(o.outputDir, "toy_scans", tj.base.dataset)}\n`);
}

export function register(bump: Command): void {
  withToyScanOptions(bump.command("toy-scan").description("scan functional-form background toys (ROOT TH1s) exactly as the observed spectrum; per-toy results_single.csv"))
    .option("--toy-root <file>", "ROOT file with the toys (default: the dataset's funcform_<d>_toys.root)")
    .option("--container <dir>", "directory of the toys (default: fit_metadata/primary_function_tag, else fShiftSigPowTail / fSigPowExpQ)")
    .option("--toy-pattern <glob>", "histogram name glob inside the container", "*")
    .option("--toy-name-fmt <fmt>", "explicit names, e.g. \"{container}_toy_{i}\" (with --toy-index)")
    .option("--max-toys <n>", "scan at most the first n matching toys")
    .action(async (o: ToyScanCli & { toyRoot?: string; container?: string; toyPattern: string; toyNameFmt?: string; maxToys?: string }) => {
      const j = job(o, massRangeOf(o));
      const root = o.toyRoot ? resolve(o.toyRoot) : j.file;
      if (!existsSync(root)) throw new InputError(root, "--toy-root", "ROOT file not found");
      const container = o.container ?? (await defaultContainer(root, o.dataset));
      const toys = await discoverToys(root, { container, pattern: o.toyPattern, nameFmt: o.toyNameFmt, indices: o.toyIndex.map((s) => int("--toy-index", s)!), maxToys: int("--max-toys", o.maxToys) });
      await runEnsemble({ base: j, ensemble: { sourceModel: "functional_form", root, container, functionTag: container, label: `${container} functional-form toys`, toys } }, o, "toy-scan");
    });

  withSeed(withToyScanOptions(bump.command("gp-toy-scan").description("scan toys drawn from one GP fitted to the whole spectrum (Poisson or fixed-total multinomial)"))
    .option("--n-toys <n>", "toys 0 … n−1 (unless --toy-index)", "1000"), "base seed: toy i uses (seed + 1000003 i) mod (2^31 − 1)", "12345")
    .option("--full-toy-bkg-mode <mode>", "poisson or fixed_total_multinomial", "poisson")
    .option("--gp-restarts <n>", "extra starts of the full-range GP fit (default: --restarts)")
    .action(async (o: ToyScanCli & { nToys: string; seed: string; fullToyBkgMode: string; gpRestarts?: string }) => {
      const j = job(o, massRangeOf(o));
      const mode = fullToyModeOf(o.fullToyBkgMode);
      const indices = o.toyIndex.length ? o.toyIndex.map((s) => int("--toy-index", s)!) : Array.from({ length: int("--n-toys", o.nToys, 1)! }, (_, i) => i);
      const p = await prepareDataset(j);
      const gp = fitFullRangeGp(p, int("--gp-restarts", o.gpRestarts) ?? int("--restarts", o.restarts) ?? 0);
      const seedBase = seedOf(o.seed);
      await runEnsemble({ base: j, ensemble: gpEnsemble(j.file, indices, { muFull: gp.muFull, total: gp.total, mode, seedBase, kernel: gp.kernel }) }, o, "gp-toy-scan");
    });
}
