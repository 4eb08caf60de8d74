// SLURM job-array scripts: Searchlight does not schedule, it writes an sbatch array whose
// task k runs slice k of the job (`--task $SLURM_ARRAY_TASK_ID --n-tasks N`) and a submit
// helper. Options follow hps_gpr's slurm-gen (partition, account, qos, time, memory, cpus).

export interface SlurmOptions {
  jobName: string;
  nTasks: number;
  /** Shell command for one task; "{task}" and "{n_tasks}" are substituted. */
  command: string;
  logDir: string;
  partition?: string;
  account?: string;
  qos?: string;
  /** Wall time, e.g. "02:00:00". */
  time?: string;
  /** Memory, e.g. "4G". */
  mem?: string;
  cpus?: number;
  /** At most this many array tasks run at once (sbatch --array=0-N%max). */
  maxConcurrent?: number;
  /** Extra raw #SBATCH lines. */
  extra?: string[];
  /** Working directory the tasks run in. */
  workdir?: string;
}

/** The sbatch array script text. */
export function sbatchArrayScript(o: SlurmOptions): string {
  if (!(o.nTasks >= 1)) throw new RangeError("nTasks must be ≥ 1");
  const array = `0-${o.nTasks - 1}${o.maxConcurrent ? `%${o.maxConcurrent}` : ""}`;
  const lines = [
    "#!/usr/bin/env bash",
    `#SBATCH --job-name=${o.jobName}`,
    `#SBATCH --array=${array}`,
    `#SBATCH --output=${o.logDir}/%x_%A_%a.out`,
    `#SBATCH --error=${o.logDir}/%x_%A_%a.err`,
  ];
  if (o.partition) lines.push(`#SBATCH --partition=${o.partition}`);
  if (o.account) lines.push(`#SBATCH --account=${o.account}`);
  if (o.qos) lines.push(`#SBATCH --qos=${o.qos}`);
  if (o.time) lines.push(`#SBATCH --time=${o.time}`);
  if (o.mem) lines.push(`#SBATCH --mem=${o.mem}`);
  if (o.cpus) lines.push(`#SBATCH --cpus-per-task=${o.cpus}`);
  for (const e of o.extra ?? []) lines.push(e.startsWith("#SBATCH") ? e : `#SBATCH ${e}`);
  lines.push("set -euo pipefail");
  if (o.workdir) lines.push(`cd ${shellQuote(o.workdir)}`);
  lines.push('TASK_ID="${SLURM_ARRAY_TASK_ID:-${TASK_ID:-0}}"');
  lines.push(`N_TASKS=${o.nTasks}`);
  lines.push(o.command.replaceAll("{task}", '"$TASK_ID"').replaceAll("{n_tasks}", '"$N_TASKS"'));
  return lines.join("\n") + "\n";
}

/** submit helper: submits the array (optionally only some task ids, for re-runs). */
export function submitScript(scriptPath: string, logDir: string): string {
  return [
    "#!/usr/bin/env bash",
    "# Usage: submit.sh            submit every array task",
    "#        submit.sh 3 7 12     submit only these task ids (re-run)",
    "set -euo pipefail",
    `cd "$(dirname "$0")"`,
    `mkdir -p ${shellQuote(logDir)}`,
    'if [ "$#" -gt 0 ]; then',
    `  sbatch --parsable --array="$(IFS=,; echo "$*")" ${shellQuote(scriptPath)}`,
    "else",
    `  sbatch --parsable ${shellQuote(scriptPath)}`,
    "fi",
  ].join("\n") + "\n";
}

export function shellQuote(s: string): string {
  return /^[\w./=:@%+-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`;
}
