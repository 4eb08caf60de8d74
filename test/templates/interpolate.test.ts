// Grid interpolation: accuracy against the synthetic generator's exact templates (the issue's
// acceptance: 100 random off-grid points on the 17 × 17 × 41 grid within 1e-3 relative),
// analytic gradients against central differences, exactness on polynomials, the documented
// behaviour outside the grid, storage round trips and bad grids.
import { test } from "node:test";
import assert from "node:assert/strict";
import { GridInterpolator, type InterpolationMode } from "../../src/templates/interpolate.ts";
import { syntheticGrid, syntheticTemplates, syntheticConfig } from "../../src/templates/synthetic.ts";
import { checkGrid, gridFromBinary, gridFromJson, gridToBinary, gridToJson, type TemplateGrid } from "../../src/templates/grid.ts";
import { betaCdf } from "../../src/templates/beta.ts";
import { Rng } from "../../src/math/rng.ts";
import { InputError } from "../../src/io/errors.ts";

const full = syntheticGrid();
const cfg = syntheticConfig();

test("17 × 17 × 41 grid: linear, log-linear and cubic at 100 random off-grid points within 1e-3 relative of the exact templates", () => {
  assert.equal(full.yields.length, 17 * 17 * 41 * 4 * 33);
  const bound: Record<InterpolationMode, number> = { linear: 1e-3, loglinear: 1e-3, cubic: 1e-4 };
  for (const mode of ["linear", "loglinear", "cubic"] as const) {
    const I = new GridInterpolator(full, { mode });
    const out = new Float64Array(I.size), ex = new Float64Array(I.size);
    const rng = new Rng(2026);
    let worst = 0;
    for (let k = 0; k < 100; k++) {
      const th = [0.96 + 0.08 * rng.uniform(), 0.96 + 0.08 * rng.uniform(), 5 * rng.uniform()];
      I.evaluate(th, out);
      syntheticTemplates(cfg, th, ex);
      for (let s = 0; s < I.size; s++) worst = Math.max(worst, Math.abs(out[s] / ex[s] - 1));
    }
    // Measured: linear 7.2e-4, log-linear 1.1e-4, cubic 1.8e-5 (seed 2026 may differ slightly).
    assert.ok(worst < bound[mode], `${mode}: worst relative error ${worst}`);
    assert.ok(worst > 1e-7, `${mode}: suspiciously exact (${worst}): is the oracle the grid itself?`);
  }
});

// A small grid with non-uniform axes, for gradients and polynomial exactness.
function polyGrid(f: (x: number, y: number) => number[]): TemplateGrid {
  const xs = Float64Array.from([-1, -0.4, 0, 0.7, 1.5]);
  const ys = Float64Array.from([0, 1, 2.5, 3]);
  const yields: number[] = [];
  for (const x of xs) for (const y of ys) yields.push(...f(x, y));
  return { axes: [{ name: "a", values: xs }, { name: "b", values: ys }], regions: [{ name: "R", bins: 2 }], processes: ["p"], yields: Float64Array.from(yields) };
}

test("exactness: multilinear reproduces bilinear functions, the cubic reproduces quadratics on non-uniform axes", () => {
  const bil = polyGrid((x, y) => [3 + x + 2 * y + 0.5 * x * y, 10 - x * y]);
  const quad = polyGrid((x, y) => [5 + x * x + 0.3 * y * y - x * y, 7 + 2 * x - y * y / 4]);
  const out = new Float64Array(2);
  const rng = new Rng(1);
  for (let k = 0; k < 50; k++) {
    const x = -1 + 2.5 * rng.uniform(), y = 3 * rng.uniform();
    new GridInterpolator(bil, { mode: "linear" }).evaluate([x, y], out);
    assert.ok(Math.abs(out[0] - (3 + x + 2 * y + 0.5 * x * y)) < 1e-12 && Math.abs(out[1] - (10 - x * y)) < 1e-12);
    new GridInterpolator(quad, { mode: "cubic" }).evaluate([x, y], out);
    assert.ok(Math.abs(out[0] - (5 + x * x + 0.3 * y * y - x * y)) < 1e-12, `cubic quad at ${x},${y}: ${out[0]}`);
    assert.ok(Math.abs(out[1] - (7 + 2 * x - y * y / 4)) < 1e-12);
  }
});

test("analytic gradients equal central differences (all modes, inside and outside the grid)", () => {
  const g = polyGrid((x, y) => [5 + Math.exp(0.3 * x) * (1 + Math.sin(y)), 2 + x * x * y]);
  const h = 1e-6;
  for (const mode of ["linear", "loglinear", "cubic"] as const) {
    for (const outside of ["clamp", "extrapolate"] as const) {
      const I = new GridInterpolator(g, { mode, outside });
      const out = new Float64Array(2), grad = new Float64Array(4), p = new Float64Array(2), m = new Float64Array(2);
      const rng = new Rng(5);
      for (let k = 0; k < 40; k++) {
        const th = [-1.5 + 3.5 * rng.uniform(), -0.5 + 4 * rng.uniform()];
        I.evaluate(th, out, grad);
        for (let a = 0; a < 2; a++) {
          const tp = [...th], tm = [...th];
          tp[a] += h; tm[a] -= h;
          I.evaluate(tp, p); I.evaluate(tm, m);
          for (let s = 0; s < 2; s++) {
            const fd = (p[s] - m[s]) / (2 * h);
            // Linear modes have kinks at nodes: a random point sits on one with probability 0.
            assert.ok(Math.abs(fd - grad[a * 2 + s]) <= 1e-6 * Math.max(1, Math.abs(fd)), `${mode}/${outside} axis ${a} at ${th}: fd ${fd} vs ${grad[a * 2 + s]}`);
          }
        }
      }
    }
  }
});

