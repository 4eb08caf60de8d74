// `searchlight bump toy-scan|gp-toy-scan|toy-scan-merge|toy-scan-plot|inject|inject-plot|…`:
// the bump-hunt studies of hps_gpr §12–§13 on top of the per-mass scan machinery.
import type { Command } from "commander";
import { loadConfig } from "../bumphunt/config.ts";
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { InputError } from "../io/errors.ts";
import { int } from "./options.ts";
import { Progress } from "../batch/progress.ts";
import { defaultWorkers, runPool } from "../batch/pool.ts";
import { defaultModel, sigmaFunction } from "../bumphunt/dataset.ts";
import { fitFullRangeGp, parseFullToyMode, type RefitBandJob, type RefitChunk } from "../bumphunt/full-toys.ts";
import { summariseBands } from "../bumphunt/bands.ts";
import type { MassPointRow } from "../bumphunt/mass-point.ts";
import { prepareDataset, type ScanJob } from "../bumphunt/scan.ts";
import { cellNum, readCsv } from "../io/csv.ts";
import { requireColumns } from "../bumphunt/study-io.ts";
import {
  defaultContainer, discoverToys, gpEnsemble, mergeToyScans, summaryFromMerged, toyRows, toyScanPlots, writeMerge, writeToyScan,
  type SummaryRow, type ToyScanJob,
} from "../bumphunt/toy-scan.ts";
import { runInjection, SUMMARY_COLUMNS, type InjectJob, type InjToyMode, type SummaryRecord } from "../bumphunt/inject-study.ts";
import { COMBINED_TOY_COLUMNS } from "../bumphunt/inject-combined.ts";
import { COMBINED_BAND_COLUMNS, combinedRefitRows, type CombinedRefitChunk, type CombinedRefitJob } from "../bumphunt/combined-bands.ts";
import { injectionPlots, loadInjection } from "../bumphunt/inject-plots.ts";
import type { InjectMode } from "../bumphunt/injection.ts";
import { extractDisplay, extractDisplayCombined, observedDisplay, observedDisplays, projectReach, reachFigure, type ObservedDisplay } from "../bumphunt/displays.ts";
import { fmtNum, printJson, table } from "./format.ts";
import { common, job, num, scanPlan, type BumpCli } from "./bump.ts";

const readFileSyncText = (p: string) => readFileSync(p, "utf8");
const collect = (v: string, prev: string[]) => [...prev, v];

export { int };

const workersOf = (o: { workers?: string }) => (o.workers ? int("--workers", o.workers, 1)! : defaultWorkers());

interface ToyScanCli extends BumpCli {
  massMin?: string; massMax?: string; step: string; outputDir: string; workers?: string; toyIndex: string[];
}

function scanJobOf(o: ToyScanCli): ScanJob {
  return job(o, { massMin: num("--mass-min", o.massMin), massMax: num("--mass-max", o.massMax), step: num("--step", o.step) });
}

function scanOptions(cmd: Command): Command {
  return common(cmd)
    .option("--mass-min <GeV>", "lowest mass")
    .option("--mass-max <GeV>", "highest mass")
    .option("--step <GeV>", "grid step", "0.001")
    .option("--toy-index <i>", "toy index to scan (repeatable)", collect, [])
    .option("--output-dir <dir>", "output folder (toys go to <dir>/toy_scans/<d>/…)", "out/bump")
    .option("--workers <n>", "worker threads (default: all cores)");
}

/** Run an ensemble on the pool, write the per-toy folders, print the per-toy accounting. */
async function runEnsemble(tj: ToyScanJob, o: ToyScanCli, what: string): Promise<void> {
  const nM = tj.base.masses.length, nT = tj.ensemble.toys.length;
  const workers = workersOf(o);
  const bar = new Progress(nT * nM, `${what} ${tj.base.dataset}`);
  const t0 = performance.now();
  const flat = await runPool<number, MassPointRow>({ module: new URL("../bumphunt/toy-scan.ts", import.meta.url).href, factory: "toyScanRunner", args: tj },
    Array.from({ length: nT * nM }, (_, k) => k), workers, () => bar.tick());
  bar.finish();
  const seconds = (performance.now() - t0) / 1000;
  const rows = toyRows(tj, flat, sigmaFunction(tj.base.model ?? defaultModel(tj.base.dataset)));
  const out = writeToyScan(o.outputDir, tj, rows);
  const per = out.map((t) => {
    const ok = t.rows.filter((r) => Number.isFinite(r.Z_analytic));
    const best = ok.reduce<typeof ok[number] | undefined>((a, r) => (!a || r.Z_analytic > a.Z_analytic ? r : a), undefined);
    return { toy_index: t.toy.index, toy_hist: t.toy.hist, ...(t.toy.seed !== undefined ? { toy_seed: t.toy.seed } : {}), n_masses: t.rows.length, n_fail: t.n_fail, max_Z_analytic: best?.Z_analytic ?? NaN, mass_at_max_Z: best?.mass_GeV ?? NaN, dir: t.dir };
  });
  const nFail = per.reduce((a, t) => a + t.n_fail, 0);
  if (o.json) return printJson({ dataset: tj.base.dataset, source_model: tj.ensemble.sourceModel, container: tj.ensemble.container, n_toys: nT, n_masses: nM, n_fail_total: nFail, seconds, workers, toys: per });
  process.stdout.write(`${what} ${tj.base.dataset} ${tj.ensemble.container}: ${nT} toys × ${nM} masses in ${seconds.toFixed(1)} s (${workers} workers); ${nFail} failed masses in total\n`);
  process.stdout.write(table([["toy", "masses", "n_fail", "max Z", "at [MeV]"], ...per.map((t) => [String(t.toy_index), t.n_masses, t.n_fail, t.max_Z_analytic, 1000 * t.mass_at_max_Z])]) + "\n");
  process.stdout.write(`wrote ${out.length} toy folders under ${join(o.outputDir, "toy_scans", tj.base.dataset)}\n`);
}

