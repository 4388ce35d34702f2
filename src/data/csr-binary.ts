import { OptlabError } from '../errors.js';
import type { Csr } from './csr.js';

/**
 * A compact binary file format for a CSR matrix and its labels, loaded without parsing and without copying.
 *
 * Layout (all integers little-endian; every section starts at a multiple of 8 bytes, so typed-array views
 * can be laid over the file's buffer as it is):
 *
 * | offset | size | field |
 * |---|---|---|
 * | 0 | 10 | magic, ASCII `OPTLABCSR1` |
 * | 10 | 2 | uint16 format version (1) |
 * | 12 | 4 | uint32 flags: bit 0 = binary (every value is 1, no values section), bit 1 = source SHA-256 present |
 * | 16 | 8 | uint64 rows n |
 * | 24 | 8 | uint64 cols d |
 * | 32 | 8 | uint64 nnz (< 2³¹: row pointers are Int32) |
 * | 40 | 8 | uint64 label count (0 or n) |
 * | 48 | 8 | uint64 maxIndex: largest one-based column index of the source (explicit zeros included), ≤ d |
 * | 56 | 8 | uint64 explicit zeros of the source (entries written `j:0`, not stored) |
 * | 64 | 8 | uint64 lines of the source text (n for data that never was text) |
 * | 72 | 8 | uint64 total file size in bytes (catches truncation) |
 * | 80 | 32 | SHA-256 of the source file (raw bytes; zero when absent) |
 * | 112 | 16 | reserved, zero |
 * | 128 | 4(n+1), padded to 8 | rowPtr, Int32 |
 * | … | 4·nnz, padded to 8 | colIdx, Int32 |
 * | … | 8·nnz, only when not binary | values, Float64 |
 * | … | 8·labels | labels, Float64 |
 *
 * A binary matrix thus costs 4 bytes per non-zero plus 12 per row (row pointer and label), in the file and
 * in memory after {@link decodeCsrBinary}. Typed arrays use the host's byte order, so this module refuses to
 * run on a big-endian host rather than read garbage.
 */

/** The 10 magic bytes, ASCII. */
export const CSR_MAGIC = 'OPTLABCSR1';
/** The format version this code writes and reads. */
export const CSR_VERSION = 1;
/** Size of the fixed header in bytes. */
export const CSR_HEADER_BYTES = 128;

const FLAG_BINARY = 1;
const FLAG_SHA256 = 2;
const KNOWN_FLAGS = FLAG_BINARY | FLAG_SHA256;
const MAX_NNZ = 2147483647;
const TWO32 = 4294967296;
const MAGIC_BYTES = Uint8Array.from(CSR_MAGIC, (c) => c.charCodeAt(0));
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** What {@link encodeCsrBinary} records beside the matrix (all optional). */
export interface CsrBinaryMeta {
  /** SHA-256 of the source file, 64 hex digits; omitted or null when there is none. */
  sourceSha256?: string | null;
  /** Largest one-based column index of the source; default: computed from the stored columns. */
  maxIndex?: number;
  /** Explicit zeros of the source (default 0). */
  explicitZeros?: number;
  /** Lines of the source text (default rows). */
  lines?: number;
}

/** A decoded binary CSR file. */
export interface DecodedCsr {
  X: Csr;
  /** The labels (length rows), or an empty array when the file has none. */
  labels: Float64Array;
  /** SHA-256 of the source as 64 lowercase hex digits, or null. */
  sourceSha256: string | null;
  maxIndex: number;
  explicitZeros: number;
  lines: number;
  /** Whether the arrays are views on the input's buffer (true unless the input was not 8-byte aligned). */
  views: boolean;
}

/** Options of {@link decodeCsrBinary}. */
export interface DecodeCsrOptions {
  /** Name used in error messages (default 'binary CSR data'). */
  name?: string;
  /**
   * Check the structure in one pass over the entries (default true): rowPtr non-decreasing from 0 to nnz,
   * columns strictly increasing within a row and below maxIndex, values and labels finite.
   */
  validate?: boolean;
}

