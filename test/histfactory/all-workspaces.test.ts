// Every workspace file shipped in ../shared/workspaces (not only the reference cases) compiles
// and fits: the fit converges and lowers 2NLL from the initial point.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { gunzipSync } from "node:zlib";
import { needsShared, SHARED, HAVE_SHARED } from "../shared.ts";
import { compileModel } from "../../src/histfactory/model.ts";
import { fit } from "../../src/likelihood/fit.ts";
import { initialValues } from "../../src/likelihood/types.ts";
import type { WorkspaceSpec } from "../../src/histfactory/spec.ts";

function workspaceFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) workspaceFiles(p, out);
    else if (/\.json(\.gz)?$/.test(name)) out.push(p);
  }
  return out;
}

function readAny(p: string): unknown {
  const buf = readFileSync(p);
  return JSON.parse((p.endsWith(".gz") ? gunzipSync(buf) : buf).toString("utf8"));
}

describe("every shared workspace compiles and fits", needsShared(), () => {
  const files = HAVE_SHARED ? workspaceFiles(join(SHARED, "workspaces")) : [];
  for (const f of files) {
    const doc = readAny(f) as Partial<WorkspaceSpec>;
    if (!doc || typeof doc !== "object" || !Array.isArray(doc.channels) || !Array.isArray(doc.measurements)) continue; // patchsets, patches, tables
    test(relative(SHARED, f), () => {
      // Background-only workspaces name a signal POI that only a patch adds: as pyhf, refuse
      // it, then fit them POI-less.
      const spec = doc as WorkspaceSpec;
      const poi = spec.measurements[0].config.poi;
      const declared = spec.channels.some((c) => c.samples.some((s) => s.modifiers.some((md) => md.name === poi)));
      if (!declared && poi !== "") assert.throws(() => compileModel(spec), /POI "[^"]*" is not a parameter/);
      const m = compileModel(spec, declared || poi === "" ? {} : { poiName: "" });
      const x0 = initialValues(m);
      const start = 2 * m.nll(x0, m.observed);
      const r = fit(m, m.observed);
      assert.ok(r.converged, `${r.message}`);
      assert.ok(Number.isFinite(r.twiceNll) && r.twiceNll <= start + 1e-9, `2NLL ${r.twiceNll} vs start ${start}`);
      for (let i = 0; i < m.parameters.length; i++) {
        const p = m.parameters[i];
        assert.ok(r.pars[i] >= p.lower && r.pars[i] <= p.upper, `${m.parNames[i]} = ${r.pars[i]} outside [${p.lower}, ${p.upper}]`);
      }
    });
  }
});
