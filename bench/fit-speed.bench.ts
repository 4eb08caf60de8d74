// Per-fit cost of HistFactory fits (#19 items 1–2), in process on one thread: the asymptotic
// hypotest on the 328-parameter off-shell workspace and the per-toy cost of toy hypotests
// (runToyBatch: sample, free fit, conditional fit — what each pool worker does per toy), with
// the default quasi-Newton fits and with the damped Newton fits (FitOptions.newton). CPU time of
// this process is recorded beside the wall time, and the load average: the machine is shared.
import { loadavg } from "node:os";
import { referenceCases, caseSpec } from "../test/histfactory/reference-cases.ts";
import { compileModel } from "../src/histfactory/model.ts";
import { hypotest } from "../src/infer/hypotest.ts";
import { ProfileFits } from "../src/infer/test-statistics.ts";
import { runToyBatch, type ToyBatch } from "../src/infer/toys.ts";
import type { BenchRow, BenchSection } from "./types.ts";

const load = () => `load ${loadavg()[0].toFixed(1)}`;
const cpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };

/** Median over `n` runs (after one warm-up) of [wall s, CPU ms]. */
function median(fn: () => unknown, n: number): [number, number] {
  fn();
  const ws: number[] = [], cs: number[] = [];
  for (let i = 0; i < n; i++) {
    const c0 = cpuMs(), t0 = performance.now();
    fn();
    ws.push((performance.now() - t0) / 1000);
    cs.push(cpuMs() - c0);
  }
  ws.sort((a, b) => a - b); cs.sort((a, b) => a - b);
  return [ws[n >> 1], cs[n >> 1]];
}

const OFFSHELL = "atlas-susy-2019-09/bkg_offshell+synthetic";
const REGION_A = "atlas-susy-2018-31-sbottom/RegionA/sbottom_1300_205_60";
const TOYS: [string, number][] = [[REGION_A, 200], [OFFSHELL, 20]];

export async function run(): Promise<BenchSection> {
  const rows: BenchRow[] = [];
  const cases = referenceCases();
  const off = cases.find((x) => x.name === OFFSHELL);
  if (off) {
    const m = compileModel(caseSpec(off), { measurement: off.measurement, modifierSettings: off.modifier_settings });
    for (const newton of [false, true]) {
      const [t, c] = median(() => hypotest(m, 1, { fit: { newton } }), 5);
      rows.push({
        case: OFFSHELL, what: `asymptotic hypotest q̃ at μ = 1 (obs + expected), in process, closed-form γ's, ${newton ? "Newton" : "quasi-Newton"} fits`, ours: t, peer: null,
        note: `${m.parameters.length} parameters; median of 5; CPU ${c.toFixed(1)} ms; ${load()}`,
      });
    }
  }
  for (const [name, ntoys] of TOYS) {
    const c = cases.find((x) => x.name === name);
    if (!c) continue;
    const m = compileModel(caseSpec(c), { measurement: c.measurement, modifierSettings: c.modifier_settings });
    const obs = new ProfileFits(m, m.observed);
    const sb = Array.from(obs.fixedAt(1).pars), b = Array.from(obs.fixedAt(0).pars);
    for (const newton of [false, true]) {
      const batches: ToyBatch[] = [0, 1].map((parity) => ({ pars: parity ? b : sb, mu: 1, testStat: "qtilde", seed: 1, parity: parity as 0 | 1, start: 0, end: ntoys, fit: { newton } }));
      let failed = 0;
      const [t, cpu] = median(() => { failed = 0; for (const bt of batches) failed += runToyBatch(m, bt).filter((q) => !Number.isFinite(q)).length; }, 3);
      const perToy = t / (2 * ntoys);
      rows.push({
        case: name, what: `toy hypotest μ = 1, per toy (sample + fits), 1 thread in process, ${ntoys} s+b + ${ntoys} b toys, ${newton ? "Newton" : "quasi-Newton"} fits`, ours: perToy, peer: null,
        note: `${(1 / perToy).toFixed(1)} toys/s per thread (CPU ${(cpu / (2 * ntoys)).toFixed(2)} ms/toy); ${failed} failed; ${m.parameters.length} parameters; median of 3; ${load()}`,
      });
    }
  }
  return {
    title: "Fit speed: per-fit cost in process (`npm run bench -- fit-speed`)",
    peerName: "BENCHMARKS.md toys section before this change (same machine, load ~1): off-shell in-process asymptotic hypotest 190 ms (--no-analytic-gammas) and 83 ms (closed-form γ's); toys 23.1/s (off-shell) and 255/s (RegionA) on 1 pool worker",
    rows,
  };
}
