import type { Csr } from '../../data/csr.js';
import type { LossName } from '../losses.js';
import {
  Bump,
  fillPattern,
  kernelModule,
  layoutPattern,
  layoutScratch,
  Passes,
  type PatternLayout,
  planTiles,
  type Scratch,
} from './layout.js';
import { type ResidentStore, residentStore } from './resident.js';

/**
 * The three-pass SIMD kernels (layout.ts, scripts/wasm-passes.mjs) on one thread: the matrix, the labels
 * and the tiles' CSC copies are copied once into the module's memory (for a matrix already held in
 * WebAssembly memory, resident.ts, only the labels and the CSC copies are written, beside it); each call copies x in and the
 * gradient out (2d numbers). The JavaScript kernels in ../kernels.ts are the reference they are tested
 * against (within 1e-13 relative) and the fallback: `create` returns null where WebAssembly SIMD is
 * missing, or when the data would not fit in a 32-bit memory. Every engine with SIMD gives the same bits,
 * so the CLI and the playground agree exactly.
 */
export class WasmKernels {
  private readonly memory: WebAssembly.Memory;
  private readonly passes: Passes;
  private readonly xView: Float64Array;
  private readonly gView: Float64Array;
  readonly d: number;
  readonly n: number;
  /** Bytes of WebAssembly memory held (for resident data, the memory that also holds the matrix). */
  readonly bytes: number;
  /** Whether the kernels run on the matrix's own memory (resident.ts) rather than on a copy of it. */
  readonly resident: boolean;

  private constructor(X: Csr, y: Float64Array, module: WebAssembly.Module, store?: ResidentStore) {
    this.d = X.cols;
    this.n = X.rows;
    let L: PatternLayout;
    let S: Scratch;
    if (store !== undefined) {
      ({ L, S } = store);
      this.memory = store.memory;
    } else {
      const tiles = planTiles(X.rowPtr, X.cols, Int32Array.of(0, X.rows));
      const bump = new Bump(X.cols);
      L = layoutPattern(X, tiles, bump);
      S = layoutScratch(L, bump);
      const pages = Math.ceil(bump.top / 65536);
      this.memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
    }
    this.resident = store !== undefined;
    this.bytes = this.memory.buffer.byteLength;
    const instance = new WebAssembly.Instance(module, { env: { memory: this.memory } });
    const buf = this.memory.buffer;
    fillPattern(buf, L, X, y, this.resident);
    this.xView = new Float64Array(buf, S.x, X.cols);
    this.gView = new Float64Array(buf, S.g, X.cols);
    this.passes = new Passes(instance.exports as Record<string, (...a: number[]) => number>, L, S, buf);
  }

  /** The buffer of the kernels' memory (for memory accounting, resident.ts's `heldBytes`). */
  get buffer(): ArrayBufferLike {
    return this.memory.buffer;
  }

  /**
   * The kernels of this matrix and labels, built once per thread and shared by every objective on them (a
   * sweep builds hundreds of objectives on one data set; building the copy and the tiles' CSC costs about
   * as much as 10–20 evaluations). The kernels keep no state between calls, so sharing is safe; the copy
   * is taken when first built, so X and y must not change afterwards (optlab never mutates a loaded data
   * set). A matrix held in WebAssembly memory (resident.ts) is not copied: the first labels' kernels run on
   * its memory (other labels get a copy). Null when WebAssembly SIMD is unavailable or the data exceed 4 GiB.
   */
  static of(X: Csr, y: Float64Array): WasmKernels | null {
    const store = residentStore(X);
    if (store !== undefined && (store.labels === null || store.labels === y)) {
      if (store.labels === null) {
        const module = kernelModule();
        if (module === null) return null;
        store.kernels = new WasmKernels(X, y, module, store);
        store.labels = y;
      }
      return store.kernels as WasmKernels;
    }
    let byLabels = cache.get(X);
    if (byLabels === undefined) {
      byLabels = new WeakMap();
      cache.set(X, byLabels);
    }
    let k = byLabels.get(y);
    if (k === undefined) {
      k = WasmKernels.create(X, y);
      byLabels.set(y, k);
    }
    return k;
  }

  /** New kernels on a copy of this matrix and labels (not shared), or null when WebAssembly SIMD is unavailable or the data exceed 4 GiB. */
  static create(X: Csr, y: Float64Array): WasmKernels | null {
    const module = kernelModule();
    if (module === null) return null;
    const tiles = planTiles(X.rowPtr, X.cols, Int32Array.of(0, X.rows));
    const bump = new Bump(X.cols);
    layoutScratch(layoutPattern(X, tiles, bump), bump);
    if (bump.top > 2 ** 32 - 2 ** 16) return null;
    try {
      return new WasmKernels(X, y, module);
    } catch {
      return null; // e.g. no memory of that size can be reserved
    }
  }

  /**
   * Σ_{i∈B} ℓ(a_iᵀx, y_i), adding scale·Σ ℓ'·a_i into `grad` (as `lossValueGrad` in ../kernels.ts).
   * B is all rows (idx null; start = 0, end = n), or idx[start..end−1].
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
    const sum = this.run(loss, scale, idx, start, end, true);
    grad.set(this.gView);
    return sum;
  }

  /** Σ_{i∈B} ℓ(a_iᵀx, y_i) (as `lossValue` in ../kernels.ts). */
  value(loss: LossName, x: Float64Array, idx: Int32Array | null, start: number, end: number): number {
    this.xView.set(x);
    return this.run(loss, 0, idx, start, end, false);
  }

  private run(loss: LossName, scale: number, idx: Int32Array | null, start: number, end: number, grad: boolean) {
    // a batch of every row in order is the full data, and gets its bits (sgd unshuffled with batch n = gd)
    if (idx !== null && !(end - start === this.n && inOrder(idx, start, end))) {
      return this.passes.batch(loss, idx, start, end, scale, grad);
    }
    if (start !== 0 || end !== this.n) throw new RangeError(`rows ${start}..${end}: only all rows or a batch`);
    return this.passes.tiles(loss, 0, this.passes.L.tiles.length - 1, scale, grad);
  }
}

const cache = new WeakMap<Csr, WeakMap<Float64Array, WasmKernels | null>>();

/** Whether idx[start..end−1] is 0, 1, 2, … */
function inOrder(idx: Int32Array, start: number, end: number): boolean {
  for (let t = start; t < end; t++) if (idx[t] !== t - start) return false;
  return true;
}
