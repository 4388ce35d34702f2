import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { makeCsr } from '../../src/data/csr.js';
import { concatChunks, encodeCsrBinary } from '../../src/data/csr-binary.js';
import { DecodeError } from '../../src/data/decode-error.js';
import { checkDenseMemory, formatSize, parseByteSize, resolveLimits } from '../../src/data/limits.js';
import { dataStats } from '../../src/data/stats.js';
import { InputError, OptlabError } from '../../src/errors.js';
import { cachedCsrPath, sealCsrChunks } from '../../src/node/csr-cache.js';
import { readLibsvmFile } from '../../src/node/read-libsvm.js';
import { checkRunMemory } from '../../src/run/memory-guard.js';

const dir = mkdtempSync(join(tmpdir(), 'optlab-limits-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let counter = 0;
function fixture(content: string | Uint8Array, name = `f${counter++}`): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}
const enc = (s: string) => Buffer.from(s, 'utf8');
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');
const noCache = { cache: false, env: {} };
/** Reads a fixture under its own name (as errors show it). */
const readAs = (path: string, opts: Parameters<typeof readLibsvmFile>[1] = noCache) =>
  readLibsvmFile(path, { displayName: path.slice(dir.length + 1), ...opts });

async function refusal(p: Promise<unknown>): Promise<InputError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof InputError, `expected an InputError, got ${e instanceof Error ? e.stack : String(e)}`);
    return e;
  }
  assert.fail('expected a refusal');
}

describe('limits: parsing and resolution', () => {
  it('parses sizes with units and resolves flags over OPTLAB_MAX_* over defaults', () => {
    assert.equal(parseByteSize('4096', 'x'), 4096);
    assert.equal(parseByteSize('64MiB', 'x'), 64 * 2 ** 20);
    assert.equal(parseByteSize('2G', 'x'), 2 * 2 ** 30);
    assert.equal(parseByteSize('1.5k', 'x'), 1536);
    assert.throws(() => parseByteSize('lots', '--max-line-bytes'), /^OptlabError: --max-line-bytes: expected a size/);
    assert.throws(() => parseByteSize('0', 'x'), OptlabError);
    const l = resolveLimits({ maxTokenBytes: 10 }, { OPTLAB_MAX_TOKEN_BYTES: '99', OPTLAB_MAX_LINE_BYTES: '1M' });
    assert.equal(l.maxTokenBytes, 10);
    assert.equal(l.maxLineBytes, 2 ** 20);
    assert.equal(l.maxInflateRatio, 200);
    assert.equal(l.maxDenseBytes, 2 ** 31);
    assert.throws(
      () => resolveLimits({}, { OPTLAB_MAX_INFLATE_RATIO: '0.5' }),
      /OPTLAB_MAX_INFLATE_RATIO: expected a number >= 1/,
    );
    assert.equal(formatSize(6.4e9), '6.0 GiB');
    assert.equal(formatSize(2 ** 31), '2 GiB');
    assert.equal(formatSize(100), '100 bytes');
  });

  it('reads the limits from the environment in readLibsvmFile', async () => {
    const path = fixture(`1 1:1\n-1 ${'2:1 '.repeat(10)}\n`);
    const e = await refusal(readLibsvmFile(path, { cache: false, env: { OPTLAB_MAX_LINE_BYTES: '20' } }));
    assert.match(e.message, /:2:21: line longer than 20 bytes/);
  });
});

