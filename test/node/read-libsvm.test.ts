import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { makeCsr, nnz } from '../../src/data/csr.js';
import { parseLibsvm } from '../../src/data/libsvm.js';
import { writeLibsvm } from '../../src/data/libsvm-write.js';
import { InputError, OptlabError } from '../../src/errors.js';
import { readLibsvmFile } from '../../src/node/read-libsvm.js';
import { requireDataFile } from '../helpers/data.js';

const dir = mkdtempSync(join(tmpdir(), 'optlab-read-libsvm-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const TINY = '+1 1:1 3:0.5\n-1 2:1\n';
/** SHA-256 of TINY, computed once with `sha256sum`. */
const TINY_SHA256 = '5df62a5c82579b9bf5e94fdd92800101a88d5819c2b4b6b5893612ad92f7fc92';

function fixture(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** A deterministic matrix big enough to span many read chunks (several MB of text). */
function bigText(): Uint8Array {
  const rows = 40000;
  const rowPtr = new Int32Array(rows + 1);
  const idx: number[] = [];
  const val: number[] = [];
  let s = 12345;
  const rand = () => (s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < 300; j++) {
      if (rand() < 0.05) {
        idx.push(j);
        val.push((rand() - 0.5) * 10 ** Math.floor(rand() * 20 - 10));
      }
    }
    rowPtr[i + 1] = idx.length;
  }
  const X = makeCsr(rows, 300, rowPtr, Int32Array.from(idx), Float64Array.from(val));
  return writeLibsvm(
    X,
    Float64Array.from({ length: rows }, (_, i) => (i % 3 === 0 ? 1 : -1)),
    { plusSign: true },
  );
}

describe('readLibsvmFile', () => {
  it('reads a plain file with its size and SHA-256', async () => {
    const path = fixture('tiny.svm', TINY);
    const r = await readLibsvmFile(path);
    assert.equal(r.sha256, TINY_SHA256);
    assert.equal(r.sha256, sha256(new TextEncoder().encode(TINY)));
    assert.equal(r.bytes, 20);
    assert.equal(r.gzip, false);
    assert.equal(r.X.rows, 2);
    assert.equal(r.X.cols, 3);
    assert.deepEqual(Array.from(r.X.rowPtr), [0, 2, 3]);
    assert.deepEqual(Array.from(r.X.colIdx), [0, 2, 1]);
    assert.deepEqual(Array.from(r.X.values!), [1, 0.5, 1]);
    assert.deepEqual(Array.from(r.labels), [1, -1]);
    assert.equal(r.lines, 2);
  });

  it('detects gzip by its magic bytes whatever the name, hashing the compressed bytes', async () => {
    const gz = gzipSync(new TextEncoder().encode(TINY));
    const path = fixture('tiny-compressed.txt', gz);
    const r = await readLibsvmFile(path);
    assert.equal(r.gzip, true);
    assert.equal(r.bytes, gz.length);
    assert.equal(r.sha256, sha256(gz));
    assert.notEqual(r.sha256, TINY_SHA256);
    assert.deepEqual(Array.from(r.X.colIdx), [0, 2, 1]);
    assert.deepEqual(Array.from(r.labels), [1, -1]);
  });

  it('reads a file of many chunks, plain and gzip, like the in-memory parser', async () => {
    const text = bigText();
    assert.ok(text.length > 3_000_000, `fixture is ${text.length} bytes`);
    const expected = parseLibsvm(text, { fileName: 'big' });
    for (const [name, content] of [
      ['big.svm', text],
      ['big.svm.gz', gzipSync(text)],
    ] as const) {
      const r = await readLibsvmFile(fixture(name, content));
      assert.equal(r.bytes, content.length);
      assert.equal(r.sha256, sha256(content));
      assert.equal(r.X.rows, 40000);
      assert.equal(nnz(r.X), nnz(expected.X));
      assert.deepStrictEqual(r.X.rowPtr, expected.X.rowPtr);
      // the same indices, held in WebAssembly memory as narrow as d allows (src/objectives/wasm/resident.ts)
      assert.deepStrictEqual(Int32Array.from(r.X.colIdx), expected.X.colIdx);
      assert.deepStrictEqual(r.X.values, expected.X.values);
      assert.deepStrictEqual(r.labels, expected.labels);
    }
  });

  it('passes features and onWarning through, and names the file by displayName', async () => {
    const warnings: string[] = [];
    const path = fixture('ranked.svm', '1 qid:4 2:1\n');
    const r = await readLibsvmFile(path, { features: 9, displayName: 'ranked', onWarning: (m) => warnings.push(m) });
    assert.equal(r.X.cols, 9);
    assert.deepEqual(warnings, ['ranked:1:3: qid fields are ignored (reported once per file)']);

    const bad = fixture('bad.svm', '1 1:1\n-1 0:1\n');
    await assert.rejects(readLibsvmFile(bad, { displayName: 'mydata' }), (e: unknown) => {
      assert.ok(e instanceof InputError);
      assert.equal(e.message, 'mydata:2:4: feature index 0 is not allowed (indices are one-based)');
      return true;
    });
    await assert.rejects(readLibsvmFile(bad), (e: unknown) => e instanceof InputError && e.file === bad);
  });

  it('reports parse errors inside a gzip file at their line and column', async () => {
    const path = fixture('bad.gz.bin', gzipSync(new TextEncoder().encode('1 1:1\n1 2:1 2:1\n')));
    await assert.rejects(readLibsvmFile(path, { displayName: 'z' }), {
      name: 'InputError',
      message: 'z:2:7: feature index 2 is repeated (indices must increase within a row)',
    });
  });

  it('reports a missing file or a directory clearly', async () => {
    const missing = join(dir, 'nope.svm');
    await assert.rejects(readLibsvmFile(missing), (e: unknown) => {
      assert.ok(e instanceof OptlabError);
      assert.equal(e.message, `cannot read ${missing}: no such file`);
      assert.equal(e.exitCode, 2);
      return true;
    });
    await assert.rejects(readLibsvmFile(missing, { displayName: 'a9a' }), {
      message: 'cannot read a9a: no such file',
    });
    await assert.rejects(readLibsvmFile(dir, { displayName: 'folder' }), {
      message: 'cannot read folder: is a directory',
    });
  });

  it('reports corrupt or truncated gzip data naming the file', async () => {
    const garbage = fixture('corrupt.gz', new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xff, 0xff, 0x12]));
    await assert.rejects(readLibsvmFile(garbage, { displayName: 'corrupt.gz' }), (e: unknown) => {
      assert.ok(e instanceof InputError, String(e));
      assert.match(e.message, /^corrupt\.gz: byte \d+: corrupt or truncated gzip data/);
      return true;
    });
    const gz = gzipSync(bigText().subarray(0, 200_000));
    const truncated = fixture('truncated.gz', gz.subarray(0, gz.length >> 1));
    await assert.rejects(readLibsvmFile(truncated, { displayName: 'trunc' }), {
      name: 'DecodeError',
      message: /^trunc: byte \d+: corrupt or truncated gzip data \(unexpected end of file\)$/,
    });
  });

  it('rejects bzip2 files and empty files', async () => {
    await assert.rejects(readLibsvmFile(fixture('x.bz2', 'BZh91AY&SY\x00\x01'), { displayName: 'x.bz2' }), {
      message: 'x.bz2:1:1: bzip2-compressed input is not supported; decompress it first',
    });
    await assert.rejects(readLibsvmFile(fixture('empty.svm', ''), { displayName: 'empty' }), {
      message: /^empty:1:1: no data rows/,
    });
  });
});

