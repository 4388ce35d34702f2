import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { concatChunks, decodeCsrBinary, encodeCsrBinary } from '../../src/data/csr-binary.js';
import { libsvmChunks } from '../../src/data/libsvm-chunks.js';
import { synthesize } from '../../src/data/synth.js';
import { InputError } from '../../src/errors.js';
import {
  CSR_CACHE_MIN_BYTES,
  cachedCsrPath,
  csrCacheEnabled,
  readCsrFile,
  sealCsrChunks,
  writeChunksAtomic,
} from '../../src/node/csr-cache.js';
import { loadDataset } from '../../src/node/load.js';
import { type ReadLibsvmOptions, type ReadResult, readLibsvmFile } from '../../src/node/read-libsvm.js';
import { residentStore } from '../../src/objectives/wasm/resident.js';

const root = mkdtempSync(join(tmpdir(), 'optlab-csr-cache-'));
after(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;

/** A fresh folder with its own cache (XDG_CACHE_HOME inside it): tests never touch the real cache. */
function sandbox(): { dir: string; env: NodeJS.ProcessEnv } {
  const dir = join(root, `t${counter++}`);
  mkdirSync(dir);
  return { dir, env: { XDG_CACHE_HOME: join(dir, 'xdg') } };
}

const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** LIBSVM text of a small synthetic dataset (valued, so values must survive the cache too). */
function text(seed = 1, binary = false): Uint8Array {
  const r = synthesize({ rows: 400, features: 60, nnzPerRow: 6, seed, binary, noise: 0.2 });
  const parts: Uint8Array[] = [];
  for (const c of libsvmChunks(r.X, r.labels, { plusSign: true })) parts.push(c.slice());
  return concatChunks(parts);
}

function read(path: string, env: NodeJS.ProcessEnv, opts: ReadLibsvmOptions = {}) {
  const warnings: string[] = [];
  const result = readLibsvmFile(path, {
    cacheMinBytes: 0,
    env,
    onWarning: (m) => warnings.push(m),
    ...opts,
  });
  return result.then((r) => ({ r, warnings }));
}

function assertSameRead(a: ReadResult, b: ReadResult): void {
  assert.equal(b.X.rows, a.X.rows);
  assert.equal(b.X.cols, a.X.cols);
  assert.deepStrictEqual(Array.from(b.X.rowPtr), Array.from(a.X.rowPtr));
  assert.deepStrictEqual(Array.from(b.X.colIdx), Array.from(a.X.colIdx));
  assert.deepStrictEqual(
    b.X.values === null ? null : Array.from(b.X.values),
    a.X.values === null ? null : Array.from(a.X.values),
  );
  assert.deepStrictEqual(Array.from(b.labels), Array.from(a.labels));
  for (const k of ['sha256', 'bytes', 'gzip', 'maxIndex', 'explicitZeros', 'lines'] as const) {
    assert.equal(b[k], a[k], k);
  }
}

describe('binary CSR cache', () => {
  it('the first read parses and writes the entry; the second loads it: same arrays, held in WebAssembly memory', async () => {
    const { dir, env } = sandbox();
    const src = text();
    const path = join(dir, 'data.svm');
    writeFileSync(path, src);
    const entry = cachedCsrPath(sha256(src), env);
    assert.equal(entry, join(dir, 'xdg', 'optlab', 'csr', `${sha256(src)}.csr`));
    assert.equal(existsSync(entry), false);

    const first = await read(path, env);
    assert.equal(first.r.source, 'parse');
    assert.equal(first.r.sha256, sha256(src));
    assert.equal(existsSync(entry), true);
    assert.deepEqual(readdirSync(join(dir, 'xdg', 'optlab', 'csr')), [`${sha256(src)}.csr`], 'no temporary left');
    const stored = decodeCsrBinary(readFileSync(entry));
    assert.equal(stored.sourceSha256, sha256(src));

    const second = await read(path, env);
    assert.equal(second.r.source, 'csr-cache');
    assert.deepEqual(second.warnings, []);
    assertSameRead(first.r, second.r);
    assert.ok(second.r.X.values !== null);
    for (const r of [first.r, second.r]) {
      // parsed or loaded, the matrix lives in WebAssembly memory laid out for the kernels, with u8 indices
      // (d = 60): the parser's Int32 arrays and the entry's bytes are not kept
      const buffer = r.X.colIdx.buffer;
      assert.ok(residentStore(r.X) !== undefined, 'resident');
      assert.ok(r.X.colIdx instanceof Uint8Array);
      assert.equal(r.X.rowPtr.buffer, buffer);
      assert.equal(r.X.values?.buffer, buffer);
      assert.notEqual(r.labels.buffer, buffer, 'the raw labels are not the encoded ones the kernels hold');
    }
  });

  it('caches gzip sources under the hash of the compressed bytes, and binary data without values', async () => {
    const { dir, env } = sandbox();
    const gz = gzipSync(text(2, true));
    const path = join(dir, 'data.svm.gz');
    writeFileSync(path, gz);
    const first = await read(path, env);
    const second = await read(path, env);
    assert.deepEqual([first.r.source, second.r.source], ['parse', 'csr-cache']);
    assert.equal(second.r.gzip, true);
    assert.equal(second.r.X.values, null);
    assertSameRead(first.r, second.r);
    assert.equal(existsSync(cachedCsrPath(sha256(gz), env)), true);
  });

  it('keys by content: a copy elsewhere hits the entry, an edited file misses it', async () => {
    const { dir, env } = sandbox();
    const a = join(dir, 'a.svm');
    writeFileSync(a, text(3));
    await read(a, env);
    const copy = join(dir, 'copy.txt');
    writeFileSync(copy, text(3));
    assert.equal((await read(copy, env)).r.source, 'csr-cache');
    writeFileSync(a, text(4));
    const edited = await read(a, env);
    assert.equal(edited.r.source, 'parse');
    assert.equal(edited.r.sha256, sha256(text(4)));
    assert.equal(readdirSync(join(dir, 'xdg', 'optlab', 'csr')).length, 2);
  });

  it('ignores a corrupt entry with a warning, parses, and re-writes it', async () => {
    const { dir, env } = sandbox();
    const src = text(5);
    const path = join(dir, 'data.svm');
    writeFileSync(path, src);
    const first = await read(path, env);
    const entry = cachedCsrPath(sha256(src), env);
    const good = readFileSync(entry);
    for (const bad of [good.subarray(0, good.length - 100), Buffer.from('garbage, not a CSR file at all')]) {
      writeFileSync(entry, bad);
      const again = await read(path, env);
      assert.equal(again.r.source, 'parse');
      assert.equal(again.warnings.length, 1);
      assert.match(
        again.warnings[0],
        /^discarding a corrupt CSR cache entry: .*(truncated binary CSR file|not an optlab binary CSR file).*; parsing the source and re-writing it$/,
      );
      assertSameRead(first.r, again.r);
      assert.deepEqual(readFileSync(entry), good, 'the entry is written again');
      assert.equal((await read(path, env)).r.source, 'csr-cache');
    }
    // An entry for another source under this name is corrupt too.
    writeFileSync(
      entry,
      concatChunks(sealCsrChunks(encodeCsrBinary(first.r.X, first.r.labels, { sourceSha256: 'ab'.repeat(32) }))),
    );
    const other = await read(path, env);
    assert.equal(other.r.source, 'parse');
    assert.match(other.warnings[0], /records source SHA-256 abab/);
  });

  it('is disabled by OPTLAB_NO_CSR_CACHE=1 and by cache: false; small files are not cached by default', async () => {
    const { dir, env } = sandbox();
    const path = join(dir, 'data.svm');
    writeFileSync(path, text(6));
    const cacheFolder = join(dir, 'xdg', 'optlab', 'csr');
    for (const e of [{ ...env, OPTLAB_NO_CSR_CACHE: '1' }, env]) {
      const opts = e === env ? { cache: false } : {};
      assert.equal((await read(path, e, opts)).r.source, 'parse');
      assert.equal((await read(path, e, opts)).r.source, 'parse');
      assert.equal(existsSync(cacheFolder), false);
    }
    assert.equal(csrCacheEnabled({ OPTLAB_NO_CSR_CACHE: '1' }), false);
    assert.equal(csrCacheEnabled({ OPTLAB_NO_CSR_CACHE: '0' }), true);
    assert.equal(csrCacheEnabled({}), true);
    // Below the default threshold (16 MiB) nothing is cached.
    assert.ok(text(6).length < CSR_CACHE_MIN_BYTES);
    await readLibsvmFile(path, { env });
    assert.equal(existsSync(cacheFolder), false);
  });

  it('keeps the entry at the data width: a declared feature count applies as when parsing', async () => {
    const { dir, env } = sandbox();
    const path = join(dir, 'data.svm');
    writeFileSync(path, '+1 1:1 3:0.5\n-1 2:1 3:0\n'); // maxIndex 3, one explicit zero
    const first = await read(path, env, { features: 10 });
    assert.equal(first.r.X.cols, 10);
    const hit = await read(path, env, { features: 20 });
    assert.equal(hit.r.source, 'csr-cache');
    assert.equal(hit.r.X.cols, 20);
    assert.equal(hit.r.maxIndex, 3);
    assert.equal(hit.r.explicitZeros, 1);
    const plain = await read(path, env);
    assert.equal(plain.r.X.cols, 3);
    // A declared count below the data's width re-parses, to report the line.
    await assert.rejects(read(path, env, { features: 2, displayName: 'd' }), (e: unknown) => {
      assert.ok(e instanceof InputError);
      assert.equal(e.message, 'd:1:8: feature index 3 exceeds the declared number of features 2');
      return true;
    });
  });

  it('does not cache a file whose parse warned, so the warning shows on every read', async () => {
    const { dir, env } = sandbox();
    const path = join(dir, 'ranked.svm');
    writeFileSync(path, '1 qid:4 2:1\n');
    for (let k = 0; k < 2; k++) {
      const { r, warnings } = await read(path, env);
      assert.equal(r.source, 'parse');
      assert.equal(warnings.length, 1);
    }
    assert.equal(existsSync(join(dir, 'xdg', 'optlab', 'csr')), false);
  });

  it('a cache that cannot be written is a warning, never an error', async () => {
    const { dir } = sandbox();
    const blocker = join(dir, 'not-a-folder');
    writeFileSync(blocker, 'x');
    const path = join(dir, 'data.svm');
    writeFileSync(path, text(7));
    const { r, warnings } = await read(path, { XDG_CACHE_HOME: blocker });
    assert.equal(r.source, 'parse');
    assert.equal(r.X.rows, 400);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /^cannot write the CSR cache entry .*not-a-folder.*\.csr: /);
  });
});