function pad8(bytes: number): number {
  return Math.ceil(bytes / 8) * 8;
}

function requireLittleEndian(): void {
  if (!LITTLE_ENDIAN) throw new OptlabError('the binary CSR format needs a little-endian host');
}

/** True when `head` (the first bytes of a file, at least 10) starts with the binary CSR magic. */
export function isCsrBinary(head: Uint8Array): boolean {
  if (head.length < MAGIC_BYTES.length) return false;
  for (let i = 0; i < MAGIC_BYTES.length; i++) if (head[i] !== MAGIC_BYTES[i]) return false;
  return true;
}

/** Section offsets and the total size of a file holding n rows, nnz entries and `labelCount` labels. */
function layout(rows: number, nnz: number, binary: boolean, labelCount: number) {
  const rowPtr = CSR_HEADER_BYTES;
  const colIdx = rowPtr + pad8(4 * (rows + 1));
  const values = colIdx + pad8(4 * nnz);
  const labels = values + (binary ? 0 : 8 * nnz);
  const total = labels + 8 * labelCount;
  return { rowPtr, colIdx, values, labels, total };
}

/** Size in bytes of the encoding of X with `labelCount` labels. */
export function csrBinarySize(X: Csr, labelCount: number): number {
  return layout(X.rows, X.rowPtr[X.rows], X.values === null, labelCount).total;
}

function setU64(v: DataView, off: number, n: number): void {
  v.setUint32(off, n % TWO32, true);
  v.setUint32(off + 4, Math.floor(n / TWO32), true);
}

function getU64(v: DataView, off: number, name: string, field: string): number {
  const lo = v.getUint32(off, true);
  const hi = v.getUint32(off + 4, true);
  if (hi >= 0x200000) throw new OptlabError(`${name}: corrupt binary CSR header (${field} exceeds 2^53)`);
  return hi * TWO32 + lo;
}

function bytesOf(a: Int32Array | Float64Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/**
 * Encodes X and its labels as a list of chunks whose concatenation is the file: a fresh 128-byte header,
 * then byte views of X's own arrays (no copy) and zero padding. Write the chunks in order, or join them
 * with {@link concatChunks}.
 * @param labels one per row, or null / empty for a matrix without labels
 */
export function encodeCsrBinary(X: Csr, labels: Float64Array | null, meta: CsrBinaryMeta = {}): Uint8Array[] {
  requireLittleEndian();
  const n = X.rows;
  const nnz = X.rowPtr[n];
  if (X.rowPtr.length !== n + 1 || X.rowPtr[0] !== 0 || !(nnz >= 0) || X.colIdx.length < nnz) {
    throw new OptlabError('cannot encode a malformed CSR matrix (rowPtr must run from 0 to nnz over rows + 1 entries)');
  }
  if (nnz > MAX_NNZ) throw new OptlabError(`cannot encode ${nnz} non-zeros: the binary CSR format allows 2^31-1`);
  if (X.values !== null && X.values.length < nnz) throw new OptlabError('cannot encode: values shorter than nnz');
  const labelCount = labels === null ? 0 : labels.length;
  if (labelCount !== 0 && labelCount !== n) {
    throw new OptlabError(`cannot encode ${labelCount} labels for ${n} rows`);
  }
  const colIdx = X.colIdx.subarray(0, nnz);
  let maxIndex = meta.maxIndex;
  if (maxIndex === undefined) {
    maxIndex = 0;
    for (let k = 0; k < nnz; k++) if (colIdx[k] >= maxIndex) maxIndex = colIdx[k] + 1;
  }
  if (!Number.isSafeInteger(maxIndex) || maxIndex < 0 || maxIndex > X.cols) {
    throw new OptlabError(`cannot encode: maxIndex ${maxIndex} must be an integer in [0, cols = ${X.cols}]`);
  }
  const sha = meta.sourceSha256 ?? null;
  if (sha !== null && !/^[0-9a-f]{64}$/i.test(sha)) {
    throw new OptlabError(`cannot encode: source SHA-256 must be 64 hex digits, got '${sha}'`);
  }
  const binary = X.values === null;
  const lay = layout(n, nnz, binary, labelCount);

  const header = new Uint8Array(CSR_HEADER_BYTES);
  const v = new DataView(header.buffer);
  header.set(MAGIC_BYTES, 0);
  v.setUint16(10, CSR_VERSION, true);
  v.setUint32(12, (binary ? FLAG_BINARY : 0) | (sha !== null ? FLAG_SHA256 : 0), true);
  setU64(v, 16, n);
  setU64(v, 24, X.cols);
  setU64(v, 32, nnz);
  setU64(v, 40, labelCount);
  setU64(v, 48, maxIndex);
  setU64(v, 56, meta.explicitZeros ?? 0);
  setU64(v, 64, meta.lines ?? n);
  setU64(v, 72, lay.total);
  if (sha !== null) for (let i = 0; i < 32; i++) header[80 + i] = Number.parseInt(sha.slice(2 * i, 2 * i + 2), 16);

  const chunks: Uint8Array[] = [header, bytesOf(X.rowPtr)];
  if ((4 * (n + 1)) % 8 !== 0) chunks.push(new Uint8Array(4));
  if (nnz > 0) chunks.push(bytesOf(colIdx));
  if ((4 * nnz) % 8 !== 0) chunks.push(new Uint8Array(4));
  if (X.values !== null && nnz > 0) chunks.push(bytesOf(X.values.subarray(0, nnz)));
  if (labels !== null && labelCount > 0) chunks.push(bytesOf(labels));
  return chunks;
}

/** The concatenation of `chunks` in one new Uint8Array (whose buffer starts at offset 0, 8-byte aligned). */
export function concatChunks(chunks: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const c of chunks) total += c.length;
  const out = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) {
    out.set(c, off);
    off += c.length;
  }
  return out;
}

