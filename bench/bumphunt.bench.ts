// Per-mass statistics of the bump hunt (no GP): profile fit, asymptotic upper limit, and
// conditional injection toys, on the 12-bin correlated window of hps_gpr spec §18.2 case C,
// beside hps_gpr's measured figures (spec §20: 1–16 ms per profile fit, 0.6–0.8 s per UL).
import { WindowLikelihood } from "../src/bumphunt/window-likelihood.ts";
import { windowLimit, WindowFits } from "../src/bumphunt/limits.ts";
import { runConditionalToys } from "../src/bumphunt/injection.ts";
import { normalCdf } from "../src/math/special.ts";
import { timeIt, type BenchSection } from "./types.ts";

function caseC(): { n: number[]; b: number[]; C: Float64Array; w: number[] } {
  const edges = Array.from({ length: 13 }, (_, i) => 0.045 + (i * 0.006) / 12);
  const x = edges.slice(0, 12).map((e, i) => 0.5 * (e + edges[i + 1]));
  const b = x.map((v) => 5000 * Math.exp(-(v - 0.045) / 0.02));
  const C = new Float64Array(144);
  for (let i = 0; i < 12; i++) for (let j = 0; j < 12; j++) {
    const S = 4e-4 * Math.exp(-((Math.log(x[i]) - Math.log(x[j])) ** 2) / (2 * 0.05 ** 2));
    C[i * 12 + j] = b[i] * b[j] * (Math.exp(S) - 1);
  }
  const fe = Array.from({ length: 73 }, (_, i) => 0.03 + (i * 0.036) / 72);
  const w: number[] = [];
  for (let i = 0; i < 72; i++) {
    const c = 0.5 * (fe[i] + fe[i + 1]);
    if (c >= 0.045 && c <= 0.051) w.push(normalCdf((fe[i + 1] - 0.048) / 0.0025) - normalCdf((fe[i] - 0.048) / 0.0025));
  }
  const n = [4944, 4824, 4706, 4592, 4479, 4370, 4262, 4157, 4053, 3952, 3854, 3757];
  return { n, b, C, w };
}

export async function run(): Promise<BenchSection> {
  const c = caseC();
  const fitTime = await timeIt(() => new WindowFits(new WindowLikelihood(c), new WindowLikelihood(c).observed).free, 20);
  const ulTime = await timeIt(() => windowLimit(new WindowLikelihood(c)), 5);
  const nToys = 1000;
  const toyTime = await timeIt(() => runConditionalToys({ b: c.b, C: c.C, w: c.w, aInj: 1000, nToys, seed: 1 }), 3);
  return {
    title: "Bump hunt per-mass statistics, 12-bin window (`npm run bench -- bumphunt`)",
    peerName: "hps_gpr (numpy/scipy L-BFGS-B), figures measured on a 2-core machine (spec §20)",
    rows: [
      { case: "§18.2 case C", what: "unconstrained profile fit", ours: fitTime, peer: 0.016, note: "peer: 1–16 ms for B = 10–52" },
      { case: "§18.2 case C", what: "asymptotic 95% CLs upper limit", ours: ulTime, peer: 0.7, note: "peer: 0.6–0.8 s" },
      { case: "§18.2 case C", what: `${nToys} conditional injection toys (sample + fit + σ_A)`, ours: toyTime, peer: null, note: `${(nToys / toyTime).toFixed(0)} toys/s on one core` },
    ],
  };
}
