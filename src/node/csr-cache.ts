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
 * against the file's size before the file is read whole.
 *
 * Reading: the whole file goes into one buffer of its own (8-byte aligned, offset 0) and the matrix is a
 * set of typed-array views on it ({@link decodeCsrBinary}), so a binary matrix costs 4 bytes per non-zero
 * plus 12 per row, with no parsing and no second copy.
 */
import { constants as bufferConstants } from 'node:buffer';
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, mkdirSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  CSR_CHECKSUM_BYTES,
  CSR_HEADER_BYTES,
  type DecodedCsr,
  decodeCsrBinary,
  readCsrHeader,
  setCsrPayloadChecksum,
} from '../data/csr-binary.js';
import { DecodeError } from '../data/decode-error.js';
import { OptlabError } from '../errors.js';
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

/**
 * Reads a whole file into a fresh buffer of its own (byteOffset 0, so 8-byte aligned; not zero-filled first).
 * File-system errors are thrown as they are.
 */
export function readWholeFile(path: string): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size > bufferConstants.MAX_LENGTH) {
      throw new OptlabError(
        `cannot read ${path}: ${size} bytes exceed the largest buffer (${bufferConstants.MAX_LENGTH})`,
      );
    }
    const buf = Buffer.allocUnsafeSlow(size);
    let off = 0;
    while (off < size) {
      const n = readSync(fd, buf, off, Math.min(READ_STEP, size - off), off);
      if (n === 0) break;
      off += n;
    }
    return new Uint8Array(buf.buffer, buf.byteOffset, off);
  } finally {
    closeSync(fd);
  }
}

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

/** Reads the header of a binary CSR file and checks it against the file's size, before reading the rest. */
function checkHeaderOnDisk(path: string, name: string): void {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const head = new Uint8Array(CSR_HEADER_BYTES);
    const n = readSync(fd, head, 0, CSR_HEADER_BYTES, 0);
    readCsrHeader(head.subarray(0, n), name, size);
  } finally {
    closeSync(fd);
  }
}

/** Throws a DecodeError when the decoded file records a payload checksum its bytes do not match. */
function verifyPayload(bytes: Uint8Array, decoded: DecodedCsr, name: string): void {
  if (decoded.payloadChecksum === null) return;
  const got = payloadDigest([bytes.subarray(CSR_HEADER_BYTES)]).toString('hex');
  if (got !== decoded.payloadChecksum) {
    throw new DecodeError(
      name,
      CSR_HEADER_BYTES,
      `corrupt binary CSR file (the payload checksum is ${got}, the header records ${decoded.payloadChecksum})`,
    );
  }
}

/**
 * Reads and decodes a binary CSR file (a `.csr` written by `optlab synth` or a cache entry), hashing its bytes.
 * The header is checked against the file's size first; a recorded payload checksum is verified. Decoding
 * errors are {@link DecodeError}s that name the file as `name`.
 */
export function readCsrFile(path: string, name = path): CsrFile {
  checkHeaderOnDisk(path, name);
  const bytes = readWholeFile(path);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const decoded = decodeCsrBinary(bytes, { name });
  verifyPayload(bytes, decoded, name);
  return { ...decoded, sha256, bytes: bytes.length };
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
): DecodedCsr | undefined {
  const path = cachedCsrPath(sha256, env);
  let bytes: Uint8Array;
  try {
    bytes = readWholeFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    onWarning?.(`cannot read the CSR cache entry ${path}: ${(e as Error).message}; parsing the source instead`);
    return undefined;
  }
  try {
    const decoded = decodeCsrBinary(bytes, { name: path });
    if (decoded.payloadChecksum === null) throw new OptlabError(`${path}: the entry records no payload checksum`);
    verifyPayload(bytes, decoded, path);
    if (decoded.sourceSha256 !== sha256) {
      throw new OptlabError(`${path}: the entry records source SHA-256 ${decoded.sourceSha256 ?? '(none)'}`);
    }
    if (decoded.labels.length !== decoded.X.rows) throw new OptlabError(`${path}: the entry has no labels`);
    return decoded;
  } catch (e) {
    if (!(e instanceof OptlabError)) throw e;
    onWarning?.(`discarding a corrupt CSR cache entry: ${e.message}; parsing the source and re-writing it`);
    rmSync(path, { force: true });
    return undefined;
  }
}

/**
 * Writes the cache entry of a source atomically. Never throws: a failure (read-only or full disk) is
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
    writeChunksAtomic(path, sealCsrChunks([...chunks]));
    return path;
  } catch (e) {
    onWarning?.(`cannot write the CSR cache entry ${path}: ${(e as Error).message}`);
    return undefined;
  }
}
