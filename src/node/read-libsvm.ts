import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { type Csr, withCols } from '../data/csr.js';
import { CSR_MAGIC, type DecodedCsr, encodeCsrBinary, isCsrBinary } from '../data/csr-binary.js';
import { type LibsvmOptions, LibsvmParser, type ParsedLibsvm } from '../data/libsvm.js';
import { OptlabError } from '../errors.js';
import { CSR_CACHE_MIN_BYTES, csrCacheEnabled, loadCsrCache, readCsrFile, storeCsrCache } from './csr-cache.js';

/**
 * Reads a LIBSVM file from disk, streamed in chunks (never the whole text as one string).
 *
 * Gzip input is recognised by its magic bytes 1f 8b (whatever the file is called) and decompressed on the
 * fly; the SHA-256 is computed over the bytes as stored on disk (compressed if compressed).
 *
 * A file that starts with the binary CSR magic `OPTLABCSR1` (for instance from `optlab synth --out x.csr`)
 * is read as such, whatever its name, without parsing (see src/data/csr-binary.ts).
 *
 * Binary CSR cache (src/node/csr-cache.ts): for a source of at least {@link CSR_CACHE_MIN_BYTES} bytes,
 * the file is first hashed (one sequential read, no parsing); when `cacheDir()/csr/<sha256>.csr` exists it
 * is loaded instead of parsing. Otherwise the file is parsed (and hashed again on the way, so a file changed
 * between the two reads is never cached under the old hash) and the entry is written atomically; a failure
 * to write it is a warning. The key is the content hash rather than (path, size, mtime) because the result
 * reports the SHA-256 anyway (manifests, registry checks), and a hash is never stale. Files whose parse
 * produced a warning are not cached (so the warning shows on every read). The entry stores the matrix with
 * its own width (maxIndex), so any declared `features` ≥ maxIndex applies to it as to a parse; a smaller one
 * re-parses, to report the offending line. Disabled by `cache: false` or `OPTLAB_NO_CSR_CACHE=1`.
 */

/** How the matrix was obtained: parsed from text, loaded from the binary CSR cache, or read from a .csr file. */
export type ReadSource = 'parse' | 'csr-cache' | 'csr-file';

/** A parsed file with its provenance. */
export interface ReadResult extends ParsedLibsvm {
  /** SHA-256 (lowercase hex) of the file's bytes as stored. */
  sha256: string;
  /** Size of the file in bytes, as stored. */
  bytes: number;
  /** True when the file was gzip-compressed. */
  gzip: boolean;
  /** How the matrix was obtained. */
  source: ReadSource;
}

/** Options of {@link readLibsvmFile}: the parser's options, and the name errors show (default: the path). */
export type ReadLibsvmOptions = Omit<LibsvmOptions, 'fileName'> & {
  displayName?: string;
  /** Use the binary CSR cache (default true, unless `OPTLAB_NO_CSR_CACHE` is set in `env`). */
  cache?: boolean;
  /** Smallest source size in bytes that is cached (default {@link CSR_CACHE_MIN_BYTES}). */
  cacheMinBytes?: number;
  /** Environment giving `XDG_CACHE_HOME` and `OPTLAB_NO_CSR_CACHE` (default `process.env`). */
  env?: NodeJS.ProcessEnv;
};

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

/** The result for a decoded binary CSR file, with the width a declared feature count gives it. */
function fromDecoded(
  d: DecodedCsr,
  name: string,
  features: number | undefined,
  prov: { sha256: string; bytes: number; source: ReadSource },
): ReadResult {
  if (d.labels.length !== d.X.rows) throw new OptlabError(`${name}: the binary CSR file holds no labels`);
  let X: Csr = d.X;
  if (features !== undefined) {
    if (d.maxIndex > features) {
      throw new OptlabError(`${name}: feature index ${d.maxIndex} exceeds the declared number of features ${features}`);
    }
    X = withCols(X, Math.max(d.maxIndex, features));
  }
  return {
    X,
    labels: d.labels,
    maxIndex: d.maxIndex,
    explicitZeros: d.explicitZeros,
    lines: d.lines,
    sha256: prov.sha256,
    bytes: prov.bytes,
    gzip: false,
    source: prov.source,
  };
}

