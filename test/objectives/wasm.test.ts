/**
 * The three-pass WebAssembly SIMD kernels (src/objectives/wasm/layout.ts, scripts/wasm-passes.mjs) against
 * the JavaScript reference kernels (src/objectives/kernels.ts), which sum sequentially in one fused pass:
 * the two must agree to rounding. The bound: |fast − reference| ≤ 1e-13 · Σ_i ℓ_i w_i for the sum of
 * losses and, per gradient component j, 1e-13 · Σ_i |scale ℓ'_i a_ij| w_i, with w_i = 1 + Σ_k |a_ik x_k|
 * (see errorScales: a component near 0 may lose digits to cancellation, and a loss that decays like
 * e^{−|z|} inherits the rounding of z, in both kernels alike). On a9a-sized margins w_i is a few units.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { type Csr, makeCsr } from '../../src/data/csr.js';
import { lossValue, lossValueGrad } from '../../src/objectives/kernels.js';
import { LOSS_NAMES, LOSSES, type LossName } from '../../src/objectives/losses.js';
import { Objective } from '../../src/objectives/objective.js';
import { KERNELS_C_BASE } from '../../src/objectives/wasm/kernels.generated.js';
import {
  Bump,
  colWidthFor,
  kernelModule,
  layoutPattern,
  layoutScratch,
  planTiles,
  TILE_ROWS,
  X_BASE,
} from '../../src/objectives/wasm/layout.js';
import { WasmKernels } from '../../src/objectives/wasm/runtime.js';
import { Rng } from '../../src/run/rng.js';

const TOL = 1e-13;
/** 8 ulps, relative (2^-53 · 8 · 2: an ulp is at most 2^-52 relative). */
const ULPS8 = 16 * 2 ** -53;

/**
 * The scales of the rounding errors: Σ_i ℓ_i w_i for the sum of losses and Σ_i |scale ℓ'_i a_ij| w_i for
 * gradient component j, where w_i = 1 + Σ_k |a_ik x_k|. The weight is the conditioning of the loss in the
 * margin: the two kernels sum z_i = a_iᵀx in different orders, z_i moves by about ε Σ_k |a_ik x_k|, and
 * ℓ and ℓ' move by that much relative where they decay like e^{−|z|} (large margins).
 */
function errorScales(loss: LossName, X: Csr, y: Float64Array, x: Float64Array, scale: number, rows: number[]) {
  const grad = new Float64Array(X.cols);
  let sum = 0;
  for (const i of rows) {
    let z = 0;
    let w = 1;
    for (let k = X.rowPtr[i]; k < X.rowPtr[i + 1]; k++) {
      const t = (X.values?.[k] ?? 1) * x[X.colIdx[k]];
      z += t;
      w += Math.abs(t);
    }
    sum += LOSSES[loss].value(z, y[i]) * w;
    const c = Math.abs(scale * LOSSES[loss].deriv(z, y[i])) * w;
    for (let k = X.rowPtr[i]; k < X.rowPtr[i + 1]; k++) grad[X.colIdx[k]] += c * Math.abs(X.values?.[k] ?? 1);
  }
  return { sum, grad };
}

/** Asserts the fast kernels' value, gradient and value-only sum are within the bound of the reference's. */
function assertAgree(X: Csr, y: Float64Array, x: Float64Array, idx: Int32Array | null, start: number, end: number) {
  const wasm = WasmKernels.create(X, y);
  assert.ok(wasm !== null);
  const rows = idx === null ? Array.from({ length: X.rows }, (_, i) => i) : [...idx.subarray(start, end)];
  const scale = 0.37;
  for (const loss of LOSS_NAMES) {
    const g1 = Float64Array.from({ length: X.cols }, (_, j) => (j % 7) * 0.25);
    const g2 = Float64Array.from(g1);
    const s1 = lossValueGrad(loss, X, y, x, g1, scale, idx, start, end);
    const s2 = wasm.valueGrad(loss, x, g2, scale, idx, start, end);
    const { sum: ss, grad: sc } = errorScales(loss, X, y, x, scale, rows);
    assert.ok(Math.abs(s1 - s2) <= TOL * ss + 1e-300, `${loss}: Σℓ ${s1} vs ${s2}`);
    const v2 = wasm.value(loss, x, idx, start, end);
    assert.ok(Object.is(v2, s2), `${loss}: value-only ${v2} vs ${s2}`);
    assert.ok(Math.abs(lossValue(loss, X, y, x, idx, start, end) - v2) <= TOL * ss + 1e-300);
    for (let j = 0; j < X.cols; j++) {
      const err = Math.abs(g1[j] - g2[j]);
      const bound = TOL * (sc[j] + (j % 7) * 0.25); // the starting value's rounding too
      assert.ok(err <= bound + 1e-300, `${loss}: g[${j}] ${g1[j]} vs ${g2[j]} (scale ${sc[j]})`);
    }
  }
}

