import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type Serving, startServer } from '../../src/node/serve.js';

/** `optlab serve` against hostile requests: symlinks out, foreign Host headers, traversal, big headers, load. */
const dir = mkdtempSync(join(tmpdir(), 'optlab-serve-hard-'));
const root = join(dir, 'web');
const data = join(dir, 'data');
const secret = join(dir, 'secret.txt');
let s: Serving;

before(async () => {
  mkdirSync(join(root, 'assets'), { recursive: true });
  mkdirSync(data);
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>app</title>');
  writeFileSync(join(root, 'assets', 'a.js'), 'export {};');
  writeFileSync(secret, 'root:x:0:0:secret\n');
  symlinkSync(secret, join(root, 'leak.txt')); // a link in the web folder to a file outside it
  symlinkSync(dir, join(root, 'up')); // a link to a folder outside
  symlinkSync(secret, join(data, 'a9a')); // a dataset that is a link out of its folder
  s = await startServer({ root, port: 0, dataDir: data, env: {} });
});
after(async () => {
  await s.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A raw HTTP/1.1 request (no client-side normalisation of the path or headers). */
function raw(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  return new Promise((resolve, reject) => {
    const sock = connect(s.port, '127.0.0.1');
    const hdrs = { Host: `127.0.0.1:${s.port}`, Connection: 'close', ...headers };
    sock.write(
      `GET ${path} HTTP/1.1\r\n${Object.entries(hdrs)
        .map(([k, v]) => `${k}: ${v}\r\n`)
        .join('')}\r\n`,
    );
    let text = '';
    sock.on('data', (b) => (text += b.toString('latin1')));
    sock.on('error', reject);
    sock.on('close', () => {
      const [head, ...rest] = text.split('\r\n\r\n');
      const lines = head.split('\r\n');
      const status = Number(lines[0].split(' ')[1] ?? 0);
      const h: Record<string, string> = {};
      for (const l of lines.slice(1)) {
        const i = l.indexOf(':');
        if (i > 0) h[l.slice(0, i).toLowerCase()] = l.slice(i + 1).trim();
      }
      resolve({ status, headers: h, body: rest.join('\r\n\r\n') });
    });
  });
}

describe('optlab serve, hardened (15.3)', () => {
  it('serves the app with nosniff and a Content-Security-Policy', async () => {
    const r = await raw('/');
    assert.equal(r.status, 200);
    assert.equal(r.headers['x-content-type-options'], 'nosniff');
    assert.match(r.headers['content-security-policy'] ?? '', /default-src 'self'/);
  });

  it('never follows a symbolic link out of the web folder or the data folder', async () => {
    for (const p of ['/leak.txt', '/up/secret.txt', '/up/data/a9a']) {
      const r = await raw(p);
      assert.ok(r.status === 403 || r.status === 404, `${p}: ${r.status}`);
      assert.doesNotMatch(r.body, /secret/);
    }
    const d = await raw('/data/a9a');
    assert.equal(d.status, 404);
    assert.doesNotMatch(d.body, /secret/);
    assert.equal(JSON.parse((await raw('/data/index.json')).body).length, 0);
  });

  it('refuses traversal in every spelling', async () => {
    const spellings = [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/%2E%2E/secret.txt',
      '/..%2fsecret.txt',
      '/..%2Fsecret.txt',
      '/%2e%2e%2fsecret.txt',
      '/assets/../../secret.txt',
      '/assets/%2e%2e/%2e%2e/secret.txt',
      '/.%2e/secret.txt',
      '/..%5csecret.txt',
      '/%5c..%5csecret.txt',
      '/secret.txt%00.html',
      '/%00',
      `/${dir}/secret.txt`,
      `//${dir.slice(1)}/secret.txt`,
      '/%252e%252e/secret.txt',
      '/%c0%ae%c0%ae/secret.txt',
      'secret.txt',
      '/./secret.txt',
    ];
    for (const p of spellings) {
      const r = await raw(p);
      assert.ok([400, 403, 404].includes(r.status), `${p}: ${r.status}`);
      assert.doesNotMatch(r.body, /secret/, p);
    }
  });

  it('answers only for loopback and configured host names (DNS rebinding)', async () => {
    assert.equal((await raw('/', { Host: 'evil.example:80' })).status, 421);
    assert.equal((await raw('/', { Host: 'localhost.evil.example' })).status, 421);
    assert.equal((await raw('/', { Host: '' })).status, 421);
    for (const h of ['localhost', `localhost:${s.port}`, '127.0.0.1', `[::1]:${s.port}`, 'LOCALHOST']) {
      assert.equal((await raw('/', { Host: h })).status, 200, h);
    }
    const other = await startServer({ root, port: 0, env: {}, allowedHosts: ['lab.example'] });
    try {
      const r = await new Promise<number>((res) => {
        request({ port: other.port, host: '127.0.0.1', headers: { host: 'lab.example' } }, (m) => {
          m.resume();
          res(m.statusCode ?? 0);
        }).end();
      });
      assert.equal(r, 200);
    } finally {
      await other.close();
    }
  });

  it('bounds request headers and refuses bodies', async () => {
    const big = await raw('/', { 'X-Big': 'a'.repeat(20000) });
    assert.equal(big.status, 431);
    const body = await raw('/', { 'Content-Length': '5' });
    assert.equal(body.status, 413);
  });

  it('keeps answering under a loopback load of 3000 requests, 60 at a time (bounded in count and time)', async () => {
    let next = 0;
    const statuses = new Map<number, number>();
    const paths = ['/', '/assets/a.js', '/nope', '/%2e%2e/secret.txt', '/data/index.json'];
    const worker = async () => {
      while (next < 3000) {
        const i = next++;
        const r = await raw(paths[i % paths.length]);
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
      }
    };
    await Promise.all(Array.from({ length: 60 }, worker));
    assert.equal(
      [...statuses.values()].reduce((a, b) => a + b, 0),
      3000,
    );
    assert.deepEqual([...statuses.keys()].sort(), [200, 403, 404]);
    assert.equal((await raw('/')).status, 200, 'still answering');
  });
});
