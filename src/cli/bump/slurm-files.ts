// File names of a `bump slurm-gen` job folder (besides bump_job.json and task_NNNN/).

/** The sbatch array script. */
export const SCRIPT = "submit.slurm";
/** The helper that submits every task, or only some task ids. */
export const SUBMIT = "submit_all.sh";