/**
 * Decodes a binary CSR file held in memory. When `bytes.byteOffset` is a multiple of 8, the arrays of the
 * result are views on `bytes.buffer` (no copy: `X.colIdx.buffer === bytes.buffer`); otherwise the bytes are
 * copied once into an aligned buffer. Throws an {@link OptlabError} naming the file for a wrong magic, an
 * unknown version or flag, a truncated or over-long file, or (when validating) a malformed matrix.
 */
export function decodeCsrBinary(bytes: Uint8Array, opts: DecodeCsrOptions = {}): DecodedCsr {
  requireLittleEndian();
  const name = opts.name ?? 'binary CSR data';
  if (!isCsrBinary(bytes)) {
    throw new OptlabError(`${name}: not an optlab binary CSR file (the magic '${CSR_MAGIC}' is missing)`);
  }
  if (bytes.length < CSR_HEADER_BYTES) {
    throw new OptlabError(`${name}: truncated binary CSR file (${bytes.length} bytes, shorter than its header)`);
  }
  const v = new DataView(bytes.buffer, bytes.byteOffset, CSR_HEADER_BYTES);
  const version = v.getUint16(10, true);
  if (version !== CSR_VERSION) {
    throw new OptlabError(
      `${name}: unsupported binary CSR version ${version} (this optlab reads version ${CSR_VERSION})`,
    );
  }
  const flags = v.getUint32(12, true);
  if ((flags & ~KNOWN_FLAGS) !== 0) {
    throw new OptlabError(`${name}: unsupported binary CSR flags 0x${flags.toString(16)}`);
  }
  const rows = getU64(v, 16, name, 'rows');
  const cols = getU64(v, 24, name, 'cols');
  const nnz = getU64(v, 32, name, 'nnz');
  const labelCount = getU64(v, 40, name, 'label count');
  const maxIndex = getU64(v, 48, name, 'maxIndex');
  const explicitZeros = getU64(v, 56, name, 'explicit zeros');
  const lines = getU64(v, 64, name, 'lines');
  const declaredTotal = getU64(v, 72, name, 'size');
  const corrupt = (why: string): never => {
    throw new OptlabError(`${name}: corrupt binary CSR file (${why})`);
  };
  if (nnz > MAX_NNZ) corrupt(`nnz ${nnz} exceeds 2^31-1`);
  if (rows >= MAX_NNZ) corrupt(`rows ${rows} exceed 2^31-2`);
  if (cols > MAX_NNZ) corrupt(`cols ${cols} exceed 2^31-1`);
  if (labelCount !== 0 && labelCount !== rows) corrupt(`${labelCount} labels for ${rows} rows`);
  if (maxIndex > cols) corrupt(`maxIndex ${maxIndex} exceeds cols ${cols}`);
  const binary = (flags & FLAG_BINARY) !== 0;
  const lay = layout(rows, nnz, binary, labelCount);
  if (declaredTotal !== lay.total) corrupt(`the header says ${declaredTotal} bytes, its sizes need ${lay.total}`);
  if (bytes.length < lay.total) {
    throw new OptlabError(`${name}: truncated binary CSR file (${bytes.length} bytes, the header says ${lay.total})`);
  }
  if (bytes.length > lay.total) {
    corrupt(`${bytes.length - lay.total} bytes after the end the header gives (${lay.total} bytes)`);
  }
  for (let i = 112; i < CSR_HEADER_BYTES; i++) if (bytes[i] !== 0) corrupt('reserved header bytes are not zero');

  let sourceSha256: string | null = null;
  if ((flags & FLAG_SHA256) !== 0) {
    let hex = '';
    for (let i = 80; i < 112; i++) hex += bytes[i].toString(16).padStart(2, '0');
    sourceSha256 = hex;
  }

  const views = bytes.byteOffset % 8 === 0;
  const data = views ? bytes : bytes.slice();
  const buf = data.buffer;
  const base = data.byteOffset;
  const rowPtr = new Int32Array(buf, base + lay.rowPtr, rows + 1);
  const colIdx = new Int32Array(buf, base + lay.colIdx, nnz);
  const values = binary ? null : new Float64Array(buf, base + lay.values, nnz);
  const labels = new Float64Array(buf, base + lay.labels, labelCount);
  const X: Csr = { rows, cols, rowPtr, colIdx, values };
  if (opts.validate ?? true) validate(X, labels, maxIndex, corrupt);
  return { X, labels, sourceSha256, maxIndex, explicitZeros, lines, views };
}

