import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { type Csr, fromDense, makeCsr } from '../../src/data/csr.js';
import {
  CSR_HEADER_BYTES,
  type CsrAllocator,
  concatChunks,
  csrBinaryChunks,
  csrBinarySize,
  decodeCsrBinary,
  decodeCsrStream,
  encodeCsrBinary,
  isCsrBinary,
  readCsrHeader,
} from '../../src/data/csr-binary.js';
import { synthesize } from '../../src/data/synth.js';
import { OptlabError } from '../../src/errors.js';

const SHA = '5df62a5c82579b9bf5e94fdd92800101a88d5819c2b4b6b5893612ad92f7fc92';

/** 3 × 4, valued: [[1, 0, 0.5, 0], [0, 0, 0, 0], [0, -2, 0, 1e-300]] */
const VALUED = fromDense([
  [1, 0, 0.5, 0],
  [0, 0, 0, 0],
  [0, -2, 0, 1e-300],
]);
/** 3 × 5, binary (values null), rows of 2, 1 and 0 entries. */
const BINARY = makeCsr(3, 5, Int32Array.from([0, 2, 3, 3]), Int32Array.from([0, 4, 2]), null);

function encode(X: Csr, labels: Float64Array | null, meta = {}): Uint8Array {
  return concatChunks(encodeCsrBinary(X, labels, meta));
}

function assertSameCsr(a: Csr, b: Csr): void {
  assert.equal(a.rows, b.rows);
  assert.equal(a.cols, b.cols);
  assert.deepEqual(Array.from(a.rowPtr), Array.from(b.rowPtr));
  assert.deepEqual(Array.from(a.colIdx), Array.from(b.colIdx));
  assert.deepEqual(a.values === null ? null : Array.from(a.values), b.values === null ? null : Array.from(b.values));
}

function rejects(bytes: Uint8Array, message: RegExp): void {
  assert.throws(
    () => decodeCsrBinary(bytes, { name: 'f.csr' }),
    (e: unknown) => e instanceof OptlabError && message.test(e.message),
  );
}