/** A random sparse problem: CSR (binary or with values), labels in {0, 1} or {−1, 1}, a point, a batch. */
const problem = fc
  .record({
    rows: fc.integer({ min: 1, max: 40 }),
    cols: fc.integer({ min: 1, max: 12 }),
    // a column offset puts indices past 256 or 65536 (u16 or u32 indices)
    offset: fc.constantFrom(0, 300, 70000),
    binary: fc.boolean(),
    pm1: fc.boolean(),
    seed: fc.integer({ min: 0, max: 1e9 }),
    scale: fc.constantFrom(1e-3, 1, 30, 800),
  })
  .map(({ rows, cols, offset, binary, pm1, seed, scale }) => {
    const rng = new Rng(seed);
    const rowPtr = new Int32Array(rows + 1);
    const idx: number[] = [];
    const val: number[] = [];
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        if (rng.next() < 0.4) {
          idx.push(j === 0 ? j : j + offset);
          val.push(binary ? 1 : (rng.next() - 0.5) * 4);
        }
      }
      rowPtr[i + 1] = idx.length;
    }
    const d = cols + offset;
    const X = makeCsr(rows, d, rowPtr, Int32Array.from(idx), Float64Array.from(val));
    const y = Float64Array.from({ length: rows }, () => (rng.next() < 0.5 ? 1 : pm1 ? -1 : 0));
    const x = Float64Array.from({ length: d }, () => (rng.next() - 0.5) * scale);
    const perm = rng.permutation(rows);
    const start = rng.int(rows);
    const end = start + rng.int(rows - start) + 1;
    return { X, y, x, perm, start, end };
  });

/** rows × cols with k entries per row at random columns (sorted), binary or valued. */
function bigProblem(seed: number, rows: number, cols: number, k: number, binary: boolean) {
  const rng = new Rng(seed);
  const rowPtr = new Int32Array(rows + 1);
  const colIdx = new Int32Array(rows * k);
  const values = new Float64Array(rows * k);
  for (let i = 0; i < rows; i++) {
    const set = new Set<number>();
    while (set.size < k) set.add(rng.int(cols));
    const row = [...set].sort((a, b) => a - b);
    for (let j = 0; j < k; j++) {
      colIdx[i * k + j] = row[j];
      values[i * k + j] = binary ? 1 : rng.normal();
    }
    rowPtr[i + 1] = (i + 1) * k;
  }
  const X = makeCsr(rows, cols, rowPtr, colIdx, values);
  const y = Float64Array.from({ length: rows }, () => (rng.next() < 0.5 ? 1 : 0));
  const x = Float64Array.from({ length: cols }, () => rng.normal() * 0.5);
  return { X, y, x, perm: rng.permutation(rows) };
}