function summaryTable(summary: SummaryRow[]): string {
  const groups = new Map<string, SummaryRow[]>();
  for (const s of summary) {
    const k = `${s.dataset} ${s.function_tag || s.container}`;
    if (!groups.has(k)) groups.set(k, []);
    groups.get(k)!.push(s);
  }
  const med = (v: number[]) => { const f = v.filter(Number.isFinite).sort((a, b) => a - b); return f.length ? f[Math.floor((f.length - 1) / 2)] : NaN; };
  return table([["ensemble", "toys", "with results", "failed masses", "toys with failures", "median max Z", "largest max Z"],
    ...[...groups].map(([k, g]) => [k, g.length, g.filter((s) => s.status === "ok").length, g.reduce((a, s) => a + Number(s.n_fail), 0), g.filter((s) => Number(s.n_fail) > 0).length,
      med(g.map((s) => Number(s.max_Z_analytic))), Math.max(...g.map((s) => Number(s.max_Z_analytic)).filter(Number.isFinite))])]);
}

function numList(flag: string, v: string): number[] {
  const parts = v.split(/[\s,]+/).filter(Boolean);
  if (parts.length === 0) throw new InputError("", flag, "empty list");
  return parts.map((p) => num(flag, p)!);
}

function choice<T extends string>(flag: string, v: string, allowed: readonly T[]): T {
  if (!allowed.includes(v as T)) throw new InputError("", flag, `"${v}": expected one of ${allowed.join(", ")}`);
  return v as T;
}

function injectionTable(summaries: Record<string, string | number>[]): string {
  return table([["mass [GeV]", "strength", "A_inj", "toys", "failed", "pull mean", "pull width", "cov 1σ", "cov 2σ", "⟨Ẑ⟩ − Z_inj"],
    ...summaries.map((s) => [String(s.mass_GeV), String(s.strength_tag), Number(s.strength), Number(s.n_toys), Number(s.n_failed), Number(s.pull_mean), Number(s.pull_std), Number(s.cov_1sigma), Number(s.cov_2sigma), Number(s.Zhat_mean) - Number(s.inj_nsigma)])]);
}

/** One line of observed-display output; a blinded dataset shows no observed number. */
function observedLine(r: ObservedDisplay, m: number): string {
  if (r.blinded) return `${r.dataset} m = ${m} GeV: blinded (data_visibility expected_only): observed numbers and window data withheld\n`;
  return `${r.dataset} m = ${m} GeV: ${r.ok ? "ok" : `FAILED: ${r.error}`}; Â = ${fmtNum(r.A_hat)} ± ${fmtNum(r.sigma_A)}, A_up = ${fmtNum(r.A_up)}, ε²_up = ${fmtNum(r.eps2_up)}, Z = ${fmtNum(r.Z_analytic)}\n`;
}

