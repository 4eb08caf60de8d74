// The list of CLI command registrations. Add one import and one entry per command file.
import type { Command } from "commander";
import { register as fit } from "./fit.ts";
import { register as inspect } from "./inspect.ts";
import { register as serve } from "./serve.ts";
import { register as cls } from "./cls.ts";
import { register as upperLimit } from "./upper-limit.ts";
import { register as significance } from "./significance.ts";
import { register as scan } from "./scan.ts";
import { register as ranking } from "./ranking.ts";
import { register as batch } from "./batch.ts";
import { register as bump } from "./bump.ts";
import { register as patchset } from "./patchset.ts";
import { register as workspace } from "./workspace.ts";
import { register as marginal } from "./marginal.ts";

export type Register = (program: Command) => void;

export const COMMANDS: Register[] = [
  inspect,
  fit,
  cls,
  upperLimit,
  significance,
  scan,
  ranking,
  batch,
  bump,
  serve,
  patchset,
  workspace,
  marginal,
];