describe('binary CSR format', () => {
  it('round-trips a valued matrix with labels, the source hash and the text metadata', () => {
    const labels = Float64Array.from([1, -1, -0]);
    const bytes = encode(VALUED, labels, { sourceSha256: SHA, explicitZeros: 2, lines: 7 });
    // header 128 + rowPtr 16 + colIdx 16 + values 32 + labels 24
    assert.equal(bytes.length, 128 + 16 + 16 + 32 + 24);
    assert.equal(bytes.length, csrBinarySize(VALUED, 3));
    assert.equal(new TextDecoder().decode(bytes.subarray(0, 10)), 'OPTLABCSR1');
    assert.ok(isCsrBinary(bytes));
    const d = decodeCsrBinary(bytes);
    assertSameCsr(d.X, VALUED);
    assert.ok(Object.is(d.labels[2], -0));
    assert.deepEqual(Array.from(d.labels), [1, -1, -0]);
    assert.equal(d.sourceSha256, SHA);
    assert.equal(d.maxIndex, 4);
    assert.equal(d.explicitZeros, 2);
    assert.equal(d.lines, 7);
  });

  it('round-trips a binary matrix with no values section: 4 bytes per non-zero', () => {
    const bytes = encode(BINARY, Float64Array.from([1, 1, -1]));
    // header 128 + rowPtr 4·4 = 16 + colIdx 3·4 = 12 → 16 (padded) + labels 24
    assert.equal(bytes.length, 128 + 16 + 16 + 24);
    const d = decodeCsrBinary(bytes);
    assert.equal(d.X.values, null);
    assertSameCsr(d.X, BINARY);
    assert.equal(d.sourceSha256, null);
    assert.equal(d.maxIndex, 5, 'computed from the columns: largest column 4, one-based 5');
    assert.equal(d.lines, 3, 'lines default to rows');
    // No labels at all.
    const bare = decodeCsrBinary(encode(BINARY, null));
    assert.equal(bare.labels.length, 0);
    assertSameCsr(bare.X, BINARY);
  });

  it('returns views on the input buffer, not copies, when it is 8-byte aligned', () => {
    const r = synthesize({ rows: 200, features: 50, nnzPerRow: 5, seed: 1, binary: false });
    const bytes = encode(r.X, r.labels);
    const d = decodeCsrBinary(bytes);
    assert.equal(d.views, true);
    assert.equal(d.X.colIdx.buffer, bytes.buffer);
    assert.equal(d.X.rowPtr.buffer, bytes.buffer);
    assert.equal(d.X.values!.buffer, bytes.buffer);
    assert.equal(d.labels.buffer, bytes.buffer);
    assert.equal(d.X.colIdx.byteOffset, CSR_HEADER_BYTES + 8 * Math.ceil((4 * 201) / 8));
    const view = new DataView(bytes.buffer);
    const first = d.X.colIdx[0];
    view.setInt32(d.X.colIdx.byteOffset, 49, true); // a write to the file buffer shows through the view
    assert.equal(d.X.colIdx[0], 49);
    view.setInt32(d.X.colIdx.byteOffset, first, true);
    assertSameCsr(d.X, r.X);
    assert.deepStrictEqual(d.labels, r.labels);

    // At an odd offset the decoder copies once into an aligned buffer.
    const shifted = new Uint8Array(bytes.length + 4);
    shifted.set(bytes, 4);
    const c = decodeCsrBinary(shifted.subarray(4));
    assert.equal(c.views, false);
    assert.notEqual(c.X.colIdx.buffer, shifted.buffer);
    assertSameCsr(c.X, r.X);
  });

  it('encodes the arrays themselves as chunks (no copy of the entries)', () => {
    const chunks = encodeCsrBinary(BINARY, Float64Array.from([1, 1, -1]));
    assert.ok(chunks.some((c) => c.buffer === BINARY.colIdx.buffer));
    assert.ok(chunks.some((c) => c.buffer === BINARY.rowPtr.buffer));
  });

  it('round-trips random matrices (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.array(fc.oneof(fc.constant(0), fc.constant(1), fc.double({ noNaN: true, noDefaultInfinity: true })), {
            minLength: 6,
            maxLength: 6,
          }),
          { minLength: 1, maxLength: 12 },
        ),
        (dense) => {
          const X = fromDense(dense, 6);
          const labels = Float64Array.from(dense, (_, i) => (i % 2 ? 1 : -1));
          const d = decodeCsrBinary(encode(X, labels));
          assertSameCsr(d.X, X);
          assert.deepStrictEqual(d.labels, labels);
        },
      ),
      { seed: 1, numRuns: 200 },
    );
  });

  it('rejects a wrong magic, another version, unknown flags and a truncated or over-long file', () => {
    const good = encode(VALUED, Float64Array.from([1, -1, 1]), { sourceSha256: SHA });
    const edit = (f: (b: Uint8Array, v: DataView) => void): Uint8Array => {
      const b = good.slice();
      f(b, new DataView(b.buffer));
      return b;
    };
    rejects(
      new TextEncoder().encode('+1 1:1\n'),
      /^f\.csr: byte 0: not an optlab binary CSR file \(the magic 'OPTLABCSR1' is missing\)$/,
    );
    rejects(
      edit((b) => (b[9] = 0x32)),
      /not an optlab binary CSR file/,
    ); // OPTLABCSR2
    rejects(
      edit((_, v) => v.setUint16(10, 2, true)),
      /^f\.csr: byte 10: unsupported binary CSR version 2 \(this optlab reads version 1\)$/,
    );
    rejects(
      edit((_, v) => v.setUint32(12, 0x10, true)),
      /unsupported binary CSR flags 0x10/,
    );
    rejects(good.subarray(0, 64), /^f\.csr: byte 64: truncated binary CSR file \(64 bytes, shorter than its header\)$/);
    rejects(
      good.subarray(0, good.length - 8),
      new RegExp(
        `^f\\.csr: byte ${good.length - 8}: truncated binary CSR file \\(${good.length - 8} bytes, the header says ${good.length}\\)$`,
      ),
    );
    const longer = new Uint8Array(good.length + 8);
    longer.set(good);
    rejects(longer, /corrupt binary CSR file \(8 bytes after the end/);
  });

  it('rejects corrupt headers and, when validating, corrupt sections', () => {
    const good = encode(VALUED, Float64Array.from([1, -1, 1]));
    const edit = (f: (v: DataView) => void): Uint8Array => {
      const b = good.slice();
      f(new DataView(b.buffer));
      return b;
    };
    rejects(
      edit((v) => v.setUint32(32, 5, true)),
      /corrupt binary CSR file \(the header says \d+ bytes, its sizes need \d+\)/,
    );
    rejects(
      edit((v) => v.setUint32(36, 1, true)),
      /nnz 4294967300 exceeds 2\^31-1/,
    );
    rejects(
      edit((v) => v.setUint32(40, 2, true)),
      /2 labels for 3 rows/,
    );
    rejects(
      edit((v) => v.setUint32(48, 9, true)),
      /maxIndex 9 exceeds cols 4/,
    );
    rejects(
      edit((v) => v.setUint32(120, 1, true)),
      /reserved header bytes are not zero/,
    );
    const colStart = CSR_HEADER_BYTES + 16;
    rejects(
      edit((v) => v.setInt32(colStart, 2, true)),
      /columns of row 0 are not strictly increasing/,
    );
    rejects(
      edit((v) => v.setInt32(colStart + 8, 7, true)),
      /column 7 of row 2 is outside \[0, maxIndex = 4\)/,
    );
    rejects(
      edit((v) => v.setInt32(CSR_HEADER_BYTES + 8, 1, true)),
      /rowPtr decreases or passes nnz at row 1/,
    );
    rejects(
      edit((v) => v.setFloat64(colStart + 16, Number.NaN, true)),
      /value 0 is not finite/,
    );
    rejects(
      edit((v) => v.setFloat64(good.length - 8, Number.POSITIVE_INFINITY, true)),
      /label 2 is not finite/,
    );
    // Without validation the same bytes decode (the caller vouches for them).
    const bad = edit((v) => v.setInt32(colStart, 2, true));
    assert.equal(decodeCsrBinary(bad, { validate: false }).X.colIdx[0], 2);
  });

  it('refuses to encode what the format cannot hold', () => {
    assert.throws(() => encodeCsrBinary(BINARY, Float64Array.from([1])), /cannot encode 1 labels for 3 rows/);
    assert.throws(() => encodeCsrBinary(BINARY, null, { sourceSha256: 'abc' }), /64 hex digits/);
    assert.throws(
      () => encodeCsrBinary(BINARY, null, { maxIndex: 6 }),
      /maxIndex 6 must be an integer in \[0, cols = 5\]/,
    );
    const broken: Csr = { ...BINARY, rowPtr: Int32Array.from([1, 2, 3, 3]) };
    assert.throws(() => encodeCsrBinary(broken, null), /malformed CSR matrix/);
  });
});