describe('WebAssembly SIMD kernels', () => {
  it('are available here (Node 20 has WebAssembly SIMD)', () => {
    assert.notEqual(kernelModule(), null);
    assert.notEqual(
      WasmKernels.create(makeCsr(1, 1, Int32Array.of(0, 1), Int32Array.of(0), null), Float64Array.of(1)),
      null,
    );
  });

  it('agree with the JavaScript reference kernels within 1e-13 (all rows and row subsets, every index width)', () => {
    fc.assert(
      fc.property(problem, ({ X, y, x, perm, start, end }) => {
        assertAgree(X, y, x, null, 0, X.rows);
        assertAgree(X, y, x, perm, start, end);
      }),
      { numRuns: 150 },
    );
  });

  for (const binary of [true, false]) {
    it(`agree over several row tiles and batch chunks (${binary ? 'binary' : 'valued'}, 5000 rows)`, () => {
      const p = bigProblem(binary ? 3 : 4, 5000, 123, 14, binary);
      assert.ok(planTiles(p.X.rowPtr, p.X.cols, Int32Array.of(0, 5000)).length - 1 === 3, 'three tiles');
      assertAgree(p.X, p.y, p.x, null, 0, 5000);
      assertAgree(p.X, p.y, p.x, p.perm, 17, 17 + TILE_ROWS + 500); // a batch in two chunks
    });
  }

  it('give the first scratch the fixed c block (the CSC gather’s fast path), later ones and big tiles their own', () => {
    const p = bigProblem(4, 5000, 30, 5, true);
    const bump = new Bump(p.X.cols);
    const L = layoutPattern(p.X, planTiles(p.X.rowPtr, p.X.cols, Int32Array.of(0, 5000)), bump);
    assert.equal(L.tileRows, TILE_ROWS);
    assert.equal(layoutScratch(L, bump).c, KERNELS_C_BASE);
    assert.ok(layoutScratch(L, bump).c > X_BASE);
    assert.ok(KERNELS_C_BASE + 8 * (TILE_ROWS + 2) <= X_BASE);
    const wide = bigProblem(5, 20000, 70000, 2, true);
    const bw = new Bump(wide.X.cols);
    const W = layoutPattern(wide.X, planTiles(wide.X.rowPtr, wide.X.cols, Int32Array.of(0, 20000)), bw);
    assert.ok(W.tileRows > TILE_ROWS);
    assert.notEqual(layoutScratch(W, bw).c, KERNELS_C_BASE);
  });

  it('agree with many columns and few entries per row (one tile of 20000 rows, u32 indices)', () => {
    const p = bigProblem(5, 20000, 300000, 3, true);
    assert.equal(colWidthFor(p.X.cols), 32);
    assert.equal(planTiles(p.X.rowPtr, p.X.cols, Int32Array.of(0, 20000)).length, 2);
    assertAgree(p.X, p.y, p.x, null, 0, 20000);
  });

  it('compute each row’s loss and derivative to a few ulps, at extreme margins too (the loss passes)', () => {
    const module = kernelModule()!;
    const memory = new WebAssembly.Memory({ initial: 2 });
    const e = new WebAssembly.Instance(module, { env: { memory } }).exports as Record<
      string,
      (...a: number[]) => number
    >;
    const zs = [0, -0, 1e-300, -1e-300, 0.5, -0.5, 1, -2, 10, -10, 36, -37, 300, -300, 708, -708, 720, -740];
    zs.push(745, -746, 1e4, -1e4, 1e300, -1e300, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY);
    const at = X_BASE + 1024;
    const z = new Float64Array(memory.buffer, at, 4);
    const y = new Float64Array(memory.buffer, at + 64, 4);
    const c = new Float64Array(memory.buffer, at + 128, 4);
    const rel = (a: number, b: number) => (a === b ? 0 : Math.abs(a - b) / Math.abs(b));
    for (const [name, loss] of [
      ['lossLsq', 'sigmoid-lsq'],
      ['lossLog', 'logistic'],
    ] as const) {
      for (const zt of zs) {
        for (const yt of [1, 0, -1]) {
          // one row: the returned sum is that row's loss (an odd count runs the masked tail; lane 1 is junk)
          z.set([zt, Number.NaN]);
          y.set([yt, Number.NaN]);
          const l = e[name](at, at + 64, at + 128, 1, 1);
          const want = LOSSES[loss].value(zt, yt);
          const wantC = LOSSES[loss].deriv(zt, yt);
          assert.ok(rel(l, want) <= ULPS8 || Math.abs(l - want) <= 1e-322, `${loss}(${zt}, ${yt}): ℓ ${l} vs ${want}`);
          // subnormal results keep an absolute error of a few of their ulps (4.9e-324)
          assert.ok(
            rel(c[0], wantC) <= ULPS8 || Math.abs(c[0] - wantC) <= 1e-322,
            `${loss}(${zt}, ${yt}): ℓ' ${c[0]} vs ${wantC}`,
          );
        }
      }
      z[0] = Number.NaN;
      assert.ok(Number.isNaN(e[name](at, at + 64, at + 128, 1, 1)), `${loss}(NaN) is NaN`);
    }
  });

  it('give the same bits on every call, and Objective uses them by default (kernel: js within 1e-13)', () => {
    const p = bigProblem(6, 3000, 40, 6, false);
    const a = new Objective(p.X, p.y, { loss: 'logistic', l2: 0.1 });
    const b = new Objective(p.X, p.y, { loss: 'logistic', l2: 0.1, kernel: 'js' });
    assert.equal(a.kernel, 'wasm');
    assert.equal(b.kernel, 'js');
    const ga = new Float64Array(40);
    const ga2 = new Float64Array(40);
    const gb = new Float64Array(40);
    const fa = a.valueGrad(p.x, ga);
    assert.ok(Object.is(a.valueGrad(p.x, ga2), fa));
    assert.deepEqual(ga2, ga);
    const fb = b.valueGrad(p.x, gb);
    assert.ok(Math.abs(fa - fb) <= TOL * fb);
    const batch = { idx: p.perm, start: 10, end: 300 };
    assert.ok(Math.abs(a.value(p.x, batch) - b.value(p.x, batch)) <= TOL * b.value(p.x, batch));
  });

  it('are built once per data set: objectives on the same X and y share them, other labels get their own', () => {
    const p = bigProblem(7, 100, 10, 3, true);
    const a = new Objective(p.X, p.y, { loss: 'logistic' });
    const b = new Objective(p.X, p.y, { loss: 'sigmoid-lsq', l2: 0.5 });
    const c = new Objective(
      p.X,
      Float64Array.from(p.y, (v) => 1 - v),
      { loss: 'logistic' },
    );
    assert.ok(a.wasm !== null && a.wasm === b.wasm);
    assert.notEqual(c.wasm, a.wasm);
    const g = new Float64Array(10);
    const fa = a.valueGrad(p.x, g); // b's evaluations in between leave nothing behind
    b.valueGrad(p.x, new Float64Array(10));
    assert.ok(Object.is(a.valueGrad(p.x, new Float64Array(10)), fa));
  });

  it('refuses a contiguous row range other than all rows', () => {
    const X = makeCsr(2, 1, Int32Array.of(0, 1, 2), Int32Array.of(0, 0), null);
    const w = WasmKernels.create(X, Float64Array.of(1, 0))!;
    assert.throws(() => w.valueGrad('logistic', Float64Array.of(1), new Float64Array(1), 1, null, 0, 1), RangeError);
  });
});
