import type { Csr } from '../../data/csr.js';
import type { LossName } from '../losses.js';
import { KERNELS_WASM_BASE64 } from './kernels.generated.js';

/**
 * The WebAssembly twins of the fused kernels (kernels.wat; the JavaScript ones in ../kernels.ts are the
 * reference they are tested against, bit for bit). The matrix and the labels are copied once into the
 * module's memory; each call copies x in and the gradient out (2d numbers), which is negligible next to a
 * pass over the rows. About twice as fast as V8's code for the same loop (see bench/README.md).
 * Works wherever WebAssembly does (Node, browsers, Web Workers); `create` returns null where it does not,
 * or when the data would not fit in a 32-bit memory, and callers fall back to JavaScript.
 */
export class WasmKernels {
  private readonly memory: WebAssembly.Memory;
  private readonly fns: Record<LossName, (...a: number[]) => number>;
  private readonly rp: number;
  private readonly ci: number;
  private readonly vals: number;
  private readonly y: number;
  private readonly x: number;
  private readonly g: number;
  private readonly idx: number;
  private readonly idxCapacity: number;
  private readonly xView: Float64Array;
  private readonly gView: Float64Array;
  private readonly idxView: Int32Array;
  readonly d: number;

  private constructor(X: Csr, y: Float64Array, idxCapacity: number) {
    const n = X.rows;
    const nnz = X.rowPtr[n];
    const d = X.cols;
    this.d = d;
    let top = 8; // offset 0 means "none"
    const take = (bytes: number) => {
      const at = top;
      top += Math.ceil(bytes / 8) * 8;
      return at;
    };
    this.rp = take(4 * (n + 1));
    this.ci = take(4 * nnz);
    this.vals = X.values === null ? 0 : take(8 * nnz);
    this.y = take(8 * n);
    this.x = take(8 * d);
    this.g = take(8 * d);
    this.idxCapacity = idxCapacity;
    this.idx = take(4 * idxCapacity);
    const pages = Math.ceil(top / 65536);
    this.memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
    const buf = this.memory.buffer;
    new Int32Array(buf, this.rp, n + 1).set(X.rowPtr.subarray(0, n + 1));
    new Int32Array(buf, this.ci, nnz).set(X.colIdx.subarray(0, nnz));
    if (X.values !== null) new Float64Array(buf, this.vals, nnz).set(X.values.subarray(0, nnz));
    new Float64Array(buf, this.y, n).set(y);
    this.xView = new Float64Array(buf, this.x, d);
    this.gView = new Float64Array(buf, this.g, d);
    this.idxView = new Int32Array(buf, this.idx, idxCapacity);
    const instance = new WebAssembly.Instance(module(), {
      env: { memory: this.memory },
    });
    const e = instance.exports as Record<string, (...a: number[]) => number>;
    this.fns = { 'sigmoid-lsq': e.sigmoidLsqValueGrad, logistic: e.logisticValueGrad };
  }

  /**
   * Kernels for this matrix and labels, or null when WebAssembly is unavailable or the data exceed a 32-bit
   * memory. `idxCapacity`: the largest row subset (mini-batch) `valueGrad` will be given.
   */
  static create(X: Csr, y: Float64Array, idxCapacity = 0): WasmKernels | null {
    if (typeof WebAssembly === 'undefined') return null;
    const nnz = X.rowPtr[X.rows];
    const bytes =
      8 + 4 * (X.rows + 1) + (X.values === null ? 4 : 12) * nnz + 8 * X.rows + 16 * X.cols + 4 * idxCapacity + 64;
    if (bytes > 2 ** 32 - 2 ** 16) return null;
    try {
      return new WasmKernels(X, y, idxCapacity);
    } catch {
      return null; // e.g. a host that forbids compiling WebAssembly
    }
  }

  /**
   * Σ_{i∈B} ℓ(a_iᵀx, y_i), adding scale·Σ ℓ'·a_i into `grad` (as `lossValueGrad` in ../kernels.ts).
   * B is rows start..end-1, or idx[start..end-1] (at most `idxCapacity` of them).
   */
  valueGrad(
    loss: LossName,
    x: Float64Array,
    grad: Float64Array,
    scale: number,
    idx: Int32Array | null,
    start: number,
    end: number,
  ): number {
    this.xView.set(x);
    this.gView.set(grad);
    let sum: number;
    if (idx === null) sum = this.fns[loss](this.rp, this.ci, this.vals, this.y, this.x, this.g, scale, 0, start, end);
    else {
      const m = end - start;
      if (m > this.idxCapacity) throw new RangeError(`batch of ${m} rows exceeds the capacity ${this.idxCapacity}`);
      this.idxView.set(idx.subarray(start, end));
      sum = this.fns[loss](this.rp, this.ci, this.vals, this.y, this.x, this.g, scale, this.idx, 0, m);
    }
    grad.set(this.gView);
    return sum;
  }
}

let compiled: WebAssembly.Module | null = null;

/** The compiled module (compiled once per thread; synchronous: the module is about 1 KB). */
function module(): WebAssembly.Module {
  if (compiled === null) {
    const text = atob(KERNELS_WASM_BASE64);
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    compiled = new WebAssembly.Module(bytes);
  }
  return compiled;
}
