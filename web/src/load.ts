/**
 * Reads a LIBSVM file from a byte stream with the core's parser, as `src/node/read-libsvm.ts` does on disk:
 * gzip is recognised by its magic bytes 1f 8b (whatever the name) and decompressed on the fly with the
 * standard `DecompressionStream`; the SHA-256 covers the bytes as stored. Uses only web platform APIs
 * (streams, Web Crypto), which Node 20 also has, so it is tested in Node.
 */
import { LibsvmParser } from '../../src/data/libsvm.js';
import { OptlabError } from '../../src/errors.js';
import type { DataPayload } from './protocol.js';

export interface ReadOptions {
  /** Name in error messages and in the payload. */
  name: string;
  /** Declared number of features (`--features`). */
  features?: number;
  /** Bytes expected (Content-Length or the file's size), for progress; 0 if unknown. */
  total: number;
  /** Called as bytes arrive (at most about every 100 ms) with the bytes read and lines parsed so far. */
  onProgress?: (done: number, total: number, rows: number) => void;
}

/** Reads, decompresses if needed, parses; throws the parser's `InputError` or an `OptlabError`. */
export async function readLibsvmStream(stream: ReadableStream<Uint8Array>, opts: ReadOptions): Promise<DataPayload> {
  const warnings: string[] = [];
  const parser = new LibsvmParser({ fileName: opts.name, features: opts.features, onWarning: (m) => warnings.push(m) });
  const stored: Uint8Array[] = [];
  let bytes = 0;
  let lastReport = 0;
  let rows = 0;
  const report = (force: boolean) => {
    const t = Date.now();
    if (opts.onProgress && (force || t - lastReport >= 100)) {
      lastReport = t;
      opts.onProgress(bytes, opts.total, rows);
    }
  };
  const reader = stream.getReader();
  // The first two bytes decide whether the stream is gzip.
  let head: Uint8Array | null = null;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    stored.push(value);
    bytes += value.length;
    head = head === null ? value : concat([head, value]);
    if (head.length >= 2) break;
  }
  const gzip = head !== null && head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
  /** The stored bytes after `head`, counted and kept for the hash. */
  async function* rest(): AsyncGenerator<Uint8Array> {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      stored.push(value);
      bytes += value.length;
      report(false);
      yield value;
    }
  }
  const push = (chunk: Uint8Array) => {
    parser.push(chunk);
    rows += countLines(chunk);
  };
  if (!gzip) {
    if (head !== null) push(head);
    for await (const chunk of rest()) push(chunk);
  } else {
    const ds = new DecompressionStream('gzip');
    const writer = ds.writable.getWriter();
    const pump = (async () => {
      await writer.write(head as Uint8Array<ArrayBuffer>);
      for await (const chunk of rest()) await writer.write(chunk as Uint8Array<ArrayBuffer>);
      await writer.close();
    })();
    pump.catch(() => {}); // its failure surfaces on the readable side below
    const out = ds.readable.getReader();
    try {
      for (;;) {
        const { value, done } = await out.read();
        if (done) break;
        push(value);
      }
      await pump;
    } catch (e) {
      reader.cancel().catch(() => {});
      out.cancel().catch(() => {});
      if (e instanceof OptlabError) throw e;
      throw new OptlabError(
        `cannot decompress ${opts.name}: corrupt or truncated gzip data (${(e as Error).message ?? String(e)})`,
      );
    }
  }
  const parsed = parser.finish();
  report(true);
  const X = parsed.X;
  return {
    name: opts.name,
    sha256: await sha256Hex(stored),
    bytes,
    gzip,
    rows: X.rows,
    cols: X.cols,
    rowPtr: X.rowPtr,
    colIdx: X.colIdx,
    values: X.values,
    labels: parsed.labels,
    warnings,
  };
}

/** Line ends in a chunk: the progress display's count of lines read (rows, comments and blank lines alike). */
function countLines(chunk: Uint8Array): number {
  let n = 0;
  for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) n++;
  return n;
}

function concat(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** SHA-256 of the concatenated chunks (hex), or '' where Web Crypto is unavailable (an insecure origin). */
async function sha256Hex(parts: Uint8Array[]): Promise<string> {
  const subtle = globalThis.crypto?.subtle;
  if (subtle === undefined) return '';
  const digest = await subtle.digest('SHA-256', concat(parts) as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}
