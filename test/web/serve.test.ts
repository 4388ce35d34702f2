/**
 * The playground's static server (src/node/serve.ts, `optlab serve`): the app's files with their MIME types,
 * the dataset index and the datasets' bytes as stored, path traversal refused, GET/HEAD only, 127.0.0.1 by
 * default, and clean errors for a taken port, a missing build or a missing data folder. (`optlab serve` itself
 * is tested with the built app in playground.test.ts.)
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import { OptlabError } from '../../src/errors.js';
import { resolveStatic, type Serving, startServer } from '../../src/node/serve.js';

const dir = mkdtempSync(join(tmpdir(), 'optlab-serve-'));
const root = join(dir, 'dist-web');
const data = join(dir, 'data');
/** An empty cache and no OPTLAB_DATA: only --data-dir is searched. */
const env = { XDG_CACHE_HOME: join(dir, 'cache') };
const A9A = '+1 1:1 3:1\n-1 2:1\n';
mkdirSync(join(root, 'assets'), { recursive: true });
mkdirSync(data);
writeFileSync(join(root, 'index.html'), '<!doctype html><title>t</title>');
writeFileSync(join(root, 'assets', 'index-abc.js'), 'export {};\n');
writeFileSync(join(root, 'assets', 'k.wasm'), new Uint8Array([0, 97, 115, 109]));
writeFileSync(join(dir, 'secret.txt'), 'secret');
writeFileSync(join(data, 'a9a'), A9A);
writeFileSync(join(data, 'a9a.t.gz'), gzipSync('-1 1:1\n'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A raw HTTP request (fetch would normalise `..` away). */
function get(
  url: string,
  path: string,
  method = 'GET',
): Promise<{ status: number; headers: Record<string, string>; body: Buffer }> {
  const u = new URL(url);
  return new Promise((res, rej) => {
    const req = request({ host: u.hostname, port: u.port, path, method }, (r) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () =>
        res({ status: r.statusCode ?? 0, headers: r.headers as Record<string, string>, body: Buffer.concat(chunks) }),
      );
    });
    req.on('error', rej);
    req.end();
  });
}

describe('the playground server', () => {
  let s: Serving;
  before(async () => {
    s = await startServer({ root, port: 0, dataDir: data, env });
  });
  after(() => s.close());

  it('listens on 127.0.0.1 and serves the app with MIME types and security headers', async () => {
    assert.match(s.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const index = await get(s.url, '/');
    assert.equal(index.status, 200);
    assert.equal(index.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(index.body.toString(), '<!doctype html><title>t</title>');
    assert.match(index.headers['content-security-policy'], /connect-src 'self'/);
    assert.equal(index.headers['x-content-type-options'], 'nosniff');
    assert.equal(index.headers['cross-origin-embedder-policy'], undefined, 'no COOP/COEP: no SharedArrayBuffer needed');
    const js = await get(s.url, '/assets/index-abc.js?v=1');
    assert.equal(js.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.match(js.headers['cache-control'], /immutable/);
    assert.equal((await get(s.url, '/assets/k.wasm')).headers['content-type'], 'application/wasm');
    const head = await get(s.url, '/index.html', 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(head.headers['content-length'], '31');
    assert.equal(head.body.length, 0);
    const post = await get(s.url, '/', 'POST');
    assert.equal(post.status, 405);
    assert.equal(post.headers.allow, 'GET, HEAD');
    assert.equal((await get(s.url, '/nope.js')).status, 404);
  });

  it('lists the registry datasets it finds, with rows and features from the registry', async () => {
    const r = await get(s.url, '/data/index.json');
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'application/json; charset=utf-8');
    const list = JSON.parse(r.body.toString());
    assert.deepEqual(
      list.map((d: Record<string, unknown>) => [d.name, d.rows, d.features, d.gzip, d.test, d.url, d.bytes]),
      [
        ['a9a', 32561, 123, false, 'a9a.t', 'data/a9a', A9A.length],
        ['a9a.t', 16281, 123, true, undefined, 'data/a9a.t', gzipSync('-1 1:1\n').length],
      ],
    );
    assert.equal(list[0].path, undefined, 'no local paths leak');
  });

  it('sends a dataset as stored: plain bytes, or gzip bytes without Content-Encoding', async () => {
    const plain = await get(s.url, '/data/a9a');
    assert.equal(plain.status, 200);
    assert.equal(plain.headers['content-type'], 'application/octet-stream');
    assert.equal(plain.headers['content-length'], String(A9A.length));
    assert.equal(plain.body.toString(), A9A);
    const gz = await get(s.url, '/data/a9a.t');
    assert.equal(gz.headers['content-type'], 'application/gzip');
    assert.equal(gz.headers['content-encoding'], undefined);
    assert.deepEqual([gz.body[0], gz.body[1]], [0x1f, 0x8b]);
    assert.equal((await get(s.url, '/data/rcv1')).status, 404);
    assert.equal((await get(s.url, '/data/..%2fsecret.txt')).status, 404);
  });

  it('refuses to leave its folder', async () => {
    for (const path of [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/assets/%2E%2E/%2E%2E/secret.txt',
      '/..%5csecret.txt',
      '/%00index.html',
    ]) {
      const r = await get(s.url, path);
      assert.ok(r.status === 403 || r.status === 400, `${path}: ${r.status}`);
      assert.doesNotMatch(r.body.toString(), /secret/);
    }
    assert.equal((await get(s.url, '/%E0%A4%A')).status, 400);
    assert.deepEqual(resolveStatic(root, '/./index.html'), { status: 403 });
    assert.equal('path' in resolveStatic(root, '/assets/'), false);
  });

  it('fails cleanly when the port is taken, the app is not built or the data folder is missing', async () => {
    await assert.rejects(
      startServer({ root, port: s.port, env }),
      (e: unknown) =>
        e instanceof OptlabError &&
        e.message === `port ${s.port} on 127.0.0.1 is already in use: choose another with --port (0 picks a free one)`,
    );
    await assert.rejects(
      startServer({ root: join(dir, 'none'), port: 0, env }),
      /the playground is not built .*npm run build:web/,
    );
    await assert.rejects(
      startServer({ root, port: 0, dataDir: join(dir, 'nowhere'), env }),
      /--data-dir .*: no such folder/,
    );
  });
});
