import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LibsvmParser, parseLibsvm } from '../../src/data/libsvm.js';

const text = '+1 1:1 3:1\n-1 2:1\n\n# comment\n+1 1:1 2:1 3:1 7:1\n-1 4:0.5 5:2\n';

describe('LibsvmParser.reserve', () => {
  it('gives the same matrix as growing storage, returned as views without a copy', () => {
    const bytes = new TextEncoder().encode(text);
    const plain = parseLibsvm(bytes, { fileName: 't' });
    const p = new LibsvmParser({ fileName: 't' });
    p.reserve(bytes.length);
    for (let i = 0; i < bytes.length; i += 5) p.push(bytes.subarray(i, i + 5));
    const r = p.finish();
    assert.deepEqual(r.X, plain.X);
    assert.deepEqual(r.labels, plain.labels);
    // a view on the reserved buffer: at least ⌈bytes / 4⌉ entries were set aside, only nnz are used
    assert.equal(r.X.colIdx.length, 9);
    assert.ok(r.X.colIdx.buffer.byteLength >= 4 * Math.ceil(bytes.length / 4));
  });

  it('is ignored once parsing has started', () => {
    const bytes = new TextEncoder().encode(text);
    const p = new LibsvmParser({ fileName: 't' });
    p.push(bytes.subarray(0, 20));
    p.reserve(bytes.length);
    p.push(bytes.subarray(20));
    assert.deepEqual(p.finish().X, parseLibsvm(bytes, { fileName: 't' }).X);
  });
});