describe('binary CSR files as data', () => {
  it('readLibsvmFile and loadDataset read a .csr file directly (by its magic), with its own SHA-256', async () => {
    const { dir, env } = sandbox();
    const r = synthesize({ rows: 300, features: 40, nnzPerRow: 4, seed: 8 });
    const path = join(dir, 'synth.data'); // any name: the magic decides
    const written = writeChunksAtomic(path, encodeCsrBinary(r.X, r.labels));
    const file = readFileSync(path);
    assert.equal(written, file.length);

    const { r: got, warnings } = await read(path, env);
    assert.equal(got.source, 'csr-file');
    assert.deepEqual(warnings, []);
    assert.equal(got.sha256, sha256(file));
    assert.equal(got.bytes, file.length);
    assert.equal(got.X.cols, 40);
    assert.deepStrictEqual(Array.from(got.X.colIdx), Array.from(r.X.colIdx));
    assert.deepStrictEqual(Array.from(got.labels), Array.from(r.labels));
    assert.ok(residentStore(got.X) !== undefined, 'streamed into WebAssembly memory, not held as the file bytes');
    assert.equal(existsSync(join(dir, 'xdg')), false, 'a .csr file is not cached again');

    const direct = readCsrFile(path);
    assert.equal(direct.views, false);
    assert.ok(residentStore(direct.X) !== undefined);
    const plain = readCsrFile(path, path, { resident: false });
    assert.ok(plain.X.colIdx instanceof Int32Array && residentStore(plain.X) === undefined);
    assert.deepStrictEqual(Array.from(plain.X.colIdx), Array.from(direct.X.colIdx));
    assert.equal(direct.sha256, got.sha256);

    const loaded = await loadDataset(path, { env, labels: 'pm1' });
    assert.equal(loaded.read.source, 'csr-file');
    assert.equal(loaded.dataset.X.rows, 300);
    assert.equal(loaded.dataset.sha256, sha256(file));
    assert.deepEqual(Array.from(loaded.dataset.y), Array.from(r.labels));

    await assert.rejects(read(path, env, { features: 3, displayName: 's.csr' }), {
      name: 'DecodeError',
      message: /^s\.csr: byte 48: feature index \d+ exceeds the declared number of features 3$/,
    });
    assert.equal((await read(path, env, { features: 50 })).r.X.cols, 50);

    const broken = join(dir, 'broken.csr');
    writeFileSync(broken, file.subarray(0, 200));
    await assert.rejects(read(broken, env, { displayName: 'broken.csr' }), {
      name: 'DecodeError',
      message: `broken.csr: byte 200: truncated binary CSR file (200 bytes, the header says ${file.length})`,
    });
    const unlabelled = join(dir, 'nolabels.csr');
    writeChunksAtomic(unlabelled, encodeCsrBinary(r.X, null));
    await assert.rejects(read(unlabelled, env, { displayName: 'n.csr' }), {
      message: 'n.csr: byte 40: the binary CSR file holds no labels',
    });
  });
});