export function registerStudies(bump: Command): void {
  common(bump.command("observed-display").description("the per-mass fit on the observed spectrum at one mass: context and window-residual figures, numbers JSON (with --config and no --dataset: every enabled dataset active there and their combination)"))
    .requiredOption("--mass <GeV>", "mass hypothesis in GeV")
    .option("-o, --output-dir <dir>", "output folder (files under <dir>/mXXXMeV/)", "out/bump/observed_display")
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
      const j = job(o, { massMin: m, massMax: m });
      const r = await observedDisplay(await prepareDataset(j), m, o.outputDir);
      if (o.json) return printJson(r);
      process.stdout.write(`${observedLine(r, m)}wrote ${r.files.join(", ")}\n`);
    });

  common(bump.command("extract-display").description("one injected pseudo-experiment per (mass, z·σ_A,ref), extracted with the profiled fit; figures and JSON"))
    .requiredOption("--masses <GeV>", "masses, e.g. 0.04,0.08")
    .option("--strengths <z>", "injected strengths in units of σ_A,ref", "3,5,7")
    .option("--seed <s>", "base seed of the blake2b point seeds", "271828")
    .option("--inj-mode <m>", "signal counts: multinomial or poisson", "multinomial")
    .option("--no-refit", "fit with the nominal GP instead of refitting on the toy")
    .option("--gp-restarts <n>", "extra GP starts of the refit", "0")
    .option("--train-nsigma <k>", "GP training exclusion half-width (default: the blind width)")
    .option("--toy-index <i>", "background = this functional-form toy instead of Poisson(GP mean)")
    .option("--toy-root <file>", "ROOT file of the functional-form toys (default: the dataset's file)")
    .option("--container <dir>", "toy directory (default: the primary function)")
    .option("-o, --output-dir <dir>", "output folder", "out/bump/extraction_display")
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
            res.push(await extractDisplayCombined(ps, m, { z, seed: int("--seed", o.seed)!, injectMode: choice<InjectMode>("--inj-mode", o.injMode, ["poisson", "multinomial"]), refit: o.refit, restarts: int("--gp-restarts", o.gpRestarts)!, trainNSigma: num("--train-nsigma", o.trainNsigma) }, join(o.outputDir, "combined"), plan.alpha));
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
        res.push(await extractDisplay(p, m, { z, seed: int("--seed", o.seed)!, injectMode: choice<InjectMode>("--inj-mode", o.injMode, ["poisson", "multinomial"]), refit: o.refit, restarts: int("--gp-restarts", o.gpRestarts)!, trainNSigma: num("--train-nsigma", o.trainNsigma), background }, join(o.outputDir, j.dataset)));
      }
      if (o.json) return printJson(res);
      process.stdout.write(table([["mass [GeV]", "z", "A_inj", "Â", "σ_A", "Ẑ", "pull", "refit ok", "error"], ...res.map((r) => [String(r.mass_GeV), r.z_inj, r.A_inj, r.A_hat, r.sigma_A, r.Zhat, r.pull, String(r.refit_ok), r.error])]) + "\n");
      process.stdout.write(`wrote ${res.reduce((a, r) => a + r.files.length, 0)} files to ${join(o.outputDir, j.dataset)}\n`);
    });

  bump.command("project-eps2-reach").description("projected ε² reach for larger data sets from per-dataset limit bands (spec §13)")
    .requiredOption("-i, --input-csv <file>", "band or scan CSV(s) with dataset, mass and ε² columns (repeatable)", collect, [])
    .option("-o, --output <base>", "figure base name (.png/.pdf) and CSV", "projected_unblinded_reach_eps2")
    .option("--scale-2015 <S>", "luminosity scale of 2015", "1")
    .option("--scale-2016 <S>", "luminosity scale of 2016", "10")
    .option("--scale-2021 <S>", "luminosity scale of 2021", "100")
    .option("--json", "print the rows as JSON")
    .action(async (o: { inputCsv: string[]; output: string; scale2015: string; scale2016: string; scale2021: string; json?: boolean }) => {
      const tables = o.inputCsv.map((f) => ({ f, t: readCsv(f) }));
      const columns = [...new Set(tables.flatMap((x) => x.t.columns))];
      const rows = tables.flatMap((x) => x.t.rows);
      const scales = { "2015": num("--scale-2015", o.scale2015)!, "2016": num("--scale-2016", o.scale2016)!, "2021": num("--scale-2021", o.scale2021)! };
      for (const [k, v] of Object.entries(scales)) if (!(v > 0)) throw new InputError("", `--scale-${k}`, `must be positive (got ${v})`);
      const r = projectReach(rows, columns, scales, o.inputCsv.join(","));
      const base = o.output.replace(/\.(png|pdf|csv)$/, "");
      const { writeFileSync, mkdirSync } = await import("node:fs");
      const { dirname } = await import("node:path");
      const { csvText } = await import("../io/csv.ts");
      mkdirSync(dirname(resolve(base)), { recursive: true });
      writeFileSync(`${base}.csv`, csvText(r.columns, r.rows));
      const figs = await reachFigure(r, base);
      if (o.json) return printJson({ datasets: r.datasets, bands: r.bands, rows: r.rows, files: [`${base}.csv`, ...figs] });
      const band = r.bands.includes("med") ? "med" : r.bands[0];
      process.stdout.write(table([["mass [GeV]", `current ${band}`, `projected ${band}`, "gain"], ...r.rows.map((x) => [String(x.mass_GeV), x[`current_${band}`], x[`projected_${band}`], x[`current_${band}`] / x[`projected_${band}`]])]) + "\n");
      process.stdout.write(`wrote ${base}.csv and ${figs.join(", ")}\n`);
    });

  common(bump.command("bands-refit").description("expected upper-limit bands with the GP refitted on every full-range toy (spec §11.1 mode B); ul_bands_<d>_refit_<mode>.csv; -d combined with --config: the combination's ε² bands (§11.2 refit mode)"))
    .option("--mass-min <GeV>", "lowest mass")
    .option("--mass-max <GeV>", "highest mass")
    .option("--step <GeV>", "grid step", "0.001")
    .option("--toys <n>", "pseudo-experiments per mass", "100")
    .option("--seed <s>", "random seed", "12345")
    .option("--full-toy-bkg-mode <mode>", "poisson or fixed_total_multinomial", "poisson")
    .option("--refit-restarts <n>", "extra GP starts per refit", "0")
    .option("--no-refit-optimize", "keep the kernel at its initial values in the refits")
    .option("--train-nsigma <k>", "GP training exclusion half-width (default: the blind width)")
    .option("--chunk <n>", "toys per unit of work", "10")
    .option("--output-dir <dir>", "output folder", "out/bump")
    .option("--workers <n>", "worker threads (default: all cores)")
    .action(async (o: BumpCli & { massMin?: string; massMax?: string; step: string; toys: string; seed: string; fullToyBkgMode: string; refitRestarts: string; refitOptimize: boolean; trainNsigma?: string; chunk: string; outputDir: string }) => {
      if (o.dataset === "combined") return combinedRefitBands(o);
      const j = job(o, { massMin: num("--mass-min", o.massMin), massMax: num("--mass-max", o.massMax), step: num("--step", o.step) });
      let mode;
      try { mode = parseFullToyMode(o.fullToyBkgMode); } catch (e) { throw new InputError("", "--full-toy-bkg-mode", (e as Error).message); }
      const r: RefitBandJob = { job: j, nToys: int("--toys", o.toys, 1)!, seed: int("--seed", o.seed)!, mode, restarts: int("--refit-restarts", o.refitRestarts)!, optimize: o.refitOptimize,
        trainNSigma: num("--train-nsigma", o.trainNsigma), alpha: j.options.alpha ?? 0.05, chunk: int("--chunk", o.chunk, 1)! };
      const nChunks = Math.ceil(r.nToys / r.chunk);
      const tasks = j.masses.flatMap((_, i) => Array.from({ length: nChunks }, (_, k) => ({ i, k })));
      const bar = new Progress(tasks.length, `bands-refit ${j.dataset}`);
      const t0 = performance.now();
      const workers = workersOf(o);
      const parts = await runPool<{ i: number; k: number }, RefitChunk>({ module: new URL("../bumphunt/full-toys.ts", import.meta.url).href, factory: "refitBandsRunner", args: r }, tasks, workers, () => bar.tick());
      bar.finish();
      const kB = j.options.blindNSigma ?? 1.64;
      const rows = j.masses.map((m, i) => {
        const ch = parts.slice(i * nChunks, (i + 1) * nChunks);
        const ob = ch[0].observed;
        const lim = ch.flatMap((c) => c.limits);
        const s = summariseBands(lim, ob?.A_obs, ob?.K);
        const e2 = s.eps2 ?? { lo2: NaN, lo1: NaN, med: NaN, hi1: NaN, hi2: NaN, mean: NaN };
        return {
          dataset: j.dataset, mass_GeV: m, sigma_mass_res_GeV: ob?.sigma ?? NaN, cls_alpha: r.alpha, eps2_obs: ob ? ob.A_obs / ob.K : NaN, A_obs: ob?.A_obs ?? NaN, p0_analytic: ob?.p0 ?? NaN, Z_analytic: ob?.Z ?? NaN,
          eps2_lo2: e2.lo2, eps2_lo1: e2.lo1, eps2_med: e2.med, eps2_hi1: e2.hi1, eps2_hi2: e2.hi2, eps2_mean: e2.mean,
          A_lo2: s.A.lo2, A_lo1: s.A.lo1, A_med: s.A.med, A_hi1: s.A.hi1, A_hi2: s.A.hi2, A_mean: s.A.mean, p_strong: s.p_strong, p_weak: s.p_weak, p_two: s.p_two,
          n_toys: lim.length, n_failed: s.n_failed, n_refit_failed: ch.reduce((a, c) => a + c.refitFailed, 0), cls_statistic: "tilde_q_mu", cls_calibration: "asymptotic", global_method: "sidak_approx",
          bands_refit_gp_on_toy: "True", bands_train_exclude_nsigma: r.trainNSigma ?? kB, bands_refit_restarts: r.restarts, bands_refit_optimize: r.optimize ? "True" : "False", bands_full_toy_bkg_mode: mode,
          error: ch.find((c) => c.error)?.error ?? "",
        };
      });
      const { mkdirSync, writeFileSync } = await import("node:fs");
      const { csvText } = await import("../io/csv.ts");
      mkdirSync(o.outputDir, { recursive: true });
      const file = join(o.outputDir, `ul_bands_${j.dataset}_refit_${mode}.csv`);
      writeFileSync(file, csvText(Object.keys(rows[0]), rows));
      const seconds = (performance.now() - t0) / 1000;
      const failed = rows.reduce((a, x) => a + x.n_failed, 0), refitFailed = rows.reduce((a, x) => a + x.n_refit_failed, 0);
      if (o.json) return printJson({ rows, seconds, failed_toys: failed, refit_failed_toys: refitFailed, file });
      process.stdout.write(`${j.dataset}: refit bands at ${rows.length} masses × ${r.nToys} toys (${mode}) in ${seconds.toFixed(1)} s; ${failed} toys failed, ${refitFailed} refits failed (nominal background used)\n`);
      process.stdout.write(table([["mass [GeV]", "A_obs", "A −2σ", "A −1σ", "A med", "A +1σ", "A +2σ", "failed"], ...rows.map((x) => [String(x.mass_GeV), x.A_obs, x.A_lo2, x.A_lo1, x.A_med, x.A_hi1, x.A_hi2, x.n_failed])]) + "\n");
      process.stdout.write(`wrote ${file}\n`);
    });

  common(bump.command("inject").description("signal injection / extraction closure (spec §12): per-toy and summary CSVs, closure figures"))
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
    .option("--container <dir>", "funcform mode: toy directory (default: the primary function)")
    .option("--seed <s>", "base seed of the blake2b point seeds", "314159")
    .option("--aggregate-every <n>", "toys per unit of work", "100")
    .option("--no-write-toy-csv", "do not write inj_extract_toys_<d>.csv")
    .option("--no-plots", "skip the closure figures")
    .option("--output-dir <dir>", "output folder (files go to <dir>/injection_extraction)", "out/bump")
    .option("--workers <n>", "worker threads (default: all cores)")
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
      const { writeFileSync } = await import("node:fs");
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
          base, masses: masses.filter((m) => base.masses.some((x) => Math.abs(x - m) < 1e-9) || !combined), strengths, strengthMode, nToys, seed: int("--seed", o.seed)!,
          injectMode: choice<InjectMode>("--inj-mode", o.injMode, ["poisson", "multinomial"]),
          toyMode, shapeMode: choice("--shape-mode", o.shapeMode, ["full", "window"] as const), trainNSigma: num("--train-nsigma", o.trainNsigma),
          refitRestarts: int("--refit-restarts", o.refitRestarts)!, refitOptimize: o.refitOptimize, sigmaASource: choice("--sigma-a-source", o.sigmaASource, ["asimov", "poisson"] as const),
          chunk: int("--aggregate-every", o.aggregateEvery, 1)!, funcform,
        };
        const bar = new Progress(ij.masses.length * strengths.length * nToys, `inject ${base.dataset}`);
        const r = await runInjection(ij, { outDir, workers: workersOf(o), writeToys: o.writeToyCsv || combined, onToys: (n) => bar.tick(n) });
        bar.finish();
        runs.push({ dataset: base.dataset, ij, r });
      }
      let summaryAll = runs.map((x, k) => (k === 0 ? readFileSyncText(x.r.summaryCsv) : readFileSyncText(x.r.summaryCsv).split("\n").slice(1).join("\n"))).join("");
      let combinedSummaries: SummaryRecord[] = [];
      if (combined) {
        const l = loadInjection(outDir, [...bases.map((b) => b.dataset), "combined"], o.combinedPolicy);
        const { csvText } = await import("../io/csv.ts");
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

  bump.command("inject-plot").description("merge injection CSVs, re-summarise and draw the closure figures (linearity, bias, pull width, coverage, pulls, Ẑ calibration)")
    .requiredOption("-i, --input-dir <dir>", "folder with inj_extract_toys_*.csv / inj_extract_summary_*.csv")
    .option("-o, --output-dir <dir>", "figure folder (default: <input>/plots)")
    .option("-d, --dataset <d>", "only this dataset (repeatable)", collect, [])
    .option("--json", "print the merged summary as JSON")
    .action(async (o: { inputDir: string; outputDir?: string; dataset: string[]; json?: boolean }) => {
      const l = loadInjection(o.inputDir, o.dataset);
      const out = o.outputDir ?? join(o.inputDir, "plots");
      const { writeFileSync, mkdirSync } = await import("node:fs");
      mkdirSync(out, { recursive: true });
      const { SUMMARY_COLUMNS } = await import("../bumphunt/inject-study.ts");
      const { csvText } = await import("../io/csv.ts");
      writeFileSync(join(out, "inj_extract_summary_merged.csv"), csvText(SUMMARY_COLUMNS, l.summaries));
      const figures = await injectionPlots(l, out);
      const nFailed = l.summaries.reduce((a, s) => a + Number(s.n_failed), 0);
      if (o.json) return printJson({ n_points: l.summaries.length, n_toy_rows: l.n_toy_rows, n_duplicates: l.n_duplicates, n_failed: nFailed, files: l.files, figures: figures.length, summaries: l.summaries });
      process.stdout.write(`${l.files.length} files, ${l.n_toy_rows} toys (${l.n_duplicates} duplicates dropped), ${l.summaries.length} points, ${nFailed} failed toys\n`);
      process.stdout.write(injectionTable(l.summaries) + "\n");
      process.stdout.write(`wrote ${join(out, "inj_extract_summary_merged.csv")} and ${figures.length} figure files in ${out}\n`);
    });

  scanOptions(bump.command("toy-scan").description("scan functional-form background toys (ROOT TH1s) exactly as the observed spectrum; per-toy results_single.csv"))
    .option("--toy-root <file>", "ROOT file with the toys (default: the dataset's funcform_<d>_toys.root)")
    .option("--container <dir>", "directory of the toys (default: fit_metadata/primary_function_tag, else fShiftSigPowTail / fSigPowExpQ)")
    .option("--toy-pattern <glob>", "histogram name glob inside the container", "*")
    .option("--toy-name-fmt <fmt>", "explicit names, e.g. \"{container}_toy_{i}\" (with --toy-index)")
    .option("--max-toys <n>", "scan at most the first n matching toys")
    .action(async (o: ToyScanCli & { toyRoot?: string; container?: string; toyPattern: string; toyNameFmt?: string; maxToys?: string }) => {
      const j = scanJobOf(o);
      const root = o.toyRoot ? resolve(o.toyRoot) : j.file;
      if (!existsSync(root)) throw new InputError(root, "--toy-root", "ROOT file not found");
      const container = o.container ?? (await defaultContainer(root, o.dataset));
      const toys = await discoverToys(root, { container, pattern: o.toyPattern, nameFmt: o.toyNameFmt, indices: o.toyIndex.map((s) => int("--toy-index", s)!), maxToys: int("--max-toys", o.maxToys) });
      await runEnsemble({ base: j, ensemble: { sourceModel: "functional_form", root, container, functionTag: container, label: `${container} functional-form toys`, toys } }, o, "toy-scan");
    });

  scanOptions(bump.command("gp-toy-scan").description("scan toys drawn from one GP fitted to the whole spectrum (Poisson or fixed-total multinomial)"))
    .option("--n-toys <n>", "toys 0 … n−1 (unless --toy-index)", "1000")
    .option("--seed <s>", "base seed: toy i uses (seed + 1000003 i) mod (2^31 − 1)", "12345")
    .option("--full-toy-bkg-mode <mode>", "poisson or fixed_total_multinomial", "poisson")
    .option("--gp-restarts <n>", "extra starts of the full-range GP fit (default: --restarts)")
    .action(async (o: ToyScanCli & { nToys: string; seed: string; fullToyBkgMode: string; gpRestarts?: string }) => {
      const j = scanJobOf(o);
      let mode;
      try { mode = parseFullToyMode(o.fullToyBkgMode); } catch (e) { throw new InputError("", "--full-toy-bkg-mode", (e as Error).message); }
      const indices = o.toyIndex.length ? o.toyIndex.map((s) => int("--toy-index", s)!) : Array.from({ length: int("--n-toys", o.nToys, 1)! }, (_, i) => i);
      const p = await prepareDataset(j);
      const gp = fitFullRangeGp(p, int("--gp-restarts", o.gpRestarts) ?? int("--restarts", o.restarts) ?? 0);
      const seedBase = int("--seed", o.seed)!;
      await runEnsemble({ base: j, ensemble: gpEnsemble(j.file, indices, { muFull: gp.muFull, total: gp.total, mode, seedBase, kernel: gp.kernel }) }, o, "gp-toy-scan");
    });

  bump.command("toy-scan-merge").description("merge toy-scan folders: toy_scan_merged.csv and toy_scan_summary.csv (n_fail per toy, max Z, min p0)")
    .requiredOption("-i, --input-dir <dir>", "folder searched recursively for toy_metadata.json")
    .option("-o, --output-dir <dir>", "where to write the merged CSVs (default: the input folder)")
    .option("--json", "print the summary as JSON")
    .action((o: { inputDir: string; outputDir?: string; json?: boolean }) => {
      const m = mergeToyScans(resolve(o.inputDir));
      const files = writeMerge(o.outputDir ?? o.inputDir, m);
      if (o.json) return printJson({ n_toys: m.n_toys, n_with_results: m.n_with_results, n_fail_total: m.n_fail_total, n_rows: m.merged.rows.length, summary: m.summary, files });
      process.stdout.write(`${m.n_toys} toys (${m.n_with_results} with results, ${m.n_toys - m.n_with_results} without), ${m.merged.rows.length} rows, ${m.n_fail_total} failed masses\n`);
      process.stdout.write(summaryTable(m.summary) + "\n");
      process.stdout.write(`wrote ${files.merged} and ${files.summary}\n`);
    });

  bump.command("toy-scan-plot").description("toy-scan validation figures (median + 68/95% bands, or every toy for small ensembles) and a summary table")
    .requiredOption("--merged-csv <file>", "toy_scan_merged.csv")
    .option("--summary-csv <file>", "toy_scan_summary.csv (default: derived from the merged rows)")
    .requiredOption("-o, --output-dir <dir>", "figure folder")
    .option("--stem-prefix <s>", "figure name prefix", "toy_scan_validation")
    .option("--band-min <n>", "ensembles with at least n toys are drawn as bands", "20")
    .option("--json", "print the summary as JSON")
    .action(async (o: { mergedCsv: string; summaryCsv?: string; outputDir: string; stemPrefix: string; bandMin: string; json?: boolean }) => {
      const merged = readCsv(o.mergedCsv);
      requireColumns(o.mergedCsv, merged.columns, ["dataset", "toy_index", "mass_GeV", "Z_analytic", "p0_analytic", "eps2_up", "A_up", "extract_success"]);
      let summary: SummaryRow[];
      if (o.summaryCsv) {
        const s = readCsv(o.summaryCsv);
        requireColumns(o.summaryCsv, s.columns, ["dataset", "toy_index", "n_fail", "max_Z_analytic"]);
        summary = s.rows.map((r) => ({ ...r, toy_index: cellNum(r.toy_index), n_masses: cellNum(r.n_masses), n_fail: cellNum(r.n_fail), max_Z_analytic: cellNum(r.max_Z_analytic), mass_at_max_Z: cellNum(r.mass_at_max_Z), min_p0_analytic: cellNum(r.min_p0_analytic), max_Z_global: cellNum(r.max_Z_global) }) as unknown as SummaryRow);
      } else summary = summaryFromMerged(merged.rows);
      const files = await toyScanPlots(merged.rows, summary, { outDir: o.outputDir, stemPrefix: o.stemPrefix, bandMin: int("--band-min", o.bandMin, 1) });
      if (o.json) return printJson({ summary, files });
      process.stdout.write(summaryTable(summary) + "\n");
      process.stdout.write(`wrote ${files.length} figure files to ${o.outputDir}\n`);
    });
}

