import type { ColumnIndices, Csr } from '../../data/csr.js';
import type { IndexBits, IndexStorage } from '../../data/libsvm.js';
import {
  Bump,
  colWidthFor,
  indexView,
  kernelModule,
  layoutScratch,
  layoutShape,
  type PatternLayout,
  planTilesFor,
  type Scratch,
  type Shape,
} from './layout.js';

/**
 * A CSR matrix held in WebAssembly memory: the data exist once.
 *
 * A resident matrix's arrays (row pointers, column indices as narrow as d allows, values) are views of a
 * WebAssembly memory laid out for the single-thread kernels (layout.ts): the same places as the copy
 * runtime.ts would make, with room left for the labels, the tiles' CSC copies and one thread's scratch.
 * The loaders (src/node/csr-cache.ts for .csr files and the parse cache, src/node/read-libsvm.ts for text)
 * write the matrix straight into it; the kernels built on it later (`WasmKernels.of`) write only the labels
 * and the CSC copies, and the JavaScript code that reads the pattern (Hessian-vector products, accuracy,
 * the reference kernels) reads the same views. A binary matrix with d ≤ 256 thus costs 1 byte per non-zero
 * for its indices and 2 for the CSC copy (u16 tile offsets), plus 12 bytes per row (row pointer, labels),
 * instead of the 4-byte JavaScript copy beside the WebAssembly one. The part of the memory kernels never
 * write (labels, CSC) is never touched, so it costs no resident memory either (pages are committed lazily).
 *
 * A matrix that is not exactly the laid-out one (a view of its first rows, another width) gets kernels of
 * its own as before (a copy). Where WebAssembly SIMD is missing the loaders keep plain Int32 arrays.
 */

/** The memory and layout behind a resident matrix. */
export interface ResidentStore {
  readonly memory: WebAssembly.Memory;
  readonly L: PatternLayout;
  readonly S: Scratch;
  /** The labels whose kernels were built on this memory (one set per memory), else null. */
  labels: Float64Array | null;
  /** Those kernels (runtime.ts keeps them here so that every matrix object on these arrays finds them). */
  kernels: unknown;
}

/** Stores by their memory's buffer (a WebAssembly memory that never grows keeps one buffer). */
const stores = new WeakMap<ArrayBufferLike, ResidentStore>();

/** The largest memory a layout may take (32-bit memory, less one page). */
const MAX_BYTES = 2 ** 32 - 2 ** 16;

/** The layout of a resident matrix of this shape: the one the single-thread kernels use. */
export function residentLayout(shape: Shape): { L: PatternLayout; S: Scratch; bytes: number } {
  const tiles = planTilesFor(shape.nnz, shape.cols, Int32Array.of(0, shape.rows));
  const bump = new Bump(shape.cols);
  const L = layoutShape(shape, tiles, bump);
  const S = layoutScratch(L, bump);
  return { L, S, bytes: Math.ceil(bump.top / 65536) * 65536 };
}

/**
 * Whether a layout of `bytes` is worth holding the data in: within 4 GiB, and at most 4 times the plain
 * arrays' bytes plus 512 KiB. The layout's parts that grow with d (x, g and each tile's column pointers)
 * dwarf a matrix with many columns and few entries; such data stay in plain arrays (bounded by the input's
 * size) and get kernels on a copy when an objective needs them, as before.
 */
function worthHolding(shape: Shape, bytes: number): boolean {
  const plain = 4 * (shape.rows + 1) + 4 * shape.nnz + (shape.binary ? 0 : 8 * shape.nnz);
  return bytes <= MAX_BYTES && bytes <= 4 * plain + 2 ** 19;
}

/** The (zeroed) arrays of a resident matrix: fill them, then build the Csr with {@link residentCsr}. */
export interface ResidentArrays {
  readonly rowPtr: Int32Array;
  readonly colIdx: ColumnIndices;
  readonly values: Float64Array | null;
}

/**
 * New, zeroed arrays for a matrix of this shape in a WebAssembly memory of its own, or null where
 * WebAssembly SIMD is unavailable or the layout would exceed 4 GiB (the caller then uses plain arrays).
 */
export function allocateResident(shape: Shape): ResidentArrays | null {
  if (kernelModule() === null) return null;
  const { L, S, bytes } = residentLayout(shape);
  if (!worthHolding(shape, bytes)) return null;
  let memory: WebAssembly.Memory;
  try {
    const pages = bytes / 65536;
    memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
  } catch {
    return null; // no memory of that size can be reserved
  }
  const buf = memory.buffer;
  stores.set(buf, { memory, L, S, labels: null, kernels: null });
  return {
    rowPtr: new Int32Array(buf, L.rp, shape.rows + 1),
    colIdx: indexView(buf, L.ci, L.colWidth, shape.nnz),
    values: shape.binary ? null : new Float64Array(buf, L.vals, shape.nnz),
  };
}

