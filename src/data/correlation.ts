/**
 * Pearson correlation matrix of the columns of a sparse matrix, from sparse sums (no dense n×d copy).
 *
 * With n rows, column sums s_j = Σ_i a_ij, sums of squares q_j = Σ_i a_ij² and co-occurrence sums
 * C_jk = Σ_i a_ij a_ik (accumulated row by row over the pairs of non-zeros of each row, so the cost is
 * O(Σ_i nnz_i²) time and O(d²) memory; a9a has 14 non-zeros per row):
 *
 *   corr_jk = (n C_jk − s_j s_k) / sqrt((n q_j − s_j²) (n q_k − s_k²))
 *
 * which is the usual r = cov(j, k) / (σ_j σ_k) with every factor multiplied by n². Reference: any statistics
 * text, e.g. Wasserman, "All of Statistics", §3.3 (sample correlation).
 *
 * Numerics: this is the one-pass ("textbook") form, computed in float64. For 0/1 data (a9a) every sum is an
 * integer below 2^53, so the numerators and denominators are exact. For general real data the subtraction can
 * cancel when |mean| ≫ std; the values are then still accurate to roughly eps · (mean/std)².
 */

import { OptlabError } from '../errors.js';
import type { Csr } from './csr.js';

/** Widest matrix accepted: the result is d² float64 (32 MB at d = 2000) and the heatmap would be unreadable. */
export const MAX_CORRELATION_FEATURES = 2000;

export interface CorrelationMatrix {
  /** Number of columns (features). */
  readonly d: number;
  /**
   * d×d row-major: corr[j*d + k] is the Pearson correlation of columns j and k, in [−1, 1], symmetric, with
   * 1 on the diagonal. A constant column (zero variance, including an all-zero column) has NaN in its whole
   * row and column, diagonal included: its correlation is undefined (the heatmap draws those cells blank).
   */
  readonly corr: Float64Array;
  /** constant[j] is true when column j has zero variance (its row and column of `corr` are NaN). */
  readonly constant: boolean[];
}

/**
 * Pearson correlation matrix of the columns of `a` (see the module comment for the formula).
 *
 * A column counts as constant when n q_j − s_j² ≤ 1e−12 · n q_j (zero up to rounding: a column holding the
 * same non-integer value in every row leaves a rounding residue instead of an exact 0).
 *
 * Results are clamped to [−1, 1] (rounding can land a hair outside) and the diagonal of a non-constant
 * column is exactly 1.
 *
 * @throws OptlabError when a has more than {@link MAX_CORRELATION_FEATURES} columns.
 */
export function correlationMatrix(a: Csr): CorrelationMatrix {
  const d = a.cols;
  if (d > MAX_CORRELATION_FEATURES) {
    throw new OptlabError(
      `the correlation heatmap is limited to ${MAX_CORRELATION_FEATURES} features; this matrix has ${d} columns`,
    );
  }
  const n = a.rows;
  const { rowPtr, colIdx, values } = a;
  const s = new Float64Array(d);
  // Upper triangle (j ≤ k) of C; the diagonal C_jj is q_j.
  const c = new Float64Array(d * d);
  for (let i = 0; i < n; i++) {
    const start = rowPtr[i];
    const end = rowPtr[i + 1];
    if (values === null) {
      for (let p = start; p < end; p++) {
        const j = colIdx[p];
        s[j] += 1;
        const base = j * d;
        // Column indices increase within a row, so colIdx[q] ≥ j for q ≥ p: upper triangle.
        for (let q = p; q < end; q++) c[base + colIdx[q]] += 1;
      }
    } else {
      for (let p = start; p < end; p++) {
        const j = colIdx[p];
        const v = values[p];
        s[j] += v;
        const base = j * d;
        for (let q = p; q < end; q++) c[base + colIdx[q]] += v * values[q];
      }
    }
  }

  const constant: boolean[] = new Array(d);
  // v[j] = n q_j − s_j², NaN for a constant column (so NaN propagates into its row and column).
  const v = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    const nq = n * c[j * d + j];
    const vj = nq - s[j] * s[j];
    const isConstant = !(vj > 1e-12 * nq);
    constant[j] = isConstant;
    v[j] = isConstant ? Number.NaN : vj;
  }

  const corr = c; // filled in place: entry (j, k) with j ≤ k is read before (j, k) and (k, j) are written
  for (let j = 0; j < d; j++) {
    const sj = s[j];
    const vj = v[j];
    corr[j * d + j] = constant[j] ? Number.NaN : 1;
    for (let k = j + 1; k < d; k++) {
      // One sqrt of the product (not a product of square roots): exact ±1 for proportional integer columns.
      let r = (n * c[j * d + k] - sj * s[k]) / Math.sqrt(vj * v[k]);
      if (r > 1) r = 1;
      else if (r < -1) r = -1;
      corr[j * d + k] = r;
      corr[k * d + j] = r;
    }
  }
  return { d, corr, constant };
}
