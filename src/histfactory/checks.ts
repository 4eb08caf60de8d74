// Structural checks pyhf makes beyond the JSON schema, as one-line InputErrors naming the field:
// an observation for every channel, every sample and per-bin modifier as long as its channel's
// observation, nominal yields finite and ≥ 0. (Whether the measurement's POI exists is checked
// by the model compiler.)
import { InputError } from "../io/errors.ts";
import { MODIFIER_TYPES } from "./schema.ts";
import type { WorkspaceSpec } from "./spec.ts";

/** Throw an InputError for the first structural problem of a (schema-valid) workspace. */
export function checkWorkspace(ws: WorkspaceSpec, file: string): void {
  unique(ws.channels.map((c) => c.name), (i) => `/channels/${i}/name`, "channel", file);
  unique((ws.observations ?? []).map((o) => o.name), (i) => `/observations/${i}/name`, "observation", file);
  unique((ws.measurements ?? []).map((m) => m.name), (i) => `/measurements/${i}/name`, "measurement", file);
  ws.channels.forEach((c, ci) => unique((c.samples ?? []).map((s) => s.name), (i) => `/channels/${ci}/samples/${i}/name`, `sample of channel "${c.name}"`, file));
  const obs = new Map<string, { data: number[]; index: number }>();
  (ws.observations ?? []).forEach((o, index) => { if (!obs.has(o.name)) obs.set(o.name, { data: o.data, index }); });
  ws.channels.forEach((c, ci) => {
    const o = obs.get(c.name);
    if (!o) throw new InputError(file, "/observations", `no observation for channel "${c.name}" (/channels/${ci}): add {"name": "${c.name}", "data": [...]}`);
    const nb = o.data.length;
    // When every sample agrees on the bin count and the observation does not, the observation is wrong.
    const lens = (c.samples ?? []).map((s) => (Array.isArray(s.data) ? s.data.length : -1));
    if (lens.length && lens[0] >= 0 && lens.every((l) => l === lens[0]) && lens[0] !== nb) {
      throw new InputError(file, `/observations/${o.index}/data`, `observation "${c.name}" has ${nb} bins but every sample of channel "${c.name}" (/channels/${ci}) has ${lens[0]}`);
    }
    o.data.forEach((v, b) => {
      if (typeof v !== "number" || !Number.isFinite(v) || v < 0) {
        throw new InputError(file, `/observations/${o.index}/data/${b}`, `channel "${c.name}" has observed count ${v} in bin ${b}: counts must be finite and ≥ 0`);
      }
    });
    (c.samples ?? []).forEach((s, si) => {
      const here = `/channels/${ci}/samples/${si}`;
      if (!Array.isArray(s.data) || s.data.length !== nb) {
        throw new InputError(file, `${here}/data`, `sample "${s.name}" has ${Array.isArray(s.data) ? s.data.length : 0} bins but channel "${c.name}" has ${nb} observed bins`);
      }
      s.data.forEach((v, b) => {
        if (typeof v !== "number" || !Number.isFinite(v) || v < 0) {
          throw new InputError(file, `${here}/data/${b}`, `sample "${s.name}" in channel "${c.name}" has yield ${v} in bin ${b}: yields must be finite and ≥ 0`);
        }
      });
      (s.modifiers ?? []).forEach((m, mi) => {
        const mat = `${here}/modifiers/${mi}`;
        if (!(MODIFIER_TYPES as readonly string[]).includes(m.type)) {
          throw new InputError(file, `${mat}/type`, `unknown modifier type "${m.type}": expected one of ${MODIFIER_TYPES.join(", ")}`);
        }
        const arrays: [string, unknown][] =
          m.type === "histosys" ? [["/hi_data", m.data?.hi_data], ["/lo_data", m.data?.lo_data]]
            : m.type === "shapesys" || m.type === "staterror" ? [["", m.data]] : [];
        for (const [k, arr] of arrays) {
          if (!Array.isArray(arr) || arr.length !== nb) {
            throw new InputError(file, `${mat}/data${k}`, `modifier "${m.name}" (${m.type}) of sample "${s.name}" has ${Array.isArray(arr) ? arr.length : 0} bins, expected ${nb} (channel "${c.name}")`);
          }
          (arr as unknown[]).forEach((v, b) => {
            if (typeof v !== "number" || !Number.isFinite(v)) {
              throw new InputError(file, `${mat}/data${k}/${b}`, `modifier "${m.name}" (${m.type}) of sample "${s.name}" has value ${v} in bin ${b}: expected a finite number`);
            }
          });
        }
        if (m.type === "normsys") {
          for (const k of ["hi", "lo"] as const) {
            const v = m.data?.[k];
            if (typeof v !== "number" || !Number.isFinite(v)) throw new InputError(file, `${mat}/data/${k}`, `modifier "${m.name}" (normsys) has ${k} = ${v}: expected a finite number`);
          }
        }
      });
    });
  });
}

/** An InputError at the second use of a name (`field(i)` names its place). */
function unique(names: string[], field: (i: number, j: number) => string, what: string, file: string): void {
  const seen = new Map<string, number>();
  names.forEach((n, i) => {
    const j = seen.get(n);
    if (j !== undefined) throw new InputError(file, field(i, j), `${what} name "${n}" is used twice (also at index ${j}): names must be unique`);
    seen.set(n, i);
  });
}
