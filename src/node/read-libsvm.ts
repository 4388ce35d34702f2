import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { type LibsvmOptions, LibsvmParser, type ParsedLibsvm } from '../data/libsvm.js';
import { OptlabError } from '../errors.js';

/**
 * Reads a LIBSVM file from disk, streamed in chunks (never the whole text as one string).
 *
 * Gzip input is recognised by its magic bytes 1f 8b (whatever the file is called) and decompressed on the
 * fly; the SHA-256 is computed over the bytes as stored on disk (compressed if compressed).
 */

/** A parsed file with its provenance. */
export interface ReadResult extends ParsedLibsvm {
  /** SHA-256 (lowercase hex) of the file's bytes as stored. */
  sha256: string;
  /** Size of the file in bytes, as stored. */
  bytes: number;
  /** True when the file was gzip-compressed. */
  gzip: boolean;
}

/** Options of {@link readLibsvmFile}: the parser's options, and the name errors show (default: the path). */
export type ReadLibsvmOptions = Omit<LibsvmOptions, 'fileName'> & { displayName?: string };

const CHUNK = 1 << 18;

/** A user-facing reason for a file-system error code. */
function describeFsError(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    default:
      return err.code ? `${err.code} (${err.message})` : err.message;
  }
}

function isFsError(e: unknown): e is NodeJS.ErrnoException {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).syscall === 'string';
}

/** Reads and parses the LIBSVM file at `path`. Errors name the file as `displayName ?? path`. */
export async function readLibsvmFile(path: string, opts: ReadLibsvmOptions = {}): Promise<ReadResult> {
  const { displayName, ...parserOpts } = opts;
  const name = displayName ?? path;

  let handle: Awaited<ReturnType<typeof open>>;
  let gzip: boolean;
  try {
    handle = await open(path, 'r');
  } catch (e) {
    if (isFsError(e)) throw new OptlabError(`cannot read ${name}: ${describeFsError(e)}`);
    throw e;
  }
  try {
    const magic = new Uint8Array(2);
    const { bytesRead } = await handle.read(magic, 0, 2, 0);
    gzip = bytesRead === 2 && magic[0] === 0x1f && magic[1] === 0x8b;
  } catch (e) {
    await handle.close();
    if (isFsError(e)) throw new OptlabError(`cannot read ${name}: ${describeFsError(e)}`);
    throw e;
  }

  const parser = new LibsvmParser({ ...parserOpts, fileName: name });
  const hash = createHash('sha256');
  let bytes = 0;
  // The stream owns the handle from here on and closes it when it ends or fails.
  const raw = createReadStream(path, { fd: handle, start: 0, highWaterMark: CHUNK });
  async function* hashed(source: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
    for await (const chunk of source) {
      hash.update(chunk);
      bytes += chunk.length;
      yield chunk;
    }
  }
  async function sink(source: AsyncIterable<Buffer>): Promise<void> {
    for await (const chunk of source) parser.push(chunk);
  }
  const gunzip = gzip ? createGunzip({ chunkSize: CHUNK }) : null;
  try {
    if (gunzip) await pipeline(raw, hashed, gunzip, sink);
    else await pipeline(raw, hashed, sink);
  } catch (e) {
    if (e instanceof OptlabError) throw e;
    if (isFsError(e)) throw new OptlabError(`cannot read ${name}: ${describeFsError(e)}`);
    const code = (e as NodeJS.ErrnoException).code;
    if (gunzip && typeof code === 'string' && code.startsWith('Z_')) {
      throw new OptlabError(`cannot decompress ${name}: corrupt or truncated gzip data (${(e as Error).message})`);
    }
    throw e;
  }
  const parsed = parser.finish();
  return { ...parsed, sha256: hash.digest('hex'), bytes, gzip };
}
