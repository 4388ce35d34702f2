/**
 * Data held once (src/objectives/wasm/resident.ts): a matrix loaded into WebAssembly memory is the very
 * memory its kernels run on, with no JavaScript copy beside it, and every number stays the bits of the
 * kernels built on a copy.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { type Csr, headRows, makeCsr } from '../../src/data/csr.js';
import { encodeCsrBinary } from '../../src/data/csr-binary.js';
import { LibsvmParser, parseLibsvm } from '../../src/data/libsvm.js';
import { synthesize } from '../../src/data/synth.js';
import { writeChunksAtomic } from '../../src/node/csr-cache.js';
import { loadDataset } from '../../src/node/load.js';
import { LOSS_NAMES } from '../../src/objectives/losses.js';
import { Objective } from '../../src/objectives/objective.js';
import { kernelModule } from '../../src/objectives/wasm/layout.js';
import {
  heldBytes,
  makeResident,
  residentIndexStorage,
  residentLayout,
  residentStore,
} from '../../src/objectives/wasm/resident.js';
import { WasmKernels } from '../../src/objectives/wasm/runtime.js';
import { Rng } from '../../src/run/rng.js';

const root = mkdtempSync(join(tmpdir(), 'optlab-resident-'));
after(() => rmSync(root, { recursive: true, force: true }));

const simd = kernelModule() !== null;

/** A plain (Int32, JavaScript) copy of X. */
function plain(X: Csr): Csr {
  return makeCsr(X.rows, X.cols, X.rowPtr.slice(), Int32Array.from(X.colIdx), X.values?.slice() ?? null);
}

function point(d: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  return Float64Array.from({ length: d }, () => 0.3 * rng.normal());
}

/** Every number an objective gives, as bits: values, gradients (all rows, a batch), a Hessian-vector product. */
function numbers(o: Objective, x: Float64Array): number[] {
  const out: number[] = [];
  const g = new Float64Array(o.d);
  out.push(o.valueGrad(x, g), ...g, o.value(x));
  const rng = new Rng(9);
  const idx = Int32Array.from({ length: o.n }, (_, i) => i);
  rng.shuffle(idx);
  const batch = { idx, start: 3, end: 3 + Math.min(40, o.n - 3) };
  out.push(o.valueGrad(x, g, batch), ...g, o.value(x, batch));
  const hv = new Float64Array(o.d);
  o.hessVec(x, point(o.d, 4), hv);
  out.push(...hv);
  return out;
}

