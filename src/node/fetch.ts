import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type DatasetName, REGISTRY } from '../data/registry.js';
import { OptlabError } from '../errors.js';
import { cacheDir, dataDir } from './paths.js';

/** Where a registry dataset was found. */
export interface Located {
  path: string;
  from: 'OPTLAB_DATA' | 'cache';
}

/** Candidate file names for a dataset in a folder: the plain name, then a gzip copy. */
function candidates(folder: string, name: DatasetName): string[] {
  return [join(folder, name), join(folder, `${name}.gz`)];
}

/** Finds a registry dataset in `$OPTLAB_DATA`, then in the cache, without downloading. */
export function locate(name: DatasetName, env: NodeJS.ProcessEnv = process.env): Located | undefined {
  const dd = dataDir(env);
  if (dd) for (const p of candidates(dd, name)) if (existsSync(p)) return { path: p, from: 'OPTLAB_DATA' };
  for (const p of candidates(cacheDir(env), name)) if (existsSync(p)) return { path: p, from: 'cache' };
  return undefined;
}

/** Progress of a download: bytes so far and the expected total. */
export type DownloadProgress = (received: number, total: number) => void;

/** Timeouts and overrides of {@link download}. */
export interface DownloadOptions {
  /** Download from this URL instead of the registry's (a mirror; tests use a local server). */
  url?: string;
  /**
   * Milliseconds until the response headers must have arrived (connect, TLS, redirects, the server's first
   * answer). Default 30 s, or `OPTLAB_FETCH_CONNECT_TIMEOUT` (seconds).
   */
  connectTimeoutMs?: number;
  /** Milliseconds without a byte of the body before giving up. Default 30 s, or `OPTLAB_FETCH_IDLE_TIMEOUT`. */
  idleTimeoutMs?: number;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;
export const DEFAULT_IDLE_TIMEOUT_MS = 30_000;

function seconds(env: NodeJS.ProcessEnv, key: string, fallback: number): number {
  const v = env[key];
  if (v === undefined || v === '') return fallback;
  const s = Number(v);
  if (!(s > 0) || !Number.isFinite(s)) throw new OptlabError(`${key} must be a number of seconds > 0, got '${v}'`);
  return s * 1000;
}

/** Whether a process with this id is alive (signal 0 probes without signalling). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes `<name>.part-PID[-RANDOM]` files left by downloads whose process is gone (killed, crashed). */
export function removeStalePartials(folder: string, name: string): string[] {
  const removed: string[] = [];
  let entries: string[] = [];
  try {
    entries = readdirSync(folder);
  } catch {
    return removed;
  }
  const prefix = `${name}.part-`;
  for (const f of entries) {
    if (!f.startsWith(prefix)) continue;
    const pid = Number(f.slice(prefix.length).split('-')[0]);
    if (Number.isInteger(pid) && pid !== process.pid && !alive(pid)) {
      rmSync(join(folder, f), { force: true });
      removed.push(f);
    }
  }
  return removed;
}

/** The cause of a failed fetch in words (undici hides it in `cause`). */
function fetchCause(e: unknown): string {
  const err = e as Error & { cause?: { code?: string; message?: string } };
  const c = err.cause;
  const code = c?.code ?? '';
  const known: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ENOTFOUND: 'host not found',
    EAI_AGAIN: 'host name lookup failed (no network?)',
    ECONNRESET: 'connection reset by the server',
    UND_ERR_SOCKET: 'the server closed the connection',
    UND_ERR_CONNECT_TIMEOUT: 'connect timeout',
  };
  if (code in known) return `${known[code]} (${code})`;
  if (c?.message) return c.message;
  return err.message;
}

/** Destroys a file stream and waits until its file is closed (pending writes settled). */
function closeDestroyed(stream: ReturnType<typeof createWriteStream>): Promise<void> {
  return new Promise<void>((resolve) => {
    if (stream.closed) return resolve();
    stream.once('close', () => resolve());
    stream.destroy();
  });
}

/**
 * Downloads a registry dataset into the cache, verifying its SHA-256. Bounded in size and time: the body may
 * not exceed the size the registry records (a longer body stops at once), the headers must arrive within the
 * connect timeout and each part of the body within the idle timeout ({@link DownloadOptions}); redirects are
 * followed up to fetch's limit (20), a loop ends with its own message. The file is written to
 * `<name>.part-PID-RANDOM` and renamed only once complete and verified: a failed or corrupt download leaves nothing
 * behind, and partial files of killed downloads are removed by the next one. Two concurrent downloads each
 * write their own partial file and rename a verified file: the cache ends with one verified file.
 * @returns the cached file's path
 */
