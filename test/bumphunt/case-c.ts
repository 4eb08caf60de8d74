// hps_gpr spec §18.2 case C: a 12-bin window with a correlated lognormal-type covariance,
// the template cut from full edges linspace(0.030, 0.066, 73) at m0 = 0.048, s = 0.0025, and
// n = round(b + 150 w). Shared by the tests and the benchmark.
import { normalCdf } from "../../src/math/special.ts";

export function caseC(scale = 5000, sLog = 4e-4): { n: number[]; b: number[]; C: Float64Array; w: number[] } {
  const edges = Array.from({ length: 13 }, (_, i) => 0.045 + (i * 0.006) / 12);
  const x = edges.slice(0, 12).map((e, i) => 0.5 * (e + edges[i + 1]));
  const b = x.map((v) => scale * Math.exp(-(v - 0.045) / 0.02));
  const C = new Float64Array(144);
  for (let i = 0; i < 12; i++) {
    for (let j = 0; j < 12; j++) {
      const S = sLog * Math.exp(-((Math.log(x[i]) - Math.log(x[j])) ** 2) / (2 * 0.05 ** 2));
      C[i * 12 + j] = b[i] * b[j] * (Math.exp(S) - 1);
    }
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
