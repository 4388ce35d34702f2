import type { Csr } from '../data/csr.js';
import { exp, log1p } from '../math/elementary.js';
import type { LossName } from './losses.js';

/**
 * Fused sparse kernels for f_B(x) = Σ_{i∈B} ℓ(a_iᵀx, y_i) over a set of rows B.
 *
 * One pass per row: gather z = a_iᵀx, evaluate ℓ and ℓ' from e^{−|z|} (see losses.ts for the formulas),
 * then scatter ℓ'·a_i into the gradient while the row is still in cache. B is either all rows
 * (`idx === null`, rows start..end-1) or the rows idx[start..end-1] of an index array (a mini-batch as a
 * slice of a permutation, without copying). Sums run in row order, so results are bit-reproducible.
 * exp and log1p are ours (../math/elementary.ts), not the engine's Math, so every engine gives the same bits.
 * Nothing is allocated.
 */

/**
 * Sum of losses over B; adds `scale · Σ ℓ'(z_i) a_i` into `grad` (which the caller zeroes).
 * @returns Σ_{i∈B} ℓ(a_iᵀx, y_i)
 */
export function lossValueGrad(
  loss: LossName,
  X: Csr,
  y: Float64Array,
  x: Float64Array,
  grad: Float64Array,
  scale: number,
  idx: Int32Array | null,
  start: number,
  end: number,
): number {
  return loss === 'sigmoid-lsq'
    ? sigmoidLsqValueGrad(X, y, x, grad, scale, idx, start, end)
    : logisticValueGrad(X, y, x, grad, scale, idx, start, end);
}

function sigmoidLsqValueGrad(
  X: Csr,
  y: Float64Array,
  x: Float64Array,
  grad: Float64Array,
  scale: number,
  idx: Int32Array | null,
  start: number,
  end: number,
): number {
  const { rowPtr, colIdx, values } = X;
  let sum = 0;
  for (let t = start; t < end; t++) {
    const i = idx === null ? t : idx[t];
    const lo = rowPtr[i];
    const hi = rowPtr[i + 1];
    let z = 0;
    if (values === null) for (let k = lo; k < hi; k++) z += x[colIdx[k]];
    else for (let k = lo; k < hi; k++) z += values[k] * x[colIdx[k]];
    // σ(|z|) = 1/(1+e), σ(−|z|) = e/(1+e) with e = exp(−|z|) ∈ (0, 1]
    const e = exp(-Math.abs(z));
    const big = 1 / (1 + e);
    const small = e * big;
    const yi = y[i];
    let s: number;
    let sm: number;
    let r: number;
    if (z >= 0) {
      s = big;
      sm = small;
      r = yi - 1 + sm;
    } else {
      s = small;
      sm = big;
      r = yi - s;
    }
    sum += r * r;
    const c = -2 * r * s * sm * scale;
    if (c === 0) continue;
    if (values === null) for (let k = lo; k < hi; k++) grad[colIdx[k]] += c;
    else for (let k = lo; k < hi; k++) grad[colIdx[k]] += c * values[k];
  }
  return sum;
}

function logisticValueGrad(
  X: Csr,
  y: Float64Array,
  x: Float64Array,
  grad: Float64Array,
  scale: number,
  idx: Int32Array | null,
  start: number,
  end: number,
): number {
  const { rowPtr, colIdx, values } = X;
  let sum = 0;
  for (let t = start; t < end; t++) {
    const i = idx === null ? t : idx[t];
    const lo = rowPtr[i];
    const hi = rowPtr[i + 1];
    let z = 0;
    if (values === null) for (let k = lo; k < hi; k++) z += x[colIdx[k]];
    else for (let k = lo; k < hi; k++) z += values[k] * x[colIdx[k]];
    const sgn = y[i] === 1 ? 1 : -1;
    const m = -sgn * z; // ℓ = softplus(m), ℓ' = −ỹ σ(m)
    const e = exp(-Math.abs(m));
    sum += (m > 0 ? m : 0) + log1p(e);
    const sig = m >= 0 ? 1 / (1 + e) : e / (1 + e);
    const c = -sgn * sig * scale;
    if (c === 0) continue;
    if (values === null) for (let k = lo; k < hi; k++) grad[colIdx[k]] += c;
    else for (let k = lo; k < hi; k++) grad[colIdx[k]] += c * values[k];
  }
  return sum;
}

