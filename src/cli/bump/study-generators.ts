// `searchlight bump slurm-gen-inject|-toy-scan|-gp-toy-scan|-extract-display` (hps_gpr §14): one
// SLURM array task per unit of a study verb (per dataset, mass and strength, or per toy), each
// running that verb; the verb must exist with the options the jobs pass, else nothing is written.
import type { Command } from "commander";
import { join, resolve } from "node:path";
import { InputError } from "../../io/errors.ts";
import { shellQuote } from "../../batch/slurm.ts";
import { HPS_DATASETS } from "../../bumphunt/spectrum.ts";
import { intOr, num, repeatableList, slurmCpus, withOutputDir, withSlurm, type SlurmCli } from "../shared/options.ts";
import { commandLine, selfCommand, writeArrayJob } from "../shared/slurm.ts";

interface StudyGen {
  name: string;
  /** `bump` sub-command the jobs run, and the options it must accept for the scripts to work. */
  verb: string;
  needs: string[];
  jobName: string;
  script: string;
  submit: string;
  describe: string;
  options(cmd: Command): Command;
  /** Per array task: a label (output sub-folder) and the verb's arguments. */
  units(o: Record<string, unknown>, out: string): { label: string; args: string[] }[];
}

const list = (flag: string, v: unknown): number[] =>
  String(v ?? "").split(",").map((s) => s.trim()).filter(Boolean).map((s) => num(flag, s.replace(/^s/, ""))!);
/** hps_gpr's mass/strength tag: "%.6f" without trailing zeros, '.'→'p', '-'→'m'. */
export const tag = (x: number) => x.toFixed(6).replace(/0+$/, "").replace(/\.$/, "").replace(".", "p").replace("-", "m");

function datasetsIn(o: Record<string, unknown>, allowCombined: boolean): string[] {
  const ds = String(o.datasets ?? o.dataset ?? "2015").split(",").map((s) => s.trim()).filter(Boolean);
  for (const d of ds) if (!HPS_DATASETS[d] && !(allowCombined && d === "combined")) throw new InputError("", "--datasets", `"${d}": expected ${Object.keys(HPS_DATASETS).join(", ")}${allowCombined ? " or combined" : ""}`);
  return ds;
}
function rangeOf(d: string, all: string[]): [number, number] {
  if (d !== "combined") return HPS_DATASETS[d].range;
  const rs = all.filter((x) => x !== "combined").map((x) => HPS_DATASETS[x].range);
  const src = rs.length ? rs : Object.values(HPS_DATASETS).map((x) => x.range);
  return [Math.max(...src.map((r) => r[0])), Math.min(...src.map((r) => r[1]))];
}
function toyIndices(o: Record<string, unknown>): number[] {
  const given = (o.toyIndex as string[] | undefined)?.map((s) => intOr("--toy-index", s.trim(), 0));
  if (given?.length) return given;
  const n = intOr("--n-toys", o.nToys as string | undefined, 0, 1);
  if (!n) throw new InputError("", "--toy-index/--n-toys", "give the toy indices (--toy-index 0,1,2) or their number (--n-toys N)");
  return Array.from({ length: n }, (_, i) => i);
}

