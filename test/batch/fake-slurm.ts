// A stand-in for SLURM's sbatch and squeue, put first on PATH, so the submission code paths
// (submit helpers, `re-run --submit/--slurm`, job-id parsing, failed submissions) run without a
// cluster. sbatch runs the requested array tasks here, one after the other, with
// SLURM_ARRAY_TASK_ID set (as SLURM would, the environment is inherited), logs each call to
// FAKE_SLURM_LOG and prints a job id; squeue prints nothing (every job has finished).
// FAKE_SBATCH_FAIL=1 makes sbatch refuse the submission (exit 1, message on stderr).
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const SBATCH = `#!/usr/bin/env bash
set -u
echo "sbatch $*" >> "\${FAKE_SLURM_LOG:-/dev/null}"
if [ -n "\${FAKE_SBATCH_FAIL:-}" ]; then echo "sbatch: error: Batch job submission failed: fake refusal" >&2; exit 1; fi
array=""; script=""
for a in "$@"; do
  case "$a" in
    --array=*) array="\${a#--array=}" ;;
    -*) ;;
    *) script="$a" ;;
  esac
done
[ -z "$array" ] && array="$(sed -n 's/^#SBATCH --array=//p' "$script")"
array="\${array%%\\%*}"
IFS=',' read -ra parts <<< "$array"
for p in "\${parts[@]}"; do
  if [[ "$p" == *-* ]]; then lo="\${p%-*}"; hi="\${p#*-}"; else lo="$p"; hi="$p"; fi
  for ((k = lo; k <= hi; k++)); do
    SLURM_ARRAY_TASK_ID="$k" SLURM_ARRAY_JOB_ID=4242 SLURM_JOB_ID=4242 bash "$script" > /dev/null 2>&1 || echo "task $k exited $?" >> "\${FAKE_SLURM_LOG:-/dev/null}"
  done
done
echo 4242
`;
const SQUEUE = "#!/usr/bin/env bash\nexit 0\n";

/** Run `fn` with the fake sbatch/squeue first on PATH; returns fn's value and the sbatch call log. */
export function withFakeSlurm<T>(fn: () => T): { value: T; log: string[] } {
  const bin = mkdtempSync(join(tmpdir(), "sl-fake-slurm-"));
  const log = join(bin, "calls.log");
  writeFileSync(join(bin, "sbatch"), SBATCH);
  writeFileSync(join(bin, "squeue"), SQUEUE);
  writeFileSync(log, "");
  chmodSync(join(bin, "sbatch"), 0o755);
  chmodSync(join(bin, "squeue"), 0o755);
  const saved = { PATH: process.env.PATH, FAKE_SLURM_LOG: process.env.FAKE_SLURM_LOG };
  process.env.PATH = `${bin}:${process.env.PATH ?? ""}`;
  process.env.FAKE_SLURM_LOG = log;
  try {
    const value = fn();
    return { value, log: readFileSync(log, "utf8").trim().split("\n").filter(Boolean) };
  } finally {
    process.env.PATH = saved.PATH;
    if (saved.FAKE_SLURM_LOG === undefined) delete process.env.FAKE_SLURM_LOG;
    else process.env.FAKE_SLURM_LOG = saved.FAKE_SLURM_LOG;
    rmSync(bin, { recursive: true, force: true });
  }
}
