import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { makeCsr } from '../../src/data/csr.js';
import { lossValueGrad } from '../../src/objectives/kernels.js';
import { LOSS_NAMES } from '../../src/objectives/losses.js';
import { Objective } from '../../src/objectives/objective.js';
import { WasmKernels } from '../../src/objectives/wasm/runtime.js';

/** A random sparse problem: CSR (binary or with values), labels in {0, 1} or {−1, 1}, a point, a batch. */
const problem = fc
  .record({
    rows: fc.integer({ min: 1, max: 30 }),
    cols: fc.integer({ min: 1, max: 12 }),
    binary: fc.boolean(),
    pm1: fc.boolean(),
    seed: fc.integer({ min: 0, max: 1e9 }),
    scale: fc.constantFrom(1e-3, 1, 30, 800),
  })
  .map(({ rows, cols, binary, pm1, seed, scale }) => {
    let s = seed;
    const rand = () => {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      return s / 2 ** 32;
    };
    const rowPtr = new Int32Array(rows + 1);
    const idx: number[] = [];
    const val: number[] = [];
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        if (rand() < 0.4) {
          idx.push(j);
          val.push(binary ? 1 : (rand() - 0.5) * 4);
        }
      }
      rowPtr[i + 1] = idx.length;
    }
    const X = makeCsr(rows, cols, rowPtr, Int32Array.from(idx), Float64Array.from(val));
    const y = Float64Array.from({ length: rows }, () => (rand() < 0.5 ? 1 : pm1 ? -1 : 0));
    const x = Float64Array.from({ length: cols }, () => (rand() - 0.5) * scale);
    const perm = Int32Array.from({ length: rows }, (_, i) => i).sort(
      (a, b) => ((a * 7919 + seed) % 97) - ((b * 7919 + seed) % 97),
    );
    const start = Math.floor(rand() * rows);
    const end = start + Math.floor(rand() * (rows - start)) + 1;
    return { X, y, x, perm, start, end };
  });

describe('WebAssembly kernels', () => {
  it('are available here (Node has WebAssembly)', () => {
    assert.notEqual(
      WasmKernels.create(makeCsr(1, 1, Int32Array.of(0, 1), Int32Array.of(0), null), Float64Array.of(1)),
      null,
    );
  });

  it('give the same bits as the JavaScript reference kernels, on all rows and on row subsets', () => {
    fc.assert(
      fc.property(problem, ({ X, y, x, perm, start, end }) => {
        const wasm = WasmKernels.create(X, y, X.rows)!;
        for (const loss of LOSS_NAMES) {
          for (const sub of [null, perm]) {
            const [a, b] = sub === null ? [0, X.rows] : [start, end];
            const g1 = Float64Array.from({ length: X.cols }, (_, j) => j * 0.25);
            const g2 = Float64Array.from(g1);
            const s1 = lossValueGrad(loss, X, y, x, g1, 0.37, sub, a, b);
            const s2 = wasm.valueGrad(loss, x, g2, 0.37, sub, a, b);
            assert.ok(Object.is(s1, s2), `${loss}: ${s1} vs ${s2}`);
            assert.deepEqual(g2, g1);
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('Objective picks WebAssembly by default, and kernel: js gives the same value and gradient', () => {
    const X = makeCsr(3, 2, Int32Array.of(0, 2, 3, 4), Int32Array.of(0, 1, 1, 0), Float64Array.of(1, 2, -1, 0.5));
    const y = Float64Array.of(1, 0, 1);
    const a = new Objective(X, y, { loss: 'logistic', l2: 0.1 });
    const b = new Objective(X, y, { loss: 'logistic', l2: 0.1, kernel: 'js' });
    assert.equal(a.kernel, 'wasm');
    assert.equal(b.kernel, 'js');
    const x = Float64Array.of(0.3, -2);
    const ga = new Float64Array(2);
    const gb = new Float64Array(2);
    assert.equal(a.valueGrad(x, ga), b.valueGrad(x, gb));
    assert.deepEqual(ga, gb);
  });

  it('refuses a batch larger than its capacity', () => {
    const X = makeCsr(2, 1, Int32Array.of(0, 1, 2), Int32Array.of(0, 0), null);
    const w = WasmKernels.create(X, Float64Array.of(1, 0), 1)!;
    assert.throws(
      () => w.valueGrad('logistic', Float64Array.of(1), new Float64Array(1), 1, Int32Array.of(0, 1), 0, 2),
      /capacity/,
    );
  });
});
