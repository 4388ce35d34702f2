/**
 * Errors that optlab reports to a user: a clear message, no stack trace, and an exit code.
 *
 * The numerical core throws these for bad input (a malformed file, an impossible option); the CLI catches
 * them, prints `optlab: <message>` on stderr and exits with `exitCode`. Anything else is a bug and keeps
 * its stack trace.
 */
export class OptlabError extends Error {
  /** Process exit code the CLI uses: 2 for bad input or usage, 1 for a failed check. */
  readonly exitCode: number;
  constructor(message: string, exitCode = 2) {
    super(message);
    this.name = 'OptlabError';
    this.exitCode = exitCode;
  }
}

/** A syntax or content error at a position in an input file, printed as `FILE:LINE:COLUMN: message`. */
export class InputError extends OptlabError {
  readonly file: string;
  /** One-based line number. */
  readonly line: number;
  /** One-based column number, counted in bytes from the start of the line. */
  readonly column: number;
  readonly reason: string;
  constructor(file: string, line: number, column: number, reason: string) {
    super(`${file}:${line}:${column}: ${reason}`, 2);
    this.name = 'InputError';
    this.file = file;
    this.line = line;
    this.column = column;
    this.reason = reason;
  }
}
