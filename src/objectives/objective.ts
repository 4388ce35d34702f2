import type { Csr } from '../data/csr.js';
import { OptlabError } from '../errors.js';
import { checkObjectiveInput } from './check.js';
import { lossHessVec, lossValue, lossValueGrad, weightedHessVec } from './kernels.js';
import { l1Norm } from './l1.js';
import type { LossName } from './losses.js';
import type { Problem } from './problem.js';
import { WasmKernels } from './wasm/runtime.js';

/** A subset of rows: idx[start..end-1] (a mini-batch as a slice of a permutation, never copied). */
export interface RowBatch {
  idx: Int32Array;
  start: number;
  end: number;
}

/** What to minimize: a loss, and optional L1 and L2 weights. */
export interface ObjectiveSpec {
  loss: LossName;
  /** λ ≥ 0 of λ‖x‖₁ (handled by proximal or orthant-wise methods). */
  l1?: number;
  /** μ ≥ 0 of (μ/2)‖x‖² (part of the smooth term). */
  l2?: number;
  /**
   * Kernels of the value and gradient (all rows and mini-batches): 'wasm' (the three-pass WebAssembly SIMD
   * kernels, wasm/layout.ts: 2 to 3 times faster, the same bits on every engine), 'js' (the JavaScript
   * reference, ../kernels.ts), or 'auto' (default: WebAssembly where WebAssembly SIMD is available). The two
   * agree to rounding (the tests hold them within 1e-13 relative). Hessian-vector products always use the
   * JavaScript kernels.
   */
  kernel?: 'auto' | 'js' | 'wasm';
}

/**
 * F(x) = f(x) + λ‖x‖₁ with the smooth part
 *   f(x) = 1/n Σ_i ℓ(a_iᵀx, y_i) + (μ/2)‖x‖²,
 * for a margin loss ℓ (losses.ts) and the rows a_i of a CSR matrix. On a batch B the mean runs over B:
 * f_B(x) = 1/|B| Σ_{i∈B} ℓ(a_iᵀx, y_i) + (μ/2)‖x‖², an unbiased estimate of f when B is uniform.
 */
export class Objective implements Problem {
  readonly X: Csr;
  readonly y: Float64Array;
  readonly loss: LossName;
  readonly l1: number;
  readonly l2: number;
  /** Rows. */
  readonly n: number;
  /** Features (dimension of x). */
  readonly d: number;
  /** The WebAssembly kernels of value and gradient, or null (JavaScript). */
  readonly wasm: WasmKernels | null;

  constructor(X: Csr, y: Float64Array, spec: ObjectiveSpec) {
    checkObjectiveInput(X, y, spec);
    const l1 = spec.l1 ?? 0;
    const l2 = spec.l2 ?? 0;
    if (!(l1 >= 0) || !Number.isFinite(l1)) throw new OptlabError(`lambda must be a finite number >= 0, got ${l1}`);
    if (!(l2 >= 0) || !Number.isFinite(l2)) throw new OptlabError(`l2 must be a finite number >= 0, got ${l2}`);
    if (y.length !== X.rows) throw new OptlabError(`labels (${y.length}) and rows (${X.rows}) differ in number`);
    if (X.rows === 0) throw new OptlabError('the dataset has no rows');
    this.X = X;
    this.y = y;
    this.loss = spec.loss;
    this.l1 = l1;
    this.l2 = l2;
    this.n = X.rows;
    this.d = X.cols;
    const kernel = spec.kernel ?? 'auto';
    this.wasm = kernel === 'js' ? null : WasmKernels.of(X, y); // built once per data set and thread
    if (kernel === 'wasm' && this.wasm === null)
      throw new OptlabError('WebAssembly SIMD kernels are not available here');
  }

  /** Which kernels evaluate values and gradients. */
  get kernel(): 'js' | 'wasm' {
    return this.wasm === null ? 'js' : 'wasm';
  }

  /** Number of rows in a batch (n for the full data). */
  batchSize(batch?: RowBatch): number {
    return batch === undefined ? this.n : batch.end - batch.start;
  }

  /** f(x) or f_B(x), and its gradient written into `grad` (overwritten). */
  valueGrad(x: Float64Array, grad: Float64Array, batch?: RowBatch): number {
    grad.fill(0);
    const m = this.batchSize(batch);
    const sum = this.dataValueGrad(x, grad, 1 / m, batch);
    let f = sum / m; // a division, not sum·(1/m): exact when the mean is representable (0.25 at x = 0)
    if (this.l2 !== 0) {
      const mu = this.l2;
      let sq = 0;
      for (let j = 0; j < x.length; j++) {
        sq += x[j] * x[j];
        grad[j] += mu * x[j];
      }
      f += 0.5 * mu * sq;
    }
    return f;
  }