describe('readLibsvmFile on the real a9a data (skipped when absent)', () => {
  it('a9a: 32561 rows, 123 columns, 451592 non-zeros, binary, 7841 positives', async (t) => {
    const path = requireDataFile(t, 'a9a');
    if (path === undefined) return;
    const r = await readLibsvmFile(path, { displayName: 'a9a' });
    assert.equal(r.sha256, 'f5d5ffd8d865ff41328e7ee043e4b020816914ff6843ff15b98905ddbedce906');
    assert.equal(r.X.rows, 32561);
    assert.equal(r.X.cols, 123);
    assert.equal(nnz(r.X), 451592);
    assert.equal(r.X.values, null);
    assert.equal(r.explicitZeros, 0);
    let pos = 0;
    let neg = 0;
    for (const y of r.labels) {
      if (y === 1) pos++;
      else if (y === -1) neg++;
    }
    assert.equal(pos, 7841);
    assert.equal(neg, 32561 - 7841);
  });

  it('a9a.t: 16281 rows, 123 columns with an explicit 123:0', async (t) => {
    const path = requireDataFile(t, 'a9a.t');
    if (path === undefined) return;
    const r = await readLibsvmFile(path, { displayName: 'a9a.t' });
    assert.equal(r.sha256, '4af3129b1b09137562c49d1e2c58f48af185f4b3ca130cd8ee2fbe10e7eb69b8');
    assert.equal(r.X.rows, 16281);
    assert.equal(r.X.cols, 123);
    assert.equal(r.maxIndex, 123);
    assert.equal(r.explicitZeros, 1);
    assert.equal(r.X.values, null);
  });
});
