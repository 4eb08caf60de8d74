// Certified marginal-likelihood limit scans (spec §3.4): all priors (normal, normal_log, cabinetry,
// cabinetry_post, linspace, MCMC histogram, delta) × observed + three expected data, 201-point
// grids, rtol 1e-3 (Z(0) at 1e-4), for hb_2019 SRB and compressed_2020 SR_E_mll_20. The spec
// records no upstream timings, so there is no peer figure.
import { sharedPath } from "../test/shared.ts";
import { DATA_VARIANTS, mcmcLabel, readFitPrior, readNormalFit, readStoredScan, storedScanPath, type PriorLabel } from "../src/marginal/fit-files.ts";
import { expectedData, expectedDataDelta } from "../src/marginal/expected-data.ts";
import { scanDelta, scanPrior, type SignalGrid } from "../src/marginal/limit-scan.ts";
import type { BenchRow, BenchSection } from "./types.ts";

/** All scans of one region; returns the number of certified integrals computed. */
function allScans(fitDir: string): number {
  const st = readStoredScan(storedScanPath(fitDir, "normal", "observed"));
  const grid: SignalGrid = { start: st.start, stop: st.stop, num: 201 };
  const labels: PriorLabel[] = ["normal", "normal_log", "cabinetry", "cabinetry_post", "linspace", mcmcLabel(fitDir)!];
  let integrals = 0;
  for (const label of labels) {
    const { prior } = readFitPrior(fitDir, label);
    const ex = expectedData(prior);
    for (const v of DATA_VARIANTS) {
      const s = scanPrior(prior, v === "observed" ? st.ndata! : ex[v], grid);
      integrals += s.integrals.length + (grid.start === 0 ? 0 : 1);
    }
  }
  const fit = readNormalFit(fitDir);
  const trio = expectedDataDelta(fit.yieldLinear);
  for (const v of DATA_VARIANTS) scanDelta(fit.yieldLinear, v === "observed" ? st.ndata! : trio[v], grid);
  return integrals;
}

function cpuAndWall(fn: () => void): { wall: number; cpu: number } {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  fn();
  const c = process.cpuUsage(c0);
  return { wall: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6 };
}

export async function run(): Promise<BenchSection> {
  const rows: BenchRow[] = [];
  for (const [name, rel] of [["hb_2019 SRB (n = 3)", "atlas_susy_hb_2019/SRB"], ["compressed_2020 SR_E_mll_20 (n = 383)", "atlas_susy_compressed_2020/SR_E_mll_20"]]) {
    const fitDir = sharedPath(`discovery/searches/${rel}/fit`);
    // Warm the JIT on one scan before timing.
    scanPrior(readFitPrior(fitDir, "normal").prior, 3, { start: 0, stop: 10, num: 21 });
    let integrals = 0;
    const t = cpuAndWall(() => { integrals = allScans(fitDir); });
    rows.push({
      case: name,
      what: "all limit scans: 6 priors × (observed + 3 expected) + delta, 201 points",
      ours: t.wall,
      peer: null,
      note: `${integrals} certified integrals (${(t.wall / integrals * 1e3).toFixed(2)} ms each); CPU ${t.cpu.toFixed(2)} s (wall > CPU means a busy machine)`,
    });
  }
  return {
    title: "Marginal-likelihood limit scans (`npm run bench -- marginal`)",
    peerName: "none recorded (the spec gives no upstream timings for lebesgue/discohisto)",
    rows,
  };
}