/** Σ_{i∈B} ℓ(a_iᵀx, y_i), without the gradient. */
export function lossValue(
  loss: LossName,
  X: Csr,
  y: Float64Array,
  x: Float64Array,
  idx: Int32Array | null,
  start: number,
  end: number,
): number {
  const { rowPtr, colIdx, values } = X;
  const lsq = loss === 'sigmoid-lsq';
  let sum = 0;
  for (let t = start; t < end; t++) {
    const i = idx === null ? t : idx[t];
    const hi = rowPtr[i + 1];
    let z = 0;
    if (values === null) for (let k = rowPtr[i]; k < hi; k++) z += x[colIdx[k]];
    else for (let k = rowPtr[i]; k < hi; k++) z += values[k] * x[colIdx[k]];
    if (lsq) {
      const e = exp(-Math.abs(z));
      const big = 1 / (1 + e);
      const r = z >= 0 ? y[i] - 1 + e * big : y[i] - e * big;
      sum += r * r;
    } else {
      const m = y[i] === 1 ? -z : z;
      sum += (m > 0 ? m : 0) + log1p(exp(-Math.abs(m)));
    }
  }
  return sum;
}

/**
 * Adds `scale · Σ_{i∈B} ℓ''(a_iᵀx, y_i) (a_iᵀv) a_i` into `out`: the Hessian-vector product of the data term.
 * With `weights` (length n), also stores each row's ℓ''(a_iᵀx, y_i) in weights[i], for `weightedHessVec`.
 */
export function lossHessVec(
  loss: LossName,
  X: Csr,
  y: Float64Array,
  x: Float64Array,
  v: Float64Array,
  out: Float64Array,
  scale: number,
  idx: Int32Array | null,
  start: number,
  end: number,
  weights: Float64Array | null = null,
): void {
  const { rowPtr, colIdx, values } = X;
  const lsq = loss === 'sigmoid-lsq';
  for (let t = start; t < end; t++) {
    const i = idx === null ? t : idx[t];
    const lo = rowPtr[i];
    const hi = rowPtr[i + 1];
    let z = 0;
    let w = 0;
    if (values === null) {
      for (let k = lo; k < hi; k++) {
        z += x[colIdx[k]];
        w += v[colIdx[k]];
      }
    } else {
      for (let k = lo; k < hi; k++) {
        z += values[k] * x[colIdx[k]];
        w += values[k] * v[colIdx[k]];
      }
    }
    const h = hessWeight(lsq, z, y[i]);
    if (weights !== null) weights[i] = h;
    const c = h * w * scale;
    if (c === 0) continue;
    if (values === null) for (let k = lo; k < hi; k++) out[colIdx[k]] += c;
    else for (let k = lo; k < hi; k++) out[colIdx[k]] += c * values[k];
  }
}

/** ℓ''(z, y) of sigmoid-lsq (`lsq`) or logistic, from e^{−|z|} (see losses.ts). */
function hessWeight(lsq: boolean, z: number, y: number): number {
  const e = exp(-Math.abs(z));
  const big = 1 / (1 + e);
  const small = e * big;
  const s = z >= 0 ? big : small;
  const sm = z >= 0 ? small : big;
  if (lsq) {
    const r = z >= 0 ? y - 1 + sm : y - s;
    return 2 * s * sm * (s * sm - r * (sm - s));
  }
  return s * sm;
}

/**
 * `lossHessVec` on all rows from the weights it stored (ℓ''(a_iᵀx, y_i) at one x): the same sums in the same
 * order, hence the same bits, without recomputing the margins and the exponentials. Lanczos (the landscape's
 * eigenvalues) multiplies 40 vectors at one x.
 */
export function weightedHessVec(
  X: Csr,
  weights: Float64Array,
  v: Float64Array,
  out: Float64Array,
  scale: number,
): void {
  const { rowPtr, colIdx, values } = X;
  for (let i = 0; i < X.rows; i++) {
    const lo = rowPtr[i];
    const hi = rowPtr[i + 1];
    let w = 0;
    if (values === null) for (let k = lo; k < hi; k++) w += v[colIdx[k]];
    else for (let k = lo; k < hi; k++) w += values[k] * v[colIdx[k]];
    const c = weights[i] * w * scale;
    if (c === 0) continue;
    if (values === null) for (let k = lo; k < hi; k++) out[colIdx[k]] += c;
    else for (let k = lo; k < hi; k++) out[colIdx[k]] += c * values[k];
  }
}
