// The HiggsML Uncertainty Challenge's systematic effects on events (../shared/specs/gato_sage.md
// §B2; FAIR-Universe/HEP-Challenge ingestion_program/systematics.py and derived_quantities.py):
//   tes       PRI_had_pt × tes; the MET vector corrected by the opposite change of the τ_had
//             (a mass-0.8 four-vector scaled at fixed mass, so in px, py: MET += (1 − tes)·pT(τ))
//   jes       leading/subleading jet pT × jes when the jet exists, PRI_jet_all_pt × jes, MET
//             corrected by each jet's change (massless jets)
//   soft_met  Gaussian noise of σ = soft_met on MET px and py — drawn from Searchlight's seeded
//             Rng (the challenge uses numpy's RandomState(31415): the draws differ, their law not)
// then every primary feature is rounded to 3 decimals, the post-selection applied (events with
// PRI_had_pt < 26 dropped; a subleading, then a leading jet with pT in [0, 26] removed: set to
// −25, n_jets − 1, PRI_jet_all_pt reduced; events with PRI_lep_pt < 20 dropped) and the 12
// derived features recomputed, with −25 where undefined (the value the challenge's files carry).
// Templates from events: histograms of a score column per region at every grid point.
import { Rng } from "../math/rng.ts";
import { readEventTable } from "../io/event-table.ts";
import { InputError } from "../io/errors.ts";
import type { TemplateGrid, RegionSpec } from "./grid.ts";

export const PRI_FEATURES = [
  "PRI_lep_pt", "PRI_lep_eta", "PRI_lep_phi", "PRI_had_pt", "PRI_had_eta", "PRI_had_phi",
  "PRI_jet_leading_pt", "PRI_jet_leading_eta", "PRI_jet_leading_phi",
  "PRI_jet_subleading_pt", "PRI_jet_subleading_eta", "PRI_jet_subleading_phi",
  "PRI_n_jets", "PRI_jet_all_pt", "PRI_met", "PRI_met_phi",
] as const;
export const DER_FEATURES = [
  "DER_mass_transverse_met_lep", "DER_mass_vis", "DER_pt_h", "DER_deltaeta_jet_jet", "DER_mass_jet_jet", "DER_prodeta_jet_jet",
  "DER_deltar_had_lep", "DER_pt_tot", "DER_sum_pt", "DER_pt_ratio_lep_had", "DER_met_phi_centrality", "DER_lep_eta_centrality",
] as const;
export type PriFeature = (typeof PRI_FEATURES)[number];
export type DerFeature = (typeof DER_FEATURES)[number];

/** Events as columns: the primary features, a weight and a process index per event. */
export interface Events {
  n: number;
  pri: Record<PriFeature, Float64Array>;
  weight: Float64Array;
  /** Index into `processes` per event. */
  process: Int32Array;
  processes: string[];
}

/** Missing-value marker of the challenge's files. */
export const UNDEFINED = -25;

