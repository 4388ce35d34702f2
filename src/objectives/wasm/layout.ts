import type { Csr } from '../../data/csr.js';
import type { LossName } from '../losses.js';
import { KERNELS_C_BASE, KERNELS_C_ROWS, KERNELS_WASM_BASE64, KERNELS_X_BASE } from './kernels.generated.js';

/**
 * The data layout of the three-pass WebAssembly kernels (scripts/wasm-passes.mjs) and the driver that runs
 * them, shared by the single-thread kernels (runtime.ts) and the shards of the parallel objective
 * (../shard.ts).
 *
 * In the module's memory: the CSR pattern with column indices as narrow as d allows (u8 for d ≤ 256, u16
 * for d ≤ 65536, else u32), the values (none for binary data), the labels, and for each row tile a CSC
 * copy of the tile's pattern: per tile, column pointers (d + 1 of them, global positions) and the rows of
 * each column's entries as tile-local byte offsets 8t into c, u16 (u32 for tiles over 8192 rows), with
 * their values. x sits at the fixed address X_BASE, so that the gathers x[j] fold it into the load. A tile's
 * entries occupy the same positions [rp[a], rp[b]) in the CSC arrays as in the CSR ones.
 *
 * One full-data evaluation, tile by tile (rows a..b−1, m = b − a, ≤ `tileRows`, so that z and c stay in
 * L1): (1) z = A_tile x by gathers, (2) the loss pass over z (f64x2, branch-free, exp and log1p computed in
 * WebAssembly), giving the tile's Σ ℓ and c = scale·ℓ'(z), (3) g += A_tileᵀ c by gathers through the
 * tile's CSC pointers. A mini-batch (rows idx[start..end−1]) runs (1) and (2) on its rows, then scatters
 * c into g row by row (in the batch's order, like the JavaScript kernel). Sums over tiles and chunks are
 * added in order: the bits depend only on the data, x, and the tiling (fixed by the shape), and are the
 * same on every engine (no engine function is used). They differ from the JavaScript reference kernels
 * (one fused pass, sequential sums) by rounding only: the tests hold them within 1e-13 relative.
 */

/** Rows per tile: 2048 rows of z and c are 32 KiB, within a 48 KiB L1 with x beside them. */
export const TILE_ROWS = 2048;

export type IndexWidth = 8 | 16 | 32;

/** The pattern's place in memory (byte offsets) and its tiles. */
export interface PatternLayout {
  readonly rows: number;
  readonly cols: number;
  readonly nnz: number;
  readonly binary: boolean;
  /** Width of the CSR column indices. */
  readonly colWidth: IndexWidth;
  /** Width of the tile-local CSC row indices. */
  readonly rowWidth: 16 | 32;
  /** Row boundaries of the tiles (length tiles + 1, from 0 to rows). */
  readonly tiles: Int32Array;
  /** The largest tile's rows. */
  readonly tileRows: number;
  rp: number;
  ci: number;
  vals: number;
  y: number;
  cp: number;
  ri: number;
  cv: number;
}

/** One thread's working vectors (byte offsets): x (X_BASE, shared by all threads) and g (d each), z, c and yb (tileRows + 2), idx (tileRows). */
export interface Scratch {
  x: number;
  g: number;
  z: number;
  c: number;
  yb: number;
  idx: number;
}

/** The fixed address of x (the point) in every layout. */
export const X_BASE = KERNELS_X_BASE;

/** A bump allocator of 64-byte aligned blocks, above x (d float64 at X_BASE). */
export class Bump {
  top: number;
  /** Whether the fixed c block (below x; scripts/wasm-passes.mjs) is still free for a scratch. */
  cBlockFree = true;
  constructor(cols: number) {
    this.top = X_BASE + Math.ceil((8 * cols) / 64) * 64 + 64;
  }
  /** c's block: the fixed one below x (the CSC gather reads it faster) for the first scratch whose tiles fit. */
  takeC(tileRows: number, bytes: number): number {
    if (tileRows > KERNELS_C_ROWS || !this.cBlockFree) return this.take(bytes);
    this.cBlockFree = false;
    return KERNELS_C_BASE;
  }
  take(bytes: number): number {
    const at = this.top;
    this.top += Math.ceil(bytes / 64) * 64 + 64; // 64 bytes of slack: the f64x2 pass reads a lane past the end
    return at;
  }
}

/** The narrowest column index width for d columns. */
export function colWidthFor(cols: number): IndexWidth {
  return cols <= 256 ? 8 : cols <= 65536 ? 16 : 32;
}

/**
 * Tile boundaries inside each of the row ranges [bounds[s], bounds[s+1]) (one range for a single thread,
 * one per shard). Tiles have `TILE_ROWS` rows, more when the per-tile column pointers (d + 1 per tile)
 * would outweigh half the entries (many columns, few entries per row), up to one tile per range.
 */
