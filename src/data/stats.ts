import { type Csr, nnz } from './csr.js';
import { labelCounts } from './labels.js';

/** What `optlab inspect` reports about a dataset. */
export interface DataStats {
  rows: number;
  features: number;
  nnz: number;
  /** nnz / (rows · features) */
  density: number;
  /** Whether every stored value is 1 (values array dropped). */
  binary: boolean;
  labels: Array<{ value: number; count: number; fraction: number }>;
  nnzPerRow: { min: number; mean: number; max: number };
  emptyRows: number;
  /** One-based indices of columns with no stored entry (the first {@link MAX_LISTED_COLUMNS}). */
  zeroColumns: number[];
  /** How many columns have no stored entry. */
  zeroColumnCount: number;
  /**
   * One-based indices of columns that hold one value in every row, all-zero columns included (the first
   * {@link MAX_LISTED_COLUMNS}).
   */
  constantColumns: number[];
  /** How many columns hold one value in every row. */
  constantColumnCount: number;
}

/** Longest column list a {@link DataStats} holds (the counts are exact). */
export const MAX_LISTED_COLUMNS = 1000;

/**
 * Computes the statistics from the sparse structure. Memory is bounded by the data, not by the number of
 * columns: per-column arrays (20 bytes a column) are used only when the columns are at most max(2^20, 2·nnz);
 * beyond that the column indices are sorted (4 bytes a non-zero), since then most columns are empty and only a
 * column stored in every row can be constant.
 */
export function dataStats(X: Csr, rawLabels: Float64Array): DataStats {
  const n = X.rows;
  const d = X.cols;
  let minRow = Number.POSITIVE_INFINITY;
  let maxRow = 0;
  let empty = 0;
  for (let i = 0; i < n; i++) {
    const len = X.rowPtr[i + 1] - X.rowPtr[i];
    if (len < minRow) minRow = len;
    if (len > maxRow) maxRow = len;
    if (len === 0) empty++;
  }
  const columns = d <= Math.max(2 ** 20, 2 * nnz(X)) ? denseColumns(X) : sparseColumns(X);
  const total = nnz(X);
  return {
    rows: n,
    features: d,
    nnz: total,
    density: n * d === 0 ? 0 : total / (n * d),
    binary: X.values === null,
    labels: [...labelCounts(rawLabels)].map(([value, c]) => ({ value, count: c, fraction: c / n })),
    nnzPerRow: { min: n === 0 ? 0 : minRow, mean: n === 0 ? 0 : total / n, max: maxRow },
    emptyRows: empty,
    ...columns,
  };
}

type ColumnStats = Pick<DataStats, 'zeroColumns' | 'zeroColumnCount' | 'constantColumns' | 'constantColumnCount'>;

/** A capped list with its count. */
class Listing {
  readonly items: number[] = [];
  count = 0;
  add(j: number): void {
    if (this.items.length < MAX_LISTED_COLUMNS) this.items.push(j);
    this.count++;
  }
  /** Adds the one-based columns [from, to] (the count at once, the list up to its cap). */
  addRange(from: number, to: number): void {
    for (let j = from; j <= to && this.items.length < MAX_LISTED_COLUMNS; j++) this.items.push(j);
    this.count += Math.max(0, to - from + 1);
  }
}

function result(zero: Listing, constant: Listing): ColumnStats {
  return {
    zeroColumns: zero.items,
    zeroColumnCount: zero.count,
    constantColumns: constant.items,
    constantColumnCount: constant.count,
  };
}

/** Per-column count, min and max in arrays of length d. */
function denseColumns(X: Csr): ColumnStats {
  const d = X.cols;
  const count = new Int32Array(d);
  const lo = new Float64Array(d).fill(Number.POSITIVE_INFINITY);
  const hi = new Float64Array(d).fill(Number.NEGATIVE_INFINITY);
  const total = nnz(X);
  for (let k = 0; k < total; k++) {
    const j = X.colIdx[k];
    const v = X.values === null ? 1 : X.values[k];
    count[j]++;
    if (v < lo[j]) lo[j] = v;
    if (v > hi[j]) hi[j] = v;
  }
  const zero = new Listing();
  const constant = new Listing();
  for (let j = 0; j < d; j++) {
    if (count[j] === 0) {
      zero.add(j + 1);
      constant.add(j + 1);
    } else if (count[j] === X.rows && lo[j] === hi[j]) constant.add(j + 1);
  }
  return result(zero, constant);
}

/** The same from the sorted column indices: gaps are the zero columns; full columns are checked for a value. */
function sparseColumns(X: Csr): ColumnStats {
  const total = nnz(X);
  const sorted = X.colIdx.slice(0, total).sort();
  const zero = new Listing();
  const full = new Map<number, { lo: number; hi: number }>();
  let next = 0; // first column not yet accounted for
  for (let k = 0; k < total; ) {
    const j = sorted[k];
    let e = k;
    while (e < total && sorted[e] === j) e++;
    zero.addRange(next + 1, j); // columns next .. j-1, one-based
    if (e - k === X.rows) full.set(j, { lo: Number.POSITIVE_INFINITY, hi: Number.NEGATIVE_INFINITY });
    next = j + 1;
    k = e;
  }
  zero.addRange(next + 1, X.cols);
  if (full.size > 0) {
    for (let k = 0; k < total; k++) {
      const f = full.get(X.colIdx[k]);
      if (f === undefined) continue;
      const v = X.values === null ? 1 : X.values[k];
      if (v < f.lo) f.lo = v;
      if (v > f.hi) f.hi = v;
    }
  }
  // constant columns in order: the zero columns and the full columns with one value, merged
  const constantFull = [...full].filter(([, f]) => f.lo === f.hi).map(([j]) => j + 1);
  const constant = new Listing();
  const zeroList = zero.items;
  let a = 0;
  let b = 0;
  while ((a < zeroList.length || b < constantFull.length) && constant.items.length < MAX_LISTED_COLUMNS) {
    if (b >= constantFull.length || (a < zeroList.length && zeroList[a] < constantFull[b])) constant.add(zeroList[a++]);
    else constant.add(constantFull[b++]);
  }
  constant.count = zero.count + constantFull.length;
  return result(zero, constant);
}