test("the cubic's gradient is continuous across nodes on the 17 × 17 × 41 grid (C¹), the multilinear's is not", () => {
  const node = full.axes[0].values[8];
  for (const [mode, continuous] of [["cubic", true], ["linear", false]] as const) {
    const I = new GridInterpolator(full, { mode });
    const o = new Float64Array(I.size), gl = new Float64Array(3 * I.size), gr = new Float64Array(3 * I.size);
    I.evaluate([node - 1e-9, 1.013, 2.3], o, gl);
    I.evaluate([node + 1e-9, 1.013, 2.3], o, gr);
    let jump = 0, scale = 0;
    for (let s = 0; s < I.size; s++) { jump = Math.max(jump, Math.abs(gl[s] - gr[s])); scale = Math.max(scale, Math.abs(gl[s])); }
    if (continuous) assert.ok(jump < 1e-5 * scale, `cubic gradient jump ${jump} (scale ${scale})`);
    else assert.ok(jump > 1e-4 * scale, `linear gradient should jump at a node (${jump})`);
  }
});

test("outside the grid: clamp holds the edge value with zero gradient; extrapolate continues the edge slope", () => {
  const g = polyGrid((x, y) => [3 + x + 2 * y, 1 + x * x]);
  const out = new Float64Array(2), grad = new Float64Array(4);
  new GridInterpolator(g, { mode: "linear", outside: "clamp" }).evaluate([2.5, 1], out, grad);
  assert.deepEqual([out[0], grad[0]], [3 + 1.5 + 2, 0]);
  new GridInterpolator(g, { mode: "linear", outside: "extrapolate" }).evaluate([2.5, 1], out, grad);
  assert.ok(Math.abs(out[0] - (3 + 2.5 + 2)) < 1e-12 && Math.abs(grad[0] - 1) < 1e-12);
  // Last cell of x² is [0.7, 1.5]: slope 2.2, so at 2.5: 2.25 + 2.2 = 4.45 (+1).
  assert.ok(Math.abs(out[1] - (1 + 2.25 + 2.2)) < 1e-12);
  new GridInterpolator(g, { mode: "cubic", outside: "extrapolate" }).evaluate([2.5, 1], out, grad);
  // The cubic's end slope of a quadratic is exact: 2·1.5 = 3 → 1 + 2.25 + 3.
  assert.ok(Math.abs(out[1] - (1 + 2.25 + 3)) < 1e-12 && Math.abs(grad[1] - 3) < 1e-12);
});

test("storage: JSON and binary round trips are exact; the binary is ~8 bytes per yield", () => {
  const g = syntheticGrid({ grid: { tes: [0.96, 1.04, 3], jes: [0.96, 1.04, 3], soft_met: [0, 5, 4] } });
  const j = gridFromJson(JSON.parse(JSON.stringify(gridToJson(g))));
  const bin = gridToBinary(g);
  const b = gridFromBinary(bin);
  assert.deepEqual(j.yields, g.yields);
  assert.deepEqual(b.yields, g.yields);
  assert.deepEqual(b.axes.map((a) => Array.from(a.values)), g.axes.map((a) => Array.from(a.values)));
  assert.ok(bin.length < 8 * g.yields.length + 2000);
});

test("bad grids: missing points, non-monotone axis, NaN and negative yields each give one line naming file and field", () => {
  const g = syntheticGrid({ bins: [3, 1, 1, 1], grid: { tes: [0.96, 1.04, 3], jes: [0.96, 1.04, 3], soft_met: [0, 5, 3] } });
  const json = gridToJson(g);
  const bad = (mut: (v: ReturnType<typeof gridToJson>) => void, re: RegExp) => {
    const v = JSON.parse(JSON.stringify(json));
    mut(v);
    assert.throws(() => gridFromJson(v, "t.json"), (e: unknown) => e instanceof InputError && re.test(e.message) && !e.message.includes("\n"), re.source);
  };
  bad((v) => v.yields.pop(), /^t\.json: yields: expected 648 yields .*missing/);
  bad((v) => { v.axes[1].values[2] = 0.9; }, /^t\.json: axes\[1\]\.values\[2\]: axis "jes" is not strictly increasing/);
  bad((v) => { (v.yields as unknown[])[5] = null; }, /^t\.json: yields\[5\]: NaN at tes = 0\.96, jes = 0\.96, soft_met = 0, process "htautau"/);
  bad((v) => { v.yields[40] = -1; }, /^t\.json: yields\[40\]: -1 at .*must be finite and ≥ 0/);
  bad((v) => { v.axes[0].name = "jes"; }, /axes\[1\]\.name: axis "jes" appears twice/);
  assert.throws(() => gridFromBinary(new Uint8Array(20), "g.bin"), /g\.bin: not a Searchlight binary template grid/);
  const zero = { ...g, yields: Float64Array.from(g.yields, (y, i) => (i === 3 ? 0 : y)) };
  checkGrid(zero);
  assert.throws(() => new GridInterpolator(zero, { mode: "loglinear" }), /loglinear.*yields\[3\] = 0/);
});

test("betaCdf: closed forms and the Beta(5, 2) of the signal", () => {
  for (const x of [0.01, 0.3, 0.77, 0.999]) {
    assert.ok(Math.abs(betaCdf(x, 2, 2) - (3 * x * x - 2 * x ** 3)) < 1e-15);
    assert.ok(Math.abs(betaCdf(x, 5, 2) - (6 * x ** 5 - 5 * x ** 6)) < 1e-15);
    assert.ok(Math.abs(betaCdf(x, 2.5, 3.5) + betaCdf(1 - x, 3.5, 2.5) - 1) < 1e-14);
  }
});