export function planTiles(rowPtr: Int32Array, cols: number, bounds: Int32Array): Int32Array {
  return planTilesFor(rowPtr[bounds[bounds.length - 1]], cols, bounds);
}

/** {@link planTiles} from the number of entries alone (the tiling depends on the shape, not the pattern). */
export function planTilesFor(nnz: number, cols: number, bounds: Int32Array): Int32Array {
  const rows = bounds[bounds.length - 1];
  let size = TILE_ROWS;
  while (size < rows && Math.ceil(rows / size) * (cols + 1) > Math.max(nnz / 2, 1024)) size *= 2;
  const out: number[] = [0];
  for (let s = 0; s + 1 < bounds.length; s++) {
    for (let a = bounds[s]; a < bounds[s + 1]; ) {
      a = Math.min(a + size, bounds[s + 1]);
      out.push(a);
    }
  }
  return Int32Array.from(out);
}

/** The shape of a matrix: what its layout depends on. */
export interface Shape {
  readonly rows: number;
  readonly cols: number;
  readonly nnz: number;
  readonly binary: boolean;
}

/** The shape of X. */
export function shapeOf(X: Csr): Shape {
  return { rows: X.rows, cols: X.cols, nnz: X.rowPtr[X.rows], binary: X.values === null };
}

/** Places a pattern of this shape and tiling (and the labels) with `bump`. */
export function layoutPattern(X: Csr, tiles: Int32Array, bump: Bump, colWidth = colWidthFor(X.cols)): PatternLayout {
  return layoutShape(shapeOf(X), tiles, bump, colWidth);
}

/**
 * {@link layoutPattern} from the shape alone. `ciAt`: the column indices are already at this address (at
 * or above `bump.top`; a matrix parsed in place, resident.ts), and everything else is placed after them.
 */
export function layoutShape(
  shape: Shape,
  tiles: Int32Array,
  bump: Bump,
  colWidth = colWidthFor(shape.cols),
  ciAt?: number,
): PatternLayout {
  const { rows, nnz, binary } = shape;
  let ciFirst = -1;
  if (ciAt !== undefined) {
    if (ciAt < bump.top)
      throw new RangeError(`column indices at ${ciAt}, below the layout's free space at ${bump.top}`);
    bump.top = ciAt;
    ciFirst = bump.take((colWidth / 8) * nnz);
  }
  let tileRows = 0;
  for (let t = 0; t + 1 < tiles.length; t++) tileRows = Math.max(tileRows, tiles[t + 1] - tiles[t]);
  const rowWidth = tileRows <= 8192 ? 16 : 32; // byte offsets 8t of tile rows t
  const count = tiles.length - 1;
  return {
    rows,
    cols: shape.cols,
    nnz,
    binary,
    colWidth,
    rowWidth,
    tiles,
    tileRows,
    rp: bump.take(4 * (rows + 1)),
    ci: ciFirst >= 0 ? ciFirst : bump.take((colWidth / 8) * nnz),
    vals: binary ? 0 : bump.take(8 * nnz),
    y: bump.take(8 * rows),
    cp: bump.take(4 * count * (shape.cols + 1)),
    ri: bump.take((rowWidth / 8) * nnz),
    cv: binary ? 0 : bump.take(8 * nnz),
  };
}

/** Places one thread's scratch vectors with `bump`. */
export function layoutScratch(L: PatternLayout, bump: Bump): Scratch {
  const m = L.tileRows + 2;
  return {
    x: X_BASE,
    g: bump.take(8 * L.cols),
    z: bump.take(8 * m),
    c: bump.takeC(L.tileRows, 8 * m),
    yb: bump.take(8 * m),
    idx: bump.take(4 * m),
  };
}

/** A view of `length` indices of this width at byte `at` (u32 indices, all below 2³¹, as Int32). */
export function indexView(buf: ArrayBufferLike, at: number, width: number, length: number) {
  return width === 8
    ? new Uint8Array(buf, at, length)
    : width === 16
      ? new Uint16Array(buf, at, length)
      : new Int32Array(buf, at, length);
}

/**
 * Writes the pattern, values and labels, and builds each tile's CSC copy (a counting sort by column of the
 * tile's entries, rows ascending within a column). `skipCsr`: the CSR arrays are already there (X's arrays
 * are views of this very layout, resident.ts); the labels are written all the same.
 */
