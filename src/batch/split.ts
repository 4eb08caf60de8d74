// The work-splitting model shared by every batch workflow: a job is a list of N independent
// units; task t of T owns a contiguous slice, the first (N mod T) slices one unit longer
// (hps_gpr `get_mass_range_for_task`).

/** Units [start, end) owned by task `task` (0-based) of `nTasks` for `nUnits` units. */
export function taskSlice(nUnits: number, nTasks: number, task: number): [number, number] {
  if (!(Number.isInteger(nUnits) && nUnits >= 0)) throw new RangeError(`nUnits must be a non-negative integer, got ${nUnits}`);
  if (!(Number.isInteger(nTasks) && nTasks >= 1)) throw new RangeError(`nTasks must be a positive integer, got ${nTasks}`);
  if (!(Number.isInteger(task) && task >= 0 && task < nTasks)) throw new RangeError(`task must be in [0, ${nTasks}), got ${task}`);
  const base = Math.floor(nUnits / nTasks);
  const extra = nUnits % nTasks;
  const start = task * base + Math.min(task, extra);
  const end = start + base + (task < extra ? 1 : 0);
  return [start, end];
}

/** The task that owns unit `unit`. */
export function ownerTask(nUnits: number, nTasks: number, unit: number): number {
  if (!(unit >= 0 && unit < nUnits)) throw new RangeError(`unit ${unit} outside [0, ${nUnits})`);
  const base = Math.floor(nUnits / nTasks);
  const extra = nUnits % nTasks;
  const cut = extra * (base + 1);
  return unit < cut ? Math.floor(unit / (base + 1)) : extra + Math.floor((unit - cut) / base);
}

/** Task folder name inside an output directory, e.g. task_0007 (hps_gpr convention). */
export function taskDirName(task: number): string {
  return `task_${String(task).padStart(4, "0")}`;
}
