// `searchlight bump toy-scan|gp-toy-scan|toy-scan-merge|toy-scan-plot|inject|inject-plot|…`:
// the bump-hunt studies of hps_gpr §12–§13 on top of the per-mass scan machinery.
import type { Command } from "commander";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { InputError } from "../io/errors.ts";
import { Progress } from "../batch/progress.ts";
import { defaultWorkers, runPool } from "../batch/pool.ts";
import { defaultModel, sigmaFunction } from "../bumphunt/dataset.ts";
import { fitFullRangeGp, parseFullToyMode } from "../bumphunt/full-toys.ts";
import type { MassPointRow } from "../bumphunt/mass-point.ts";
import { prepareDataset, type ScanJob } from "../bumphunt/scan.ts";
import { cellNum, readCsv, requireColumns } from "../bumphunt/study-io.ts";
import {
  defaultContainer, discoverToys, gpEnsemble, mergeToyScans, summaryFromMerged, toyRows, toyScanPlots, writeMerge, writeToyScan,
  type SummaryRow, type ToyScanJob,
} from "../bumphunt/toy-scan.ts";
import { fmtNum, printJson, table } from "./format.ts";
import { common, job, num, type BumpCli } from "./bump.ts";

const collect = (v: string, prev: string[]) => [...prev, v];

export const int = (flag: string, v: string | undefined, min = 0): number | undefined => {
  const x = num(flag, v);
  if (x === undefined) return undefined;
  if (!Number.isInteger(x) || x < min) throw new InputError("", flag, `"${v}" is not an integer ≥ ${min}`);
  return x;
};

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

export function registerStudies(bump: Command): void {
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