  /** f(x) or f_B(x) (smooth part only). */
  value(x: Float64Array, batch?: RowBatch): number {
    let f = this.dataValue(x, batch) / this.batchSize(batch);
    if (this.l2 !== 0) {
      let sq = 0;
      for (let j = 0; j < x.length; j++) sq += x[j] * x[j];
      f += 0.5 * this.l2 * sq;
    }
    return f;
  }

  /** Σ_{i∈B} ℓ(a_iᵀx, y_i), adding scale·Σ ℓ'(a_iᵀx, y_i) a_i into `grad` (zeroed by the caller). */
  protected dataValueGrad(x: Float64Array, grad: Float64Array, scale: number, batch?: RowBatch): number {
    const { wasm, loss } = this;
    if (batch === undefined) {
      return wasm !== null
        ? wasm.valueGrad(loss, x, grad, scale, null, 0, this.n)
        : lossValueGrad(loss, this.X, this.y, x, grad, scale, null, 0, this.n);
    }
    return wasm !== null
      ? wasm.valueGrad(loss, x, grad, scale, batch.idx, batch.start, batch.end)
      : lossValueGrad(loss, this.X, this.y, x, grad, scale, batch.idx, batch.start, batch.end);
  }

  /** Σ_{i∈B} ℓ(a_iᵀx, y_i). */
  protected dataValue(x: Float64Array, batch?: RowBatch): number {
    const { wasm, loss } = this;
    if (batch === undefined) {
      return wasm !== null ? wasm.value(loss, x, null, 0, this.n) : lossValue(loss, this.X, this.y, x, null, 0, this.n);
    }
    return wasm !== null
      ? wasm.value(loss, x, batch.idx, batch.start, batch.end)
      : lossValue(loss, this.X, this.y, x, batch.idx, batch.start, batch.end);
  }

  /** out = ∇²f(x) v (or ∇²f_B(x) v): Σ ℓ''(a_iᵀx) (a_iᵀv) a_i / |B| + μ v. */
  hessVec(x: Float64Array, v: Float64Array, out: Float64Array, batch?: RowBatch): void {
    out.fill(0);
    const inv = 1 / this.batchSize(batch);
    if (batch === undefined) this.fullHessVec(x, v, out, inv);
    else lossHessVec(this.loss, this.X, this.y, x, v, out, inv, batch.idx, batch.start, batch.end);
    if (this.l2 !== 0) for (let j = 0; j < v.length; j++) out[j] += this.l2 * v[j];
  }

  /** The x of the last full-data Hessian-vector product, and the rows' ℓ'' there once asked twice at it. */
  private hessAt: Float64Array | null = null;
  private hessWeights: Float64Array | null = null;
  private hessWeightsValid = false;

  /**
   * The data term's Hv on all rows. A second product at the same x (by value) stores the rows' ℓ''(a_iᵀx)
   * (n numbers) and later ones reuse them (`weightedHessVec`: the same bits, about half the work); a
   * product at another x drops them.
   */
  private fullHessVec(x: Float64Array, v: Float64Array, out: Float64Array, scale: number): void {
    const at = this.hessAt;
    const same = at !== null && at.length === x.length && at.every((a, j) => a === x[j]);
    if (same && this.hessWeights !== null && this.hessWeightsValid) {
      weightedHessVec(this.X, this.hessWeights, v, out, scale);
      return;
    }
    let weights: Float64Array | null = null;
    if (same) {
      if (this.hessWeights === null) this.hessWeights = new Float64Array(this.n);
      weights = this.hessWeights;
    } else {
      this.hessAt = Float64Array.from(x);
    }
    this.hessWeightsValid = false;
    lossHessVec(this.loss, this.X, this.y, x, v, out, scale, null, 0, this.n, weights);
    this.hessWeightsValid = weights !== null;
  }

  /** F(x) = f(x) + λ‖x‖₁ on all rows: the value every trace reports. */
  total(x: Float64Array): number {
    return this.value(x) + (this.l1 === 0 ? 0 : this.l1 * l1Norm(x));
  }

  /** F(x) given f(x) already computed. */
  totalFromSmooth(f: number, x: Float64Array): number {
    return f + (this.l1 === 0 ? 0 : this.l1 * l1Norm(x));
  }
}
