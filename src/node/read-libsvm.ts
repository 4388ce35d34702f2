import { createHash } from 'node:crypto';
import { type FileHandle, open } from 'node:fs/promises';
import { createGunzip, type Gunzip } from 'node:zlib';
import { type Csr, withCols } from '../data/csr.js';
import { CSR_MAGIC, type CsrHeader, csrBinaryChunks, type DecodedCsr, isCsrBinary } from '../data/csr-binary.js';
import { DecodeError } from '../data/decode-error.js';
import { type LibsvmOptions, LibsvmParser, type ParsedLibsvm } from '../data/libsvm.js';
import { formatSize, type InputLimits, LIMIT_NAMES, RATIO_FREE_BYTES, resolveLimits } from '../data/limits.js';
import { OptlabError } from '../errors.js';
import { makeResident, residentIndexStorage } from '../objectives/wasm/resident.js';
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
  /** Environment giving `XDG_CACHE_HOME`, `OPTLAB_NO_CSR_CACHE` and `OPTLAB_MAX_*` (default `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** Input limits (src/data/limits.ts); absent ones come from `OPTLAB_MAX_*` in `env`, then the defaults. */
  limits?: Partial<InputLimits>;
};

const CHUNK = 1 << 18;
/** Compressed bytes written to the inflater at a time (its output goes to the parser as it comes). */
const GZIP_IN_CHUNK = 1 << 16;

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

/** Reads the open file from offset 0 into the parser, hashing it; returns its size. */
async function readInto(
  handle: FileHandle,
  name: string,
  parser: LibsvmParser,
  hash: ReturnType<typeof createHash>,
): Promise<number> {
  const buf = Buffer.allocUnsafe(CHUNK);
  let pos = 0;
  for (;;) {
    const { bytesRead } = await readAt(handle, buf, pos, name);
    if (bytesRead === 0) return pos;
    const chunk = buf.subarray(0, bytesRead);
    hash.update(chunk);
    parser.push(chunk);
    pos += bytesRead;
  }
}

async function readAt(handle: FileHandle, buf: Buffer, pos: number, name: string) {
  try {
    return await handle.read(buf, 0, buf.length, pos);
  } catch (e) {
    if (isFsError(e)) throw new DecodeError(name, pos, `read error: ${describeFsError(e)}`);
    throw e;
  }
}

/**
 * Inflates the open gzip file into the parser, hashing the compressed bytes; returns the compressed size.
 *
 * As gzip(1) does: concatenated members are read one after the other and trailing zero bytes after the last
 * member (padding) are ignored. Other trailing bytes, which gzip(1) reports as "trailing garbage", are an
 * error here (their meaning is unknown, and the file's SHA-256 covers them). The output
 * is bounded before it is parsed: more than `maxInflateRatio` times the compressed size (once past
 * {@link RATIO_FREE_BYTES}) or more than `maxInflatedBytes` stops the read with its own error (a
 * decompression bomb), at the compressed offset reached. Offsets of gzip errors are those of the compressed
 * block (64 KiB) in which they were found: zlib does not report a finer position.
 */
async function inflateInto(
  handle: FileHandle,
  name: string,
  parser: LibsvmParser,
  hash: ReturnType<typeof createHash>,
  limits: InputLimits,
): Promise<number> {
  const size = (await handle.stat()).size;
  const byRatio = Math.max(RATIO_FREE_BYTES, limits.maxInflateRatio * size);
  const bound = Math.min(limits.maxInflatedBytes, byRatio);
  const z = createGunzip({ chunkSize: CHUNK });
  let inflated = 0;
  let failure: unknown = null;
  const stop = (e: unknown) => {
    failure ??= e;
    z.destroy();
  };
  z.on('data', (b: Buffer) => {
    if (failure !== null) return;
    inflated += b.length;
    if (inflated > bound) {
      const why =
        bound === byRatio
          ? `more than ${limits.maxInflateRatio} times the compressed size (${formatSize(size)})`
          : `more than ${formatSize(limits.maxInflatedBytes)}`;
      const flag = bound === byRatio ? LIMIT_NAMES.maxInflateRatio.flag : LIMIT_NAMES.maxInflatedBytes.flag;
      stop(
        new DecodeError(
          name,
          z.bytesWritten,
          `the gzip data inflate to ${why}: a decompression bomb? (raise the limit with ${flag})`,
        ),
      );
      return;
    }
    try {
      parser.push(b);
    } catch (e) {
      stop(e);
    }
  });
  z.on('error', (e) => {
    failure ??= e;
  });
  const buf = Buffer.allocUnsafe(GZIP_IN_CHUNK);
  let pos = 0;
  /** Offset where the gzip data ended before the file did, or -1. */
  let trailingFrom = -1;
  let garbageAt = -1;
  /** Offset of the block last written to the inflater (where an error in it is reported, at the latest). */
  let writtenAt = 0;
  const at = () => Math.max(z.bytesWritten, writtenAt);
  for (;;) {
    if (failure !== null) break;
    const { bytesRead } = await readAt(handle, buf, pos, name);
    if (bytesRead === 0) break;
    const chunk = buf.subarray(0, bytesRead);
    hash.update(chunk);
    let from = 0;
    if (trailingFrom < 0) {
      writtenAt = pos;
      await writeTo(z, chunk);
      if (failure === null && z.bytesWritten < pos + bytesRead) {
        // the inflater stopped before the input did: the gzip data ended at a zero byte (padding or garbage)
        trailingFrom = z.bytesWritten;
        from = trailingFrom - pos;
      } else from = bytesRead;
    }
    if (garbageAt < 0) {
      for (let k = from; k < bytesRead; k++) {
        if (chunk[k] !== 0) {
          garbageAt = pos + k;
          break;
        }
      }
    }
    pos += bytesRead;
  }
  if (failure === null && trailingFrom < 0) await endOf(z);
  const trailing = (at: number): DecodeError =>
    new DecodeError(
      name,
      at,
      'trailing bytes after the gzip data that are neither zeros nor another gzip member (gzip reports "trailing garbage"): remove them',
    );
  if (failure !== null) {
    const e = failure as NodeJS.ErrnoException;
    if (typeof e.code === 'string' && e.code.startsWith('Z_')) {
      // a header is checked only where a member starts: with output already produced, a member had ended
      if (/incorrect header check/.test(e.message) && inflated > 0) throw trailing(at());
      throw new DecodeError(name, at(), `corrupt or truncated gzip data (${e.message})`);
    }
    throw e;
  }
  if (garbageAt >= 0) throw trailing(garbageAt);
  return pos;
}

