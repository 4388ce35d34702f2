import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { download, locate } from '../../src/node/fetch.js';
import { cacheDir } from '../../src/node/paths.js';
import { requireDataFile } from '../helpers/data.js';

const fakeFetch =
  (bytes: Uint8Array, status = 200): typeof fetch =>
  async () =>
    new Response(status === 200 ? bytes : null, { status, headers: { 'content-length': String(bytes.length) } });

describe('dataset cache and download', () => {
  it('cache folder: $XDG_CACHE_HOME/optlab, else ~/.cache/optlab', () => {
    assert.equal(cacheDir({ XDG_CACHE_HOME: '/x/y' }), '/x/y/optlab');
    assert.match(cacheDir({ HOME: '/home/u' }), /\.cache\/optlab$/);
  });

  it('OPTLAB_DATA is searched before the cache', () => {
    const data = mkdtempSync(join(tmpdir(), 'optlab-data-'));
    const cache = mkdtempSync(join(tmpdir(), 'optlab-cache-'));
    mkdirSync(join(cache, 'optlab'));
    writeFileSync(join(cache, 'optlab', 'a9a'), 'x');
    const env = { OPTLAB_DATA: data, XDG_CACHE_HOME: cache };
    assert.deepEqual(locate('a9a', env), { path: join(cache, 'optlab', 'a9a'), from: 'cache' });
    writeFileSync(join(data, 'a9a'), 'x');
    assert.deepEqual(locate('a9a', env), { path: join(data, 'a9a'), from: 'OPTLAB_DATA' });
    assert.equal(locate('a9a.t', env), undefined);
  });

  it('a wrong checksum is an error and leaves nothing in the cache', async () => {
    const cache = mkdtempSync(join(tmpdir(), 'optlab-cache-'));
    const env = { XDG_CACHE_HOME: cache };
    await assert.rejects(download('a9a', undefined, env, fakeFetch(new TextEncoder().encode('-1 1:1\n'))), /truncated/);
    assert.deepEqual(readdirSync(join(cache, 'optlab')), []);
    assert.equal(locate('a9a', env), undefined);
  });

  it('an HTTP error or a network failure is a clear error', async () => {
    const env = { XDG_CACHE_HOME: mkdtempSync(join(tmpdir(), 'optlab-cache-')) };
    await assert.rejects(download('a9a', undefined, env, fakeFetch(new Uint8Array(0), 404)), /HTTP 404/);
    const failing: typeof fetch = async () => {
      throw new TypeError('fetch failed');
    };
    await assert.rejects(download('a9a', undefined, env, failing), /cannot download a9a .*OPTLAB_DATA/);
  });

  it('a verified download lands in the cache with progress reported', async (t) => {
    const src = requireDataFile(t, 'a9a');
    if (!src) return;
    const bytes = readFileSync(src);
    const cache = mkdtempSync(join(tmpdir(), 'optlab-cache-'));
    const env = { XDG_CACHE_HOME: cache };
    const seen: number[] = [];
    const path = await download('a9a', (got) => seen.push(got), env, fakeFetch(bytes));
    assert.equal(path, join(cache, 'optlab', 'a9a'));
    assert.ok(existsSync(path));
    assert.equal(seen[seen.length - 1], bytes.length);
    assert.deepEqual(readdirSync(join(cache, 'optlab')), ['a9a']);
  });
});