/** One pass over the entries: the checks listed at {@link DecodeCsrOptions.validate}. */
function validate(X: Csr, labels: Float64Array, maxIndex: number, corrupt: (why: string) => never): void {
  const { rows, rowPtr, colIdx, values } = X;
  const nnz = colIdx.length;
  if (rowPtr[0] !== 0) corrupt(`rowPtr[0] is ${rowPtr[0]}, not 0`);
  if (rowPtr[rows] !== nnz) corrupt(`rowPtr[rows] is ${rowPtr[rows]}, not nnz = ${nnz}`);
  for (let i = 0; i < rows; i++) {
    const start = rowPtr[i];
    const end = rowPtr[i + 1];
    if (end < start || end > nnz) corrupt(`rowPtr decreases or passes nnz at row ${i}`);
    let prev = -1;
    for (let k = start; k < end; k++) {
      const c = colIdx[k];
      if (c <= prev || c >= maxIndex) {
        corrupt(
          c <= prev
            ? `columns of row ${i} are not strictly increasing`
            : `column ${c} of row ${i} is outside [0, maxIndex = ${maxIndex})`,
        );
      }
      prev = c;
    }
  }
  if (values !== null) {
    for (let k = 0; k < nnz; k++) if (values[k] - values[k] !== 0) corrupt(`value ${k} is not finite`);
  }
  for (let i = 0; i < labels.length; i++) if (labels[i] - labels[i] !== 0) corrupt(`label ${i} is not finite`);
}
