// GATO categorisation (specs/gato_sage.md §C1): one full-batch epoch (soft forward pass with γ
// cached + backward sufficient statistics + gradient) over the three-class toy at the spec's
// size (1e5 + 1e5 + 1e6 = 1.2 M events, d = 2), at K = 3 and K = 10, on 1 and 2 worker threads;
// and the whole 250-epoch K = 10 training run (§A8.3 settings, seed 1) with its hard-category
// significances. Peer: the spec's NumPy prototype (1.5 s per epoch at K = 3 on this machine
// kind; gato-hep itself needs a GPU and records no timing).
import { loadavg } from "node:os";
import { poolTaskExecutor } from "../src/batch/pool.ts";
import { SoftPass } from "../src/categorize/engine.ts";
import { buildEventSet } from "../src/categorize/events.ts";
import { evaluateCategories } from "../src/categorize/evaluate.ts";
import { GmmModel } from "../src/categorize/gmm.ts";
import { GatoLoss } from "../src/categorize/loss.ts";
import { toy3class } from "../src/categorize/toys.ts";
import { objective, train } from "../src/categorize/train.ts";
import { argmaxBaseline } from "../src/categorize/baselines.ts";
import { Rng } from "../src/math/rng.ts";
import { timeIt, type BenchRow, type BenchSection } from "./types.ts";

const TITLE = "GATO categorisation (`npm run bench -- categorize`)";
const PEER = "NumPy prototype of specs/gato_sage.md §A10/§C1 (float64, same machine kind); gato-hep (TensorFlow) needs a GPU and records no timing";

export async function run(): Promise<BenchSection> {
  const rows: BenchRow[] = [];
  const ev = buildEventSet(2, toy3class(100000, 100000, 1000000), ["signal1", "signal2"]);
  const lossO = { kind: "geomean", lambdaYield: 1, lambdaUnc: 1, thrYield: 5, thrUnc: 0.2 } as const;
  for (const K of [3, 10]) {
    for (const workers of [1, 2]) {
      const model = new GmmModel({ type: "gmm", k: K, d: 2, meanNorm: "softmax", range: [[0, 1]], damping: 0.1 });
      const pass = new SoftPass(model, ev, workers > 1 ? poolTaskExecutor(workers) : undefined);
      const loss = new GatoLoss(ev.processes, K, lossO);
      const p = model.init(new Rng(1));
      const g = new Float64Array(model.nParams);
      const c0 = process.cpuUsage();
      const t = await timeIt(() => objective(pass, model, loss, p, 0.5, 5, null, g), 5);
      const c = process.cpuUsage(c0);
      const cpu = (c.user + c.system) / 1e6 / 6; // per epoch, all threads (6 epochs incl. warm-up)
      await pass.close();
      const goal = K === 3 ? "goal ≤ 0.3 s" : "goal ≤ 1 s";
      rows.push({
        case: `three-class toy, 1.2 M events, d = 2, K = ${K}`, what: `one epoch (forward + backward + gradient), ${workers} worker${workers > 1 ? "s" : ""}`,
        ours: t, peer: K === 3 ? 1.5 : null, note: `${workers === 2 ? goal + "; " : ""}wall median of 5; CPU ${cpu.toFixed(2)} s per epoch (all threads); load ${loadavg()[0].toFixed(1)}`,
      });
    }
  }
  // SEARCHLIGHT_BENCH_QUICK=1: the epoch timings only
  if (process.env.SEARCHLIGHT_BENCH_QUICK === "1") return { title: TITLE, peerName: PEER, rows };
  // the whole §A8.3 run at K = 10 (λ = 0 as in the spec's reference numbers)
  const model = new GmmModel({ type: "gmm", k: 10, d: 2, meanNorm: "softmax", range: [[0, 1]], damping: 0.1 });
  const exec = poolTaskExecutor(2);
  const t0 = performance.now();
  const r = await train(model, ev, {
    epochs: 250, optimizer: "rmsprop", lr: { mode: "cosine", start: 0.05, end: 0.001 }, temperature: { mode: "cosine", start: 1, end: 0.05 },
    steepness: { mode: "constant", start: 5, end: 5 }, timing: "before", seed: 1, loss: { ...lossO, lambdaYield: 0, lambdaUnc: 0 },
  }, { executor: exec });
  const e = await evaluateCategories(model, r.params, ev, { executor: exec });
  const wall = (performance.now() - t0) / 1000;
  const b = argmaxBaseline(ev, 10);
  rows.push({
    case: "three-class toy, 1.2 M events, K = 10", what: "250 epochs (§A8.3) + hard evaluation, 2 workers", ours: wall, peer: 1522,
    note: `Z1 = ${e.z[0].toFixed(3)}, Z2 = ${e.z[1].toFixed(3)}, √(Z1·Z2) = ${e.geomean.toFixed(3)} (spec 1.644, 0.238, 0.626; argmax n = 10: ${b[0].toFixed(3)}, ${b[1].toFixed(3)}, ${Math.sqrt(b[0] * b[1]).toFixed(3)}); peer = NumPy prototype; load ${loadavg()[0].toFixed(1)}`,
  });
  // the bump hunt at the spec's size (§A11, K = 5, 200 epochs, seed 1)
  {
    const { toyResonance } = await import("../src/categorize/toys.ts");
    const { windowedSignals } = await import("../src/categorize/config.ts");
    const { DEFAULT_BUMP } = await import("../src/categorize/bump.ts");
    const evb = windowedSignals(buildEventSet(2, toyResonance(100000, 1000000), ["signal1", "signal2"]), DEFAULT_BUMP.window);
    const mb = new GmmModel({ type: "gmm", k: 5, d: 2, meanNorm: "softmax", range: [[0, 1]], damping: 0.1 });
    const tb = performance.now();
    const rb = await train(mb, evb, {
      epochs: 200, optimizer: "rmsprop", lr: { mode: "cosine", start: 0.05, end: 0.001 }, temperature: { mode: "cosine", start: 1, end: 0.1 },
      steepness: { mode: "constant", start: 5, end: 5 }, timing: "after", seed: 1, bump: DEFAULT_BUMP,
      loss: { kind: "geomean", lambdaYield: 0, lambdaUnc: 0, thrYield: 10, thrUnc: 0.1 },
    }, { executor: exec });
    const eb = await evaluateCategories(mb, rb.params, evb, { window: DEFAULT_BUMP.window, executor: exec });
    const ab = argmaxBaseline(evb, 5, { window: DEFAULT_BUMP.window });
    rows.push({
      case: "bump-hunt toy, 1.2 M events, K = 5", what: "200 epochs (§A11) + in-window evaluation, 2 workers", ours: (performance.now() - tb) / 1000, peer: null,
      note: `Z1 = ${eb.z[0].toFixed(3)}, Z2 = ${eb.z[1].toFixed(3)} (spec 3.799, 0.731; argmax n = 5: ${ab[0].toFixed(3)}, ${ab[1].toFixed(3)}; spec 3.429, 0.649); factors ${rb.factors!.map((f) => f.f.toFixed(4)).join(", ")}; load ${loadavg()[0].toFixed(1)}`,
    });
  }
  return { title: TITLE, peerName: PEER, rows };
}
