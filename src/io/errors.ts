// Bad input is reported as one line naming the file, the field and the fix; never a stack trace.

/** An error in the user's input: the CLI prints `message` alone and exits with status 1. */
export class InputError extends Error {
  constructor(
    /** File the bad input came from ("-" or "" if none). */
    readonly file: string,
    /** JSON path / key / option naming the field (e.g. "/channels/0/samples/1/data"). */
    readonly field: string,
    /** What is wrong and what was expected. */
    readonly detail: string,
  ) {
    super(`${file ? file + ": " : ""}${field ? field + ": " : ""}${detail}`);
    this.name = "InputError";
  }
}
