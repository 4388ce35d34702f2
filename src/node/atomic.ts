/**
 * Atomic file writes: readers see either the old file or the complete new one, never a half-written file.
 *
 * The data go to `<path>.tmp-<pid>-<random>` in the same folder (same filesystem, so the rename is atomic on
 * POSIX), which is then renamed over `path`. On failure the temporary file is removed. Two writers racing on
 * one path each rename a complete file; the last rename wins.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { isFsError, OutputError } from './fs-errors.js';

export interface AtomicWriteOptions {
  /**
   * fsync the file before the rename, so that after a crash the new contents (not an empty file) are on disk.
   * Atomicity towards concurrent readers does not need it. Default false (it costs milliseconds per file).
   */
  fsync?: boolean;
  /** The write call (tests inject a failing one, e.g. ENOSPC, where no small file system can be mounted). */
  writeSync?: typeof writeSync;
}

/** The temporary name used beside `path`: `<path>.tmp-<pid>-<8 hex digits>`. */
export function tempPathFor(path: string): string {
  return `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/**
 * Writes `data` (UTF-8 for a string) to `path` atomically, creating the parent folder if missing. A
 * file-system failure (ENOSPC, EROFS, EACCES, ENOTDIR, ...) removes the temporary file, leaves any previous
 * `path` as it was, and throws an {@link OutputError} naming `path`.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, opts: AtomicWriteOptions = {}): void {
  const write = opts.writeSync ?? writeSync;
  const tmp = tempPathFor(path);
  let fd = -1;
  try {
    mkdirSync(dirname(path), { recursive: true });
    fd = openSync(tmp, 'wx');
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let off = 0;
    while (off < bytes.length) off += write(fd, bytes, off, bytes.length - off);
    if (opts.fsync) fsyncSync(fd);
    closeSync(fd);
    fd = -1;
    renameSync(tmp, path);
  } catch (err) {
    if (fd >= 0) closeSync(fd);
    rmSync(tmp, { force: true });
    if (isFsError(err)) throw new OutputError(path, err);
    throw err;
  }
}