type RefitCli = BumpCli & { massMin?: string; massMax?: string; step: string; toys: string; seed: string; fullToyBkgMode: string; refitRestarts: string; refitOptimize: boolean; trainNsigma?: string; chunk: string; outputDir: string; workers?: string };

/** `bands-refit -d combined`: ε² bands of the combination with per-dataset Poisson toys and GP refits (spec §11.2). */
async function combinedRefitBands(o: RefitCli): Promise<void> {
  if (!o.config) throw new InputError("", "--dataset", "combined needs --config (the enabled datasets are combined)");
  if (o.fullToyBkgMode !== "poisson") throw new InputError("", "--full-toy-bkg-mode", "the combined refit bands use Poisson toys per dataset (hps_gpr §11.2); drop the option");
  const plan = scanPlan({ ...o, datasetFromDefault: true }, { massMin: num("--mass-min", o.massMin), massMax: num("--mass-max", o.massMax), step: num("--step", o.step) });
  const r: CombinedRefitJob = {
    jobs: plan.jobs, grid: plan.grid, nToys: int("--toys", o.toys, 1)!, seed: int("--seed", o.seed)!, restarts: int("--refit-restarts", o.refitRestarts)!, optimize: o.refitOptimize,
    trainNSigma: num("--train-nsigma", o.trainNsigma), alpha: plan.alpha, chunk: int("--chunk", o.chunk, 1)!,
  };
  const nChunks = Math.ceil(r.nToys / r.chunk);
  const tasks = r.grid.flatMap((_, i) => Array.from({ length: nChunks }, (_, k) => ({ i, k })));
  const bar = new Progress(tasks.length, "bands-refit combined");
  const t0 = performance.now();
  const parts = await runPool<{ i: number; k: number }, CombinedRefitChunk>({ module: new URL("../bumphunt/combined-bands.ts", import.meta.url).href, factory: "combinedRefitBandsRunner", args: r }, tasks, o.workers ? int("--workers", o.workers, 1) : defaultWorkers(), () => bar.tick());
  bar.finish();
  const rows = combinedRefitRows(r, parts);
  const { mkdirSync, writeFileSync } = await import("node:fs");
  const { csvText } = await import("../io/csv.ts");
  mkdirSync(o.outputDir, { recursive: true });
  const file = join(o.outputDir, "ul_bands_combined_all_refit_poisson.csv");
  writeFileSync(file, csvText([...COMBINED_BAND_COLUMNS.filter((c) => !c.startsWith("ul_") && !c.startsWith("toy_") && c !== "error"), "n_refit_failed", "error"], rows as unknown as Record<string, unknown>[]));
  const seconds = (performance.now() - t0) / 1000;
  const failed = rows.reduce((a, x) => a + x.n_failed, 0), refitFailed = rows.reduce((a, x) => a + x.n_refit_failed, 0);
  if (o.json) return printJson({ rows, seconds, failed_toys: failed, refit_failed_toys: refitFailed, file });
  process.stdout.write(`combined: refit bands at ${rows.length} masses × ${r.nToys} toys in ${seconds.toFixed(1)} s; ${failed} toys failed, ${refitFailed} refits failed (nominal background used)\n`);
  process.stdout.write(table([["mass [GeV]", "datasets", "ε² obs", "−2σ", "−1σ", "median", "+1σ", "+2σ", "failed"], ...rows.map((x) => [String(x.mass_GeV), x.dataset_set, x.eps2_obs, x.eps2_lo2, x.eps2_lo1, x.eps2_med, x.eps2_hi1, x.eps2_hi2, x.n_failed])]) + "\n");
  process.stdout.write(`wrote ${file}\n`);
}

