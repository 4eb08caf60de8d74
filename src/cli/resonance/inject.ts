// `searchlight resonance inject --config C --mass M (--yield A | --z Z) --toys N`: injection
// closure around the spectrum's background-only expectation: mean fitted yield against the
// injected one, and the toys' local Z against the Asimov expectation.
import type { Command } from "commander";
import { join, resolve } from "node:path";
import { poolTaskExecutor } from "../../batch/pool.ts";
import { csvText } from "../../io/csv.ts";
import { InputError } from "../../io/errors.ts";
import { writeFileAtomic } from "../../io/output.ts";
import { runInjection, yieldForSignificance, type InjectionPoint } from "../../resonance/inject.ts";
import { backgroundExpectation } from "../../resonance/toys.ts";
import { fmtNum, printJson, table } from "../shared/format.ts";
import { intOr, numList, seedOf, withJson, withOutputDir, withSeed, withWorkers, workers } from "../shared/options.ts";
import { chooseDataset, massInside } from "./common.ts";

export function register(parent: Command): void {
  const cmd = parent.command("inject").description("signal-injection closure: mean fitted yield and local Z against the Asimov expectation")
    .requiredOption("--config <yaml>", "resonance configuration")
    .requiredOption("--mass <list>", "injected masses, comma-separated, in the configuration's unit")
    .option("--yield <list>", "injected yields in events, comma-separated")
    .option("--z <list>", "injected strengths as expected (Asimov) local significances, comma-separated")
    .option("--toys <n>", "toys per injected point", "100")
    .option("-d, --dataset <name>", "dataset name (default: the first)");
  withJson(withWorkers(withSeed(withOutputDir(cmd, "write injection.csv (summary) and injection_toys.csv here"), "random seed", "1")), "print the summary as JSON")
    .action(async (o: { config: string; mass: string; yield?: string; z?: string; toys: string; dataset?: string; seed: string; outputDir?: string; workers?: string; json?: boolean }) => {
      const c = await chooseDataset(o.config, o.dataset);
      const masses = numList("--mass", o.mass).map((m) => massInside("--mass", m, c.spectrum, c.cfg.unit));
      if ((o.yield === undefined) === (o.z === undefined)) throw new InputError("", "--yield/--z", "give the injected strength either as yields (--yield) or as expected significances (--z)");
      const bkg = backgroundExpectation(c.spec, c.spectrum);
      const edges = Array.from(c.spectrum.edges);
      const points: InjectionPoint[] = [];
      for (const m of masses) {
        if (o.yield !== undefined) for (const y of numList("--yield", o.yield)) points.push({ mass: m, yield: y });
        else for (const z of numList("--z", o.z!)) points.push({ mass: m, yield: z > 0 ? yieldForSignificance(c.spec, edges, bkg, m, z) : 0 });
      }
      const nToys = intOr("--toys", o.toys, 100, 1);
      const r = await runInjection({ spec: c.spec, edges, background: Array.from(bkg), points, nToys, seed: seedOf(o.seed, 1) }, { executor: poolTaskExecutor(workers(o.workers)) });
      if (o.outputDir) {
        const dir = resolve(o.outputDir);
        writeFileAtomic(join(dir, "injection.csv"), csvText(Object.keys(r.summary[0]), r.summary), "--output-dir");
        writeFileAtomic(join(dir, "injection_toys.csv"), csvText(["dataset", "mass", "status", "A_hat", "sigma_A", "Z", "A_up", "error"], r.rows), "--output-dir");
      }
      if (o.json) return printJson({ summary: r.summary });
      const u = c.cfg.unit;
      process.stdout.write(table([[`mass [${u}]`, "injected", "mean Â", "bias", "median Z", "Asimov Z", "failed"],
        ...r.summary.map((s) => [fmtNum(s.mass), fmtNum(s.injected), fmtNum(s.mean_A_hat), Number.isFinite(s.bias) ? `${(100 * s.bias).toFixed(1)}%` : "–", fmtNum(s.median_Z), fmtNum(s.asimov_Z), `${s.n_failed}/${s.n_toys}`])]) + "\n");
    });
}
