/**
 * Binary CSR files on disk: the parse cache and direct reads of `.csr` files.
 *
 * Cache: `cacheDir()/csr/<sha256>.csr`, keyed by the SHA-256 of the source file's bytes as stored
 * (content-addressed: two paths with the same bytes share an entry, an edited file gets a new one, and the
 * key is the very hash that {@link readLibsvmFile} reports). Entries are written atomically (a temporary
 * file renamed into place), so a reader sees a whole entry or none; an entry that fails to decode is reported
 * and re-written. Nothing evicts entries: remove the folder to reclaim the space.
 *
 * Integrity: every file written here records a checksum of its payload (the first 16 bytes of the SHA-256 of
 * everything after the header, {@link sealCsrChunks}); reading verifies it when present, and a cache entry
 * without one or with a mismatch is discarded (removed, then re-written from the source). The header is checked
 * against the file's size before anything else is read.
 *
 * Reading: the file is streamed (never held whole) straight into WebAssembly memory laid out for the
 * kernels (src/objectives/wasm/resident.ts; plain arrays where WebAssembly SIMD is missing), column indices
 * narrowed to what d allows on the way ({@link decodeCsrStream}): the kernels later add their CSC copies
 * beside the matrix instead of copying it, so the data exist once (about 3 bytes per non-zero of a binary
 * matrix with d ≤ 256, with the kernels' CSC copy, plus ~20 per row).
 */
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, mkdirSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  CSR_CHECKSUM_BYTES,
  CSR_HEADER_BYTES,
  type CsrAllocator,
  type CsrHeader,
  type DecodedCsr,
  decodeCsrStream,
  plainCsrArrays,
  readCsrHeader,
  setCsrPayloadChecksum,
} from '../data/csr-binary.js';
import { DecodeError } from '../data/decode-error.js';
import { OptlabError } from '../errors.js';
import { allocateResident } from '../objectives/wasm/resident.js';
import { tempPathFor } from './atomic.js';
import { cacheDir } from './paths.js';

/** Sources smaller than this (16 MiB) are not cached: they parse in well under a second. */
export const CSR_CACHE_MIN_BYTES = 16 * 1024 * 1024;

/** The cache entry of a source with this SHA-256 (hex): `cacheDir()/csr/<sha256>.csr`. */
export function cachedCsrPath(sha256: string, env: NodeJS.ProcessEnv = process.env): string {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new OptlabError(`not a lowercase hex SHA-256: '${sha256}'`);
  return join(cacheDir(env), 'csr', `${sha256}.csr`);
}

/** False when `OPTLAB_NO_CSR_CACHE` is set to anything but '' or '0'. */
export function csrCacheEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = env.OPTLAB_NO_CSR_CACHE;
  return v === undefined || v === '' || v === '0';
}

/**
 * Writes the concatenation of `chunks` to `path` atomically (temporary file in the same folder, then a
 * rename), creating the folder. Each chunk is written before the next is asked for, so a generator may
 * reuse one buffer. On failure the temporary file is removed and the error re-thrown.
 * @returns the number of bytes written
 */