/** The matrix of filled resident arrays. */
export function residentCsr(rows: number, cols: number, a: ResidentArrays): Csr {
  return { rows, cols, rowPtr: a.rowPtr, colIdx: a.colIdx, values: a.values };
}

/** The store behind X when X's arrays are exactly a resident layout's (same rows, width and places), else undefined. */
export function residentStore(X: Csr): ResidentStore | undefined {
  const s = stores.get(X.colIdx.buffer);
  if (s === undefined) return undefined;
  const { L } = s;
  const buf = X.colIdx.buffer;
  const same =
    X.rows === L.rows &&
    X.cols === L.cols &&
    X.rowPtr.buffer === buf &&
    X.rowPtr.byteOffset === L.rp &&
    X.rowPtr.length === L.rows + 1 &&
    X.colIdx.byteOffset === L.ci &&
    X.colIdx.length === L.nnz &&
    X.colIdx.BYTES_PER_ELEMENT * 8 === L.colWidth &&
    (X.values === null
      ? L.binary
      : !L.binary && X.values.buffer === buf && X.values.byteOffset === L.vals && X.values.length === L.nnz);
  return same ? s : undefined;
}

/** Columns whose x fits below parsed indices: the parse does not know d, so it leaves room for 65536. */
const PARSE_ROOM_COLS = 65536;

/**
 * Column indices parsed straight into a WebAssembly memory (a LibsvmParser's {@link IndexStorage}), at a
 * fixed address above the room x and the scratch will need, growing the memory in place (a memory with a
 * maximum keeps its address range; pages are committed only when written) and widening in place from the
 * end. {@link makeResident} then lays the rest of the matrix out after them. Falls back to plain arrays
 * (Int32 copies, as without it) where the memory cannot be had.
 */
class ParsedIndices implements IndexStorage {
  memory: WebAssembly.Memory | null = null;
  /** Where the indices start. */
  readonly at = new Bump(PARSE_ROOM_COLS).top;
  width: IndexBits = 8;
  private failed = kernelModule() === null;

  /** `minEntries`: below this capacity the indices stay in a plain array (small data are copied once, later). */
  constructor(private readonly minEntries: number) {}

  initialWidth(declared: number): IndexBits {
    return declared > 0 ? colWidthFor(declared) : 8;
  }

  indices(capacity: number, width: IndexBits, old: ColumnIndices, oldWidth: IndexBits, keep: number): ColumnIndices {
    const inMemory = this.memory !== null; // then old lives in the memory
    if (!this.failed && (inMemory || capacity >= this.minEntries)) {
      if (this.ensure(this.at + (capacity * width) / 8 + 64))
        return this.view(capacity, width, old, oldWidth, keep, inMemory);
      this.failed = true;
    }
    const a =
      width === 8 ? new Uint8Array(capacity) : width === 16 ? new Uint16Array(capacity) : new Int32Array(capacity);
    if (keep > 0) a.set(old.subarray(0, keep)); // from a plain array, or from the memory (not grown: still valid)
    return a;
  }

  /** The indices in the memory (just made large enough), with the first `keep` of `old`. */
  private view(
    capacity: number,
    width: IndexBits,
    old: ColumnIndices,
    oldWidth: IndexBits,
    keep: number,
    inMemory: boolean,
  ) {
    const buf = this.memory!.buffer;
    const view = indexView(buf, this.at, width, capacity);
    if (keep > 0 && !inMemory)
      view.set(old.subarray(0, keep)); // from the smaller plain array
    else if (keep > 0 && width !== oldWidth) {
      // the old entries are at the same address (the memory may have moved to a new buffer): widen from the
      // end, so that no entry is overwritten before it is read
      const src = indexView(buf, this.at, oldWidth, keep);
      for (let k = keep - 1; k >= 0; k--) view[k] = src[k];
    }
    parsed.set(buf, this);
    this.width = width;
    return view;
  }

