import { OptlabError } from '../errors.js';
import type { ColumnIndices, Csr } from './csr.js';
import { DecodeError } from './decode-error.js';

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
 * | 12 | 4 | uint32 flags: bit 0 = binary (every value is 1, no values section), bit 1 = source SHA-256 present, bit 2 = payload checksum present |
 * | 16 | 8 | uint64 rows n |
 * | 24 | 8 | uint64 cols d |
 * | 32 | 8 | uint64 nnz (< 2³¹: row pointers are Int32) |
 * | 40 | 8 | uint64 label count (0 or n) |
 * | 48 | 8 | uint64 maxIndex: largest one-based column index of the source (explicit zeros included), ≤ d |
 * | 56 | 8 | uint64 explicit zeros of the source (entries written `j:0`, not stored) |
 * | 64 | 8 | uint64 lines of the source text (n for data that never was text) |
 * | 72 | 8 | uint64 total file size in bytes (catches truncation) |
 * | 80 | 32 | SHA-256 of the source file (raw bytes; zero when absent) |
 * | 112 | 16 | payload checksum: the first 16 bytes of the SHA-256 of bytes 128 to the end (zero when absent) |
 * | 128 | 4(n+1), padded to 8 | rowPtr, Int32 |
 * | … | 4·nnz, padded to 8 | colIdx, Int32 |
 * | … | 8·nnz, only when not binary | values, Float64 |
 * | … | 8·labels | labels, Float64 |
 *
 * A binary matrix thus costs 4 bytes per non-zero plus 12 per row (row pointer and label), in the file and
 * in memory after {@link decodeCsrBinary}. The header is checked against the file's size before anything else is
 * read ({@link readCsrHeader}); the payload checksum is written and verified at the edge (src/node/csr-cache.ts,
 * which has a SHA-256), since this module uses no Node API. Errors are {@link DecodeError}s at the byte offset
 * of the offending field or entry. Typed arrays use the host's byte order, so this module refuses to
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
const FLAG_CHECKSUM = 4;
const KNOWN_FLAGS = FLAG_BINARY | FLAG_SHA256 | FLAG_CHECKSUM;
/** Where the payload checksum sits in the header, and its length. */
const CHECKSUM_OFFSET = 112;
export const CSR_CHECKSUM_BYTES = 16;
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
  /** The payload checksum the header records (32 hex digits), or null (see {@link setCsrPayloadChecksum}). */
  payloadChecksum: string | null;
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
  if (hi >= 0x200000) throw new DecodeError(name, off, `corrupt binary CSR header (${field} exceeds 2^53)`);
  return hi * TWO32 + lo;
}

/**
 * Records a payload checksum in an encoded header (the first chunk of {@link encodeCsrBinary}): `digest`
 * holds at least {@link CSR_CHECKSUM_BYTES} bytes of the SHA-256 of every chunk after the header.
 */
export function setCsrPayloadChecksum(header: Uint8Array, digest: Uint8Array): void {
  if (header.length !== CSR_HEADER_BYTES || !isCsrBinary(header) || digest.length < CSR_CHECKSUM_BYTES) {
    throw new OptlabError('setCsrPayloadChecksum: expected a 128-byte binary CSR header and a 16-byte digest');
  }
  const v = new DataView(header.buffer, header.byteOffset, CSR_HEADER_BYTES);
  v.setUint32(12, v.getUint32(12, true) | FLAG_CHECKSUM, true);
  header.set(digest.subarray(0, CSR_CHECKSUM_BYTES), CHECKSUM_OFFSET);
}

/** What the 128-byte header of a binary CSR file says, checked for consistency and against the file's size. */
export interface CsrHeader {
  rows: number;
  cols: number;
  nnz: number;
  labelCount: number;
  maxIndex: number;
  explicitZeros: number;
  lines: number;
  binary: boolean;
  sourceSha256: string | null;
  payloadChecksum: string | null;
  layout: ReturnType<typeof layout>;
}

