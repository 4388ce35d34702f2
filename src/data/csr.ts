/**
 * Compressed sparse row (CSR) matrices in typed arrays.
 *
 * Row i holds the entries `colIdx[k], values[k]` for `k` in `[rowPtr[i], rowPtr[i+1])`, with column
 * indices zero-based and strictly increasing within a row. A binary matrix (every stored entry equal to 1,
 * as in a9a) keeps `values === null`: kernels then skip the multiply and the matrix costs 4 bytes per
 * non-zero instead of 12.
 *
 * Column indices are Int32, or as narrow as d allows (u8 for d ≤ 256, u16 for d ≤ 65536) when the matrix is
 * held in WebAssembly memory (src/objectives/wasm/resident.ts): the arrays are then views of the memory the
 * fast kernels read, so the data exist once. Every reader indexes them the same way (`colIdx[k]`).
 */
export type ColumnIndices = Int32Array | Uint16Array | Uint8Array;

export interface Csr {
  readonly rows: number;
  readonly cols: number;
  /** Length rows + 1; rowPtr[0] = 0 and rowPtr[rows] = nnz. */
  readonly rowPtr: Int32Array;
  /** Length nnz; zero-based column of each stored entry. */
  readonly colIdx: ColumnIndices;
  /** Length nnz, or null when every stored entry is exactly 1. */
  readonly values: Float64Array | null;
}

/** Number of stored entries. */
export function nnz(a: Csr): number {
  return a.rowPtr[a.rows];
}

/**
 * Builds a Csr from its arrays, dropping the values array when every value is exactly 1.
 * The arrays are used as they are (no copy): trim them to length before calling.
 */
export function makeCsr(
  rows: number,
  cols: number,
  rowPtr: Int32Array,
  colIdx: ColumnIndices,
  values: Float64Array | null,
): Csr {
  if (values !== null) {
    let allOnes = true;
    for (let k = 0; k < values.length; k++) {
      if (values[k] !== 1) {
        allOnes = false;
        break;
      }
    }
    if (allOnes) values = null;
  }
  return { rows, cols, rowPtr, colIdx, values };
}

/** The value of stored entry k (1 for a binary matrix). */
export function entry(a: Csr, k: number): number {
  return a.values === null ? 1 : a.values[k];
}

/** A view of the first `rows` rows, sharing the arrays (no copy of the entries). */
export function headRows(a: Csr, rows: number): Csr {
  const r = Math.min(rows, a.rows);
  const end = a.rowPtr[r];
  return {
    rows: r,
    cols: a.cols,
    rowPtr: a.rowPtr.subarray(0, r + 1),
    colIdx: a.colIdx.subarray(0, end),
    values: a.values === null ? null : a.values.subarray(0, end),
  };
}

/** The same matrix seen with more columns (a test set read beside a training set shares its dimension). */
export function withCols(a: Csr, cols: number): Csr {
  return { ...a, cols };
}

/** out = A x (length rows). */
export function matVec(a: Csr, x: Float64Array, out: Float64Array): void {
  const { rowPtr, colIdx, values } = a;
  for (let i = 0; i < a.rows; i++) {
    let s = 0;
    const end = rowPtr[i + 1];
    if (values === null) for (let k = rowPtr[i]; k < end; k++) s += x[colIdx[k]];
    else for (let k = rowPtr[i]; k < end; k++) s += values[k] * x[colIdx[k]];
    out[i] = s;
  }
}

/** out = Aᵀ r (length cols); out is overwritten. */
export function matTVec(a: Csr, r: Float64Array, out: Float64Array): void {
  out.fill(0);
  const { rowPtr, colIdx, values } = a;
  for (let i = 0; i < a.rows; i++) {
    const ri = r[i];
    if (ri === 0) continue;
    const end = rowPtr[i + 1];
    if (values === null) for (let k = rowPtr[i]; k < end; k++) out[colIdx[k]] += ri;
    else for (let k = rowPtr[i]; k < end; k++) out[colIdx[k]] += ri * values[k];
  }
}

/** Dense copy, row-major (for tests and tiny problems only). */
export function toDense(a: Csr): Float64Array[] {
  const out: Float64Array[] = [];
  for (let i = 0; i < a.rows; i++) {
    const row = new Float64Array(a.cols);
    for (let k = a.rowPtr[i]; k < a.rowPtr[i + 1]; k++) row[a.colIdx[k]] = entry(a, k);
    out.push(row);
  }
  return out;
}

/** Builds a Csr from dense rows, storing the non-zeros (for tests and tiny problems). */
export function fromDense(rows: ArrayLike<number>[], cols?: number): Csr {
  const d = cols ?? (rows.length > 0 ? rows[0].length : 0);
  const rowPtr = new Int32Array(rows.length + 1);
  const idx: number[] = [];
  const val: number[] = [];
  rows.forEach((row, i) => {
    for (let j = 0; j < row.length; j++) {
      if (row[j] !== 0) {
        idx.push(j);
        val.push(row[j]);
      }
    }
    rowPtr[i + 1] = idx.length;
  });
  return makeCsr(rows.length, d, rowPtr, Int32Array.from(idx), Float64Array.from(val));
}
