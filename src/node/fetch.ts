import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
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

/**
 * Downloads a registry dataset into the cache, verifying its SHA-256. The file is written to a temporary
 * name and renamed only once complete and verified: a failed or corrupt download leaves nothing behind.
 * @returns the cached file's path
 */
export async function download(
  name: DatasetName,
  onProgress?: DownloadProgress,
  env: NodeJS.ProcessEnv = process.env,
  fetchImpl: typeof fetch = fetch,
): Promise<string> {
  const spec = REGISTRY[name];
  const target = join(cacheDir(env), name);
  mkdirSync(dirname(target), { recursive: true });
  const tmp = `${target}.part-${process.pid}`;
  let response: Response;
  try {
    response = await fetchImpl(spec.url);
  } catch (e) {
    throw new OptlabError(
      `cannot download ${name} from ${spec.url}: ${(e as Error).message}. ` +
        `With no internet, put the file in a folder and set OPTLAB_DATA=<folder>.`,
    );
  }
  if (!response.ok || response.body === null) {
    throw new OptlabError(`cannot download ${name} from ${spec.url}: HTTP ${response.status}`);
  }
  const total = Number(response.headers.get('content-length')) || spec.bytes;
  const hash = createHash('sha256');
  const out = createWriteStream(tmp);
  let received = 0;
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      hash.update(chunk);
      received += chunk.length;
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
      onProgress?.(received, total);
    }
    await new Promise<void>((res, rej) => out.end((err?: Error | null) => (err ? rej(err) : res())));
    const sha = hash.digest('hex');
    if (sha !== spec.sha256) {
      throw new OptlabError(
        `${name}: downloaded file has SHA-256 ${sha}, expected ${spec.sha256}; nothing was written to the cache`,
      );
    }
    renameSync(tmp, target);
  } catch (e) {
    out.destroy();
    rmSync(tmp, { force: true });
    if (e instanceof OptlabError) throw e;
    throw new OptlabError(`cannot download ${name}: ${(e as Error).message}`);
  }
  return target;
}
