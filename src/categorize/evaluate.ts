// Hard (argmax) evaluation of trained categories (../shared/specs/gato_sage.md §A2, §A8, §A11.7,
// §A13): yields and Σw² per process and category, Z per signal label (other signals count as
// background), categories in a stable report order, and in bump mode the in-window sums.
import type { TaskExecutor } from "../infer/executor.ts";
import { asimovZ } from "./asimov.ts";
import { SoftPass } from "./engine.ts";
import type { EventSet } from "./events.ts";
import { effectiveBoundaries1d, GmmModel } from "./gmm.ts";
import { hardSignificance } from "./loss.ts";
import type { BinningModel } from "./model.ts";
import { SigmoidModel } from "./sigmoid.ts";

export interface CategoryRow {
  /** Model component / bin index. */
  index: number;
  /** Hard yield per process (name → Σw) and Σw² per process. */
  yields: Record<string, number>;
  sumw2: Record<string, number>;
  /** Background Σw and its relative MC uncertainty √Σw²/Σw. */
  background: number;
  relUnc: number;
  /** Signal yields per label. */
  signal: number[];
  /** Z of signal label u in this category (other signals as background). */
  z: number[];
}

export interface Evaluation {
  /** Z per signal label, combined in quadrature over categories. */
  z: number[];
  /** √(Π Z_u)^{1/U}. */
  geomean: number;
  /** Categories in report order (1-D: left to right; otherwise by descending Z of the first signal). */
  categories: CategoryRow[];
  /** Non-empty categories. */
  used: number;
  /** d = 1 GMM: effective boundaries (may repeat a category, §A13); sigmoid: the cut points per variable. */
  boundaries?: number[] | number[][];
  order?: number[];
}

/** Hard evaluation; `window` restricts the sums to masses inside (bump mode). */
export async function evaluateCategories(model: BinningModel, params: Float64Array, events: EventSet,
  o: { window?: [number, number]; executor?: TaskExecutor; sharp?: number } = {}): Promise<Evaluation> {
  const pass = new SoftPass(model, events, o.executor);
  let hard;
  try {
    hard = await pass.hard(model.compile(params, o.sharp), { window: o.window });
  } finally {
    await pass.close();
  }
  const y = o.window ? hard.yw! : hard.y;
  const y2 = o.window ? hard.yw2! : hard.y2;
  return evaluationFromYields(model, params, events, y, y2);
}

export function evaluationFromYields(model: BinningModel, params: Float64Array, events: EventSet, y: Float64Array, y2: Float64Array): Evaluation {
  const K = model.k;
  const roles = events.processes;
  const hs = hardSignificance(roles, K, y);
  const U = hs.z.length;
  const rows: CategoryRow[] = [];
  for (let k = 0; k < K; k++) {
    const yields: Record<string, number> = {}, sumw2: Record<string, number> = {};
    let b2 = 0;
    roles.forEach((p, pi) => {
      yields[p.name] = y[pi * K + k];
      sumw2[p.name] = y2[pi * K + k];
      if (p.signal < 0) b2 += y2[pi * K + k];
    });
    const sig = hs.s.map((r) => r[k]);
    const sAll = sig.reduce((a, b) => a + b, 0);
    const z = sig.map((s) => asimovZ(s, hs.b[k] + sAll - s));
    rows.push({ index: k, yields, sumw2, background: hs.b[k], relUnc: Math.sqrt(b2) / Math.max(hs.b[k], 1e-8), signal: sig, z });
  }
  const ev: Evaluation = {
    z: hs.z, geomean: Math.exp(hs.z.reduce((a, z) => a + Math.log(z), 0) / U),
    categories: rows, used: rows.filter((r) => r.background + r.signal.reduce((a, b) => a + b, 0) > 0).length,
  };
  if (model instanceof GmmModel && model.d === 1) {
    const eb = effectiveBoundaries1d(model, params, 20000);
    ev.boundaries = eb.edges;
    ev.order = eb.order;
    const seen: number[] = [];
    for (const c of eb.order) if (!seen.includes(c)) seen.push(c);
    for (let k = 0; k < K; k++) if (!seen.includes(k)) seen.push(k);
    ev.categories = seen.map((k) => rows[k]);
  } else if (model instanceof SigmoidModel) {
    ev.boundaries = model.boundaries(params);
  } else {
    ev.categories = rows.slice().sort((a, b) => b.z[0] - a.z[0] || a.index - b.index);
  }
  return ev;
}
