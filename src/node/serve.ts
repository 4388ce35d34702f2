import { createReadStream, existsSync, realpathSync, type Stats, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DATASET_NAMES, type DatasetName, REGISTRY } from '../data/registry.js';
import { OptlabError } from '../errors.js';
import { locate } from './fetch.js';

/**
 * The playground's static server (`optlab serve`), on node:http alone:
 *
 * - `/` and the files of the built web app (`dist-web/`, from `npm run build:web`);
 * - `/data/index.json`: the registry datasets found on this machine (in `--data-dir`, else via `locate()`:
 *   `$OPTLAB_DATA`, then the cache), with rows and features from the registry;
 * - `/data/<name>`: those files' bytes as stored (a `.gz` copy is sent compressed, without Content-Encoding:
 *   the page recognises gzip by its magic bytes and decompresses it itself, as the CLI does).
 *
 * GET and HEAD only; paths are decoded once and must stay inside the web folder (`..`, NUL bytes, back
 * slashes and absolute paths are refused), and so must their real path: a symbolic link out of the web folder,
 * or a dataset file that is a link out of its folder, is not served. Only requests whose `Host` is
 * 127.0.0.1, localhost, [::1] or the configured host (and `allowedHosts`) are answered (421 otherwise), which
 * defeats DNS rebinding. Request headers are bounded (16 KiB), requests with a body are refused (413), and a
 * request must arrive within 10 s (headers) / 30 s (whole). Listens on 127.0.0.1 unless told otherwise. No
 * COOP/COEP headers: the playground needs no SharedArrayBuffer.
 */

/** MIME types of the files a Vite build holds (and a few more). */
export const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
};

/** The built web app beside this package: `dist-web/` at the repository root (from src/node or dist/node). */
export function defaultWebRoot(): string {
  return fileURLToPath(new URL('../../dist-web/', import.meta.url));
}

/** A dataset the server offers, as `/data/index.json` lists it. */
export interface ServedDataset {
  name: DatasetName;
  description: string;
  rows: number;
  features: number;
  /** Size of the file as stored. */
  bytes: number;
  gzip: boolean;
  /** The registry's SHA-256 of the plain file (the page checks it for a plain file). */
  sha256: string;
  /** The test split, when the server offers it too. */
  test?: DatasetName;
  /** URL of the bytes, relative to the page. */
  url: string;
}

/** Registry datasets found in `dataDir` (plain name, then `.gz`), else where `locate()` finds them. */
export function findDatasets(
  dataDir: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Array<ServedDataset & { path: string }> {
  const found: Array<ServedDataset & { path: string }> = [];
  for (const name of DATASET_NAMES) {
    let path: string | undefined;
    if (dataDir !== undefined) {
      path = [join(dataDir, name), join(dataDir, `${name}.gz`)].find((p) => isFile(p));
    }
    path ??= locate(name, env)?.path;
    if (path === undefined || !safeDataFile(path)) continue;
    const spec = REGISTRY[name];
    found.push({
      name,
      description: spec.description,
      rows: spec.rows,
      features: spec.features,
      bytes: statSync(path).size,
      gzip: path.endsWith('.gz'),
      sha256: spec.sha256,
      url: `data/${encodeURIComponent(name)}`,
      path,
    });
  }
  for (const d of found) {
    const t = REGISTRY[d.name].test;
    if (t !== undefined && found.some((x) => x.name === t)) d.test = t;
  }
  return found;
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

export interface ServeOptions {
  /** Folder of the built web app (default: `dist-web/` of this package). */
  root?: string;
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** Port (default 5180; 0 picks a free one). */
  port?: number;
  /** Folder searched for registry datasets before `$OPTLAB_DATA` and the cache. */
  dataDir?: string;
  env?: NodeJS.ProcessEnv;
  /** Host names accepted in the `Host` header besides the loopback names and `host`. */
  allowedHosts?: string[];
}

export interface Serving {
  server: Server;
  url: string;
  port: number;
  root: string;
  close(): Promise<void>;
}

export const DEFAULT_PORT = 5180;

const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  // Same-origin only: the page works offline and cannot reach a CDN. Vega compiles its expressions with
  // Function (unsafe-eval); the core compiles its WebAssembly kernels (wasm-unsafe-eval).
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self' 'unsafe-eval' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; " +
    "img-src 'self' data: blob:; connect-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'none'; " +
    "frame-ancestors 'none'; form-action 'none'",
};

function send(res: ServerResponse, status: number, text: string, head = false): void {
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
  });
  res.end(head ? undefined : text);
}