describe('data held once in WebAssembly memory', { skip: !simd && 'no WebAssembly SIMD here' }, () => {
  it('a loaded .csr file is the memory its kernels run on: no JavaScript copy, under 5 bytes per non-zero', async () => {
    // binary, d = 1000 (u16 indices and u16 CSC offsets), 30 entries per row: the shape the 120M-entry target is measured on
    const r = synthesize({ rows: 30000, features: 1000, nnzPerRow: 30, seed: 2 });
    const path = join(root, 'a.csr');
    writeChunksAtomic(path, encodeCsrBinary(r.X, r.labels));
    const { dataset } = await loadDataset(path, { cache: false });
    const X = dataset.X;
    const nnz = X.rowPtr[X.rows];
    assert.ok(X.colIdx instanceof Uint16Array, 'indices as narrow as d allows');
    assert.ok(residentStore(X) !== undefined);
    const o = new Objective(X, dataset.y, { loss: 'logistic' });
    assert.ok(o.wasm !== null);
    assert.ok(o.wasm.resident, 'the kernels run on the loaded memory');
    assert.equal(o.wasm.buffer, X.colIdx.buffer);
    assert.equal(o.wasm.bytes, residentLayout({ rows: X.rows, cols: X.cols, nnz, binary: true }).bytes);
    // everything the matrix and its kernels hold, each buffer once: the matrix, its CSC copy, labels, scratch
    const held = heldBytes(X, o.wasm.buffer, dataset.y);
    assert.equal(held, o.wasm.bytes + dataset.y.byteLength);
    // 2 + 2 bytes per entry (indices, CSC offsets), 20 per row (row pointer, the labels and their copy), the tiles'
    // column pointers, scratch: 4.85 here
    assert.ok(held / nnz < 5, `${(held / nnz).toFixed(2)} bytes per non-zero`);
    // an Int32 copy of the indices kept anywhere in the objective's data would add 4 bytes per non-zero
    assert.ok(heldBytes(o.X, o.wasm.buffer, o.y) === held);
    // a second objective on the same data shares the kernels
    assert.equal(new Objective(X, dataset.y, { loss: 'sigmoid-lsq' }).wasm, o.wasm);
  });

  it('gives the bits of kernels on a copy: values, gradients, batches, Hessian-vector products, both losses', () => {
    for (const [features, binary] of [
      [200, true], // u8 indices
      [3000, false], // u16 indices, values
    ] as const) {
      const r = synthesize({ rows: 5000, features, nnzPerRow: 12, seed: 3, binary, noise: 0.3 });
      const R = makeResident(r.X);
      assert.ok(residentStore(R) !== undefined);
      assert.ok(R.colIdx instanceof (features <= 256 ? Uint8Array : Uint16Array));
      const y = Float64Array.from(r.labels, (v) => (v > 0 ? 1 : 0));
      const x = point(features, 5);
      for (const loss of LOSS_NAMES) {
        const resident = new Objective(R, y, { loss, l2: 1e-3 });
        const copied = new Objective(plain(r.X), y, { loss, l2: 1e-3 });
        assert.ok(resident.wasm?.resident && copied.wasm !== null && !copied.wasm.resident);
        assert.deepStrictEqual(numbers(resident, x), numbers(copied, x), `${loss}, d = ${features}`);
        const js = new Objective(R, y, { loss, kernel: 'js' });
        const jsPlain = new Objective(plain(r.X), y, { loss, kernel: 'js' });
        assert.deepStrictEqual(numbers(js, x), numbers(jsPlain, x), `${loss}, d = ${features}, JavaScript kernels`);
      }
    }
  });

  it('a view of the first rows, another width or other labels get kernels on a copy (same bits)', () => {
    const r = synthesize({ rows: 3000, features: 100, nnzPerRow: 8, seed: 4 });
    const R = makeResident(r.X);
    const y = Float64Array.from(r.labels, (v) => (v > 0 ? 1 : 0));
    const x = point(100, 6);
    const head = headRows(R, 1000);
    assert.equal(residentStore(head), undefined);
    const o = new Objective(head, y.subarray(0, 1000), { loss: 'logistic' });
    assert.ok(o.wasm !== null && !o.wasm.resident);
    assert.deepStrictEqual(
      numbers(o, x),
      numbers(new Objective(headRows(plain(r.X), 1000), y.subarray(0, 1000), { loss: 'logistic' }), x),
    );
    assert.equal(residentStore({ ...R, cols: 120 }), undefined);
    const first = WasmKernels.of(R, y);
    assert.ok(first?.resident);
    const other = WasmKernels.of(
      R,
      Float64Array.from(y, (v) => 1 - v),
    );
    assert.ok(other !== null && !other.resident && other !== first);
    assert.equal(WasmKernels.of({ ...R }, y), first, 'any matrix object on the same arrays finds the kernels');
    assert.equal(makeResident(R), R);
  });

  /** LIBSVM text whose largest index grows row by row up to `top` (explicit zeros beyond the stored ones at times). */
  function growingText(rows: number, top: number, seed: number, valued: boolean, perRow = 6): Uint8Array {
    const rng = new Rng(seed);
    let out = '';
    for (let i = 0; i < rows; i++) {
      const reach = Math.max(2, Math.floor((top * (i + 1)) / rows));
      const cols = new Set<number>();
      for (let t = 0; t < perRow; t++) cols.add(1 + rng.int(reach));
      const sorted = [...cols].sort((a, b) => a - b);
      const v = (k: number) => (valued && k % 3 === 0 ? '0.5' : '1');
      out += `${i % 2 ? '+1' : '-1'} ${sorted.map((j, k) => `${j}:${v(k)}`).join(' ')}`;
      if (i % 97 === 5) out += ` ${reach + 1}:0`; // an explicit zero past the stored columns widens too
      out += '\n';
    }
    return new TextEncoder().encode(out);
  }

  it('parses text straight into WebAssembly memory, widening in place, and completes the layout there', () => {
    for (const [top, width, valued, rows, perRow] of [
      [200, 8, false, 3000, 6],
      [3000, 16, true, 3000, 6], // widens from u8 once
      [90000, 32, false, 20000, 20], // u8 → u16 → u32, and d > 65536 moves the indices up past x
    ] as const) {
      const text = growingText(rows, top, top, valued, perRow);
      const plainParse = parseLibsvm(text, { fileName: 't' });
      // into the memory from the start (grown by doubling, or reserved), or first in a plain array until the
      // capacity passes 5000 entries (of ~18000)
      for (const [minEntries, reserve] of [
        [0, false],
        [0, true],
        [5000, false],
      ] as const) {
        const parser = new LibsvmParser({ fileName: 't', indexStorage: residentIndexStorage(minEntries) });
        if (reserve) parser.reserve(text.length);
        for (let at = 0; at < text.length; at += 4099) parser.push(text.subarray(at, at + 4099));
        const parsed = parser.finish();
        assert.equal(parsed.X.colIdx.BYTES_PER_ELEMENT * 8, width, `d = ${parsed.X.cols}`);
        assert.deepStrictEqual(Int32Array.from(parsed.X.colIdx), plainParse.X.colIdx);
        const parsedAt = parsed.X.colIdx.byteOffset;
        const R = makeResident(parsed.X);
        assert.ok(residentStore(R) !== undefined, `resident, d = ${R.cols}`);
        // completed in place: the indices stay where they were parsed (moved up, past x, when d > 65536)
        if (top < 65536) assert.equal(R.colIdx.byteOffset, parsedAt);
        else assert.ok(R.colIdx.byteOffset > parsedAt);
        assert.equal(R.cols, plainParse.X.cols);
        assert.deepStrictEqual(Int32Array.from(R.colIdx), plainParse.X.colIdx);
        assert.deepStrictEqual(R.rowPtr.slice(), plainParse.X.rowPtr);
        assert.deepStrictEqual(R.values?.slice() ?? null, plainParse.X.values);
        const y = Float64Array.from(parsed.labels, (v) => (v > 0 ? 1 : 0));
        const x = point(R.cols, 7);
        const o = new Objective(R, y, { loss: 'logistic' });
        assert.ok(o.wasm?.resident);
        assert.deepStrictEqual(numbers(o, x), numbers(new Objective(plainParse.X, y, { loss: 'logistic' }), x));
      }
    }
  });

  it('a matrix whose layout would dwarf it (many columns, few entries) stays in plain arrays, bounded by its size', () => {
    const X = makeCsr(
      50,
      1_000_000,
      Int32Array.from({ length: 51 }, (_, i) => 2 * i),
      Int32Array.from({ length: 100 }, (_, k) => 9000 * k),
      null,
    );
    assert.equal(makeResident(X), X);
    const y = Float64Array.from({ length: 50 }, (_, i) => i % 2);
    const o = new Objective(X, y, { loss: 'logistic' });
    assert.ok(o.wasm !== null && !o.wasm.resident, 'kernels on a copy when an objective needs them');
    const parsed = parseLibsvm(new TextEncoder().encode('1 3:1 999999:1\n0 5:1\n'), {
      fileName: 't',
      indexStorage: residentIndexStorage(0),
    });
    const R = makeResident(parsed.X);
    assert.equal(residentStore(R), undefined);
    assert.deepEqual(Array.from(R.colIdx), [2, 999998, 4]);
  });

  it('a parsed matrix given another width than its indices were parsed at is copied, not completed in place', () => {
    const text = growingText(500, 200, 1, false);
    const parsed = parseLibsvm(text, { fileName: 't', indexStorage: residentIndexStorage(0) });
    const wide = { ...parsed.X, cols: 300 }; // u16 layout, u8 indices
    const R = makeResident(wide);
    assert.ok(residentStore(R) !== undefined && R.colIdx instanceof Uint16Array);
    assert.deepStrictEqual(Array.from(R.colIdx), Array.from(parsed.X.colIdx));
  });
});
