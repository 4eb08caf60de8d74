// Full hps_gpr mass scans from the example configurations (examples/bump/*.yaml) on the real
// HPS spectra of ../shared/hps: 1 MeV steps over each dataset's production range, blind
// 1.64σ, asymptotic CLs, and the three-way combination with a shared ε² (spec §8–§10), on the
// worker pool with 2 workers. Wall times include validation, every mass point, the
// combination, results_*.csv, per-mass numbers.json and the summary figures.
// BUMP_SCAN_EVERY=k (environment) scans every k-th grid mass only, for a loaded machine; the
// row then says so and gives the full-scan estimate (compute time × full/subset mass points).
// BUMP_SCAN_CASES=hps2015,hps2021 runs only those configs; the other rows are carried over from
// the current BENCHMARKS.md unchanged.
import { existsSync, readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { loadConfig, planFromConfig } from "../src/bumphunt/config.ts";
import { poolTaskExecutor } from "../src/batch/pool.ts";
import { runScanPlan } from "../src/bumphunt/scan-plan.ts";
import { CONFIG_FIELDS, validatePlan } from "../src/bumphunt/validation.ts";
import type { RestartMode } from "../src/bumphunt/gp-background.ts";
import type { BenchRow, BenchSection } from "./types.ts";

/** [label, config stem, case key (BUMP_SCAN_CASES), production restarts (n_restarts 10, n_restarts_mode)]. */
const CASES: [string, string, string, RestartMode?][] = [
  ["HPS 2015", "hps2015", "hps2015"],
  ["HPS 2015, n_restarts 10 (adaptive)", "hps2015", "hps2015_r10", "adaptive"],
  ["HPS 2015, n_restarts 10 (all starts, as hps_gpr)", "hps2015", "hps2015_r10_all", "all"],
  ["HPS 2016 (10%)", "hps2016", "hps2016"],
  ["HPS 2021 (1%)", "hps2021", "hps2021"],
  ["2015 + 2016 + 2021 combined", "hps_combined", "hps_combined"],
];
/** scikit-learn's 10-restart fit of one HPS 2015 window (n = 284), BENCHMARKS.md GP section. */
const SKLEARN_FIT_N10_2015 = 1.07;

/** How two results tables differ, the gp_starts* columns aside: differing cells and the largest relative difference. */
function tableDifference(a: Record<string, unknown>[], b: Record<string, unknown>[]): string {
  if (a.length !== b.length) return `${a.length} vs ${b.length} rows`;
  let cells = 0, differ = 0, worst = 0;
  a.forEach((ra, i) => {
    for (const [k, va] of Object.entries(ra)) {
      if (k.startsWith("gp_starts")) continue;
      const vb = b[i][k];
      cells++;
      if (Object.is(va, vb) || JSON.stringify(va) === JSON.stringify(vb)) continue;
      differ++;
      if (typeof va === "number" && typeof vb === "number") worst = Math.max(worst, Math.abs(va - vb) / Math.max(Math.abs(va), Math.abs(vb), 1e-300));
      else worst = Infinity;
    }
  });
  return `${differ} of ${cells} cells differ (gp_starts columns aside)${differ ? `, largest relative difference ${worst.toExponential(1)}` : ""}`;
}

export async function run(): Promise<BenchSection> {
  const rows: BenchRow[] = [];
  // HPS 2015's rows without restarts, to compare the restart modes' tables with (same masses).
  let noRestarts: Record<string, unknown>[] | null = null;
  const shared = fileURLToPath(new URL("../../shared/hps", import.meta.url));
  if (existsSync(shared)) {
    const only = process.env.BUMP_SCAN_CASES?.split(",").map((x) => x.trim()).filter(Boolean);
    for (const [label, stem, key, mode] of CASES) {
      if (only && !only.includes(key)) {
        const kept = previousRow(label);
        if (kept) rows.push(kept);
        continue;
      }
      const cfg = loadConfig(fileURLToPath(new URL(`../examples/bump/${stem}.yaml`, import.meta.url)));
      const plan = planFromConfig(cfg, { outputDir: fileURLToPath(new URL(`../out/bench/${key}`, import.meta.url)), workers: 2, ...(mode ? { restarts: 10 } : {}) });
      if (mode) for (const j of plan.jobs) j.options.gp = { ...j.options.gp, restartMode: mode };
      const gp = plan.jobs[0].options.gp ?? {};
      const restarts = `n_restarts ${gp.nRestarts}${(gp.nRestarts ?? 0) > 0 ? ` (${gp.restartMode ?? "adaptive"})` : ""}`;
      const every = Math.max(1, Math.floor(Number(process.env.BUMP_SCAN_EVERY ?? 1)));
      const fullPoints = plan.jobs.reduce((a, j) => a + j.masses.length, 0);
      if (every > 1) {
        plan.grid = plan.grid.filter((_, i) => i % every === 0);
        for (const j of plan.jobs) j.masses = j.masses.filter((m) => plan.grid.includes(m));
      }
      const load0 = loadavg()[0];
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      await validatePlan(plan, CONFIG_FIELDS(cfg.file));
      const out = await runScanPlan(plan, { executor: poolTaskExecutor(2) });
      const wall = (performance.now() - t0) / 1000;
      const single = [...out.single.values()].flat();
      const cpu = process.cpuUsage(cpu0);
      const cpuSeconds = (cpu.user + cpu.system) / 1e6; // this process, worker threads included
      const load1 = loadavg()[0];
      const starts = single.length ? single.reduce((a, r) => a + (Number.isFinite(r.gp_starts) ? r.gp_starts : 0), 0) / single.length : NaN;
      const disagree = single.filter((r) => r.gp_starts_disagree > 0).length;
      if (key === "hps2015") noRestarts = single as unknown as Record<string, unknown>[];
      const sameAs0 = mode && noRestarts && stem === "hps2015" ? tableDifference(noRestarts, single as unknown as Record<string, unknown>[]) : "";
      const failed = single.filter((r) => r.visibility === "error").length + out.combined.filter((r) => r.visibility === "error").length;
      const parts = plan.jobs.map((j) => `${j.dataset}: ${j.masses.length}`).join(", ");
      process.stderr.write(`bench: ${stem} ${wall.toFixed(1)} s\n`);
      rows.push({
        case: label,
        what: `${every > 1 ? `every ${every}th grid mass: ` : "full scan, "}${single.length} mass points (${parts})${out.combined.length ? ` + ${out.combined.length} combined` : ""}, rebin ${plan.jobs[0].rebin}, 2 workers`,
        ours: wall, peer: null,
        note: `${every > 1 ? `SUBSET of the ${fullPoints}-point scan: full scan ≈ ${((out.seconds * fullPoints) / single.length / 60).toFixed(0)} min of compute at this load; ` : ""}compute ${out.seconds.toFixed(0)} s + outputs, CPU ${cpuSeconds.toFixed(0)} s (both threads); blind 1.64σ, asymptotic CLs, ${restarts}: ${starts.toFixed(1)} GP starts per mass, ${disagree} masses with disagreeing starts;${sameAs0 ? ` against n_restarts 0: ${sameAs0};` : ""} ${failed} failed rows; load average ${load0.toFixed(1)} → ${load1.toFixed(1)}${Math.max(load0, load1) > 3 ? " (2 cores shared with other jobs)" : ""}; hps_gpr: one SLURM job per mass (spec §20)${mode ? `; its 10-restart GP fit alone is ${SKLEARN_FIT_N10_2015} s per mass (scikit-learn, gp bench) → ≈ ${Math.round(SKLEARN_FIT_N10_2015 * single.length)} s on one core` : ""}`,
      });
    }
  }
  return {
    title: "Bump hunt full scans from the example configs (`npm run bench -- bump-scan`)",
    peerName: "hps_gpr runs these as one SLURM job per mass (spec §20); no wall time of a whole scan is recorded",
    rows,
  };
}

/** The row of `label` in this section of the current BENCHMARKS.md, if any (kept when not re-run). */
function previousRow(label: string): BenchRow | undefined {
  const file = fileURLToPath(new URL("../BENCHMARKS.md", import.meta.url));
  if (!existsSync(file)) return undefined;
  const section = readFileSync(file, "utf8").split(/^(?=## )/m).find((p) => p.startsWith("## Bump hunt full scans"));
  const line = section?.split("\n").find((l) => l.startsWith(`| ${label} |`));
  if (!line) return undefined;
  const cells = line.split(" | ");
  const seconds = (t: string) => (t.endsWith(" ms") ? Number(t.slice(0, -3)) / 1e3 : Number(t.replace(/ s$/, "")));
  return { case: label, what: cells[1], ours: seconds(cells[2]), peer: null, note: cells.slice(5).join(" | ").replace(/ \|$/, "") };
}
