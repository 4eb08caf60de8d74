// Model build and MLE fit on every pyhf reference case, beside pyhf's recorded wall times.
import { referenceCases, referenceFile, caseSpec } from "../test/histfactory/reference-cases.ts";
import { compileModel } from "../src/histfactory/model.ts";
import { fit } from "../src/likelihood/fit.ts";
import { timeIt, type BenchRow, type BenchSection } from "./types.ts";

export async function run(): Promise<BenchSection> {
  const rows: BenchRow[] = [];
  const ref = referenceFile() as unknown as { pyhf_version: string; backend: string; optimizer: string };
  for (const c of referenceCases()) {
    const spec = caseSpec(c);
    const opts = { measurement: c.measurement, modifierSettings: c.modifier_settings };
    const repeats = c.size_class === "small" ? 20 : 5;
    const build = await timeIt(() => compileModel(spec, opts), repeats);
    const model = compileModel(spec, opts);
    const fitTime = await timeIt(() => fit(model, model.observed), repeats);
    const x = Float64Array.from(model.parameters, (p) => p.init);
    const g = new Float64Array(x.length);
    const evalTime = await timeIt(() => { for (let i = 0; i < 100; i++) model.nllGrad(x, model.observed, g); }, 5) / 100;
    rows.push({ case: c.name, what: "build model", ours: build, peer: c.timings_s.build_model ?? null });
    rows.push({ case: c.name, what: "MLE fit", ours: fitTime, peer: c.timings_s.mle_fit ?? null, note: `${model.parameters.length} parameters` });
    rows.push({ case: c.name, what: "nll + gradient (ours) vs twice_nll (pyhf)", ours: evalTime, peer: c.timings_s.twice_nll_eval ?? null });
  }
  return {
    title: "HistFactory: model build and MLE fit (`npm run bench -- histfactory`)",
    peerName: `pyhf ${ref.pyhf_version}, ${ref.backend} backend, ${ref.optimizer}`,
    rows,
  };
}
