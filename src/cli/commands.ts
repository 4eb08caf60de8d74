// The list of CLI command registrations. Add one import and one entry per command file.
import type { Command } from "commander";

export type Register = (program: Command) => void;

export const COMMANDS: Register[] = [];
