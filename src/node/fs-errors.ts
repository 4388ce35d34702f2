import { OptlabError } from '../errors.js';

/** A user-facing reason for a file-system error code (the code kept in parentheses for searching). */
export function describeFsCode(err: NodeJS.ErrnoException): string {
  const reasons: Record<string, string> = {
    ENOSPC: 'no space left on the device',
    EDQUOT: 'disk quota exceeded',
    EROFS: 'the file system is read-only',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    ENOTDIR: 'a part of the path is a file, not a folder',
    EISDIR: 'is a folder',
    ENOENT: 'no such file or folder',
    EEXIST: 'already exists',
    EMFILE: 'too many open files',
    EIO: 'input/output error',
  };
  const code = err.code ?? '';
  return code in reasons ? `${reasons[code]} (${code})` : code ? `${code} (${err.message})` : err.message;
}

export function isFsError(e: unknown): e is NodeJS.ErrnoException {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === 'string' && 'syscall' in e;
}

/** Exit code of output failures: EX_IOERR from sysexits.h. */
export const IO_EXIT_CODE = 74;

/**
 * A failure to write optlab's own output (a full disk, a read-only mount, a folder without permission):
 * fatal for a sweep (no other run starts, no worker is respawned), printed as one line by the CLI.
 */
export class OutputError extends OptlabError {
  readonly path: string;
  readonly code: string | undefined;
  constructor(path: string, cause: NodeJS.ErrnoException | string) {
    const why = typeof cause === 'string' ? cause : describeFsCode(cause);
    super(`cannot write ${path}: ${why}`, IO_EXIT_CODE);
    this.name = 'OutputError';
    this.path = path;
    this.code = typeof cause === 'string' ? undefined : cause.code;
  }
}

/** Runs a write; a file-system error becomes an {@link OutputError} naming `path`. */
export function writing<T>(path: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (isFsError(e)) throw new OutputError(path, e);
    throw e;
  }
}
