/**
 * Safety of a results folder (`--out` of `optlab sweep` and `optlab study`): optlab writes only into a folder
 * it created, or an empty one, or one the user hands over with `--force`, so that a user's own files named
 * `runs.jsonl`, `report.html` or `study.json` are never replaced silently.
 *
 * A folder is optlab's when it holds the marker file {@link MARKER} (written when optlab claims the folder), or,
 * for folders written before the marker existed, a `manifest.json` whose `optlab` field names a version.
 * `--out` naming a file, or a folder that cannot be created or written (read-only mount, no permission, full
 * disk), is one clear error before any run starts.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { OptlabError } from '../errors.js';
import { VERSION } from '../version.js';
import { writeFileAtomic } from './atomic.js';
import { isFsError, OutputError } from './fs-errors.js';

/** The marker of a folder optlab created: `.optlab-results` (a small JSON). */
export const MARKER = '.optlab-results';

export interface OutputFolderOptions {
  /** `--resume`: the folder must be optlab's (a foreign folder is never resumed). */
  resume?: boolean;
  /** `--force`: write optlab's files into a non-empty folder optlab did not create. */
  force?: boolean;
  /** What writes the folder, for messages: 'sweep' or 'study'. */
  kind: 'sweep' | 'study';
}

/**
 * The real reason of a recursive mkdir that Node reports as ENOENT (it does so on a read-only mount, where
 * the first missing folder cannot be made): the error of a plain mkdir of that first missing folder.
 */
function realMkdirError(out: string, reported: NodeJS.ErrnoException): NodeJS.ErrnoException {
  let dir = resolve(out);
  while (!existsSync(dirname(dir)) && dirname(dir) !== dir) dir = dirname(dir);
  try {
    mkdirSync(dir);
    return reported;
  } catch (e) {
    return isFsError(e) ? e : reported;
  }
}

/** Whether `dir` (an existing folder) is optlab's: the marker, or a manifest written by optlab. */
export function isOptlabFolder(dir: string): boolean {
  if (existsSync(join(dir, MARKER))) return true;
  try {
    const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { optlab?: unknown };
    return typeof m.optlab === 'string' && existsSync(join(dir, 'runs'));
  } catch {
    return false;
  }
}

/** Checks `out` without writing anything: refuses a file, and a foreign non-empty folder unless forced. */
export function checkOutputFolder(out: string, o: OutputFolderOptions): void {
  let isDir: boolean;
  try {
    isDir = statSync(out).isDirectory();
  } catch (e) {
    if (isFsError(e) && e.code === 'ENOENT') return; // created by claimOutputFolder
    if (isFsError(e)) throw new OutputError(out, e);
    throw e;
  }
  if (!isDir) throw new OptlabError(`--out ${out} is a file, not a folder; choose a folder for the results`);
  const entries = readdirSync(out);
  if (entries.length === 0 || isOptlabFolder(out)) return;
  if (o.force && !o.resume) return;
  const shown = entries.slice(0, 4).join(', ') + (entries.length > 4 ? `, ... (${entries.length} entries)` : '');
  throw new OptlabError(
    o.resume
      ? `--resume: ${out} was not written by optlab (it holds ${shown}); resume continues an optlab ${o.kind} only`
      : `${out} is not empty and was not created by optlab (it holds ${shown}); choose another --out, or pass --force to write the ${o.kind}'s files into it`,
  );
}

/**
 * Creates `out` if needed and writes the marker, which also proves the folder writable before any run
 * starts: a read-only mount, a missing permission or a full disk is an {@link OutputError} here.
 */
export function claimOutputFolder(out: string, kind: 'sweep' | 'study'): void {
  try {
    mkdirSync(out, { recursive: true });
  } catch (e) {
    if (isFsError(e)) throw new OutputError(out, e.code === 'ENOENT' ? realMkdirError(out, e) : e);
    throw e;
  }
  const marker = join(out, MARKER);
  if (existsSync(marker)) return;
  writeFileAtomic(marker, `${JSON.stringify({ createdBy: 'optlab', version: VERSION, kind })}\n`);
}