export function fillPattern(buf: ArrayBufferLike, L: PatternLayout, X: Csr, y: Float64Array, skipCsr = false): void {
  const { rows, cols, nnz, tiles } = L;
  const rowPtr = X.rowPtr;
  const colIdx = X.colIdx;
  if (!skipCsr) {
    new Int32Array(buf, L.rp, rows + 1).set(rowPtr.subarray(0, rows + 1));
    indexView(buf, L.ci, L.colWidth, nnz).set(colIdx.subarray(0, nnz));
    if (X.values !== null) new Float64Array(buf, L.vals, nnz).set(X.values.subarray(0, nnz));
  }
  new Float64Array(buf, L.y, rows).set(y);
  const ri = indexView(buf, L.ri, L.rowWidth, nnz);
  const cv = X.values === null ? null : new Float64Array(buf, L.cv, nnz);
  const next = new Int32Array(cols);
  for (let t = 0; t + 1 < tiles.length; t++) {
    const a = tiles[t];
    const b = tiles[t + 1];
    const cp = new Int32Array(buf, L.cp + 4 * t * (cols + 1), cols + 1);
    cp.fill(0);
    for (let k = rowPtr[a]; k < rowPtr[b]; k++) cp[colIdx[k] + 1]++;
    cp[0] = rowPtr[a];
    for (let j = 0; j < cols; j++) cp[j + 1] += cp[j];
    next.set(cp.subarray(0, cols));
    for (let i = a; i < b; i++) {
      for (let k = rowPtr[i]; k < rowPtr[i + 1]; k++) {
        const p = next[colIdx[k]]++;
        ri[p] = 8 * (i - a);
        if (cv !== null) cv[p] = X.values![k];
      }
    }
  }
}

type Fn = (...a: number[]) => number;

/** The passes of one layout, on one thread's scratch: full tiles and mini-batches. */
export class Passes {
  private readonly z: Fn;
  private readonly gcsc: Fn;
  private readonly gscatter: Fn;
  private readonly loss: Record<LossName, Fn>;
  private readonly idxView: Int32Array;

  constructor(
    exports: Record<string, Fn>,
    readonly L: PatternLayout,
    readonly S: Scratch,
    buf: ArrayBufferLike,
  ) {
    const B = L.binary ? 'b' : 'v';
    this.z = exports[`rowsZ_${L.colWidth}_${B}`];
    this.gcsc = exports[`cscG_${L.rowWidth}_${B}`];
    this.gscatter = exports[`scatterG_${L.colWidth}_${B}`];
    this.loss = { 'sigmoid-lsq': exports.lossLsq, logistic: exports.lossLog };
    this.idxView = new Int32Array(buf, S.idx, L.tileRows + 2);
  }

  /**
   * Σ ℓ over the rows of tiles t0..t1−1, adding scale·Σ ℓ'·a_i into the scratch g when `grad` (x is read
   * from the scratch x).
   */
  tiles(loss: LossName, t0: number, t1: number, scale: number, grad: boolean): number {
    const { L, S } = this;
    const lossFn = this.loss[loss];
    const cpBytes = 4 * (L.cols + 1);
    let sum = 0;
    for (let t = t0; t < t1; t++) {
      const a = L.tiles[t];
      const m = L.tiles[t + 1] - a;
      this.z(L.rp, L.ci, L.vals, S.z, 0, 0, 0, a, m);
      sum += lossFn(S.z, L.y + 8 * a, S.c, m, scale);
      if (grad) this.gcsc(L.cp + t * cpBytes, L.ri, L.cv, S.c, S.g, L.cols);
    }
    return sum;
  }

  /** Σ ℓ over the rows idx[start..end−1], in chunks of a tile's size; scatters into g when `grad`. */
  batch(loss: LossName, idx: Int32Array, start: number, end: number, scale: number, grad: boolean): number {
    const { L, S } = this;
    const lossFn = this.loss[loss];
    const chunk = L.tileRows;
    let sum = 0;
    for (let s = start; s < end; s += chunk) {
      const m = Math.min(chunk, end - s);
      this.idxView.set(idx.subarray(s, s + m));
      this.z(L.rp, L.ci, L.vals, S.z, L.y, S.yb, S.idx, 0, m);
      sum += lossFn(S.z, S.yb, S.c, m, scale);
      if (grad) this.gscatter(L.rp, L.ci, L.vals, S.c, S.g, S.idx, m);
    }
    return sum;
  }
}

let compiled: WebAssembly.Module | null | undefined;

/** The module's bytes. */
export function kernelBytes(): Uint8Array {
  const text = atob(KERNELS_WASM_BASE64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/**
 * The compiled module, or null where WebAssembly or its SIMD extension is missing (feature detection by
 * `WebAssembly.validate` of the module itself, which uses f64x2). Compiled once per thread (~10 KB).
 */
export function kernelModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    compiled = null;
    try {
      if (typeof WebAssembly !== 'undefined') {
        const bytes = kernelBytes();
        // (WebAssembly.validate is in every engine; the project's type library lacks it)
        const validate = (WebAssembly as unknown as { validate(b: Uint8Array): boolean }).validate;
        if (validate.call(WebAssembly, bytes)) compiled = new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
      }
    } catch {
      compiled = null; // a host that forbids compiling WebAssembly
    }
  }
  return compiled;
}
