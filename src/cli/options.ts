// Parsing of numeric command-line option values, shared by every command: a bad value is one
// InputError naming the flag ("--workers: "x" is not an integer ≥ 1").
import { InputError } from "../io/errors.ts";

/** A finite number, or undefined when the option was not given. */
export function num(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const x = Number(v);
  if (!Number.isFinite(x)) throw new InputError("", flag, `"${v}" is not a number`);
  return x;
}

/** An integer ≥ min, or undefined when the option was not given. */
export function int(flag: string, v: string | undefined, min = 0): number | undefined {
  const x = num(flag, v);
  if (x === undefined) return undefined;
  if (!Number.isInteger(x) || x < min) throw new InputError("", flag, `"${v}" is not an integer ≥ ${min}`);
  return x;
}

/** An integer ≥ min, or `dflt` when the option was not given. */
export function intOr(flag: string, v: string | undefined, dflt: number, min = 0): number {
  if (v === undefined) return dflt;
  const x = Number(v);
  if (!Number.isInteger(x) || x < min) throw new InputError("", flag, `"${v}" is not an integer ≥ ${min}`);
  return x;
}
