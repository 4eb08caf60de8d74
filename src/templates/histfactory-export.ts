// A template model as a pyhf workspace, where the two coincide (issue item 6): every grid axis
// has the three nodes (−1, 0, +1) with a unit-normal constraint (aux 0), the grid is additive
// (T(θ) = T₀ + Σ_a Δ_a(θ_a): one nuisance at a time), interpolation is multilinear with linear
// extrapolation — then multilinear interpolation of the grid is exactly HistFactory's histosys
// with interpolation code 0 (piecewise linear, linear beyond ±1) — and every normalisation is
// (1 + α)^ν with a unit-normal ν, which is normsys code 1 with hi = 1 + α, lo = 1/(1 + α). The
// POI is a normfactor on the signal processes. Regions become channels, processes samples.
// pyhf's defaults are code4 (normsys) and code4p (histosys): compile the workspace with
// TEMPLATE_MODIFIER_SETTINGS (pyhf: modifier_settings={"normsys": {"interpcode": "code1"},
// "histosys": {"interpcode": "code0"}}) for the identity to hold.
// (Multilinear interpolation of a sum of one-axis functions is the sum of their one-axis linear
// interpolants, so the identity holds everywhere, not only on the axes.)
import { InputError } from "../io/errors.ts";
import { regionOffsets, totalBins, type TemplateGrid } from "./grid.ts";
import type { TemplateModelSpec } from "./likelihood.ts";

/** The interpolation codes under which the exported workspace equals the template model. */
export const TEMPLATE_MODIFIER_SETTINGS = { normsys: { interpcode: "code1" }, histosys: { interpcode: "code0" } } as const;

/** The pyhf workspace JSON of a template model that HistFactory can express exactly (else an InputError saying why not). */
export function templateWorkspace(grid: TemplateGrid, spec: TemplateModelSpec, observedMain: ArrayLike<number>, file = "model"): Record<string, unknown> {
  const d = grid.axes.length, nB = totalBins(grid), nP = grid.processes.length, S = nP * nB;
  grid.axes.forEach((a, i) => {
    if (a.values.length !== 3 || a.values[0] !== -1 || a.values[1] !== 0 || a.values[2] !== 1) throw new InputError(file, `axes[${i}].values`, `axis "${a.name}" must have the nodes [-1, 0, 1] to be a histosys`);
  });
  if (spec.interpolation !== "linear" || spec.outside !== "extrapolate") throw new InputError(file, "interpolation", "only linear interpolation with outside: extrapolate is HistFactory's histosys code 0");
  for (const s of spec.shapes) {
    const c = s.constraint;
    if (c.type !== "gaussian" || c.mean !== 0 || c.sigma !== 1) throw new InputError(file, `shapes.${s.name}.constraint`, "a histosys nuisance needs a gaussian(0, 1) constraint");
  }
  for (const n of spec.norms) {
    const c = n.constraint;
    if (n.kind !== "power" || c.type !== "gaussian" || c.mean !== 0 || c.sigma !== 1) throw new InputError(file, `norms.${n.name}`, "a normsys needs kind power with a gaussian(0, 1) constraint");
  }
  // Point index of the grid node (k_0, …, k_{d−1}) with k ∈ {0, 1, 2} ↔ θ ∈ {−1, 0, +1}.
  const at = (ks: number[]) => ks.reduce((a, k) => a * 3 + k, 0);
  const center = at(new Array(d).fill(1));
  const T = (pt: number, p: number, b: number) => grid.yields[pt * S + p * nB + b];
  // Additivity: T(k) − T₀ = Σ_a [T(k_a on axis a) − T₀] at every node.
  const nPts = 3 ** d;
  for (let pt = 0; pt < nPts; pt++) {
    const ks: number[] = [];
    for (let a = d - 1, r = pt; a >= 0; a--) { ks[a] = r % 3; r = Math.floor(r / 3); }
    for (let s = 0; s < S; s++) {
      const p = Math.floor(s / nB), b = s % nB;
      let sum = T(center, p, b);
      for (let a = 0; a < d; a++) {
        const one = new Array(d).fill(1); one[a] = ks[a];
        sum += T(at(one), p, b) - T(center, p, b);
      }
      if (Math.abs(sum - T(pt, p, b)) > 1e-9 * Math.max(1, Math.abs(sum))) throw new InputError(file, "yields", `the grid is not additive at point ${pt} (process "${grid.processes[p]}", bin ${b}): nuisances act together, which HistFactory cannot express`);
    }
  }
  const offsets = regionOffsets(grid);
  const shift = (a: number, k: number) => { const one = new Array(d).fill(1); one[a] = k; return at(one); };
  const channels = grid.regions.map((r, ri) => ({
    name: r.name,
    samples: grid.processes.map((proc, p) => {
      const bins = (pt: number) => Array.from({ length: r.bins }, (_, b) => T(pt, p, offsets[ri] + b));
      const modifiers: Record<string, unknown>[] = [];
      if (spec.signal.includes(proc)) modifiers.push({ name: spec.poi.name, type: "normfactor", data: null });
      grid.axes.forEach((ax, a) => modifiers.push({ name: ax.name, type: "histosys", data: { hi_data: bins(shift(a, 2)), lo_data: bins(shift(a, 0)) } }));
      for (const n of spec.norms) if (n.processes.includes(proc)) modifiers.push({ name: n.name, type: "normsys", data: { hi: 1 + n.alpha!, lo: 1 / (1 + n.alpha!) } });
      return { name: proc, data: bins(center), modifiers };
    }),
  }));
  const observations = grid.regions.map((r, ri) => ({ name: r.name, data: Array.from({ length: r.bins }, (_, b) => observedMain[offsets[ri] + b]) }));
  const parameters = [
    { name: spec.poi.name, inits: [spec.poi.init], bounds: [[spec.poi.lower, spec.poi.upper]] },
    ...[...spec.shapes, ...spec.norms].map((s) => ({ name: s.name, inits: [s.init], bounds: [[s.lower, s.upper]] })),
  ];
  return { channels, observations, measurements: [{ name: "templates", config: { poi: spec.poi.name, parameters } }], version: "1.0.0" };
}
