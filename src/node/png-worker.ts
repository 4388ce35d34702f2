/**
 * Worker thread of the PNG pool (./png-pool.ts): rasterizes SVG documents with resvg and encodes them as PNG,
 * both off the main thread (resvg's `renderAsync` rasterizes on libuv's pool, but `asPng()` encodes on the
 * caller's thread: ~30 ms per study figure). Loads resvg only (./raster.ts), not Vega.
 *
 * Protocol: in `{id, svg, scale}`; out `{id, png}` (bytes, transferred) | `{id, error}`.
 */
import { parentPort } from 'node:worker_threads';
import type { PngReply, PngRequest } from './png-pool.js';
import { svgToPng } from './raster.js';

const port = parentPort;
if (port === null) throw new Error('png-worker.ts runs as a worker thread');
port.on('message', (m: PngRequest) => {
  try {
    const png = svgToPng(m.svg, { scale: m.scale });
    const bytes = png.byteOffset === 0 && png.byteLength === png.buffer.byteLength ? png : png.slice();
    port.postMessage({ id: m.id, png: bytes } satisfies PngReply, [bytes.buffer as ArrayBuffer]);
  } catch (e) {
    port.postMessage({ id: m.id, error: e instanceof Error ? e.message : String(e) } satisfies PngReply);
  }
});