function sendFile(req: IncomingMessage, res: ServerResponse, path: string, stat: Stats, type: string): void {
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'Content-Type': type,
    'Content-Length': stat.size,
    // Vite's assets have content hashes in their names; everything else is revalidated.
    'Cache-Control': /[\\/]assets[\\/]/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  const stream = createReadStream(path);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}

/**
 * The file under `root` a URL path names, or a status: 400 for a malformed path, 403 for one that tries to
 * leave the folder, 404 when nothing is there. `/` and folders serve their `index.html`.
 */
export function resolveStatic(root: string, pathname: string): { path: string; stat: Stats } | { status: number } {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return { status: 400 };
  }
  if (!decoded.startsWith('/') || decoded.includes('\0') || decoded.includes('\\')) return { status: 400 };
  const parts = decoded.split('/');
  if (parts.some((p) => p === '..' || p === '.')) return { status: 403 };
  const base = resolve(root);
  let path = resolve(base, `.${decoded}`);
  if (path !== base && !path.startsWith(base + sep)) return { status: 403 };
  let stat: Stats;
  try {
    stat = statSync(path);
    if (stat.isDirectory()) {
      path = join(path, 'index.html');
      stat = statSync(path);
    }
    if (!within(realpathSync(base), realpathSync(path))) return { status: 403 };
  } catch {
    return { status: 404 };
  }
  return stat.isFile() ? { path, stat } : { status: 404 };
}

/** Whether `path` is `folder` or inside it (both real, absolute paths). */
function within(folder: string, path: string): boolean {
  return path === folder || path.startsWith(folder.endsWith(sep) ? folder : folder + sep);
}

/** Whether the real path of a dataset file stays inside the real path of the folder it was found in. */
function safeDataFile(path: string): boolean {
  try {
    return within(realpathSync(dirname(path)), realpathSync(path));
  } catch {
    return false;
  }
}

/** The host names a request may carry in `Host` (a port is ignored): loopback names and the configured ones. */
export function allowedHostNames(host: string | undefined, extra: readonly string[] = []): Set<string> {
  const names = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);
  for (const h of [host, ...extra]) {
    if (h === undefined || h === '' || h === '0.0.0.0' || h === '::') continue;
    names.add(h.toLowerCase());
    if (h.includes(':') && !h.startsWith('[')) names.add(`[${h.toLowerCase()}]`);
  }
  return names;
}

/**
 * Listening on every interface (0.0.0.0 or ::), the machine's own addresses are accepted as host names too
 * (a phone on the network opens http://192.168.1.5:5180/); names other than those stay refused.
 */
function interfaceAddresses(host: string): string[] {
  if (host !== '0.0.0.0' && host !== '::') return [];
  return Object.values(networkInterfaces())
    .flat()
    .filter((a) => a !== undefined)
    .map((a) => a.address);
}

/** The host name of a `Host` header without its port (`[::1]:5180` → `[::1]`), lowercased. */
function hostName(header: string | undefined): string {
  if (header === undefined) return '';
  const h = header.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  const colon = h.lastIndexOf(':');
  return colon >= 0 ? h.slice(0, colon) : h;
}