describe('streamed binary CSR decoding (decodeCsrStream)', () => {
  /** Decodes `bytes` as a stream: `next` hands out the bytes after the header in order; narrow indices, tiny slabs. */
  function stream(bytes: Uint8Array, slab: number, width: 8 | 16 | 32) {
    const h = readCsrHeader(bytes.subarray(0, CSR_HEADER_BYTES), 'f.csr', bytes.length);
    let pos = CSR_HEADER_BYTES;
    const calls: number[] = [];
    const next = (into: Uint8Array) => {
      into.set(bytes.subarray(pos, pos + into.length));
      calls.push(into.length);
      pos += into.length;
    };
    const allocate: CsrAllocator = ({ rows, nnz, binary }) => ({
      rowPtr: new Int32Array(rows + 1),
      colIdx: width === 8 ? new Uint8Array(nnz) : width === 16 ? new Uint16Array(nnz) : new Int32Array(nnz),
      values: binary ? null : new Float64Array(nnz),
    });
    const d = decodeCsrStream(h, next, { name: 'f.csr', allocate, slab });
    assert.equal(pos, bytes.length, 'every byte read once, in order');
    return { d, calls };
  }

  /** The outcome of a decode: the arrays, or the error's message. */
  function outcome(f: () => { X: Csr; labels: Float64Array }): unknown {
    try {
      const { X, labels } = f();
      return [Array.from(X.rowPtr), Array.from(X.colIdx), X.values && Array.from(X.values), Array.from(labels)];
    } catch (e) {
      assert.ok(e instanceof OptlabError, String(e));
      return e.message;
    }
  }

  it('gives the whole decode’s arrays, reading the column indices in slabs into narrow arrays', () => {
    const r = synthesize({ rows: 50, features: 200, nnzPerRow: 7, seed: 3, binary: true });
    const bytes = encode(r.X, r.labels);
    const whole = decodeCsrBinary(bytes);
    const { d, calls } = stream(bytes, 16, 8);
    assert.ok(d.X.colIdx instanceof Uint8Array);
    assert.equal(d.views, false);
    assertSameCsr(d.X, whole.X);
    assert.deepStrictEqual(d.labels, whole.labels);
    // rowPtr (51 Int32 + 4 bytes of padding), 350 columns in slabs of 16 (the last 14), the labels
    assert.deepEqual(calls, [204, 4, ...Array(21).fill(64), 56, 400]);
  });

  it('fails where the whole decode fails, with the same error, whatever the slab (property)', () => {
    const r = synthesize({ rows: 9, features: 30, nnzPerRow: 4, seed: 5, binary: false, noise: 0.1 });
    const good = encode(r.X, r.labels);
    const nnz = r.X.rowPtr[9];
    const colStart = CSR_HEADER_BYTES + 40; // 10 row pointers, padded to 40 bytes
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 4 }),
        fc.integer({ min: 0, max: 2 * nnz }),
        fc.integer({ min: -3, max: 40 }),
        fc.integer({ min: 1, max: 9 }),
        (kind, at, value, slab) => {
          const bytes = good.slice();
          const v = new DataView(bytes.buffer);
          if (kind === 0)
            v.setInt32(colStart + 4 * (at % nnz), value, true); // a column
          else if (kind === 1)
            v.setInt32(CSR_HEADER_BYTES + 4 * (1 + (at % 8)), value, true); // a row pointer
          else if (kind === 2) v.setFloat64(colStart + 4 * nnz + 8 * (at % nnz), value < 0 ? Number.NaN : value, true);
          else if (kind === 3)
            v.setFloat64(good.length - 8 * (1 + (at % 9)), value < 0 ? Number.POSITIVE_INFINITY : value, true);
          const expected = outcome(() => decodeCsrBinary(bytes, { name: 'f.csr' }));
          assert.deepStrictEqual(
            outcome(() => stream(bytes, slab, 8).d),
            expected,
          );
          assert.deepStrictEqual(
            outcome(() => stream(bytes, slab, 32).d),
            expected,
          );
        },
      ),
      { seed: 2, numRuns: 300 },
    );
  });

  it('csrBinaryChunks: the bytes of encodeCsrBinary, from narrow indices a slab at a time, walked twice alike', () => {
    for (const [features, binary] of [
      [200, true],
      [3000, false],
    ] as const) {
      const r = synthesize({ rows: 40, features, nnzPerRow: 5, seed: 6, binary, noise: 0.1 });
      const expected = encode(r.X, r.labels, { sourceSha256: SHA });
      const narrow: Csr = {
        ...r.X,
        colIdx: features <= 256 ? Uint8Array.from(r.X.colIdx) : Uint16Array.from(r.X.colIdx),
      };
      const chunks = csrBinaryChunks(narrow, r.labels, { sourceSha256: SHA }, 7);
      for (let walk = 0; walk < 2; walk++) {
        const parts: Uint8Array[] = [];
        for (const c of chunks) parts.push(c.slice()); // each chunk is consumed before the next (a shared buffer)
        assert.deepStrictEqual(concatChunks(parts), expected);
      }
      assert.deepStrictEqual(concatChunks(encodeCsrBinary(narrow, r.labels, { sourceSha256: SHA })), expected);
    }
  });
});