  /** Whether the memory holds `bytes` bytes (created or grown). */
  ensure(bytes: number): boolean {
    if (bytes > MAX_BYTES) return false;
    const pages = Math.ceil(bytes / 65536);
    try {
      if (this.memory === null) this.memory = new WebAssembly.Memory({ initial: pages, maximum: MAX_BYTES / 65536 });
      else if (this.memory.buffer.byteLength < pages * 65536) {
        // (grow is in every engine; the project's type library lacks it)
        (this.memory as unknown as { grow(delta: number): number }).grow(pages - this.memory.buffer.byteLength / 65536);
      }
      return true;
    } catch {
      return false;
    }
  }
}

/** Parse memories by their current buffer. */
const parsed = new WeakMap<ArrayBufferLike, ParsedIndices>();

/**
 * An {@link IndexStorage} that parses column indices straight into WebAssembly memory, at the narrowest
 * width (8 bits while d ≤ 256, then 16, then 32); {@link makeResident} of the parsed matrix then completes
 * the layout around them in place, so text data are never held twice either. Below `minEntries` entries
 * (1 Mi by default; a9a has 0.45 M) the indices stay in a plain narrow array, which makeResident copies.
 */
export function residentIndexStorage(minEntries = 1 << 20): IndexStorage {
  return new ParsedIndices(minEntries);
}

/** Completes a matrix whose indices a {@link residentIndexStorage} parsed into its memory, or returns null. */
function completeParsed(X: Csr): Csr | null {
  const p = parsed.get(X.colIdx.buffer);
  const memory = p?.memory;
  const width = colWidthFor(X.cols);
  if (p === undefined || !memory || X.colIdx.byteOffset !== p.at || p.width !== width) return null;
  const { rows, cols } = X;
  const nnz = X.rowPtr[rows];
  const shape: Shape = { rows, cols, nnz, binary: X.values === null };
  const bump = new Bump(cols);
  // more columns than the room left for x (d > 65536): the indices move up, after x
  const at = Math.max(p.at, bump.top);
  const L = layoutShape(shape, planTilesFor(nnz, cols, Int32Array.of(0, rows)), bump, width, at);
  const S = layoutScratch(L, bump);
  if (!worthHolding(shape, bump.top)) return null;
  parsed.delete(X.colIdx.buffer);
  if (!p.ensure(bump.top)) return null; // nothing moved: X is still valid (and gets copied)
  const buf = memory.buffer;
  if (at !== p.at) new Uint8Array(buf).copyWithin(at, p.at, p.at + (width / 8) * nnz); // overlapping, like memmove
  const rowPtr = new Int32Array(buf, L.rp, rows + 1);
  rowPtr.set(X.rowPtr.subarray(0, rows + 1));
  const values = X.values === null ? null : new Float64Array(buf, L.vals, nnz);
  if (values !== null) values.set(X.values!.subarray(0, nnz));
  stores.set(buf, { memory, L, S, labels: null, kernels: null });
  return { rows, cols, rowPtr, colIdx: indexView(buf, L.ci, width, nnz), values };
}

/**
 * X held in WebAssembly memory: X itself when it already is (or when WebAssembly SIMD is unavailable),
 * the layout completed in place around indices parsed into WebAssembly memory ({@link residentIndexStorage};
 * X's own index view is then invalid), else a resident copy (the caller drops X so that the data exist once).
 */
export function makeResident(X: Csr): Csr {
  if (residentStore(X) !== undefined) return X;
  const nnz = X.rowPtr[X.rows];
  const inPlace = completeParsed(X);
  if (inPlace !== null) return inPlace;
  const a = allocateResident({ rows: X.rows, cols: X.cols, nnz, binary: X.values === null });
  if (a === null) return X;
  a.rowPtr.set(X.rowPtr.subarray(0, X.rows + 1));
  a.colIdx.set(X.colIdx.subarray(0, nnz));
  if (X.values !== null) a.values!.set(X.values.subarray(0, nnz));
  return residentCsr(X.rows, X.cols, a);
}

/**
 * Memory accounting: the bytes of the distinct buffers behind X's arrays and `others` (labels, the kernels'
 * memory), each counted once. A resident matrix and its kernels share one buffer.
 */
export function heldBytes(X: Csr, ...others: (ArrayBufferView | ArrayBufferLike | null | undefined)[]): number {
  const seen = new Set<ArrayBufferLike>();
  const add = (b: ArrayBufferView | ArrayBufferLike | null | undefined) => {
    if (b === null || b === undefined) return;
    seen.add(ArrayBuffer.isView(b) ? b.buffer : b);
  };
  add(X.rowPtr);
  add(X.colIdx);
  add(X.values);
  for (const o of others) add(o);
  let total = 0;
  for (const b of seen) total += b.byteLength;
  return total;
}