const STUDY_GENS: StudyGen[] = [
  {
    name: "slurm-gen-inject", verb: "inject", needs: ["--dataset", "--masses", "--strengths", "--n-toys", "--output-dir"],
    jobName: "searchlight-inj", script: "submit_injection.slurm", submit: "submit_injection_all.sh",
    describe: "injection/extraction closure: one array task per (dataset|combined, mass, strength)",
    options: (c) => c.option("--datasets <list>", "datasets (comma-separated; \"combined\" allowed)", "2015")
      .requiredOption("--masses <GeV,…>", "masses in GeV").requiredOption("--strengths <list>", "strengths (as `bump inject --strengths`)")
      .option("--n-toys <n>", "toys per job", "10000"),
    units(o, out) {
      const ds = datasetsIn(o, true), ms = list("--masses", o.masses), ss = String(o.strengths).split(",").map((s) => s.trim()).filter(Boolean);
      const u: { label: string; args: string[] }[] = [];
      for (const d of ds) {
        const [lo, hi] = rangeOf(d, ds);
        for (const m of ms) if (m >= lo - 1e-12 && m <= hi + 1e-12) for (const s of ss) {
          const label = `injection_jobs/${d}/m_${tag(m)}/s_${s}`;
          u.push({ label, args: ["--dataset", d, "--masses", String(m), "--strengths", s, "--n-toys", String(o.nToys), "--output-dir", join(out, label)] });
        }
      }
      return u;
    },
  },
  {
    name: "slurm-gen-toy-scan", verb: "toy-scan", needs: ["--dataset", "--toy-root", "--toy-index", "--output-dir"],
    jobName: "searchlight-toys", script: "submit_toy_scan.slurm", submit: "submit_toy_scan_all.sh",
    describe: "functional-form toy scans: one array task per toy",
    options: (c) => c.option("--dataset <d>", "dataset", "2015").requiredOption("--toy-root <file>", "ROOT file with the toy histograms")
      .option("--toy-index <i>", "toy index (repeatable or comma-separated)", repeatableList).option("--n-toys <n>", "toys 0…n-1 (if no --toy-index)"),
    units: (o, out) => toyIndices(o).map((i) => ({ label: `toy_${String(i).padStart(4, "0")}`, args: ["--dataset", String(o.dataset), "--toy-root", resolve(String(o.toyRoot)), "--toy-index", String(i), "--output-dir", out] })),
  },
  {
    name: "slurm-gen-gp-toy-scan", verb: "gp-toy-scan", needs: ["--dataset", "--toy-index", "--seed", "--output-dir"],
    jobName: "searchlight-gp-toys", script: "submit_gp_toy_scan.slurm", submit: "submit_gp_toy_scan_all.sh",
    describe: "GP-propagated toy scans: one array task per toy index",
    options: (c) => c.option("--dataset <d>", "dataset", "2015").option("--n-toys <n>", "toys 0…n-1 (if no --toy-index)", "1000")
      .option("--toy-index <i>", "toy index (repeatable or comma-separated)", repeatableList).option("--seed <s>", "base seed", "12345"),
    units: (o, out) => toyIndices(o).map((i) => ({ label: `toy_${String(i).padStart(4, "0")}`, args: ["--dataset", String(o.dataset), "--toy-index", String(i), "--seed", String(o.seed), "--output-dir", out] })),
  },
  {
    name: "slurm-gen-extract-display", verb: "extract-display", needs: ["--dataset", "--masses", "--strengths", "--output-dir"],
    jobName: "searchlight-exdisp", script: "submit_extract_display.slurm", submit: "submit_extract_display_all.sh",
    describe: "extraction displays: one array task per (target, mass, strength)",
    options: (c) => c.option("--dataset <d>", "target: a dataset or \"combined\"", "2015").option("--datasets <list>", "datasets of the combined target")
      .requiredOption("--masses <GeV,…>", "masses in GeV").requiredOption("--strengths <list>", "injected strengths in σ_A units"),
    units(o, out) {
      const d = String(o.dataset);
      if (!HPS_DATASETS[d] && d !== "combined") throw new InputError("", "--dataset", `"${d}": expected ${Object.keys(HPS_DATASETS).join(", ")} or combined`);
      const [lo, hi] = rangeOf(d, o.datasets ? datasetsIn(o, false) : []);
      const u: { label: string; args: string[] }[] = [];
      for (const m of list("--masses", o.masses)) if (m >= lo - 1e-12 && m <= hi + 1e-12) for (const s of String(o.strengths).split(",").map((x) => x.trim()).filter(Boolean))
        u.push({ label: `extraction_display/${d}/m_${tag(m)}/s_${s}`, args: ["--dataset", d, ...(o.datasets ? ["--datasets", String(o.datasets)] : []), "--masses", String(m), "--strengths", s, "--output-dir", join(out, "extraction_display")] });
      return u;
    },
  },
];

/** Whether `bump <verb>` exists with the options the generated jobs would pass; else the reason. */
export function workflowMissing(bump: Command, verb: string, needs: string[]): string | null {
  const c = bump.commands.find((x) => x.name() === verb);
  if (!c) return `workflow "${verb}" is not implemented yet (there is no \`searchlight bump ${verb}\`)`;
  const have = new Set(c.options.map((x) => x.long));
  const lack = needs.filter((n) => !have.has(n));
  return lack.length ? `workflow "${verb}" is not implemented yet (\`searchlight bump ${verb}\` lacks ${lack.join(", ")})` : null;
}