/**
 * Reads and checks the header alone (the first 128 bytes), before any array is allocated: magic, version,
 * flags, counts within the format's limits, labels 0 or rows, maxIndex ≤ cols, the size the counts need
 * equal to the size recorded and to `fileSize` (the real size of the file, when known).
 */
export function readCsrHeader(head: Uint8Array, name: string, fileSize?: number): CsrHeader {
  requireLittleEndian();
  if (!isCsrBinary(head)) {
    throw new DecodeError(name, 0, `not an optlab binary CSR file (the magic '${CSR_MAGIC}' is missing)`);
  }
  const size = fileSize ?? head.length;
  if (head.length < CSR_HEADER_BYTES || size < CSR_HEADER_BYTES) {
    throw new DecodeError(
      name,
      Math.min(head.length, size),
      `truncated binary CSR file (${size} bytes, shorter than its header)`,
    );
  }
  const v = new DataView(head.buffer, head.byteOffset, CSR_HEADER_BYTES);
  const version = v.getUint16(10, true);
  if (version !== CSR_VERSION) {
    throw new DecodeError(
      name,
      10,
      `unsupported binary CSR version ${version} (this optlab reads version ${CSR_VERSION})`,
    );
  }
  const flags = v.getUint32(12, true);
  if ((flags & ~KNOWN_FLAGS) !== 0)
    throw new DecodeError(name, 12, `unsupported binary CSR flags 0x${flags.toString(16)}`);
  const rows = getU64(v, 16, name, 'rows');
  const cols = getU64(v, 24, name, 'cols');
  const nnz = getU64(v, 32, name, 'nnz');
  const labelCount = getU64(v, 40, name, 'label count');
  const maxIndex = getU64(v, 48, name, 'maxIndex');
  const explicitZeros = getU64(v, 56, name, 'explicit zeros');
  const lines = getU64(v, 64, name, 'lines');
  const declaredTotal = getU64(v, 72, name, 'size');
  const corrupt = (at: number, why: string): never => {
    throw new DecodeError(name, at, `corrupt binary CSR file (${why})`);
  };
  if (nnz > MAX_NNZ) corrupt(32, `nnz ${nnz} exceeds 2^31-1`);
  if (rows >= MAX_NNZ) corrupt(16, `rows ${rows} exceed 2^31-2`);
  if (cols > MAX_NNZ) corrupt(24, `cols ${cols} exceed 2^31-1`);
  if (labelCount !== 0 && labelCount !== rows) corrupt(40, `${labelCount} labels for ${rows} rows`);
  if (maxIndex > cols) corrupt(48, `maxIndex ${maxIndex} exceeds cols ${cols}`);
  if (nnz > 0 && maxIndex === 0) corrupt(48, `maxIndex 0 with ${nnz} non-zeros`);
  const binary = (flags & FLAG_BINARY) !== 0;
  const lay = layout(rows, nnz, binary, labelCount);
  if (declaredTotal !== lay.total) corrupt(72, `the header says ${declaredTotal} bytes, its sizes need ${lay.total}`);
  if (size < lay.total) {
    throw new DecodeError(name, size, `truncated binary CSR file (${size} bytes, the header says ${lay.total})`);
  }
  if (size > lay.total)
    corrupt(lay.total, `${size - lay.total} bytes after the end the header gives (${lay.total} bytes)`);
  const hex = (from: number, to: number): string => {
    let out = '';
    for (let i = from; i < to; i++) out += head[i].toString(16).padStart(2, '0');
    return out;
  };
  let payloadChecksum: string | null = null;
  if ((flags & FLAG_CHECKSUM) !== 0) payloadChecksum = hex(CHECKSUM_OFFSET, CHECKSUM_OFFSET + CSR_CHECKSUM_BYTES);
  else {
    for (let i = CHECKSUM_OFFSET; i < CSR_HEADER_BYTES; i++) {
      if (head[i] !== 0) corrupt(i, 'reserved header bytes are not zero');
    }
  }
  const sourceSha256 = (flags & FLAG_SHA256) !== 0 ? hex(80, 112) : null;
  return {
    rows,
    cols,
    nnz,
    labelCount,
    maxIndex,
    explicitZeros,
    lines,
    binary,
    sourceSha256,
    payloadChecksum,
    layout: lay,
  };
}