/** Writes a chunk and waits until the inflater has consumed it (or failed). */
function writeTo(z: Gunzip, chunk: Buffer): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      z.off('close', done);
      resolve();
    };
    z.once('close', done);
    z.write(chunk, done);
  });
}

/** Ends the inflater's input and waits for its last output (or its error). */
function endOf(z: Gunzip): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => resolve();
    z.once('end', done);
    z.once('close', done);
    z.once('error', done);
    z.end();
  });
}

/**
 * Every failure while reading input as a user error: input errors as they are, allocation failures as "out of
 * memory", anything else is a bug and is re-thrown.
 */
function asInputError(e: unknown, name: string): unknown {
  if (e instanceof OptlabError) return e;
  if (isFsError(e)) return new OptlabError(`cannot read ${name}: ${describeFsError(e)}`);
  if (e instanceof RangeError && /allocation failed|Invalid typed array length|Array buffer/.test(e.message)) {
    return new OptlabError(`cannot read ${name}: out of memory while parsing (${e.message})`);
  }
  return e;
}

/** The result for a decoded binary CSR file, with the width a declared feature count gives it. */
function fromDecoded(
  d: DecodedCsr,
  name: string,
  features: number | undefined,
  prov: { sha256: string; bytes: number; source: ReadSource },
): ReadResult {
  if (d.labels.length !== d.X.rows) throw new DecodeError(name, 40, 'the binary CSR file holds no labels');
  let X: Csr = d.X;
  if (features !== undefined) {
    if (d.maxIndex > features) {
      throw new DecodeError(
        name,
        48,
        `feature index ${d.maxIndex} exceeds the declared number of features ${features}`,
      );
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

/**
 * The width a binary CSR file's matrix will have once {@link fromDecoded} applies a declared feature count
 * (resident data are laid out for it); a count below maxIndex is an error there, so the file's own width.
 */
function widthFor(features: number | undefined): (h: CsrHeader) => number {
  return (h) => (features !== undefined && h.maxIndex <= features ? Math.max(h.maxIndex, features) : h.cols);
}

/** SHA-256 and size of the bytes of an open file, read sequentially from offset 0 (the handle stays open). */
async function hashHandle(handle: FileHandle): Promise<{ sha256: string; bytes: number }> {
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
  const { displayName, cache, cacheMinBytes, env: envOpt, limits: given, ...parserOpts } = opts;
  const name = displayName ?? path;
  const env = envOpt ?? process.env;
  const limits = resolveLimits(given, env);
  // Constructed first: it validates the options before any I/O.
  let warned = false;
  const userWarning = parserOpts.onWarning;
  const parser = new LibsvmParser({
    ...parserOpts,
    indexStorage: residentIndexStorage(), // the indices go straight into WebAssembly memory (then makeResident)
    maxLineBytes: limits.maxLineBytes,
    maxTokenBytes: limits.maxTokenBytes,
    fileName: name,
    onWarning: (m) => {
      warned = true;
      userWarning?.(m);
    },
  });

  let handle: FileHandle;
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
      const f = readCsrFile(path, name, { cols: widthFor(parserOpts.features) });
      return fromDecoded(f, name, parserOpts.features, { sha256: f.sha256, bytes: f.bytes, source: 'csr-file' });
    }
    const size = (await handle.stat()).size;
    if (!gzip) parser.reserve(size);
    if ((cache ?? true) && csrCacheEnabled(env) && size >= (cacheMinBytes ?? CSR_CACHE_MIN_BYTES)) {
      const whole = await hashHandle(handle);
      keyed = whole.sha256;
      const hit = loadCsrCache(keyed, env, userWarning, { cols: widthFor(parserOpts.features) });
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
  let bytes: number;
  try {
    bytes = gzip ? await inflateInto(handle, name, parser, hash, limits) : await readInto(handle, name, parser, hash);
  } catch (e) {
    throw asInputError(e, name);
  } finally {
    await handle.close().catch(() => {});
  }
  const parsed = parser.finish();
  const sha256 = hash.digest('hex');
  if (keyed === sha256 && !warned) {
    // The entry keeps the matrix at its own width (maxIndex), whatever `features` widened it to here.
    const chunks = csrBinaryChunks(withCols(parsed.X, parsed.maxIndex), parsed.labels, {
      sourceSha256: sha256,
      maxIndex: parsed.maxIndex,
      explicitZeros: parsed.explicitZeros,
      lines: parsed.lines,
    });
    storeCsrCache(sha256, chunks, env, userWarning);
  }
  // the layout for the kernels is completed around the indices parsed into WebAssembly memory (resident.ts)
  return { ...parsed, X: makeResident(parsed.X), sha256, bytes, gzip, source: 'parse' };
}