export function writeChunksAtomic(path: string, chunks: Iterable<Uint8Array>): number {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = tempPathFor(path);
  let fd = -1;
  let total = 0;
  try {
    fd = openSync(tmp, 'wx');
    for (const c of chunks) {
      let off = 0;
      while (off < c.length) off += writeSync(fd, c, off, c.length - off);
      total += c.length;
    }
    closeSync(fd);
    fd = -1;
    renameSync(tmp, path);
    return total;
  } catch (err) {
    if (fd >= 0) closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** Largest read per readSync call (below the 2 GiB a single read may return). */
const READ_STEP = 1 << 30;

/** A binary CSR file read from disk, with the SHA-256 of its bytes. */
export interface CsrFile extends DecodedCsr {
  /** SHA-256 (hex) of the file's bytes. */
  sha256: string;
  /** Size of the file in bytes. */
  bytes: number;
}

/** The payload checksum of encoded chunks (everything after the header), as written in the header. */
function payloadDigest(parts: Iterable<Uint8Array>): Buffer {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest().subarray(0, CSR_CHECKSUM_BYTES);
}

/**
 * Records the payload checksum in the header of chunks from `encodeCsrBinary` (a copy of the header: the
 * other chunks are views of the matrix and are not touched). Returns the chunks to write.
 */
export function sealCsrChunks(chunks: Uint8Array[]): Uint8Array[] {
  const header = chunks[0].slice();
  setCsrPayloadChecksum(header, payloadDigest(chunks.slice(1)));
  return [header, ...chunks.slice(1)];
}

/**
 * {@link sealCsrChunks} for chunks that may be walked twice but not held at once (`csrBinaryChunks`, whose
 * chunks share one buffer): a first walk computes the payload checksum, the second writes.
 */
function sealReiterable(chunks: Iterable<Uint8Array>): Iterable<Uint8Array> {
  const hash = createHash('sha256');
  let header: Uint8Array | null = null;
  for (const c of chunks) {
    if (header === null) header = c.slice();
    else hash.update(c);
  }
  if (header === null) throw new OptlabError('no binary CSR chunks to seal');
  setCsrPayloadChecksum(header, hash.digest().subarray(0, CSR_CHECKSUM_BYTES));
  const sealed = header;
  return {
    *[Symbol.iterator]() {
      let first = true;
      for (const c of chunks) {
        yield first ? sealed : c;
        first = false;
      }
    },
  };
}

/** Options of {@link readCsrFile}. */
export interface ReadCsrOptions {
  /**
   * The width the matrix will be given (a declared feature count, at least maxIndex; default the header's
   * cols): resident data are laid out for it.
   */
  cols?: (header: CsrHeader) => number;
  /** Hold the matrix in WebAssembly memory where possible (default true; src/objectives/wasm/resident.ts). */
  resident?: boolean;
}

/** Resident arrays where WebAssembly SIMD is available, else plain ones. */
const residentOrPlain: CsrAllocator = (shape) => allocateResident(shape) ?? plainCsrArrays(shape);

/**
 * Reads and decodes a binary CSR file (a `.csr` written by `optlab synth` or a cache entry), hashing its bytes.
 * The header is checked against the file's size first; then the file is streamed (never held whole) into
 * the matrix's own storage: by default WebAssembly memory laid out for the kernels, so the data exist once
 * ({@link decodeCsrStream}, src/objectives/wasm/resident.ts). A recorded payload checksum is verified.
 * Decoding errors are {@link DecodeError}s that name the file as `name`; file-system errors are thrown as
 * they are.
 */
export function readCsrFile(path: string, name = path, opts: ReadCsrOptions = {}): CsrFile {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const head = new Uint8Array(CSR_HEADER_BYTES);
    const got = readSync(fd, head, 0, CSR_HEADER_BYTES, 0);
    const h = readCsrHeader(head.subarray(0, got), name, size);
    const whole = createHash('sha256').update(head);
    const payload = createHash('sha256');
    let pos = CSR_HEADER_BYTES;
    const next = (into: Uint8Array) => {
      for (let off = 0; off < into.length; ) {
        const n = readSync(fd, into, off, Math.min(READ_STEP, into.length - off), pos);
        if (n === 0)
          throw new DecodeError(
            name,
            pos,
            `truncated binary CSR file (${pos} bytes, the header says ${h.layout.total})`,
          );
        off += n;
        pos += n;
      }
      whole.update(into);
      payload.update(into);
    };
    const decoded = decodeCsrStream(h, next, {
      name,
      cols: opts.cols?.(h),
      allocate: opts.resident === false ? plainCsrArrays : residentOrPlain,
    });
    const extra = readSync(fd, head, 0, 1, pos);
    if (extra !== 0) {
      throw new DecodeError(
        name,
        pos,
        `corrupt binary CSR file (bytes after the end the header gives (${h.layout.total} bytes))`,
      );
    }
    if (decoded.payloadChecksum !== null) {
      const digest = payload.digest().subarray(0, CSR_CHECKSUM_BYTES).toString('hex');
      if (digest !== decoded.payloadChecksum) {
        throw new DecodeError(
          name,
          CSR_HEADER_BYTES,
          `corrupt binary CSR file (the payload checksum is ${digest}, the header records ${decoded.payloadChecksum})`,
        );
      }
    }
    return { ...decoded, sha256: whole.digest('hex'), bytes: pos };
  } finally {
    closeSync(fd);
  }
}

/**
 * The cache entry of the source with this SHA-256, or undefined when there is none. An entry that cannot be
 * read or decoded, whose payload checksum is missing or does not match, or that records another source hash, is
 * reported through `onWarning` and removed (the caller then parses and re-writes it).
 */
export function loadCsrCache(
  sha256: string,
  env: NodeJS.ProcessEnv = process.env,
  onWarning?: (message: string) => void,
  opts: ReadCsrOptions = {},
): DecodedCsr | undefined {
  const path = cachedCsrPath(sha256, env);
  try {
    const decoded = readCsrFile(path, path, opts);
    if (decoded.payloadChecksum === null) throw new OptlabError(`${path}: the entry records no payload checksum`);
    if (decoded.sourceSha256 !== sha256) {
      throw new OptlabError(`${path}: the entry records source SHA-256 ${decoded.sourceSha256 ?? '(none)'}`);
    }
    if (decoded.labels.length !== decoded.X.rows) throw new OptlabError(`${path}: the entry has no labels`);
    return decoded;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    if (!(e instanceof OptlabError)) {
      if (typeof code !== 'string') throw e;
      onWarning?.(`cannot read the CSR cache entry ${path}: ${(e as Error).message}; parsing the source instead`);
      return undefined;
    }
    onWarning?.(`discarding a corrupt CSR cache entry: ${e.message}; parsing the source and re-writing it`);
    rmSync(path, { force: true });
    return undefined;
  }
}

/**
 * Writes the cache entry of a source atomically (`chunks` are walked twice: checksum, then write). Never throws: a failure (read-only or full disk) is
 * reported through `onWarning`, since the cache only saves time.
 * @returns the entry's path, or undefined when it could not be written
 */
export function storeCsrCache(
  sha256: string,
  chunks: Iterable<Uint8Array>,
  env: NodeJS.ProcessEnv = process.env,
  onWarning?: (message: string) => void,
): string | undefined {
  let path = '';
  try {
    path = cachedCsrPath(sha256, env);
    writeChunksAtomic(path, sealReiterable(chunks));
    return path;
  } catch (e) {
    onWarning?.(`cannot write the CSR cache entry ${path}: ${(e as Error).message}`);
    return undefined;
  }
}
