// The pages in Debian's Chromium (issue #17): how long the results browser takes to render a
// 221-point scan with bands (goal < 1 s), and the in-page upper limit on sbottom RegionA against
// the same computation in-process in Node (goal < 2×). Needs /usr/bin/chromium and ../shared.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { spawnSync } from "node:child_process";
import { csvText } from "../src/io/csv.ts";
import { SCAN_COLUMNS } from "../src/bumphunt/scan.ts";
import { loadWorkspaceInput } from "../src/histfactory/load.ts";
import { compileModel } from "../src/histfactory/model.ts";
import { upperLimitSummary } from "../src/histfactory/results.ts";
import { BIN, CHROMIUM, launch, limitInEngine, loadInEngine, newPage, serveCli, staticServer } from "../test/web/harness.ts";
import { timeIt, type BenchRow, type BenchSection } from "./types.ts";

const SBOTTOM_A = fileURLToPath(new URL("../../shared/workspaces/atlas-susy-2018-31-sbottom/RegionA/", import.meta.url));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** A 221-mass scan folder (20–240 MeV, 1 MeV step) with results_single.csv and ul_bands_A_2015.csv. */
function writeScan(dir: string): void {
  const rows: Record<string, unknown>[] = [];
  const bands: Record<string, unknown>[] = [];
  for (let i = 0; i < 221; i++) {
    const m = 0.02 + 0.001 * i;
    const aUp = 4000 * Math.exp(-8 * m) * (1 + 0.2 * Math.sin(40 * m));
    const z = Math.max(0, 1.5 * Math.sin(25 * m));
    const row: Record<string, unknown> = Object.fromEntries(SCAN_COLUMNS.map((c) => [c, 1]));
    Object.assign(row, {
      dataset: "2015", mass_GeV: m, A_up: aUp, eps2_up: aUp * 2e-9, Z_analytic: z, p0_analytic: 0.5 * Math.exp(-z * z / 2), Z_global: Math.max(0, z - 1.5),
      p0_global: 0.9, A_hat: 0.5 * aUp * Math.sin(30 * m), sigma_A: 0.5 * aUp, visibility: "observed", ls_opt: 0.05, sigma_x: 0.01, ls_lo: 0.005, ls_hi: 0.08,
      const_opt: 20, kernel_str: "C * RBF", cls_statistic: "tilde_q_mu", error: "",
    });
    rows.push(row);
    bands.push({ dataset: "2015", mass_GeV: m, A_obs: aUp, A_lo2: 0.5 * aUp, A_lo1: 0.7 * aUp, A_med: aUp, A_hi1: 1.4 * aUp, A_hi2: 2 * aUp, eps2_med: aUp * 2e-9, error: "" });
  }
  writeFileSync(join(dir, "results_single.csv"), csvText([...SCAN_COLUMNS], rows));
  writeFileSync(join(dir, "ul_bands_A_2015.csv"), csvText(Object.keys(bands[0]), bands));
}

export async function run(): Promise<BenchSection> {
  const rows: BenchRow[] = [];
  const title = "Web pages in Chromium (results browser, engine in the browser)";
  if (!CHROMIUM) return { title, peerName: "no peer offers a browser engine; Chromium not installed, nothing measured", rows };
  const dir = mkdtempSync(join(tmpdir(), "sl-webbench-"));
  const browser = await launch();
  try {
    // 1. Results browser: 221 masses with bands; the page's own timer from the first fetch of
    // the scan to the last chart and the table drawn (bundle load included), median of 5 loads.
    const scan = join(dir, "scan");
    mkdirSync(scan);
    writeScan(scan);
    const s = await serveCli(dir);
    const times: number[] = [];
    try {
      for (let k = 0; k < 6; k++) {
        const { page } = await newPage(browser, s.origin);
        await page.goto(`${s.origin}/`);
        await page.waitForSelector("#mass-table tbody tr", { timeout: 60000 });
        if (k > 0) times.push(Number(await page.evaluate("document.getElementById('view').dataset.renderMs")) / 1000);
        await page.close();
      }
    } finally {
      s.proc.kill();
    }
    const t = median(times);
    rows.push({ case: "results browser, 221-mass scan with bands", what: "render 7 interactive charts + table (page timer, charts bundle load included)", ours: t, peer: null, note: `goal < 1 s: ${t < 1 ? "met" : "MISSED"}` });

    // 2. The in-page upper limit on sbottom RegionA vs the same call in-process in Node.
    const build = spawnSync(process.execPath, [BIN, "web", "build", join(dir, "site")], { encoding: "utf8" });
    if (build.status !== 0) throw new Error(build.stderr);
    const site = await staticServer(join(dir, "site"));
    try {
      const { page } = await newPage(browser, site.origin);
      await page.goto(`${site.origin}/engine.html`);
      await loadInEngine(page, `${SBOTTOM_A}BkgOnly.json`, `${SBOTTOM_A}patch.sbottom_1300_205_60.json`);
      const pageMs: number[] = [];
      for (let k = 0; k < 4; k++) {
        const r = await limitInEngine(page);
        if (k > 0) pageMs.push(r.ms / 1000);
        await page.evaluate("document.getElementById('result').innerHTML = ''");
      }
      const input = loadWorkspaceInput({ workspace: `${SBOTTOM_A}BkgOnly.json`, patch: `${SBOTTOM_A}patch.sbottom_1300_205_60.json` });
      const model = compileModel(input.spec) as ReturnType<typeof compileModel> & { poi: number };
      const node = await timeIt(() => upperLimitSummary(model, 0.95, "qtilde"), 3);
      const inPage = median(pageMs);
      rows.push({ case: "upper limit, sbottom RegionA (64 parameters)", what: "in the page's Web Worker (median of 3 after a warm-up)", ours: inPage, peer: null, note: `${(inPage / node).toFixed(2)}× the in-process Node time; goal < 2×: ${inPage / node < 2 ? "met" : "MISSED"}` });
      rows.push({ case: "upper limit, sbottom RegionA (64 parameters)", what: "in-process in Node (upperLimitSummary, median of 3)", ours: node, peer: null, note: "" });
    } finally {
      site.server.close();
    }
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return { title, peerName: `none: no peer (pyhf, Combine, cabinetry, hps_gpr) runs in a browser. Chromium ${CHROMIUM}, headless; 1-minute load average ${loadavg()[0].toFixed(1)} on 2 cores when measured`, rows };
}