function bytesOf(a: Int32Array | Float64Array | Uint8Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** The header, the sections before and after the column indices, and the indices of the encoding of X. */
function encodeParts(X: Csr, labels: Float64Array | null, meta: CsrBinaryMeta) {
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

  const before: Uint8Array[] = [bytesOf(X.rowPtr)];
  if ((4 * (n + 1)) % 8 !== 0) before.push(new Uint8Array(4));
  const after: Uint8Array[] = [];
  if ((4 * nnz) % 8 !== 0) after.push(new Uint8Array(4));
  if (X.values !== null && nnz > 0) after.push(bytesOf(X.values.subarray(0, nnz)));
  if (labels !== null && labelCount > 0) after.push(bytesOf(labels));
  return { header, before, colIdx, after };
}

/**
 * Encodes X and its labels as a list of chunks whose concatenation is the file: a fresh 128-byte header,
 * then byte views of X's own arrays (no copy; narrow column indices are widened to Int32 in one new array,
 * see {@link csrBinaryChunks} to avoid it) and zero padding. Write the chunks in order, or join them with
 * {@link concatChunks}.
 * @param labels one per row, or null / empty for a matrix without labels
 */
export function encodeCsrBinary(X: Csr, labels: Float64Array | null, meta: CsrBinaryMeta = {}): Uint8Array[] {
  const { header, before, colIdx, after } = encodeParts(X, labels, meta);
  const wide = colIdx instanceof Int32Array ? colIdx : Int32Array.from(colIdx);
  return [header, ...before, ...(wide.length > 0 ? [bytesOf(wide)] : []), ...after];
}

/**
 * The chunks of {@link encodeCsrBinary} as an iterable that may be walked more than once (to checksum, then
 * write), with narrow column indices widened to Int32 a slab at a time in one reused buffer of `slab`
 * entries (default 1 Mi) rather than all at once: consume each chunk before asking for the next.
 */
export function csrBinaryChunks(
  X: Csr,
  labels: Float64Array | null,
  meta: CsrBinaryMeta = {},
  slab = 1 << 20,
): Iterable<Uint8Array> {
  const { header, before, after } = encodeParts(X, labels, meta);
  const colIdx: ColumnIndices = X.colIdx.subarray(0, X.rowPtr[X.rows]);
  return {
    *[Symbol.iterator]() {
      yield header;
      yield* before;
      if (colIdx instanceof Int32Array) {
        if (colIdx.length > 0) yield bytesOf(colIdx);
      } else if (colIdx.length > 0) {
        const buf = new Int32Array(Math.min(slab, colIdx.length));
        for (let k = 0; k < colIdx.length; k += slab) {
          const m = Math.min(slab, colIdx.length - k);
          buf.set(colIdx.subarray(k, k + m));
          yield bytesOf(buf.subarray(0, m));
        }
      }
      yield* after;
    },
  };
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
  const name = opts.name ?? 'binary CSR data';
  const h = readCsrHeader(bytes, name);
  const { rows, cols, nnz, labelCount, maxIndex, layout: lay } = h;
  const views = bytes.byteOffset % 8 === 0;
  const data = views ? bytes : bytes.slice();
  const buf = data.buffer;
  const base = data.byteOffset;
  const rowPtr = new Int32Array(buf, base + lay.rowPtr, rows + 1);
  const colIdx = new Int32Array(buf, base + lay.colIdx, nnz);
  const values = h.binary ? null : new Float64Array(buf, base + lay.values, nnz);
  const labels = new Float64Array(buf, base + lay.labels, labelCount);
  const X: Csr = { rows, cols, rowPtr, colIdx, values };
  if (opts.validate ?? true) {
    const corrupt = corruptIn(name);
    const rowsCheck = new RowCheck(rowPtr, rows, nnz, maxIndex, lay, corrupt);
    rowsCheck.columns(colIdx, nnz, 0);
    rowsCheck.finish();
    checkFinite(values, lay.values, 'value', corrupt);
    checkFinite(labels, lay.labels, 'label', corrupt);
  }
  return {
    X,
    labels,
    sourceSha256: h.sourceSha256,
    maxIndex,
    explicitZeros: h.explicitZeros,
    lines: h.lines,
    views,
    payloadChecksum: h.payloadChecksum,
  };
}

/** The arrays a streamed decode fills (zeroed, of the header's lengths): plain arrays or views of a WebAssembly memory. */
export interface CsrArrays {
  readonly rowPtr: Int32Array;
  /** Int32, or narrower when every column fits (the decode checks each column below maxIndex first). */
  readonly colIdx: ColumnIndices;
  readonly values: Float64Array | null;
}

/** Allocates the arrays of a matrix with this shape (`cols`: the width the caller will give it). */
export type CsrAllocator = (shape: { rows: number; cols: number; nnz: number; binary: boolean }) => CsrArrays;

/** Plain arrays: Int32 row pointers and column indices, Float64 values. */
export const plainCsrArrays: CsrAllocator = ({ rows, nnz, binary }) => ({
  rowPtr: new Int32Array(rows + 1),
  colIdx: new Int32Array(nnz),
  values: binary ? null : new Float64Array(nnz),
});

/** Options of {@link decodeCsrStream}. */
export interface DecodeCsrStreamOptions {
  /** Name used in error messages. */
  name: string;
  /** The width the matrix will have (default the header's cols; at least maxIndex). */
  cols?: number;
  /** Where the matrix goes (default {@link plainCsrArrays}). */
  allocate?: CsrAllocator;
  /** Column indices read at a time when they are narrowed (default 1 Mi: a 4 MiB staging buffer). */
  slab?: number;
}

/**
 * Decodes a binary CSR file as a stream, straight into the arrays `allocate` gives (for instance views of a
 * WebAssembly memory, src/objectives/wasm/resident.ts), so the file is never held whole: `next(into)` must
 * fill `into` with the file's next `into.length` bytes, in order, from byte 128 on (the caller has read the
 * header `h` and may hash the bytes as they pass). Column indices pass through a small Int32 staging buffer
 * when the target is narrower, and every entry is checked (as {@link decodeCsrBinary} validates, with the
 * same errors at the same byte offsets) before it is narrowed. `views` is false in the result.
 */
export function decodeCsrStream(
  h: CsrHeader,
  next: (into: Uint8Array) => void,
  opts: DecodeCsrStreamOptions,
): DecodedCsr {
  const { rows, nnz, labelCount, maxIndex, layout: lay } = h;
  const cols = opts.cols ?? h.cols;
  if (!(cols >= maxIndex)) throw new OptlabError(`decodeCsrStream: cols ${cols} below maxIndex ${maxIndex}`);
  const a = (opts.allocate ?? plainCsrArrays)({ rows, cols, nnz, binary: h.binary });
  const corrupt = corruptIn(opts.name);
  const pad = new Uint8Array(4);
  next(bytesOf(a.rowPtr));
  if ((4 * (rows + 1)) % 8 !== 0) next(pad);
  const check = new RowCheck(a.rowPtr, rows, nnz, maxIndex, lay, corrupt);
  const direct = a.colIdx instanceof Int32Array ? a.colIdx : null;
  const slab = Math.max(1, Math.min(nnz, opts.slab ?? 1 << 20));
  const staging = direct === null ? new Int32Array(slab) : null;
  for (let k0 = 0; k0 < nnz; k0 += slab) {
    const m = Math.min(slab, nnz - k0);
    const part = direct !== null ? direct.subarray(k0, k0 + m) : staging!.subarray(0, m);
    next(bytesOf(part));
    check.columns(part, m, k0);
    if (direct === null) a.colIdx.set(part, k0);
  }
  check.finish();
  if ((4 * nnz) % 8 !== 0) next(pad);
  if (a.values !== null) {
    next(bytesOf(a.values));
    checkFinite(a.values, lay.values, 'value', corrupt);
  }
  const labels = new Float64Array(labelCount);
  next(bytesOf(labels));
  checkFinite(labels, lay.labels, 'label', corrupt);
  return {
    X: { rows, cols, rowPtr: a.rowPtr, colIdx: a.colIdx, values: a.values },
    labels,
    sourceSha256: h.sourceSha256,
    maxIndex,
    explicitZeros: h.explicitZeros,
    lines: h.lines,
    views: false,
    payloadChecksum: h.payloadChecksum,
  };
}

type Corrupt = (at: number, why: string) => never;

function corruptIn(name: string): Corrupt {
  return (at, why) => {
    throw new DecodeError(name, at, `corrupt binary CSR file (${why})`);
  };
}

/**
 * The structure checks of {@link DecodeCsrOptions.validate}, fed the column indices in order (in one piece
 * or in slabs): rowPtr from 0 to nnz, each row's end not before its start nor past nnz, columns strictly
 * increasing within a row and below maxIndex. Rows are checked in order, each just before its entries, so a
 * streamed decode fails at the same place as a whole one. `at` of an error is a byte offset in the file.
 */
class RowCheck {
  /** The row whose entries come next, and where they end. */
  private row = -1;
  private end = 0;
  private prev = -1;

  constructor(
    private readonly rowPtr: Int32Array,
    private readonly rows: number,
    private readonly nnz: number,
    private readonly maxIndex: number,
    private readonly lay: ReturnType<typeof layout>,
    private readonly corrupt: Corrupt,
  ) {
    if (rowPtr[0] !== 0) corrupt(lay.rowPtr, `rowPtr[0] is ${rowPtr[0]}, not 0`);
    if (rowPtr[rows] !== nnz) corrupt(lay.rowPtr + 4 * rows, `rowPtr[rows] is ${rowPtr[rows]}, not nnz = ${nnz}`);
  }

  private nextRow(): void {
    const i = ++this.row;
    const start = this.rowPtr[i];
    const end = this.rowPtr[i + 1];
    if (end < start || end > this.nnz)
      this.corrupt(this.lay.rowPtr + 4 * (i + 1), `rowPtr decreases or passes nnz at row ${i}`);
    this.end = end;
    this.prev = -1;
  }

  /** Checks entries k0 .. k0+m−1, whose columns are c[0..m−1]. */
  columns(c: ColumnIndices, m: number, k0: number): void {
    const maxIndex = this.maxIndex;
    let prev = this.prev;
    for (let t = 0; t < m; t++) {
      const k = k0 + t;
      if (k >= this.end) {
        this.prev = prev;
        while (k >= this.end) this.nextRow();
        prev = -1;
      }
      const v = c[t];
      if (v <= prev || v >= maxIndex) {
        this.corrupt(
          this.lay.colIdx + 4 * k,
          v <= prev
            ? `columns of row ${this.row} are not strictly increasing`
            : `column ${v} of row ${this.row} is outside [0, maxIndex = ${maxIndex})`,
        );
      }
      prev = v;
    }
    this.prev = prev;
  }

  /** Checks the rows after the last entry (all empty). */
  finish(): void {
    while (this.row + 1 < this.rows) this.nextRow();
  }
}

function checkFinite(a: Float64Array | null, at: number, what: string, corrupt: Corrupt): void {
  if (a === null) return;
  for (let k = 0; k < a.length; k++) if (a[k] - a[k] !== 0) corrupt(at + 8 * k, `${what} ${k} is not finite`);
}