/** The request handler (exported for tests). */
export function handler(
  root: string,
  dataDir: string | undefined,
  env: NodeJS.ProcessEnv,
  hosts: Set<string> = allowedHostNames(undefined),
) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const head = req.method === 'HEAD';
    if (!hosts.has(hostName(req.headers.host))) {
      send(res, 421, 'misdirected request: this server answers only for its own host names\n', head);
      return;
    }
    const length = Number(req.headers['content-length'] ?? 0);
    if (length > 0 || req.headers['transfer-encoding'] !== undefined) {
      res.setHeader('Connection', 'close');
      send(res, 413, 'request bodies are not accepted\n', head);
      req.destroy();
      return;
    }
    if (req.method !== 'GET' && !head) {
      res.setHeader('Allow', 'GET, HEAD');
      send(res, 405, 'method not allowed\n');
      return;
    }
    const rawPath = (req.url ?? '/').split('?')[0].split('#')[0];
    if (rawPath === '/data/index.json') {
      const list = findDatasets(dataDir, env).map(({ path: _path, ...d }) => d);
      const body = `${JSON.stringify(list, null, 2)}\n`;
      res.writeHead(200, {
        ...SECURITY_HEADERS,
        'Content-Type': MIME['.json'],
        'Content-Length': Buffer.byteLength(body),
        'Cache-Control': 'no-store',
      });
      res.end(head ? undefined : body);
      return;
    }
    if (rawPath.startsWith('/data/')) {
      let name: string;
      try {
        name = decodeURIComponent(rawPath.slice('/data/'.length));
      } catch {
        send(res, 400, 'bad request\n', head);
        return;
      }
      const d = findDatasets(dataDir, env).find((x) => x.name === name);
      if (d === undefined) {
        send(res, 404, `no dataset ${name} here\n`, head);
        return;
      }
      sendFile(req, res, d.path, statSync(d.path), d.gzip ? 'application/gzip' : 'application/octet-stream');
      return;
    }
    const found = resolveStatic(root, rawPath);
    if ('status' in found) {
      const text = { 400: 'bad request', 403: 'forbidden', 404: 'not found' }[found.status] ?? 'error';
      send(res, found.status, `${text}\n`, head);
      return;
    }
    sendFile(req, res, found.path, found.stat, MIME[extname(found.path).toLowerCase()] ?? 'application/octet-stream');
  };
}

/** Starts the server; rejects with an `OptlabError` when the app is not built or the port is taken. */
export async function startServer(opts: ServeOptions = {}): Promise<Serving> {
  const root = resolve(opts.root ?? defaultWebRoot());
  const env = opts.env ?? process.env;
  if (!existsSync(join(root, 'index.html'))) {
    throw new OptlabError(`the playground is not built (no ${join(root, 'index.html')}): run npm run build:web`);
  }
  const dataDir = opts.dataDir === undefined ? undefined : resolve(opts.dataDir);
  if (dataDir !== undefined && !statSync(dataDir, { throwIfNoEntry: false })?.isDirectory()) {
    throw new OptlabError(`--data-dir ${opts.dataDir}: no such folder`);
  }
  const host = opts.host ?? '127.0.0.1';
  const port = opts.port ?? DEFAULT_PORT;
  const server = createServer(
    { maxHeaderSize: 16 * 1024, headersTimeout: 10_000, requestTimeout: 30_000 },
    handler(root, dataDir, env, allowedHostNames(host, [...(opts.allowedHosts ?? []), ...interfaceAddresses(host)])),
  );
  server.maxConnections = 1024;
  await new Promise<void>((res, rej) => {
    const onError = (e: NodeJS.ErrnoException) => {
      server.close();
      if (e.code === 'EADDRINUSE') {
        rej(
          new OptlabError(`port ${port} on ${host} is already in use: choose another with --port (0 picks a free one)`),
        );
      } else if (e.code === 'EACCES') {
        rej(new OptlabError(`no permission to listen on ${host}:${port}: choose a port above 1023 with --port`));
      } else if (e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND') {
        rej(new OptlabError(`cannot listen on ${host}: no such local address`));
      } else rej(new OptlabError(`cannot listen on ${host}:${port}: ${e.message}`));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      res();
    });
  });
  const actual = (server.address() as AddressInfo).port;
  const shown = host.includes(':') ? `[${host}]` : host;
  return {
    server,
    url: `http://${shown}:${actual}/`,
    port: actual,
    root,
    close: () =>
      new Promise<void>((res) => {
        server.close(() => res());
        server.closeAllConnections();
      }),
  };
}