describe('gzip: trailing bytes as gzip(1) handles them, and decompression bombs', () => {
  const member = (s: string) => gzipSync(enc(s));

  it('reads concatenated members, and ignores trailing zero bytes (padding)', async () => {
    const two = await readLibsvmFile(fixture(Buffer.concat([member('1 1:1\n'), member('-1 2:1\n')])), noCache);
    assert.deepEqual(Array.from(two.labels), [1, -1]);
    const bytes = Buffer.concat([member('1 1:1\n-1 2:1\n'), Buffer.alloc(1000)]);
    const padded = await readLibsvmFile(fixture(bytes), noCache);
    assert.equal(padded.X.rows, 2);
    assert.equal(padded.sha256, sha256(bytes), 'the SHA-256 covers the padding too');
    assert.equal(padded.bytes, bytes.length);
    // padding spread over many read chunks
    const big = Buffer.concat([member('1 1:1\n-1 2:1\n'), Buffer.alloc(300_000)]);
    assert.equal((await readLibsvmFile(fixture(big), noCache)).sha256, sha256(big));
  });

  it('refuses other trailing bytes with their offset', async () => {
    const m = member('1 1:1\n-1 2:1\n');
    const after = await refusal(readAs(fixture(Buffer.concat([m, Buffer.alloc(10), enc('junk')]), 'pad.gz'), noCache));
    assert.equal(after.message.split('\n').length, 1);
    assert.match(after.message, new RegExp(`pad\\.gz: byte ${m.length + 10}: trailing bytes after the gzip data`));
    const direct = await refusal(readAs(fixture(Buffer.concat([m, enc('garbage')]), 'g.gz'), noCache));
    assert.match(
      direct.message,
      /^g\.gz: byte \d+: (trailing bytes after the gzip data|corrupt or truncated gzip data)/,
    );
  });

  it('stops a bomb early with its own message, by ratio and by size', async () => {
    const blank = gzipSync(Buffer.alloc(80 * 2 ** 20, 10), { level: 9 }); // 80 MiB of newlines, ~80 KiB
    const e = await refusal(readAs(fixture(blank, 'bomb.gz'), noCache));
    assert.ok(e instanceof DecodeError);
    assert.match(
      e.message,
      /^bomb\.gz: byte \d+: the gzip data inflate to more than 200 times the compressed size \(.* KiB\): a decompression bomb\? \(raise the limit with --max-inflate-ratio\)$/,
    );
    assert.ok(e.offset < blank.length, 'stopped before the end of the compressed data');
    const bySize = await refusal(
      readAs(fixture(gzipSync(enc('1 1:1\n'.repeat(5000))), 'b2.gz'), {
        ...noCache,
        limits: { maxInflatedBytes: 1000 },
      }),
    );
    assert.match(
      bySize.message,
      /inflate to more than 1000 bytes: a decompression bomb\? \(raise the limit with --max-inflated-bytes\)$/,
    );
    // the same bomb reads once the limit is raised (it holds no rows, which is its own error)
    const raised = await refusal(readLibsvmFile(fixture(blank), { ...noCache, limits: { maxInflateRatio: 2000 } }));
    assert.match(raised.message, /no data rows/);
  });

  it('places corrupt gzip data at a compressed offset', async () => {
    const gz = gzipSync(enc('1 1:1\n-1 2:1\n'.repeat(2000)));
    gz[gz.length >> 1] ^= 0xff;
    const e = await refusal(readAs(fixture(gz, 'flip.gz'), noCache));
    assert.match(e.message, /^flip\.gz: byte \d+: corrupt or truncated gzip data \(/);
  });
});

describe('binary CSR: header checked against the file before anything is read or allocated', () => {
  const X = makeCsr(3, 4, Int32Array.from([0, 2, 3, 4]), Int32Array.from([0, 3, 1, 2]), null);
  const labels = Float64Array.from([1, -1, 1]);
  const good = concatChunks(sealCsrChunks(encodeCsrBinary(X, labels)));

  it('refuses a forged column count (1e9 with sizes that do not match) from the header, with the field offset', async () => {
    const forged = good.slice();
    const v = new DataView(forged.buffer);
    v.setUint32(32, 1e9, true); // nnz = 1e9: the header's sizes no longer match the file
    const e = await refusal(readAs(fixture(forged, 'forged.csr'), noCache));
    assert.match(
      e.message,
      /^forged\.csr: byte 72: corrupt binary CSR file \(the header says \d+ bytes, its sizes need \d+\)$/,
    );
    const consistent = good.slice();
    const w = new DataView(consistent.buffer);
    w.setUint32(24, 1e9, true); // cols = 1e9 alone is consistent: the file loads and inspect stays sparse
    w.setUint32(48, 1e9, true);
    w.setUint32(12, w.getUint32(12, true) & ~4, true); // drop the checksum flag (zero the bytes too)
    consistent.fill(0, 112, 128);
    const r = await readAs(fixture(consistent, 'wide.csr'), noCache);
    assert.equal(r.X.cols, 1e9);
    const s = dataStats(r.X, r.labels);
    assert.equal(s.zeroColumnCount, 1e9 - 4);
    assert.equal(s.zeroColumns.length, 1000);
  });

  it('refuses non-monotone row pointers and out-of-range columns at their byte', async () => {
    const bad = good.slice();
    new DataView(bad.buffer).setInt32(128 + 8, 0, true); // rowPtr[2] = 0 < rowPtr[1]
    bad.fill(0, 112, 128);
    new DataView(bad.buffer).setUint32(12, new DataView(bad.buffer).getUint32(12, true) & ~4, true);
    const e = await refusal(readAs(fixture(bad, 'rp.csr'), noCache));
    assert.match(e.message, /^rp\.csr: byte 136: corrupt binary CSR file \(rowPtr decreases or passes nnz at row 1\)$/);
  });

  it('verifies the payload checksum: a flipped label is refused', async () => {
    const flipped = good.slice();
    flipped[flipped.length - 1] ^= 0x80; // sign of the last label
    const e = await refusal(readAs(fixture(flipped, 'flip.csr'), noCache));
    assert.match(
      e.message,
      /^flip\.csr: byte 128: corrupt binary CSR file \(the payload checksum is [0-9a-f]{32}, the header records/,
    );
  });

  it('discards a cache entry whose payload was altered (a flipped label), re-parses and re-writes it', async () => {
    const env = { XDG_CACHE_HOME: join(dir, 'xdg') };
    const text = enc('1 1:1 3:2\n-1 2:1\n1 4:1\n');
    const path = fixture(text, 'src.svm');
    const first = await readLibsvmFile(path, { cacheMinBytes: 0, env });
    const entry = cachedCsrPath(sha256(text), env);
    assert.ok(existsSync(entry));
    const bytes = readFileSync(entry);
    bytes[bytes.length - 1] ^= 0x80; // label of the last row: 1 -> -1
    writeFileSync(entry, bytes);
    const warnings: string[] = [];
    const again = await readLibsvmFile(path, { cacheMinBytes: 0, env, onWarning: (m) => warnings.push(m) });
    assert.equal(again.source, 'parse');
    assert.deepEqual(Array.from(again.labels), Array.from(first.labels));
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /^discarding a corrupt CSR cache entry: .*payload checksum/);
    assert.equal((await readLibsvmFile(path, { cacheMinBytes: 0, env })).source, 'csr-cache');
  });
});

describe('dense memory guards', () => {
  it('refuses up front with the estimate and the flag', () => {
    assert.throws(
      () => checkRunMemory('gd', 2147483647, {}),
      /^OptlabError: gd on 2147483647 features \(8 vectors of length d\) needs about 128\.0 GiB \(137438953408 bytes\) of dense memory, more than the 2 GiB allowed; raise the limit with --max-dense-bytes/,
    );
    assert.throws(() => checkRunMemory('gd', 1e8, {}), /needs about 6\.0 GiB \(6400000000 bytes\)/);
    assert.throws(
      () => checkRunMemory('lbfgs', 123, { memory: 1e9 }),
      /^OptlabError: lbfgs --memory 1000000000 on 123 features/,
    );
    checkRunMemory('lbfgs', 123, {}); // a9a
    checkRunMemory('gd', 1e8, {}, 8 * 2 ** 30); // raised
    assert.throws(() => checkDenseMemory('x', 10, 1, 79), /needs about 80 bytes/);
  });

  it('inspect statistics come from sparse structures beyond 2^20 columns, and match the dense ones', () => {
    // the same matrix, narrow (dense path) and widened to 2^24 columns (sparse path): the same lists
    const rowPtr = Int32Array.from([0, 3, 5, 7]);
    const colIdx = Int32Array.from([0, 2, 5, 0, 5, 0, 1]);
    const values = Float64Array.from([2, 1, 3, 2, 3, 2, 4]);
    const narrow = dataStats(makeCsr(3, 8, rowPtr, colIdx, values), Float64Array.from([1, 0, 1]));
    assert.deepEqual(narrow.zeroColumns, [4, 5, 7, 8]);
    assert.deepEqual(narrow.constantColumns, [1, 4, 5, 7, 8]);
    const wide = dataStats(makeCsr(3, 2 ** 24, rowPtr, colIdx, values), Float64Array.from([1, 0, 1]));
    assert.deepEqual(wide.zeroColumns.slice(0, 4), [4, 5, 7, 8]);
    assert.equal(wide.zeroColumnCount, 2 ** 24 - 4);
    assert.deepEqual(wide.constantColumns.slice(0, 5), [1, 4, 5, 7, 8]);
    assert.equal(wide.constantColumnCount, 2 ** 24 - 4 + 1);
    // column 6 is in every row but not constant: not listed
    assert.ok(!wide.constantColumns.includes(6));
  });
});