type InjectCli = BumpCli & {
  masses?: string; strengths: string; strengthMode?: string; nToys: string; injMode: string; toyMode: string; shapeMode: string; trainNsigma?: string; refitRestarts: string;
  refitOptimize: boolean; sigmaASource: string; toyRoot?: string; container?: string; seed: string; aggregateEvery: string; writeToyCsv: boolean; plots: boolean; outputDir: string;
  workers?: string; combinedPolicy?: { policy: "intersection" | "union_min_n"; minContrib: number };
};

/**
 * hps-gpr reads the injection settings from the configuration (inj_*, funcform_closure_*; spec
 * §16): every key the configuration sets explicitly becomes the default of its option here;
 * an option given on the command line wins.
 */
function injectDefaultsFromConfig(o: InjectCli, cmd: Command): void {
  const cfg = loadConfig(o.config!);
  const v = cfg.values, given = (k: string) => cfg.given.has(k);
  const fromCli = (opt: string) => cmd.getOptionValueSource(opt) === "cli";
  const list = (x: unknown) => (x as number[]).join(",");
  if (!fromCli("masses") && given("inj_masses_gev")) o.masses = list(v.inj_masses_gev);
  if (o.datasetFromDefault !== false && given("inj_dataset_key")) { o.dataset = v.inj_dataset_key as string; o.datasetFromDefault = false; }
  const sigmaA = (fromCli("strengthMode") ? o.strengthMode : v.inj_strength_mode) === "sigmaA";
  if (!fromCli("strengths")) {
    if (sigmaA && given("inj_sigma_multipliers")) o.strengths = list(v.inj_sigma_multipliers);
    else if (!sigmaA && given("inj_strengths")) o.strengths = list(v.inj_strengths);
    else if (sigmaA && given("inj_strength_mode")) o.strengths = list(v.inj_sigma_multipliers);
  }
  if (!fromCli("strengthMode") && given("inj_strength_mode")) o.strengthMode = v.inj_strength_mode as string;
  if (!fromCli("injMode") && given("inj_mode")) o.injMode = v.inj_mode as string;
  if (!fromCli("sigmaASource") && given("inj_sigma_a_source")) o.sigmaASource = v.inj_sigma_a_source as string;
  if (!fromCli("shapeMode") && given("inj_shape_mode")) o.shapeMode = v.inj_shape_mode as string;
  if (!fromCli("refitRestarts") && given("inj_refit_gp_restarts")) o.refitRestarts = String(v.inj_refit_gp_restarts);
  if (!fromCli("refitOptimize") && given("inj_refit_gp_optimize")) o.refitOptimize = v.inj_refit_gp_optimize as boolean;
  if (!fromCli("trainNsigma") && given("inj_train_exclude_nsigma") && v.inj_train_exclude_nsigma !== null) o.trainNsigma = String(v.inj_train_exclude_nsigma);
  if (!fromCli("aggregateEvery") && given("inj_aggregate_every")) o.aggregateEvery = String(v.inj_aggregate_every);
  if (!fromCli("writeToyCsv") && given("inj_write_toy_csv")) o.writeToyCsv = v.inj_write_toy_csv as boolean;
  // Toy mode: functional-form closure (refit or fixed background), else GP-mean refit, else conditional.
  if (!fromCli("toyMode") && (given("funcform_closure_enable") || given("inj_refit_gp_on_toy"))) {
    const refit = v.inj_refit_gp_on_toy === true;
    o.toyMode = v.funcform_closure_enable === true ? (refit ? "funcform" : "funcform_fixed_bg") : refit ? "full_refit" : "conditional";
  }
  const d = o.dataset;
  const byDs = (k: string) => (v[k] as Record<string, string>)[d];
  if (!fromCli("toyRoot") && byDs("funcform_closure_root_by_dataset")) o.toyRoot = resolve(cfg.dir, byDs("funcform_closure_root_by_dataset"));
  if (!fromCli("container") && byDs("funcform_closure_container_by_dataset")) o.container = byDs("funcform_closure_container_by_dataset");
  o.combinedPolicy = { policy: v.inj_combined_mass_policy as "intersection" | "union_min_n", minContrib: v.inj_combined_min_n_contrib as number };
}