export async function download(
  name: DatasetName,
  onProgress?: DownloadProgress,
  env: NodeJS.ProcessEnv = process.env,
  fetchImpl: typeof fetch = fetch,
  opts: DownloadOptions = {},
): Promise<string> {
  const spec = REGISTRY[name];
  const url = opts.url ?? spec.url;
  const target = join(cacheDir(env), name);
  try {
    mkdirSync(dirname(target), { recursive: true });
  } catch (e) {
    throw new OptlabError(`cannot create the cache folder ${dirname(target)}: ${(e as Error).message}`);
  }
  removeStalePartials(dirname(target), name);
  const connectMs = opts.connectTimeoutMs ?? seconds(env, 'OPTLAB_FETCH_CONNECT_TIMEOUT', DEFAULT_CONNECT_TIMEOUT_MS);
  const idleMs = opts.idleTimeoutMs ?? seconds(env, 'OPTLAB_FETCH_IDLE_TIMEOUT', DEFAULT_IDLE_TIMEOUT_MS);
  const tmp = `${target}.part-${process.pid}-${randomBytes(4).toString('hex')}`;
  const ctl = new AbortController();
  let why = '';
  const abortFor = (reason: string) => {
    why = reason;
    ctl.abort(new Error(reason));
  };
  const fail = (reason: string): never => {
    throw new OptlabError(
      `cannot download ${name} from ${url}: ${reason}. With no internet, put the file in a folder and set OPTLAB_DATA=<folder>.`,
    );
  };
  let timer = setTimeout(() => abortFor(`no response within ${connectMs / 1000} s (connect timeout)`), connectMs);
  let response: Response;
  try {
    response = await fetchImpl(url, { signal: ctl.signal });
  } catch (e) {
    clearTimeout(timer);
    return fail(why || fetchCause(e));
  }
  clearTimeout(timer);
  if (!response.ok || response.body === null) {
    ctl.abort();
    return fail(`HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`);
  }
  const declared = Number(response.headers.get('content-length'));
  if (declared > spec.bytes) {
    ctl.abort();
    return fail(`the server announces ${declared} bytes, the registry expects ${spec.bytes}`);
  }
  const total = spec.bytes;
  const hash = createHash('sha256');
  let out: ReturnType<typeof createWriteStream> | null = null;
  let received = 0;
  let writeError: Error | null = null;
  const idle = () => abortFor(`no data for ${idleMs / 1000} s (idle timeout) after ${received} bytes`);
  timer = setTimeout(idle, idleMs);
  try {
    out = createWriteStream(tmp);
    const stream = out;
    // a write error (ENOSPC, EIO) reaches the stream's 'error' event and also fails end(): listened to, never
    // an uncaught exception; the loop stops at the next chunk
    stream.on('error', (e) => {
      writeError ??= e;
    });
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      clearTimeout(timer);
      received += chunk.length;
      if (received > spec.bytes) {
        abortFor(`the server sent more than the ${spec.bytes} bytes the registry expects`);
        break;
      }
      if (writeError) throw writeError;
      hash.update(chunk);
      if (!stream.write(chunk)) await new Promise<void>((r) => stream.once('drain', () => r()));
      onProgress?.(received, total);
      timer = setTimeout(idle, idleMs);
    }
    clearTimeout(timer);
    if (why) throw new OptlabError(why);
    await new Promise<void>((res, rej) => stream.end((err?: Error | null) => (err ? rej(err) : res())));
    if (received < spec.bytes)
      throw new OptlabError(`the body ended after ${received} of ${spec.bytes} bytes (truncated)`);
    const sha = hash.digest('hex');
    if (sha !== spec.sha256) {
      throw new OptlabError(
        `${name}: downloaded file has SHA-256 ${sha}, expected ${spec.sha256}; nothing was written to the cache`,
      );
    }
    renameSync(tmp, target);
  } catch (e) {
    clearTimeout(timer);
    // destroyed and closed before the partial file goes: no write of it lands after the download has failed
    if (out !== null) await closeDestroyed(out);
    rmSync(tmp, { force: true });
    const reason = why || (e instanceof OptlabError ? e.message : fetchCause(e));
    if (e instanceof OptlabError && /SHA-256/.test(e.message)) throw e;
    return fail(reason);
  }
  return target;
}