/** Read the challenge's Parquet file (PRI_* columns, weights, detailed_labels) for the given processes. */
export async function readChallengeEvents(file: string, processes = ["htautau", "ztautau", "ttbar", "diboson"]): Promise<Events> {
  const cols: Float64Array[][] = [], ws: Float64Array[] = [], ps: number[] = [];
  for (let p = 0; p < processes.length; p++) {
    const t = await readEventTable(file, { columns: [...PRI_FEATURES], weight: "weights", select: `detailed_labels == ${processes[p]}` });
    cols.push(t.columns); ws.push(t.weight);
    for (let i = 0; i < t.n; i++) ps.push(p);
  }
  const n = ps.length;
  const cat = (k: number) => { const out = new Float64Array(n); let o = 0; for (const c of cols) { out.set(c[k], o); o += c[k].length; } return out; };
  const pri = Object.fromEntries(PRI_FEATURES.map((f, k) => [f, cat(k)])) as Record<PriFeature, Float64Array>;
  const weight = new Float64Array(n);
  let o = 0;
  for (const w of ws) { weight.set(w, o); o += w.length; }
  if (n === 0) throw new InputError(file, "detailed_labels", `no events of ${processes.join(", ")}`);
  return { n, pri, weight, process: Int32Array.from(ps), processes };
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

export interface SystematicsOptions {
  tes?: number;
  jes?: number;
  soft_met?: number;
  /** Seed of the soft-MET draws (one stream per call). */
  seed?: number;
}

/** The events after tes, jes and soft_met, rounding and the post-selection (a new table; the input is not changed). */
export function applySystematics(ev: Events, o: SystematicsOptions = {}): Events {
  const tes = o.tes ?? 1, jes = o.jes ?? 1, soft = o.soft_met ?? 0;
  const n = ev.n;
  const c = Object.fromEntries(PRI_FEATURES.map((f) => [f, Float64Array.from(ev.pri[f])])) as Record<PriFeature, Float64Array>;
  const rng = soft > 0 ? new Rng(o.seed ?? 31415) : null;
  for (let i = 0; i < n; i++) {
    let mx = c.PRI_met[i] * Math.cos(c.PRI_met_phi[i]), my = c.PRI_met[i] * Math.sin(c.PRI_met_phi[i]);
    if (tes !== 1) {
      // vtau (pT after scaling) × (1 − tes)/tes in px, py: the MET absorbs −ΔpT of the τ.
      c.PRI_had_pt[i] *= tes;
      const f = (1 - tes) / tes, pt = c.PRI_had_pt[i], phi = c.PRI_had_phi[i];
      mx += f * pt * Math.cos(phi); my += f * pt * Math.sin(phi);
    }
    if (jes !== 1) {
      const nj = c.PRI_n_jets[i];
      if (nj > 0) c.PRI_jet_leading_pt[i] *= jes;
      if (nj > 1) c.PRI_jet_subleading_pt[i] *= jes;
      c.PRI_jet_all_pt[i] *= jes;
      const f = (1 - jes) / jes;
      if (nj > 0) { mx += f * c.PRI_jet_leading_pt[i] * Math.cos(c.PRI_jet_leading_phi[i]); my += f * c.PRI_jet_leading_pt[i] * Math.sin(c.PRI_jet_leading_phi[i]); }
      if (nj > 1) { mx += f * c.PRI_jet_subleading_pt[i] * Math.cos(c.PRI_jet_subleading_phi[i]); my += f * c.PRI_jet_subleading_pt[i] * Math.sin(c.PRI_jet_subleading_phi[i]); }
    }
    if (rng) { mx += soft * rng.normal(); my += soft * rng.normal(); }
    c.PRI_met[i] = Math.hypot(mx, my);
    c.PRI_met_phi[i] = Math.atan2(my, mx);
    for (const f of PRI_FEATURES) if (f !== "PRI_n_jets") c[f][i] = round3(c[f][i]);
  }
  // Post-selection (systematics.py postprocess).
  const keep: number[] = [];
  for (let i = 0; i < n; i++) {
    if (c.PRI_had_pt[i] < 26) continue;
    for (const j of ["subleading", "leading"] as const) {
      const pt = c[`PRI_jet_${j}_pt`];
      if (pt[i] >= 0 && pt[i] <= 26) {
        c.PRI_jet_all_pt[i] -= pt[i];
        pt[i] = UNDEFINED; c[`PRI_jet_${j}_eta`][i] = UNDEFINED; c[`PRI_jet_${j}_phi`][i] = UNDEFINED;
        c.PRI_n_jets[i] -= 1;
      }
    }
    if (c.PRI_lep_pt[i] < 20) continue;
    keep.push(i);
  }
  const pick = (a: Float64Array) => Float64Array.from(keep, (i) => a[i]);
  return {
    n: keep.length,
    pri: Object.fromEntries(PRI_FEATURES.map((f) => [f, pick(c[f])])) as Record<PriFeature, Float64Array>,
    weight: pick(ev.weight), process: Int32Array.from(keep, (i) => ev.process[i]), processes: ev.processes,
  };
}

/** The 12 derived features of derived_quantities.py (−25 where undefined). */
export function derivedFeatures(ev: Events): Record<DerFeature, Float64Array> {
  const n = ev.n, p = ev.pri;
  const out = Object.fromEntries(DER_FEATURES.map((f) => [f, new Float64Array(n)])) as Record<DerFeature, Float64Array>;
  const U = UNDEFINED;
  for (let i = 0; i < n; i++) {
    const nj = p.PRI_n_jets[i];
    const hpt = p.PRI_had_pt[i], heta = p.PRI_had_eta[i], hphi = p.PRI_had_phi[i];
    const lpt = p.PRI_lep_pt[i], leta = p.PRI_lep_eta[i], lphi = p.PRI_lep_phi[i];
    const met = p.PRI_met[i], mphi = p.PRI_met_phi[i];
    const hx = hpt * Math.cos(hphi), hy = hpt * Math.sin(hphi), hz = hpt * Math.sinh(heta), hp = hpt * Math.cosh(heta);
    const lx = lpt * Math.cos(lphi), ly = lpt * Math.sin(lphi), lz = lpt * Math.sinh(leta), lp = lpt * Math.cosh(leta);
    const mx = met * Math.cos(mphi), my = met * Math.sin(mphi);
    const j1 = nj >= 1, j2 = nj >= 2;
    const j1pt = p.PRI_jet_leading_pt[i], j1eta = p.PRI_jet_leading_eta[i], j1phi = p.PRI_jet_leading_phi[i];
    const j2pt = p.PRI_jet_subleading_pt[i], j2eta = p.PRI_jet_subleading_eta[i], j2phi = p.PRI_jet_subleading_phi[i];
    const j1x = j1 ? j1pt * Math.cos(j1phi) : 0, j1y = j1 ? j1pt * Math.sin(j1phi) : 0, j1z = j1 ? j1pt * Math.sinh(j1eta) : 0, j1p = j1 ? j1pt * Math.cosh(j1eta) : 0;
    const j2x = j2 ? j2pt * Math.cos(j2phi) : 0, j2y = j2 ? j2pt * Math.sin(j2phi) : 0, j2z = j2 ? j2pt * Math.sinh(j2eta) : 0, j2p = j2 ? j2pt * Math.cosh(j2eta) : 0;
    const mt2 = (met + lpt) ** 2 - (mx + lx) ** 2 - (my + ly) ** 2;
    out.DER_mass_transverse_met_lep[i] = Math.sqrt(Math.max(0, mt2));
    out.DER_mass_vis[i] = Math.sqrt((lp + hp) ** 2 - (lx + hx) ** 2 - (ly + hy) ** 2 - (lz + hz) ** 2);
    out.DER_pt_h[i] = Math.hypot(hx + lx + mx, hy + ly + my);
    out.DER_deltaeta_jet_jet[i] = j2 ? Math.abs(j2eta - j1eta) : U;
    const mjj2 = (j1p + j2p) ** 2 - (j1x + j2x) ** 2 - (j1y + j2y) ** 2 - (j1z + j2z) ** 2;
    out.DER_mass_jet_jet[i] = j2 ? Math.sqrt(Math.max(0, mjj2)) : U;
    out.DER_prodeta_jet_jet[i] = j2 ? j1eta * j2eta : U;
    const dphi = Math.abs(pyMod(lphi - hphi + 3 * Math.PI, 2 * Math.PI) - Math.PI);
    out.DER_deltar_had_lep[i] = Math.sqrt((leta - heta) ** 2 + dphi * dphi);
    out.DER_pt_tot[i] = Math.hypot(hx + lx + mx + j1x + j2x, hy + ly + my + j1y + j2y);
    out.DER_sum_pt[i] = hpt + lpt + p.PRI_jet_all_pt[i];
    out.DER_pt_ratio_lep_had[i] = lpt / hpt;
    out.DER_met_phi_centrality[i] = metPhiCentrality(mphi, lphi, hphi);
    const diff = (j1eta - j2eta) ** 2, mean = (j1eta + j2eta) / 2;
    out.DER_lep_eta_centrality[i] = j2 ? Math.exp((-4 / diff) * (leta - mean) ** 2) : U;
  }
  return out;
}

/** Python's a % b (result with the sign of b). */
function pyMod(a: number, b: number): number {
  const r = a % b;
  return r !== 0 && (r < 0) !== (b < 0) ? r + b : r;
}

/** (A + B)/√(A² + B²) with A = sin(φ_met − φ_lep)·sgn sin(φ_had − φ_lep), B = sin(φ_had − φ_met)·sgn …; retried with φ_lep + 1e-4 when A = B = 0. */
function metPhiCentrality(met: number, lep: number, had: number): number {
  const f = (l: number) => {
    const s = Math.sign(Math.sin(had - l));
    const A = Math.sin(met - l) * s, B = Math.sin(had - met) * s;
    const d = Math.sqrt(A * A + B * B);
    return d !== 0 ? (A + B) / d : NaN;
  };
  const v = f(lep);
  if (!Number.isNaN(v)) return v;
  const w = f(lep + 1e-4);
  return Number.isNaN(w) ? UNDEFINED : w;
}

/** A region of the analysis: which events enter it and the binning of the score. */
export interface EventRegion {
  name: string;
  /** Event i (after systematics) is in the region. */
  select: (pri: Record<PriFeature, Float64Array>, der: Record<DerFeature, Float64Array>, i: number) => boolean;
  /** Bin edges of the score (increasing); events outside the edges are not counted. */
  edges: number[];
}

/**
 * Templates from events: at every point of a tes × jes × soft_met grid, apply the systematics,
 * recompute the derived features and the score, and histogram the weighted events per process
 * and region. `score` returns one value per event (a classifier, or a feature).
 */
export function eventTemplates(ev: Events, o: {
  axes: { tes: number[]; jes: number[]; soft_met: number[] };
  regions: EventRegion[];
  score: (pri: Record<PriFeature, Float64Array>, der: Record<DerFeature, Float64Array>, n: number) => Float64Array;
  seed?: number;
}): TemplateGrid {
  const regions: RegionSpec[] = o.regions.map((r) => ({ name: r.name, bins: r.edges.length - 1, edges: r.edges }));
  const nB = regions.reduce((a, r) => a + r.bins, 0), nP = ev.processes.length, S = nP * nB;
  const pts = o.axes.tes.length * o.axes.jes.length * o.axes.soft_met.length;
  const yields = new Float64Array(pts * S);
  let pt = 0;
  for (const tes of o.axes.tes) for (const jes of o.axes.jes) for (const soft_met of o.axes.soft_met) {
    const e = applySystematics(ev, { tes, jes, soft_met, seed: o.seed });
    const der = derivedFeatures(e);
    const s = o.score(e.pri, der, e.n);
    for (let i = 0; i < e.n; i++) {
      let off = 0;
      for (const r of o.regions) {
        if (r.select(e.pri, der, i)) {
          const b = findBin(r.edges, s[i]);
          if (b >= 0) yields[pt * S + e.process[i] * nB + off + b] += e.weight[i];
        }
        off += r.edges.length - 1;
      }
    }
    pt++;
  }
  const axes = (["tes", "jes", "soft_met"] as const).map((name) => ({ name, values: Float64Array.from(o.axes[name]) }));
  return { axes, regions, processes: ev.processes, yields };
}

function findBin(edges: number[], x: number): number {
  if (!(x >= edges[0] && x <= edges[edges.length - 1])) return -1;
  let lo = 0, hi = edges.length - 1;
  while (hi - lo > 1) { const m = (lo + hi) >> 1; if (edges[m] <= x) lo = m; else hi = m; }
  return lo;
}
