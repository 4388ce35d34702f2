import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromDense, makeCsr } from '../../src/data/csr.js';
import { concatChunks } from '../../src/data/csr-binary.js';
import { parseLibsvm } from '../../src/data/libsvm.js';
import { libsvmChunks } from '../../src/data/libsvm-chunks.js';
import { writeLibsvm } from '../../src/data/libsvm-write.js';
import { synthesize } from '../../src/data/synth.js';

/** Copies every chunk (they share one reused buffer) and joins them. */
function collect(chunks: Iterable<Uint8Array>): { bytes: Uint8Array; sizes: number[] } {
  const copies: Uint8Array[] = [];
  for (const c of chunks) copies.push(c.slice());
  return { bytes: concatChunks(copies), sizes: copies.map((c) => c.length) };
}

describe('libsvmChunks', () => {
  it('writes the same bytes as writeLibsvm, in chunks that end at line ends', () => {
    const valued = fromDense([
      [1, 0, 0.1, 0],
      [0, 0, 0, 0],
      [-2.5e-300, 1e21, 0, 123456789.123],
    ]);
    const labels = Float64Array.from([1, -0, -1]);
    for (const plusSign of [false, true]) {
      const { bytes } = collect(libsvmChunks(valued, labels, { plusSign }));
      assert.deepEqual(bytes, writeLibsvm(valued, labels, { plusSign }));
    }
    const text = new TextDecoder().decode(collect(libsvmChunks(valued, labels, { plusSign: true })).bytes);
    assert.equal(text, '+1 1:1 3:0.1\n-0\n-1 1:-2.5e-300 2:1e+21 4:123456789.123\n');

    const r = synthesize({ rows: 3000, features: 100000, nnzPerRow: 20, seed: 9 });
    const { bytes, sizes } = collect(libsvmChunks(r.X, r.labels, { plusSign: true, chunkBytes: 4096 }));
    assert.ok(sizes.length > 20, `${sizes.length} chunks`);
    assert.ok(sizes.every((s) => s <= 4096));
    assert.deepEqual(bytes, writeLibsvm(r.X, r.labels, { plusSign: true }));
    let offset = 0;
    for (const s of sizes) {
      offset += s;
      assert.equal(bytes[offset - 1], 10, 'a chunk ends with LF');
    }
  });

  it('reads back to the same matrix and labels, bit for bit', () => {
    const r = synthesize({ rows: 500, features: 64, nnzPerRow: 9, seed: 4, binary: false, noise: 0.5 });
    const p = parseLibsvm(collect(libsvmChunks(r.X, r.labels)).bytes, { fileName: 'x' });
    assert.deepStrictEqual(p.X.rowPtr, r.X.rowPtr);
    assert.deepStrictEqual(p.X.colIdx, r.X.colIdx);
    assert.deepStrictEqual(p.X.values, r.X.values);
    assert.deepStrictEqual(p.labels, r.labels);
  });

  it('grows the buffer for a row longer than a chunk and reports rows written', () => {
    const cols = 2000;
    const colIdx = Int32Array.from({ length: 2 * cols }, (_, k) => k % cols);
    const wide = makeCsr(2, cols, Int32Array.from([0, cols, 2 * cols]), colIdx, null);
    const seen: Array<[number, number]> = [];
    const { bytes, sizes } = collect(
      libsvmChunks(wide, [1, -1], { chunkBytes: 256, onRows: (a, b) => seen.push([a, b]) }),
    );
    assert.deepEqual(bytes, writeLibsvm(wide, [1, -1]));
    assert.equal(sizes.length, 2);
    assert.deepEqual(seen, [
      [1, 2],
      [2, 2],
    ]);
    assert.throws(() => libsvmChunks(wide, [1]).next(), /1 labels for 2 rows/);
    assert.throws(() => libsvmChunks(wide, [1, Number.NaN]).next(), /non-finite label/);
  });
});
