// `searchlight bump run-task --task-dir OUT --task-id $SLURM_ARRAY_TASK_ID`: one task (mass slice)
// of a slurm-gen job → OUT/task_NNNN/ (written atomically).
import type { Command } from "commander";
import { resolve } from "node:path";
import { InputError } from "../../io/errors.ts";
import { Progress } from "../../batch/progress.ts";
import { taskSlice } from "../../batch/split.ts";
import { readBumpJob, runBumpTask } from "../../batch/bump-batch.ts";
import { intOr, withQuiet, withWorkers, workers } from "../shared/options.ts";

export function register(bump: Command): void {
  withQuiet(withWorkers(bump.command("run-task").description("evaluate one task (mass slice) of a slurm-gen job; writes DIR/task_NNNN/ atomically")
    .requiredOption("--task-dir <dir>", "the job folder (slurm-gen --output-dir)")
    .option("--task-id <i>", "task index (default: $SLURM_ARRAY_TASK_ID, else $TASK_ID)"), "worker threads (default: $SLURM_CPUS_PER_TASK, else 1)"))
    .action(async (o: { taskDir: string; taskId?: string; workers?: string; quiet?: boolean }) => {
      const dir = resolve(o.taskDir);
      const bj = readBumpJob(dir);
      const idRaw = o.taskId ?? process.env.SLURM_ARRAY_TASK_ID ?? process.env.TASK_ID;
      if (idRaw === undefined) throw new InputError("", "--task-id", "required outside a SLURM array task (no $SLURM_ARRAY_TASK_ID)");
      const task = intOr("--task-id", idRaw, 0);
      const nWorkers = workers(o.workers ?? process.env.SLURM_CPUS_PER_TASK, 1);
      const [a, b] = taskSlice(bj.units.length, bj.nTasks, Math.min(task, bj.nTasks - 1));
      const bar = o.quiet ? null : new Progress(b - a, `task ${task}`);
      const t0 = performance.now();
      const m = await runBumpTask(dir, bj, task, nWorkers, () => bar?.tick());
      bar?.finish();
      const failed = m.units.filter((u) => u.status === "failed");
      process.stdout.write(`task ${task}/${bj.nTasks}: ${m.units.length} masses (${bj.units[a]} … ${bj.units[b - 1]}) in ${((performance.now() - t0) / 1000).toFixed(1)} s, ${failed.length} failed\n`);
      for (const f of failed) process.stdout.write(`  failed ${f.id}: ${f.error}\n`);
    });
}
