import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REGISTRY } from '../../src/data/registry.js';
import { download } from '../../src/node/fetch.js';
import { findDataFile, requireDataFile } from '../helpers/data.js';

/**
 * `optlab fetch` against a real HTTP server on 127.0.0.1 that misbehaves in every way a server can: each
 * failure leaves nothing in the cache and ends with a clear error within a bounded time.
 */
const spec = REGISTRY.a9a;
const real = findDataFile('a9a');
const timers = new Set<NodeJS.Timeout>();
const sockets = new Set<Socket>();
let server: Server;
let base = '';

function slowly(res: ServerResponse, everyMs: number, bytes: number): void {
  const t = setInterval(() => {
    if (res.destroyed) {
      clearInterval(t);
      timers.delete(t);
      return;
    }
    res.write(Buffer.alloc(bytes, 0x31));
  }, everyMs);
  timers.add(t);
}

before(async () => {
  server = createServer((req, res) => {
    const path = req.url ?? '/';
    if (path === '/good' && real) {
      const body = readFileSync(real);
      res.writeHead(200, { 'content-length': body.length });
      // in pieces, so two concurrent downloads overlap
      let off = 0;
      const t = setInterval(() => {
        res.write(body.subarray(off, off + 262144));
        off += 262144;
        if (off >= body.length) {
          clearInterval(t);
          timers.delete(t);
          res.end();
        }
      }, 5);
      timers.add(t);
    } else if (path === '/wrong') {
      res.writeHead(200, { 'content-length': spec.bytes });
      res.end(Buffer.alloc(spec.bytes, 0x31));
    } else if (path === '/truncated') {
      res.writeHead(200, { 'content-length': spec.bytes });
      res.write(Buffer.alloc(1000, 0x31));
      setTimeout(() => res.socket?.destroy(), 20);
    } else if (path === '/500') {
      res.writeHead(500);
      res.end('oops');
    } else if (path.startsWith('/loop')) {
      res.writeHead(302, { location: `${path}x` });
      res.end();
    } else if (path === '/endless') {
      res.writeHead(200); // no length, bytes forever
      slowly(res, 1, 65536);
    } else if (path === '/trickle') {
      res.writeHead(200);
      res.flushHeaders();
      slowly(res, 2000, 1); // 1 byte every 2 s
    } else if (path === '/silent') {
      // accept, never answer
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  for (const t of timers) clearInterval(t);
  for (const s of sockets) s.destroy();
  await new Promise<void>((r) => server.close(() => r()));
});

const root = mkdtempSync(join(tmpdir(), 'optlab-fetch-srv-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
function cache(): { env: NodeJS.ProcessEnv; folder: string } {
  const xdg = join(root, `c${n++}`);
  return { env: { XDG_CACHE_HOME: xdg }, folder: join(xdg, 'optlab') };
}
const fast = { connectTimeoutMs: 1500, idleTimeoutMs: 1500 };

async function fails(path: string, pattern: RegExp, withinMs: number): Promise<void> {
  const { env, folder } = cache();
  const t0 = Date.now();
  await assert.rejects(download('a9a', undefined, env, fetch, { url: `${base}${path}`, ...fast }), (e: Error) => {
    assert.match(e.message, pattern);
    assert.equal(e.message.split('\n').length, 1);
    return true;
  });
  const ms = Date.now() - t0;
  assert.ok(ms < withinMs, `${path}: took ${ms} ms`);
  assert.deepEqual(existsSync(folder) ? readdirSync(folder) : [], [], `${path}: the cache holds nothing`);
}

describe('fetch against a misbehaving server on 127.0.0.1', () => {
  it('a wrong checksum', () => fails('/wrong', /downloaded file has SHA-256 [0-9a-f]{64}, expected/, 10_000));
  it('a truncated body', () =>
    fails('/truncated', /cannot download a9a from .*: (the body ended after|.*(closed|reset|terminated))/, 10_000));
  it('an HTTP 500', () => fails('/500', /: HTTP 500 Internal Server Error\. With no internet/, 10_000));
  it('a redirect loop', () => fails('/loop', /: redirect count exceeded\./, 10_000));
  it('an endless body stops at the size the registry expects', () =>
    fails('/endless', /: the server sent more than the 2329875 bytes the registry expects\./, 15_000));
  it('a trickle of 1 byte every 2 s ends at the idle timeout', () =>
    fails('/trickle', /: no data for 1\.5 s \(idle timeout\) after \d+ bytes\./, 10_000));
  it('a silent server ends at the connect timeout', () =>
    fails('/silent', /: no response within 1\.5 s \(connect timeout\)\./, 10_000));

  it('removes partial files of killed downloads, and two concurrent fetches leave one verified file', async (t) => {
    if (!requireDataFile(t, 'a9a')) return;
    const { env, folder } = cache();
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'a9a.part-999999'), 'left by a killed download'); // no such process
    const url = `${base}/good`;
    const [a, b] = await Promise.all([
      download('a9a', undefined, env, fetch, { url, ...fast }),
      download('a9a', undefined, env, fetch, { url, ...fast }),
    ]);
    assert.equal(a, b);
    assert.deepEqual(readdirSync(folder), ['a9a']);
    assert.deepEqual(readFileSync(a), readFileSync(real as string));
  });
});