export function register(bump: Command): void {
  for (const g of STUDY_GENS) {
    const cmd = withOutputDir(withSlurm(g.options(bump.command(g.name).description(`SLURM array for ${g.describe} (runs \`bump ${g.verb}\`)`)), { jobName: g.jobName, script: g.script }),
      "output folder (job outputs, logs/, scripts)", "out/bump-slurm", false)
      .option("--shared <dir>", "passed on to the jobs")
      .option("--config <yaml>", "hps-gpr YAML configuration, passed on to the jobs");
    cmd.action((o: SlurmCli & Record<string, unknown>) => {
      // Checked when run, not at registration: the study verbs register after this file.
      const missing = workflowMissing(bump, g.verb, g.needs);
      if (missing) {
        process.stderr.write(`searchlight: bump ${g.name}: ${missing}; no scripts written\n`);
        process.exitCode = 1;
        return;
      }
      const verb = bump.commands.find((x) => x.name() === g.verb)!;
      const has = (flag: string) => verb.options.some((x) => x.long === flag);
      // "combined" targets only if the verb says it takes them.
      const dsOpt = verb.options.find((x) => x.long === "--dataset");
      const wants = String(o.datasets ?? o.dataset ?? "").split(",").map((x) => x.trim());
      if (wants.includes("combined") && !/combined/.test(dsOpt?.description ?? "")) {
        process.stderr.write(`searchlight: bump ${g.name}: workflow "${g.verb}" for the combined target is not implemented yet (\`bump ${g.verb} --dataset\` does not take "combined"); no scripts written\n`);
        process.exitCode = 1;
        return;
      }
      if (o.config && !has("--config")) throw new InputError(String(o.config), "--config", `\`bump ${g.verb}\` does not take --config`);
      const out = resolve(String(o.outputDir));
      const units = g.units(o, out);
      if (units.length === 0) throw new InputError("", "--masses/--toy-index", "no job to write: every requested point is outside the dataset range");
      // Every option the jobs would pass must exist on the verb, or the scripts would fail.
      const lack = [...new Set(units.flatMap((u) => u.args.filter((x) => x.startsWith("--"))))].filter((f) => !has(f));
      if (lack.length) {
        process.stderr.write(`searchlight: bump ${g.name}: workflow "${g.verb}" with these options is not implemented yet (\`bump ${g.verb}\` lacks ${lack.join(", ")}); no scripts written\n`);
        process.exitCode = 1;
        return;
      }
      const shared = [
        ...(o.shared ? ["--shared", resolve(String(o.shared))] : []),
        ...(o.config ? ["--config", resolve(String(o.config))] : []),
        ...(has("--workers") ? ["--workers", String(slurmCpus(o))] : []),
      ];
      const lines = units.map((u) => `  ${shellQuote(commandLine([...u.args, ...shared]))}`);
      const command = [
        `UNITS=(\n${lines.join("\n")}\n)`,
        `eval "set -- \${UNITS[$TASK_ID]}"`,
        `${selfCommand(["bump", g.verb])} "$@"`,
        ...(g.verb === "inject" ? [
          // hps_gpr's flat copy: injection_flat/<base>__jobds_<d>__m_<tag>__s_<tag>.csv
          `LABELS=(\n${units.map((u) => `  ${shellQuote(u.label)}`).join("\n")}\n)`,
          `IFS=/ read -r _ D M S <<< "\${LABELS[$TASK_ID]}"`,
          `mkdir -p ${shellQuote(join(out, "injection_flat"))}`,
          `shopt -s nullglob globstar`,
          `for f in ${shellQuote(out)}/"\${LABELS[$TASK_ID]}"/**/inj_extract_*.csv; do b=$(basename "$f" .csv); cp "$f" ${shellQuote(join(out, "injection_flat"))}/"\${b}__jobds_\${D}__\${M}__\${S}.csv"; done`,
        ] : []),
      ].join("\n");
      writeArrayJob(out, o, units.length, command, g.submit);
      process.stdout.write(`${units.length} array tasks (${g.describe.split(": ")[1]}); wrote ${join(out, o.script)} and ${join(out, g.submit)}\n`);
    });
  }
}
