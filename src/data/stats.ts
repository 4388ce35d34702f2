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
  /** One-based indices of columns with no stored entry. */
  zeroColumns: number[];
  /** One-based indices of columns that hold one value in every row (all-zero columns included). */
  constantColumns: number[];
}

/** Computes the statistics in one pass over the non-zeros. */
export function dataStats(X: Csr, rawLabels: Float64Array): DataStats {
  const n = X.rows;
  const d = X.cols;
  const count = new Int32Array(d);
  const lo = new Float64Array(d).fill(Number.POSITIVE_INFINITY);
  const hi = new Float64Array(d).fill(Number.NEGATIVE_INFINITY);
  let minRow = Number.POSITIVE_INFINITY;
  let maxRow = 0;
  let empty = 0;
  for (let i = 0; i < n; i++) {
    const len = X.rowPtr[i + 1] - X.rowPtr[i];
    if (len < minRow) minRow = len;
    if (len > maxRow) maxRow = len;
    if (len === 0) empty++;
    for (let k = X.rowPtr[i]; k < X.rowPtr[i + 1]; k++) {
      const j = X.colIdx[k];
      const v = X.values === null ? 1 : X.values[k];
      count[j]++;
      if (v < lo[j]) lo[j] = v;
      if (v > hi[j]) hi[j] = v;
    }
  }
  const zeroColumns: number[] = [];
  const constantColumns: number[] = [];
  for (let j = 0; j < d; j++) {
    if (count[j] === 0) {
      zeroColumns.push(j + 1);
      constantColumns.push(j + 1);
    } else if (count[j] === n && lo[j] === hi[j]) constantColumns.push(j + 1);
  }
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
    zeroColumns,
    constantColumns,
  };
}
