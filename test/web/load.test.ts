/**
 * The playground's file reader (web/src/load.ts) on web streams, as the data worker uses it: the same matrix as
 * the core parser, whatever the chunking; gzip recognised by its bytes and decompressed with
 * DecompressionStream; the SHA-256 of the bytes as stored; and, for a bad file, the CLI's own
 * `FILE:LINE:COLUMN: reason`.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { parseLibsvm } from '../../src/data/libsvm.js';
import { InputError, OptlabError } from '../../src/errors.js';
import { readLibsvmStream } from '../../web/src/load.js';
import { inRepo } from '../helpers/repo.js';

const dir = mkdtempSync(join(tmpdir(), 'optlab-web-load-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const TEXT = '# a comment\r\n+1 1:0.5 3:2 7:1\r\n-1 2:1 3:1e-3\n\n+1 qid:4 1:1 5:-2.25 # trailing\n-1\n+1 2:1 7:0';
const BYTES = new TextEncoder().encode(TEXT);

/** A stream of `bytes` cut into chunks of `size` bytes. */
function chunked(bytes: Uint8Array, size: number): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream({
    pull(c) {
      if (at >= bytes.length) c.close();
      else {
        c.enqueue(bytes.slice(at, at + size));
        at += size;
      }
    },
  });
}

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('readLibsvmStream', () => {
  const expected = parseLibsvm(BYTES, { fileName: 'x.svm' });

  for (const size of [1, 2, 3, 7, 1 << 16]) {
    it(`gives the core parser's matrix for plain and gzip input in chunks of ${size} bytes`, async () => {
      for (const gz of [false, true]) {
        const stored = gz ? new Uint8Array(gzipSync(BYTES)) : BYTES;
        const d = await readLibsvmStream(chunked(stored, size), { name: 'x.svm', total: stored.length });
        assert.equal(d.gzip, gz);
        assert.equal(d.bytes, stored.length);
        assert.equal(d.sha256, sha(stored));
        assert.equal(d.rows, 5);
        assert.equal(d.cols, 7);
        assert.deepEqual(d.rowPtr, expected.X.rowPtr);
        assert.deepEqual(d.colIdx, expected.X.colIdx);
        assert.deepEqual(d.values, expected.X.values);
        assert.deepEqual(d.labels, expected.labels);
        assert.deepEqual(d.warnings, ['x.svm:5:4: qid fields are ignored (reported once per file)']);
      }
    });
  }

  it('declares the number of features as --features does', async () => {
    const d = await readLibsvmStream(chunked(BYTES, 5), { name: 'x.svm', total: 0, features: 123 });
    assert.equal(d.cols, 123);
    assert.throws(() => parseLibsvm(BYTES, { fileName: 'x.svm', features: 6 }), {
      message: 'x.svm:2:14: feature index 7 exceeds the declared number of features 6',
    });
    await assert.rejects(
      readLibsvmStream(chunked(BYTES, 5), { name: 'x.svm', total: 0, features: 6 }),
      (e: unknown) =>
        e instanceof InputError &&
        e.message === 'x.svm:2:14: feature index 7 exceeds the declared number of features 6',
    );
  });

  it('reports progress up to the whole input', async () => {
    const seen: Array<[number, number]> = [];
    await readLibsvmStream(chunked(BYTES, 4), {
      name: 'x.svm',
      total: BYTES.length,
      onProgress: (done, total) => seen.push([done, total]),
    });
    assert.deepEqual(seen[seen.length - 1], [BYTES.length, BYTES.length]);
  });

  it('rejects a bad file, plain or gzip, with the CLI message FILE:LINE:COLUMN: reason', async () => {
    const bad = '+1 1:1 2:1\n-1 3:1\n+1 4:1 2:0.5\n';
    writeFileSync(join(dir, 'bad.svm'), bad);
    // Run from the fixture's folder so that the CLI names the file as the page does: bad.svm.
    const tsx = import.meta.resolve('tsx');
    const main = inRepo('src/cli/main.ts');
    const cli = spawnSync(process.execPath, ['--import', tsx, main, 'inspect', '--data', 'bad.svm'], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 60_000,
    });
    assert.equal(cli.status, 2);
    const message = 'bad.svm:3:8: feature index 2 comes after 4 (indices must increase within a row)';
    assert.equal(cli.stderr, `optlab: ${message}\n`);
    const bytes = new TextEncoder().encode(bad);
    for (const stored of [bytes, new Uint8Array(gzipSync(bytes))]) {
      await assert.rejects(
        readLibsvmStream(chunked(stored, 3), { name: 'bad.svm', total: 0 }),
        (e: unknown) => e instanceof InputError && e.message === message && e.line === 3 && e.column === 8,
      );
    }
  });

  it('says so when gzip data is corrupt or truncated, and when there are no rows', async () => {
    const gz = new Uint8Array(gzipSync(BYTES));
    await assert.rejects(
      readLibsvmStream(chunked(gz.subarray(0, gz.length - 12), 64), { name: 'x.svm.gz', total: 0 }),
      (e: unknown) =>
        e instanceof OptlabError && e.message.startsWith('cannot decompress x.svm.gz: corrupt or truncated gzip data'),
    );
    await assert.rejects(
      readLibsvmStream(chunked(new TextEncoder().encode('# only a comment\n'), 64), { name: 'e.svm', total: 0 }),
      (e: unknown) => e instanceof InputError && e.message.startsWith('e.svm:1:1: no data rows'),
    );
    await assert.rejects(readLibsvmStream(chunked(new Uint8Array(0), 64), { name: 'z.svm', total: 0 }), InputError);
  });
});