/** SHA-256 and size of the bytes of an open file, read sequentially from offset 0 (the handle stays open). */
async function hashHandle(handle: Awaited<ReturnType<typeof open>>): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  const buf = Buffer.allocUnsafe(1 << 20);
  let pos = 0;
  for (;;) {
    const { bytesRead } = await handle.read(buf, 0, buf.length, pos);
    if (bytesRead === 0) break;
    hash.update(buf.subarray(0, bytesRead));
    pos += bytesRead;
  }
  return { sha256: hash.digest('hex'), bytes: pos };
}

/**
 * Reads and parses the LIBSVM file at `path` (or reads a binary CSR file, or loads the cache entry; see the
 * module comment). Errors name the file as `displayName ?? path`.
 */
export async function readLibsvmFile(path: string, opts: ReadLibsvmOptions = {}): Promise<ReadResult> {
  const { displayName, cache, cacheMinBytes, env: envOpt, ...parserOpts } = opts;
  const name = displayName ?? path;
  const env = envOpt ?? process.env;
  // Constructed first: it validates the options before any I/O.
  let warned = false;
  const userWarning = parserOpts.onWarning;
  const parser = new LibsvmParser({
    ...parserOpts,
    fileName: name,
    onWarning: (m) => {
      warned = true;
      userWarning?.(m);
    },
  });

  let handle: Awaited<ReturnType<typeof open>>;
  let gzip: boolean;
  try {
    handle = await open(path, 'r');
  } catch (e) {
    if (isFsError(e)) throw new OptlabError(`cannot read ${name}: ${describeFsError(e)}`);
    throw e;
  }
  let keyed: string | undefined;
  try {
    const magic = new Uint8Array(CSR_MAGIC.length);
    const { bytesRead } = await handle.read(magic, 0, magic.length, 0);
    gzip = bytesRead >= 2 && magic[0] === 0x1f && magic[1] === 0x8b;
    if (isCsrBinary(magic.subarray(0, bytesRead))) {
      await handle.close();
      const f = readCsrFile(path, name);
      return fromDecoded(f, name, parserOpts.features, { sha256: f.sha256, bytes: f.bytes, source: 'csr-file' });
    }
    const size = (await handle.stat()).size;
    if (!gzip) parser.reserve(size);
    if ((cache ?? true) && csrCacheEnabled(env) && size >= (cacheMinBytes ?? CSR_CACHE_MIN_BYTES)) {
      const whole = await hashHandle(handle);
      keyed = whole.sha256;
      const hit = loadCsrCache(keyed, env, userWarning);
      const features = parserOpts.features;
      if (hit !== undefined && (features === undefined || hit.maxIndex <= features)) {
        await handle.close();
        return {
          ...fromDecoded(hit, name, features, { sha256: keyed, bytes: whole.bytes, source: 'csr-cache' }),
          gzip,
        };
      }
    }
  } catch (e) {
    await handle.close().catch(() => {});
    if (isFsError(e)) throw new OptlabError(`cannot read ${name}: ${describeFsError(e)}`);
    throw e;
  }

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
  const sha256 = hash.digest('hex');
  if (keyed === sha256 && !warned) {
    // The entry keeps the matrix at its own width (maxIndex), whatever `features` widened it to here.
    const chunks = encodeCsrBinary(withCols(parsed.X, parsed.maxIndex), parsed.labels, {
      sourceSha256: sha256,
      maxIndex: parsed.maxIndex,
      explicitZeros: parsed.explicitZeros,
      lines: parsed.lines,
    });
    storeCsrCache(sha256, chunks, env, userWarning);
  }
  return { ...parsed, sha256, bytes, gzip, source: 'parse' };
}
